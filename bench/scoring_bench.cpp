// scoring_bench — one month of a city (issue 4): 5,000 officers in 10 分局 × 10 科所队, 100,000 cases
// in the month with their events (受案/立案/移送起诉/处罚/查结, plus coercive measures that earn
// nothing), supervision violations, review findings and overdue 督办, generated into a fresh SQLite
// database. Prints:
//   - read:     the time to read the same rows with plain SELECTs (the floor: what SQLite costs);
//   - collect:  the ledger sources' queries (joins, first-event checks) into RawFacts;
//   - compute:  the pure ledger computation (facts + scheme → compact ledger rows, caps, sort);
//   - full:     ScoringService::PreviewMonth for every bureau (collect + compute + rankings + hash),
//               one bureau after another, and ScoringService::PreviewMonths (the bureaus on
//               --threads threads): the figure the target (≤ 1 s) is about, and its ratio to `read`;
//   - store:    ScoringService::ComputeMonth for every bureau (full + writing the draft ledger), one
//               bureau after another, then on --threads threads.
//   - publish:  once, after store: an entry-list page per bureau from the compact drafts, publishing
//               every bureau (the drafts' entries written to score_entries), the same pages again.
// Usage: scoring_bench [--officers N] [--cases N] [--runs N] [--threads N (2)] [--keep DIR] [--reuse 1]
//                      [--db postgresql://…] [--only read,collect,compute,serialize,seq,full,store,publish]
//                      [--pragmas "mmap_size=268435456;cache_size=-131072"]
//   --keep DIR --reuse 1: use DIR/bench.db from an earlier --keep run instead of generating it (for
//   profiling; the figures of record come from a fresh database). --only: run those phases only.
//   --db postgresql://…: an empty PostgreSQL database instead of SQLite (generated into it; with
//   --reuse 1 a database that already holds the generated city is used as it is).
//   --pragmas: SQLite PRAGMAs run on every pooled connection after the data is generated (to try
//   settings without changing src/db; the figures print which were set).
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cases/case_points.h"
#include "core/demo_random.h"
#include "core/local_time.h"
#include "db/database.h"
#include "db/sql.h"
#include "oversight/oversight_points.h"
#include "scoring/scoring_service.h"

using namespace fazhi;
using namespace fazhi::scoring;
using points::MakeMonthScope;
using points::MonthKey;
using points::MonthScope;
using points::RawFact;

