// Case file service (一案一档): incidents (警情), cases with their officers, persons and property,
// the per-case event log, the status state machine, the case list and export, and the import of
// incidents/cases/persons/events from 警综 exports (docs/cases.md).
//
// Callers and scope. Every operation takes the caller (auth::Principal). A case is visible to a
// caller when its 办案单位 is in the caller's unit subtree, or when the caller's own person
// (users.person_id) is its 主办/协办 officer or its bound 法制员 (捆绑责任: the 法制大队 officer
// bound to a 派出所 case must see it). An invisible case is answered exactly like a missing one
// (NotFound), for reads and writes alike. Permissions: case.read to read, case.write to record,
// case.review for the decisions the state machine reserves to reviewers.
//
// Writes. Each write runs in one Database::Write transaction together with its audit row(s) and
// the hooks' re-evaluation (CaseHooks::OnCaseChanged), so an event and the alerts it causes commit
// together or not at all. New events are validated against the whole resulting timeline with the
// engine's parser first: an unknown type, an attribute the type does not admit, an unknown person,
// an impossible order (release before detention) is InvalidArgument naming the event, and nothing
// is stored.
//
// Thread safety: a CaseService may be shared by all request threads (hooks must be set before
// serving). Import jobs run on the shared job runner (jobs::JobRunner); the destructor waits for
// the jobs this service started. The Database, Clock, Vault, JobRunner and hooks must outlive the
// service.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "auth/vault.h"
#include "cases/case_dossier.h"
#include "cases/case_hooks.h"
#include "cases/case_types.h"
#include "cases/state_machine.h"
#include "cases/timeline_store.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/expiring_set.h"
#include "core/paging.h"
#include "db/database.h"
#include "jobs/job_runner.h"

namespace fazhi::cases {

// Sort fields of the case list (first = default, newest first): accepted_at, external_id,
// updated_at, next_due_at, status, unit.
const std::vector<std::string>& CaseSortFields();
// Sort fields of the incident list (first = default, newest first): received_at, external_id.
const std::vector<std::string>& IncidentSortFields();

class CaseService {
 public:
  CaseService(db::Database& db, const Clock& clock, const auth::Vault& vault, jobs::JobRunner& jobs);
  ~CaseService();
  CaseService(const CaseService&) = delete;
  CaseService& operator=(const CaseService&) = delete;

  // The supervision hooks called inside every case write; may be null (tests: then no evaluation
  // and no transition gate). Not owned. Set before serving requests.
  void SetHooks(CaseHooks* hooks);
  CaseHooks* hooks() const { return hooks_.load(std::memory_order_acquire); }

  // ---- incidents 警情 (case.read / case.write) ----

  // Creates an incident in a unit in the caller's scope (NotFound otherwise). InvalidArgument for a
  // missing or bad field (named), an officer who is not an active person of the same 分局;
  // Conflict if the 警情编号 exists.
  Result<Incident> CreateIncident(const auth::Principal& who, const audit::Actor& actor, const IncidentInput& in);
  // A page of incidents of units in scope, newest first by default.
  Result<Paged<Incident>> ListIncidents(const auth::Principal& who, const IncidentFilter& filter,
                                        const PageRequest& page) const;
  Result<Incident> GetIncident(const auth::Principal& who, std::int64_t id) const;

  // ---- cases ----

  // Creates a case in status 受案 (accepted) and records its accept_case event (plus report and
  // incident events when it comes from an incident). Required: case_type, cause, unit_id (in
  // scope), lead_officer_id (an active 民警 of the same 分局). Optional 协办 officers and a bound
  // 法制员 (a person marked 法制员 of the same 分局). Conflict if the 案件编号 exists or the
  // incident already has a case.
  Result<CaseDetail> CreateCase(const auth::Principal& who, const audit::Actor& actor, const CaseInput& in);
  // Changes the given header fields of a visible case (case.write); case_type, unit and status
  // never change here. legal_officer_id = 0 unbinds.
  Result<CaseDetail> UpdateCase(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                const CaseInput& in);
  // A page of visible cases matching the filter. NotFound if filter.unit_id is a unit outside the
  // caller's 分局. The count stops at kCaseListCountCap (kBroadCaseListCountCap over 50 units or
  // more): above it, total = the cap and total_capped = true.
  Result<CaseList> ListCases(const auth::Principal& who, const CaseFilter& filter, const PageRequest& page) const;
  // The case page data. 身份证号 of persons are masked unless people.pii; an unmasked read appends
  // a case_person.read_pii audit row first.
  Result<CaseDetail> GetCase(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);
  // 一案一档: the case file as one document (case_dossier.h) — header, persons (身份证号 plain only
  // with people.pii, as GetCase shows them), property, the event log — followed by the sections the
  // hooks add (supervision: clocks with their legal basis, reviews, 督办). NotFound like GetCase.
  // Appends a case.dossier audit row naming the form (`form`: "docx" or "print") in the same
  // transaction.
  Result<CaseDossier> Dossier(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                              std::string_view form);
  // The visible cases matching the filter (all pages, at most 50,000: InvalidArgument beyond) as an
  // XLSX (or CSV) file; appends a case.export audit row.
  Result<FileDownload> ExportCases(const auth::Principal& who, const audit::Actor& actor, const CaseFilter& filter,
                                   bool xlsx);
  // The moves the caller may make from the case's current status (permission checked; the hooks'
  // review gate is not).
  std::vector<const Transition*> AllowedTransitions(const auth::Principal& who, const CaseSummary& c) const;

