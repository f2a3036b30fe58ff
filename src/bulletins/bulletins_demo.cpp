#include "bulletins/bulletins_demo.h"

#include "bulletins/bulletins_store.h"
#include "core/local_time.h"
#include "kit/cli_output.h"
#include "org/org_reads.h"

namespace fazhi::bulletins {

namespace {

// Local 10:00 on `day` of the month after the period.
EpochSeconds DayAfter(const kit::BulletinPeriod& p, int day) {
  const CivilDate last = LocalDateOf(p.to);  // the 1st of the next month
  return LocalMidnight(CivilDate{last.year, last.month, day}) + 10 * 3600;
}

}  // namespace

Result<BulletinDemoSummary> GenerateBulletinDemo(db::Database& db, const Providers& providers, int year) {
  ManualClock clock(0);
  BulletinService service(db, clock, providers);
  const auth::Principal who = SystemPrincipal();
  const audit::Actor actor = kit::CliActor();
  const auto bureaus = db.Read([](soci::session& sql) { return org::ReadBureauIdsWithPeople(sql); });
  BulletinDemoSummary sum;
  for (const std::int64_t bureau : bureaus) {
    std::vector<std::pair<std::string, kit::BulletinPeriod>> todo;
    for (int m = 1; m <= 12; ++m) todo.emplace_back(kQuality, kit::MakeBulletinPeriod(year, m, false));
    for (int q = 1; q <= 4; ++q) todo.emplace_back(kStandardization, kit::MakeBulletinPeriod(year, q, true));
    for (const auto& [kind, period] : todo) {
      const bool done =
          db.Read([&](soci::session& sql) { return PublishedIssue(sql, bureau, kind, period.key).has_value(); });
      if (done) {
        ++sum.existing;
        continue;
      }
      clock.Set(DayAfter(period, 3));
      auto b = service.Generate(who, actor, {.kind = kind, .period = period.key, .bureau_id = bureau});
      if (!b) {
        if (b.error().reason == "no_data") {
          ++sum.empty;
          continue;
        }
        return std::unexpected(b.error());
      }
      clock.Set(DayAfter(period, 4));
      FZ_TRY(service.Approve(who, actor, b->id));
      clock.Set(DayAfter(period, 5));
      FZ_TRY(service.Publish(who, actor, b->id));
      ++sum.published;
    }
  }
  return sum;
}

}  // namespace fazhi::bulletins
