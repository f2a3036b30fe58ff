#include "patrol/patrol_service.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "auth/roles.h"
#include "db/sql.h"
#include "org/org_reads.h"

namespace fazhi::patrol {

using nlohmann::json;

namespace {

audit::Entry Audit(std::string action, std::string type, std::int64_t id, std::string summary,
                   json detail = json::object()) {
  return {std::move(action), std::move(type), std::to_string(id), std::move(summary), std::move(detail)};
}

Result<void> Need(const auth::Principal& who, std::string_view perm) {
  if (!who.Has(perm)) return Forbidden("没有执行该操作的权限", "forbidden");
  return {};
}

std::optional<LonLat> ReadLonLat(const json& c) {
  if (!c.is_array() || c.size() < 2 || !c[0].is_number() || !c[1].is_number()) return std::nullopt;
  LonLat p{c[0].get<double>(), c[1].get<double>()};
  if (!(p.lon >= -180 && p.lon <= 180 && p.lat >= -90 && p.lat <= 90)) return std::nullopt;
  return p;
}

std::string FeatureName(const json& f, std::size_t i) {
  if (f.contains("properties") && f["properties"].is_object() && f["properties"].contains("name") &&
      f["properties"]["name"].is_string())
    return f["properties"]["name"].get<std::string>();
  return fmt::format("第 {} 个要素", i + 1);
}

int IntProp(const json& props, const char* key, int fallback) {
  if (props.is_object() && props.contains(key) && props[key].is_number()) return props[key].get<int>();
  return fallback;
}

Result<Area> ParsePolygon(const json& f, std::size_t i) {
  const std::string name = FeatureName(f, i);
  const json& g = f["geometry"];
  if (!g.contains("coordinates") || !g["coordinates"].is_array() || g["coordinates"].empty() ||
      !g["coordinates"][0].is_array())
    return Invalid(fmt::format("巡区“{}”缺少边界坐标", name), "features", "invalid_geojson");
  Area a;
  a.name = name;
  for (const auto& c : g["coordinates"][0]) {
    auto p = ReadLonLat(c);
    if (!p)
      return Invalid(fmt::format("巡区“{}”含有无效坐标（应为 [经度, 纬度]）", name), "features", "invalid_coordinate");
    a.ring.push_back(*p);
  }
  if (a.ring.size() > 1 && a.ring.front().lon == a.ring.back().lon && a.ring.front().lat == a.ring.back().lat)
    a.ring.pop_back();
  if (a.ring.size() < 3) return Invalid(fmt::format("巡区“{}”的边界少于 3 个点", name), "features", "too_few_points");
  if (auto x = SelfCrossing(a.ring))
    return Invalid(
        fmt::format("巡区“{}”的边界自相交（第 {} 条边与第 {} 条边相交），请修正后重新导入", name, x->edge_a, x->edge_b),
        "features", "self_intersecting");
  const json& props = f.contains("properties") ? f["properties"] : json::object();
  if (props.is_object() && props.contains("in_town") && props["in_town"].is_boolean())
    a.in_town = props["in_town"].get<bool>();
  return a;
}

Result<Point> ParsePoint(const json& f, std::size_t i) {
  const std::string name = FeatureName(f, i);
  auto p = ReadLonLat(f["geometry"].value("coordinates", json()));
  if (!p)
    return Invalid(fmt::format("必到点“{}”的坐标无效（应为 [经度, 纬度]）", name), "features", "invalid_coordinate");
  const json& props = f.contains("properties") ? f["properties"] : json::object();
  Point pt;
  pt.name = name;
  pt.at = *p;
  pt.radius_m = IntProp(props, "radius", 50);
  pt.min_stay_s = IntProp(props, "min_stay", 300);
  if (pt.radius_m <= 0 || pt.radius_m > 5000)
    return Invalid(fmt::format("必到点“{}”的签到半径应在 1–5000 米之间", name), "features", "invalid_radius");
  if (pt.min_stay_s < 0 || pt.min_stay_s > 86400)
    return Invalid(fmt::format("必到点“{}”的最短停留应在 0–86400 秒之间", name), "features", "invalid_stay");
  return pt;
}

std::int64_t MedianOf(std::vector<std::int64_t> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

std::string ShiftOf(EpochSeconds t) {
  const int h = LocalHour(t);
  return h >= 8 && h < 16 ? "早班" : h >= 16 ? "中班" : "夜班";
}

Result<ImportResult> ParseGeoJson(const json& doc) {
  if (!doc.is_object() || doc.value("type", "") != "FeatureCollection" || !doc.contains("features") ||
      !doc["features"].is_array())
    return Invalid("GeoJSON 应为 FeatureCollection（含 features 数组）", "geojson", "invalid_geojson");
  ImportResult out;
  const json& fs = doc["features"];
  for (std::size_t i = 0; i < fs.size(); ++i) {
    const json& f = fs[i];
    if (!f.is_object() || !f.contains("geometry") || !f["geometry"].is_object())
      return Invalid(fmt::format("第 {} 个要素缺少 geometry", i + 1), "features", "invalid_geojson");
    const std::string type = f["geometry"].value("type", "");
    if (type == "Polygon")
      out.areas.push_back(FZ_TRY(ParsePolygon(f, i)));
    else if (type == "Point")
      out.points.push_back(FZ_TRY(ParsePoint(f, i)));
    else
      return Invalid(
          fmt::format("要素“{}”的类型 {} 不受支持（只接受 Polygon 巡区与 Point 必到点）", FeatureName(f, i), type),
          "features", "invalid_geojson");
  }
  if (out.areas.empty() && out.points.empty()) return Invalid("GeoJSON 中没有巡区或必到点", "features", "empty");
  return out;
}

Result<std::int64_t> PatrolService::BureauOf(soci::session& sql, const auth::Principal& who,
                                             std::int64_t unit_id) const {
  auto u = org::ReadUnit(sql, unit_id);
  if (!u || !who.InScope(u->path)) return NotFound("单位不存在");
  if (u->bureau_id == 0) return Invalid("该单位不属于任何分县局", "unit_id", "no_bureau");
  return u->bureau_id;
}

Result<ImportResult> PatrolService::ImportGeoJson(const auth::Principal& who, const audit::Actor& actor,
                                                  std::optional<std::int64_t> unit_id, const json& doc) {
  FZ_CHECK(Need(who, auth::perm::kPatrolManage));
  ImportResult parsed = FZ_TRY(ParseGeoJson(doc));
  const std::int64_t unit = unit_id.value_or(who.unit_id);
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<ImportResult> {
    const std::int64_t bureau = FZ_TRY(BureauOf(sql, who, unit));
    for (auto& a : parsed.areas) {
      a.bureau_id = bureau;
      a.unit_id = unit;
      a.created_at = now;
      a.id = InsertArea(sql, a, who.user_id);
    }
    // A point belongs to the first new area holding it, else to an existing area of the unit.
    std::vector<Area> all = parsed.areas;
    if (auto u = org::ReadUnit(sql, unit))
      for (auto& a : ListAreas(sql, u->path))
        if (std::none_of(all.begin(), all.end(), [&](const Area& x) { return x.id == a.id; })) all.push_back(a);
    for (auto& p : parsed.points) {
      p.bureau_id = bureau;
      p.unit_id = unit;
      for (const auto& a : all)
        if (Contains(a.ring, p.at)) {
          p.area_id = a.id;
          p.area_name = a.name;
          break;
        }
      p.id = InsertPoint(sql, p);
    }
    audit::Append(sql, clock_, actor,
                  Audit("patrol.import", "unit", unit,
                        fmt::format("导入巡区 {} 个、必到点 {} 个", parsed.areas.size(), parsed.points.size())));
    return parsed;
  });
}

Result<MapData> PatrolService::Map(const auth::Principal& who) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) -> Result<MapData> {
    MapData m{.areas = ListAreas(sql, who.unit_path), .points = ListPoints(sql, who.unit_path), .tile_url = {}};
    if (who.bureau_id) m.tile_url = ReadTargets(sql, *who.bureau_id).tile_url;
    return m;
  });
}

