// The only code that writes the training tables (migrations 085–087) and the reads that map their
// rows to training_types.h. Functions take the caller's session (inside its transaction); database
// failures throw.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/paging.h"
#include "db/soci.h"
#include "training/training_types.h"

namespace fazhi::training::store {

// ---- sessions ----
std::int64_t InsertSession(soci::session& sql, std::int64_t bureau_id, const SessionInput& in,
                           std::optional<std::int64_t> user_id, EpochSeconds now);
void UpdateSession(soci::session& sql, std::int64_t id, const SessionInput& in, EpochSeconds now);
// Session with its targets and attendance counts (`full`; without, the row only); nullopt when there
// is none.
std::optional<Session> LoadSession(soci::session& sql, std::int64_t id, bool full = true);
// Whether the session is organised under `reach` or aimed at a unit under it.
bool SessionVisible(soci::session& sql, const Session& s, const std::string& reach);
// Sessions organised under `reach` or aimed at a unit under it, newest first (sort start_at).
Paged<Session> ListSessions(soci::session& sql, const std::string& reach, const SessionFilter& f,
                            const PageRequest& page);

// ---- attendance ----
// Inserts the attendance unless the person already has one; true when inserted.
bool AddAttendance(soci::session& sql, std::int64_t bureau_id, std::int64_t session_id, std::int64_t person_id,
                   std::int64_t unit_id, const std::string& method, EpochSeconds at,
                   std::optional<std::int64_t> user_id);
void RemoveAttendance(soci::session& sql, std::int64_t session_id, std::int64_t person_id);
std::optional<EpochSeconds> AttendedAt(soci::session& sql, std::int64_t session_id, std::int64_t person_id);
Attendance LoadAttendance(soci::session& sql, const Session& s);

// ---- plans ----
std::int64_t InsertPlanItem(soci::session& sql, std::int64_t bureau_id, std::int64_t unit_id, const std::string& month,
                            const std::string& kind, const std::string& topic, std::optional<std::int64_t> session_id,
                            std::optional<std::int64_t> user_id, EpochSeconds now);
void LinkPlanItem(soci::session& sql, std::int64_t id, std::optional<std::int64_t> session_id, EpochSeconds now);
std::optional<PlanItem> LoadPlanItem(soci::session& sql, std::int64_t id, EpochSeconds now);
std::string PlanItemPath(soci::session& sql, std::int64_t id);
// Plan items of units under `reach` in the month range [from_month, to_month] ("2023-01").
std::vector<PlanItem> ListPlanItems(soci::session& sql, const std::string& reach, const std::string& from_month,
                                    const std::string& to_month, std::optional<std::int64_t> unit_id, EpochSeconds now);
// Items of months before `month` with no session and not notified yet (for the reminder), oldest
// first, at most 500.
std::vector<PlanItem> MissedUnnotified(soci::session& sql, const std::string& before_month, EpochSeconds now);
// Sets notified_at unless it is set; true when this call set it (false: another instance took it).
bool MarkPlanNotified(soci::session& sql, std::int64_t id, EpochSeconds now);
// Who is told of a unit's 未落实 plan: the active accounts on the unit with the role legal_officer
// (法制员) or leader, and those of the unit's head (a person of the unit whose position contains
// 所长, 队长, 主任 or 负责人); ascending, each once.
std::vector<std::int64_t> PlanRecipients(soci::session& sql, std::int64_t unit_id);

// ---- materials ----
std::int64_t InsertMaterial(soci::session& sql, std::int64_t bureau_id, const MaterialInput& in,
                            std::optional<std::int64_t> user_id, EpochSeconds now);
// Adds version + 1 and makes it current; returns the new version number.
int AddMaterialVersion(soci::session& sql, std::int64_t id, const std::string& title, const std::string& body,
                       const std::string& note, std::optional<std::int64_t> user_id, EpochSeconds now);
std::optional<Material> LoadMaterial(soci::session& sql, std::int64_t id);
std::vector<MaterialVersion> LoadVersions(soci::session& sql, std::int64_t id);
bool MaterialExists(soci::session& sql, std::int64_t bureau_id, const std::string& series, int issue_no);
// The bureau's issues whose title or current text contains every word of `q`, newest issue first.
Paged<Material> SearchMaterials(soci::session& sql, std::int64_t bureau_id, const std::string& series,
                                const std::string& q, const PageRequest& page);
void Subscribe(soci::session& sql, std::int64_t user_id, std::int64_t bureau_id, bool on, EpochSeconds now);
bool Subscribed(soci::session& sql, std::int64_t user_id, std::int64_t bureau_id);
std::vector<std::int64_t> Subscribers(soci::session& sql, std::int64_t bureau_id);

// ---- leaders ----
std::int64_t InsertLawReport(soci::session& sql, const LawReport& r, std::optional<std::int64_t> user_id,
                             EpochSeconds now);
std::optional<LawReport> LoadLawReport(soci::session& sql, std::int64_t id, std::int64_t me);
std::string LawReportPath(soci::session& sql, std::int64_t id);
std::vector<LawReport> ListLawReports(soci::session& sql, const std::string& reach, int year, std::int64_t me);
// Inserts or replaces the caller's rating.
void Rate(soci::session& sql, std::int64_t bureau_id, std::int64_t report_id, std::int64_t user_id, int score,
          const std::string& comment, EpochSeconds now);

std::int64_t InsertCourtRecord(soci::session& sql, const CourtRecord& r, std::optional<std::int64_t> user_id,
                               EpochSeconds now);
std::vector<CourtRecord> ListCourtRecords(soci::session& sql, const std::string& reach, int year,
                                          const std::optional<std::string>& kind);

}  // namespace fazhi::training::store

namespace fazhi::training::store {

// One attendance row of the demo generator.
struct AttendanceRow {
  std::int64_t bureau_id, session_id, person_id, unit_id;
  std::string method;
  EpochSeconds at;
};
// Many attendance rows at once (db::BulkInsert; an existing (session, person) is left as it is).
void BulkAttendance(soci::session& sql, const std::vector<AttendanceRow>& rows);

}  // namespace fazhi::training::store