namespace {

constexpr int kBureaus = 10;
constexpr int kTeamsPerBureau = 10;

double Seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

double CpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Wall time of fn; its CPU time is appended to `cpu` (on a shared machine the wall figure includes
// waiting for a core, the CPU figure does not).
std::vector<double>* g_cpu = nullptr;
template <typename F>
double Time(F&& fn) {
  const double c0 = CpuNow();
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  const double wall = Seconds(std::chrono::steady_clock::now() - t0);
  if (g_cpu) g_cpu->push_back(CpuNow() - c0);
  return wall;
}

class Rng : public DemoRandom {
 public:
  Rng() : DemoRandom(42) {}
};

struct Generated {
  std::vector<std::int64_t> bureaus;
  std::int64_t events = 0, cases = 0, violations = 0, findings = 0, orders = 0, officers = 0;
};

// Inserts rows in bulk; `cols` vectors must have equal length.
void Flush(soci::session& sql, const std::string& insert, std::vector<std::vector<long long>>& ints,
           std::vector<std::vector<std::string>>& strs) {
  if (ints.empty() || ints[0].empty()) return;
  soci::statement st(sql);
  st.alloc();
  st.prepare(insert);
  for (std::size_t i = 0; i < ints.size(); ++i) st.exchange(soci::use(ints[i]));
  for (std::size_t i = 0; i < strs.size(); ++i) st.exchange(soci::use(strs[i]));
  st.define_and_bind();
  st.execute(true);
  for (auto& v : ints) v.clear();
  for (auto& v : strs) v.clear();
}

Generated Generate(db::Database& db, int officers, int cases, MonthKey month) {
  Generated g;
  Rng rng;
  const EpochSeconds from = LocalMidnight(CivilDate{month.year, month.month, 1});
  const EpochSeconds span = 28 * 86400;
  db.Write([&](soci::session& sql) -> Result<int> {
      long long now = from, id = 0;
      sql << "INSERT INTO units (parent_id, name, level, path, created_at, updated_at) VALUES (NULL, '测试市公安局', "
             "'city', "
             "'', :t, :t2) RETURNING id",
          soci::use(now), soci::use(now), soci::into(id);
      const long long city = id;
      std::string path = "/" + std::to_string(city) + "/";
      sql << "UPDATE units SET path = :p, bureau_id = :b WHERE id = :id", soci::use(path), soci::use(city),
          soci::use(city);
      std::vector<std::int64_t> teams, team_bureau;
      for (int b = 0; b < kBureaus; ++b) {
        std::string name = "第" + std::to_string(b + 1) + "分局";
        long long bid = 0;
        sql << "INSERT INTO units (parent_id, name, level, path, created_at, updated_at) VALUES (:p, :n, 'bureau', '', "
               ":t, :t2) RETURNING id",
            soci::use(city), soci::use(name), soci::use(now), soci::use(now), soci::into(bid);
        std::string bpath = path + std::to_string(bid) + "/";
        sql << "UPDATE units SET path = :p, bureau_id = :b WHERE id = :id", soci::use(bpath), soci::use(bid),
            soci::use(bid);
        g.bureaus.push_back(bid);
        for (int t = 0; t < kTeamsPerBureau; ++t) {
          std::string tname = "第" + std::to_string(t + 1) + "派出所";
          long long tid = 0;
          sql << "INSERT INTO units (parent_id, name, level, path, created_at, updated_at) VALUES (:p, :n, 'team', '', "
                 ":t, :t2) RETURNING id",
              soci::use(bid), soci::use(tname), soci::use(now), soci::use(now), soci::into(tid);
          std::string tpath = bpath + std::to_string(tid) + "/";
          sql << "UPDATE units SET path = :p, bureau_id = :b WHERE id = :id", soci::use(tpath), soci::use(bid),
              soci::use(tid);
          teams.push_back(tid);
          team_bureau.push_back(bid);
        }
      }
      // People.
      std::vector<std::vector<std::int64_t>> team_people(teams.size());
      {
        std::vector<std::vector<long long>> ints(4);
        std::vector<std::vector<std::string>> strs(3);
        for (int i = 0; i < officers; ++i) {
          const std::size_t t = static_cast<std::size_t>(i) % teams.size();
          ints[0].push_back(team_bureau[t]);
          ints[1].push_back(teams[t]);
          ints[2].push_back(now);
          ints[3].push_back(now);
          strs[0].push_back("民警" + std::to_string(i));
          strs[1].push_back("B" + std::to_string(100000 + i));
          strs[2].push_back((i / static_cast<int>(teams.size())) % 5 == 4 ? "辅警" : "民警");
          if (ints[0].size() == 1000)
            Flush(sql,
                  "INSERT INTO people (bureau_id, unit_id, created_at, updated_at, name, badge_no, kind) "
                  "VALUES (:a, :b, :c, :d, :e, :f, :g)",
                  ints, strs);
        }
        Flush(sql,
              "INSERT INTO people (bureau_id, unit_id, created_at, updated_at, name, badge_no, kind) "
              "VALUES (:a, :b, :c, :d, :e, :f, :g)",
              ints, strs);
        std::unordered_map<std::int64_t, std::size_t> team_index;
        for (std::size_t i = 0; i < teams.size(); ++i) team_index[teams[i]] = i;
        db::Each(sql, "SELECT id, unit_id, kind FROM people ORDER BY id", {}, [&](const db::Row& r) {
          if (r.Text("kind") == "民警") team_people[team_index[r.Int("unit_id")]].push_back(r.Int("id"));
        });
        g.officers = officers;
      }
      // Cases with officers, events, violations, reviews/findings and 督办.
      long long next_case = 0;
      sql << "SELECT COALESCE(MAX(id), 0) FROM cases", soci::into(next_case);
      const char* categories[] = {"",         "",     "",     "民生小案", "电信网络诈骗",
                                  "经济犯罪", "毒品", "黄赌", "涉黑涉恶", "拐卖"};
      std::vector<std::vector<long long>> ci(9), oi(3), ei(3), vi(5), ri(3), fi(4), si(5);
      std::vector<std::vector<std::string>> cs(5), os(1), es(1), vs(3), rs_(0), fs(1), ss(0);
      const std::string case_sql =
          "INSERT INTO cases (id, bureau_id, unit_id, lead_officer_id, fast_track, accepted_at, created_at, "
          "updated_at, closed_at, "
          "external_id, case_type, cause, category, title, status) VALUES (:a, :b, :c, :d, :e, :f, :g, :g2, :h, :i, "
          ":j, :k, :l, "
          ":m, 'open')";
      const std::string officer_sql =
          "INSERT INTO case_officers (case_id, person_id, bureau_id, role) VALUES (:a, :b, :c, :d)";
      const std::string event_sql =
          "INSERT INTO case_events (case_id, at, bureau_id, type, recorded_at) VALUES (:a, :b, :c, :d, 0)";
      const std::string violation_sql =
          "INSERT INTO violations (case_id, bureau_id, unit_id, officer_id, detected_at, rule_id, clock_key, severity, "
          "kind, message) VALUES (:a, :b, :c, :d, :e, :f, :g, :h, 'overdue', '超过法定期限')";
      const std::string review_sql =
          "INSERT INTO case_reviews (id, case_id, bureau_id, stage, verdict, created_at) VALUES (:a, :b, :c, 'file', "
          "'fix_required', 0)";
      const std::string finding_sql =
          "INSERT INTO review_findings (review_id, case_id, bureau_id, created_at, category, description) "
          "VALUES (:a, :b, :c, :d, :e, '证据链不完整')";
      const std::string order_sql =
          "INSERT INTO supervision_orders (case_id, bureau_id, unit_id, responsible_person_id, deadline, source, "
          "problem_type, opinion, status, created_at, updated_at) VALUES (:a, :b, :c, :d, :e, 'manual', '证据', "
          "'补充证据', 'open', 0, 0)";
      auto flush_all = [&] {
        // Stored NULL closed_at is modelled by a far-future value (never in the month).
        Flush(sql, case_sql, ci, cs);
        Flush(sql, officer_sql, oi, os);
        Flush(sql, event_sql, ei, es);
        Flush(sql, violation_sql, vi, vs);
        Flush(sql, review_sql, ri, rs_);
        Flush(sql, finding_sql, fi, fs);
        Flush(sql, order_sql, si, ss);
      };
      long long review_id = 0;
      const char* rules[] = {"CRIM-DETAIN-04", "CRIM-ARREST-01", "ADM-TERM-01", "PROP-01"};
      const char* finding_cats[] = {"evidence", "procedure", "characterization"};
      for (int c = 0; c < cases; ++c) {
        const std::size_t t = static_cast<std::size_t>(rng.Below(static_cast<int>(teams.size())));
        const auto& pool = team_people[t];
        const long long case_id = ++next_case, bureau = team_bureau[t], unit = teams[t];
        const long long lead = pool[static_cast<std::size_t>(rng.Below(static_cast<int>(pool.size())))];
        const bool admin = rng.Below(10) < 5;
        const bool fast = admin && rng.Below(10) < 2;
        const EpochSeconds accepted = from + rng.Below(static_cast<int>(span));
        const bool closed = rng.Below(10) < 5;
        ci[0].push_back(case_id);
        ci[1].push_back(bureau);
        ci[2].push_back(unit);
        ci[3].push_back(lead);
        ci[4].push_back(fast ? 1 : 0);
        ci[5].push_back(accepted);
        ci[6].push_back(accepted);
        ci[7].push_back(accepted);
        ci[8].push_back(closed ? accepted + 2 * 86400 : 4102444800LL);
        cs[0].push_back("C" + std::to_string(case_id));
        cs[1].push_back(admin ? "administrative" : "criminal");
        cs[2].push_back(admin ? "殴打他人" : "盗窃");
        cs[3].push_back(categories[rng.Below(10)]);
        cs[4].push_back("案件" + std::to_string(case_id));
        auto officer = [&](long long person, const char* role) {
          oi[0].push_back(case_id);
          oi[1].push_back(person);
          oi[2].push_back(bureau);
          os[0].push_back(role);
        };
        officer(lead, "lead");
        const int assists = rng.Below(3);
        for (int a = 0; a < assists; ++a) {
          const long long p = pool[static_cast<std::size_t>(rng.Below(static_cast<int>(pool.size())))];
          if (p == lead || (a == 1 && p == oi[1][oi[1].size() - 1])) continue;
          officer(p, "assist");
        }
        auto event = [&](const char* type, EpochSeconds at) {
          ei[0].push_back(case_id);
          ei[1].push_back(at);
          ei[2].push_back(bureau);
          es[0].push_back(type);
          ++g.events;
        };
        // One case in ten was accepted last month: its 受案 must not count again.
        event("accept_case", rng.Below(10) == 0 ? accepted - 40 * 86400 : accepted);
        if (!admin || rng.Below(2) == 0) event("file_case", accepted + 3600);
        if (!admin && rng.Below(10) < 3) event("detain", accepted + 7200);
        if (!admin && rng.Below(10) < 2) event("transfer_prosecution", accepted + 86400);
        if (admin && rng.Below(10) < 8) {
          event("penalty_decision", accepted + 86400);
          if (rng.Below(4) == 0) event("penalty_decision", accepted + 86400 + 60);  // second person
        }
        if (rng.Below(10) == 0) {
          vi[0].push_back(case_id);
          vi[1].push_back(bureau);
          vi[2].push_back(unit);
          vi[3].push_back(lead);
          vi[4].push_back(accepted + 86400);
          vs[0].push_back(rules[rng.Below(4)]);
          vs[1].push_back("k" + std::to_string(case_id));
          vs[2].push_back(rng.Below(5) == 0 ? "serious" : "normal");
          ++g.violations;
        }
        if (rng.Below(100) < 15) {
          ri[0].push_back(++review_id);
          ri[1].push_back(case_id);
          ri[2].push_back(bureau);
          fi[0].push_back(review_id);
          fi[1].push_back(case_id);
          fi[2].push_back(bureau);
          fi[3].push_back(accepted + 2 * 3600);
          fs[0].push_back(finding_cats[rng.Below(3)]);
          ++g.findings;
        }
        if (rng.Below(100) < 5) {
          si[0].push_back(case_id);
          si[1].push_back(bureau);
          si[2].push_back(unit);
          si[3].push_back(lead);
          si[4].push_back(accepted + 86400);
          ++g.orders;
        }
        if (ci[0].size() == 1000) flush_all();
      }
      flush_all();
      g.cases = cases;
      return 0;
    }).value();
  return g;
}

// The bureaus and row counts of a database written by Generate (for --reuse).
Generated Counts(db::Database& db) {
  Generated g;
  db.Read([&](soci::session& sql) {
    db::Each(sql, "SELECT id FROM units WHERE level = 'bureau' ORDER BY id", {},
             [&](const db::Row& r) { g.bureaus.push_back(r.Int("id")); });
    long long n = 0;
    sql << "SELECT COUNT(*) FROM people", soci::into(n);
    g.officers = n;
    sql << "SELECT COUNT(*) FROM cases", soci::into(n);
    g.cases = n;
    sql << "SELECT COUNT(*) FROM case_events", soci::into(n);
    g.events = n;
    sql << "SELECT COUNT(*) FROM violations", soci::into(n);
    g.violations = n;
    sql << "SELECT COUNT(*) FROM review_findings", soci::into(n);
    g.findings = n;
    sql << "SELECT COUNT(*) FROM supervision_orders", soci::into(n);
    g.orders = n;
    return 0;
  });
  return g;
}

// The floor: the same rows the sources read, with plain SELECTs and the same bulk fetch.
std::int64_t ReadBaseline(db::Database& db, const std::vector<std::int64_t>& bureaus, const MonthScope& base) {
  return db.Read([&](soci::session& sql) {
    std::int64_t rows = 0;
    for (auto b : bureaus) {
      long long bureau = b, from = base.from, to = base.to;
      auto drain = [&](const std::string& q, int ncols_int, int ncols_str) {
        constexpr std::size_t kBatch = 4096;
        std::vector<std::vector<long long>> ints(static_cast<std::size_t>(ncols_int), std::vector<long long>(kBatch));
        std::vector<std::vector<soci::indicator>> inds(static_cast<std::size_t>(ncols_int),
                                                       std::vector<soci::indicator>(kBatch));
        std::vector<std::vector<std::string>> strs(static_cast<std::size_t>(ncols_str),
                                                   std::vector<std::string>(kBatch));
        soci::statement st(sql);
        st.alloc();
        st.prepare(q);
        for (int i = 0; i < ncols_int; ++i) st.exchange(soci::into(ints[i], inds[i]));
        for (int i = 0; i < ncols_str; ++i) st.exchange(soci::into(strs[i]));
        st.exchange(soci::use(bureau, "b"));
        if (q.find(":f") != std::string::npos) {
          st.exchange(soci::use(from, "f"));
          st.exchange(soci::use(to, "t"));
        }
        st.define_and_bind();
        st.execute(false);
        while (st.fetch()) {
          rows += static_cast<std::int64_t>(ints.empty() ? strs[0].size() : ints[0].size());
          for (auto& v : ints) v.resize(kBatch);
          for (auto& v : inds) v.resize(kBatch);
          for (auto& v : strs) v.resize(kBatch);
        }
      };
      drain(
          "SELECT case_id, at, type FROM case_events WHERE bureau_id = :b AND at >= :f AND at < :t AND type IN "
          "('accept_case', 'file_case', 'transfer_prosecution', 'penalty_decision')",
          2, 1);
      drain(
          "SELECT id, closed_at, fast_track, lead_officer_id, external_id, title, category FROM cases "
          "WHERE bureau_id = :b AND closed_at >= :f AND closed_at < :t",
          4, 3);
      drain(
          "SELECT id, lead_officer_id, external_id, title, category FROM cases WHERE bureau_id = :b AND "
          "accepted_at >= :f AND accepted_at < :t",
          2, 3);
      drain("SELECT case_id, person_id, role FROM case_officers WHERE bureau_id = :b", 2, 1);
      drain(
          "SELECT id, case_id, officer_id, detected_at, rule_id, kind, severity, message FROM violations "
          "WHERE bureau_id = :b AND detected_at >= :f AND detected_at < :t",
          4, 4);
      drain(
          "SELECT id, case_id, created_at, category, description FROM review_findings "
          "WHERE bureau_id = :b AND created_at >= :f AND created_at < :t",
          3, 2);
      drain(
          "SELECT id, case_id, responsible_person_id, deadline, answered_at, problem_type FROM supervision_orders "
          "WHERE bureau_id = :b AND deadline >= :f AND deadline < :t",
          5, 1);
      drain("SELECT id, unit_id, name, badge_no, kind FROM people WHERE bureau_id = :b", 2, 3);
    }
    return rows;
  });
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// After `store`: page 100 (20 entries) of every bureau's entry list read from the compact drafts,
// publishing every bureau (its draft's entries written to score_entries), the same pages read
// from score_entries. Once, not a median: a published month cannot be published again.
void PublishPhase(db::Database& db, ScoringService& svc, const auth::Principal& system,
                  const std::vector<std::int64_t>& bureaus, MonthKey month) {
  const auto pages = [&] {
    return Time([&] {
      for (auto b : bureaus) {
        PageRequest p;
        p.page = 100;
        p.page_size = 20;
        if (auto v = svc.ListEntries(system, b, month.Text(), std::nullopt, p); !v || v->items.size() != 20)
          std::fprintf(stderr, "page: %s\n", v ? "short page" : v.error().message.c_str());
      }
    });
  };
  const double draft_pages = pages();
  const long long stored = db.Read([](soci::session& sql) {
    long long n = 0;
    sql << "SELECT COALESCE(SUM(LENGTH(ledger)), 0) FROM score_draft_ledgers", soci::into(n);
    return n;
  });
  std::printf("  stored drafts (score_draft_ledgers.ledger): %.2f MB\n", static_cast<double>(stored) / 1e6);
  const double publish = Time([&] {
    for (auto b : bureaus)
      if (auto v = svc.PublishMonth(system, audit::Actor{.username = "bench"}, b, month.Text()); !v)
        std::fprintf(stderr, "%s\n", v.error().message.c_str());
  });
  const double frozen_pages = pages();
  std::printf("  %-40s %7.3f s  (%zu bureaus, once)\n", "publish (entries written to score_entries)", publish,
              bureaus.size());
  std::printf("  %-40s %7.3f s  draft (compact) / %.3f s published (score_entries)\n",
              "an entry-list page of every bureau", draft_pages, frozen_pages);
}

}  // namespace

// Runs each ';'-separated PRAGMA on all `pool` connections: nested borrows hold every connection
// at once, so each one gets them (bench only: the service never borrows a second session).
void ApplyPragmas(db::Database& db, const std::string& pragmas, unsigned pool) {
  if (pragmas.empty() || pool == 0) return;
  db.Read([&](soci::session& sql) {
    std::size_t at = 0;
    while (at < pragmas.size()) {
      const std::size_t end = std::min(pragmas.find(';', at), pragmas.size());
      const std::string one = pragmas.substr(at, end - at);
      if (!one.empty()) sql << "PRAGMA " + one;
      at = end + 1;
    }
    ApplyPragmas(db, pragmas, pool - 1);
    return 0;
  });
}

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  int officers = 5000, cases = 100000, runs = 3;
  unsigned threads = 2;
  std::string keep, pragmas, only, pg_url;
  bool reuse = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--pragmas")) pragmas = argv[i + 1];
    if (!std::strcmp(argv[i], "--only")) only = "," + std::string(argv[i + 1]) + ",";
    if (!std::strcmp(argv[i], "--reuse")) reuse = std::atoi(argv[i + 1]) != 0;
    if (!std::strcmp(argv[i], "--db")) pg_url = argv[i + 1];
    if (!std::strcmp(argv[i], "--officers"))
      officers = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--cases"))
      cases = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--runs"))
      runs = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--keep"))
      keep = argv[i + 1];
    else if (!std::strcmp(argv[i], "--threads"))
      threads = static_cast<unsigned>(std::max(1, std::atoi(argv[i + 1])));
  }
  const auto dir = keep.empty()
                       ? std::filesystem::temp_directory_path() / ("fazhi_scoring_bench_" + std::to_string(::getpid()))
                       : std::filesystem::path(keep);
  std::filesystem::create_directories(dir);
  const bool postgres = pg_url.starts_with("postgres");
  const std::string url = postgres ? pg_url : "sqlite:" + (dir / "bench.db").string();
  if (!postgres) {
    reuse = reuse && !keep.empty() && std::filesystem::exists(dir / "bench.db");
    if (!reuse) std::filesystem::remove(dir / "bench.db");
  }
  auto wants = [&](const char* phase) {
    return only.empty() || only.find("," + std::string(phase) + ",") != std::string::npos;
  };
  const unsigned pool = std::max(2u, threads);
  auto opened = db::Database::Open(url, pool);
  if (!opened) {
    std::fprintf(stderr, "open: %s\n", opened.error().message.c_str());
    return 1;
  }
  auto& db = **opened;
  if (auto m = db.Migrate(); !m) {
    std::fprintf(stderr, "migrate: %s\n", m.error().message.c_str());
    return 1;
  }
  const MonthKey month{2023, 7};
  if (postgres && reuse)  // only a database that holds the city
    reuse = db.Read([](soci::session& sql) {
      long long n = 0;
      sql << "SELECT COUNT(*) FROM units WHERE level = 'bureau'", soci::into(n);
      return n > 0;
    });
  Generated g;
  const double gen = reuse ? 0.0 : Time([&] { g = Generate(db, officers, cases, month); });
  if (reuse) g = Counts(db);
  std::printf(
      "scoring_bench: %lld officers, %lld cases, %lld events, %lld violations, %lld findings, %lld 督办 "
      "in %d bureaus (generated in %.1f s, %s %s)\n",
      static_cast<long long>(g.officers), static_cast<long long>(g.cases), static_cast<long long>(g.events),
      static_cast<long long>(g.violations), static_cast<long long>(g.findings), static_cast<long long>(g.orders),
      kBureaus, gen, postgres ? "PostgreSQL" : "SQLite", postgres ? "(--db)" : url.c_str());

