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
#include <set>
#include <thread>

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

}  // namespace
}  // namespace fazhi::testing
