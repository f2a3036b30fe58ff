// What the keyed audit chain costs (issue 16): audit::Append throughput with plain SHA-256 rows
// (what every row was before migration 010: a database that names no audit key), HMAC-SHA256 and
// HMAC-SM3 rows, and the hash of one row alone. Rounds alternate between the modes so that load
// from other work on the machine falls on all of them alike; medians are printed.
//
//   build/release/bench/audit_bench [--db sqlite:/tmp/audit_bench.db | postgresql://…] [--rows 2000]
//                                   [--rounds 5]
// It appends audit rows to the database it is given and changes audit_head.key_check: a scratch
// database only.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "audit/audit_log.h"
#include "audit/chain_key.h"
#include "core/clock.h"
#include "db/database.h"
#include "db/sql.h"

namespace {

using namespace fazhi;
using Steady = std::chrono::steady_clock;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Mode {
  std::string name;
  std::shared_ptr<const audit::ChainKey> key;  // null = plain SHA-256
  audit::MacAlg alg = audit::MacAlg::kHmacSha256;
};

void UseMode(db::Database& db, const Mode& m) {
  db.Write([&](soci::session& sql) {
    db::SqlArgs a;
    db::Exec(sql, "UPDATE audit_head SET key_check = " + a.Str(m.key ? m.key->CheckValue() : "") + " WHERE id = 1", a);
    return true;  // Write commits when the result is truthy
  });
  if (m.key) audit::RegisterKey(m.key, m.alg);
}

audit::Entry SampleEntry(int i) {
  // About the size of a real row: a case event with a before/after detail.
  return audit::Entry{.action = "case.event_add",
                      .object_type = "case",
                      .object_id = std::to_string(1000 + i),
                      .summary = "为案件 A4401000000002024120001 添加事件：传唤到案",
                      .detail = {{"event", "summon"}, {"at", 1764835200 + i}, {"note", "按时到案，制作询问笔录"}}};
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  int rows = 2000, rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--db")
      url = v;
    else if (k == "--rows")
      rows = std::atoi(v.c_str());
    else if (k == "--rounds")
      rounds = std::atoi(v.c_str());
  }
  if (url.empty()) {
    const auto path = std::filesystem::temp_directory_path() / "fazhi_audit_bench.db";
    std::filesystem::remove(path);
    std::filesystem::remove(path.string() + "-wal");
    std::filesystem::remove(path.string() + "-shm");
    url = "sqlite:" + path.string();
  }
  auto opened = db::Database::Open(url, 2);
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    return 1;
  }
  auto& db = **opened;
  if (auto m = db.Migrate(); !m) {
    std::fprintf(stderr, "%s\n", m.error().message.c_str());
    return 1;
  }

  std::vector<Mode> modes = {{"plain SHA-256 (before)", nullptr},
                             {"HMAC-SHA256", audit::ChainKey::FromBytes(std::string(32, 'k'))}};
  if (audit::Sm3Available())
    modes.push_back({"HMAC-SM3", audit::ChainKey::FromBytes(std::string(32, 'k')), audit::MacAlg::kHmacSm3});

  const SystemClock clock;
  const audit::Actor actor{.user_id = 7, .username = "bench", .bureau_id = 2, .ip = "10.0.0.8", .request_id = "r1"};
  std::map<std::string, std::vector<double>> one_tx, per_tx, hash_us;
  for (int round = 0; round < rounds; ++round) {
    for (const auto& m : modes) {
      UseMode(db, m);
      // Each row in its own write transaction, as a request writes it.
      auto t0 = Steady::now();
      for (int i = 0; i < rows; ++i)
        db.Write([&](soci::session& sql) {
          audit::Append(sql, clock, actor, SampleEntry(i));
          return true;
        });
      per_tx[m.name].push_back(rows / std::chrono::duration<double>(Steady::now() - t0).count());
      // All rows in one transaction: the database's share is smaller, the hash's larger.
      t0 = Steady::now();
      db.Write([&](soci::session& sql) {
        for (int i = 0; i < rows; ++i) audit::Append(sql, clock, actor, SampleEntry(i));
        return true;
      });
      one_tx[m.name].push_back(rows / std::chrono::duration<double>(Steady::now() - t0).count());
      // The hash of one row alone.
      audit::Row r{.id = 42,
                   .at = 1764835200,
                   .username = "bench",
                   .action = "case.event_add",
                   .summary = SampleEntry(0).summary,
                   .detail = SampleEntry(0).detail.dump()};
      const std::string prev(64, 'a');
      constexpr int kHashes = 20000;
      std::size_t sink = 0;
      t0 = Steady::now();
      for (int i = 0; i < kHashes; ++i) {
        r.id = i;
        sink += (m.key ? audit::ComputeKeyedHash(r, prev, *m.key, m.alg) : audit::ComputeHash(r, prev)).size();
      }
      hash_us[m.name].push_back(std::chrono::duration<double, std::micro>(Steady::now() - t0).count() / kHashes);
      if (sink == 0) std::puts("");
    }
  }
  const std::string base = modes[0].name;
  std::printf("audit_bench: %s, %d rows x %d rounds, medians\n", db.url().display.c_str(), rows, rounds);
  std::printf("%-24s %16s %8s %16s %8s %12s\n", "mode", "rows/s (1 tx/row)", "ratio", "rows/s (1 tx)", "ratio",
              "hash us/row");
  for (const auto& m : modes)
    std::printf("%-24s %16.0f %8.2f %16.0f %8.2f %12.2f\n", m.name.c_str(), Median(per_tx[m.name]),
                Median(per_tx[m.name]) / Median(per_tx[base]), Median(one_tx[m.name]),
                Median(one_tx[m.name]) / Median(one_tx[base]), Median(hash_us[m.name]));
  return 0;
}
