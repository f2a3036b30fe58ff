// reevaluate_bench — full re-evaluation of every case at province scale (issue 3):
//
//   reevaluate_bench --db FILE.db|postgresql://… [--cases 1000000] [--threads 2] [--runs 3] [--at TIME]
//
// If the database has no cases it is first filled by the province generator (bench/province_gen.h)
// with --cases cases (~12 events each). Then, in one process, it prints:
//   read      the floor: SELECT of every case_events row (all the columns the evaluation reads,
//             bulk fetch of 2,000 rows, each row touched), single thread — what the database
//             itself costs to hand over the events table;
//   first     OversightService::ReevaluateAll when no clock is stored yet: reads, evaluates and
//             stores every clock, violation and notification (one pass; what `fazhi reevaluate`
//             does after an import of history);
//   full      ReevaluateAll again with the same rules and time (median of --runs): every case read,
//             its timeline built, every rule evaluated and compared with the stored clocks;
//             nothing to write — the figure the target is about (≤ 3× read, ≤ 15 s);
//   later     ReevaluateAll one week later (clocks move from running to 预警/告警: writes);
// each with wall time, CPU time, events/s and the ratio to `read`, and the peak RSS of the process.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bench/province_gen.h"
#include "core/local_time.h"
#include "db/database.h"
#include "oversight/oversight_service.h"

using namespace fazhi;

