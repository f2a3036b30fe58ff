// Evaluation of stored cases: the active rule set, OnCaseChanged (alerts, violations,
// notifications, cases.alert_state / next_due_at) and the sweep.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "core/local_time.h"
#include "notify/notify.h"
#include "orders/orders_reads.h"
#include "orders/orders_service.h"
#include "org/org_reads.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"
#include "supervision/engine.h"

namespace fazhi::oversight {

using supervision::RuleState;

namespace {

// Notification tier of a clock state: 1 = 预警, 2 = 告警 (overdue or a recorded violation).
int Level(std::string_view state) {
  if (state == "pre_warn") return 1;
  if (state == "overdue" || state == "done_late" || state == "missing") return 2;
  return 0;
}

bool IsViolation(std::string_view state) { return state == "overdue" || state == "done_late" || state == "missing"; }

// cases.alert_state rank: an open overdue clock needs action now, so it outranks a recorded
// violation (done_late / missing), which outranks a 预警.
int CaseRank(std::string_view s) {
  if (s == "overdue") return 3;
  if (s == "violation") return 2;
  if (s == "pre_warn") return 1;
  return 0;
}
std::string CaseStateOf(std::string_view clock_state) {
  if (clock_state == "overdue") return "overdue";
  if (clock_state == "done_late" || clock_state == "missing") return "violation";
  if (clock_state == "pre_warn") return "pre_warn";
  return "none";
}

// Violations of liberty-restricting hour limits (custody periods, never rolled over holidays) are
// marked serious; everything else normal.
bool IsSerious(const supervision::Rule& r) {
  return r.scope == supervision::Scope::kPerson && r.limit.unit == supervision::TimeUnit::kHours && !r.holiday_roll &&
         r.kind == supervision::RuleKind::kDeadline;
}

std::optional<std::int64_t> T(EpochSeconds t) {
  if (t == supervision::kNoTime) return std::nullopt;
  return t;
}

// The clock writes of ApplyPlan, as fixed texts whose placeholders :p1… are bound in the order the
// values are added to the SqlArgs: the bulk re-evaluation writes ~11 clocks per case, and the
// statement cache (db/sql.h) keeps each text prepared per connection.
//
// The insert is an upsert: a concurrent evaluation of the same case (the sweep, a bulk
// re-evaluation) may have stored the clock since it was read.
constexpr const char* kClockConflict =
    "ON CONFLICT (case_id, clock_key) DO UPDATE SET state = excluded.state, due_at = excluded.due_at, "
    "pre_warn_at = excluded.pre_warn_at, since = excluded.since, message = excluded.message, "
    "updated_at = excluded.updated_at";
const std::string kClockUpsert =
    "INSERT INTO alerts (bureau_id, case_id, unit_id, rule_id, clock_key, state, due_at, pre_warn_at, since, "
    "person_ref, trigger_event_id, message, legal_basis, updated_at) VALUES (:p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, "
    ":p9, :p10, :p11, :p12, :p13, :p14) " +
    std::string(kClockConflict);
const std::string kClockUpdate =
    "UPDATE alerts SET state = :p1, due_at = :p2, pre_warn_at = :p3, since = :p4, message = :p5, updated_at = :p6 "
    "WHERE id = :p7";

std::optional<std::string> OptText(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

void WriteClock(soci::session& sql, const detail::CaseRow& c, const detail::ClockPlan& cp, EpochSeconds now,
                detail::ClockBatch* batch) {
  if (batch && cp.stored_id == 0) {
    batch->alerts.Int(c.bureau_id)
        .Int(c.id)
        .Int(c.unit_id)
        .Text(cp.rule->id)
        .Text(cp.key)
        .Text(cp.state)
        .OptInt(cp.due)
        .OptInt(cp.pre)
        .OptInt(cp.since)
        .OptText(OptText(cp.person_ref))
        .OptInt(cp.trigger_id)
        .Text(cp.message)
        .Text(cp.rule->legal_basis)
        .Int(now)
        .End(sql);
    return;
  }
  db::SqlArgs a;
  if (cp.stored_id == 0) {
    a.Int(c.bureau_id);
    a.Int(c.id);
    a.Int(c.unit_id);
    a.Str(cp.rule->id);
    a.Str(cp.key);
    a.Str(cp.state);
    a.OptInt(cp.due);
    a.OptInt(cp.pre);
    a.OptInt(cp.since);
    a.OptStr(OptText(cp.person_ref));
    a.OptInt(cp.trigger_id);
    a.Str(cp.message);
    a.Str(cp.rule->legal_basis);
    a.Int(now);
    db::Exec(sql, kClockUpsert, a);
  } else {
    a.Str(cp.state);
    a.OptInt(cp.due);
    a.OptInt(cp.pre);
    a.OptInt(cp.since);
    a.Str(cp.message);
    a.Int(now);
    a.Int(cp.stored_id);
    db::Exec(sql, kClockUpdate, a);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Rule set

void RuleSet::Fingerprint() {
  rule_texts.clear();
  for (const auto& r : catalog.rules) {
    detail::Fnv f;
    f.Text(r.id);
    f.Text(r.name);
    f.Text(r.legal_basis);
    for (const auto& c : r.requires_) f.Text(c.label);
    f.Int(r.defer_event ? static_cast<int>(*r.defer_event) : -1);
    for (const auto& x : r.extensions) f.Int(x.request_lead_days);
    f.Int(IsSerious(r));  // severity of its violations
    rule_texts.push_back(f.h);
  }
}

OversightService::OversightService(db::Database& db, const Clock& clock, jobs::JobRunner& jobs, Options options)
    : db_(db), clock_(clock), jobs_(jobs), options_(std::move(options)) {
  auto rs = std::make_shared<RuleSet>();
  rs->catalog = supervision::ShippedCatalog();
  rs->calendar = supervision::ShippedCalendar();
  rs->Fingerprint();
  rules_ = std::move(rs);
}

std::shared_ptr<const RuleSet> OversightService::Rules() const {
  std::lock_guard lock(rules_mu_);
  return rules_;
}

void OversightService::SetRules(std::shared_ptr<const RuleSet> rules) {
  std::lock_guard lock(rules_mu_);
  rules_ = std::move(rules);
}

namespace {

// The active version of one document; the newest when none is active (should not happen); the
// shipped document stored as version 1 when the table is empty (first start).
std::pair<std::int64_t, std::string> ActiveOrFirst(soci::session& sql, bool catalog, EpochSeconds now) {
  const char* table = catalog ? "rule_catalog_versions" : "calendar_versions";
  const char* column = catalog ? "catalog" : "calendar";
  std::optional<std::pair<std::int64_t, std::string>> found;
  auto read = [&](const char* where) {
    db::First(sql, fmt::format("SELECT version, {} AS document FROM {}{} ORDER BY version DESC", column, table, where),
              {}, [&](const db::Row& r) { found.emplace(r.Int("version"), r.Str("document")); });
  };
  read(" WHERE active = 1");
  if (!found) read("");
  if (found) return *found;
  std::string text(catalog ? supervision::ShippedCatalogJson() : supervision::ShippedCalendarJson());
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format("INSERT INTO {} (version, {}, note, created_by, created_at, active) VALUES (1, {}, {}, NULL, {}, "
                  "1) ON CONFLICT (version) DO NOTHING",
                  table, column, a.Str(text), a.Str(catalog ? "系统内置规则目录" : "系统内置节假日日历"), a.Int(now)),
      a);
  return {1, std::move(text)};
}

}  // namespace

std::shared_ptr<const RuleSet> OversightService::LoadActive(soci::session& sql) {
  auto rs = std::make_shared<RuleSet>();
  const EpochSeconds now = clock_.Now();
  for (bool catalog : {true, false}) {
    auto [version, text] = ActiveOrFirst(sql, catalog, now);
    if (catalog) {
      auto c = supervision::ParseCatalog(text, fmt::format("规则目录第 {} 版", version));
      if (c) {
        rs->catalog = std::move(*c);
      } else {
        spdlog::error("oversight: stored rule catalog version {} does not load ({}); using the shipped catalog",
                      version, c.error().message);
        rs->catalog = supervision::ShippedCatalog();
      }
      rs->catalog_version = version;
    } else {
      auto c = supervision::ParseCalendar(text, fmt::format("节假日日历第 {} 版", version));
      if (c) {
        rs->calendar = std::move(*c);
      } else {
        spdlog::error("oversight: stored calendar version {} does not load ({}); using the shipped calendar", version,
                      c.error().message);
        rs->calendar = supervision::ShippedCalendar();
      }
      rs->calendar_version = version;
    }
  }
  rs->Fingerprint();
  return rs;
}

Result<void> OversightService::Init() {
  auto rs =
      FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::shared_ptr<const RuleSet>> { return LoadActive(sql); }));
  SetRules(std::move(rs));
  return {};
}

// ---------------------------------------------------------------------------------------------
// Evaluation

Result<void> OversightService::OnCaseChanged(soci::session& sql, std::int64_t case_id) {
  return Evaluate(sql, case_id, nullptr);
}

namespace detail {

ClockBatch::ClockBatch()
    : alerts("alerts",
             {{"bureau_id", db::BulkInsert::kInt},
              {"case_id", db::BulkInsert::kInt},
              {"unit_id", db::BulkInsert::kInt},
              {"rule_id", db::BulkInsert::kText},
              {"clock_key", db::BulkInsert::kText},
              {"state", db::BulkInsert::kText},
              {"due_at", db::BulkInsert::kInt},
              {"pre_warn_at", db::BulkInsert::kInt},
              {"since", db::BulkInsert::kInt},
              {"person_ref", db::BulkInsert::kText},
              {"trigger_event_id", db::BulkInsert::kInt},
              {"message", db::BulkInsert::kText},
              {"legal_basis", db::BulkInsert::kText},
              {"updated_at", db::BulkInsert::kInt}},
             4000),
      violations("violations",
                 {{"bureau_id", db::BulkInsert::kInt},
                  {"case_id", db::BulkInsert::kInt},
                  {"unit_id", db::BulkInsert::kInt},
                  {"officer_id", db::BulkInsert::kInt},
                  {"rule_id", db::BulkInsert::kText},
                  {"clock_key", db::BulkInsert::kText},
                  {"kind", db::BulkInsert::kText},
                  {"severity", db::BulkInsert::kText},
                  {"due_at", db::BulkInsert::kInt},
                  {"detected_at", db::BulkInsert::kInt},
                  {"message", db::BulkInsert::kText},
                  {"legal_basis", db::BulkInsert::kText}},
                 4000),
      cases("cases",
            {{"id", db::BulkInsert::kInt},
             {"alert_state", db::BulkInsert::kText},
             {"next_due_at", db::BulkInsert::kInt},
             {"nearest_due_at", db::BulkInsert::kInt},
             {"clock_digest", db::BulkInsert::kInt}},
            4000) {
  alerts.OnConflict(kClockConflict);
  violations.OnConflict("ON CONFLICT (case_id, clock_key) DO NOTHING");
  cases.UpdateByFirstColumn();
}

const char* const kStoredClockColumns = "id, clock_key, state, due_at, pre_warn_at, since, message";

void AddStoredClock(const db::Row& r, StoredClocks& into) {
  into.emplace(r.Str("clock_key"), StoredClock{.id = r.Int("id"),
                                               .state = r.Str("state"),
                                               .due_at = r.OptInt("due_at"),
                                               .pre_warn_at = r.OptInt("pre_warn_at"),
                                               .since = r.OptInt("since"),
                                               .message = r.Str("message")});
}

StoredClocks LoadStoredClocks(soci::session& sql, std::int64_t case_id) {
  StoredClocks out;
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("SELECT {} FROM alerts WHERE case_id = {} AND rule_id <> {}", kStoredClockColumns,
                       a.Int(case_id), a.Str(kQualificationRule)),
           a, [&](const db::Row& r) { AddStoredClock(r, out); });
  return out;
}

bool CasePlan::Writes() const {
  return case_changed || !remove.empty() || !retract.empty() ||
         std::any_of(clocks.begin(), clocks.end(), [](const ClockPlan& c) { return c.write; });
}

namespace {

bool Stored(RuleState s) { return s != RuleState::kNotStarted && s != RuleState::kNotApplicable; }

}  // namespace

CaseSummary Summarise(const std::vector<supervision::RuleResult>& results, const supervision::CaseTimeline& tl,
                      const RuleSet& rules, EpochSeconds now) {
  CaseSummary out;
  Fnv f;
  const supervision::Rule* first = rules.catalog.rules.empty() ? nullptr : &rules.catalog.rules.front();
  for (const auto& res : results) {
    if (!res.rule || !Stored(res.state)) continue;
    const std::string_view state = supervision::RuleStateId(res.state);
    if (CaseRank(CaseStateOf(state)) > CaseRank(out.state)) out.state = CaseStateOf(state);
    std::optional<std::int64_t> next;
    if (res.state == RuleState::kRunning) next = T(res.pre_warn) && res.pre_warn > now ? T(res.pre_warn) : T(res.due);
    if (res.state == RuleState::kPreWarn) next = T(res.due);
    if (next && *next > now && (!out.next_due || *next < *out.next_due)) out.next_due = next;
    const bool live =
        res.state == RuleState::kRunning || res.state == RuleState::kPreWarn || res.state == RuleState::kOverdue;
    if (live && T(res.due) && (!out.nearest_due || *T(res.due) < *out.nearest_due)) out.nearest_due = T(res.due);

    // Everything the stored row holds, or its message is made of.
    const auto index = first ? res.rule - first : -1;
    f.Int(index >= 0 && static_cast<std::size_t>(index) < rules.rule_texts.size()
              ? static_cast<std::int64_t>(rules.rule_texts[index])
              : 0);
    f.Text(res.rule->id);
    f.Int(static_cast<int>(res.state));
    f.Int(static_cast<int>(res.note));
    f.Int(res.due);
    f.Int(res.pre_warn);
    f.Int(res.since);
    f.Int(static_cast<std::int64_t>(res.failed));
    if (res.person >= 0) {
      f.Text(tl.persons[res.person].id);
      f.Text(tl.persons[res.person].name);
    } else {
      f.Int(-1);
    }
    f.Text(res.item >= 0 ? std::string_view(tl.items[res.item]) : std::string_view());
    f.Text(res.trigger_event >= 0 ? std::string_view(tl.events[res.trigger_event].id) : std::string_view());
    f.Text(res.note_event >= 0 ? std::string_view(tl.events[res.note_event].id) : std::string_view());
  }
  out.digest = static_cast<std::int64_t>(f.h);
  return out;
}

bool SummaryDiffers(const CaseSummary& s, const CaseRow& c) {
  return s.state != c.alert_state || s.next_due != c.next_due_at || s.nearest_due != c.nearest_due_at ||
         s.digest != c.clock_digest;
}

CasePlan PlanCase(const CaseRow& c, const supervision::CaseTimeline& tl,
                  const std::vector<supervision::RuleResult>& results, StoredClocks& stored, const RuleSet& rules,
                  EpochSeconds now) {
  CasePlan plan;
  plan.summary = Summarise(results, tl, rules, now);
  for (const auto& res : results) {
    if (!res.rule || res.state == RuleState::kNotStarted) continue;
    ClockPlan cp;
    cp.rule = res.rule;
    cp.state = std::string(supervision::RuleStateId(res.state));
    std::string subject = "-";
    if (res.person >= 0) subject = cp.person_ref = tl.persons[res.person].id;
    if (res.item >= 0) subject = "item:" + tl.items[res.item];
    if (res.trigger_event >= 0) cp.trigger_id = std::stoll(tl.events[res.trigger_event].id);
    cp.key = fmt::format("{}|{}|{}", res.rule->id, subject, cp.trigger_id ? std::to_string(*cp.trigger_id) : "-");
    auto it = stored.find(cp.key);
    if (res.state == RuleState::kNotApplicable) {
      if (it != stored.end() && IsViolation(it->second.state)) plan.retract.push_back(cp.key);
      continue;
    }
    if (res.state == RuleState::kDone && it != stored.end() && IsViolation(it->second.state))
      plan.retract.push_back(cp.key);
    cp.message = supervision::ResultMessage(res, tl);
    cp.due = T(res.due);
    cp.pre = T(res.pre_warn);
    cp.since = T(res.since);

    if (it == stored.end()) {
      cp.write = true;
    } else {
      it->second.seen = true;
      const StoredClock& s = it->second;
      cp.stored_id = s.id;
      cp.old_state = s.state;
      cp.write = s.state != cp.state || s.due_at != cp.due || s.pre_warn_at != cp.pre || s.since != cp.since ||
                 s.message != cp.message;
    }
    plan.clocks.push_back(std::move(cp));
  }
  for (const auto& [key, s] : stored)
    if (!s.seen) plan.remove.push_back(s.id);
  std::sort(plan.remove.begin(), plan.remove.end());
  plan.case_changed = SummaryDiffers(plan.summary, c);
  return plan;
}

}  // namespace detail

Result<void> OversightService::Evaluate(soci::session& sql, std::int64_t case_id, EvalStats* stats) {
  // Every writer of a case's clocks locks its row first (the case writers, the sweep, the bulk
  // path), so two of them take their locks in one order: the case row, then its clocks.
  db::LockRowForUpdate(sql, "cases", case_id);
  const auto rules = Rules();
  const auto c = FZ_TRY(detail::LoadCase(sql, case_id));
  const auto tl = FZ_TRY(detail::LoadTimeline(sql, c, rules->catalog));
  const EpochSeconds now = clock_.Now();
  const auto results = supervision::Evaluate(tl, now, rules->catalog, rules->calendar);
  detail::StoredClocks stored = detail::LoadStoredClocks(sql, case_id);
  const detail::CasePlan plan = detail::PlanCase(c, tl, results, stored, *rules, now);
  ApplyPlan(sql, c, plan, now, stats);
  // The 执法资格 of the case's officers (qualification_check.cpp).
  db::SqlArgs q;
  const std::string where = fmt::format("c.id = {}", q.Int(case_id));
  detail::ApplyQualPlan(sql, detail::PlanQualifications(sql, where, q), now);
  return {};
}

void OversightService::ApplyPlan(soci::session& sql, const detail::CaseRow& c, const detail::CasePlan& plan,
                                 EpochSeconds now, EvalStats* stats, detail::ClockBatch* batch) {
  for (const auto& cp : plan.clocks) {
    if (cp.write) WriteClock(sql, c, cp, now, batch);
    // A violation is recorded once per clock: the first time it is overdue / done late / missing.
    if (IsViolation(cp.state) && !IsViolation(cp.old_state) && batch) {
      batch->violations.Int(c.bureau_id)
          .Int(c.id)
          .Int(c.unit_id)
          .OptInt(c.lead_officer_id)
          .Text(cp.rule->id)
          .Text(cp.key)
          .Text(cp.state)
          .Text(IsSerious(*cp.rule) ? "serious" : "normal")
          .OptInt(cp.due)
          .Int(now)
          .Text(cp.message)
          .Text(cp.rule->legal_basis)
          .End(sql);
    } else if (IsViolation(cp.state) && !IsViolation(cp.old_state)) {
      db::SqlArgs a;
      db::Exec(sql,
               fmt::format("INSERT INTO violations (bureau_id, case_id, unit_id, officer_id, rule_id, clock_key, kind, "
                           "severity, due_at, detected_at, message, legal_basis) VALUES ({}, {}, {}, {}, {}, {}, {}, "
                           "{}, {}, {}, {}, {}) ON CONFLICT (case_id, clock_key) DO NOTHING",
                           a.Int(c.bureau_id), a.Int(c.id), a.Int(c.unit_id), a.OptInt(c.lead_officer_id),
                           a.Str(cp.rule->id), a.Str(cp.key), a.Str(cp.state),
                           a.Str(IsSerious(*cp.rule) ? "serious" : "normal"), a.OptInt(cp.due), a.Int(now),
                           a.Str(cp.message), a.Str(cp.rule->legal_basis)),
               a);
    }
  }

  // An act recorded after the fact but dated in time (or an exemption recorded later) shows the
  // clock was never violated: withdraw the violation, unless a 督办 already refers to it.
  for (const auto& key : plan.retract) {
    db::SqlArgs a;
    const auto id = db::ScalarInt(
        sql, fmt::format("SELECT id FROM violations WHERE case_id = {} AND clock_key = {}", a.Int(c.id), a.Str(key)),
        a);
    if (!id || orders::HasOrders(sql, "violation", *id)) continue;
    db::SqlArgs d;
    db::Exec(sql, fmt::format("DELETE FROM violations WHERE id = {}", d.Int(*id)), d);
  }

  if (!plan.remove.empty()) {
    db::SqlArgs a;
    db::Exec(sql, fmt::format("DELETE FROM alerts WHERE id IN {}", a.IntList(plan.remove)), a);
  }

  if (plan.case_changed && batch) {
    // One UPDATE for the chunk's cases (on PostgreSQL a round trip per case was most of what a first
    // evaluation's write cost the client; bench/README.md, "Full re-evaluation").
    batch->cases.Int(c.id)
        .Text(plan.summary.state)
        .OptInt(plan.summary.next_due)
        .OptInt(plan.summary.nearest_due)
        .Int(plan.summary.digest)
        .End(sql);
  } else if (plan.case_changed) {
    db::SqlArgs a;
    db::Exec(sql,
             fmt::format("UPDATE cases SET alert_state = {}, next_due_at = {}, nearest_due_at = {}, clock_digest = {} "
                         "WHERE id = {}",
                         a.Str(plan.summary.state), a.OptInt(plan.summary.next_due), a.OptInt(plan.summary.nearest_due),
                         a.Int(plan.summary.digest), a.Int(c.id)),
             a);
  }
  NotifyClocks(sql, c, plan, now, stats);
}

// Recipients by tier: 预警 → 主办民警 and the bound 法制员; 告警 → also the unit head. Old deadlines
// found late (imports, demo data, a long outage) are recorded but not pushed to people: only
// clocks due within the notification window notify. The notification opens the case.
void OversightService::NotifyClocks(soci::session& sql, const detail::CaseRow& c, const detail::CasePlan& plan,
                                    EpochSeconds now, EvalStats* stats) {
  std::optional<std::vector<std::int64_t>> heads;
  const std::string case_name = c.external_id.empty() ? c.title : fmt::format("{}（{}）", c.title, c.external_id);
  for (const auto& cp : plan.clocks) {
    const int level = Level(cp.state);
    if (level <= Level(cp.old_state)) continue;
    if (cp.due && *cp.due < now - options_.notify_max_age_seconds) continue;
    notify::Recipients to;
    if (c.lead_officer_id) to.persons.push_back(*c.lead_officer_id);
    if (c.legal_officer_id) to.persons.push_back(*c.legal_officer_id);
    if (level >= 2) {
      if (!heads) heads = org::UnitHeadUsers(sql, c.unit_id);
      to.users = *heads;
    }
    const std::string kind = level >= 2 ? "overdue" : "pre_warn";
    const int sent =
        notify::Send(sql,
                     {.bureau_id = c.bureau_id,
                      .kind = kind,
                      .title = fmt::format("{}：{}", level >= 2 ? "告警" : "预警", cp.rule->name),
                      .body = fmt::format("案件：{}\n{}\n依据：{}", case_name, cp.message, cp.rule->legal_basis),
                      .object_type = "case",
                      .object_id = c.id,
                      .case_id = c.id,
                      .dedup_key = fmt::format("alert:{}:{}:{}", c.id, cp.key, kind)},
                     to, now);
    if (stats) stats->notifications += sent;
  }
}

// ---------------------------------------------------------------------------------------------
// Sweep

Result<SweepReport> OversightService::Sweep() {
  SweepReport report;
  // Another instance may have activated new versions: compare and reload.
  const auto current = Rules();
  const auto [cat_v, cal_v] = db_.Read([&](soci::session& sql) {
    return std::make_pair(
        db::ScalarInt(sql, "SELECT MAX(version) FROM rule_catalog_versions WHERE active = 1").value_or(0),
        db::ScalarInt(sql, "SELECT MAX(version) FROM calendar_versions WHERE active = 1").value_or(0));
  });
  if ((cat_v && cat_v != current->catalog_version) || (cal_v && cal_v != current->calendar_version)) {
    SetRules(FZ_TRY(
        db_.Write([&](soci::session& sql) -> Result<std::shared_ptr<const RuleSet>> { return LoadActive(sql); })));
    report.rules_reloaded = true;
  }

  const EpochSeconds now = clock_.Now();
  std::vector<std::int64_t> due_cases;
  db_.Read([&](soci::session& sql) {
    db::SqlArgs a;
    db::Each(
        sql,
        fmt::format("SELECT id FROM cases WHERE next_due_at IS NOT NULL AND next_due_at <= {} ORDER BY next_due_at "
                    "LIMIT {}",
                    a.Int(now), a.Int(options_.sweep_batch)),
        a, [&](const db::Row& r) { due_cases.push_back(r.Int("id")); });
    return 0;
  });
  for (std::int64_t id : due_cases) {
    EvalStats stats;
    auto ok = db_.Write([&](soci::session& sql) { return Evaluate(sql, id, &stats); });
    if (ok) {
      ++report.cases_evaluated;
      report.notifications += stats.notifications;
      continue;
    }
    // A stored timeline the engine rejects must not be retried on every sweep: back off an hour.
    ++report.cases_failed;
    spdlog::error("oversight sweep: case {}: {}", id, ok.error().message);
    db_.Write([&](soci::session& sql) -> Result<void> {
      db::SqlArgs a;
      db::Exec(sql, fmt::format("UPDATE cases SET next_due_at = {} WHERE id = {}", a.Int(now + 3600), a.Int(id)), a);
      return {};
    });
  }
  if (orders_) {
    const auto overdue = FZ_TRY(orders_->NotifyOverdue());
    report.orders_overdue = overdue.orders;
    report.notifications += overdue.notifications;
  }
  return report;
}

}  // namespace fazhi::oversight
