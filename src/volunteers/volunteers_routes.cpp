#include "volunteers/volunteers_routes.h"

#include <cmath>

#include <fmt/format.h>

#include "core/json_fields.h"
#include "core/json_input.h"
#include "core/local_time.h"
#include "files/document_html.h"
#include "http/json_opt.h"
#include "http/query.h"

namespace fazhi::volunteers {

using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

double Deg(std::int64_t e6) { return static_cast<double>(e6) / 1e6; }
json PosJson(const std::optional<Position>& p) {
  if (!p) return json();
  return {{"lat", Deg(p->lat_e6)}, {"lon", Deg(p->lon_e6)}};
}

// A coordinate in degrees (a JSON number) → micro-degrees; records an error in `in`.
std::optional<std::int64_t> ReadDegrees(JsonInput& in, const std::string& key, std::string_view label, bool required) {
  auto raw = in.Raw(key, label, required);
  if (!raw) return std::nullopt;
  if (!raw->is_number()) {
    in.Reject(Error{ErrorCode::kInvalidArgument, fmt::format("{}须为数字（度）", label), key, "invalid_number"});
    return std::nullopt;
  }
  const double d = raw->get<double>();
  if (!std::isfinite(d) || std::fabs(d) > 180) {
    in.Reject(Error{ErrorCode::kInvalidArgument, fmt::format("{}超出范围", label), key, "invalid_position"});
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::llround(d * 1e6));
}

std::optional<Position> ReadPosition(JsonInput& in, bool required) {
  auto lat = ReadDegrees(in, "lat", "纬度", required);
  auto lon = ReadDegrees(in, "lon", "经度", required);
  if (!lat || !lon) return std::nullopt;
  return Position{*lat, *lon};
}

std::string StatusName(std::string_view s) {
  if (s == "pending") return "待审核";
  if (s == "approved") return "通过";
  if (s == "rejected") return "不通过";
  return std::string(s);
}

std::string StateName(std::string_view s) {
  if (s == "joined") return "待签到";
  if (s == "checked_in") return "已签到";
  if (s == "flagged") return "异常待核";
  if (s == "done") return "已完成";
  if (s == "rejected") return "不予认定";
  return std::string(s);
}

std::string FlagName(std::string_view f) {
  if (f == "impossible_speed") return "速度异常";
  if (f == "far_from_task") return "偏离任务区域";
  if (f == "short_stay") return "停留过短";
  if (f == "outside_window") return "不在任务时段";
  if (f == "over_cap") return "超出积分上限";
  return std::string(f);
}

std::string SourceName(std::string_view s) {
  if (s == "task") return "任务";
  if (s == "clue") return "线索";
  if (s == "manual") return "人工加分";
  if (s == "correction") return "更正";
  if (s == "redeem") return "兑换";
  return std::string(s);
}

json VolunteerJson(const Volunteer& v) {
  return Merged(FZ_JSON(v, id, unit_id, unit_name, team_id, team_name, name, gender, id_number, phone, skills, status,
                        vet_reason, vetted_at, username, registered_at, balance, trained, insured),
                {{"status_name", StatusName(v.status)}});
}

json TaskJson(const Task& t) {
  json route = json::array();
  for (const auto& p : t.route)
    route.push_back({{"name", p.name}, {"lat", Deg(p.at.lat_e6)}, {"lon", Deg(p.at.lon_e6)}});
  return Merged(FZ_JSON(t, id, unit_id, unit_name, title, content, area_name, start_at, end_at, points, capacity,
                        min_stay_minutes, mode, joined),
                {{"area", t.area_center ? json{{"lat", Deg(t.area_center->lat_e6)},
                                               {"lon", Deg(t.area_center->lon_e6)},
                                               {"radius_m", t.area_radius_m.value_or(0)}}
                                        : json()},
                 {"route", std::move(route)},
                 {"effective_min_stay_minutes", EffectiveMinStayMinutes(t)}});
}

json AssignmentJson(const Assignment& a) {
  json flags = json::array();
  for (const auto& f : a.flags) flags.push_back({{"code", f}, {"name", FlagName(f)}});
  return Merged(FZ_JSON(a, id, task_id, task_title, task_start, task_end, task_points, volunteer_id, volunteer_name,
                        unit_name, how, state, checkin_at, checkin_accuracy_m, checkout_at, flag_notes, review_note),
                {{"state_name", StateName(a.state)},
                 {"checkin", PosJson(a.checkin_pos)},
                 {"checkout", PosJson(a.checkout_pos)},
                 {"flags", std::move(flags)}});
}

json ClueJson(const Clue& c) {
  return Merged(FZ_JSON(c, id, volunteer_id, volunteer_name, task_id, task_title, text, status, review_note, points,
                        created_at, reviewed_at, photo_ids),
                {{"position", PosJson(c.at)},
                 {"status_name", c.status == "pending"    ? "待审核"
                                 : c.status == "accepted" ? "已采纳"
                                                          : "不采纳"}});
}

json EntryJson(const LedgerEntry& e) {
  return Merged(FZ_JSON(e, id, volunteer_id, volunteer_name, points, source, source_id, approver_name, reason, day, at),
                {{"source_name", SourceName(e.source)}});
}

json RewardJson(const Reward& r) { return FZ_JSON(r, id, name, cost, stock, active); }

json SettingsJson(const Settings& s) { return FZ_JSON(s, day_cap, month_cap, max_speed_kmh, place_radius_m); }

template <typename T, typename F>
json Items(const std::vector<T>& v, F f) {
  json out = json::array();
  for (const auto& x : v) out.push_back(f(x));
  return out;
}

// ---------------------------------------------------------------- coordinator: volunteers

VolunteerFilter ReadFilter(http::QueryReader& q) {
  VolunteerFilter f;
  f.status = q.OneOf("status", kStatuses);
  f.team_id = q.Id("team_id");
  f.q = q.Str("q", 20).value_or("");
  return f;
}

Result<Reply> ListVolunteers(Ctx& ctx, VolunteerService& s) {
  http::QueryReader q(ctx);
  const VolunteerFilter f = ReadFilter(q);
  const PageRequest page = q.Page({"registered_at", "name"});
  FZ_CHECK(q.Finish());
  PageRequest p = page;
  if (!ctx.req().has_param("sort")) {
    p.sort = "v.registered_at";  // newest registrations first unless a sort is asked for
    p.descending = true;
  }
  if (p.sort == "registered_at") p.sort = "v.registered_at";
  if (p.sort == "name") p.sort = "v.name";
  const auto list = FZ_TRY(s.List(ctx.user(), f, p));
  return Reply::Json(http::PagedJson(Items(list.items, VolunteerJson), list.total, page));
}

Result<Reply> ExportVolunteers(Ctx& ctx, VolunteerService& s) {
  http::QueryReader q(ctx);
  const VolunteerFilter f = ReadFilter(q);
  FZ_CHECK(q.Finish());
  return Reply::File(FZ_TRY(s.ExportXlsx(ctx.user(), f)),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "志愿者名册.xlsx");
}

Result<Reply> RegisterVolunteer(Ctx& ctx, VolunteerService& s) {
  JsonInput in(ctx.body());
  VolunteerInput v;
  v.name = in.String("name", "姓名", {.required = true, .min_chars = 1, .max_chars = 50}).value_or("");
  v.gender = in.String("gender", "性别", {.max_chars = 2}).value_or("");
  v.id_number = in.String("id_number", "身份证号", {.required = true, .max_chars = 40}).value_or("");
  v.phone = in.String("phone", "手机号", {.required = true, .max_chars = 20}).value_or("");
  v.skills = in.String("skills", "特长", {.max_chars = 200}).value_or("");
  v.unit_id = in.Int("unit_id", "所属派出所", {.required = true, .min = 1}).value_or(0);
  v.team_id = in.Int("team_id", "队伍", {.min = 1});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(VolunteerJson(FZ_TRY(s.Register(ctx.user(), ctx.Actor(), v))), 201);
}

Result<Reply> GetVolunteer(Ctx& ctx, VolunteerService& s) {
  const auto d = FZ_TRY(s.Get(ctx.user(), FZ_TRY(ctx.PathId())));
  json j = VolunteerJson(d.v);
  j["trainings"] = Items(d.trainings, [](const Training& t) { return FZ_JSON(t, id, title, trained_at, valid_until); });
  j["insurance"] = Items(
      d.insurance, [](const Insurance& i) { return FZ_JSON(i, id, insurer, policy_no, valid_from, valid_until); });
  return Reply::Json(std::move(j));
}

Result<Reply> GetPii(Ctx& ctx, VolunteerService& s) {
  const auto p = FZ_TRY(s.ReadPii(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId())));
  return Reply::Json({{"id_number", p.id_number}, {"phone", p.phone}});
}

