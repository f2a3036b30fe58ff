// 优劣质案件评定 at city scale (issue 14 item 6): one city's year of cases (bench/province_gen), then
// per run a new round organised by the 市局 that (1) draws `--draw` cases at random among the cases
// closed in 2023 — the candidate read through cases::EvaluableCases, the seeded DrawSeeded and the
// round-case inserts, in one write transaction as EvaluationService::Select does; (2) stores the
// marks of a 3-member panel for every drawn case (the marking load, one transaction per sheet as
// PUT …/marks does); (3) closes the round (CloseRoundIn: per-case mean, grade, anonymised teaching
// text for the 优质/劣质 cases). Baseline in the same run: the candidate read alone (the rows every
// draw must see). Prints the median of each step and its ratio to the baseline.
//
//   build/release/evaluation_bench [--db FILE.db] [--cases 100000] [--draw 500] [--runs 5]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/province_gen.h"
#include "cases/case_reads.h"
#include "core/local_time.h"
#include "db/database.h"
#include "db/sql.h"
#include "evaluation/evaluation_results.h"
#include "evaluation/evaluation_service.h"
#include "evaluation/evaluation_store.h"
#include "org/org_reads.h"

using namespace fazhi;

namespace {

template <typename F>
double Seconds(F&& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

evaluation::RubricInput BenchRubric() {
  return {.name = "基准评分细则",
          .note = "",
          .items = {{0, 0, "受案立案", "", 15},
                    {0, 0, "证据收集", "", 30},
                    {0, 0, "定性与法律适用", "", 25},
                    {0, 0, "办案程序", "", 20},
                    {0, 0, "卷宗规范", "", 10}}};
}

}  // namespace

int main(int argc, char** argv) {
  std::string url = "/tmp/fazhi-evaluation-bench.db";
  std::int64_t cases = 100'000;
  int draw = 500, runs = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--db")
      url = next();
    else if (a == "--cases")
      cases = std::stoll(next());
    else if (a == "--draw")
      draw = std::stoi(next());
    else if (a == "--runs")
      runs = std::stoi(next());
    else {
      std::fprintf(stderr, "usage: evaluation_bench [--db FILE.db] [--cases N] [--draw N] [--runs N]\n");
      return 2;
    }
  }
  const EpochSeconds now = LocalMidnight(CivilDate{2024, 1, 1});
  {
    auto gen_db = db::Database::Open(url, 1);
    if (!gen_db || !(*gen_db)->Migrate()) {
      std::fprintf(stderr, "cannot open or migrate %s\n", url.c_str());
      return 1;
    }
    const auto have =
        (*gen_db)->Read([](soci::session& sql) { return db::ScalarInt(sql, "SELECT COUNT(*) FROM cases"); });
    if (have.value_or(0) == 0) {
      bench::ProvinceOptions po;
      po.cases = cases;
      po.cities = 1;
      po.now = now;
      po.progress = false;
      auto g = bench::GenerateProvince(**gen_db, po);
      if (!g) {
        std::fprintf(stderr, "generate: %s\n", g.error().message.c_str());
        return 1;
      }
      std::printf("generated one city: %lld cases in %.1f s\n", static_cast<long long>(g->cases), g->seconds);
    }
  }
  auto opened = db::Database::Open(url, 2);
  if (!opened) return 1;
  db::Database& db = **opened;
  // The city (the first unit of level city) organises the rounds; cases closed in 2023 are candidates.
  const auto city = db.Read([](soci::session& sql) {
    const auto id = db::ScalarInt(sql, "SELECT id FROM units WHERE level = 'city' ORDER BY id LIMIT 1");
    return org::ReadUnit(sql, id.value_or(0));
  });
  if (!city) return 1;
  const auto bureau_id = db.Read([&](soci::session& sql) {
    return db::ScalarInt(sql, "SELECT id FROM units WHERE level = 'bureau' ORDER BY id LIMIT 1").value_or(0);
  });
  const cases::EvaluableFilter filter{.unit_path = city->path,
                                      .closed_from = LocalMidnight(CivilDate{2023, 1, 1}),
                                      .closed_to = LocalMidnight(CivilDate{2024, 1, 1})};
  const std::int64_t rubric_id =
      db.Write([&](soci::session& sql) -> Result<std::int64_t> {
          return evaluation::store::InsertRubric(sql, bureau_id, std::nullopt, 1, BenchRubric(), std::nullopt, now);
        }).value();
  std::vector<double> base, select, marks, close;
  std::size_t candidates = 0;
  int drawn = 0, good = 0, poor = 0;
  for (int run = 0; run < runs; ++run) {
    base.push_back(
        Seconds([&] { db.Read([&](soci::session& sql) { candidates = cases::EvaluableCases(sql, filter).size(); }); }));
    std::int64_t round_id = 0;
    select.push_back(Seconds([&] {
      round_id =
          db.Write([&](soci::session& sql) -> Result<std::int64_t> {
              const auto list = cases::EvaluableCases(sql, filter);
              std::vector<std::int64_t> ids;
              for (const auto& c : list) ids.push_back(c.id);
              const auto pick = evaluation::DrawSeeded(ids, static_cast<std::size_t>(draw), 1000 + run);
              const evaluation::RoundInput in{
                  .name = fmt::format("基准评定 {}", run), .rubric_id = rubric_id, .good_min = 90, .poor_below = 60};
              const std::int64_t id = evaluation::store::InsertRound(sql, bureau_id, city->id, in, std::nullopt, now);
              std::size_t k = 0;
              for (const auto& c : list)
                if (k < pick.size() && c.id == pick[k]) {
                  evaluation::store::InsertRoundCase(sql, bureau_id, id, c);
                  ++k;
                }
              return id;
            }).value();
    }));
    const auto rubric = db.Read([&](soci::session& sql) { return *evaluation::store::LoadRubric(sql, rubric_id); });
    const auto rcases = db.Read([&](soci::session& sql) { return evaluation::store::ListRoundCases(sql, round_id); });
    drawn = static_cast<int>(rcases.size());
    marks.push_back(Seconds([&] {
      int k = 0;
      for (const auto& c : rcases) {
        for (std::int64_t member = 1; member <= 3; ++member) {
          evaluation::MarkInput in;
          for (const auto& it : rubric.items)
            in.marks.push_back({it.id, k % 10 == 0 ? it.weight / 2 : it.weight - static_cast<int>((k + member) % 3),
                                k % 10 == 0 ? "证据不足" : ""});
          in.comment = "评语";
          db.Write([&](soci::session& sql) -> Result<void> {
              evaluation::store::ReplaceMarks(sql, bureau_id, c.id, member, in, now);
              return {};
            }).value();
        }
        ++k;
      }
    }));
    close.push_back(Seconds([&] {
      const auto s = db.Write([&](soci::session& sql) -> Result<evaluation::CloseSummary> {
                         return evaluation::CloseRoundIn(sql, evaluation::store::LoadRound(sql, round_id)->r, now);
                       }).value();
      good = s.good;
      poor = s.poor;
    }));
  }
  const double b = Median(base);
  std::printf("city year: %zu candidate cases closed in 2023, %d drawn per round, %d runs\n", candidates, drawn, runs);
  std::printf("%-44s %10s %8s\n", "step", "median ms", "× base");
  std::printf("%-44s %10.1f %8.2f\n", "baseline: read the candidates", b * 1e3, 1.0);
  std::printf("%-44s %10.1f %8.2f\n", "random draw + insert round cases", Median(select) * 1e3, Median(select) / b);
  std::printf("%-44s %10.1f %8.2f\n", fmt::format("3-member marks, {} sheets", drawn * 3).c_str(), Median(marks) * 1e3,
              Median(marks) / b);
  std::printf("%-44s %10.1f %8.2f\n", "close: means, grades, teaching text", Median(close) * 1e3, Median(close) / b);
  std::printf("last round: %d 优质, %d 劣质 of %d\n", good, poor, drawn);
  return 0;
}
