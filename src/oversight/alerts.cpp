// Evaluation of stored cases: the active rule set, OnCaseChanged (alerts, violations,
// notifications, cases.alert_state / next_due_at) and the sweep.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "cases/state_machine.h"
#include "core/local_time.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"
#include "supervision/engine.h"

namespace fazhi::oversight {

using detail::Args;
using detail::ForEachRow;
using supervision::RuleState;

namespace {

std::string ResolveAttachmentDir(const Options& o, const db::Database& db) {
  if (!o.attachment_dir.empty()) return o.attachment_dir;
  if (const char* env = std::getenv("FAZHI_ATTACHMENT_DIR"); env && *env) return env;
  if (db.backend() == db::Backend::kSqlite && !db.url().sqlite_path.empty()) {
    std::filesystem::path p(db.url().sqlite_path);
    return (p.parent_path().empty() ? std::filesystem::path(".") : p.parent_path()).append("attachments").string();
  }
  return "attachments";
}

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
std::string SeverityOf(const supervision::Rule& r) {
  return (r.scope == supervision::Scope::kPerson && r.limit.unit == supervision::TimeUnit::kHours && !r.holiday_roll &&
          r.kind == supervision::RuleKind::kDeadline)
             ? "serious"
             : "normal";
}


std::optional<std::int64_t> T(EpochSeconds t) {
  if (t == supervision::kNoTime) return std::nullopt;
  return t;
}

constexpr const char* kGatesKey = "oversight.review_gates";

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
    f.Int(r.scope == supervision::Scope::kPerson && r.limit.unit == supervision::TimeUnit::kHours && !r.holiday_roll &&
          r.kind == supervision::RuleKind::kDeadline);  // severity of its violations
    rule_texts.push_back(f.h);
  }
}

