// 谁执法谁普法 service: each unit's duty list (which laws it publicises), the yearly cycle — plan by
// 1.31, mid-year check by 7.15, year-end summary by 12.20 — whose stages alert the unit's accounts
// (notify, kind "publicity": 即将到期 seven days before, 已逾期 once past due; NotifyDue, run by the
// module's sweep), the campaign calendar, the events with audience counts and their materials and
// photos (attachments), and the year summary generated from the records (counts by campaign and
// unit), with its XLSX.
//
// Scope: a caller reaches his unit subtree; an account of a bureau's legal unit (法制大队) reaches the
// whole bureau. Anything out of reach is NotFound, exactly like a missing id.
// Permissions: publicity.read (lists, summary, files), publicity.manage (duties, opening a year's
// cycle, submitting a stage, events and their files).
// Errors (4xx, nothing stored): InvalidArgument naming the field — required text (required), an
// unknown campaign (unknown_campaign), an event date outside the campaign's days (campaign_date), a
// negative or absurd audience (JsonInput range), an upload whose content is not what its name says
// (files service, attachment_type); Conflict for a law already on the unit's list (duplicate_duty) or
// a stage already submitted (already_submitted).
// Every change is one Database::Write with its audit row. Thread safety: references only.
#pragma once

#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "files/attachments.h"
#include "orders/orders_service.h"
#include "publicity/publicity_types.h"

namespace fazhi::publicity {

// 年初普法计划 / 年中普法检查 / 年终普法总结 for plan / midyear / summary.
std::string StageName(const std::string& stage);
// The unit subtree `who` reaches (his own; the bureau's for an account of its legal unit).
std::string ReachPath(soci::session& sql, const auth::Principal& who);

struct CampaignDay {
  Campaign campaign;
  std::int64_t events = 0, audience = 0;
};

struct FileDownload {
  std::string bytes, content_type, filename;
};

class PublicityService {
 public:
  PublicityService(db::Database& db, const Clock& clock) : db_(db), clock_(clock), files_(db) {}

  // The current year (北京时间), the default of the yearly views.
  int ThisYear() const;
  Result<std::vector<CampaignDay>> Calendar(const auth::Principal& who, int year) const;

  Result<std::vector<Duty>> Duties(const auth::Principal& who, std::optional<std::int64_t> unit_id) const;
  Result<Duty> AddDuty(const auth::Principal& who, const audit::Actor& actor, Duty in);
  Result<void> RemoveDuty(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);

  Result<std::vector<CycleItem>> Cycle(const auth::Principal& who, int year) const;
  // One stage within reach; NotFound otherwise.
  Result<CycleItem> GetCycleItem(const auth::Principal& who, std::int64_t id) const;
  // Creates the three stages of `year` for every 派出所/大队 (team) within reach that lacks them.
  Result<int> OpenCycle(const auth::Principal& who, const audit::Actor& actor, int year);
  Result<CycleItem> Submit(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                           const std::string& content);
  // Sends the due-soon and overdue alerts of every bureau (once per stage each). Returns how many.
  Result<int> NotifyDue();
  // The 督办 the sweep issues (publicity_orders.cpp): one order (source publicity_stage) on every stage
  // past due and unsubmitted that has none — ever, across restarts and instances — issued on behalf of
  // the bureau's 法制大队 (its first legal_officer account) to the unit's 法制员, else its head, with a
  // seven-day deadline. A stage whose bureau has no such account or whose unit has no such person is
  // left for a later sweep (logged). Each stage in its own transaction. Returns how many were opened.
  Result<int> OpenOverdueOrders();
  // Set by the module's Init (the 督办 loop the orders are issued in); without it nothing is opened.
  void SetOrders(orders::OrderService* orders) { orders_ = orders; }

  Result<Paged<Event>> Events(const auth::Principal& who, const EventFilter& f, const PageRequest& page) const;
  Result<Event> GetEvent(const auth::Principal& who, std::int64_t id) const;
  Result<Event> AddEvent(const auth::Principal& who, const audit::Actor& actor, const EventInput& in);
  Result<Event> AddFiles(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                         const std::string& kind, const std::vector<files::Upload>& uploads);
  Result<FileDownload> ReadFile(const auth::Principal& who, std::int64_t file_id) const;

  Result<YearSummary> Summary(const auth::Principal& who, int year) const;
  Result<FileDownload> SummaryXlsx(const auth::Principal& who, int year) const;

 private:
  db::Database& db_;
  const Clock& clock_;
  files::AttachmentStore files_;
  orders::OrderService* orders_ = nullptr;
};

}  // namespace fazhi::publicity
