// 学法用法 service (issue 14 items 1 and 4): training sessions of every kind with their materials,
// minutes and photos; attendance by roster or by QR check-in on a phone (the server's time); each
// unit's monthly study plan (每月学法计划); the bureau's materials library (numbered issues with
// versions, searched in Chinese, subscribers told of changes); leaders' law study (述法 reports with
// peer ratings, 出庭应诉 and 旁听庭审 records) and the year's figures.
//
// Scope: a caller reaches his unit subtree; on a bureau's legal unit (法制大队) the whole bureau. A
// session is seen when its organising unit or one of its target units is within reach; it is
// changed (and its roster ticked, its QR code shown) only when its organising unit is. Plan items and
// court records belong to a unit within reach. The library and the 述法 reports are the bureau's: every
// account of the bureau sees them; the library is edited by accounts acting for the whole bureau
// (org::ActsForWholeBureau). Anything out of reach is NotFound, exactly like an id that does not exist.
//
// Permissions: training.read (lists, pages, check-in, rating a 述法), training.manage (create and
// change sessions, roster, QR code, plans, library, 述法 reports, court records). Forbidden otherwise.
//
// Errors (HTTP 4xx, nothing stored): InvalidArgument naming the field (unknown kind or format, empty
// topic, end before start, an online session without its link, an invited speaker without a name, a
// month that is not one, a rating outside 1–5 (out_of_scale), an upload whose content is not what its
// name says or a photo that is not an image, a check-in token that is not ours (invalid_token) or has
// expired (token_expired)); Conflict for a check-in outside the window (checkin_not_open /
// checkin_closed: 30 minutes before the start to 30 minutes after the end), an issue number already
// used (duplicate_issue) or rating one's own report (own_report); NotFound for anything out of reach.
// A second check-in of the same person answers already = true and counts nothing.
//
// Every change is one Database::Write transaction with its audit row. Thread safety: the service
// holds references only; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "auth/vault.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "files/attachments.h"
#include "training/training_types.h"

namespace fazhi::training {

struct FileDownload {
  std::string bytes, content_type, filename;
};

struct SessionDetail {
  Session session;
  std::vector<SessionFile> files;
  bool can_manage = false;
};

struct MaterialDetail {
  Material material;
  std::vector<MaterialVersion> versions;
  bool subscribed = false;
};

class TrainingService {
 public:
  TrainingService(db::Database& db, const Clock& clock, const auth::Vault& vault);
  const Clock& clock() const { return clock_; }

  // ---- sessions ----
  Result<SessionDetail> CreateSession(const auth::Principal& who, const audit::Actor& actor, SessionInput in);
  Result<SessionDetail> UpdateSession(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                      SessionInput in);
  Result<SessionDetail> GetSession(const auth::Principal& who, std::int64_t id) const;
  Result<Paged<Session>> ListSessions(const auth::Principal& who, const SessionFilter& f,
                                      const PageRequest& page) const;
  // The list as XLSX (at most 5,000 sessions, the filter's).
  Result<FileDownload> ExportSessions(const auth::Principal& who, const SessionFilter& f) const;
  // role: material (any allowed type) or photo (images only).
  Result<std::vector<SessionFile>> AddFiles(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                            const std::string& role, const std::vector<files::Upload>& uploads);
  Result<FileDownload> ReadFile(const auth::Principal& who, std::int64_t file_id) const;

  // ---- attendance ----
  Result<Attendance> GetAttendance(const auth::Principal& who, std::int64_t id) const;
  // The roster as ticked: these people attended (added with method roster and the server's time);
  // roster entries of people not listed are removed (QR check-ins too, when unticked).
  Result<Attendance> SetRoster(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                               const std::vector<std::int64_t>& person_ids);
  // A fresh signed token (valid kTokenLifetime), the check-in URL under `base_url` and its QR code.
  Result<CheckinToken> IssueToken(const auth::Principal& who, std::int64_t id, const std::string& base_url) const;
  // Checks the caller's person in with the server's time.
  Result<CheckinResult> CheckIn(const auth::Principal& who, const audit::Actor& actor, const std::string& token);

  // ---- monthly plans ----
  Result<std::vector<PlanItem>> ListPlans(const auth::Principal& who, const std::string& from_month,
                                          const std::string& to_month, std::optional<std::int64_t> unit_id) const;
  Result<PlanItem> AddPlan(const auth::Principal& who, const audit::Actor& actor, std::int64_t unit_id,
                           const std::string& month, const std::string& kind, const std::string& topic);
  Result<PlanItem> LinkPlan(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                            std::optional<std::int64_t> session_id);
  // The module's sweep: from the kPlanNotifyDay-th of a month (Beijing time) on, each unit whose plan
  // of an earlier month has items no session carried out (未落实) gets one notification (kind
  // training_plan_missed) to its 法制员 and leaders (store::PlanRecipients). Each item is marked
  // (notified_at) in the same transaction, guarded so that two instances or a restart never tell
  // twice; the notification's dedup key is the unit and month.
  Result<MissedPlanSweep> NotifyMissedPlans();

  // ---- materials library ----
  Result<Paged<Material>> SearchMaterials(const auth::Principal& who, const std::string& series, const std::string& q,
                                          const PageRequest& page) const;
  Result<MaterialDetail> GetMaterial(const auth::Principal& who, std::int64_t id) const;
  Result<MaterialDetail> CreateMaterial(const auth::Principal& who, const audit::Actor& actor, MaterialInput in);
  Result<MaterialDetail> ReviseMaterial(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                        MaterialInput in);
  Result<bool> Subscribe(const auth::Principal& who, bool on);

  // ---- leaders ----
  Result<std::vector<LawReport>> ListLawReports(const auth::Principal& who, int year) const;
  Result<LawReport> AddLawReport(const auth::Principal& who, const audit::Actor& actor, LawReport in);
  Result<LawReport> RateLawReport(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, int score,
                                  const std::string& comment);
  Result<std::vector<CourtRecord>> ListCourtRecords(const auth::Principal& who, int year,
                                                    const std::optional<std::string>& kind) const;
  Result<CourtRecord> AddCourtRecord(const auth::Principal& who, const audit::Actor& actor, CourtRecord in);

  // ---- figures and pickers ----
  Result<YearCounts> Overview(const auth::Principal& who, int year) const;
  // The same figures as XLSX (one sheet 学法年度统计: sessions per kind and month, attendance per
  // unit with its rate, then the leaders' and the plans' figures), within the caller's reach.
  Result<FileDownload> ExportOverview(const auth::Principal& who, int year) const;
  Result<std::vector<UnitName>> Units(const auth::Principal& who) const;

 private:
  db::Database& db_;
  const Clock& clock_;
  const auth::Vault& vault_;
  files::AttachmentStore files_;
};

}  // namespace fazhi::training
