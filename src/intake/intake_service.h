// 接报案大厅 service: registering a ticket on the spot (当场登记, 当场取证) with a number and a query
// code, routing it by rules kept as data (统一分流) or by the clerk with a recorded reason, its
// deadline by kind, the closed loop (受理 / 不予受理 → 办结 → 反馈 with an optional satisfaction rating,
// 重新办理 with a reason) and its history (全程留痕). docs/intake.md.
//
// Scope: a caller reaches his unit subtree; a caller on a bureau's legal unit (法制大队) or on the
// bureau's intake hall (a unit whose name or category holds "接报案") reaches the whole bureau. A
// ticket is seen when its hall or its routed unit is within reach; it is routed only to a unit within
// reach. Anything out of reach is NotFound, exactly like an id that does not exist.
//
// Personal data: the reporter's name, 身份证号 and phone are encrypted at rest (auth::Vault) and
// masked in every answer; Reporter() gives them in clear and records the view (audit
// intake.read_pii + the ticket's history).
//
// Permissions: intake.read (lists, tickets), intake.do (register, route, decide, conclude, feedback,
// reopen, evidence, reporter in clear; a case from a 报案 also needs case.write), intake.manage (routing rules,
// settings). Forbidden otherwise.
//
// Errors (HTTP 4xx, nothing stored): InvalidArgument naming the field — missing fields (required),
// a 身份证号 with a wrong GB 11643 check digit (invalid_id_number) or a birth date that does not exist
// (invalid_birth_date), a phone that is not one (invalid_phone), a 报案 without its case type, a
// route that leaves the rule's unit without a reason (reason_required), an attachment whose content
// is not what its name says or too large (files service); Conflict (wrong_status) for a step the
// ticket's status does not allow; NotFound for anything out of reach.
//
// Every change is one Database::Write transaction with its audit row and its history line. A
// complaint naming an officer (subject_person_id) issues its 督办 (order source "intake",
// orders::OrderService::IssueIn) in the registering transaction; concluded as substantiated, it is
// a complaint_substantiated deduction of that officer's points (ledger source "complaint").
// Thread safety: the service holds references only; any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "auth/vault.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "files/attachments.h"
#include "files/document.h"
#include "intake/intake_types.h"
#include "orders/orders_service.h"
#include "oversight/oversight_service.h"

namespace fazhi::cases {
class CaseService;
}

namespace fazhi::intake {

// The date of birth in a 身份证号 (digits 7–14) is a real date between 1900-01-01 and `today`.
bool IdBirthDateValid(std::string_view id_number, EpochSeconds today);
// A mainland mobile number, or a fixed-line number (0 + area code + 7–8 digits, '-' allowed).
bool IsPhoneNumber(std::string_view phone);
// A fresh query code: 16 symbols of a 32-letter alphabet without look-alikes (80 bits), grouped
// "XXXX-XXXX-XXXX-XXXX".
std::string NewQueryCode();
// The code as typed (any case, spaces or dashes) in its canonical form; "" when it cannot be one.
std::string NormalizeQueryCode(std::string_view typed);

// The most specific matching rule for the ticket (most non-empty fields, then priority, then id).
const RoutingRule* MatchRule(const std::vector<RoutingRule>& rules, const std::string& kind,
                             const std::string& category, const std::string& place);

// The 督办 source "intake": a complaint about an officer (投诉), seen by whoever reaches the ticket's
// hall, its routed unit or the officer's unit. Registered by the module.
std::unique_ptr<orders::OrderSource> MakeComplaintOrderSource();

// What the 办案民警 adds when a 报案 becomes an incident and a case (the rest comes from the ticket).
struct CaseFromTicket {
  std::int64_t lead_officer_id = 0;
  std::string cause;                     // 案由; default the ticket's category
  std::string reporter_role = "victim";  // the reporter as a person of the case (victim / witness / other)
};

// 阳光执法: what the public lookup shows — progress only; no names, 身份证号 or officers.
struct PublicProgress {
  std::string ticket_no, kind_name, status_name;
  EpochSeconds received_at = 0;
  std::optional<EpochSeconds> routed_at, decided_at, concluded_at, feedback_at, due_at;
  std::string unit_name;  // the unit handling it
  std::optional<bool> accepted;
  std::string outcome;
  std::string hall_phone;
};

// Limits of the public lookup (per instance, in memory): every client address may ask `per_ip`
// times per minute; a code may be asked with a wrong phone `per_code_failures` times per hour
// (whether or not it exists, so the limit reveals nothing).
struct LookupLimits {
  int per_ip_per_minute = 30;
  int per_code_failures_per_hour = 5;
};

struct ReceiptDoc {
  files::Document doc;
  std::string ticket_no;
};

struct FileDownload {
  std::string bytes, content_type, filename;
};

class IntakeService {
 public:
  IntakeService(db::Database& db, const Clock& clock, const auth::Vault& vault);
  // The rule catalog and calendar the deadlines of 报案 come from (the module connects it; none =
  // the shipped catalog and calendar).
  void SetOversight(oversight::OversightService* o) { oversight_ = o; }
  // The 督办 loop a complaint about an officer enters, and the case file a 报案 becomes a case in; set
  // in the module's Init (before serving).
  void SetOrders(orders::OrderService* o) { orders_ = o; }
  void SetCases(cases::CaseService* c) { cases_ = c; }
  const Clock& clock() const { return clock_; }

