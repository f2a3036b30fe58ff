#include "patrol/patrol_routes.h"

#include <fmt/format.h>

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "core/local_time.h"
#include "files/attachments.h"
#include "http/json_opt.h"
#include "http/query.h"

namespace fazhi::patrol {

using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

json Ll(LonLat p) { return json::array({p.lon, p.lat}); }

json AreaJson(const Area& a) {
  json ring = json::array();
  for (const auto& p : a.ring) ring.push_back(Ll(p));
  return Merged(FZ_JSON(a, id, unit_id, unit_name, name, in_town), {{"ring", ring}});
}
json PointJson(const Point& p) {
  return Merged(FZ_JSON(p, id, unit_id, area_id, area_name, name, radius_m, min_stay_s), {{"at", Ll(p.at)}});
}
// members: every member's name for display — the directory's people first, then the names typed as
// text on teams from before member_ids (legacy_members alone lists those).
json TeamJson(const Team& t) {
  json people = json::array();
  std::vector<std::string> names;
  for (const auto& m : t.member_people) {
    people.push_back(FZ_JSON(m, id, name, badge_no, unit_name));
    names.push_back(m.name);
  }
  names.insert(names.end(), t.members.begin(), t.members.end());
  return Merged(FZ_JSON(t, id, unit_id, unit_name, name, mode, shift, member_ids, equipment),
                {{"members", std::move(names)}, {"member_people", std::move(people)}, {"legacy_members", t.members}});
}

// member_ids: positive integers (people ids; the service checks who they are).
Result<std::vector<std::int64_t>> MemberIds(JsonInput& in) {
  std::vector<std::int64_t> ids;
  if (auto raw = in.Raw("member_ids", "成员")) {
    if (!raw->is_array()) return Invalid("“成员”应为人员编号数组", "member_ids", "wrong_type");
    for (const auto& v : *raw) {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1)
        return Invalid("“成员”应为人员编号数组", "member_ids", "wrong_type");
      ids.push_back(v.get<std::int64_t>());
    }
  }
  return ids;
}
json CheckinJson(const Checkin& c) {
  json reasons = json::array();
  if (!c.flag_reasons.empty())
    for (std::size_t b = 0, e; b <= c.flag_reasons.size(); b = e + std::string_view("；").size()) {
      e = c.flag_reasons.find("；", b);
      if (e == std::string::npos) e = c.flag_reasons.size();
      reasons.push_back(c.flag_reasons.substr(b, e - b));
      if (e == c.flag_reasons.size()) break;
    }
  json codes = json::array();
  for (std::size_t b = 0; b < c.flags.size();) {
    auto e = c.flags.find(',', b);
    if (e == std::string::npos) e = c.flags.size();
    codes.push_back(c.flags.substr(b, e - b));
    b = e + 1;
  }
  return Merged(FZ_JSON(c, id, unit_id, unit_name, point_id, point_name, officer_name, arrived_at, left_at, accuracy_m,
                        distance_m, photo_sha256, note),
                {{"at", Ll(c.claimed)}, {"flagged", !c.flags.empty()}, {"flags", codes}, {"flag_reasons", reasons}});
}
json LogJson(const Log& l) { return FZ_JSON(l, id, unit_name, officer_name, kind, at, camera, place, finding, result); }
json CallJson(const Call& c) {
  json j = FZ_JSON(c, id, unit_id, unit_name, kind, place, shift, in_town, is_test, drill_id);
  for (std::size_t i = 0; i < kStages.size(); ++i) j[kStages[i] + "_at"] = http::OptJson(c.stamps[i]);
  return j;
}
json BucketJson(const Bucket& b) {
  return Merged(
      FZ_JSON(b, unit_id, unit_name, shift, calls, sign_ok, arrive_ok, sign_median_s, arrive_median_s, arrive_rate),
      {{"signed", b.signed_n}, {"arrived", b.arrived_n}});
}
json TargetsJson(const Targets& t) { return FZ_JSON(t, sign_s, arrive_town_s, arrive_rural_s, tile_url); }
json DisputeJson(const Dispute& d) {
  return Merged(
      FZ_JSON(d, id, unit_id, unit_name, title, kind, parties, grade, grade_reasons, officer_person_id, officer_name,
              linked_calls, revisit_at, status, closed_at, closure, order_id, created_at, overdue, escalate),
      {{"actions", json::parse(d.actions)}});
}
json HazardJson(const Hazard& h) {
  return FZ_JSON(h, id, unit_id, unit_name, place, kind, description, officer_person_id, fix_due, fixed_at, recheck_at,
                 recheck_note, status, order_id, created_at, overdue);
}

