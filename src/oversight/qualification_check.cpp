// 执法资格 check (issue 14 item 3): an officer who handles a case without a valid 执法资格 raises an
// alert of its own kind, rule_id "no_qualification" (办案民警无有效执法资格), one per officer of the
// case: clock_key "no_qualification|lead|<person id>" for the 主办, "…|assist|…" for a 协办; state
// overdue (告警) so that it shows among the live alerts; due_at and since = the case's 受案时间 (the
// alert centre sorts and filters by it); no person_ref (that column names persons of the case file —
// the case page labels it 对象 — the officer is in the key and the message).
//
// The day checked is the local day of the case's 受案时间 (cases.accepted_at) — the day the officers
// took the case on — for open and closed cases alike; the qualifications are read through
// exams_reads.h (QualificationPeriods / QualifiedOn: both dates inclusive). A bureau that has not
// recorded any qualification is not checked. These rows are not engine clocks: evaluation
// (PlanCase) leaves them alone and this file alone writes them — in every single-case evaluation, in
// every chunk of a re-evaluation, and when the exams module records qualifications (its hook).
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/local_time.h"
#include "db/sql.h"
#include "exams/exams_reads.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

namespace detail {

namespace {

constexpr std::size_t kBatch = 500;
constexpr const char* kQualBasis =
    "公安机关人民警察执法资格等级考试制度：未取得执法资格的人民警察不得办理案件（执法资格须在有效期内）";

struct QualCase {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  EpochSeconds accepted_at = 0;
  std::vector<std::pair<std::int64_t, bool>> officers;  // person, is 主办
};

template <typename F>
void InBatches(const std::vector<std::int64_t>& ids, F&& f) {
  for (std::size_t i = 0; i < ids.size(); i += kBatch)
    f(std::vector<std::int64_t>(ids.begin() + static_cast<std::ptrdiff_t>(i),
                                ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + kBatch))));
}

// The message of an officer's alert: who, the day, and what the register says about him.
std::string Message(bool lead, const std::string& name, CivilDate day,
                    const std::vector<exams::QualificationPeriod>* periods) {
  std::string why = "未登记执法资格";
  if (periods && !periods->empty()) {
    const EpochSeconds start = LocalMidnight(day);
    std::optional<EpochSeconds> ended, later;
    for (const auto& p : *periods) {
      if (p.valid_until < start && (!ended || p.valid_until > *ended)) ended = p.valid_until;
      if (p.valid_until >= start && (!later || p.obtained_at < *later)) later = p.obtained_at;
    }
    if (later)
      why = fmt::format("执法资格 {} 方取得", FormatDate(LocalDateOf(*later)));
    else if (ended)
      why = fmt::format("执法资格已于 {} 到期", FormatDate(LocalDateOf(*ended)));
  }
  return fmt::format("{}{}受案之日（{}）无有效执法资格：{}", lead ? "主办民警" : "协办民警", name, FormatDate(day),
                     why);
}

}  // namespace

QualPlan PlanQualifications(soci::session& sql, const std::string& where, const db::SqlArgs& where_args) {
  QualPlan plan;
  std::map<std::int64_t, QualCase> cases;
  std::vector<std::int64_t> ids;
  db::Each(sql,
           fmt::format("SELECT c.id, c.bureau_id, c.unit_id, c.lead_officer_id, c.accepted_at FROM cases c WHERE {} "
                       "ORDER BY c.id",
                       where),
           where_args, [&](const db::Row& r) {
             QualCase c;
             FZ_READ(r, c, id, bureau_id, unit_id, accepted_at);
             c.officers = {};
             if (auto lead = r.OptInt("lead_officer_id")) c.officers.emplace_back(*lead, true);
             ids.push_back(c.id);
             cases.emplace(c.id, std::move(c));
           });
  if (ids.empty()) return plan;

  std::map<std::int64_t, bool> bureau_checked;  // bureau → keeps a register
  std::set<std::int64_t> persons;
  std::map<std::pair<std::int64_t, std::string>, std::pair<std::int64_t, std::string>> stored;  // (case, key)
  InBatches(ids, [&](const std::vector<std::int64_t>& part) {
    db::SqlArgs a;
    db::Each(sql,
             fmt::format("SELECT case_id, person_id, role FROM case_officers WHERE case_id IN {} ORDER BY case_id, "
                         "person_id",
                         a.IntList(part)),
             a, [&](const db::Row& r) {
               auto& c = cases[r.Int("case_id")];
               const std::int64_t p = r.Int("person_id");
               if (std::none_of(c.officers.begin(), c.officers.end(), [&](const auto& o) { return o.first == p; }))
                 c.officers.emplace_back(p, r.Text("role") == "lead");
             });
    // The rule id is written into the text (a constant of the code): only then can either database
    // use the partial index of migration 045, which holds the few alerts of this rule. Bound as a
    // value, PostgreSQL scanned the whole alerts table for every batch (50–60 ms at 20,000 cases).
    db::SqlArgs b;
    db::Each(sql,
             fmt::format("SELECT id, case_id, clock_key, message FROM alerts WHERE rule_id = '{}' AND case_id IN {}",
                         kQualificationRule, b.IntList(part)),
             b, [&](const db::Row& r) {
               stored[{r.Int("case_id"), r.Str("clock_key")}] = {r.Int("id"), r.Str("message")};
             });
  });
  for (auto& [id, c] : cases) {
    auto it = bureau_checked.find(c.bureau_id);
    if (it == bureau_checked.end())
      it = bureau_checked.emplace(c.bureau_id, exams::BureauKeepsQualifications(sql, c.bureau_id)).first;
    if (!it->second) c.officers.clear();
    for (const auto& o : c.officers) persons.insert(o.first);
  }
  const std::vector<std::int64_t> person_ids(persons.begin(), persons.end());
  const auto periods = exams::QualificationPeriods(sql, person_ids);
  std::map<std::int64_t, std::string> names;  // 民警 only: 辅警 do not sit the 执法资格 examination
  InBatches(person_ids, [&](const std::vector<std::int64_t>& part) {
    db::SqlArgs a;
    db::Each(sql, fmt::format("SELECT id, name FROM people WHERE id IN {} AND kind = '民警'", a.IntList(part)), a,
             [&](const db::Row& r) { names[r.Int("id")] = r.Str("name"); });
  });

  for (const auto& [id, c] : cases) {
    const CivilDate day = LocalDateOf(c.accepted_at);
    for (const auto& [person, lead] : c.officers) {
      if (!names.contains(person)) continue;  // a 辅警 (or unknown person)
      const auto p = periods.find(person);
      if (p != periods.end() && exams::QualifiedOn(p->second, day)) continue;
      QualAlert qa{.case_id = c.id,
                   .bureau_id = c.bureau_id,
                   .unit_id = c.unit_id,
                   .since = c.accepted_at,
                   .key = fmt::format("{}|{}|{}", kQualificationRule, lead ? "lead" : "assist", person),
                   .person_ref = {},  // not stored: see the top of this file
                   .message = Message(lead, names[person], day, p == periods.end() ? nullptr : &p->second)};
      auto s = stored.find({c.id, qa.key});
      if (s == stored.end()) {
        plan.add.push_back(std::move(qa));
      } else {
        if (s->second.second != qa.message) plan.update.emplace_back(s->second.first, qa.message);
        stored.erase(s);
      }
    }
  }
  for (const auto& [key, row] : stored) plan.remove.push_back(row.first);
  return plan;
}