  // The deadline of a route started at `from` and what it is based on ("ADM-ACCEPT-01 接报后受案审查期限").
  std::pair<EpochSeconds, std::string> DueFor(const std::string& kind, const std::string& case_type, EpochSeconds from,
                                              const IntakeSettings& settings) const;

  Result<Registered> Register(const auth::Principal& who, const audit::Actor& actor, const TicketInput& in);
  Result<Ticket> Get(const auth::Principal& who, std::int64_t id) const;
  Result<Reporter> ReadReporter(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);
  Result<Paged<Ticket>> List(const auth::Principal& who, const TicketFilter& f, const PageRequest& page) const;

  Result<Ticket> Route(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, std::int64_t unit_id,
                       const std::string& reason);
  Result<Ticket> Decide(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, bool accepted,
                        const std::string& note);
  Result<Ticket> Conclude(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                          const std::string& outcome, std::optional<bool> substantiated);
  Result<Ticket> Feedback(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                          const std::string& method, std::optional<EpochSeconds> at, const std::string& text,
                          std::optional<int> satisfaction);
  Result<Ticket> Reopen(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                        const std::string& reason);

  // 报案 → 警情 + 案件 in one action through the cases service (case.write needed too): the incident
  // carries the ticket's time, category, summary and place; the case its type, unit and the
  // incident; the reporter becomes a person of the case with his name and 身份证号. The ticket is
  // accepted (受案) and linked. Conflict when it is not a routed or accepted 报案, or has a case.
  Result<Ticket> MakeCase(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                          const CaseFromTicket& in);

  // The 回执 (receipt) with the query code and the QR code of <public_url or request_base>/lookup.
  // The first print records receipt_at; every print is in the audit trail (intake.receipt) and the
  // history.
  Result<ReceiptDoc> Receipt(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                             const std::string& request_base);

  // The public lookup (no login): the code as printed and the last four digits of the registered
  // phone. A code that does not exist and a wrong phone get the same NotFound (same message, same
  // work: one indexed read and one decryption either way). TooManyRequests (rate_limited) past the
  // limits; every refused or failed lookup leaves the tickets untouched.
  Result<PublicProgress> Lookup(const std::string& code, const std::string& phone_last4, const std::string& client_ip);
  void SetLookupLimits(LookupLimits l) { limits_ = l; }

  Result<Evidence> AddEvidence(const auth::Principal& who, const audit::Actor& actor, std::int64_t ticket_id,
                               const std::string& description, const std::vector<files::Upload>& uploads);
  Result<FileDownload> ReadFile(const auth::Principal& who, std::int64_t file_id) const;

  // The units a ticket may be routed to by the caller (his reach), in tree order.
  Result<std::vector<std::pair<std::int64_t, std::string>>> Units(const auth::Principal& who) const;

  // Statistics (by kind, hour of day, weekday, unit, deadline met, satisfaction) of the tickets
  // received in [from, to) within reach; the same as an XLSX file (StatsXlsx).
  Result<Stats> Statistics(const auth::Principal& who, EpochSeconds from, EpochSeconds to) const;
  Result<FileDownload> StatsXlsx(const auth::Principal& who, EpochSeconds from, EpochSeconds to) const;

