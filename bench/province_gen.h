// Province-scale test database (issue 3's figures): one 省厅 → 市局 → 分县局 → 科所队 tree, officers,
// a few benchmark logins, and N cases with their persons, property, 警情 and ~12 events each forming
// valid timelines (a realistic share late or missing), written straight into a database created by the
// project's migrations, case by case as an import from the 警综 system would write them.
//
// Everything is generated (names from a syllable list, no 身份证号, no phone numbers); deterministic for
// a given seed and `now`. Used by bench/province_gen (the program), bench/case_list_bench.sh and
// bench/reevaluate_bench.cpp (smaller sizes).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi::bench {

struct ProvinceOptions {
  // Cases to generate (accepted_at spread over 2023-01-01 … now, oldest first).
  std::int64_t cases = 1'000'000;
  // Seed of the deterministic generator.
  std::uint64_t seed = 1;
  // Org tree: 市局 under the 省厅, 分县局 per 市局, 科所队 per 分县局 (≥ 4: 法制大队, 刑侦大队, 治安大队
  // and 派出所), people per 科所队.
  int cities = 16;
  int bureaus_per_city = 10;
  int teams_per_bureau = 10;
  int people_per_team = 30;
  // Share of cases with a late or missing act (a rule violation or an overdue clock).
  double fault_share = 0.10;
  // Every Nth case's timeline is checked with supervision::ParseTimeline before it is written;
  // one that does not parse aborts the generation (Internal error). 0 = no check.
  std::int64_t check_every = 1000;
  // "Now" for the data (events after it are not generated). 0 = the system clock.
  EpochSeconds now = 0;
  // Cases per write transaction / per bulk-insert flush.
  std::int64_t cases_per_transaction = 50'000;
  std::int64_t cases_per_flush = 2'000;
  // SQLite only: journal_mode=OFF, synchronous=OFF and foreign_keys=OFF while generating (WAL,
  // foreign keys on again at the end). Needs the Database to have a single connection.
  bool fast_sqlite = true;
  // Progress lines on stderr.
  bool progress = true;
};

// A benchmark login (password kPassword, must_change_password = 0).
struct ProvinceLogin {
  std::string username;
  std::string role;  // auth role code
  std::int64_t user_id = 0;
  std::int64_t unit_id = 0;
  std::int64_t person_id = 0;  // 0 = none
  std::string unit_name;
};

struct ProvinceSummary {
  std::vector<std::pair<std::string, std::int64_t>> rows;  // table → row count after generation
  std::vector<ProvinceLogin> logins;
  std::int64_t province_unit_id = 0;
  std::vector<std::int64_t> city_unit_ids;
  std::int64_t cases = 0, events = 0, faulty_cases = 0, checked_timelines = 0;
  double seconds = 0;         // wall time of the generation
  std::int64_t db_bytes = 0;  // SQLite file (+ WAL) or pg_database_size
};

inline constexpr const char* kProvincePassword = "Demo@2026";

// Logins created (username, role, unit):
//   minjing      case_officer   a 派出所 of the first 分局 of the first 市局 (linked to a 民警 who leads
//                                a quarter of that 派出所's cases)
//   fazhiyuan    legal_officer  法制大队 of that 分局 (linked to a 法制员 bound to ~35 % of its cases)
//   shiju        leader         the first 市局 (city-level leader)
//   shengting    leader         the 省厅 (sees everything)
//
// Requires a migrated database without units (a fresh one). Errors: Conflict if units exist;
// Internal if a sampled timeline does not parse or on a database failure. Not thread-safe with
// other writers on the same database.
[[nodiscard]] Result<ProvinceSummary> GenerateProvince(db::Database& db, const ProvinceOptions& options);

// Size of the database in bytes (SQLite: main file + WAL; PostgreSQL: pg_database_size).
std::int64_t DatabaseBytes(db::Database& db);

}  // namespace fazhi::bench