QualPlan PlanQualificationsRange(soci::session& sql, std::int64_t lo, std::int64_t hi) {
  db::SqlArgs a;
  const std::string where = fmt::format("c.id >= {} AND c.id <= {}", a.Int(lo), a.Int(hi));
  return PlanQualifications(sql, where, a);
}

void ApplyQualPlan(soci::session& sql, const QualPlan& plan, EpochSeconds now) {
  for (const auto& qa : plan.add) {
    db::SqlArgs a;
    db::Exec(sql,
             fmt::format(
                 "INSERT INTO alerts (bureau_id, case_id, unit_id, rule_id, clock_key, state, due_at, since, message, "
                 "legal_basis, updated_at) VALUES ({}, {}, {}, {}, {}, 'overdue', {}, {}, {}, {}, {}) ON CONFLICT "
                 "(case_id, clock_key) DO UPDATE SET message = excluded.message, "
                 "updated_at = excluded.updated_at",
                 a.Int(qa.bureau_id), a.Int(qa.case_id), a.Int(qa.unit_id), a.Str(kQualificationRule), a.Str(qa.key),
                 a.Int(qa.since), a.Int(qa.since), a.Str(qa.message), a.Str(kQualBasis), a.Int(now)),
             a);
  }
  for (const auto& [id, message] : plan.update) {
    db::SqlArgs a;
    db::Exec(sql,
             fmt::format("UPDATE alerts SET message = {}, updated_at = {} WHERE id = {}", a.Str(message), a.Int(now),
                         a.Int(id)),
             a);
  }
  InBatches(plan.remove, [&](const std::vector<std::int64_t>& part) {
    db::SqlArgs a;
    db::Exec(sql, fmt::format("DELETE FROM alerts WHERE id IN {}", a.IntList(part)), a);
  });
}

}  // namespace detail

Result<void> OversightService::CheckQualifications(soci::session& sql, const std::vector<std::int64_t>& persons) {
  const EpochSeconds now = clock_.Now();
  if (persons.empty()) {
    // Every case, by ranges of ids.
    const std::int64_t max_id = db::ScalarInt(sql, "SELECT MAX(id) FROM cases").value_or(0);
    for (std::int64_t lo = 1; lo <= max_id; lo += 2000)
      detail::ApplyQualPlan(sql, detail::PlanQualificationsRange(sql, lo, lo + 1999), now);
    return {};
  }
  std::vector<std::int64_t> sorted = persons;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); i += 500) {
    const std::vector<std::int64_t> part(
        sorted.begin() + static_cast<std::ptrdiff_t>(i),
        sorted.begin() + static_cast<std::ptrdiff_t>(std::min(sorted.size(), i + 500)));
    db::SqlArgs a;
    const std::string list = a.IntList(part);
    const std::string where = fmt::format(
        "(c.lead_officer_id IN {} OR c.id IN (SELECT o.case_id FROM case_officers o WHERE o.person_id IN {}))", list,
        a.IntList(part));
    detail::ApplyQualPlan(sql, detail::PlanQualifications(sql, where, a), now);
  }
  return {};
}

}  // namespace fazhi::oversight
