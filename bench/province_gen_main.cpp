// province_gen — writes a province-scale test database (see province_gen.h) for the case-list and
// re-evaluation benchmarks.
//   province_gen --db PATH_OR_URL [--cases 1000000] [--seed 1] [--cities 16] [--check-every 1000]
// PATH_OR_URL: a SQLite file (created; must not exist yet or hold no units) or postgresql://… of an
// empty database. The schema comes from the project's migrations, as `fazhi migrate` creates it.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/province_gen.h"

using namespace fazhi;

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: province_gen --db PATH_OR_URL [--cases N] [--seed N] [--cities N] [--bureaus N] [--teams N]\n"
               "                    [--people N] [--faults SHARE] [--check-every N] [--now EPOCH] [--quiet]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  bench::ProvinceOptions opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--quiet") {
      opt.progress = false;
      continue;
    }
    if (!(v = next())) return Usage();
    if (a == "--db")
      url = v;
    else if (a == "--cases")
      opt.cases = std::atoll(v);
    else if (a == "--seed")
      opt.seed = std::strtoull(v, nullptr, 10);
    else if (a == "--cities")
      opt.cities = std::atoi(v);
    else if (a == "--bureaus")
      opt.bureaus_per_city = std::atoi(v);
    else if (a == "--teams")
      opt.teams_per_bureau = std::atoi(v);
    else if (a == "--people")
      opt.people_per_team = std::atoi(v);
    else if (a == "--faults")
      opt.fault_share = std::atof(v);
    else if (a == "--check-every")
      opt.check_every = std::atoll(v);
    else if (a == "--now")
      opt.now = std::atoll(v);
    else
      return Usage();
  }
  if (url.empty()) return Usage();
  // A bare path is a SQLite file.
  if (url.find("://") == std::string::npos && !url.starts_with("sqlite:")) url = "sqlite:" + url;

  auto opened = db::Database::Open(url, 1);
  if (!opened) {
    std::fprintf(stderr, "province_gen: %s\n", opened.error().message.c_str());
    return 1;
  }
  auto& db = **opened;
  if (auto m = db.Migrate(); !m) {
    std::fprintf(stderr, "province_gen: %s\n", m.error().message.c_str());
    return 1;
  }
  auto s = bench::GenerateProvince(db, opt);
  if (!s) {
    std::fprintf(stderr, "province_gen: FAILED: %s\n", s.error().message.c_str());
    return 1;
  }
  std::printf(
      "province_gen: %s — %lld cases, %lld events (%.1f per case), %lld with a late or missing act (%.1f%%), "
      "%lld timelines checked with ParseTimeline\n",
      db.url().display.c_str(), static_cast<long long>(s->cases), static_cast<long long>(s->events),
      s->cases ? static_cast<double>(s->events) / static_cast<double>(s->cases) : 0.0,
      static_cast<long long>(s->faulty_cases),
      s->cases ? 100.0 * static_cast<double>(s->faulty_cases) / static_cast<double>(s->cases) : 0.0,
      static_cast<long long>(s->checked_timelines));
  for (const auto& [table, rows] : s->rows)
    std::printf("  %-16s %12lld rows\n", table.c_str(), static_cast<long long>(rows));
  std::printf("  elapsed %.1f s, database %.1f MiB\n", s->seconds,
              static_cast<double>(s->db_bytes) / (1024.0 * 1024.0));
  std::printf("  logins (password %s):", bench::kProvincePassword);
  for (const auto& l : s->logins)
    std::printf(" %s=%s@%s(unit %lld)", l.username.c_str(), l.role.c_str(), l.unit_name.c_str(),
                static_cast<long long>(l.unit_id));
  std::printf("\n");
  return 0;
}
