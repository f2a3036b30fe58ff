// 五化巡防 service: geography (GeoJSON import of 巡区 and 必到点, the offline map's data), teams,
// check-ins with their anomaly flags (stored with the reason, never refused for being odd), patrol
// logs, 警情 response stamps and the per-unit × shift report against the bureau's targets, 模拟测警
// drills (seeded random draw of 必到点, recorded), hotspots, and the 巡防+ registers (矛盾纠纷, 安全隐患)
// whose overdue items open 督办 orders (sources "dispute" and "hazard").
//
// Scope: a caller reaches his unit subtree; anything outside is NotFound exactly like an id that does
// not exist. Permissions: patrol.read (maps, lists, reports), patrol.do (check-ins, logs, stamps,
// register entries), patrol.manage (import, teams, targets, drills, 督办 of overdue items).
//
// Errors (HTTP 4xx, nothing changed): InvalidArgument — GeoJSON that is not a FeatureCollection
// (invalid_geojson), a polygon with fewer than 3 distinct points (too_few_points) or crossing itself
// (self_intersecting, naming the feature and the edges), a point without a positive radius
// (invalid_radius), coordinates outside WGS-84 ranges (invalid_coordinate), an unknown stage or a
// stage stamped before the previous one (stage_order); Conflict — leaving a check-in twice
// (already_left), stamping a stage already stamped (already_stamped), changing a closed dispute
// (closed). Every change runs in one Database::Write transaction with its audit row.
//
// Thread safety: the service holds references only; any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "orders/orders_service.h"
#include "patrol/patrol_shifts.h"
#include "patrol/patrol_store.h"
#include "patrol/patrol_types.h"