Result<Reply> VetVolunteer(Ctx& ctx, VolunteerService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto approve = in.Bool("approve", "是否通过", true);
  const auto reason = in.String("reason", "理由", {.max_chars = 500}).value_or("");
  const auto password = in.String("initial_password", "初始密码", {.max_chars = 128, .trim = false}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  const auto r = FZ_TRY(s.Vet(ctx.user(), ctx.Actor(), id, *approve, reason, password));
  json j = VolunteerJson(r.v);
  j["username"] = r.username;
  return Reply::Json(std::move(j));
}

Result<Reply> SetVolunteerTeam(Ctx& ctx, VolunteerService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto team = in.Int("team_id", "队伍", {.min = 1});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(VolunteerJson(FZ_TRY(s.SetTeam(ctx.user(), ctx.Actor(), id, team))));
}

Result<Reply> AddTraining(Ctx& ctx, VolunteerService& s) {
  Training t;
  t.volunteer_id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  t.title = in.String("title", "培训内容", {.required = true, .min_chars = 1, .max_chars = 200}).value_or("");
  t.trained_at = in.Time("trained_at", "培训日期", {.required = true}).value_or(0);
  t.valid_until = in.Time("valid_until", "有效期至");
  if (auto e = in.Finish()) return std::unexpected(*e);
  t = FZ_TRY(s.AddTraining(ctx.user(), ctx.Actor(), t));
  return Reply::Json({{"id", t.id}, {"title", t.title}}, 201);
}

Result<Reply> AddInsurance(Ctx& ctx, VolunteerService& s) {
  Insurance i;
  i.volunteer_id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  i.insurer = in.String("insurer", "承保公司", {.required = true, .min_chars = 1, .max_chars = 100}).value_or("");
  i.policy_no = in.String("policy_no", "保单号", {.required = true, .min_chars = 1, .max_chars = 60}).value_or("");
  i.valid_from = in.Time("valid_from", "保险起期", {.required = true}).value_or(0);
  i.valid_until = in.Time("valid_until", "保险止期", {.required = true}).value_or(0);
  if (auto e = in.Finish()) return std::unexpected(*e);
  i = FZ_TRY(s.AddInsurance(ctx.user(), ctx.Actor(), i));
  return Reply::Json({{"id", i.id}, {"policy_no", i.policy_no}}, 201);
}

Result<Reply> ListTeams(Ctx& ctx, VolunteerService& s) {
  const auto teams = FZ_TRY(s.Teams(ctx.user()));
  return Reply::Json(
      {{"items", Items(teams, [](const Team& t) { return FZ_JSON(t, id, unit_id, unit_name, name, members); })}});
}

Result<Reply> AddTeam(Ctx& ctx, VolunteerService& s) {
  JsonInput in(ctx.body());
  const auto unit = in.Int("unit_id", "所属派出所", {.required = true, .min = 1});
  const auto name = in.String("name", "队伍名称", {.required = true, .min_chars = 1, .max_chars = 50});
  if (auto e = in.Finish()) return std::unexpected(*e);
  const Team t = FZ_TRY(s.AddTeam(ctx.user(), ctx.Actor(), *unit, *name));
  return Reply::Json(FZ_JSON(t, id, name, unit_id), 201);
}

Result<Reply> ServiceRecords(Ctx& ctx, VolunteerService& s) {
  const auto list = FZ_TRY(s.ServiceRecords(ctx.user(), FZ_TRY(ctx.PathId())));
  return Reply::Json({{"items", Items(list, [](const ServiceRecord& r) {
                         return Merged(FZ_JSON(r, assignment_id, volunteer_name, start_at, end_at, hours, content,
                                               place, organiser, recorder),
                                       {{"id_number", r.id_number_masked}});
                       })}});
}

Result<Reply> CertificatePrint(Ctx& ctx, VolunteerService& s) {
  const auto doc = FZ_TRY(s.Certificate(ctx.user(), FZ_TRY(ctx.PathId())));
  Reply reply;
  reply.body = FZ_TRY(files::RenderDocumentHtml(doc));
  reply.content_type = "text/html; charset=utf-8";
  return reply;
}

// ---------------------------------------------------------------- coordinator: tasks, attendance

Result<Place> ReadPlace(const json& j, std::size_t i) {
  const auto bad = [&](const char* what) {
    return Invalid(fmt::format("路线第 {} 个点位{}", i + 1, what), "route", "invalid_route");
  };
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string()) return bad("缺少名称");
  if (!j.contains("lat") || !j["lat"].is_number() || !j.contains("lon") || !j["lon"].is_number())
    return bad("缺少经纬度");
  const double lat = j["lat"].get<double>(), lon = j["lon"].get<double>();
  if (!std::isfinite(lat) || !std::isfinite(lon) || std::fabs(lat) > 90 || std::fabs(lon) > 180)
    return bad("的经纬度超出范围");
  return Place{j["name"].get<std::string>(), {std::llround(lat * 1e6), std::llround(lon * 1e6)}};
}