namespace {
Result<void> CheckTeam(const Team& t) {
  if (t.name.empty()) return Invalid("请填写巡组名称", "name", "required");
  if (t.mode != "car" && t.mode != "foot" && t.mode != "bicycle")
    return Invalid("巡逻方式应为车巡（car）、步巡（foot）或骑巡（bicycle）", "mode", "invalid_mode");
  return {};
}

// 巡组成员 chosen from the directory: each an active person of the team's unit or a unit under it
// (someone elsewhere answers like an unknown id); duplicates dropped, the order kept.
Result<void> CheckMembers(soci::session& sql, std::int64_t unit_id, std::vector<std::int64_t>& ids) {
  std::vector<std::int64_t> unique;
  for (const std::int64_t id : ids)
    if (std::find(unique.begin(), unique.end(), id) == unique.end()) unique.push_back(id);
  ids = std::move(unique);
  if (ids.empty()) return {};
  if (ids.size() > 50) return Invalid("巡组成员最多 50 人", "member_ids", "too_many");
  const auto unit = org::ReadUnit(sql, unit_id);
  if (!unit) return NotFound("单位不存在");
  std::map<std::int64_t, org::PersonRef> found;
  for (auto& p : org::ReadPeople(sql, ids)) found.emplace(p.id, std::move(p));
  std::map<std::int64_t, std::string> paths;  // unit id → path, each unit read once
  for (const std::int64_t id : ids) {
    const auto it = found.find(id);
    if (it != found.end() && !paths.contains(it->second.unit_id)) {
      const auto home = org::ReadUnit(sql, it->second.unit_id);
      paths.emplace(it->second.unit_id, home ? home->path : std::string());
    }
    if (it == found.end() || !org::Under(paths[it->second.unit_id], unit->path))
      return Invalid(fmt::format("成员（人员编号 {}）不是本单位人员", id), "member_ids", "unknown_member");
    if (!it->second.active)
      return Invalid(fmt::format("成员{}已停用，不能编入巡组", it->second.name), "member_ids", "inactive_member");
  }
  return {};
}
}  // namespace

