#include "scoring/scoring_demo.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/local_time.h"
#include "db/sql.h"
#include "org/org_reads.h"
#include "scoring/scoring_service.h"
#include "scoring/scoring_store.h"

namespace fazhi::scoring {

namespace {

using points::MonthKey;

struct EntryPick {
  std::int64_t id = 0, person_id = 0;
  Centi points = 0;
};

EpochSeconds At(MonthKey m, int day, int hour, int minute = 0) {
  return LocalMidnight(CivilDate{m.year, m.month, day}) + hour * 3600 + minute * 60;
}

// The entries the demo objects to: the month's first deduction (not a cap), and the first stage
// entry of another officer.
std::vector<EntryPick> PickEntries(db::Database& db, std::int64_t bureau, const std::string& month) {
  return db.Read([&](soci::session& sql) {
    std::vector<EntryPick> out;
    const auto pick = [&](const db::Row& r) {
      out.push_back({r.Int("id"), r.Int("person_id"), r.Int("points_centi")});
    };
    db::SqlArgs a;
    db::First(sql,
              fmt::format("SELECT id, person_id, points_centi FROM score_entries WHERE bureau_id = {} AND month = {} "
                          "AND points_centi < 0 AND source <> 'cap' ORDER BY seq LIMIT 1",
                          a.Int(bureau), a.Str(month)),
              a, pick);
    const std::int64_t not_person = out.empty() ? 0 : out[0].person_id;
    db::SqlArgs b;
    db::First(sql,
              fmt::format("SELECT id, person_id, points_centi FROM score_entries WHERE bureau_id = {} AND month = {} "
                          "AND points_centi > 0 AND source = 'case_stage' AND person_id <> {} ORDER BY seq LIMIT 1",
                          b.Int(bureau), b.Str(month), b.Int(not_person)),
              b, pick);
    return out;
  });
}

// The first account of a person (0: none). The accounts are auth's table; auth has no read
// function for this yet.
std::int64_t AccountOf(db::Database& db, std::int64_t person) {
  return db.Read([&](soci::session& sql) {
    db::SqlArgs a;
    return db::ScalarInt(sql, fmt::format("SELECT MIN(id) FROM users WHERE person_id = {}", a.Int(person)), a)
        .value_or(0);
  });
}

// Two objections: one about a deduction (accepted: cancelled), one about a stage (rejected).
Result<void> DemoObjections(db::Database& db, ScoringService& svc, ManualClock& when, std::int64_t bureau, MonthKey m,
                            ScoringDemoSummary& summary) {
  const auth::Principal system = SystemPrincipal();
  const audit::Actor actor{.username = "system", .bureau_id = bureau};
  const MonthKey next = m.Next();
  const std::vector<EntryPick> picks = PickEntries(db, bureau, m.Text());
  for (std::size_t i = 0; i < picks.size(); ++i) {
    const EntryPick& p = picks[i];
    auth::Principal officer;
    officer.username = "demo-officer";
    officer.person_id = p.person_id;
    officer.permissions.insert("score.read");
    officer.user_id = AccountOf(db, p.person_id);
    const audit::Actor officer_actor{
        .user_id = officer.user_id ? std::optional<std::int64_t>(officer.user_id) : std::nullopt,
        .username = "demo-officer",
        .bureau_id = bureau};
    const bool deduction = p.points < 0;
    when.Set(At(next, 3, 10, static_cast<int>(i) * 10));
    const auto filed =
        FZ_TRY(svc.FileObjection(officer, officer_actor, p.id,
                                 deduction ? "该问题已在审核期限内整改完毕，并已补充证据材料，申请复核撤销扣分"
                                           : "本案由我主办，协办比例计算有误，申请复核"));
    ++summary.objections;
    when.Set(At(next, 4, 15, static_cast<int>(i) * 10));
    Decision d;
    d.accept = deduction;
    d.reason = deduction ? "经核查，整改材料于期限内提交，系录入延误，撤销该项扣分"
                         : "经核查，案件主办、协办登记无误，积分计算正确，维持原积分";
    FZ_CHECK(svc.DecideObjection(system, actor, filed.id, d));
    if (deduction) ++summary.entries;
  }
  return {};
}

// One month of one bureau: computed on the 2nd of the next month, published, objections on the
// 3rd (in March, June, September and November), decided on the 4th, finalised after the window.
Result<void> DemoMonth(db::Database& db, ScoringService& svc, ManualClock& when, std::int64_t bureau, MonthKey m,
                       ScoringDemoSummary& summary) {
  const auth::Principal system = SystemPrincipal();
  const audit::Actor actor{.username = "system", .bureau_id = bureau};
  const MonthKey next = m.Next();
  when.Set(At(next, 2, 9));
  const auto computed = FZ_TRY(svc.ComputeMonth(system, actor, bureau, m.Text()));
  summary.entries += computed.entry_count;
  when.Set(At(next, 2, 9, 30));
  const auto published = FZ_TRY(svc.PublishMonth(system, actor, bureau, m.Text()));
  if (m.month == 3 || m.month == 6 || m.month == 9 || m.month == 11)
    FZ_CHECK(DemoObjections(db, svc, when, bureau, m, summary));
  when.Set(published.objection_deadline.value_or(At(next, 6, 0)) + 9 * 3600);
  FZ_CHECK(svc.FinalizeMonth(system, actor, bureau, m.Text()));
  ++summary.months;
  return {};
}

// What a demo run that found everything in place reports: the year's final months, entries and
// objections that exist.
ScoringDemoSummary ExistingSummary(db::Database& db, int year) {
  return db.Read([&](soci::session& sql) {
    ScoringDemoSummary s;
    const std::string lo = fmt::format("{:04d}-01", year), hi = fmt::format("{:04d}-12", year);
    const auto count = [&](std::string_view table, std::string_view condition) {
      db::SqlArgs a;
      return static_cast<int>(db::Count(sql,
                                        fmt::format("SELECT COUNT(*) FROM {} WHERE {}month >= {} AND month <= {}",
                                                    table, condition, a.Str(lo), a.Str(hi)),
                                        a));
    };
    s.months = count("score_months", "status = 'final' AND ");
    s.entries = count("score_entries", "");
    s.objections = count("score_objections", "");
    return s;
  });
}

}  // namespace

Result<ScoringDemoSummary> GenerateScoringDemo(db::Database& db, const Clock& clock, int year,
                                               const LedgerSources& sources) {
  if (year < 2000 || year > 2100) return Invalid("演示年份无效", "year");
  // The bureaus with people, and whether each has the demo scheme already.
  const auto bureaus = db.Read([&](soci::session& sql) {
    std::vector<std::pair<std::int64_t, bool>> out;
    for (const std::int64_t id : org::ReadBureauIdsWithPeople(sql)) {
      const auto schemes = detail::LoadSchemes(sql, id);
      out.emplace_back(id, std::any_of(schemes.begin(), schemes.end(),
                                       [](const SchemeVersion& v) { return v.name == kDemoSchemeName; }));
    }
    return out;
  });
  ScoringDemoSummary summary;
  bool wrote = false;
  for (const auto& [bureau, has_demo] : bureaus) {
    if (has_demo) continue;
    wrote = true;
    ScoringService installer(db, clock, sources);
    SchemeInput in;
    in.bureau_id = bureau;
    in.name = kDemoSchemeName;
    in.status = kStatusTrial;
    in.effective_from = fmt::format("{:04d}-01", year);
    in.note = "演示数据：以案件数量为基础、兼顾办案质量的默认方案";
    in.document = DefaultSchemeDocument();
    FZ_CHECK(installer.CreateScheme(SystemPrincipal(), audit::Actor{.username = "system", .bureau_id = bureau}, in));
    // Each month's steps on a clock of its own, so times read like the real cycle.
    ManualClock when(0);
    ScoringService svc(db, when, sources);
    for (int mo = 1; mo <= 12; ++mo) FZ_CHECK(DemoMonth(db, svc, when, bureau, MonthKey{year, mo}, summary));
  }
  if (wrote) return summary;
  // Everything was there already: report what exists.
  summary = ExistingSummary(db, year);
  summary.already_present = !bureaus.empty();
  return summary;
}

}  // namespace fazhi::scoring