namespace fazhi::patrol {

// The 班次 of a time (三班二运转 cut in three 8-hour shifts, Beijing time): 早班 08–16, 中班 16–24, 夜班 0–8.
std::string ShiftOf(EpochSeconds t);

struct ImportResult {
  std::vector<Area> areas;
  std::vector<Point> points;
};
// Parses a GeoJSON FeatureCollection: Polygon features (properties.name required, in_town optional)
// and Point features (name, radius, min_stay). Pure; the errors are those of ImportGeoJson.
Result<ImportResult> ParseGeoJson(const nlohmann::json& doc);

struct MapData {
  std::vector<Area> areas;
  std::vector<Point> points;
  std::string tile_url;
};

struct HotspotReport {
  HotspotResult result;
  Grid grid;
  // Per 巡区: its suggested places (cells inside, highest score first), hours and short stops.
  struct Suggestion {
    std::int64_t area_id = 0;
    std::string area_name;
    std::vector<HotCell> cells;  // up to 5
    std::vector<int> hours;      // up to 3 peak hours
    int stops_per_week = 0;      // short stops (10–15 min) suggested per week
  };
  std::vector<Suggestion> suggestions;
  // After the fact: incidents in the suggested cells in [to, to + 28 d) vs the 28 days before, and
  // the same for the other non-empty cells (the comparison group).
  std::int64_t suggested_before = 0, suggested_after = 0, others_before = 0, others_after = 0;
  // The same against matched cells (CompareMatched): the comparison that means something.
  MatchedDid matched;
};

// The response table of `calls` against `t`: per unit, per unit × shift, the three slowest units.
ResponseReport BuildResponse(const std::vector<Call>& calls, const Targets& t);
// splitmix64, for seeds.
std::uint64_t Mix64(std::uint64_t x);
// The 模拟测警 draw: every id ranked by Mix64(seed ^ Mix64(id)), the first `count` — the same seed and
// ids give the same draw in the same order, whatever order the ids come in.
std::vector<std::int64_t> DrawPoints(std::vector<std::int64_t> ids, std::int64_t seed, int count);

std::unique_ptr<orders::OrderSource> MakeDisputeOrderSource();
std::unique_ptr<orders::OrderSource> MakeHazardOrderSource();

class PatrolService {
 public:
  PatrolService(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  void SetOrders(orders::OrderService* orders) { orders_ = orders; }
  const Clock& clock() const { return clock_; }
  db::Database& db() { return db_; }

  // Geography. The areas and points are filed under `unit_id` (default: the caller's unit).
  Result<ImportResult> ImportGeoJson(const auth::Principal& who, const audit::Actor& actor,
                                     std::optional<std::int64_t> unit_id, const nlohmann::json& doc);
  Result<MapData> Map(const auth::Principal& who) const;
  // One 巡区 / 必到点 edited or deleted (patrol_edit.cpp); `doc` is one GeoJSON Feature, checked
  // like an import (self_intersecting …). A point with check-ins cannot be deleted (409 has_checkins).
  Result<Area> UpdateArea(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                          const nlohmann::json& feature);
  Result<void> DeleteArea(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);
  Result<Point> UpdatePoint(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                            const nlohmann::json& feature);
  Result<void> DeletePoint(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);
  // 巡防班次 (patrol_shifts.cpp): the unit's pattern (default: the caller's unit), replaced whole.
  Result<std::optional<ShiftPattern>> GetShiftPattern(const auth::Principal& who,
                                                      std::optional<std::int64_t> unit_id) const;
  Result<ShiftPattern> SetShiftPattern(const auth::Principal& who, const audit::Actor& actor, ShiftPattern p);
  Result<Team> CreateTeam(const auth::Principal& who, const audit::Actor& actor, Team t);
  Result<std::vector<Team>> Teams(const auth::Principal& who) const;
  // Name, mode, shift, members and equipment replaced; the team stays in its unit (unit_id, if
  // given, must be the team's own: 400 unit_change). Outside the caller's reach: 404.
  Result<Team> EditTeam(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, Team t);

  // Check-ins: arrival at server time; Leave stamps the departure and adds short_stay.
  Result<Checkin> CheckIn(const auth::Principal& who, const audit::Actor& actor, const CheckinInput& in);
  Result<Checkin> Leave(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);
  Result<Paged<Checkin>> Checkins(const auth::Principal& who, const CheckinFilter& f, const PageRequest& page) const;
  Result<Log> AddLog(const auth::Principal& who, const audit::Actor& actor, Log l);
  Result<Paged<Log>> Logs(const auth::Principal& who, std::optional<std::string> kind, const PageRequest& page) const;

  // 警情.
  Result<Call> CreateCall(const auth::Principal& who, const audit::Actor& actor, Call c);
  Result<Call> Stamp(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, const std::string& stage);
  Result<Paged<Call>> Calls(const auth::Principal& who, const CallFilter& f, const PageRequest& page) const;
  Result<ResponseReport> Response(const auth::Principal& who, EpochSeconds from, EpochSeconds to, bool test,
                                  std::optional<std::int64_t> drill_id) const;
  Result<Targets> GetTargets(const auth::Principal& who) const;
  Result<Targets> SetTargets(const auth::Principal& who, const audit::Actor& actor, const Targets& t);
  // 模拟测警: `count` 必到点 drawn with `seed` (default: from the clock) among the caller's points;
  // one test call at each, received now.
  Result<Drill> CreateDrill(const auth::Principal& who, const audit::Actor& actor, const std::string& name,
                            std::optional<std::int64_t> seed, int count);
  Result<std::vector<Drill>> Drills(const auth::Principal& who) const;

  Result<HotspotReport> Hotspots(const auth::Principal& who, EpochSeconds from, EpochSeconds to) const;

  // 巡防+ registers.
  Result<Dispute> CreateDispute(const auth::Principal& who, const audit::Actor& actor, Dispute d);
  Result<Dispute> GetDispute(const auth::Principal& who, std::int64_t id) const;
  Result<Paged<Dispute>> Disputes(const auth::Principal& who, const RegisterFilter& f, const PageRequest& page) const;
  // Adds an action (text), sets the next 回访 date, links calls, regrades, or closes (closure text).
  struct DisputeChange {
    std::string action;
    std::optional<EpochSeconds> revisit_at;
    std::vector<std::int64_t> link_calls;
    std::optional<std::string> grade;
    std::string grade_reasons;
    std::optional<std::string> closure;
  };
  Result<Dispute> ChangeDispute(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                const DisputeChange& c);
  Result<Hazard> CreateHazard(const auth::Principal& who, const audit::Actor& actor, Hazard h);
  Result<Hazard> GetHazard(const auth::Principal& who, std::int64_t id) const;
  Result<Paged<Hazard>> Hazards(const auth::Principal& who, const RegisterFilter& f, const PageRequest& page) const;
  // "fixed" (整改 done) or "recheck" (passed: closed; not passed: open again with a new due date).
  Result<Hazard> ChangeHazard(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                              const std::string& step, bool passed, const std::string& note,
                              std::optional<EpochSeconds> new_due);
  Result<std::string> RegisterXlsx(const auth::Principal& who, const std::string& which) const;
  // 督办 for every overdue dispute (回访 passed) and hazard (整改 due passed) in reach that never had
  // one and has a responsible officer; returns the orders issued. Each item is claimed with a
  // conditional UPDATE first, so two callers (or two instances' sweeps) issue one order per item.
  Result<int> IssueOverdueOrders(const auth::Principal& who, const audit::Actor& actor);
  // The periodic sweep (PatrolModule::StartBackground, every sweep interval), as the system across
  // all bureaus: the overdue 督办 above, and one notification (kind patrol_escalate) to the 包案
  // officer and the unit's leaders per escalation of a dispute (red, or three linked calls) — told
  // once, again only after it stopped being escalate and became so anew.
  struct SweepResult {
    int orders = 0, escalations = 0, notifications = 0;
  };
  Result<SweepResult> Sweep();

 private:
  Result<int> IssueOverdueIn(soci::session& sql, const auth::Principal& who, const audit::Actor& actor,
                             EpochSeconds now);
  Result<std::int64_t> BureauOf(soci::session& sql, const auth::Principal& who, std::int64_t unit_id) const;
  db::Database& db_;
  const Clock& clock_;
  orders::OrderService* orders_ = nullptr;
};

}  // namespace fazhi::patrol