  ApplyPragmas(db, pragmas, pool);
  if (!pragmas.empty()) std::printf("PRAGMAs on each of the %u connections: %s\n", pool, pragmas.c_str());
  ManualClock clock(LocalMidnight(CivilDate{2023, 8, 2}) + 9 * 3600);
  // The sources the App collects from the cases and oversight modules (kit::Module::AddLedgerSources).
  const LedgerSources sources = {cases::MakeCaseStageSource(), oversight::MakeViolationSource(),
                                 oversight::MakeReviewFindingSource(), oversight::MakeOrderOverdueSource()};
  ScoringService svc(db, clock, sources);
  const auth::Principal system = SystemPrincipal();
  for (auto b : g.bureaus) {
    if (reuse) break;  // the schemes are in the database already
    SchemeInput in;
    in.bureau_id = b;
    in.name = "基准方案";
    in.effective_from = "2023-01";
    in.document = DefaultSchemeDocument();
    if (auto s = svc.CreateScheme(system, audit::Actor{.username = "bench"}, in); !s) {
      std::fprintf(stderr, "scheme: %s\n", s.error().message.c_str());
      return 1;
    }
  }
  const Scheme scheme = ParseScheme(DefaultSchemeDocument()).value();
  const MonthScope scope = MakeMonthScope(0, month, clock.Now());

