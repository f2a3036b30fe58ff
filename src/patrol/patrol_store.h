// The only code that writes the patrol tables (migration 100), and the reads that map their rows.
// Every function takes the caller's session inside its transaction. `path` arguments are the
// caller's unit path: rows of units outside that subtree are not returned.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/paging.h"
#include "db/soci.h"
#include "patrol/patrol_types.h"

namespace fazhi::patrol {

std::int64_t E7(double degrees);
double FromE7(std::int64_t v);

std::int64_t InsertArea(soci::session& sql, const Area& a, std::optional<std::int64_t> by);
std::int64_t InsertPoint(soci::session& sql, const Point& p);
std::vector<Area> ListAreas(soci::session& sql, const std::string& path);
std::optional<Area> FindArea(soci::session& sql, std::int64_t id, const std::string& path);
std::vector<Point> ListPoints(soci::session& sql, const std::string& path);
std::optional<Point> FindPoint(soci::session& sql, std::int64_t id, const std::string& path);

// Editing one 巡区 / 必到点 (patrol_edit.cpp). Deleting an area detaches its points (area_id NULL).
void UpdateArea(soci::session& sql, const Area& a);
void DeleteArea(soci::session& sql, std::int64_t id);
void UpdatePoint(soci::session& sql, const Point& p);
void DeletePoint(soci::session& sql, std::int64_t id);
std::int64_t CountCheckinsAt(soci::session& sql, std::int64_t point_id);

std::int64_t InsertTeam(soci::session& sql, const Team& t);
std::vector<Team> ListTeams(soci::session& sql, const std::string& path);
std::optional<Team> FindTeam(soci::session& sql, std::int64_t id, const std::string& path);
void UpdateTeam(soci::session& sql, const Team& t);  // name, mode, shift, members, equipment

std::int64_t InsertCheckin(soci::session& sql, const Checkin& c);
std::optional<Checkin> FindCheckin(soci::session& sql, std::int64_t id, const std::string& path);
// The user's latest check-in before `at` (for the speed check).
std::optional<Checkin> LastCheckinOf(soci::session& sql, std::int64_t user_id, EpochSeconds at);
void SetCheckinLeft(soci::session& sql, std::int64_t id, EpochSeconds left_at, const std::string& flags,
                    const std::string& reasons);
struct CheckinFilter {
  std::optional<bool> flagged;
  std::optional<std::int64_t> unit_id;
  std::optional<EpochSeconds> from, to;
};
Paged<Checkin> ListCheckins(soci::session& sql, const std::string& path, const CheckinFilter& f,
                            const PageRequest& page);

std::int64_t InsertLog(soci::session& sql, const Log& l);
Paged<Log> ListLogs(soci::session& sql, const std::string& path, std::optional<std::string> kind,
                    const PageRequest& page);

std::int64_t InsertCall(soci::session& sql, const Call& c);
std::optional<Call> FindCall(soci::session& sql, std::int64_t id, const std::string& path);
// Sets `stage`_at (stage one of kStages) of call `id`.
void StampCall(soci::session& sql, std::int64_t id, const std::string& stage, EpochSeconds at);
// Calls of units under `path` received in [from, to); is_test selects real (false) or test calls.
// The 警情 list: open (not 结案) first, then the newest received first.
struct CallFilter {
  std::optional<bool> open, is_test;
  std::optional<EpochSeconds> from, to;  // received_at in [from, to)
};
Paged<Call> ListCallPage(soci::session& sql, const std::string& path, const CallFilter& f, const PageRequest& page);
std::vector<Call> ListCalls(soci::session& sql, const std::string& path, EpochSeconds from, EpochSeconds to,
                            bool is_test, std::optional<std::int64_t> drill_id = std::nullopt);

Targets ReadTargets(soci::session& sql, std::int64_t bureau_id);
void WriteTargets(soci::session& sql, std::int64_t bureau_id, const Targets& t, EpochSeconds now);

std::int64_t InsertDrill(soci::session& sql, const Drill& d, std::optional<std::int64_t> by);
std::vector<Drill> ListDrills(soci::session& sql, const std::string& path);

std::int64_t InsertDispute(soci::session& sql, const Dispute& d, std::optional<std::int64_t> by);
void UpdateDispute(soci::session& sql, const Dispute& d);
std::optional<Dispute> FindDispute(soci::session& sql, std::int64_t id, const std::string& path, EpochSeconds now);
struct RegisterFilter {
  std::optional<std::string> status, kind, grade;
  std::optional<bool> overdue;
};
Paged<Dispute> ListDisputes(soci::session& sql, const std::string& path, const RegisterFilter& f,
                            const PageRequest& page, EpochSeconds now);

// The sweep (PatrolService::Sweep). Claim*Order: a conditional UPDATE (order_id 0 while the order
// is being issued in the same transaction); false when the item has or is getting an order already —
// on PostgreSQL the second instance waits for the first's row lock and then sees the order.
bool ClaimDisputeOrder(soci::session& sql, std::int64_t id);
bool ClaimHazardOrder(soci::session& sql, std::int64_t id);
// Open disputes of every bureau whose escalation has not been told (escalate computed by the reader),
// and disputes told whose escalation is over (no longer escalate, or closed).
std::vector<Dispute> UntoldEscalations(soci::session& sql, EpochSeconds now);
std::vector<std::int64_t> EndedEscalations(soci::session& sql, EpochSeconds now);
// Marks the escalation told; returns its number (1, 2 …) or nullopt when another instance took it.
std::optional<std::int64_t> ClaimEscalation(soci::session& sql, std::int64_t id, EpochSeconds now);
void EndEscalation(soci::session& sql, std::int64_t id);
// Active accounts of the unit's leaders (role leader in that unit), else of its heads by position
// (所长, 队长, 主任, 负责人), else the leaders of the nearest unit above it (the 分局's 局领导).
std::vector<std::int64_t> UnitLeaderUsers(soci::session& sql, std::int64_t unit_id);

std::int64_t InsertHazard(soci::session& sql, const Hazard& h, std::optional<std::int64_t> by);
void UpdateHazard(soci::session& sql, const Hazard& h);
std::optional<Hazard> FindHazard(soci::session& sql, std::int64_t id, const std::string& path, EpochSeconds now);
Paged<Hazard> ListHazards(soci::session& sql, const std::string& path, const RegisterFilter& f, const PageRequest& page,
                          EpochSeconds now);

}  // namespace fazhi::patrol
