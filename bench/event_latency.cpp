// One new event through the API, evaluated and stored: p50 / p99 latency (target p99 ≤ 5 ms on
// SQLite), with GET /api/health and an authenticated read (GET /api/notifications/unread-count)
// measured in the same run as baselines.
//
//   event_latency [--cases N] [--requests N] [--db URL]
//
// The real fazhi App on 127.0.0.1 over a fresh SQLite file in a temp directory (or --db
// postgresql://… for an empty PostgreSQL database you provide). Each measured request is one
// POST /api/cases/{id}/events (the cases module's route) to a case that already holds ~12 events:
// it validates the event against the whole timeline, inserts it, writes the audit row and — in the
// same transaction, through cases::CaseHooks — runs OversightService::OnCaseChanged (load the
// timeline, evaluate every rule, upsert alert clocks, violations, notifications, update the case).
//
// One client, keep-alive, sequential requests: latency, not throughput.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "auth/password.h"
#include "cases/case_service.h"
#include "core/local_time.h"
#include "oversight/oversight.h"

namespace {

using namespace fazhi;
using nlohmann::json;
using Steady = std::chrono::steady_clock;

struct Stats {
  double p50 = 0, p99 = 0, mean = 0, max = 0;
};

Stats Summarise(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Stats s;
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * (ms.size() - 1) + 0.5))]; };
  s.p50 = at(0.50);
  s.p99 = at(0.99);
  s.max = ms.back();
  double sum = 0;
  for (double v : ms) sum += v;
  s.mean = sum / static_cast<double>(ms.size());
  return s;
}