struct Range {
  EpochSeconds from = 0, to = 0;
};
Result<Range> ReadRange(http::QueryReader& q, const Clock& clock, int default_days) {
  const auto from = q.Time("from");
  const auto to = q.TimeEnd("to");
  Range r;
  r.to = to.value_or(LocalMidnight(LocalDateOf(clock.Now())) + 86400);
  r.from = from.value_or(r.to - default_days * 86400LL);
  if (r.from >= r.to) return Invalid("开始时间应早于结束时间", "from", "invalid_range");
  return r;
}

// A number (longitude, latitude) from the body, as a Raw value.
std::optional<double> Number(JsonInput& in, const std::string& key, std::string_view label) {
  auto v = in.Raw(key, label, true);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    in.Reject(Error{ErrorCode::kInvalidArgument, fmt::format("“{}”应为数字", label), key, "wrong_type"});
    return std::nullopt;
  }
  return v->get<double>();
}

Result<Reply> GetMap(Ctx& ctx, PatrolService& s) {
  const MapData m = FZ_TRY(s.Map(ctx.user()));
  json areas = json::array(), points = json::array();
  for (const auto& a : m.areas) areas.push_back(AreaJson(a));
  for (const auto& p : m.points) points.push_back(PointJson(p));
  return Reply::Json({{"areas", areas}, {"points", points}, {"tile_url", m.tile_url}});
}