OversightService::OversightService(db::Database& db, const Clock& clock, Options options)
    : db_(db), clock_(clock), options_(std::move(options)) {
  attachment_dir_ = ResolveAttachmentDir(options_, db_);
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

Result<std::shared_ptr<const RuleSet>> OversightService::LoadActive(soci::session& sql) {
  auto rs = std::make_shared<RuleSet>();
  const EpochSeconds now = clock_.Now();
  for (bool catalog : {true, false}) {
    const std::string table = catalog ? "rule_catalog_versions" : "calendar_versions";
    const std::string column = catalog ? "catalog" : "calendar";
    long long version = 0;
    std::string text;
    soci::indicator ind = soci::i_null;
    sql << "SELECT version, " + column + " FROM " + table + " WHERE active = 1 ORDER BY version DESC",
        soci::into(version), soci::into(text, ind);
    if (!sql.got_data()) {
      long long any = 0;
      sql << "SELECT COUNT(*) FROM " + table, soci::into(any);
      if (any == 0) {
        // First start: the shipped document becomes version 1.
        text = std::string(catalog ? supervision::ShippedCatalogJson() : supervision::ShippedCalendarJson());
        const std::string note = catalog ? "系统内置规则目录" : "系统内置节假日日历";
        long long t = now;
        sql << "INSERT INTO " + table + " (version, " + column +
                   ", note, created_by, created_at, active) VALUES (1, :d, :n, NULL, :t, 1) "
                   "ON CONFLICT (version) DO NOTHING",
            soci::use(text), soci::use(note), soci::use(t);
        version = 1;
      } else {
        // Versions exist but none is active (should not happen): use the newest.
        sql << "SELECT version, " + column + " FROM " + table + " ORDER BY version DESC", soci::into(version),
            soci::into(text, ind);
      }
    }
    if (catalog) {
      auto c = supervision::ParseCatalog(text, fmt::format("规则目录第 {} 版", version));
      if (c) {
        rs->catalog = std::move(*c);
      } else {
        spdlog::error("oversight: stored rule catalog version {} does not load ({}); using the shipped catalog", version,
                      c.error().message);
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
  return std::shared_ptr<const RuleSet>(std::move(rs));
}

Result<void> OversightService::Init() {
  try {
    auto rs = db_.Write([&](soci::session& sql) { return LoadActive(sql); });
    if (!rs) return std::unexpected(rs.error());
    SetRules(*rs);
    std::error_code ec;
    std::filesystem::create_directories(attachment_dir_, ec);
    if (ec) spdlog::warn("oversight: cannot create attachment directory {}: {}", attachment_dir_, ec.message());
    return {};
  } catch (const std::exception& e) {
    return Internal(std::string("加载监管规则失败：") + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

Result<void> OversightService::OnCaseChanged(soci::session& sql, std::int64_t case_id) {
  return Evaluate(sql, case_id, nullptr);
}

namespace detail {

ClockWriter::ClockWriter(soci::session& sql)
    : upsert((sql.prepare << std::string(kClockUpsert), soci::use(bureau), soci::use(case_id), soci::use(unit),
              soci::use(rule_id), soci::use(key), soci::use(state), soci::use(due.value, due.ind),
              soci::use(pre.value, pre.ind), soci::use(since.value, since.ind), soci::use(person_ref, person_ind),
              soci::use(trigger.value, trigger.ind), soci::use(message), soci::use(basis), soci::use(now))) {}

StoredClocks LoadStoredClocks(soci::session& sql, std::int64_t case_id) {
  StoredClocks out;
  Args a;
  a.Int(case_id);
  ForEachRow(sql, "SELECT id, clock_key, state, due_at, pre_warn_at, since, message FROM alerts WHERE case_id = :p1", a,
             [&](const soci::row& r) { out.emplace(db::GetText(r, 1), ReadClock(r, 0)); });
  return out;
}

StoredClock ReadClock(const soci::row& r, int first) {
  StoredClock s;
  s.id = db::GetInt64(r, first);
  s.state = db::GetText(r, first + 2);
  s.due_at = detail::OptInt(r, first + 3);
  s.pre_warn_at = detail::OptInt(r, first + 4);
  s.since = detail::OptInt(r, first + 5);
  s.message = db::GetText(r, first + 6);
  return s;
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

    // Everything the stored row holds, or its message is made of.
    const auto index = first ? res.rule - first : -1;
    f.Int(index >= 0 && static_cast<std::size_t>(index) < rules.rule_texts.size() ? static_cast<std::int64_t>(rules.rule_texts[index])
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
  plan.case_changed = plan.summary.state != c.alert_state || plan.summary.next_due != c.next_due_at ||
                      plan.summary.digest != c.clock_digest;
  return plan;
}

}  // namespace detail

Result<void> OversightService::Evaluate(soci::session& sql, std::int64_t case_id, EvalStats* stats) {
  const auto rules = Rules();
  auto c = detail::LoadCase(sql, case_id);
  if (!c) return std::unexpected(c.error());
  auto tl = detail::LoadTimeline(sql, *c, rules->catalog);
  if (!tl) return std::unexpected(tl.error());
  const EpochSeconds now = clock_.Now();
  const auto results = supervision::Evaluate(*tl, now, rules->catalog, rules->calendar);

  detail::StoredClocks stored = detail::LoadStoredClocks(sql, case_id);
  const detail::CasePlan plan = detail::PlanCase(*c, *tl, results, stored, *rules, now);
  ApplyPlan(sql, *c, plan, now, stats);
  return {};
}

void OversightService::ApplyPlan(soci::session& sql, const detail::CaseRow& c, const detail::CasePlan& plan,
                                 EpochSeconds now, EvalStats* stats, detail::ClockWriter* writer) {
  struct Pending {  // a notification to send after the clocks are stored
    int level;
    std::string clock_key, rule_name, message, legal_basis;
  };
  std::vector<Pending> pending;
  long long cid = c.id, bureau = c.bureau_id, unit = c.unit_id, t_now = now;

  for (const auto& cp : plan.clocks) {
    db::NullableInt n_due(cp.due), n_pre(cp.pre), n_since(cp.since), n_trig(cp.trigger_id);
    if (cp.write && cp.stored_id == 0 && writer) {
      auto& w = *writer;
      w.bureau = bureau;
      w.case_id = cid;
      w.unit = unit;
      w.now = t_now;
      w.rule_id = cp.rule->id;
      w.key = cp.key;
      w.state = cp.state;
      w.person_ref = cp.person_ref;
      w.person_ind = cp.person_ref.empty() ? soci::i_null : soci::i_ok;
      w.message = cp.message;
      w.basis = cp.rule->legal_basis;
      w.due = n_due;
      w.pre = n_pre;
      w.since = n_since;
      w.trigger = n_trig;
      w.upsert.execute(true);
    } else if (cp.write && cp.stored_id == 0) {
      // An upsert: a concurrent evaluation of the same case (the sweep, a bulk re-evaluation) may
      // have stored the clock since it was read.
      const std::string& rule_id = cp.rule->id;
      const std::string& basis = cp.rule->legal_basis;
      std::string pref = cp.person_ref;
      soci::indicator pref_ind = pref.empty() ? soci::i_null : soci::i_ok;
      sql << std::string(detail::kClockUpsert), soci::use(bureau), soci::use(cid), soci::use(unit), soci::use(rule_id),
          soci::use(cp.key), soci::use(cp.state), soci::use(n_due.value, n_due.ind), soci::use(n_pre.value, n_pre.ind),
          soci::use(n_since.value, n_since.ind), soci::use(pref, pref_ind), soci::use(n_trig.value, n_trig.ind),
          soci::use(cp.message), soci::use(basis), soci::use(t_now);
    } else if (cp.write) {
      long long id = cp.stored_id;
      sql << "UPDATE alerts SET state = :s, due_at = :d, pre_warn_at = :p, since = :si, message = :m, "
             "updated_at = :t WHERE id = :id",
          soci::use(cp.state), soci::use(n_due.value, n_due.ind), soci::use(n_pre.value, n_pre.ind),
          soci::use(n_since.value, n_since.ind), soci::use(cp.message), soci::use(t_now), soci::use(id);
    }

    // A violation is recorded once per clock: the first time it is overdue / done late / missing.
    if (IsViolation(cp.state) && !IsViolation(cp.old_state)) {
      const std::string& rule_id = cp.rule->id;
      const std::string& basis = cp.rule->legal_basis;
      const std::string severity = SeverityOf(*cp.rule);
      db::NullableInt officer(c.lead_officer_id);
      sql << "INSERT INTO violations (bureau_id, case_id, unit_id, officer_id, rule_id, clock_key, kind, severity, "
             "due_at, detected_at, message, legal_basis) VALUES (:b, :c, :u, :o, :r, :k, :kind, :sev, :d, :t, :m, :lb) "
             "ON CONFLICT (case_id, clock_key) DO NOTHING",
          soci::use(bureau), soci::use(cid), soci::use(unit), soci::use(officer.value, officer.ind), soci::use(rule_id),
          soci::use(cp.key), soci::use(cp.state), soci::use(severity), soci::use(n_due.value, n_due.ind),
          soci::use(t_now), soci::use(cp.message), soci::use(basis);
    }

    const int level = Level(cp.state);
    if (level > Level(cp.old_state)) {
      // Old deadlines found late (imports, demo data, a long outage) are recorded but not pushed to
      // people: only clocks due within the notification window notify.
      const bool fresh = !cp.due || *cp.due >= now - options_.notify_max_age_seconds;
      if (fresh) pending.push_back({level, cp.key, cp.rule->name, cp.message, cp.rule->legal_basis});
    }
  }

  // An act recorded after the fact but dated in time (or an exemption recorded later) shows the
  // clock was never violated: withdraw the violation, unless a 督办 already refers to it.
  for (const auto& key : plan.retract) {
    sql << "DELETE FROM violations WHERE case_id = :c AND clock_key = :k AND NOT EXISTS (SELECT 1 FROM "
           "supervision_orders o WHERE o.source = 'violation' AND o.source_id = violations.id)",
        soci::use(cid), soci::use(key);
  }

  for (std::int64_t stale : plan.remove) {
    long long id = stale;
    sql << "DELETE FROM alerts WHERE id = :id", soci::use(id);
  }

  if (plan.case_changed) {
    db::NullableInt nd(plan.summary.next_due);
    long long digest = plan.summary.digest;
    sql << "UPDATE cases SET alert_state = :s, next_due_at = :n, clock_digest = :d WHERE id = :id",
        soci::use(plan.summary.state), soci::use(nd.value, nd.ind), soci::use(digest), soci::use(cid);
  }

  if (!pending.empty()) {
    // Recipients by tier: 预警 → 主办民警 and the bound 法制员; 告警 → also the unit head.
    std::vector<std::int64_t> lead, legal, heads;
    if (c.lead_officer_id) lead = detail::UsersOfPerson(sql, *c.lead_officer_id);
    if (c.legal_officer_id) legal = detail::UsersOfPerson(sql, *c.legal_officer_id);
    bool heads_loaded = false;
    const std::string case_name = c.external_id.empty() ? c.title : fmt::format("{}（{}）", c.title, c.external_id);
    for (const auto& p : pending) {
      std::vector<std::int64_t> to = lead;
      to.insert(to.end(), legal.begin(), legal.end());
      if (p.level >= 2) {
        if (!heads_loaded) heads = detail::UnitHeadUsers(sql, c.unit_id), heads_loaded = true;
        to.insert(to.end(), heads.begin(), heads.end());
      }
      std::sort(to.begin(), to.end());
      to.erase(std::unique(to.begin(), to.end()), to.end());
      const std::string kind = p.level >= 2 ? "overdue" : "pre_warn";
      const std::string title = fmt::format("{}：{}", p.level >= 2 ? "告警" : "预警", p.rule_name);
      const std::string body = fmt::format("案件：{}\n{}\n依据：{}", case_name, p.message, p.legal_basis);
      const std::string dedup = fmt::format("alert:{}:{}:{}", c.id, p.clock_key, kind);
      for (std::int64_t user : to)
        if (detail::Notify(sql, c.bureau_id, user, c.id, kind, title, body, dedup, now) && stats)
          ++stats->notifications;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sweep

Result<SweepReport> OversightService::Sweep() {
  SweepReport report;
  try {
    // Another instance may have activated new versions: compare and reload.
    const auto current = Rules();
    long long cat_v = 0, cal_v = 0;
    db_.Read([&](soci::session& sql) {
      soci::indicator i1 = soci::i_null, i2 = soci::i_null;
      sql << "SELECT MAX(version) FROM rule_catalog_versions WHERE active = 1", soci::into(cat_v, i1);
      sql << "SELECT MAX(version) FROM calendar_versions WHERE active = 1", soci::into(cal_v, i2);
      return 0;
    });
    if ((cat_v && cat_v != current->catalog_version) || (cal_v && cal_v != current->calendar_version)) {
      auto rs = db_.Write([&](soci::session& sql) { return LoadActive(sql); });
      if (rs) {
        SetRules(*rs);
        report.rules_reloaded = true;
      }
    }

    const EpochSeconds now = clock_.Now();
    std::vector<std::int64_t> due_cases;
    db_.Read([&](soci::session& sql) {
      Args a;
      const std::string q = fmt::format(
          "SELECT id FROM cases WHERE next_due_at IS NOT NULL AND next_due_at <= {} ORDER BY next_due_at LIMIT {}",
          a.Int(now), a.Int(options_.sweep_batch));
      ForEachRow(sql, q, a, [&](const soci::row& r) { due_cases.push_back(db::GetInt64(r, 0)); });
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
        long long retry = now + 3600, cid = id;
        sql << "UPDATE cases SET next_due_at = :n WHERE id = :id", soci::use(retry), soci::use(cid);
        return {};
      });
    }
    auto orders = db_.Write([&](soci::session& sql) -> Result<int> {
      int n = 0;
      const int notes = NotifyOverdueOrders(sql, &n);
      report.orders_overdue = n;
      return notes;
    });
    if (orders) report.notifications += *orders;
    return report;
  } catch (const std::exception& e) {
    return Internal(std::string("巡检失败：") + e.what());
  }
}

int OversightService::NotifyOverdueOrders(soci::session& sql, int* orders) {
  const EpochSeconds now = clock_.Now();
  struct Due {
    std::int64_t id, bureau_id, case_id, deadline;
    std::optional<std::int64_t> person, created_by;
    std::string title, problem;
  };
  std::vector<Due> due;
  Args a;
  const std::string q = fmt::format(
      "SELECT o.id, o.bureau_id, o.case_id, o.deadline, o.responsible_person_id, o.created_by, c.title, o.problem_type "
      "FROM supervision_orders o JOIN cases c ON c.id = o.case_id WHERE o.status IN ('open', 'returned') "
      "AND o.deadline < {} AND (o.overdue_notified_deadline IS NULL OR o.overdue_notified_deadline <> o.deadline)",
      a.Int(now));
  ForEachRow(sql, q, a, [&](const soci::row& r) {
    due.push_back({db::GetInt64(r, 0), db::GetInt64(r, 1), db::GetInt64(r, 2), db::GetInt64(r, 3),
                   detail::OptInt(r, 4), detail::OptInt(r, 5), db::GetText(r, 6), db::GetText(r, 7)});
  });
  int notes = 0;
  for (const auto& d : due) {
    std::vector<std::int64_t> to;
    if (d.person) to = detail::UsersOfPerson(sql, *d.person);
    if (d.created_by) to.push_back(*d.created_by);
    std::sort(to.begin(), to.end());
    to.erase(std::unique(to.begin(), to.end()), to.end());
    const std::string title = fmt::format("督办逾期：{}", d.problem);
    const std::string body = fmt::format("案件：{}\n督办单 {} 的整改期限 {} 已过，尚未反馈整改情况。", d.title, d.id,
                                         FormatLocalDateTime(d.deadline));
    const std::string dedup = fmt::format("order:{}:overdue:{}", d.id, d.deadline);
    for (std::int64_t u : to)
      if (detail::Notify(sql, d.bureau_id, u, d.case_id, "supervision_overdue", title, body, dedup, now)) ++notes;
    long long id = d.id, dl = d.deadline;
    sql << "UPDATE supervision_orders SET overdue_notified_deadline = :d WHERE id = :id", soci::use(dl), soci::use(id);
    ++*orders;
  }
  return notes;
}

// ---------------------------------------------------------------------------------------------
// Review gates

namespace {

const char* kDefaultGates = R"([
  {"case_type": "criminal", "to": "filed", "stage": "file"},
  {"case_type": "criminal", "to": "transferred", "stage": "prosecution"}
])";

Result<std::vector<ReviewGate>> ParseGates(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return Invalid("审核关口表必须是 JSON 数组", "gates");
  std::vector<ReviewGate> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& g = j[i];
    const std::string where = fmt::format("gates[{}]", i);
    if (!g.is_object()) return Invalid(fmt::format("审核关口第 {} 行必须是对象", i + 1), where);
    for (auto it = g.begin(); it != g.end(); ++it)
      if (it.key() != "case_type" && it.key() != "to" && it.key() != "stage")
        return Invalid(fmt::format("审核关口第 {} 行含有不认识的字段“{}”", i + 1, it.key()), where + "." + it.key(),
                       "unknown_field");
    ReviewGate r;
    r.case_type = g.value("case_type", "");
    r.to = g.value("to", "");
    r.stage = g.value("stage", "");
    if (r.case_type != "criminal" && r.case_type != "administrative")
      return Invalid(fmt::format("审核关口第 {} 行的案件类型“{}”无效，应为 criminal 或 administrative", i + 1, r.case_type),
                     where + ".case_type");
    if (r.to.empty() || r.to.size() > 64)
      return Invalid(fmt::format("审核关口第 {} 行缺少目标状态 to", i + 1), where + ".to");
    if (r.stage != "accept" && r.stage != "file" && r.stage != "coercive" && r.stage != "prosecution")
      return Invalid(fmt::format("审核关口第 {} 行的审核环节“{}”无效，应为 accept、file、coercive 或 prosecution", i + 1,
                                 r.stage),
                     where + ".stage");
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ReviewGate> LoadGates(soci::session& sql) {
  std::string value;
  soci::indicator ind = soci::i_null;
  std::string key = kGatesKey;
  sql << "SELECT value FROM settings WHERE key = :k", soci::use(key), soci::into(value, ind);
  if (sql.got_data() && ind == soci::i_ok) {
    if (auto g = ParseGates(value)) return *g;
    spdlog::error("oversight: stored review gates do not parse; using the defaults");
  }
  return *ParseGates(kDefaultGates);
}

nlohmann::json GatesJson(const std::vector<ReviewGate>& gates) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& g : gates) j.push_back({{"case_type", g.case_type}, {"to", g.to}, {"stage", g.stage}});
  return j;
}

}  // namespace

Result<void> OversightService::CheckTransition(soci::session& sql, std::int64_t case_id, const std::string& from,
                                               const std::string& to) {
  (void)from;
  auto c = detail::LoadCase(sql, case_id);
  if (!c) return std::unexpected(c.error());
  for (const auto& g : LoadGates(sql)) {
    if (g.case_type != c->case_type || g.to != to) continue;
    std::string verdict;
    soci::indicator ind = soci::i_null;
    long long cid = case_id;
    std::string stage = g.stage;
    sql << "SELECT verdict FROM case_reviews WHERE case_id = :c AND stage = :s ORDER BY created_at DESC, id DESC "
           "LIMIT 1",
        soci::use(cid), soci::use(stage), soci::into(verdict, ind);
    if (sql.got_data() && ind == soci::i_ok && verdict == "pass") continue;
    const std::string now_text =
        sql.got_data() ? fmt::format("最近一次{}审核结论为“{}”", detail::StageZh(g.stage), detail::VerdictZh(verdict))
                       : fmt::format("尚无{}审核记录", detail::StageZh(g.stage));
    return Conflict(fmt::format("案件进入“{}”前须经法制员“{}”审核通过（{}）", cases::StatusName(c->case_type, to),
                                detail::StageZh(g.stage), now_text),
                    "review_required");
  }
  return {};
}

Result<std::vector<ReviewGate>> OversightService::GetReviewGates() const {
  try {
    return db_.Read([&](soci::session& sql) { return LoadGates(sql); });
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

Result<void> OversightService::SetReviewGates(const auth::Principal& who, const audit::Actor& actor,
                                              const std::vector<ReviewGate>& gates) {
  // Validate through the same parser the loader uses.
  const std::string text = GatesJson(gates).dump();
  if (auto ok = ParseGates(text); !ok) return std::unexpected(ok.error());
  (void)who;
  return db_.Write([&](soci::session& sql) -> Result<void> {
    const auto before = LoadGates(sql);
    std::string key = kGatesKey;
    long long now = clock_.Now();
    sql << "INSERT INTO settings (key, value, updated_at) VALUES (:k, :v, :t) ON CONFLICT (key) DO UPDATE SET "
           "value = excluded.value, updated_at = excluded.updated_at",
        soci::use(key), soci::use(text), soci::use(now);
    audit::Append(sql, clock_, actor,
                  {"oversight.review_gates.update", "review_gates", "", fmt::format("修改审核关口表（{} 条）", gates.size()),
                   {{"before", GatesJson(before)}, {"after", GatesJson(gates)}}});
    return {};
  });
}

}  // namespace fazhi::oversight