Result<Team> PatrolService::CreateTeam(const auth::Principal& who, const audit::Actor& actor, Team t) {
  FZ_CHECK(Need(who, auth::perm::kPatrolManage));
  FZ_CHECK(CheckTeam(t));
  if (t.unit_id == 0) t.unit_id = who.unit_id;
  return db_.Write([&](soci::session& sql) -> Result<Team> {
    t.bureau_id = FZ_TRY(BureauOf(sql, who, t.unit_id));
    FZ_CHECK(CheckMembers(sql, t.unit_id, t.member_ids));
    t.id = InsertTeam(sql, t);
    audit::Append(sql, clock_, actor, Audit("patrol.team", "patrol_team", t.id, "新建巡组：" + t.name));
    return *FindTeam(sql, t.id, "/");
  });
}

Result<Team> PatrolService::EditTeam(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, Team t) {
  FZ_CHECK(Need(who, auth::perm::kPatrolManage));
  return db_.Write([&](soci::session& sql) -> Result<Team> {
    const auto old = FindTeam(sql, id, who.unit_path);
    if (!old) return NotFound("巡组不存在");
    FZ_CHECK(CheckTeam(t));
    if (t.unit_id != 0 && t.unit_id != old->unit_id)
      return Invalid("巡组不能改到其他单位，请在该单位新建巡组", "unit_id", "unit_change");
    FZ_CHECK(CheckMembers(sql, old->unit_id, t.member_ids));
    t.id = id;
    UpdateTeam(sql, t);
    audit::Append(sql, clock_, actor, Audit("patrol.team_edit", "patrol_team", id, "修改巡组：" + t.name));
    return *FindTeam(sql, id, "/");
  });
}