namespace {

double CpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double PeakRssMiB() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

struct Timing {
  double wall = 0, cpu = 0;
};

template <typename F>
Timing Time(F&& fn) {
  const double c0 = CpuNow();
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), CpuNow() - c0};
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// The floor: every case_events row with the columns the evaluation reads.
std::int64_t ReadEvents(db::Database& db, std::int64_t* bytes) {
  return db.Read([&](soci::session& sql) {
    constexpr std::size_t kBatch = 2000;
    std::vector<long long> case_id(kBatch), id(kBatch), at(kBatch);
    std::vector<std::string> type(kBatch), person(kBatch), item(kBatch), attrs(kBatch);
    std::vector<soci::indicator> person_ind(kBatch), item_ind(kBatch);
    soci::statement st = (sql.prepare << "SELECT case_id, id, type, at, person_ref, item_code, attrs FROM case_events",
                          soci::into(case_id), soci::into(id), soci::into(type), soci::into(at),
                          soci::into(person, person_ind), soci::into(item, item_ind), soci::into(attrs));
    st.execute();
    std::int64_t rows = 0, sum = 0, check = 0;
    while (st.fetch()) {
      for (std::size_t i = 0; i < case_id.size(); ++i) {
        check += case_id[i] + id[i] + at[i];
        sum += static_cast<std::int64_t>(16 * 3 + type[i].size() + attrs[i].size());
        if (person_ind[i] == soci::i_ok) sum += static_cast<std::int64_t>(person[i].size());
        if (item_ind[i] == soci::i_ok) sum += static_cast<std::int64_t>(item[i].size());
      }
      rows += static_cast<std::int64_t>(case_id.size());
      for (auto* v : {&case_id, &id, &at}) v->resize(kBatch);
      for (auto* v : {&person_ind, &item_ind}) v->resize(kBatch);
      for (auto* v : {&type, &person, &item, &attrs}) v->resize(kBatch);
    }
    *bytes = sum;
    return check != 0 ? rows : 0;
  });
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  std::int64_t cases = 1'000'000;
  int threads = 2, runs = 3;
  std::string at_text;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--db")
      url = next();
    else if (a == "--cases")
      cases = std::stoll(next());
    else if (a == "--threads")
      threads = std::stoi(next());
    else if (a == "--runs")
      runs = std::stoi(next());
    else if (a == "--at")
      at_text = next();
    else {
      std::fprintf(stderr,
                   "usage: reevaluate_bench --db FILE.db|postgresql://… [--cases N] [--threads N] [--runs N] "
                   "[--at 'YYYY-MM-DD HH:MM']\n");
      return 2;
    }
  }
  if (url.empty()) {
    std::fprintf(stderr, "--db is required (a SQLite file path or a postgresql:// URL)\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  EpochSeconds now = 0;
  if (!at_text.empty()) {
    auto t = ParseLocalDateTime(at_text);
    if (!t) {
      std::fprintf(stderr, "--at: not a time: %s\n", at_text.c_str());
      return 2;
    }
    now = *t;
  } else {
    now = SystemClock().Now();
  }

  long long stored_cases = 0;
  {
    // The generator's fast SQLite mode needs the only connection: count and generate on its own handle.
    auto gen_db = db::Database::Open(url, 1);
    if (!gen_db) {
      std::fprintf(stderr, "open: %s\n", gen_db.error().message.c_str());
      return 1;
    }
    if (auto m = (*gen_db)->Migrate(); !m) {
      std::fprintf(stderr, "migrate: %s\n", m.error().message.c_str());
      return 1;
    }
    stored_cases = (*gen_db)->Read([](soci::session& sql) {
      long long n = 0;
      sql << "SELECT COUNT(*) FROM cases", soci::into(n);
      return n;
    });
    if (stored_cases == 0) {
      bench::ProvinceOptions po;
      po.cases = cases;
      po.now = now;
      auto g = bench::GenerateProvince(**gen_db, po);
      if (!g) {
        std::fprintf(stderr, "generate: %s\n", g.error().message.c_str());
        return 1;
      }
      std::printf("generated %lld cases, %lld events in %.1f s (database %.0f MiB)\n", static_cast<long long>(g->cases),
                  static_cast<long long>(g->events), g->seconds, static_cast<double>(g->db_bytes) / 1048576.0);
      stored_cases = g->cases;
    }
  }
  // One connection per worker plus one spare.
  auto opened = db::Database::Open(url, static_cast<std::size_t>(threads + 1));
  if (!opened) {
    std::fprintf(stderr, "open: %s\n", opened.error().message.c_str());
    return 1;
  }
  db::Database& db = **opened;

  ManualClock clock(now);
  jobs::JobRunner jobs(db, clock);
  oversight::OversightService service(db, clock, jobs);
  if (auto ok = service.Init(); !ok) {
    std::fprintf(stderr, "init: %s\n", ok.error().message.c_str());
    return 1;
  }

  std::printf("backend %s, %lld cases, %d evaluation thread(s), evaluated at %s\n",
              db.backend() == db::Backend::kSqlite ? "SQLite" : "PostgreSQL", stored_cases, threads,
              FormatLocalDateTime(now).c_str());

  // The floor, median of `runs`.
  std::vector<double> read_wall, read_cpu;
  std::int64_t event_rows = 0, bytes = 0;
  for (int r = 0; r < runs; ++r) {
    const Timing t = Time([&] { event_rows = ReadEvents(db, &bytes); });
    read_wall.push_back(t.wall);
    read_cpu.push_back(t.cpu);
  }
  const double read_s = Median(read_wall);
  std::printf(
      "%-7s %8.2f s wall %8.2f s cpu  %10.0f events/s  (%lld rows, %.0f MiB of column data)  RSS peak %.0f MiB\n",
      "read", read_s, Median(read_cpu), static_cast<double>(event_rows) / read_s, static_cast<long long>(event_rows),
      static_cast<double>(bytes) / 1048576.0, PeakRssMiB());
  std::fflush(stdout);

  oversight::ReevaluateOptions opts;
  opts.threads = threads;
  std::int64_t shown = 0;
  opts.progress = [&](std::int64_t done, std::int64_t total) {
    if (done - shown < 100000 && done != total) return;
    shown = done == total ? 0 : done;
    std::fprintf(stderr, "  … %lld/%lld cases\n", static_cast<long long>(done), static_cast<long long>(total));
  };
  auto pass = [&](const char* name, int times) -> bool {
    std::vector<double> wall, cpu;
    oversight::ReevaluateReport last;
    for (int r = 0; r < times; ++r) {
      Result<oversight::ReevaluateReport> rep = Internal("not run");
      const Timing t = Time([&] { rep = service.ReevaluateAll(opts); });
      if (!rep) {
        std::fprintf(stderr, "%s: %s\n", name, rep.error().message.c_str());
        return false;
      }
      wall.push_back(t.wall);
      cpu.push_back(t.cpu);
      last = *rep;
    }
    const double w = Median(wall);
    std::printf(
        "%-7s %8.2f s wall %8.2f s cpu  %10.0f events/s  ratio %.2f× read  cases %lld, clocks %lld, "
        "written %lld, refused %lld, notifications %lld  RSS peak %.0f MiB\n",
        name, w, Median(cpu), static_cast<double>(last.events) / w, w / read_s, static_cast<long long>(last.cases),
        static_cast<long long>(last.clocks), static_cast<long long>(last.cases_written),
        static_cast<long long>(last.cases_failed), static_cast<long long>(last.notifications), PeakRssMiB());
    std::printf(
        "        worker CPU: read %.2f s, build timelines %.2f s, evaluate %.2f s, compare %.2f s, write %.2f s\n",
        last.read_cpu, last.build_cpu, last.evaluate_cpu, last.compare_cpu, last.write_cpu);
    if (!last.failures.empty()) std::printf("        first refusal: %s\n", last.failures.front().c_str());
    std::fflush(stdout);
    return true;
  };
  if (!pass("first", 1)) return 1;
  if (!pass("full", runs)) return 1;
  clock.Advance(7 * 86400);
  if (!pass("later", 1)) return 1;
  return 0;
}