Result<Reply> CreateTask(Ctx& ctx, VolunteerService& s) {
  JsonInput in(ctx.body());
  TaskInput t;
  t.unit_id = in.Int("unit_id", "任务单位", {.required = true, .min = 1}).value_or(0);
  t.title = in.String("title", "任务名称", {.required = true, .min_chars = 1, .max_chars = 100}).value_or("");
  t.content = in.String("content", "任务内容", {.max_chars = 2000}).value_or("");
  t.area_name = in.String("area_name", "区域名称", {.max_chars = 100}).value_or("");
  if (auto area = in.Raw("area", "巡防区域")) {
    if (!area->is_null()) {
      if (!area->is_object() || !(*area)["lat"].is_number() || !(*area)["lon"].is_number() ||
          !(*area)["radius_m"].is_number_integer())
        return Invalid("巡防区域须为 {lat, lon, radius_m}", "area", "invalid_area");
      t.area_center =
          Position{std::llround((*area)["lat"].get<double>() * 1e6), std::llround((*area)["lon"].get<double>() * 1e6)};
      t.area_radius_m = (*area)["radius_m"].get<int>();
    }
  }
  if (auto route = in.Raw("route", "巡防路线")) {
    if (!route->is_array() || route->size() > 50)
      return Invalid("巡防路线须为点位数组（至多 50 个）", "route", "invalid_route");
    for (std::size_t i = 0; i < route->size(); ++i) t.route.push_back(FZ_TRY(ReadPlace((*route)[i], i)));
  }
  t.start_at = in.Time("start_at", "开始时间", {.required = true}).value_or(0);
  t.end_at = in.Time("end_at", "结束时间", {.required = true}).value_or(0);
  t.points = static_cast<int>(in.Int("points", "任务积分", {.required = true, .min = 0, .max = 100}).value_or(0));
  t.capacity = static_cast<int>(in.Int("capacity", "人数上限", {.min = 1, .max = 500}).value_or(1));
  t.min_stay_minutes =
      static_cast<int>(in.Int("min_stay_minutes", "最短在岗分钟", {.min = 0, .max = 10080}).value_or(0));
  t.mode = in.Enum("mode", "任务方式", kModes).value_or("dispatch");
  if (auto ids = in.Raw("volunteer_ids", "派单志愿者")) {
    if (!ids->is_array() || ids->size() > 500) return Invalid("派单志愿者须为编号数组", "volunteer_ids", "invalid_ids");
    for (const auto& id : *ids) {
      if (!id.is_number_integer() || id.get<std::int64_t>() < 1)
        return Invalid("派单志愿者须为编号数组", "volunteer_ids", "invalid_ids");
      t.volunteer_ids.push_back(id.get<std::int64_t>());
    }
  }
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(TaskJson(FZ_TRY(s.CreateTask(ctx.user(), ctx.Actor(), t))), 201);
}