Result<std::vector<Team>> PatrolService::Teams(const auth::Principal& who) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) { return ListTeams(sql, who.unit_path); });
}

Result<Checkin> PatrolService::CheckIn(const auth::Principal& who, const audit::Actor& actor, const CheckinInput& in) {
  FZ_CHECK(Need(who, auth::perm::kPatrolDo));
  if (!(in.claimed.lon >= -180 && in.claimed.lon <= 180 && in.claimed.lat >= -90 && in.claimed.lat <= 90))
    return Invalid("签到坐标无效（经度 −180–180，纬度 −90–90）", "lon", "invalid_coordinate");
  if (in.accuracy_m < 0 || in.accuracy_m > 100000)
    return Invalid("定位精度应在 0–100000 米之间", "accuracy_m", "invalid_accuracy");
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Checkin> {
    auto point = FindPoint(sql, in.point_id, who.unit_path);
    if (!point) return NotFound("必到点不存在");
    CheckinFacts facts{.point = point->at,
                       .radius_m = point->radius_m,
                       .claimed = in.claimed,
                       .accuracy_m = in.accuracy_m,
                       .has_area = false,
                       .inside_area = true,
                       .previous = std::nullopt,
                       .previous_at = std::nullopt,
                       .at = now};
    if (point->area_id)
      if (auto area = FindArea(sql, *point->area_id, "/")) {
        facts.has_area = true;
        facts.inside_area = Contains(area->ring, in.claimed);
      }
    if (auto prev = LastCheckinOf(sql, who.user_id, now)) {
      facts.previous = prev->claimed;
      facts.previous_at = prev->arrived_at;
    }
    const Flags flags = EvaluateCheckin(facts);
    Checkin c{.id = 0,
              .bureau_id = point->bureau_id,
              .unit_id = point->unit_id,
              .point_id = point->id,
              .user_id = who.user_id,
              .point_name = point->name,
              .officer_name = who.display_name,
              .unit_name = {},
              .arrived_at = now,
              .left_at = std::nullopt,
              .claimed = in.claimed,
              .accuracy_m = in.accuracy_m,
              .distance_m = flags.distance_m,
              .photo_sha256 = in.photo_sha256,
              .flags = flags.Codes(),
              .flag_reasons = flags.Reasons(),
              .note = in.note};
    c.id = InsertCheckin(sql, c);
    audit::Append(
        sql, clock_, actor,
        Audit("patrol.checkin", "patrol_checkin", c.id,
              fmt::format("必到点签到：{}{}", point->name, c.flags.empty() ? "" : "（异常：" + c.flag_reasons + "）")));
    return *FindCheckin(sql, c.id, "/");
  });
}

Result<Checkin> PatrolService::Leave(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  FZ_CHECK(Need(who, auth::perm::kPatrolDo));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Checkin> {
    auto c = FindCheckin(sql, id, who.unit_path);
    if (!c) return NotFound("签到记录不存在");
    if (c->user_id != who.user_id) return Forbidden("只能签退本人的签到", "not_own");
    if (c->left_at) return Conflict("该签到已签退", "already_left");
    auto point = FindPoint(sql, c->point_id, "/");
    Flags f;
    if (!c->flags.empty()) {
      f.codes.push_back(c->flags);
      f.reasons.push_back(c->flag_reasons);
    }
    EvaluateStay(f, c->arrived_at, now, point ? point->min_stay_s : 0);
    SetCheckinLeft(sql, id, now, f.Codes(), f.Reasons());
    audit::Append(sql, clock_, actor,
                  Audit("patrol.leave", "patrol_checkin", id,
                        fmt::format("必到点签退：{}，停留 {} 秒", c->point_name, now - c->arrived_at)));
    return *FindCheckin(sql, id, "/");
  });
}

