// 巡防班次: the pure calendar and the pattern's checks, its store rows and the service calls
// (src/patrol/README.md §Teams and shifts).
#include "patrol/patrol_shifts.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "http/query.h"
#include "http/router.h"
#include "org/org_reads.h"
#include "patrol/patrol_service.h"
#include "patrol/patrol_store.h"

namespace fazhi::patrol {

using nlohmann::json;

std::vector<CalendarDay> ShiftCalendar(const ShiftPattern& p, int year, int month) {
  std::vector<CalendarDay> out;
  if (p.cycle.empty() || month < 1 || month > 12) return out;
  const auto n = static_cast<std::int64_t>(p.cycle.size());
  const std::int64_t first = DaysFromCivil(CivilDate{year, month, 1});
  for (int d = 0; d < DaysInMonth(year, month); ++d) {
    const std::int64_t day = first + d;
    const std::int64_t k = ((day - p.anchor_day) % n + n) % n;
    out.push_back({day, static_cast<int>(k), p.cycle[static_cast<std::size_t>(k)]});
  }
  return out;
}

Result<void> CheckPattern(const ShiftPattern& p) {
  if (p.name.empty()) return Invalid("请填写班次模式名称", "name", "required");
  if (p.slots.empty() || p.slots.size() > 6) return Invalid("班次应有 1–6 个", "slots", "invalid_slots");
  for (const auto& s : p.slots) {
    if (s.name.empty()) return Invalid("请填写每个班次的名称", "slots", "required");
    if (s.start_min < 0 || s.start_min >= 1440 || s.end_min < 0 || s.end_min >= 1440)
      return Invalid(fmt::format("班次“{}”的起止时间应在 00:00–23:59 之间", s.name), "slots", "invalid_time");
  }
  if (p.cycle.empty() || p.cycle.size() > 62) return Invalid("轮转周期应为 1–62 天", "cycle", "invalid_cycle");
  for (std::size_t d = 0; d < p.cycle.size(); ++d)
    if (p.cycle[d].size() != p.slots.size())
      return Invalid(fmt::format("轮转第 {} 天应为每个班次各指定一个巡组", d + 1), "cycle", "invalid_cycle");
  return {};
}

namespace {

json SlotsJson(const std::vector<ShiftSlot>& v) {
  json a = json::array();
  for (const auto& s : v) a.push_back({{"name", s.name}, {"start", s.start_min}, {"end", s.end_min}});
  return a;
}
ShiftPattern PatternFrom(const db::Row& r) {
  ShiftPattern p;
  FZ_READ(r, p, id, bureau_id, unit_id, name, anchor_day, updated_at);
  p.slots = {};
  p.cycle = json::parse(r.Text("cycle")).get<std::vector<std::vector<std::int64_t>>>();
  for (const auto& s : json::parse(r.Text("slots")))
    p.slots.push_back({s.at("name").get<std::string>(), s.at("start").get<int>(), s.at("end").get<int>()});
  return p;
}
std::optional<ShiftPattern> ReadPattern(soci::session& sql, std::int64_t unit_id) {
  db::SqlArgs a;
  return db::FirstOf(sql,
                     fmt::format("SELECT id, bureau_id, unit_id, name, slots, cycle, anchor_day, updated_at FROM "
                                 "patrol_shift_patterns WHERE unit_id = {}",
                                 a.Int(unit_id)),
                     a, PatternFrom);
}
void WritePattern(soci::session& sql, const ShiftPattern& p, std::optional<std::int64_t> by) {
  db::SqlArgs d;
  db::Exec(sql, fmt::format("DELETE FROM patrol_shift_patterns WHERE unit_id = {}", d.Int(p.unit_id)), d);
  db::Values vals;
  FZ_VALUES(vals, p, bureau_id, unit_id, name, anchor_day, updated_at);
  vals.Str("slots", SlotsJson(p.slots).dump()).Str("cycle", json(p.cycle).dump()).OptInt("updated_by", by);
  db::InsertRow(sql, "patrol_shift_patterns", vals);
}

}  // namespace

void InsertDemoShiftPattern(soci::session& sql, std::int64_t bureau_id, std::int64_t unit_id,
                            const std::vector<std::int64_t>& teams) {
  if (teams.size() < 3) return;
  const std::int64_t anchor = DaysFromCivil(CivilDate{2023, 1, 1});
  ShiftPattern p{.id = 0,
                 .bureau_id = bureau_id,
                 .unit_id = unit_id,
                 .name = "三班二运转",
                 .slots = {{"白班", 8 * 60, 20 * 60}, {"夜班", 20 * 60, 8 * 60}},
                 .cycle = {{teams[0], teams[1]}, {teams[1], teams[2]}, {teams[2], teams[0]}},
                 .anchor_day = anchor,
                 .updated_at = LocalMidnight(CivilFromDays(anchor))};
  WritePattern(sql, p, std::nullopt);
}

Result<std::optional<ShiftPattern>> PatrolService::GetShiftPattern(const auth::Principal& who,
                                                                   std::optional<std::int64_t> unit_id) const {
  if (!who.Has(auth::perm::kPatrolRead)) return Forbidden("没有执行该操作的权限", "forbidden");
  return db_.Read([&](soci::session& sql) -> Result<std::optional<ShiftPattern>> {
    const std::int64_t unit = unit_id.value_or(who.unit_id);
    FZ_TRY(BureauOf(sql, who, unit));
    return ReadPattern(sql, unit);
  });
}

Result<ShiftPattern> PatrolService::SetShiftPattern(const auth::Principal& who, const audit::Actor& actor,
                                                    ShiftPattern p) {
  if (!who.Has(auth::perm::kPatrolManage)) return Forbidden("没有执行该操作的权限", "forbidden");
  FZ_CHECK(CheckPattern(p));
  if (p.unit_id == 0) p.unit_id = who.unit_id;
  p.updated_at = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<ShiftPattern> {
    p.bureau_id = FZ_TRY(BureauOf(sql, who, p.unit_id));
    std::set<std::int64_t> own;
    if (auto u = org::ReadUnit(sql, p.unit_id))
      for (const auto& t : ListTeams(sql, u->path))
        if (t.unit_id == p.unit_id) own.insert(t.id);
    for (const auto& day : p.cycle)
      for (std::int64_t t : day)
        if (t != 0 && !own.contains(t))
          return Invalid(fmt::format("巡组 #{} 不是本单位的巡组", t), "cycle", "unknown_team");
    WritePattern(sql, p, who.user_id);
    audit::Append(sql, clock_, actor,
                  {"patrol.shifts", "unit", std::to_string(p.unit_id), "设置巡防班次模式：" + p.name, json::object()});
    return *ReadPattern(sql, p.unit_id);
  });
}

}  // namespace fazhi::patrol

