// CaseService: the import of incidents, cases, persons and events from files exported by a 警综
// system (docs/cases.md §6). Rows are read (case_import_rows.cpp) and planned (case_import_plan.cpp)
// without writing; a commit then writes every plan through the store in one transaction, or nothing
// when any row is bad. Large commits run as background jobs of the shared runner (kind case_import).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "auth/roles.h"
#include "cases/case_checks.h"
#include "cases/case_import_parts.h"
#include "cases/case_service.h"
#include "cases/state_machine.h"
#include "core/json_fields.h"
#include "db/database.h"

namespace fazhi::cases {

using detail::Require;
using import::Action;

namespace {

constexpr const char* kJobKind = "case_import";

// What a commit changed: the cases whose timeline or header it touched.
struct Touched {
  std::set<std::int64_t> cases;
};

void CommitIncidents(soci::session& sql, const std::vector<import::IncidentPlan>& plans, EpochSeconds now,
                     jobs::Progress* progress) {
  for (const auto& p : plans) {
    if (progress) progress->Add();
    if (p.action == Action::kCreate)
      store::InsertIncident(sql, p.incident, now);
    else if (p.action == Action::kUpdate)
      store::UpdateIncident(sql, *p.existing_id, p.incident, now);
  }
}

void CommitCases(soci::session& sql, const auth::Principal& who, const audit::Actor& actor, const Clock& clock,
                 std::string_view filename, const std::vector<import::CasePlan>& plans, EpochSeconds now,
                 jobs::Progress* progress, Touched& touched) {
  for (const auto& p : plans) {
    if (progress) progress->Add();
    if (p.action == Action::kUnchanged) continue;
    const store::CaseRow& h = p.head;
    std::int64_t id = 0;
    if (p.action == Action::kCreate) {
      id = store::InsertCase(sql, h, now);
      // The opening acts: 接报 and 现场处警 of the incident, then 受案.
      store::EventRow e{
          .bureau_id = h.bureau_id, .case_id = id, .source = "import", .recorded_by = who.user_id, .recorded_at = now};
      if (h.incident_id) {
        store::LinkIncidentToCase(sql, *h.incident_id, id, now);
        e.type = "report";
        e.at = p.incident_received_at;
        store::InsertEvent(sql, e);
        e.type = "incident";
        e.attrs = {{"body_camera", p.incident_body_camera}};
        store::InsertEvent(sql, e);
        e.attrs = nlohmann::json::object();
      }
      e.type = "accept_case";
      e.at = h.accepted_at;
      store::InsertEvent(sql, e);
    } else {
      id = p.existing->id;
      store::UpdateCase(sql, id, h, now);
      if (h.incident_id && p.existing->incident_id != h.incident_id)
        store::LinkIncidentToCase(sql, *h.incident_id, id, now);
    }
    store::ReplaceOfficers(sql, h.bureau_id, id, h.lead_officer_id, p.assists);
    audit::Append(
        sql, clock, actor,
        {p.action == Action::kCreate ? "case.create" : "case.update",
         "case",
         std::to_string(id),
         fmt::format("导入{}案件 {}（{}）", p.action == Action::kCreate ? "新增" : "更新", h.external_id, h.cause),
         {{"via", "import"}, {"row", p.row}, {"file", filename}}});
    touched.cases.insert(id);
  }
}

Result<void> CommitPersons(soci::session& sql, const auth::Vault& vault, const std::vector<import::PersonPlan>& plans,
                           EpochSeconds now, jobs::Progress* progress, Touched& touched) {
  for (const auto& p : plans) {
    if (progress) progress->Add();
    if (p.action == Action::kUnchanged) continue;
    store::PersonRow row = p.person;
    if (!p.id_number.empty()) row.id_number_enc = vault.Encrypt(p.id_number);
    if (p.action == Action::kCreate)
      store::InsertPerson(sql, row, now);
    else
      store::UpdatePerson(sql, *p.existing_id, row);
    touched.cases.insert(row.case_id);
  }
  // A changed person (age, flags) must still give the engine a valid timeline.
  for (std::int64_t id : touched.cases) {
    const StoredTimeline stored = FZ_TRY(LoadStoredTimeline(sql, id));
    FZ_CHECK(detail::ValidateTimeline(detail::TimelineDocOf(stored), {}));
  }
  return {};
}

Result<void> CommitEvents(soci::session& sql, const auth::Principal& who,
                          const std::map<std::int64_t, import::CaseEvents>& plans, ImportReport& report,
                          EpochSeconds now, jobs::Progress* progress, Touched& touched) {
  for (const auto& [case_id, group] : plans) {
    if (!group.timeline) continue;
    std::map<std::string, EpochSeconds> times;
    for (const auto& e : group.timeline->events) times[e.id] = e.time;
    std::set<std::string> items;
    for (const auto& p : group.rows) {
      if (progress) progress->Add();
      if (p.action == Action::kUnchanged) continue;
      store::EventRow row = store::EventRowFrom(p.object, times[p.object["id"].get<std::string>()]);
      row.bureau_id = group.c.bureau_id;
      row.case_id = case_id;
      row.external_id = p.external_id;
      row.source = "import";
      row.recorded_by = who.user_id;
      row.recorded_at = now;
      if (!row.item_code.empty()) {
        if (auto r = store::EnsureProperty(sql, group.c.bureau_id, case_id, row.item_code, now); !r) {
          import::AddIssue(report, p.row, "财物编号", r.error().message);
          report.committed = false;
          return Invalid(fmt::format("第 {} 行：{}", p.row, r.error().message), "item");
        }
        items.insert(row.item_code);
      }
      store::InsertEvent(sql, row);
      touched.cases.insert(case_id);
    }
    for (const auto& code : items) store::RefreshPropertyStatus(sql, case_id, code, now);
  }
  // Status follows the acts imported (e.g. 移送起诉 → transferred) for cases still open.
  for (std::int64_t id : touched.cases) {
    const auto c = store::LoadCase(sql, id, nullptr);
    if (!c) continue;
    const std::string derived = StatusFromEvents(c->case_type, store::EventTypes(sql, id));
    if (derived != std::string(kInitialStatus) && derived != c->status && !IsTerminal(c->case_type, c->status))
      store::UpdateDerivedStatus(sql, id, derived, now);
  }
  return {};
}

const char* AuditAction(ImportKind kind) {
  switch (kind) {
    case ImportKind::kIncidents: return "incident.import";
    case ImportKind::kCases: return "case.import";
    case ImportKind::kPersons: return "case_person.import";
    case ImportKind::kEvents: return "case_event.import";
  }
  return "";
}

// After the rows are written: every touched case is touched and re-evaluated (hooks), and one audit
// row records the import.
Result<void> FinishCommit(soci::session& sql, CaseHooks* hooks, const Clock& clock, const audit::Actor& actor,
                          ImportKind kind, std::string_view filename, const Touched& touched, ImportReport& report,
                          EpochSeconds now) {
  std::string case_ids;
  for (std::int64_t id : touched.cases) {
    store::TouchCase(sql, id, now);
    if (hooks) FZ_CHECK(hooks->OnCaseChanged(sql, id));
    if (case_ids.size() < 2000) case_ids += (case_ids.empty() ? "" : ",") + std::to_string(id);
  }
  report.committed = true;
  audit::Append(sql, clock, actor,
                {AuditAction(kind), kind == ImportKind::kIncidents ? "incident" : "case", "",
                 fmt::format("导入{}“{}”：新增 {}，更新 {}，未变 {}", import::KindName(kind), filename, report.created,
                             report.updated, report.unchanged),
                 Merged(FZ_JSON(report, total_rows, created, updated, unchanged),
                        {{"file", filename}, {"kind", import::KindId(kind)}, {"case_ids", case_ids}})});
  return {};
}

}  // namespace

Result<ImportReport> CaseService::Import(const auth::Principal& who, const audit::Actor& actor, ImportKind kind,
                                         std::string_view bytes, std::string_view filename, ImportMode mode,
                                         jobs::Progress* progress) {
  FZ_CHECK(Require(who, auth::perm::kCaseWrite));
  const import::InputFile file = FZ_TRY(import::ReadRows(kind, bytes, filename));
  const std::vector<import::InputRow>& rows = file.rows;
  if (progress) progress->SetTotal(static_cast<std::int64_t>(rows.size()) * 2);
  CaseHooks* hooks = this->hooks();

  // Planning writes nothing, so a file with bad rows commits an empty transaction and returns its
  // report with committed = false.
  auto run = [&](soci::session& sql, bool commit) -> Result<ImportReport> {
    ImportReport report;
    report.total_rows = static_cast<int>(rows.size());
    report.notes = file.notes;
    const EpochSeconds now = clock_.Now();
    Touched touched;
    switch (kind) {
      case ImportKind::kIncidents: {
        const auto plans = import::PlanIncidents(sql, who, rows, report, progress);
        if (!commit || !report.errors.empty()) return report;
        CommitIncidents(sql, plans, now, progress);
        break;
      }
      case ImportKind::kCases: {
        const auto plans = import::PlanCases(sql, who, rows, report, progress);
        if (!commit || !report.errors.empty()) return report;
        CommitCases(sql, who, actor, clock_, filename, plans, now, progress, touched);
        break;
      }
      case ImportKind::kPersons: {
        const auto plans = import::PlanPersons(sql, who, vault_, rows, report, progress);
        if (!commit || !report.errors.empty()) return report;
        FZ_CHECK(CommitPersons(sql, vault_, plans, now, progress, touched));
        break;
      }
      case ImportKind::kEvents: {
        const auto plans = import::PlanEvents(sql, who, rows, report, progress, now);
        if (!commit || !report.errors.empty()) return report;
        FZ_CHECK(CommitEvents(sql, who, plans, report, now, progress, touched));
        break;
      }
    }
    FZ_CHECK(FinishCommit(sql, hooks, clock_, actor, kind, filename, touched, report, now));
    return report;
  };

  if (mode == ImportMode::kCheck) return db_.Read([&](soci::session& sql) { return run(sql, false); });
  try {
    return db_.Write([&](soci::session& sql) { return run(sql, true); });
  } catch (const std::exception& e) {
    if (db::IsUniqueViolation(e))
      return Conflict("导入的数据与其他人同时写入的数据冲突（编号重复），请重新导入", "concurrent_import");
    throw;
  }
}

// ============================================================================================
// Background jobs (jobs::JobRunner, kind case_import)

namespace {

// The job's title names the import kind and the file: "导入案件：cases.xlsx". GetImportJob reads them
// back from it, so an instance that did not start the job can answer too.
std::string JobTitle(ImportKind kind, std::string_view filename) {
  return fmt::format("导入{}：{}", import::KindName(kind), filename);
}

ImportJob ImportJobOf(const jobs::Job& j) {
  ImportJob out;
  out.id = j.id;
  out.user_id = j.created_by.value_or(0);
  out.filename = j.title;
  for (ImportKind k : {ImportKind::kIncidents, ImportKind::kCases, ImportKind::kPersons, ImportKind::kEvents}) {
    const std::string prefix = fmt::format("导入{}：", import::KindName(k));
    if (j.title.starts_with(prefix)) {
      out.kind = import::KindId(k);
      out.filename = j.title.substr(prefix.size());
    }
  }
  // The web app knows queued, running, done and failed; an interrupted job failed.
  out.state = j.state == "interrupted" ? "failed" : j.state;
  out.total = static_cast<int>(j.total);
  out.processed = out.state == "done" ? out.total : static_cast<int>(std::min(j.done, j.total));
  if (out.state == "failed") out.error = j.message;
  if (out.state == "done" && !j.result.empty()) {
    const auto report = nlohmann::json::parse(j.result, nullptr, false);
    if (report.is_object()) out.report = ImportReportFromJson(report);
  }
  out.created_at = j.created_at;
  out.finished_at = j.finished_at;
  return out;
}

}  // namespace

Result<ImportJob> CaseService::StartImportJob(const auth::Principal& who, const audit::Actor& actor, ImportKind kind,
                                              std::string bytes, std::string filename) {
  FZ_CHECK(Require(who, auth::perm::kCaseWrite));
  const std::int64_t total = static_cast<std::int64_t>(FZ_TRY(import::ReadRows(kind, bytes, filename)).rows.size()) * 2;
  const jobs::JobSpec spec{
      .kind = kJobKind, .title = JobTitle(kind, filename), .bureau_id = who.bureau_id, .created_by = who.user_id};
  auto work = [this, who, actor, kind, total, bytes = std::move(bytes),
               filename = std::move(filename)](jobs::Progress& p) -> Result<std::string> {
    p.Set(0, total, "正在导入");
    const ImportReport report = FZ_TRY(Import(who, actor, kind, bytes, filename, ImportMode::kCommit, &p));
    return ImportReportJson(report).dump();
  };
  jobs::Job job = FZ_TRY(jobs_.Start(spec, std::move(work)));
  {
    std::lock_guard lock(started_mu_);
    started_jobs_.push_back(job.id);
  }
  job.total = total;
  return ImportJobOf(job);
}

Result<ImportJob> CaseService::GetImportJob(const auth::Principal& who, std::int64_t id) const {
  auto job = jobs_.Get(id);
  if (!job || job->kind != kJobKind || job->created_by != who.user_id) return NotFound("导入任务不存在");
  return ImportJobOf(*job);
}

// ============================================================================================

nlohmann::json ImportReportJson(const ImportReport& r) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : r.errors) errors.push_back(FZ_JSON(e, row, column, message));
  return Merged(FZ_JSON(r, committed, total_rows, valid_rows, created, updated, unchanged, errors_truncated, notes),
                {{"errors", std::move(errors)}});
}

ImportReport ImportReportFromJson(const nlohmann::json& j) {
  ImportReport r;
  r.committed = j.value("committed", false);
  r.total_rows = j.value("total_rows", 0);
  r.valid_rows = j.value("valid_rows", 0);
  r.created = j.value("created", 0);
  r.updated = j.value("updated", 0);
  r.unchanged = j.value("unchanged", 0);
  if (auto it = j.find("errors"); it != j.end() && it->is_array())
    for (const auto& e : *it)
      r.errors.push_back({e.value("row", 0), e.value("column", std::string()), e.value("message", std::string())});
  r.errors_truncated = j.value("errors_truncated", false);
  if (auto it = j.find("notes"); it != j.end() && it->is_array())
    for (const auto& n : *it)
      if (n.is_string()) r.notes.push_back(n.get<std::string>());
  return r;
}

}  // namespace fazhi::cases