Result<Paged<Checkin>> PatrolService::Checkins(const auth::Principal& who, const CheckinFilter& f,
                                               const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) { return ListCheckins(sql, who.unit_path, f, page); });
}

Result<Log> PatrolService::AddLog(const auth::Principal& who, const audit::Actor& actor, Log l) {
  FZ_CHECK(Need(who, auth::perm::kPatrolDo));
  if (l.kind == "video" && l.camera.empty()) return Invalid("视频巡防日志须填写监控点位", "camera", "required");
  if (l.finding.empty() && l.result.empty()) return Invalid("请填写巡查发现或处置结果", "finding", "required");
  l.at = clock_.Now();
  l.unit_id = who.unit_id;
  l.user_id = who.user_id;
  l.officer_name = who.display_name;
  return db_.Write([&](soci::session& sql) -> Result<Log> {
    l.bureau_id = FZ_TRY(BureauOf(sql, who, l.unit_id));
    l.id = InsertLog(sql, l);
    audit::Append(sql, clock_, actor, Audit("patrol.log", "patrol_log", l.id, "巡防日志：" + l.kind));
    return l;
  });
}

Result<Paged<Log>> PatrolService::Logs(const auth::Principal& who, std::optional<std::string> kind,
                                       const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) { return ListLogs(sql, who.unit_path, kind, page); });
}

Result<Call> PatrolService::CreateCall(const auth::Principal& who, const audit::Actor& actor, Call c) {
  FZ_CHECK(Need(who, auth::perm::kPatrolDo));
  const EpochSeconds now = clock_.Now();
  if (c.unit_id == 0) c.unit_id = who.unit_id;
  c.stamps.assign(kStages.size(), std::nullopt);
  c.stamps[0] = now;
  c.shift = ShiftOf(now);
  c.is_test = false;
  return db_.Write([&](soci::session& sql) -> Result<Call> {
    c.bureau_id = FZ_TRY(BureauOf(sql, who, c.unit_id));
    c.id = InsertCall(sql, c);
    audit::Append(sql, clock_, actor, Audit("patrol.call", "patrol_call", c.id, "接警：" + c.kind));
    return *FindCall(sql, c.id, "/");
  });
}

Result<Paged<Call>> PatrolService::Calls(const auth::Principal& who, const CallFilter& f,
                                         const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) { return ListCallPage(sql, who.unit_path, f, page); });
}

Result<Call> PatrolService::Stamp(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                  const std::string& stage) {
  FZ_CHECK(Need(who, auth::perm::kPatrolDo));
  const auto it = std::find(kStages.begin(), kStages.end(), stage);
  if (it == kStages.end() || it == kStages.begin())
    return Invalid(
        "环节应为 dispatched（派警）、signed（签收）、departed（出警）、arrived（到达）、feedback（反馈）或 "
        "closed（结案）",
        "stage", "invalid_stage");
  const auto idx = static_cast<std::size_t>(it - kStages.begin());
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Call> {
    auto c = FindCall(sql, id, who.unit_path);
    if (!c) return NotFound("警情不存在");
    if (c->stamps[idx]) return Conflict("该环节已记录时间", "already_stamped");
    if (!c->stamps[idx - 1])
      return Invalid(fmt::format("须先记录上一环节（{}）",
                                 std::array{"接警", "派警", "签收", "出警", "到达", "反馈", "结案"}[idx - 1]),
                     "stage", "stage_order");
    StampCall(sql, id, stage, now);
    audit::Append(sql, clock_, actor,
                  Audit("patrol.stamp", "patrol_call", id, fmt::format("警情 #{} 记录环节 {}", id, stage)));
    return *FindCall(sql, id, "/");
  });
}

