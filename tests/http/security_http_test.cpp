// The defects of the outside attack (issue 16), each over real HTTP on 127.0.0.1: the lock-out race,
// bad numbers and times in queries, the shape of every error answer and unknown methods, the
// password and account rules, the SQLite file mode, 三员分立 and bureau-wide supervision settings.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <set>
#include <thread>

#include "db/sql.h"
#include "http/http_fixture.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

class SecurityTest : public ServerTest {
 protected:
  std::int64_t Scalar(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) {
      long long v = 0;
      sql << q, soci::into(v);
      return static_cast<std::int64_t>(v);
    });
  }
  std::int64_t AuditCount(const std::string& action) {
    return Scalar("SELECT COUNT(*) FROM audit_log WHERE action = '" + action + "'");
  }
  std::int64_t AddPerson(std::int64_t unit, const std::string& name, const std::string& kind = "民警",
                         bool legal = false) {
    static int seq = 0;
    return app_->db()
        .Write([&](soci::session& sql) -> Result<std::int64_t> {
          db::SqlArgs a;
          return db::Insert(
              sql,
              fmt::format("INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, is_legal_officer, created_at, "
                          "updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
                          a.Int(bureau_), a.Int(unit), a.Str(name), a.Str("S" + std::to_string(++seq)), a.Str(kind),
                          a.Bool(legal), a.Int(kStart), a.Int(kStart)),
              a);
        })
        .value();
  }
  std::int64_t AddPersonUser(const std::string& username, const std::string& role, std::int64_t unit,
                             std::int64_t person) {
    static const std::string hash = auth::HashPassword(kPassword);
    return seed::User(app_->db(), username, hash, unit, role, kStart, person);
  }
  // The error part of an answer, for "answers exactly like" comparisons.
  static std::string ErrorOf(const Response& r) { return std::to_string(r.status) + " " + r.json.dump(); }
  // Every error body: {"error":{"code":…,"message":…,"field":…|null}}, the message in Chinese.
  static void ExpectErrorShape(const Response& r, const std::string& what) {
    SCOPED_TRACE(what);
    ASSERT_TRUE(r.json.is_object()) << r.status << " " << r.body;
    ASSERT_TRUE(r.json.contains("error")) << r.body;
    const json& e = r.json["error"];
    EXPECT_TRUE(e.contains("code") && e["code"].is_string() && !e["code"].get<std::string>().empty()) << r.body;
    EXPECT_TRUE(e.contains("message") && e["message"].is_string()) << r.body;
    EXPECT_TRUE(e.contains("field") && (e["field"].is_null() || e["field"].is_string())) << r.body;
    // Chinese: at least one byte outside ASCII.
    const std::string m = e.value("message", "");
    EXPECT_TRUE(std::any_of(m.begin(), m.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
        << r.body;
  }
};

// ---- 1. lock-out race ----

// Twenty wrong passwords at once from twenty addresses: exactly max_failed_logins (5) of them are
// checked (401), the rest answer 'locked' (403), and the account stays locked for the right password.
TEST_F(SecurityTest, ParallelWrongPasswordsCheckOnlyTheLimitAndTheLockStays) {
  constexpr int kAttempts = 20;
  std::atomic<int> checked{0}, locked{0}, other{0};
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  const std::string body = json{{"username", "officer_a"}, {"password", "Wrong@2026x"}}.dump();
  for (int i = 0; i < kAttempts; ++i) {
    threads.emplace_back([&, i] {
      httplib::Client cli("127.0.0.1", port_);
      const httplib::Headers h = {{"X-Forwarded-For", "198.51.100." + std::to_string(i + 1)}};
      while (!go) std::this_thread::yield();
      auto r = cli.Post("/api/auth/login", h, body, "application/json");
      if (!r)
        ++other;
      else if (r->status == 401)
        ++checked;
      else if (r->status == 403 && r->body.find("account_locked") != std::string::npos)
        ++locked;
      else
        ++other;
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(checked.load(), 5);
  EXPECT_EQ(locked.load(), kAttempts - 5);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(AuditCount("auth.account_locked"), 1);
  EXPECT_GT(Scalar("SELECT locked_until FROM users WHERE username = 'officer_a'"), kStart);
  auto c = NewClient();
  auto r = c.Login("officer_a", kPassword);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.Code(), "account_locked");
}

// ---- 2. bad numbers and times in queries ----

TEST_F(SecurityTest, OutOfRangeNumbersAndImpossibleOffsetsAre400) {
  AddUser("legal", "legal_officer", bureau_);
  auto c = SignedIn("legal");
  for (const char* path_text : {
           "/api/alerts?due_from=99999999999999999999",
           "/api/alerts?due_to=99999999999999999999",
           "/api/alerts?due_from=-99999999999999999999",
           "/api/violations?from=99999999999999999999",
           "/api/violations?to=99999999999999999999",
           "/api/alerts?due_from=2026-01-01T08:00:00%2B99:00",
           "/api/alerts?due_to=2026-01-01T08:00:00-99:99",
           "/api/violations?from=2026-01-01T08:00%2B14:30",
           "/api/violations?from=2026-01-01T08:00-12:60",
           "/api/cases?page=99999999999999999999",
       }) {
    const std::string path = path_text;
    auto r = c.Get(path);
    EXPECT_EQ(r.status, 400) << path << " " << r.body;
    ExpectErrorShape(r, path);
    EXPECT_FALSE(r.json["error"]["field"].is_null()) << path;
  }
  // A real offset is still accepted.
  EXPECT_EQ(c.Get("/api/violations?from=2026-01-01T08:00:00%2B08:00").status, 200);
}

// Every GET route without path parameters, every usual numeric or time parameter, out of range:
// never a 500.
TEST_F(SecurityTest, NoQueryParameterOfAnyListAnswers500) {
  AddUser("legal", "legal_officer", bureau_);
  std::vector<Client> users;
  for (const char* u : {"legal", "admin", "auditor"}) users.push_back(SignedIn(u));
  const std::vector<std::string> params = {"page",      "page_size", "unit_id",   "from",       "to",      "due_from",
                                           "due_to",    "year",      "month",     "id",         "case_id", "person_id",
                                           "user_id",   "limit",     "since",     "officer_id", "version", "scheme_id",
                                           "bureau_id", "days",      "object_id", "before",     "after",   "at"};
  int requests = 0;
  for (const auto& route : app_->router().Routes()) {
    if (route.method != http::Method::kGet || route.pattern.find('{') != std::string::npos) continue;
    if (!route.pattern.starts_with("/api/")) continue;
    for (const auto& p : params) {
      for (const char* bad : {"99999999999999999999", "2026-01-01T00:00:00%2B99:00"}) {
        for (auto& c : users) {
          const std::string path = route.pattern + "?" + p + "=" + bad;
          auto r = c.Get(path);
          ++requests;
          EXPECT_LT(r.status, 500) << path << " " << r.body;
          if (r.status >= 400) ExpectErrorShape(r, path);
        }
      }
    }
  }
  EXPECT_GT(requests, 500);
}

// ---- 3. error answers ----

std::string RawRequest(int port, const std::string& text) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  (void)!::write(fd, text.data(), text.size());
  // Read the head, then Content-Length bytes of body (the server may keep the connection open).
  std::string out;
  char buf[4096];
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  for (;;) {
    const auto head_end = out.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::size_t length = 0;
      const auto at = out.find("Content-Length: ");
      if (at != std::string::npos && at < head_end) length = std::stoul(out.substr(at + 16));
      if (out.size() >= head_end + 4 + length) break;
    }
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

TEST_F(SecurityTest, EveryErrorAnswerHasTheDocumentedShape) {
  auto anon = NewClient();
  auto officer = SignedIn("officer_a");
  auto admin = SignedIn("admin");
  std::vector<std::pair<std::string, Response>> answers;
  answers.emplace_back("unknown endpoint", admin.Get("/api/no-such-thing"));
  answers.emplace_back("not signed in", anon.Get("/api/me"));
  answers.emplace_back("bad login", anon.Login("officer_a", "Wrong@2026x"));
  answers.emplace_back("no csrf", admin.Put("/api/users/" + std::to_string(officer_a_id_), json::object(), false));
  answers.emplace_back("permission", officer.Get("/api/audit"));
  answers.emplace_back("malformed json", admin.Post("/api/users", std::string("{not json")));
  answers.emplace_back("bad id", admin.Get("/api/users/abc"));
  answers.emplace_back("not found", admin.Get("/api/users/999999"));
  answers.emplace_back("bad page", admin.Get("/api/users?page_size=500"));
  answers.emplace_back("wrong method", admin.Delete("/api/health"));
  answers.emplace_back("wrong method put", admin.Put("/api/me", json::object()));
  answers.emplace_back("missing body field", admin.Post("/api/users", json::object()));
  answers.emplace_back("conflict", admin.Post("/api/users", json{{"username", "officer_a"},
                                                                 {"display_name", "x"},
                                                                 {"password", "Abcdef#2026"},
                                                                 {"roles", {"case_officer"}},
                                                                 {"unit_id", team_a_}}));
  for (const auto& [what, r] : answers) {
    EXPECT_GE(r.status, 400) << what;
    EXPECT_LT(r.status, 500) << what;
    ExpectErrorShape(r, what);
  }
}

TEST_F(SecurityTest, UnknownMethodsAnswer405WithAllowAndJson) {
  auto c = SignedIn("admin");
  auto r = c.Delete("/api/health");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.find("Allow")->second, "GET");
  ExpectErrorShape(r, "DELETE /api/health");
  for (const char* method_text : {"OPTIONS", "TRACE", "FOO", "PROPFIND"}) {
    const std::string method = method_text;
    const std::string raw =
        RawRequest(port_, method + " /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    SCOPED_TRACE(method + ": " + raw);
    ASSERT_FALSE(raw.empty());
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 405")) << raw.substr(0, 40);
    // cpp-httplib does not even parse the path of a method it does not know: Allow lists all of ours.
    const bool parsed_path = method == "OPTIONS" || method == "TRACE";
    EXPECT_NE(raw.find(parsed_path ? "\r\nAllow: GET\r\n" : "\r\nAllow: GET, POST, PUT, PATCH, DELETE\r\n"),
              std::string::npos);
    const auto body_at = raw.find("\r\n\r\n");
    ASSERT_NE(body_at, std::string::npos);
    Response parsed;
    parsed.json = json::parse(raw.substr(body_at + 4), nullptr, false);
    ExpectErrorShape(parsed, method);
    EXPECT_EQ(parsed.Code(), "method_not_allowed");
  }
}

// ---- 4. passwords and accounts ----

TEST_F(SecurityTest, PasswordMustNotContainTheUsernameInAnyCase) {
  auto c = SignedIn("admin");
  auto r = c.Post("/api/users", json{{"username", "pwtest"},
                                     {"display_name", "测试"},
                                     {"password", "PWTEST#2026ab"},
                                     {"roles", {"case_officer"}},
                                     {"unit_id", team_a_}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Code(), "weak_password");
  EXPECT_EQ(r.json["error"]["field"], "password");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM users WHERE username = 'pwtest'"), 0);
}

TEST_F(SecurityTest, TheLastFivePasswordsCannotBeReused) {
  auto c = SignedIn("officer_a");
  std::string current = kPassword;
  const std::vector<std::string> next = {"Second#2026a", "Third#2026ab", "Fourth#2026a", "Fifth#2026ab"};
  for (const auto& p : next) {
    auto r = c.Post("/api/me/password", json{{"old_password", current}, {"new_password", p}});
    ASSERT_EQ(r.status, 200) << r.body;
    current = p;
  }
  // The original and each of the four since are among the last five: refused, nothing changes.
  for (const std::string& old : {std::string(kPassword), next[0], next[1], next[2]}) {
    auto r = c.Post("/api/me/password", json{{"old_password", current}, {"new_password", old}});
    EXPECT_EQ(r.status, 400) << old << " " << r.body;
    EXPECT_EQ(r.Code(), "password_reused");
    EXPECT_EQ(r.json["error"]["field"], "new_password");
  }
  EXPECT_EQ(NewClient().Login("officer_a", current).status, 200);
  // A sixth change pushes the original out of the last five.
  auto r = c.Post("/api/me/password", json{{"old_password", current}, {"new_password", "Sixth#2026ab"}});
  ASSERT_EQ(r.status, 200) << r.body;
  r = c.Post("/api/me/password", json{{"old_password", "Sixth#2026ab"}, {"new_password", kPassword}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(SecurityTest, AdministratorResetCannotReuseARecentPassword) {
  auto admin = SignedIn("admin");
  auto r =
      admin.Post("/api/users/" + std::to_string(officer_a_id_) + "/reset-password", json{{"new_password", kPassword}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Code(), "password_reused");
}

// A disabled account answers exactly like a wrong password, with the right password or not.
TEST_F(SecurityTest, DisabledAccountIsNoPasswordOracle) {
  auto admin = SignedIn("admin");
  ASSERT_EQ(admin.Put("/api/users/" + std::to_string(officer_a_id_), json{{"active", false}}).status, 200);
  auto right = NewClient().Login("officer_a", kPassword);
  auto wrong = NewClient().Login("officer_a", "Wrong@2026x");
  EXPECT_EQ(right.status, wrong.status);
  EXPECT_EQ(right.body, wrong.body);
  EXPECT_EQ(right.Code(), "invalid_credentials");
}

// Thirty-five successful sign-ins from one office address: none is throttled (the limit counts failures).
TEST_F(SecurityTest, AddressLimitCountsFailuresOnly) {
  httplib::Client raw("127.0.0.1", port_);
  const std::string good = json{{"username", "officer_a"}, {"password", kPassword}}.dump();
  for (int i = 0; i < 35; ++i) {
    auto r = raw.Post("/api/auth/login", {{"X-Forwarded-For", "203.0.113.50"}}, good, "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << i << " " << r->body;
  }
  const std::string bad = json{{"username", "nobody"}, {"password", kPassword}}.dump();
  int throttled = 0;
  for (int i = 0; i < 35; ++i) {
    auto r = raw.Post("/api/auth/login", {{"X-Forwarded-For", "203.0.113.50"}}, bad, "application/json");
    ASSERT_TRUE(r);
    if (r->status == 429) ++throttled;
  }
  EXPECT_EQ(throttled, 5);
}

// ---- 5. SQLite file mode ----

TEST_F(SecurityTest, SqliteFilesAreOwnerOnly) {
  if (db_.is_postgres()) GTEST_SKIP() << "SQLite only";
  auto c = SignedIn("officer_a");  // writes: the WAL and SHM exist
  const std::string path = db_.url().substr(std::string("sqlite:").size());
  for (const std::string& f : {path, path + "-wal", path + "-shm"}) {
    struct stat st {};
    ASSERT_EQ(::stat(f.c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 0777, 0600) << f << " mode " << std::oct << (st.st_mode & 0777);
  }
}

// ---- 6. 三员分立 ----

TEST_F(SecurityTest, SystemAdministratorCannotGiveOrTakeTheThreeAdministratorRoles) {
  const std::int64_t auditor_id = Scalar("SELECT id FROM users WHERE username = 'auditor'");
  const std::int64_t secadmin_id = Scalar("SELECT id FROM users WHERE username = 'secadmin'");
  auto admin = SignedIn("admin");
  // Creating an account with one of the three roles (the auditor-to-be whose password admin knows).
  for (const char* role_text : {"audit_admin", "sec_admin", "sys_admin"}) {
    const std::string role = role_text;
    auto r = admin.Post("/api/users", json{{"username", "new_" + role},
                                           {"display_name", "新三员"},
                                           {"password", "Start#2026ab"},
                                           {"roles", {role}},
                                           {"unit_id", bureau_}});
    EXPECT_EQ(r.status, 403) << role << " " << r.body;
    EXPECT_EQ(r.Code(), "separated_admin_needs_security_admin");
    ExpectErrorShape(r, role);
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM users WHERE username LIKE 'new_%'"), 0);
  // Turning the auditor into a system administrator, taking the role away, giving it to an officer.
  const std::string auditor_path = "/api/users/" + std::to_string(auditor_id);
  const std::string officer_path = "/api/users/" + std::to_string(officer_a_id_);
  EXPECT_EQ(admin.Put(auditor_path, json{{"roles", {"sys_admin"}}}).Code(), "separated_admin_needs_security_admin");
  EXPECT_EQ(admin.Put(auditor_path, json{{"roles", {"case_officer"}}}).Code(), "separated_admin_needs_security_admin");
  EXPECT_EQ(admin.Put(officer_path, json{{"roles", {"audit_admin"}}}).Code(), "separated_admin_needs_security_admin");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM user_roles WHERE user_id = " + std::to_string(auditor_id) +
                   " AND role = 'audit_admin'"),
            1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM user_roles WHERE role = 'audit_admin'"), 1);
  // Resetting the auditor's (or the security administrator's) password and signing in as them.
  for (const std::int64_t id : {auditor_id, secadmin_id}) {
    auto r = admin.Post("/api/users/" + std::to_string(id) + "/reset-password", json{{"new_password", "Taken#2026ab"}});
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.Code(), "separated_admin_needs_security_admin");
  }
  EXPECT_EQ(NewClient().Login("auditor", "Taken#2026ab").status, 401);
  EXPECT_EQ(NewClient().Login("auditor", kPassword).status, 200);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM notifications"), 0);
  // Business roles and passwords stay with the system administrator.
  EXPECT_EQ(admin.Put(officer_path, json{{"roles", {"legal_officer"}}}).status, 200);
  EXPECT_EQ(admin.Post(officer_path + "/reset-password", json{{"new_password", "Reset#2026ab"}}).status, 200);
}

TEST_F(SecurityTest, SecurityAdministratorGivesAdministratorRolesAuditedAndNotified) {
  const std::int64_t auditor_id = Scalar("SELECT id FROM users WHERE username = 'auditor'");
  const std::int64_t secadmin_id = Scalar("SELECT id FROM users WHERE username = 'secadmin'");
  auto notices = [&](std::int64_t user) {
    return Scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'security' AND user_id = " + std::to_string(user));
  };
  auto sec = SignedIn("secadmin");
  auto r = sec.Post("/api/users", json{{"username", "auditor2"},
                                       {"display_name", "审计员二"},
                                       {"password", "Start#2026ab"},
                                       {"roles", {"audit_admin"}},
                                       {"unit_id", bureau_}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(AuditCount("user.create"), 1);
  // The other two duties hear of it (the system administrators and the auditors), not the actor.
  EXPECT_EQ(notices(admin_id_), 1);
  EXPECT_EQ(notices(auditor_id), 1);
  EXPECT_EQ(notices(secadmin_id), 0);
  EXPECT_EQ(notices(officer_a_id_), 0);
  // The security administrator does not hand out business roles.
  EXPECT_EQ(sec.Post("/api/users", json{{"username", "biz"},
                                        {"display_name", "业务"},
                                        {"password", "Start#2026ab"},
                                        {"roles", {"case_officer"}},
                                        {"unit_id", team_a_}})
                .status,
            403);

  ASSERT_EQ(sec.Put("/api/users/" + std::to_string(officer_a_id_), json{{"roles", {"sys_admin"}}}).status, 200);
  EXPECT_EQ(notices(admin_id_), 2);
  EXPECT_EQ(notices(auditor_id), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'user.update' AND object_id = '" +
                   std::to_string(officer_a_id_) + "'"),
            1);

  r = sec.Post("/api/users/" + std::to_string(auditor_id) + "/reset-password", json{{"new_password", "Reset#2026ab"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(AuditCount("user.password_reset"), 1);
  EXPECT_EQ(notices(admin_id_), 3);
  EXPECT_EQ(notices(auditor_id), 3);
  EXPECT_EQ(
      sec.Post("/api/users/" + std::to_string(secadmin_id) + "/reset-password", json{{"new_password", "Self#2026abc"}})
          .Code(),
      "self_password_reset");
}

// ---- 7. bureau-wide supervision settings ----

TEST_F(SecurityTest, BureauWideSettingsNeedABureauLevelHolder) {
  AddUser("east_legal", "legal_officer", team_a_);
  auto east = SignedIn("east_legal");
  const auto gates_before = east.Get("/api/oversight/review-gates");
  ASSERT_EQ(gates_before.status, 200);
  const auto catalog_before = Scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'oversight.%'");
  std::vector<std::pair<std::string, Response>> refused;
  refused.emplace_back("gates", east.Put("/api/oversight/review-gates", json{{"gates", json::array()}}));
  refused.emplace_back("activate", east.Post("/api/oversight/catalog/versions/1/activate", json::object()));
  refused.emplace_back("calendar activate", east.Post("/api/oversight/calendar/versions/1/activate", json::object()));
  refused.emplace_back("sweep", east.Post("/api/oversight/sweep", json::object()));
  refused.emplace_back("reevaluation", east.Post("/api/oversight/reevaluation", json::object()));
  refused.emplace_back("catalog", east.Put("/api/oversight/catalog", json{{"catalog", json::object()}}));
  for (const auto& [what, r] : refused) {
    EXPECT_EQ(r.status, 403) << what << " " << r.body;
    EXPECT_EQ(r.Code(), "bureau_level_required") << what;
    ExpectErrorShape(r, what);
  }
  EXPECT_EQ(east.Get("/api/oversight/review-gates").json, gates_before.json);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'oversight.%'"), catalog_before);

  // A rule administrator at the bureau, and one of the bureau's 法制大队, may.
  const std::int64_t legal_unit = AddUnit(bureau_, "法制大队", "team");
  AddUser("fazhi_legal", "legal_officer", legal_unit);
  AddUser("bureau_legal", "legal_officer", bureau_);
  for (const char* who : {"fazhi_legal", "bureau_legal"}) {
    auto c = SignedIn(who);
    EXPECT_EQ(c.Post("/api/oversight/sweep", json::object()).status, 200) << who;
    EXPECT_EQ(c.Put("/api/oversight/review-gates", gates_before.json).status, 200) << who;
  }
}

// ---- 4. 督办 and case officers across scope ----

// A 派出所 officer creating or editing a case may name as 主办/协办 only people of his own scope; the
// bureau's 法制员 may be bound from anywhere in the bureau (捆绑法制员, the documented cross-unit
// rule). A refused person answers exactly like a person id that does not exist, and the answer
// never carries the person's name.
TEST_F(SecurityTest, CaseOfficersOutsideTheCreatorsScopeAnswerLikeNonexistentPeople) {
  const std::int64_t mine = AddPerson(team_a_, "东街甲");
  const std::int64_t theirs = AddPerson(team_b_, "西街乙");
  const std::int64_t their_aux = AddPerson(team_b_, "西街辅丙", "辅警");
  const std::int64_t legal_unit = AddUnit(bureau_, "法制大队", "team");
  const std::int64_t legal = AddPerson(legal_unit, "法制丁", "民警", true);
  const std::int64_t not_legal = AddPerson(legal_unit, "大队戊");
  constexpr std::int64_t kNobody = 987654;
  auto a = SignedIn("officer_a");
  auto body = [&](json extra) {
    json b = {{"case_type", "criminal"}, {"cause", "盗窃"}, {"unit_id", team_a_}, {"lead_officer_id", mine}};
    for (auto it = extra.begin(); it != extra.end(); ++it) b[it.key()] = it.value();
    return b;
  };
  const auto cases_before = Scalar("SELECT COUNT(*) FROM cases");
  struct Probe {
    const char* what;
    json refused, nonexistent;
  };
  const std::vector<Probe> probes = {
      {"lead", body({{"lead_officer_id", theirs}}), body({{"lead_officer_id", kNobody}})},
      {"lead 辅警", body({{"lead_officer_id", their_aux}}), body({{"lead_officer_id", kNobody}})},
      {"assist", body({{"assist_officer_ids", {theirs}}}), body({{"assist_officer_ids", {kNobody}}})},
      {"legal not 法制员", body({{"legal_officer_id", not_legal}}), body({{"legal_officer_id", kNobody}})},
  };
  for (const auto& p : probes) {
    const Response refused = a.Post("/api/cases", p.refused);
    const Response nonexistent = a.Post("/api/cases", p.nonexistent);
    EXPECT_EQ(refused.status, 400) << p.what << " " << refused.body;
    EXPECT_EQ(ErrorOf(refused), ErrorOf(nonexistent)) << p.what;
    for (const char* name : {"西街乙", "西街辅丙", "大队戊", "西街派出所"})
      EXPECT_EQ(refused.body.find(name), std::string::npos) << p.what << " " << refused.body;
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cases"), cases_before);

  // The bureau's 法制员 from the 法制大队 may be bound.
  const Response created = a.Post("/api/cases", body({{"legal_officer_id", legal}}));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/api/cases/" + std::to_string(created.json["id"].get<std::int64_t>());
  // Editing: the same rule.
  for (const auto& [refused, nonexistent] :
       std::vector<std::pair<json, json>>{{{{"lead_officer_id", theirs}}, {{"lead_officer_id", kNobody}}},
                                          {{{"assist_officer_ids", {theirs}}}, {{"assist_officer_ids", {kNobody}}}},
                                          {{{"legal_officer_id", not_legal}}, {{"legal_officer_id", kNobody}}}}) {
    const Response r = a.Put(path, refused);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(ErrorOf(r), ErrorOf(a.Put(path, nonexistent)));
    EXPECT_EQ(r.body.find("西街乙"), std::string::npos) << r.body;
  }
  EXPECT_EQ(a.Get(path).json["lead_officer"]["id"], mine);
  // A bureau-level account sees both 派出所 and may name either.
  AddUser("bureau_officer", "case_officer", bureau_);
  EXPECT_EQ(SignedIn("bureau_officer").Post("/api/cases", body({{"lead_officer_id", theirs}})).status, 201);
}

// A 督办 names as 责任民警 only someone the issuer may see; another 派出所's officer answers like a
// person who does not exist, and his name is not in the answer.
TEST_F(SecurityTest, OrderResponsibleOutsideTheIssuersScopeAnswersLikeANonexistentPerson) {
  const std::int64_t mine = AddPerson(team_a_, "东街甲");
  const std::int64_t theirs = AddPerson(team_b_, "西街乙");
  AddUser("legal_a", "legal_officer", team_a_);
  const Response c =
      SignedIn("officer_a")
          .Post("/api/cases",
                json{{"case_type", "criminal"}, {"cause", "盗窃"}, {"unit_id", team_a_}, {"lead_officer_id", mine}});
  ASSERT_EQ(c.status, 201) << c.body;
  auto legal = SignedIn("legal_a");
  auto order = [&](std::int64_t person) {
    return legal.Post("/api/supervision-orders", json{{"source", "manual"},
                                                      {"case_id", c.json["id"]},
                                                      {"problem_type", "程序"},
                                                      {"opinion", "请补充材料"},
                                                      {"responsible_person_id", person},
                                                      {"deadline", kStart + 7 * 86400}});
  };
  const Response refused = order(theirs);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(ErrorOf(refused), ErrorOf(order(987654)));
  EXPECT_EQ(refused.body.find("西街乙"), std::string::npos);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM supervision_orders"), 0);
  const Response ok = order(mine);
  EXPECT_EQ(ok.status, 201) << ok.body;
}

// ---- 7. existence oracles ----

// A 督办 citing a violation of a case the issuer cannot see answers exactly like a violation that
// does not exist.
TEST_F(SecurityTest, OrderOnAnOutOfScopeViolationAnswersLikeANonexistentOne) {
  const std::int64_t theirs = AddPerson(team_b_, "西街乙");
  const Response c =
      SignedIn("officer_b")
          .Post("/api/cases",
                json{{"case_type", "criminal"}, {"cause", "盗窃"}, {"unit_id", team_b_}, {"lead_officer_id", theirs}});
  ASSERT_EQ(c.status, 201) << c.body;
  const std::int64_t violation =
      app_->db()
          .Write([&](soci::session& sql) -> Result<std::int64_t> {
            db::SqlArgs a;
            return db::Insert(sql,
                              fmt::format("INSERT INTO violations (bureau_id, case_id, unit_id, "
                                          "officer_id, rule_id, clock_key, kind, detected_at, message) "
                                          "VALUES ({}, {}, {}, {}, 'CRIM-01', 'k', 'overdue', {}, "
                                          "'西街乙超期') RETURNING id",
                                          a.Int(bureau_), a.Int(c.json["id"].get<std::int64_t>()), a.Int(team_b_),
                                          a.Int(theirs), a.Int(kStart)),
                              a);
          })
          .value();
  AddUser("legal_a", "legal_officer", team_a_);
  auto legal = SignedIn("legal_a");
  auto order = [&](std::int64_t id) {
    return legal.Post(
        "/api/supervision-orders",
        json{{"source", "violation"}, {"source_id", id}, {"opinion", "请整改"}, {"deadline", kStart + 7 * 86400}});
  };
  const Response refused = order(violation);
  EXPECT_EQ(refused.status, 404) << refused.body;
  EXPECT_EQ(ErrorOf(refused), ErrorOf(order(violation + 1000)));
  EXPECT_EQ(refused.body.find("西街"), std::string::npos);
  // The bureau's 法制员 may.
  AddUser("legal_bureau", "legal_officer", bureau_);
  EXPECT_EQ(SignedIn("legal_bureau")
                .Post("/api/supervision-orders", json{{"source", "violation"},
                                                      {"source_id", violation},
                                                      {"opinion", "请整改"},
                                                      {"deadline", kStart + 7 * 86400}})
                .status,
            201);
}

// 案件编号 are unique per 分县局 (the 警综 numbers; imports match on them), so a number taken by
// another 派出所's case cannot be accepted. The answer names neither that case nor its unit and does
// not say it "exists": a neutral 409 external_id_unavailable. A duplicate the caller can see keeps
// the helpful answer (duplicate_external_id), which tells him nothing he cannot look up.
TEST_F(SecurityTest, DuplicateCaseNumberOfAnotherUnitIsANeutralAnswer) {
  const std::int64_t mine = AddPerson(team_a_, "东街甲");
  const std::int64_t theirs = AddPerson(team_b_, "西街乙");
  auto create = [&](const char* user, std::int64_t unit, std::int64_t lead) {
    return SignedIn(user).Post("/api/cases", json{{"case_type", "criminal"},
                                                  {"cause", "盗窃"},
                                                  {"title", "西街秘密案件"},
                                                  {"unit_id", unit},
                                                  {"lead_officer_id", lead},
                                                  {"external_id", "A3201002026010100001"}});
  };
  ASSERT_EQ(create("officer_b", team_b_, theirs).status, 201);
  const auto before = Scalar("SELECT COUNT(*) FROM cases");
  const Response other = create("officer_a", team_a_, mine);
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(other.Code(), "external_id_unavailable");
  ExpectErrorShape(other, "other unit");
  for (const char* leak : {"已存在", "西街", "秘密"}) EXPECT_EQ(other.body.find(leak), std::string::npos) << other.body;
  const Response own = create("officer_b", team_b_, theirs);
  EXPECT_EQ(own.status, 409);
  EXPECT_EQ(own.Code(), "duplicate_external_id");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cases"), before);
}

// ---- 9. slow clients ----

class SlowClientTest : public SecurityTest {
 protected:
  void Configure(Config& c) override {
    c.http_threads = 16;
    c.header_timeout_seconds = 2;
    c.max_connections_per_address = 8;
  }
  // A TCP connection to the server from local address `from` (any 127.x.y.z is this machine).
  int Connect(const char* from) const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &local.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return -1;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port_));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return -1;
    return fd;
  }
  // Whether the server has closed `fd` (end of stream or reset), waiting at most `ms`.
  static bool ClosedByServer(int fd, int ms) {
    timeval tv{.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[512];
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }
};

// 100 clients from one address that trickle a header line every half second (the attack held 110
// connections this way and /api/health timed out for 75 s): beyond 8 per address they are turned
// away, the rest are cut off when their request head is 2 s late, and /api/health keeps answering
// within a second from another address all along.
TEST_F(SlowClientTest, SlowHeaderTricklersDoNotStarveTheServer) {
  std::vector<int> slow;
  for (int i = 0; i < 100; ++i) {
    const int fd = Connect("127.0.0.2");
    ASSERT_GE(fd, 0) << "connect " << i;
    (void)::send(fd, "GET /api/health HTTP/1.1\r\nHost: x\r\n", 36, MSG_NOSIGNAL);
    slow.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    while (!stop) {
      for (int fd : slow) (void)::send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL | MSG_DONTWAIT);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  // A single trickler from a third address: under the per-address limit, so only the header
  // deadline ends it.
  const int lone = Connect("127.0.0.3");
  ASSERT_GE(lone, 0);
  (void)::send(lone, "GET /api/health HTTP/1.1\r\n", 26, MSG_NOSIGNAL);
  std::thread lone_trickle([&] {
    for (int i = 0; i < 12 && !stop; ++i) {
      (void)::send(lone, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL | MSG_DONTWAIT);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });

  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  double worst_ms = 0;
  int answered = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < until) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = client.Get("/api/health");
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    worst_ms = std::max(worst_ms, ms);
    if (r && r->status == 200) ++answered;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const bool lone_closed = ClosedByServer(lone, 4000);
  stop = true;
  trickle.join();
  lone_trickle.join();
  EXPECT_GE(answered, 10);
  EXPECT_LT(worst_ms, 1000.0) << "slowest /api/health while 100 slow clients were connected";
  EXPECT_TRUE(lone_closed) << "a request head trickled for more than 2 s is cut off";
  // None of the 100 is still open: each was turned away or timed out.
  int open = 0;
  for (int fd : slow) open += ClosedByServer(fd, 3000) ? 0 : 1;
  EXPECT_EQ(open, 0);
  for (int fd : slow) ::close(fd);
  ::close(lone);
}

// A request whose head arrives in time is not cut off while its body is read and handled, and a
// kept-alive connection serves further requests.
TEST_F(SlowClientTest, OrdinaryRequestsAndKeepAliveAreUnaffected) {
  httplib::Client client("127.0.0.1", port_);
  client.set_keep_alive(true);
  for (int i = 0; i < 5; ++i) {
    auto r = client.Get("/api/health");
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(600));  // 3 s in all: more than the head deadline
  }
  auto login = SignedIn("officer_a");
  EXPECT_EQ(login.Get("/api/me").status, 200);
}

}  // namespace
}  // namespace fazhi::testing