  Result<std::vector<RoutingRule>> Rules(const auth::Principal& who) const;
  // Routing rules and the hall settings act on the whole bureau, so (like the supervision rule
  // catalog) only an account of the bureau, the city or the bureau's legal unit may change them; a
  // 派出所's 法制员 gets Forbidden bureau_level_required. The routes call it before reading the body.
  Result<void> CheckBureauWide(const auth::Principal& who) const;
  Result<std::vector<RoutingRule>> SaveRules(const auth::Principal& who, const audit::Actor& actor,
                                             std::vector<RoutingRule> rules);
  Result<IntakeSettings> Settings(const auth::Principal& who) const;
  Result<IntakeSettings> SaveSettings(const auth::Principal& who, const audit::Actor& actor, const IntakeSettings& s);

  // ---- 值班表: the hall's 24-hour duty roster (docs/intake.md) ----
  //
  // The hall: `hall_id` when given (a unit within reach; NotFound otherwise); by default the
  // caller's — his own unit when it is a hall (name or category holds 接报案) or any other unit below
  // a bureau; on a bureau or its 法制大队, the bureau's hall (the bureau itself when it has none).
  // People on duty: active people of the hall's bureau within the editor's reach (NotFound
  // otherwise, field person_ids); a person is never on two overlapping shifts of the bureau
  // (Conflict duty_overlap). A shift has a name, lasts more than 0 and at most 24 hours, and has 1 to
  // 10 different people (InvalidArgument). Reading needs intake.read, changing intake.manage.
  Result<DutyRoster> Roster(const auth::Principal& who, std::optional<std::int64_t> hall_id, EpochSeconds from,
                            EpochSeconds to) const;
  Result<DutyShift> AddShift(const auth::Principal& who, const audit::Actor& actor, const ShiftInput& in);
  Result<DutyShift> UpdateShift(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                const ShiftInput& in);
  Result<void> DeleteShift(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);
  // Copies the hall's shifts starting in the 7 days from `from` to the same times `to - from` later
  // (a positive whole number of weeks). Conflict (target_not_empty) when the target week already has
  // shifts, InvalidArgument (empty_week) when the source has none; the overlap and scope checks as
  // above. All or nothing; returns the number of shifts copied.
  Result<int> CopyWeek(const auth::Principal& who, const audit::Actor& actor, std::optional<std::int64_t> hall_id,
                       EpochSeconds from, EpochSeconds to);
  // Who is on duty in the hall at `at` (default now), and the first of them within the caller's
  // reach as the duty officer a new ticket is pre-filled with.
  struct OnDutyAnswer {
    OnDuty duty;
    std::optional<PersonOption> officer;
  };
  Result<OnDutyAnswer> OnDutyAt(const auth::Principal& who, std::optional<std::int64_t> hall_id,
                                std::optional<EpochSeconds> at) const;
  // People the caller may put on duty or name as duty officer (his reach, active), matching `q`.
  Result<std::vector<PersonOption>> People(const auth::Principal& who, const std::string& q, int limit) const;

  // ---- deadline alerts (issue 13 item 2) ----
  //
  // One sweep: every open ticket still waiting for its decision (报案) or outcome whose deadline has
  // passed is notified once per episode (overdue_notified_at; a new route or a reopening starts a new
  // one), and one due within its warning lead (store::WarnLead) is warned once (warn_notified_at).
  // Recipients: the routed unit's heads (or its 法制员), the hall's 接报案窗口 accounts and the
  // ticket's duty officer; the notification (kind intake_overdue / intake_due_soon) opens the ticket.
  // A deadline that passed more than 3 days ago (old data, a long outage) is recorded, not pushed.
  // Each claim is an UPDATE … WHERE …_notified_at IS NULL, so two instances sweeping at once send once.
  Result<DeadlineSweep> NotifyDeadlines();

 private:
  Result<Ticket> Step(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                      const std::function<Result<std::string>(soci::session&, Ticket&)>& change);
  Ticket Load(soci::session& sql, std::int64_t id) const;

  db::Database& db_;
  const Clock& clock_;
  const auth::Vault& vault_;
  files::AttachmentStore files_;
  oversight::OversightService* oversight_ = nullptr;
  orders::OrderService* orders_ = nullptr;
  cases::CaseService* cases_ = nullptr;
  LookupLimits limits_;
  std::mutex limit_mu_;
  std::unordered_map<std::string, std::vector<EpochSeconds>> by_ip_, by_code_;
  std::string dummy_sealed_;  // decrypted when no ticket has the code, so both answers cost the same
};

}  // namespace fazhi::intake