long long Insert(soci::session& sql, const std::string& q) {
  long long id = 0;
  sql << q, soci::into(id);
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  int cases = 2000, requests = 2000;
  std::string db_url;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--cases")
      cases = std::stoi(argv[i + 1]);
    else if (a == "--requests")
      requests = std::stoi(argv[i + 1]);
    else if (a == "--db")
      db_url = argv[i + 1];
  }
  spdlog::set_level(spdlog::level::warn);  // one log line per request would dominate the figure
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / fmt::format("fazhi_event_latency_{}", ::getpid());
  fs::create_directories(dir);
  if (db_url.empty()) db_url = "sqlite:" + (dir / "bench.db").string();

  Config config;
  config.db_url = db_url;
  config.key_file = (dir / "bench.key").string();
  config.listen = "127.0.0.1:0";
  config.http_threads = 8;
  config.db_pool = 8;
  config.sweep_interval_seconds = 0;  // no background sweep competing with the measured requests
  config.attachment_dir = (dir / "attachments").string();
  SystemClock clock;
  auto app = App::Create(config, &clock);
  if (!app) {
    std::fprintf(stderr, "cannot create app: %s\n", app.error().message.c_str());
    return 1;
  }
  db::Database& db = (*app)->db();
  oversight::OversightService& service = (*app)->oversight();

  // ---- seed: one sub-bureau, one team, an officer and a 法制员 with accounts, `cases` cases ----
  const EpochSeconds now = clock.Now();
  std::vector<long long> case_ids;
  const auto seed_started = Steady::now();
  db.Write([&](soci::session& sql) -> Result<void> {
      long long t = now;
      const long long city =
          Insert(sql, fmt::format("INSERT INTO units (name, level, path, created_at, updated_at) VALUES "
                                  "('基准市局', 'city', '', {0}, {0}) RETURNING id",
                                  t));
      const long long bureau = Insert(sql, fmt::format("INSERT INTO units (parent_id, name, level, path, created_at, "
                                                       "updated_at) VALUES ({0}, '基准分局', 'bureau', '', {1}, {1}) "
                                                       "RETURNING id",
                                                       city, t));
      const long long team = Insert(sql, fmt::format("INSERT INTO units (parent_id, name, level, path, created_at, "
                                                     "updated_at) VALUES ({0}, '基准派出所', 'team', '', {1}, {1}) "
                                                     "RETURNING id",
                                                     bureau, t));
      sql << fmt::format("UPDATE units SET path = '/{0}/', bureau_id = {0} WHERE id = {0}", city);
      sql << fmt::format("UPDATE units SET path = '/{0}/{1}/', bureau_id = {1} WHERE id = {1}", city, bureau);
      sql << fmt::format("UPDATE units SET path = '/{0}/{1}/{2}/', bureau_id = {1} WHERE id = {2}", city, bureau, team);
      const long long officer =
          Insert(sql, fmt::format("INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, "
                                  "created_at, updated_at) VALUES ({0}, {1}, '基准民警', 'B0001', "
                                  "'民警', {2}, {2}) RETURNING id",
                                  bureau, team, t));
      const long long legal = Insert(sql, fmt::format("INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, "
                                                      "is_legal_officer, created_at, updated_at) VALUES ({0}, {0}, "
                                                      "'基准法制员', 'B0002', '民警', 1, {1}, {1}) RETURNING id",
                                                      bureau, t));
      const std::string hash = auth::HashPassword("Bench@2026x");
      long long user = 0;
      sql << "INSERT INTO users (username, display_name, password_hash, unit_id, person_id, created_at, updated_at) "
             "VALUES ('bench', 'bench', :h, :u, :p, :t, :t2) RETURNING id",
          soci::use(hash), soci::use(bureau), soci::use(legal), soci::use(t), soci::use(t), soci::into(user);
      sql << "INSERT INTO user_roles (user_id, role) VALUES (:u, 'legal_officer')", soci::use(user);
      sql << "INSERT INTO users (username, display_name, password_hash, unit_id, person_id, created_at, updated_at) "
             "VALUES ('bench_officer', 'bench_officer', :h, :u, :p, :t, :t2)",
          soci::use(hash), soci::use(team), soci::use(officer), soci::use(t), soci::use(t);
      // ~12 events per case over the last few days: a detention with its 24 h acts, property, 办案区.
      for (int i = 0; i < cases; ++i) {
        const long long start = t - 3 * 86400 + (i % 3600);
        const long long id = Insert(
            sql,
            fmt::format("INSERT INTO cases (bureau_id, unit_id, external_id, case_type, cause, title, status, "
                        "lead_officer_id, legal_officer_id, accepted_at, created_at, updated_at) VALUES ({0}, {1}, "
                        "'BENCH{2}', 'criminal', '盗窃', '基准案件{2}', 'filed', {3}, {4}, {5}, {5}, {5}) RETURNING id",
                        bureau, team, i, officer, legal, start));
        sql << fmt::format(
            "INSERT INTO case_persons (bureau_id, case_id, ref, name, role, age, created_at) VALUES ({0}, "
            "{1}, 'p1', '嫌疑人', 'suspect', 30, {2})",
            bureau, id, start);
        const std::vector<std::tuple<const char*, long long, const char*, const char*, const char*>> events = {
            {"accept_case", 0, "", "", "{}"},
            {"file_case", 1800, "", "", "{}"},
            {"summon_arrive", 3600, "p1", "", "{}"},
            {"area_enter", 3700, "p1", "", "{}"},
            {"detain", 7200, "p1", "", "{}"},
            {"area_exit", 7300, "p1", "", "{}"},
            {"custody_admit", 20000, "p1", "", "{}"},
            {"notify_family", 30000, "p1", "", "{}"},
            {"interrogate", 40000, "p1", "", R"({"officers":2,"location":"detention_center"})"},
            {"property_extract", 8000, "", "X1", "{}"},
            {"property_handover", 30000, "", "X1", "{}"},
            {"supervision_filing", 50000, "", "X1", "{}"},
        };
        for (const auto& [type, offset, person, item, attrs] : events) {
          sql << fmt::format(
              "INSERT INTO case_events (bureau_id, case_id, type, at, person_ref, item_code, attrs, source, "
              "recorded_at) VALUES ({0}, {1}, '{2}', {3}, {4}, {5}, '{6}', 'demo', {3})",
              bureau, id, type, start + offset, *person ? fmt::format("'{}'", person) : "NULL",
              *item ? fmt::format("'{}'", item) : "NULL", attrs);
        }
        case_ids.push_back(id);
      }
      return {};
    }).value();
  // Initial evaluation of every case (what the import does).
  for (long long id : case_ids) db.Write([&](soci::session& sql) { return service.OnCaseChanged(sql, id); }).value();
  const double seed_s = std::chrono::duration<double>(Steady::now() - seed_started).count();

  // ---- the real server: App with the cases module's event route wired to the oversight hooks ----
  auto port = (*app)->StartInBackground();
  if (!port) {
    std::fprintf(stderr, "bind: %s\n", port.error().message.c_str());
    return 1;
  }

  httplib::Client cli("127.0.0.1", *port);
  cli.set_keep_alive(true);
  cli.set_tcp_nodelay(true);
  auto login = cli.Post("/api/auth/login", R"({"username":"bench","password":"Bench@2026x"})", "application/json");
  if (!login || login->status != 200) {
    std::fprintf(stderr, "login failed\n");
    (*app)->Stop();
    return 1;
  }
  const std::string cookie =
      login->get_header_value("Set-Cookie").substr(0, login->get_header_value("Set-Cookie").find(';'));
  const std::string csrf = json::parse(login->body)["csrf_token"];
  const httplib::Headers read_headers = {{"Cookie", cookie}};
  const httplib::Headers write_headers = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};

  std::mt19937 rng(42);
  int item_seq = 0;
  long long last_case = case_ids.front();
  auto post_event = [&]() -> bool {
    const int kind = item_seq % 3;
    // A handover goes to the case (and item) extracted just before; other acts to a random case.
    const long long id = kind == 1 ? last_case : case_ids[rng() % case_ids.size()];
    last_case = id;
    // Alternate acts that never make an impossible order: property extraction and handover of a
    // new item, and an interrogation of the detained suspect.
    json body;
    const EpochSeconds t = clock.Now() - 60;
    if (kind == 0)
      body = {{"type", "property_extract"}, {"time", FormatLocalDateTime(t)}, {"item", fmt::format("N{}", item_seq)}};
    if (kind == 1)
      body = {
          {"type", "property_handover"}, {"time", FormatLocalDateTime(t)}, {"item", fmt::format("N{}", item_seq - 1)}};
    if (kind == 2)
      body = {{"type", "interrogate"},
              {"time", FormatLocalDateTime(t)},
              {"person", "p1"},
              {"officers", 2},
              {"location", "detention_center"}};
    ++item_seq;
    auto r = cli.Post(fmt::format("/api/cases/{}/events", id), write_headers, body.dump(), "application/json");
    if (!r || r->status != 201) {
      std::fprintf(stderr, "event POST failed: %s\n", r ? r->body.c_str() : httplib::to_string(r.error()).c_str());
      return false;
    }
    return true;
  };
  auto time_it = [](auto&& fn) {
    const auto t0 = Steady::now();
    const bool ok = fn();
    return ok ? std::chrono::duration<double, std::milli>(Steady::now() - t0).count() : -1.0;
  };

  // Warm-up (connection, statement caches, page cache).
  for (int i = 0; i < 100; ++i) {
    post_event();
    cli.Get("/api/health");
  }
  // Interleave the three kinds of request so they see the same machine state.
  std::vector<double> ev, health, read;
  for (int i = 0; i < requests; ++i) {
    const double e = time_it(post_event);
    if (e < 0) break;
    ev.push_back(e);
    health.push_back(time_it([&] {
      auto r = cli.Get("/api/health");
      return r && r->status == 200;
    }));
    read.push_back(time_it([&] {
      auto r = cli.Get("/api/notifications/unread-count", read_headers);
      return r && r->status == 200;
    }));
  }
  (*app)->Stop();
  if (ev.size() < static_cast<std::size_t>(requests)) return 1;

  // Breakdown: the oversight share alone (OnCaseChanged in its own write transaction, in process).
  // The server is stopped by now, and with it the background WAL checkpointer (db::Checkpointer):
  // these rows run with SQLite's default checkpoint-on-commit, whose cost shows in their p99.
  std::vector<double> eval;
  for (int i = 0; i < std::min(requests, 1000); ++i) {
    const long long id = case_ids[rng() % case_ids.size()];
    eval.push_back(time_it(
        [&] { return db.Write([&](soci::session& sql) { return service.OnCaseChanged(sql, id); }).has_value(); }));
  }
  // And the whole service call without HTTP (CaseService::AddEvent: validation, insert, audit, hooks).
  std::vector<double> add;
  {
    auto who = (*app)->auth().Authenticate(cookie.substr(cookie.find('=') + 1));
    if (!who) return 1;
    audit::Actor actor{.user_id = who->user_id, .username = who->username};
    for (int i = 0; i < std::min(requests, 1000); ++i) {
      const long long id = case_ids[rng() % case_ids.size()];
      const json body = {{"type", "interrogate"},
                         {"time", FormatLocalDateTime(clock.Now() - 60)},
                         {"person", "p1"},
                         {"officers", 2},
                         {"location", "detention_center"}};
      add.push_back(
          time_it([&] { return (*app)->cases().AddEvent(*who, actor, id, cases::EventInput{body}).has_value(); }));
    }
  }
  const Stats se = Summarise(ev), sh = Summarise(health), sr = Summarise(read), sv = Summarise(eval),
              sa = Summarise(add);
  std::string load = "?";
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    char buf[64] = {0};
    if (std::fgets(buf, sizeof buf, f)) load = std::string(buf, std::strcspn(buf, " "));
    std::fclose(f);
  }
  long long events = 0, alerts = 0;
  db.Read([&](soci::session& sql) {
    sql << "SELECT COUNT(*) FROM case_events", soci::into(events);
    sql << "SELECT COUNT(*) FROM alerts", soci::into(alerts);
    return 0;
  });
  std::printf("event_latency: %s, %d cases, %lld events, %lld alert clocks stored (seed + initial evaluation %.1f s)\n",
              db.backend() == db::Backend::kSqlite ? "SQLite" : "PostgreSQL", cases, events, alerts, seed_s);
  const std::string head = "request (n=" + std::to_string(requests) + " each)";
  std::printf("%-44s %8s %8s %8s %8s\n", head.c_str(), "p50 ms", "p99 ms", "mean", "max");
  std::printf("%-44s %8.3f %8.3f %8.3f %8.3f\n", "POST event (insert + evaluate + store)", se.p50, se.p99, se.mean,
              se.max);
  std::printf("%-44s %8.3f %8.3f %8.3f %8.3f\n", "GET /api/health (baseline)", sh.p50, sh.p99, sh.mean, sh.max);
  std::printf("%-44s %8.3f %8.3f %8.3f %8.3f\n", "GET unread-count (signed-in read baseline)", sr.p50, sr.p99, sr.mean,
              sr.max);
  std::printf("%-44s %8.3f %8.3f %8.3f %8.3f\n", "  AddEvent in process, default checkpoints", sa.p50, sa.p99, sa.mean,
              sa.max);
  std::printf("%-44s %8.3f %8.3f %8.3f %8.3f\n", "  of which OnCaseChanged (in process, own txn)", sv.p50, sv.p99,
              sv.mean, sv.max);
  std::printf("ratio event/health: p50 %.1fx, p99 %.1fx; event/signed-in read: p50 %.1fx, p99 %.1fx\n", se.p50 / sh.p50,
              se.p99 / sh.p99, se.p50 / sr.p50, se.p99 / sr.p99);
  std::printf("target p99 <= 5 ms: %s (1-min load average at the end: %s on %u CPUs)\n",
              se.p99 <= 5.0 ? "met" : "NOT met", load.c_str(), std::thread::hardware_concurrency());
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