  std::vector<double> read_t, collect_t, compute_t, serialize_t, seq_t, full_t, store_t, store_par_t;
  std::size_t bytes = 0;
  std::string hashes;  // ledger hash prefix per bureau: equal before and after a change of the code
  std::vector<std::vector<double>> cpu(8);
  std::int64_t rows = 0, facts_n = 0, entries_n = 0;
  // Warm the page cache once so every figure measures the same (hot) state.
  ReadBaseline(db, g.bureaus, scope);
  for (int run = 0; run < runs; ++run) {
    g_cpu = &cpu[0];
    if (wants("read")) read_t.push_back(Time([&] { rows = ReadBaseline(db, g.bureaus, scope); }));
    g_cpu = &cpu[1];
    std::vector<std::vector<RawFact>> facts(g.bureaus.size());
    if (wants("collect") || wants("compute") || wants("serialize"))
      collect_t.push_back(Time([&] {
        db.Read([&](soci::session& sql) {
          for (std::size_t i = 0; i < g.bureaus.size(); ++i) {
            MonthScope s = MakeMonthScope(g.bureaus[i], month, clock.Now());
            for (const auto& src : sources) (void)src->Collect(sql, s, facts[i]);
          }
          return 0;
        });
      }));
    g_cpu = &cpu[2];
    facts_n = 0;
    for (const auto& f : facts) facts_n += static_cast<std::int64_t>(f.size());
    std::vector<Ledger> ledgers(facts.size());
    if (wants("compute") || wants("serialize"))
      compute_t.push_back(Time([&] {
        entries_n = 0;
        for (std::size_t i = 0; i < facts.size(); ++i) {
          ledgers[i] = BuildLedger(scheme, 1, std::move(facts[i]));
          entries_n += static_cast<std::int64_t>(ledgers[i].size());
        }
      }));
    g_cpu = &cpu[3];
    if (wants("serialize"))
      serialize_t.push_back(Time([&] {
        for (const auto& l : ledgers) {
          bytes = 0;
          SerializeLedger(l, [&](std::string_view piece) { bytes += piece.size(); });
        }
      }));
    g_cpu = &cpu[4];
    if (wants("seq"))
      seq_t.push_back(Time([&] {
        for (auto b : g.bureaus)
          if (auto v = svc.PreviewMonth(system, b, month.Text()); !v)
            std::fprintf(stderr, "%s\n", v.error().message.c_str());
      }));
    g_cpu = &cpu[6];
    if (wants("full"))
      full_t.push_back(Time([&] {
        hashes.clear();
        for (auto& v : svc.PreviewMonths(system, g.bureaus, month.Text(), std::nullopt, threads)) {
          if (!v)
            std::fprintf(stderr, "%s\n", v.error().message.c_str());
          else
            hashes += v->month.ledger_hash.substr(0, 8) + " ";
        }
      }));
    g_cpu = &cpu[5];
    if (wants("store"))
      store_t.push_back(Time([&] {
        for (auto b : g.bureaus)
          if (auto v = svc.ComputeMonth(system, audit::Actor{.username = "bench"}, b, month.Text()); !v)
            std::fprintf(stderr, "%s\n", v.error().message.c_str());
      }));
    // The same on `threads` threads, as bureaus computing their months at the same time do (the
    // ledger is read outside the write transaction, so only the short store is serialised).
    g_cpu = &cpu[7];
    if (wants("store"))
      store_par_t.push_back(Time([&] {
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t)
          pool.emplace_back([&] {
            for (std::size_t i = next++; i < g.bureaus.size(); i = next++)
              if (auto v = svc.ComputeMonth(system, audit::Actor{.username = "bench"}, g.bureaus[i], month.Text()); !v)
                std::fprintf(stderr, "%s\n", v.error().message.c_str());
          });
        for (auto& th : pool) th.join();
      }));
  }
  g_cpu = nullptr;
  const double read = Median(read_t), full = Median(full_t);
  const double read_cpu = Median(cpu[0]), full_cpu = Median(cpu[6]);
  std::printf(
      "rows read by the baseline: %lld; facts: %lld; ledger entries: %lld; ledger text %.1f MB "
      "(median of %d runs; wall / CPU seconds)\n",
      static_cast<long long>(rows), static_cast<long long>(facts_n), static_cast<long long>(entries_n),
      static_cast<double>(bytes) * g.bureaus.size() / 1e6, runs);
  auto line = [&](const char* what, const std::vector<double>& wall, int c) {
    std::printf("  %-40s %7.3f s  %7.3f s cpu\n", what, Median(wall), Median(cpu[static_cast<std::size_t>(c)]));
  };
  std::printf("ledger hashes: %s\n", hashes.c_str());
  line("read (plain SELECTs of the same rows)", read_t, 0);
  line("collect (ledger sources' queries)", collect_t, 1);
  line("compute (pure ledger function)", compute_t, 2);
  line("serialize (canonical ledger text)", serialize_t, 3);
  line("full month, bureaus one after another", seq_t, 4);
  std::printf("  %-40s %7.3f s  %7.3f s cpu\n",
              ("full month, " + std::to_string(threads) + " threads (PreviewMonths)").c_str(), Median(full_t),
              Median(cpu[6]));
  line("full + store, bureaus one after another", store_t, 5);
  std::printf("  %-40s %7.3f s  %7.3f s cpu\n", ("full + store, " + std::to_string(threads) + " threads").c_str(),
              Median(store_par_t), Median(cpu[7]));
  std::printf(
      "full month (%u threads): %.3f s wall, %.3f s cpu (target <= 1 s wall: %s); ratio to read: %.2fx wall, "
      "%.2fx cpu; one thread: %.3f s wall, %.3f s cpu, %.2fx read cpu\n",
      threads, full, full_cpu, full <= 1.0 ? "met" : "MISSED", full / read, full_cpu / read_cpu, Median(seq_t),
      Median(cpu[4]), Median(cpu[4]) / read_cpu);
  if (wants("publish") && wants("store")) PublishPhase(db, svc, system, g.bureaus, month);
  if (keep.empty()) std::filesystem::remove_all(dir);
  return 0;
}