Result<Reply> ListTasks(Ctx& ctx, VolunteerService& s) {
  http::QueryReader q(ctx);
  PageRequest page = q.Page({"start_at"});
  FZ_CHECK(q.Finish());
  PageRequest p = page;
  if (!ctx.req().has_param("sort")) {
    p.sort = "k.start_at";  // latest tasks first unless a sort is asked for
    p.descending = true;
  }
  if (p.sort == "start_at") p.sort = "k.start_at";
  const auto list = FZ_TRY(s.ListTasks(ctx.user(), p));
  return Reply::Json(http::PagedJson(Items(list.items, TaskJson), list.total, page));
}

Result<Reply> GetTask(Ctx& ctx, VolunteerService& s) {
  return Reply::Json(TaskJson(FZ_TRY(s.GetTask(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> DispatchTask(Ctx& ctx, VolunteerService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  std::vector<std::int64_t> ids;
  if (auto raw = in.Raw("volunteer_ids", "派单志愿者", true)) {
    if (!raw->is_array() || raw->size() > 500) return Invalid("派单志愿者须为编号数组", "volunteer_ids", "invalid_ids");
    for (const auto& v : *raw) {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1)
        return Invalid("派单志愿者须为编号数组", "volunteer_ids", "invalid_ids");
      ids.push_back(v.get<std::int64_t>());
    }
  }
  if (auto e = in.Finish()) return std::unexpected(*e);
  const auto list = FZ_TRY(s.Dispatch(ctx.user(), ctx.Actor(), id, ids));
  return Reply::Json({{"items", Items(list, AssignmentJson)}});
}

Result<Reply> ListAssignments(Ctx& ctx, VolunteerService& s) {
  http::QueryReader q(ctx);
  AssignmentFilter f;
  f.state = q.OneOf("state", kAssignmentStates);
  f.flagged_only = q.Bool("flagged");
  f.task_id = q.Id("task_id");
  const PageRequest page = q.Page({});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListAssignments(ctx.user(), f, page));
  return Reply::Json(http::PagedJson(Items(list.items, AssignmentJson), list.total, page));
}

Result<Reply> ReviewAssignment(Ctx& ctx, VolunteerService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto accept = in.Bool("accept", "是否认定", true);
  const auto note = in.String("note", "核定意见", {.max_chars = 500}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(AssignmentJson(FZ_TRY(s.ReviewAssignment(ctx.user(), ctx.Actor(), id, *accept, note))));
}

// ---------------------------------------------------------------- coordinator: clues, ledger, rewards

Result<Reply> ListClues(Ctx& ctx, VolunteerService& s) {
  http::QueryReader q(ctx);
  const auto status = q.OneOf("status", kClueStatuses);
  const PageRequest page = q.Page({});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListClues(ctx.user(), status, page));
  return Reply::Json(http::PagedJson(Items(list.items, ClueJson), list.total, page));
}

Result<Reply> ReviewClue(Ctx& ctx, VolunteerService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto accept = in.Bool("accept", "是否采纳", true);
  const auto points = in.Int("points", "奖励积分", {.min = 0, .max = 100}).value_or(0);
  const auto note = in.String("note", "审核意见", {.max_chars = 500}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(
      ClueJson(FZ_TRY(s.ReviewClue(ctx.user(), ctx.Actor(), id, *accept, static_cast<int>(points), note))));
}

Result<Reply> DownloadFile(Ctx& ctx, VolunteerService& s) {
  auto f = FZ_TRY(s.ReadFile(ctx.user(), FZ_TRY(ctx.PathId())));
  return Reply::File(std::move(f.bytes), f.content_type, f.filename);
}

Result<Reply> ListLedger(Ctx& ctx, VolunteerService& s) {
  http::QueryReader q(ctx);
  const auto volunteer = q.Id("volunteer_id");
  const PageRequest page = q.Page({});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.Ledger(ctx.user(), volunteer, page));
  return Reply::Json(http::PagedJson(Items(list.items, EntryJson), list.total, page));
}

Result<Reply> AwardPoints(Ctx& ctx, VolunteerService& s) {
  JsonInput in(ctx.body());
  const auto volunteer = in.Int("volunteer_id", "志愿者", {.required = true, .min = 1});
  const auto points = in.Int("points", "积分", {.required = true, .min = -1000, .max = 1000});
  const auto reason = in.String("reason", "理由", {.max_chars = 500}).value_or("");
  const auto corrects = in.Int("corrects", "被更正的台账条目", {.min = 1});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(
      EntryJson(FZ_TRY(s.Award(ctx.user(), ctx.Actor(), *volunteer, static_cast<int>(*points), reason, corrects))),
      201);
}

Result<Reply> GetSettings(Ctx& ctx, VolunteerService& s) {
  return Reply::Json(SettingsJson(FZ_TRY(s.GetSettings(ctx.user()))));
}

Result<Reply> SaveSettings(Ctx& ctx, VolunteerService& s) {
  JsonInput in(ctx.body());
  Settings st;
  st.day_cap = static_cast<int>(in.Int("day_cap", "每日上限", {.required = true, .min = 1, .max = 100000}).value_or(0));
  st.month_cap =
      static_cast<int>(in.Int("month_cap", "每月上限", {.required = true, .min = 1, .max = 100000}).value_or(0));
  st.max_speed_kmh = static_cast<int>(in.Int("max_speed_kmh", "速度上限", {.min = 1, .max = 100000}).value_or(120));
  st.place_radius_m = static_cast<int>(in.Int("place_radius_m", "点位半径", {.min = 1, .max = 100000}).value_or(300));
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(SettingsJson(FZ_TRY(s.SaveSettings(ctx.user(), ctx.Actor(), st))));
}

Result<Reply> ListRewards(Ctx& ctx, VolunteerService& s) {
  return Reply::Json({{"items", Items(FZ_TRY(s.Rewards(ctx.user())), RewardJson)}});
}

Result<Reply> SaveRewardWith(Ctx& ctx, VolunteerService& s, std::int64_t id) {
  JsonInput in(ctx.body());
  Reward r;
  r.id = id;
  r.name = in.String("name", "奖励名称", {.required = true, .min_chars = 1, .max_chars = 100}).value_or("");
  r.cost = static_cast<int>(in.Int("cost", "所需积分", {.required = true, .min = 1, .max = 100000}).value_or(0));
  r.stock = static_cast<int>(in.Int("stock", "库存", {.required = true, .min = 0, .max = 100000}).value_or(0));
  r.active = in.Bool("active", "是否上架").value_or(true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(RewardJson(FZ_TRY(s.SaveReward(ctx.user(), ctx.Actor(), r))), id ? 200 : 201);
}
Result<Reply> CreateReward(Ctx& ctx, VolunteerService& s) { return SaveRewardWith(ctx, s, 0); }
Result<Reply> UpdateReward(Ctx& ctx, VolunteerService& s) { return SaveRewardWith(ctx, s, FZ_TRY(ctx.PathId())); }

Result<Reply> GetStars(Ctx& ctx, VolunteerService& s) {
  const auto stars = FZ_TRY(s.MonthlyStars(ctx.user(), ctx.PathParam("month")));
  return Reply::Json({{"month", stars.month},
                      {"criteria", stars.criteria_text},
                      {"weights",
                       {{"points", stars.criteria.points_weight},
                        {"tasks", stars.criteria.task_weight},
                        {"clues", stars.criteria.clue_weight},
                        {"stars_per_unit", stars.criteria.stars_per_unit}}},
                      {"items", Items(stars.candidates, [](const StarCandidate& c) {
                         return FZ_JSON(c, volunteer_id, name, unit_name, team_name, points, tasks, clues, score, star,
                                        reasons);
                       })}});
}

// ---------------------------------------------------------------- the volunteer himself

Result<Reply> Me(Ctx& ctx, VolunteerService& s) {
  const auto p = FZ_TRY(s.Me(ctx.user()));
  return Reply::Json({{"volunteer", VolunteerJson(p.v)},
                      {"assignments", Items(p.assignments, AssignmentJson)},
                      {"open_tasks", Items(p.open_tasks, TaskJson)},
                      {"clues", Items(p.clues, ClueJson)},
                      {"ledger", Items(p.ledger, EntryJson)},
                      {"rewards", Items(p.rewards, RewardJson)}});
}

Result<Reply> JoinTask(Ctx& ctx, VolunteerService& s) {
  return Reply::Json(AssignmentJson(FZ_TRY(s.Join(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId())))), 201);
}

Result<Reply> CheckIn(Ctx& ctx, VolunteerService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto pos = ReadPosition(in, true);
  const auto accuracy = in.Int("accuracy_m", "定位精度", {.min = 0, .max = 100000});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(AssignmentJson(FZ_TRY(s.CheckIn(
      ctx.user(), ctx.Actor(), id, *pos, accuracy ? std::optional<int>(static_cast<int>(*accuracy)) : std::nullopt))));
}

Result<Reply> CheckOut(Ctx& ctx, VolunteerService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto pos = ReadPosition(in, true);
  in.Int("accuracy_m", "定位精度", {.min = 0, .max = 100000});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(AssignmentJson(FZ_TRY(s.CheckOut(ctx.user(), ctx.Actor(), id, *pos))));
}

Result<Reply> ReportClue(Ctx& ctx, VolunteerService& s) {
  JsonInput in(ctx.body());
  const auto task = in.Int("task_id", "任务", {.min = 1});
  const auto text = in.String("text", "线索内容", {.required = true, .min_chars = 1, .max_chars = 2000}).value_or("");
  const auto pos = ReadPosition(in, false);
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(ClueJson(FZ_TRY(s.ReportClue(ctx.user(), ctx.Actor(), task, text, pos))), 201);
}

Result<Reply> AddCluePhoto(Ctx& ctx, VolunteerService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const auto& req = ctx.req();
  if (!req.is_multipart_form_data())
    return Invalid("请以 multipart/form-data 上传照片（字段 file）", "file", "wrong_type");
  std::vector<files::Upload> uploads;
  for (const auto& [name, part] : req.files) {
    if (name != "file") return Invalid(fmt::format("照片应使用字段名 file，而不是“{}”", name), name, "unknown_field");
    uploads.push_back({part.filename, part.content_type, part.content});
  }
  return Reply::Json(ClueJson(FZ_TRY(s.AddCluePhoto(ctx.user(), ctx.Actor(), id, uploads))), 201);
}

Result<Reply> Redeem(Ctx& ctx, VolunteerService& s) {
  JsonInput in(ctx.body());
  const auto reward = in.Int("reward_id", "奖励", {.required = true, .min = 1});
  if (auto e = in.Finish()) return std::unexpected(*e);
  const auto r = FZ_TRY(s.Redeem(ctx.user(), ctx.Actor(), *reward));
  return Reply::Json(Merged(FZ_JSON(r, id, reward_name, cost, at), {{"balance", r.balance_after}}), 201);
}

Result<Reply> MyRecords(Ctx& ctx, VolunteerService& s) {
  const auto list = FZ_TRY(s.MyServiceRecords(ctx.user()));
  return Reply::Json({{"items", Items(list, [](const ServiceRecord& r) {
                         return FZ_JSON(r, start_at, end_at, hours, content, place, organiser);
                       })}});
}

}  // namespace

void RegisterRoutes(http::Router& router, VolunteerService& s) {
  http::Routes<VolunteerService> r(router, s);
  const auto read = http::Perm("volunteer.read");
  const auto manage = http::Perm("volunteer.manage");
  const auto self = http::Perm("volunteer.self");
  r.Get("/api/volunteers", read, ListVolunteers);
  r.Post("/api/volunteers", manage, RegisterVolunteer);
  r.Get("/api/volunteers/export.xlsx", read, ExportVolunteers);
  r.Get("/api/volunteers/{id}", read, GetVolunteer);
  r.Get("/api/volunteers/{id}/pii", manage, GetPii);
  r.Post("/api/volunteers/{id}/vetting", manage, VetVolunteer);
  r.Put("/api/volunteers/{id}/team", manage, SetVolunteerTeam);
  r.Post("/api/volunteers/{id}/trainings", manage, AddTraining);
  r.Post("/api/volunteers/{id}/insurance", manage, AddInsurance);
  r.Get("/api/volunteers/{id}/service-records", read, ServiceRecords);
  r.Get("/api/volunteers/{id}/certificate", read, CertificatePrint);
  r.Get("/api/volunteer-teams", read, ListTeams);
  r.Post("/api/volunteer-teams", manage, AddTeam);
  r.Get("/api/volunteer-tasks", read, ListTasks);
  r.Post("/api/volunteer-tasks", manage, CreateTask);
  r.Get("/api/volunteer-tasks/{id}", read, GetTask);
  r.Post("/api/volunteer-tasks/{id}/dispatch", manage, DispatchTask);
  r.Get("/api/volunteer-attendance", read, ListAssignments);
  r.Post("/api/volunteer-attendance/{id}/review", manage, ReviewAssignment);
  r.Get("/api/volunteer-clues", read, ListClues);
  r.Post("/api/volunteer-clues/{id}/review", manage, ReviewClue);
  r.Get("/api/volunteer-files/{id}", http::kSignedIn, DownloadFile);
  r.Get("/api/volunteer-points", read, ListLedger);
  r.Post("/api/volunteer-points", manage, AwardPoints);
  r.Get("/api/volunteer-settings", read, GetSettings);
  r.Put("/api/volunteer-settings", manage, SaveSettings);
  r.Get("/api/volunteer-rewards", read, ListRewards);
  r.Post("/api/volunteer-rewards", manage, CreateReward);
  r.Put("/api/volunteer-rewards/{id}", manage, UpdateReward);
  r.Get("/api/volunteer-stars/{month}", read, GetStars);
  // The volunteer's own page (role volunteer).
  r.Get("/api/volunteer/me", self, Me);
  r.Post("/api/volunteer/tasks/{id}/join", self, JoinTask);
  r.Post("/api/volunteer/tasks/{id}/checkin", self, CheckIn);
  r.Post("/api/volunteer/tasks/{id}/checkout", self, CheckOut);
  r.Post("/api/volunteer/clues", self, ReportClue);
  r.Post("/api/volunteer/clues/{id}/photo", self, AddCluePhoto);
  r.Post("/api/volunteer/redeem", self, Redeem);
  r.Get("/api/volunteer/service-records", self, MyRecords);
}

}  // namespace fazhi::volunteers