  // ---- persons and property of a case (case.write) ----

  // Adds a person. InvalidArgument for a bad role/age/身份证号 or a duplicate ref (named).
  Result<CasePerson> AddPerson(const auth::Principal& who, const audit::Actor& actor, std::int64_t case_id,
                               const CasePersonInput& in);
  // Registers a property item (一物一码). Conflict if the code is used in this 分局.
  Result<PropertyItem> AddProperty(const auth::Principal& who, const audit::Actor& actor, std::int64_t case_id,
                                   const PropertyInput& in);

  // ---- event log ----

  // The event log of a visible case in time order, with 中文 type names.
  Result<std::vector<CaseEvent>> ListEvents(const auth::Principal& who, std::int64_t case_id) const;
  // Validates and appends one event (see the header comment). An item code not yet registered in
  // the case is registered; a code belonging to another case is InvalidArgument. Posting an event
  // whose external_id is already stored returns the stored event when identical, Conflict otherwise.
  Result<CaseEvent> AddEvent(const auth::Principal& who, const audit::Actor& actor, std::int64_t case_id,
                             const EventInput& in);

  // ---- state machine ----

  // Moves the case along the state machine: Conflict (reason invalid_transition) when the table has
  // no such move from the current status; Forbidden when the caller lacks the move's permission;
  // the hooks' CheckTransition may refuse with Conflict. Appends the move's event (validated like
  // AddEvent; in.event_attrs adds attributes such as person or onsite) and an audit row. Nothing
  // changes on any error.
  Result<CaseDetail> ChangeStatus(const auth::Principal& who, const audit::Actor& actor, std::int64_t case_id,
                                  const TransitionInput& in);

  // ---- import (case.write) ----

  // Checks, and in kCommit mode applies, an import file: CSV, XLSX or JSON-lines (docs/cases.md).
  // File-level problems are errors (InvalidArgument, field "file"); row problems go in the report.
  // A commit writes nothing when any row is bad, and writes all rows in one transaction otherwise.
  // Re-importing the same file changes nothing (rows are matched by 警情编号 / 案件编号 / 案件编号+
  // 人员编号 / 案件编号+事件编号). `progress`, if given, gets the total (each row counts twice: once
  // checked, once written) and is advanced as rows are processed.
  Result<ImportReport> Import(const auth::Principal& who, const audit::Actor& actor, ImportKind kind,
                              std::string_view bytes, std::string_view filename, ImportMode mode,
                              jobs::Progress* progress = nullptr);
  // Starts a commit as a background job (kind "case_import" of the shared job runner) and returns
  // it (state "queued", total = twice the rows). File-level errors are returned at once. The job's
  // progress and report live in the jobs table: any instance answers GetImportJob, and a job whose
  // process stopped reads as failed (interrupted).
  Result<ImportJob> StartImportJob(const auth::Principal& who, const audit::Actor& actor, ImportKind kind,
                                   std::string bytes, std::string filename);
  // A job started by the same user; NotFound otherwise (another user's job, another kind of job).
  Result<ImportJob> GetImportJob(const auth::Principal& who, std::int64_t id) const;

 private:
  Result<CaseDetail> LoadDetailFor(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);

  db::Database& db_;
  const Clock& clock_;
  const auth::Vault& vault_;
  jobs::JobRunner& jobs_;
  std::atomic<CaseHooks*> hooks_{nullptr};
  std::mutex started_mu_;
  std::vector<std::int64_t> started_jobs_;  // import jobs of this service, waited for by the destructor
  // Broad lists (a 市局's or the 省厅's) whose count reached its cap, by count statement and bound
  // values: for a minute their pages show "1,000+" without counting again (case_list.cpp, ListCases).
  // Such a count falls below the cap only if over a thousand cases leave the list within the minute.
  mutable ExpiringSet capped_counts_{std::chrono::minutes(1)};
};

// The import report as a job keeps it (jobs.result) and the API sends it, and back.
nlohmann::json ImportReportJson(const ImportReport& r);
ImportReport ImportReportFromJson(const nlohmann::json& j);

// The 中文 column headers of an import kind, in template order (docs/cases.md describes each).
std::vector<std::string> ImportColumns(ImportKind kind);
// "incidents" | "cases" | "persons" | "events" → kind; nullopt otherwise.
std::optional<ImportKind> ImportKindFromId(std::string_view id);

struct CaseDemoSummary {
  int incidents = 0;  // of the demo year (all of the bureau's when already_present)
  int cases = 0;
  int events = 0;
  // The living slice: open work of the 28 days before the demo was generated (0 when already_present).
  int live_incidents = 0;
  int live_cases = 0;
  int live_events = 0;
  bool already_present = false;  // the demo bureau already had cases: nothing was written
};

// Adds a year of realistic incidents, cases and events for the demo sub-bureau, and a living slice of
// the 28 days before now, cut at now so its clocks run (needs the org demo
// data: 晋城市公安局 → 城区分局; NotFound otherwise); calls hooks->OnCaseChanged for every case so
// alerts exist (hooks may be null). Deterministic (seeded). Idempotent: when 城区分局 already has
// cases, writes nothing and returns already_present with the counts found. Links the demo users
// minjing and fazhiyuan to people if they are not linked yet. One write transaction.
Result<CaseDemoSummary> GenerateCaseDemo(db::Database& db, const Clock& clock, const auth::Vault& vault,
                                         CaseHooks* hooks, int year);

}  // namespace fazhi::cases