namespace {

void Fill(Bucket& b, const std::vector<std::int64_t>& sign, const std::vector<std::int64_t>& arrive) {
  b.sign_median_s = MedianOf(sign);
  b.arrive_median_s = MedianOf(arrive);
  b.arrive_rate = b.arrived_n ? static_cast<double>(b.arrive_ok) / static_cast<double>(b.arrived_n) : 0;
}

}  // namespace

ResponseReport BuildResponse(const std::vector<Call>& calls, const Targets& t) {
  struct Acc {
    Bucket b;
    std::vector<std::int64_t> sign, arrive;
  };
  std::map<std::pair<std::int64_t, std::string>, Acc> acc;
  for (const Call& c : calls) {
    // The unit overall (shift ""), then its shift — once only for a call without a shift.
    const std::string shifts[2] = {std::string(), c.shift};
    for (int k = 0; k < (c.shift.empty() ? 1 : 2); ++k) {
      const std::string& shift = shifts[k];
      Acc& a = acc[{c.unit_id, shift}];
      a.b.unit_id = c.unit_id;
      a.b.unit_name = c.unit_name;
      a.b.shift = shift;
      ++a.b.calls;
      const auto& s = c.stamps;
      if (s[0] && s[2]) {
        const std::int64_t d = *s[2] - *s[0];
        ++a.b.signed_n;
        a.b.sign_ok += d <= t.sign_s ? 1 : 0;
        a.sign.push_back(d);
      }
      if (s[0] && s[4]) {
        const std::int64_t d = *s[4] - *s[0];
        ++a.b.arrived_n;
        a.b.arrive_ok += d <= (c.in_town ? t.arrive_town_s : t.arrive_rural_s) ? 1 : 0;
        a.arrive.push_back(d);
      }
    }
  }
  ResponseReport r;
  r.targets = t;
  for (auto& [k, a] : acc) {
    Fill(a.b, a.sign, a.arrive);
    (k.second.empty() ? r.by_unit : r.by_unit_shift).push_back(a.b);
  }
  r.slowest = r.by_unit;
  std::erase_if(r.slowest, [](const Bucket& b) { return b.arrived_n == 0; });
  std::sort(r.slowest.begin(), r.slowest.end(), [](const Bucket& a, const Bucket& b) {
    return a.arrive_rate != b.arrive_rate ? a.arrive_rate < b.arrive_rate : a.arrive_median_s > b.arrive_median_s;
  });
  if (r.slowest.size() > 3) r.slowest.resize(3);
  return r;
}

Result<ResponseReport> PatrolService::Response(const auth::Principal& who, EpochSeconds from, EpochSeconds to,
                                               bool test, std::optional<std::int64_t> drill_id) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) -> Result<ResponseReport> {
    const Targets t = who.bureau_id ? ReadTargets(sql, *who.bureau_id) : Targets{};
    return BuildResponse(ListCalls(sql, who.unit_path, from, to, test, drill_id), t);
  });
}

Result<Targets> PatrolService::GetTargets(const auth::Principal& who) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) { return who.bureau_id ? ReadTargets(sql, *who.bureau_id) : Targets{}; });
}

Result<Targets> PatrolService::SetTargets(const auth::Principal& who, const audit::Actor& actor, const Targets& t) {
  FZ_CHECK(Need(who, auth::perm::kPatrolManage));
  if (!who.bureau_id) return Invalid("账号不属于分县局，不能设置考核标准", "bureau", "no_bureau");
  if (t.sign_s <= 0 || t.arrive_town_s <= 0 || t.arrive_rural_s <= 0)
    return Invalid("时限应为正的秒数", "sign_s", "invalid_target");
  if (!t.tile_url.empty() && !t.tile_url.starts_with("http://") && !t.tile_url.starts_with("https://"))
    return Invalid("瓦片服务地址应以 http:// 或 https:// 开头", "tile_url", "invalid_url");
  return db_.Write([&](soci::session& sql) -> Result<Targets> {
    WriteTargets(sql, *who.bureau_id, t, clock_.Now());
    audit::Append(sql, clock_, actor,
                  Audit("patrol.targets", "bureau", *who.bureau_id,
                        fmt::format("设置接处警时限：签收 {} 秒，城区到达 {} 秒，城外到达 {} 秒", t.sign_s,
                                    t.arrive_town_s, t.arrive_rural_s)));
    return t;
  });
}

