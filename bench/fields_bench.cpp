// What FZ_JSON costs against the object literal it replaced (issue 9): an inspection plan (12 members
// and a label) as an answer object, written both ways in one process — the literal {{"id", p.id}, …} with one computed
// key, and Merged(FZ_JSON(p, …), {{…}}) — and each then serialised, as a route does. Both give the
// same text (checked before timing).
//
//   build/release/bench/fields_bench [--benchmark_repetitions=5 --benchmark_report_aggregates_only=true]
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "inspections/inspections_types.h"

namespace {

using nlohmann::json;

using fazhi::inspections::Plan;

std::vector<Plan> Plans() {
  std::vector<Plan> out;
  for (int i = 0; i < 100; ++i)
    out.push_back({.id = i + 1,
                   .bureau_id = 2,
                   .unit_id = 10 + i % 7,
                   .unit_name = "东陵分局城东派出所",
                   .level = i % 3 == 0 ? "bureau" : "station",
                   .name = "第" + std::to_string(i) + "周执法巡查",
                   .domains = {"case", "custody", "property"},
                   .cadence_days = 7,
                   .sample_size = 5 + i % 4,
                   .due_days = 3,
                   .active = i % 5 != 0,
                   .created_at = 1690000000 + i});
  return out;
}

const char* LevelName(const std::string& level) { return level == "bureau" ? "分局级" : "所队级"; }

json Literal(const Plan& p) {
  return {{"id", p.id},
          {"bureau_id", p.bureau_id},
          {"unit_id", p.unit_id},
          {"unit_name", p.unit_name},
          {"level", p.level},
          {"level_name", LevelName(p.level)},
          {"name", p.name},
          {"domains", p.domains},
          {"cadence_days", p.cadence_days},
          {"sample_size", p.sample_size},
          {"due_days", p.due_days},
          {"active", p.active},
          {"created_at", p.created_at}};
}

json Fields(const Plan& p) {
  return fazhi::Merged(FZ_JSON(p, id, bureau_id, unit_id, unit_name, level, name, domains, cadence_days, sample_size,
                               due_days, active, created_at),
                       {{"level_name", LevelName(p.level)}});
}

template <json (*Write)(const Plan&)>
void Page(benchmark::State& state) {
  const std::vector<Plan> plans = Plans();
  for (auto _ : state) {
    json items = json::array();
    for (const Plan& p : plans) items.push_back(Write(p));
    std::string text = items.dump();
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(plans.size()));
}

void BM_ObjectLiteral(benchmark::State& state) { Page<Literal>(state); }
void BM_FzJson(benchmark::State& state) { Page<Fields>(state); }
BENCHMARK(BM_ObjectLiteral);
BENCHMARK(BM_FzJson);

}  // namespace

int main(int argc, char** argv) {
  for (const Plan& p : Plans())
    if (Literal(p) != Fields(p)) {
      std::fprintf(stderr, "FZ_JSON and the literal differ for plan %lld\n", static_cast<long long>(p.id));
      return EXIT_FAILURE;
    }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return EXIT_FAILURE;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return EXIT_SUCCESS;
}
