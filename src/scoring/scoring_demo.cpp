#include "scoring/scoring_demo.h"

#include <fmt/format.h>

#include "core/local_time.h"
#include "scoring/scoring_service.h"

namespace fazhi::scoring {

namespace {

struct EntryPick {
  std::int64_t id = 0, person_id = 0;
  Centi points = 0;
};

EpochSeconds At(MonthKey m, int day, int hour, int minute = 0) {
  return LocalMidnight(CivilDate{m.year, m.month, day}) + hour * 3600 + minute * 60;
}

}  // namespace

Result<ScoringDemoSummary> GenerateScoringDemo(db::Database& db, const Clock& clock, int year) {
  if (year < 2000 || year > 2100) return Invalid("演示年份无效", "year");
  struct Bureau {
    std::int64_t id;
    bool has_demo;
  };
  std::vector<Bureau> bureaus = db.Read([&](soci::session& sql) {
    std::vector<Bureau> out;
    std::string name = kDemoSchemeName;
    soci::rowset<soci::row> rs =
        (sql.prepare << "SELECT u.id, (SELECT COUNT(*) FROM score_schemes s WHERE s.bureau_id = u.id AND s.name = :n) "
                        "FROM units u WHERE u.level = 'bureau' AND EXISTS (SELECT 1 FROM people p WHERE p.bureau_id = u.id) "
                        "ORDER BY u.id",
         soci::use(name));
    for (const auto& r : rs) out.push_back({db::GetInt64(r, 0), db::GetInt64(r, 1) > 0});
    return out;
  });

  ScoringDemoSummary summary;
  const auth::Principal system = SystemPrincipal();
  bool wrote = false;
  for (const Bureau& b : bureaus) {
    if (b.has_demo) continue;
    wrote = true;
    const audit::Actor actor{.username = "system", .bureau_id = b.id};
    ScoringService installer(db, clock);
    SchemeInput in;
    in.bureau_id = b.id;
    in.name = kDemoSchemeName;
    in.status = kStatusTrial;
    in.effective_from = fmt::format("{:04d}-01", year);
    in.note = "演示数据：以案件数量为基础、兼顾办案质量的默认方案";
    in.document = DefaultSchemeDocument();
    auto scheme = installer.CreateScheme(system, actor, in);
    if (!scheme) return std::unexpected(scheme.error());

    // Each month's steps on a clock of its own, so times read like the real cycle.
    ManualClock when(0);
    ScoringService svc(db, when);
    for (int mo = 1; mo <= 12; ++mo) {
      const MonthKey m{year, mo};
      const MonthKey next = m.Next();
      const std::string month = m.Text();
      when.Set(At(next, 2, 9));
      auto computed = svc.ComputeMonth(system, actor, b.id, month);
      if (!computed) return std::unexpected(computed.error());
      summary.entries += computed->entry_count;
      when.Set(At(next, 2, 9, 30));
      auto published = svc.PublishMonth(system, actor, b.id, month);
      if (!published) return std::unexpected(published.error());

      if (mo == 3 || mo == 6 || mo == 9 || mo == 11) {
        // Two objections: one about a deduction (accepted: cancelled), one about a stage (rejected).
        std::vector<EntryPick> picks = db.Read([&](soci::session& sql) {
          std::vector<EntryPick> out;
          long long bid = b.id;
          std::string mm = month;
          soci::rowset<soci::row> neg =
              (sql.prepare << "SELECT id, person_id, points_centi FROM score_entries WHERE bureau_id = :b AND month = :m "
                              "AND points_centi < 0 AND source <> 'cap' ORDER BY seq LIMIT 1",
               soci::use(bid), soci::use(mm));
          for (const auto& r : neg) out.push_back({db::GetInt64(r, 0), db::GetInt64(r, 1), db::GetInt64(r, 2)});
          const long long not_person = out.empty() ? 0 : out[0].person_id;
          soci::rowset<soci::row> pos =
              (sql.prepare << "SELECT id, person_id, points_centi FROM score_entries WHERE bureau_id = :b AND month = :m "
                              "AND points_centi > 0 AND source = 'case_stage' AND person_id <> :p ORDER BY seq LIMIT 1",
               soci::use(bid), soci::use(mm), soci::use(not_person));
          for (const auto& r : pos) out.push_back({db::GetInt64(r, 0), db::GetInt64(r, 1), db::GetInt64(r, 2)});
          return out;
        });
        for (std::size_t i = 0; i < picks.size(); ++i) {
          const EntryPick& p = picks[i];
          auth::Principal officer;
          officer.username = "demo-officer";
          officer.person_id = p.person_id;
          officer.permissions.insert("score.read");
          officer.user_id = db.Read([&](soci::session& sql) {
            long long pid = p.person_id, uid = 0;
            soci::indicator ind = soci::i_null;
            sql << "SELECT MIN(id) FROM users WHERE person_id = :p", soci::use(pid), soci::into(uid, ind);
            return ind == soci::i_ok ? static_cast<std::int64_t>(uid) : std::int64_t{0};
          });
          const audit::Actor officer_actor{.user_id = officer.user_id ? std::optional<std::int64_t>(officer.user_id)
                                                                       : std::nullopt,
                                           .username = "demo-officer",
                                           .bureau_id = b.id};
          const bool deduction = p.points < 0;
          when.Set(At(next, 3, 10, static_cast<int>(i) * 10));
          auto filed = svc.FileObjection(
              officer, officer_actor, p.id,
              deduction ? "该问题已在审核期限内整改完毕，并已补充证据材料，申请复核撤销扣分"
                        : "本案由我主办，协办比例计算有误，申请复核");
          if (!filed) return std::unexpected(filed.error());
          ++summary.objections;
          when.Set(At(next, 4, 15, static_cast<int>(i) * 10));
          Decision d;
          d.accept = deduction;
          d.reason = deduction ? "经核查，整改材料于期限内提交，系录入延误，撤销该项扣分"
                               : "经核查，案件主办、协办登记无误，积分计算正确，维持原积分";
          auto decided = svc.DecideObjection(system, actor, filed->id, d);
          if (!decided) return std::unexpected(decided.error());
          if (deduction) ++summary.entries;
        }
      }
      const auto deadline = published->objection_deadline.value_or(At(next, 6, 0));
      when.Set(deadline + 9 * 3600);
      auto final = svc.FinalizeMonth(system, actor, b.id, month);
      if (!final) return std::unexpected(final.error());
      ++summary.months;
    }
  }
  if (!wrote) {
    // Everything was there already: report what exists.
    summary.already_present = !bureaus.empty();
    db.Read([&](soci::session& sql) {
      long long months = 0, entries = 0, objections = 0;
      std::string lo = fmt::format("{:04d}-01", year), hi = fmt::format("{:04d}-12", year);
      sql << "SELECT COUNT(*) FROM score_months WHERE status = 'final' AND month >= :lo AND month <= :hi",
          soci::use(lo), soci::use(hi), soci::into(months);
      sql << "SELECT COUNT(*) FROM score_entries WHERE month >= :lo AND month <= :hi", soci::use(lo), soci::use(hi),
          soci::into(entries);
      sql << "SELECT COUNT(*) FROM score_objections WHERE month >= :lo AND month <= :hi", soci::use(lo), soci::use(hi),
          soci::into(objections);
      summary.months = static_cast<int>(months);
      summary.entries = static_cast<int>(entries);
      summary.objections = static_cast<int>(objections);
      return 0;
    });
  }
  return summary;
}

}  // namespace fazhi::scoring