Result<Reply> Import(Ctx& ctx, PatrolService& s) {
  JsonInput in(ctx.body());
  const auto unit = in.Int("unit_id", "所属单位", {.min = 1});
  const auto doc = in.Raw("geojson", "GeoJSON", true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  const ImportResult r = FZ_TRY(s.ImportGeoJson(ctx.user(), ctx.Actor(), unit, *doc));
  json areas = json::array(), points = json::array();
  for (const auto& a : r.areas) areas.push_back(AreaJson(a));
  for (const auto& p : r.points) points.push_back(PointJson(p));
  return Reply::Json({{"areas", areas}, {"points", points}}, 201);
}

// One drawn 巡区 / 必到点 changed or removed (patrol_edit.cpp); the body is one GeoJSON Feature.
Result<Reply> UpdateAreaRoute(Ctx& ctx, PatrolService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto feature = in.Raw("feature", "GeoJSON 要素", true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(AreaJson(FZ_TRY(s.UpdateArea(ctx.user(), ctx.Actor(), id, *feature))));
}
Result<Reply> DeleteAreaRoute(Ctx& ctx, PatrolService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  FZ_CHECK(s.DeleteArea(ctx.user(), ctx.Actor(), id));
  return Reply::Json({{"ok", true}});
}
Result<Reply> UpdatePointRoute(Ctx& ctx, PatrolService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto feature = in.Raw("feature", "GeoJSON 要素", true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(PointJson(FZ_TRY(s.UpdatePoint(ctx.user(), ctx.Actor(), id, *feature))));
}
Result<Reply> DeletePointRoute(Ctx& ctx, PatrolService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  FZ_CHECK(s.DeletePoint(ctx.user(), ctx.Actor(), id));
  return Reply::Json({{"ok", true}});
}

Result<Reply> ListTeamsRoute(Ctx& ctx, PatrolService& s) {
  json items = json::array();
  for (const auto& t : FZ_TRY(s.Teams(ctx.user()))) items.push_back(TeamJson(t));
  return Reply::Json({{"items", items}});
}

// The body of a team's create and edit (the same fields and checks).
Result<Team> TeamInput(Ctx& ctx) {
  JsonInput in(ctx.body());
  Team t;
  t.name = in.String("name", "巡组名称", {.required = true, .min_chars = 1, .max_chars = 100}).value_or("");
  t.mode = in.Enum("mode", "巡逻方式", {"car", "foot", "bicycle"}, true).value_or("");
  t.shift = in.String("shift", "班次", {.max_chars = 40}).value_or("");
  t.unit_id = in.Int("unit_id", "所属单位", {.min = 1}).value_or(0);
  t.members = in.StringArray("members", "成员", {.max_chars = 100}).value_or(std::vector<std::string>{});
  t.member_ids = FZ_TRY(MemberIds(in));
  t.equipment = in.StringArray("equipment", "装备", {.max_chars = 100}).value_or(std::vector<std::string>{});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return t;
}

Result<Reply> CreateTeamRoute(Ctx& ctx, PatrolService& s) {
  Team t = FZ_TRY(TeamInput(ctx));
  return Reply::Json(TeamJson(FZ_TRY(s.CreateTeam(ctx.user(), ctx.Actor(), std::move(t)))), 201);
}

Result<Reply> EditTeamRoute(Ctx& ctx, PatrolService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  Team t = FZ_TRY(TeamInput(ctx));
  return Reply::Json(TeamJson(FZ_TRY(s.EditTeam(ctx.user(), ctx.Actor(), id, std::move(t)))));
}

Result<Reply> ListCallsRoute(Ctx& ctx, PatrolService& s) {
  http::QueryReader q(ctx);
  CallFilter f;
  f.open = q.Bool("open");
  f.is_test = q.Bool("test");
  f.from = q.Time("from");
  f.to = q.TimeEnd("to");
  const PageRequest page = q.Page({"received_at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.Calls(ctx.user(), f, page));
  json items = json::array();
  for (const auto& c : list.items) items.push_back(CallJson(c));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> ListCheckinsRoute(Ctx& ctx, PatrolService& s) {
  http::QueryReader q(ctx);
  CheckinFilter f;
  f.flagged = q.Bool("flagged");
  f.unit_id = q.Id("unit_id");
  f.from = q.Time("from");
  f.to = q.TimeEnd("to");
  const PageRequest page = q.Page({"arrived_at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.Checkins(ctx.user(), f, page));
  json items = json::array();
  for (const auto& c : list.items) items.push_back(CheckinJson(c));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> CheckInRoute(Ctx& ctx, PatrolService& s) {
  JsonInput in(ctx.body());
  CheckinInput c;
  c.point_id = in.Int("point_id", "必到点", {.required = true, .min = 1}).value_or(0);
  const auto lon = Number(in, "lon", "经度");
  const auto lat = Number(in, "lat", "纬度");
  c.accuracy_m =
      static_cast<int>(in.Int("accuracy_m", "定位精度", {.required = true, .min = 0, .max = 100000}).value_or(0));
  c.photo_sha256 = in.String("photo_sha256", "照片哈希", {.max_chars = 64}).value_or("");
  c.note = in.String("note", "备注", {.max_chars = 400}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (!c.photo_sha256.empty() &&
      (c.photo_sha256.size() != 64 || c.photo_sha256.find_first_not_of("0123456789abcdef") != std::string::npos))
    return Invalid("照片哈希应为 64 位小写十六进制 SHA-256", "photo_sha256", "invalid_hash");
  c.claimed = {*lon, *lat};
  return Reply::Json(CheckinJson(FZ_TRY(s.CheckIn(ctx.user(), ctx.Actor(), c))), 201);
}

Result<Reply> LeaveRoute(Ctx& ctx, PatrolService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  return Reply::Json(CheckinJson(FZ_TRY(s.Leave(ctx.user(), ctx.Actor(), id))));
}

Result<Reply> ListLogsRoute(Ctx& ctx, PatrolService& s) {
  http::QueryReader q(ctx);
  const auto kind = q.OneOf("kind", {"stop_check", "catch", "video", "info"});
  const PageRequest page = q.Page({"at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.Logs(ctx.user(), kind, page));
  json items = json::array();
  for (const auto& l : list.items) items.push_back(LogJson(l));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> AddLogRoute(Ctx& ctx, PatrolService& s) {
  JsonInput in(ctx.body());
  Log l;
  l.kind = in.Enum("kind", "日志类型", {"stop_check", "catch", "video", "info"}, true).value_or("");
  l.camera = in.String("camera", "监控点位", {.max_chars = 100}).value_or("");
  l.place = in.String("place", "地点", {.max_chars = 200}).value_or("");
  l.finding = in.String("finding", "巡查发现", {.max_chars = 2000}).value_or("");
  l.result = in.String("result", "处置结果", {.max_chars = 2000}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(LogJson(FZ_TRY(s.AddLog(ctx.user(), ctx.Actor(), std::move(l)))), 201);
}

Result<Reply> CreateCallRoute(Ctx& ctx, PatrolService& s) {
  JsonInput in(ctx.body());
  Call c;
  c.kind = in.String("kind", "警情类别", {.required = true, .min_chars = 1, .max_chars = 40}).value_or("");
  c.place = in.String("place", "发生地点", {.max_chars = 200}).value_or("");
  c.unit_id = in.Int("unit_id", "处警单位", {.min = 1}).value_or(0);
  c.in_town = in.Bool("in_town", "是否城区").value_or(true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(CallJson(FZ_TRY(s.CreateCall(ctx.user(), ctx.Actor(), std::move(c)))), 201);
}

Result<Reply> StampRoute(Ctx& ctx, PatrolService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto stage = in.String("stage", "环节", {.required = true, .min_chars = 1, .max_chars = 20});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(CallJson(FZ_TRY(s.Stamp(ctx.user(), ctx.Actor(), id, *stage))));
}

Result<Reply> ResponseRoute(Ctx& ctx, PatrolService& s) {
  http::QueryReader q(ctx);
  const Range r = FZ_TRY(ReadRange(q, s.clock(), 30));
  const bool test = q.Bool("test").value_or(false);
  const auto drill = q.Id("drill_id");
  FZ_CHECK(q.Finish());
  const ResponseReport rep = FZ_TRY(s.Response(ctx.user(), r.from, r.to, test || drill.has_value(), drill));
  json units = json::array(), shifts = json::array(), slowest = json::array();
  for (const auto& b : rep.by_unit) units.push_back(BucketJson(b));
  for (const auto& b : rep.by_unit_shift) shifts.push_back(BucketJson(b));
  for (const auto& b : rep.slowest) slowest.push_back(BucketJson(b));
  return Reply::Json({{"from", r.from},
                      {"to", r.to},
                      {"targets", TargetsJson(rep.targets)},
                      {"by_unit", units},
                      {"by_unit_shift", shifts},
                      {"slowest", slowest}});
}

Result<Reply> GetTargetsRoute(Ctx& ctx, PatrolService& s) {
  return Reply::Json(TargetsJson(FZ_TRY(s.GetTargets(ctx.user()))));
}

Result<Reply> SetTargetsRoute(Ctx& ctx, PatrolService& s) {
  JsonInput in(ctx.body());
  Targets t;
  t.sign_s =
      static_cast<int>(in.Int("sign_s", "签收时限（秒）", {.required = true, .min = 1, .max = 86400}).value_or(0));
  t.arrive_town_s = static_cast<int>(
      in.Int("arrive_town_s", "城区到达时限（秒）", {.required = true, .min = 1, .max = 86400}).value_or(0));
  t.arrive_rural_s = static_cast<int>(
      in.Int("arrive_rural_s", "城外到达时限（秒）", {.required = true, .min = 1, .max = 86400}).value_or(0));
  t.tile_url = in.String("tile_url", "瓦片服务地址", {.max_chars = 400}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(TargetsJson(FZ_TRY(s.SetTargets(ctx.user(), ctx.Actor(), t))));
}

json DrillJson(const Drill& d) { return FZ_JSON(d, id, name, seed, draws, drawn_points, call_ids, created_at); }

Result<Reply> ListDrillsRoute(Ctx& ctx, PatrolService& s) {
  json items = json::array();
  for (const auto& d : FZ_TRY(s.Drills(ctx.user()))) items.push_back(DrillJson(d));
  return Reply::Json({{"items", items}});
}

Result<Reply> CreateDrillRoute(Ctx& ctx, PatrolService& s) {
  JsonInput in(ctx.body());
  const auto name = in.String("name", "测警计划名称", {.required = true, .min_chars = 1, .max_chars = 100});
  const auto seed = in.Int("seed", "随机种子", {.min = 0});
  const auto count = in.Int("count", "抽取次数", {.required = true, .min = 1, .max = 50});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(DrillJson(FZ_TRY(s.CreateDrill(ctx.user(), ctx.Actor(), *name, seed, static_cast<int>(*count)))),
                     201);
}

json CellJson(const HotCell& c, const Grid& g) {
  return Merged(FZ_JSON(c, x, y, count, score, level, near_repeats, peak_hour), {{"centre", Ll(g.CentreOf(c.x, c.y))}});
}

Result<Reply> HotspotsRoute(Ctx& ctx, PatrolService& s) {
  http::QueryReader q(ctx);
  const Range r = FZ_TRY(ReadRange(q, s.clock(), 90));
  FZ_CHECK(q.Finish());
  const HotspotReport rep = FZ_TRY(s.Hotspots(ctx.user(), r.from, r.to));
  json cells = json::array(), matrix = json::array(), sugg = json::array();
  for (std::size_t i = 0; i < rep.result.cells.size() && i < 400; ++i)
    cells.push_back(CellJson(rep.result.cells[i], rep.grid));
  for (const auto& row : rep.result.by_hour_weekday)
    matrix.push_back(json(std::vector<std::int64_t>(std::begin(row), std::end(row))));
  for (const auto& sg : rep.suggestions) {
    json sc = json::array();
    for (const auto& c : sg.cells) sc.push_back(CellJson(c, rep.grid));
    sugg.push_back(Merged(FZ_JSON(sg, area_id, area_name, hours, stops_per_week), {{"cells", sc}}));
  }
  return Reply::Json(
      {{"from", r.from},
       {"to", r.to},
       {"cell_m", rep.grid.cell_m},
       {"incidents", rep.result.incidents},
       {"near_repeats", rep.result.near_repeats},
       {"thresholds", FZ_JSON(rep.result, p80, p90, p97)},
       {"cells", cells},
       {"by_weekday_hour", matrix},
       {"suggestions", sugg},
       {"evaluation", Merged(FZ_JSON(rep, suggested_before, suggested_after, others_before, others_after),
                             {{"matched",
                               {{"suggested_cells", rep.matched.suggested},
                                {"matched_cells", rep.matched.matched_suggested},
                                {"unmatched_cells", rep.matched.unmatched},
                                {"control_cells", rep.matched.controls},
                                {"suggested_change", rep.matched.suggested_change},
                                {"control_change", rep.matched.control_change},
                                {"did", rep.matched.did}}}})}});
}

RegisterFilter ReadRegisterFilter(http::QueryReader& q, bool disputes) {
  RegisterFilter f;
  if (disputes) {
    f.status = q.OneOf("status", {"open", "closed"});
    f.kind = q.OneOf("kind", {"romance", "family", "neighbour", "debt", "labour", "land"});
    f.grade = q.OneOf("grade", {"red", "orange", "yellow", "green"});
  } else {
    f.status = q.OneOf("status", {"open", "fixed", "closed"});
  }
  f.overdue = q.Bool("overdue");
  return f;
}

Result<Reply> ListDisputesRoute(Ctx& ctx, PatrolService& s) {
  http::QueryReader q(ctx);
  const RegisterFilter f = ReadRegisterFilter(q, true);
  const PageRequest page = q.Page({"created_at", "revisit_at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.Disputes(ctx.user(), f, page));
  json items = json::array();
  for (const auto& d : list.items) items.push_back(DisputeJson(d));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> CreateDisputeRoute(Ctx& ctx, PatrolService& s) {
  JsonInput in(ctx.body());
  Dispute d;
  d.title = in.String("title", "纠纷概要", {.required = true, .min_chars = 1, .max_chars = 200}).value_or("");
  d.kind = in.Enum("kind", "纠纷类型", {"romance", "family", "neighbour", "debt", "labour", "land"}, true).value_or("");
  d.parties =
      in.StringArray("parties", "当事人", {.min_chars = 1, .max_chars = 100}).value_or(std::vector<std::string>{});
  d.grade = in.Enum("grade", "风险等级", {"red", "orange", "yellow", "green"}, true).value_or("");
  d.grade_reasons = in.String("grade_reasons", "定级理由", {.max_chars = 1000}).value_or("");
  d.officer_person_id = in.Int("officer_person_id", "包案民警", {.min = 1});
  d.unit_id = in.Int("unit_id", "所属单位", {.min = 1}).value_or(0);
  d.revisit_at = in.Time("revisit_at", "回访日期");
  if (auto raw = in.Raw("linked_calls", "关联警情")) {
    if (!raw->is_array()) return Invalid("“关联警情”应为警情编号数组", "linked_calls", "wrong_type");
    for (const auto& v : *raw) {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1)
        return Invalid("“关联警情”应为警情编号数组", "linked_calls", "wrong_type");
      d.linked_calls.push_back(v.get<std::int64_t>());
    }
  }
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(DisputeJson(FZ_TRY(s.CreateDispute(ctx.user(), ctx.Actor(), std::move(d)))), 201);
}

Result<Reply> GetDisputeRoute(Ctx& ctx, PatrolService& s) {
  return Reply::Json(DisputeJson(FZ_TRY(s.GetDispute(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> ChangeDisputeRoute(Ctx& ctx, PatrolService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  PatrolService::DisputeChange c;
  c.action = in.String("action", "处置措施", {.max_chars = 2000}).value_or("");
  c.revisit_at = in.Time("revisit_at", "回访日期");
  c.grade = in.Enum("grade", "风险等级", {"red", "orange", "yellow", "green"});
  c.grade_reasons = in.String("grade_reasons", "定级理由", {.max_chars = 1000}).value_or("");
  c.closure = in.String("closure", "化解结果", {.max_chars = 2000});
  if (auto raw = in.Raw("link_calls", "关联警情")) {
    if (!raw->is_array()) return Invalid("“关联警情”应为警情编号数组", "link_calls", "wrong_type");
    for (const auto& v : *raw) {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1)
        return Invalid("“关联警情”应为警情编号数组", "link_calls", "wrong_type");
      c.link_calls.push_back(v.get<std::int64_t>());
    }
  }
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (c.action.empty() && !c.revisit_at && !c.grade && !c.closure && c.link_calls.empty())
    return Invalid("没有要更新的内容", "action", "empty_change");
  return Reply::Json(DisputeJson(FZ_TRY(s.ChangeDispute(ctx.user(), ctx.Actor(), id, c))));
}

Result<Reply> ListHazardsRoute(Ctx& ctx, PatrolService& s) {
  http::QueryReader q(ctx);
  const RegisterFilter f = ReadRegisterFilter(q, false);
  const PageRequest page = q.Page({"fix_due"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.Hazards(ctx.user(), f, page));
  json items = json::array();
  for (const auto& h : list.items) items.push_back(HazardJson(h));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> CreateHazardRoute(Ctx& ctx, PatrolService& s) {
  JsonInput in(ctx.body());
  Hazard h;
  h.place = in.String("place", "隐患地点", {.required = true, .min_chars = 1, .max_chars = 200}).value_or("");
  h.kind = in.String("kind", "隐患类别", {.required = true, .min_chars = 1, .max_chars = 40}).value_or("");
  h.description = in.String("description", "隐患描述", {.max_chars = 2000}).value_or("");
  h.officer_person_id = in.Int("officer_person_id", "责任民警", {.min = 1});
  h.unit_id = in.Int("unit_id", "所属单位", {.min = 1}).value_or(0);
  h.fix_due = in.Time("fix_due", "整改期限").value_or(0);
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(HazardJson(FZ_TRY(s.CreateHazard(ctx.user(), ctx.Actor(), std::move(h)))), 201);
}

Result<Reply> GetHazardRoute(Ctx& ctx, PatrolService& s) {
  return Reply::Json(HazardJson(FZ_TRY(s.GetHazard(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> ChangeHazardRoute(Ctx& ctx, PatrolService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto step = in.Enum("step", "操作", {"fixed", "recheck"}, true);
  const bool passed = in.Bool("passed", "复查是否通过").value_or(true);
  const auto note = in.String("note", "复查意见", {.max_chars = 1000}).value_or("");
  const auto due = in.Time("fix_due", "新的整改期限");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(HazardJson(FZ_TRY(s.ChangeHazard(ctx.user(), ctx.Actor(), id, *step, passed, note, due))));
}

Result<Reply> ExportDisputes(Ctx& ctx, PatrolService& s) {
  return Reply::File(FZ_TRY(s.RegisterXlsx(ctx.user(), "disputes")), files::kXlsx, "矛盾纠纷台账.xlsx");
}
Result<Reply> ExportHazards(Ctx& ctx, PatrolService& s) {
  return Reply::File(FZ_TRY(s.RegisterXlsx(ctx.user(), "hazards")), files::kXlsx, "安全隐患台账.xlsx");
}

Result<Reply> OverdueOrders(Ctx& ctx, PatrolService& s) {
  JsonInput in(ctx.body());
  const auto confirm = in.Bool("confirm", "确认督办", true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (!*confirm) return Invalid("请确认对超期事项发起督办", "confirm", "not_confirmed");
  return Reply::Json({{"issued", FZ_TRY(s.IssueOverdueOrders(ctx.user(), ctx.Actor()))}});
}

}  // namespace

void RegisterRoutes(http::Router& router, PatrolService& s) {
  http::Routes<PatrolService> r(router, s);
  const auto read = http::Perm(auth::perm::kPatrolRead);
  const auto act = http::Perm(auth::perm::kPatrolDo);
  const auto manage = http::Perm(auth::perm::kPatrolManage);
  r.Get("/api/patrol/map", read, GetMap);
  r.Post("/api/patrol/import", manage, Import);
  r.Put("/api/patrol/areas/{id}", manage, UpdateAreaRoute);
  r.Delete("/api/patrol/areas/{id}", manage, DeleteAreaRoute);
  r.Put("/api/patrol/points/{id}", manage, UpdatePointRoute);
  r.Delete("/api/patrol/points/{id}", manage, DeletePointRoute);
  RegisterShiftRoutes(r);
  r.Get("/api/patrol/teams", read, ListTeamsRoute);
  r.Post("/api/patrol/teams", manage, CreateTeamRoute);
  r.Put("/api/patrol/teams/{id}", manage, EditTeamRoute);
  r.Get("/api/patrol/checkins", read, ListCheckinsRoute);
  r.Post("/api/patrol/checkins", act, CheckInRoute);
  r.Post("/api/patrol/checkins/{id}/leave", act, LeaveRoute);
  r.Get("/api/patrol/logs", read, ListLogsRoute);
  r.Post("/api/patrol/logs", act, AddLogRoute);
  r.Get("/api/patrol/calls", read, ListCallsRoute);
  r.Post("/api/patrol/calls", act, CreateCallRoute);
  r.Post("/api/patrol/calls/{id}/stamp", act, StampRoute);
  r.Get("/api/patrol/response", read, ResponseRoute);
  r.Get("/api/patrol/targets", read, GetTargetsRoute);
  r.Put("/api/patrol/targets", manage, SetTargetsRoute);
  r.Get("/api/patrol/drills", read, ListDrillsRoute);
  r.Post("/api/patrol/drills", manage, CreateDrillRoute);
  r.Get("/api/patrol/hotspots", read, HotspotsRoute);
  r.Get("/api/patrol/disputes", read, ListDisputesRoute);
  r.Post("/api/patrol/disputes", act, CreateDisputeRoute);
  r.Get("/api/patrol/disputes.xlsx", read, ExportDisputes);
  r.Get("/api/patrol/disputes/{id}", read, GetDisputeRoute);
  r.Post("/api/patrol/disputes/{id}/change", act, ChangeDisputeRoute);
  r.Get("/api/patrol/hazards", read, ListHazardsRoute);
  r.Post("/api/patrol/hazards", act, CreateHazardRoute);
  r.Get("/api/patrol/hazards.xlsx", read, ExportHazards);
  r.Get("/api/patrol/hazards/{id}", read, GetHazardRoute);
  r.Post("/api/patrol/hazards/{id}/change", act, ChangeHazardRoute);
  r.Post("/api/patrol/overdue-orders", manage, OverdueOrders);
}

}  // namespace fazhi::patrol