// ---- routes: GET/PUT /api/patrol/shifts, GET /api/patrol/shifts/calendar ----
namespace fazhi::patrol {
namespace {

using http::Ctx;
using http::Reply;

std::string Hhmm(int m) { return fmt::format("{:02}:{:02}", m / 60, m % 60); }
std::optional<int> MinutesOf(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const auto s = v.get<std::string>();
  if (s.size() != 5 || s[2] != ':' || !std::isdigit(static_cast<unsigned char>(s[0])) ||
      !std::isdigit(static_cast<unsigned char>(s[1])) || !std::isdigit(static_cast<unsigned char>(s[3])) ||
      !std::isdigit(static_cast<unsigned char>(s[4])))
    return std::nullopt;
  const int h = std::stoi(s.substr(0, 2)), m = std::stoi(s.substr(3, 2));
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

json PatternJson(const ShiftPattern& p) {
  json slots = json::array();
  for (const auto& s : p.slots)
    slots.push_back({{"name", s.name}, {"start", Hhmm(s.start_min)}, {"end", Hhmm(s.end_min)}});
  return Merged(FZ_JSON(p, unit_id, name, cycle, updated_at),
                {{"slots", slots}, {"anchor", FormatDate(CivilFromDays(p.anchor_day))}});
}

Result<ShiftPattern> ReadPatternBody(Ctx& ctx) {
  JsonInput in(ctx.body());
  ShiftPattern p;
  p.unit_id = in.Int("unit_id", "所属单位", {.min = 1}).value_or(0);
  p.name = in.String("name", "班次模式名称", {.required = true, .min_chars = 1, .max_chars = 40}).value_or("");
  const auto slots = in.Raw("slots", "班次", true);
  const auto cycle = in.Raw("cycle", "轮转", true);
  const auto anchor = in.String("anchor", "轮转起始日期", {.required = true, .max_chars = 10});
  if (auto e = in.Finish()) return std::unexpected(*e);
  const auto date = ParseDate(*anchor);
  if (!date) return Invalid("轮转起始日期应为 YYYY-MM-DD", "anchor", "invalid_date");
  p.anchor_day = DaysFromCivil(*date);
  if (!slots->is_array()) return Invalid("班次应为数组", "slots", "wrong_type");
  for (const auto& s : *slots) {
    const auto start = s.is_object() && s.contains("start") ? MinutesOf(s["start"]) : std::nullopt;
    const auto end = s.is_object() && s.contains("end") ? MinutesOf(s["end"]) : std::nullopt;
    if (!start || !end || !s.contains("name") || !s["name"].is_string())
      return Invalid("每个班次应有名称与起止时间（HH:MM）", "slots", "invalid_slots");
    p.slots.push_back({s["name"].get<std::string>(), *start, *end});
  }
  if (!cycle->is_array()) return Invalid("轮转应为数组", "cycle", "wrong_type");
  for (const auto& day : *cycle) {
    if (!day.is_array()) return Invalid("轮转的每一天应为巡组编号数组", "cycle", "invalid_cycle");
    std::vector<std::int64_t> ids;
    for (const auto& t : day) {
      if (!t.is_number_integer()) return Invalid("轮转中的巡组编号应为整数（0 表示无人）", "cycle", "invalid_cycle");
      ids.push_back(t.get<std::int64_t>());
    }
    p.cycle.push_back(std::move(ids));
  }
  return p;
}

Result<Reply> GetShifts(Ctx& ctx, PatrolService& s) {
  http::QueryReader q(ctx);
  const auto unit = q.Id("unit_id");
  FZ_CHECK(q.Finish());
  const auto p = FZ_TRY(s.GetShiftPattern(ctx.user(), unit));
  return Reply::Json({{"pattern", p ? PatternJson(*p) : json(nullptr)}});
}

Result<Reply> PutShifts(Ctx& ctx, PatrolService& s) {
  ShiftPattern p = FZ_TRY(ReadPatternBody(ctx));
  return Reply::Json(PatternJson(FZ_TRY(s.SetShiftPattern(ctx.user(), ctx.Actor(), std::move(p)))));
}

Result<Reply> ShiftCalendarRoute(Ctx& ctx, PatrolService& s) {
  http::QueryReader q(ctx);
  const auto unit = q.Id("unit_id");
  const auto month = q.Month("month");
  FZ_CHECK(q.Finish());
  const CivilDate m = month ? *ParseDate(*month + "-01") : LocalDateOf(s.clock().Now());
  const auto p = FZ_TRY(s.GetShiftPattern(ctx.user(), unit));
  json days = json::array();
  if (p)
    for (const auto& d : ShiftCalendar(*p, m.year, m.month))
      days.push_back({{"date", FormatDate(CivilFromDays(d.day))}, {"cycle_day", d.cycle_day}, {"teams", d.teams}});
  return Reply::Json({{"month", fmt::format("{:04}-{:02}", m.year, m.month)},
                      {"pattern", p ? PatternJson(*p) : json(nullptr)},
                      {"days", days}});
}

}  // namespace

void RegisterShiftRoutes(http::Routes<PatrolService>& r) {
  r.Get("/api/patrol/shifts", http::Perm(auth::perm::kPatrolRead), GetShifts);
  r.Put("/api/patrol/shifts", http::Perm(auth::perm::kPatrolManage), PutShifts);
  r.Get("/api/patrol/shifts/calendar", http::Perm(auth::perm::kPatrolRead), ShiftCalendarRoute);
}

}  // namespace fazhi::patrol