std::uint64_t Mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// The points drawn for a drill: rank every point by Mix64(seed ^ Mix64(id)), take the first `count`.
std::vector<std::int64_t> DrawPoints(std::vector<std::int64_t> ids, std::int64_t seed, int count) {
  std::sort(ids.begin(), ids.end(), [seed](std::int64_t a, std::int64_t b) {
    const auto ka = Mix64(static_cast<std::uint64_t>(seed) ^ Mix64(static_cast<std::uint64_t>(a)));
    const auto kb = Mix64(static_cast<std::uint64_t>(seed) ^ Mix64(static_cast<std::uint64_t>(b)));
    return ka != kb ? ka < kb : a < b;
  });
  if (ids.size() > static_cast<std::size_t>(count)) ids.resize(static_cast<std::size_t>(count));
  return ids;
}

Result<Drill> PatrolService::CreateDrill(const auth::Principal& who, const audit::Actor& actor, const std::string& name,
                                         std::optional<std::int64_t> seed, int count) {
  FZ_CHECK(Need(who, auth::perm::kPatrolManage));
  if (name.empty()) return Invalid("请填写测警计划名称", "name", "required");
  if (count < 1 || count > 50) return Invalid("抽取次数应在 1–50 之间", "count", "invalid_count");
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Drill> {
    const auto points = ListPoints(sql, who.unit_path);
    if (points.empty()) return Invalid("辖区内没有必到点，无法抽取测警地点", "count", "no_points");
    Drill d;
    d.bureau_id = FZ_TRY(BureauOf(sql, who, who.unit_id));
    d.unit_id = who.unit_id;
    d.name = name;
    d.seed = seed.value_or(static_cast<std::int64_t>(Mix64(static_cast<std::uint64_t>(now)) & 0x7FFFFFFFFFFFLL));
    d.draws = count;
    d.created_at = now;
    std::vector<std::int64_t> ids;
    for (const auto& p : points) ids.push_back(p.id);
    d.drawn_points = DrawPoints(ids, d.seed, count);
    d.id = InsertDrill(sql, d, who.user_id);
    const auto areas = ListAreas(sql, "/");
    for (const std::int64_t pid : d.drawn_points) {
      const Point& p = *std::find_if(points.begin(), points.end(), [&](const Point& x) { return x.id == pid; });
      Call c{.id = 0,
             .bureau_id = p.bureau_id,
             .unit_id = p.unit_id,
             .unit_name = {},
             .kind = "模拟测警",
             .place = p.name,
             .shift = ShiftOf(now),
             .in_town = true,
             .is_test = true,
             .drill_id = d.id,
             .point_id = p.id,
             .at = p.at,
             .stamps = {}};
      for (const auto& a : areas)
        if (p.area_id && a.id == *p.area_id) c.in_town = a.in_town;
      c.stamps.assign(kStages.size(), std::nullopt);
      c.stamps[0] = now;
      d.call_ids.push_back(InsertCall(sql, c));
    }
    audit::Append(sql, clock_, actor,
                  Audit("patrol.drill", "patrol_drill", d.id,
                        fmt::format("模拟测警“{}”：随机抽取 {} 个地点（种子 {}）", name, d.drawn_points.size(), d.seed),
                        {{"seed", d.seed}, {"drawn", d.drawn_points}}));
    return d;
  });
}

Result<std::vector<Drill>> PatrolService::Drills(const auth::Principal& who) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) { return ListDrills(sql, who.unit_path); });
}

}  // namespace fazhi::patrol
