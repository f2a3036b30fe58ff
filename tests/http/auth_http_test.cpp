// Foundation behaviour over real HTTP on 127.0.0.1: sign-in, sessions, CSRF, lock-out, TOTP,
// password policy, roles, scope, bad input and the audit trail.
#include "auth/totp.h"
#include "http/http_fixture.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

TEST_F(ServerTest, HealthIsPublicAndCarriesSecurityHeaders) {
  auto c = NewClient();
  auto r = c.Get("/api/health");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["status"], "ok");
  EXPECT_EQ(r.json["backend"], db_.is_postgres() ? "postgresql" : "sqlite");
  EXPECT_EQ(r.headers.find("X-Content-Type-Options")->second, "nosniff");
  EXPECT_NE(r.headers.find("Content-Security-Policy"), r.headers.end());
  EXPECT_FALSE(r.headers.find("X-Request-Id")->second.empty());
}

TEST_F(ServerTest, UnknownEndpointAndWrongMethodAreJsonErrors) {
  auto c = SignedIn("admin");
  auto r = c.Get("/api/no-such-thing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Code(), "no_such_endpoint");
  r = c.Delete("/api/health");
  EXPECT_EQ(r.status, 405);
}

TEST_F(ServerTest, LoginSetsHttpOnlyStrictCookieAndMeWorks) {
  auto c = NewClient();
  EXPECT_EQ(c.Get("/api/me").status, 401);
  auto r = c.Login("admin", kPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string set_cookie = r.headers.find("Set-Cookie")->second;
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  auto me = c.Get("/api/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json["username"], "admin");
  EXPECT_EQ(me.json["unit"]["name"], "城区分局");
  EXPECT_EQ(me.json["csrf_token"], c.csrf());
  EXPECT_EQ(me.json["role_names"][0], "系统管理员");
  // Logout ends the session server-side: the old cookie no longer works.
  const std::string old_cookie = c.cookie();
  EXPECT_EQ(c.Post("/api/auth/logout", json::object()).status, 200);
  c.cookie() = old_cookie;
  EXPECT_EQ(c.Get("/api/me").status, 401);
}

TEST_F(ServerTest, WrongPasswordIsAuditedAndLocksAfterFiveFailures) {
  auto c = NewClient();
  for (int i = 0; i < 4; ++i) {
    auto r = c.Login("officer_a", "Wrong@2026x");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.Code(), "invalid_credentials");
    EXPECT_EQ(r.Message(), "用户名或密码错误");
  }
  EXPECT_EQ(c.Login("officer_a", "Wrong@2026x").status, 401);  // fifth failure locks
  auto locked = c.Login("officer_a", kPassword);
  EXPECT_EQ(locked.status, 403);
  EXPECT_EQ(locked.Code(), "account_locked");
  clock_->Advance(16 * 60);
  EXPECT_EQ(c.Login("officer_a", kPassword).status, 200);

  auto auditor = SignedIn("auditor");
  auto a = auditor.Get("/api/audit?object_type=user&object_id=" + std::to_string(officer_a_id_) +
                       "&action=auth.account_locked");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.json["total"], 1);
}

// The 安全管理员's to-do: GET /api/users?locked=1 counts the accounts locked now.
TEST_F(ServerTest, LockedAccountsAreListedForTheSecurityAdministrator) {
  auto sec = SignedIn("secadmin");
  EXPECT_EQ(sec.Get("/api/users?locked=1").json["total"], 0);
  auto c = NewClient();
  for (int i = 0; i < 5; ++i) c.Login("officer_a", "Wrong@2026x");
  auto r = sec.Get("/api/users?locked=1");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["total"], 1) << r.body;
  EXPECT_EQ(r.json["items"][0]["username"], "officer_a");
  EXPECT_EQ(sec.Get("/api/users?locked=maybe").status, 400);
  clock_->Advance(16 * 60);  // the lock has run out
  EXPECT_EQ(sec.Get("/api/users?locked=1").json["total"], 0);
}

TEST_F(ServerTest, UnknownUserAndIpThrottle) {
  auto c = NewClient();
  EXPECT_EQ(c.Login("nobody", kPassword).Code(), "invalid_credentials");
  int throttled = 0;
  for (int i = 0; i < 35; ++i)
    if (c.Login("nobody", kPassword).status == 429) ++throttled;
  EXPECT_GE(throttled, 5);
}

// Behind a trusted reverse proxy (the fixture trusts 127.0.0.1) the throttle counts the address in
// X-Forwarded-For: one sprayed address is refused, another still gets in, and the audit row and the
// session carry the forwarded address.
TEST_F(ServerTest, ThrottleAndAuditUseTheForwardedAddress) {
  httplib::Client raw("127.0.0.1", port_);
  const std::string wrong = json{{"username", "nobody"}, {"password", kPassword}}.dump();
  int throttled = 0;
  for (int i = 0; i < 40; ++i) {
    auto r = raw.Post("/api/auth/login", {{"X-Forwarded-For", "198.51.100.7"}}, wrong, "application/json");
    ASSERT_TRUE(r);
    if (r->status == 429) ++throttled;
  }
  EXPECT_GE(throttled, 5);
  const std::string good = json{{"username", "officer_a"}, {"password", kPassword}}.dump();
  auto ok = raw.Post("/api/auth/login", {{"X-Forwarded-For", "203.0.113.9"}}, good, "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  auto text = [&](const std::string& q) {
    return app_->db().Read([&](soci::session& sql) {
      std::string v;
      sql << q, soci::into(v);
      return v;
    });
  };
  EXPECT_EQ(text("SELECT ip FROM sessions ORDER BY created_at DESC LIMIT 1"), "203.0.113.9");
  EXPECT_EQ(text("SELECT ip FROM audit_log WHERE action = 'auth.login' ORDER BY id DESC LIMIT 1"), "203.0.113.9");
}

TEST_F(ServerTest, WritesNeedTheCsrfToken) {
  auto c = SignedIn("admin");
  json body = {{"display_name", "改名"}};
  auto r = c.Put("/api/users/" + std::to_string(officer_a_id_), body, /*with_csrf=*/false);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.Code(), "csrf_missing");
  c.csrf() = "forged";
  r = c.Put("/api/users/" + std::to_string(officer_a_id_), body);
  EXPECT_EQ(r.Code(), "csrf_invalid");
  // Nothing changed.
  auto fresh = SignedIn("admin");
  EXPECT_EQ(fresh.Get("/api/users/" + std::to_string(officer_a_id_)).json["display_name"], "officer_a");
}

TEST_F(ServerTest, IdleSessionExpires) {
  auto c = SignedIn("officer_a");
  clock_->Advance(29 * 60);
  EXPECT_EQ(c.Get("/api/me").status, 200);  // activity keeps it alive
  clock_->Advance(29 * 60);
  EXPECT_EQ(c.Get("/api/me").status, 200);
  clock_->Advance(31 * 60);
  auto r = c.Get("/api/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Code(), "session_expired");
}

TEST_F(ServerTest, BadJsonIsRejectedWithFieldAndChangesNothing) {
  auto c = SignedIn("admin");
  const std::string path = "/api/users/" + std::to_string(officer_a_id_);
  auto r = c.Post("/api/users", std::string("{not json"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "malformed_json");
  r = c.Put(path, json{{"display_name", 42}});
  EXPECT_EQ(r.Code(), "wrong_type");
  EXPECT_EQ(r.json["error"]["field"], "display_name");
  r = c.Put(path, json{{"display_name", std::string(40, 'x')}});
  EXPECT_EQ(r.Code(), "too_long");
  r = c.Put(path, json{{"display_name", "好"}, {"is_root", true}});
  EXPECT_EQ(r.Code(), "unknown_field");
  EXPECT_EQ(c.Get(path).json["display_name"], "officer_a");
  r = c.Get("/api/users/abc");
  EXPECT_EQ(r.status, 400);
  r = c.Get("/api/users?page_size=500");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["error"]["field"], "page_size");
}

TEST_F(ServerTest, RolesGateEndpoints) {
  auto officer = SignedIn("officer_a");
  EXPECT_EQ(officer.Get("/api/audit").status, 403);
  EXPECT_EQ(officer.Get("/api/users").status, 403);
  EXPECT_EQ(officer.Get("/api/audit").Code(), "permission_denied");
  auto admin = SignedIn("admin");
  EXPECT_EQ(admin.Get("/api/audit").status, 403);  // 三员分立: the user administrator cannot read the audit
  EXPECT_EQ(admin.Get("/api/security/policy").status, 403);
  auto auditor = SignedIn("auditor");
  EXPECT_EQ(auditor.Get("/api/users").status, 403);
  EXPECT_EQ(auditor.Get("/api/audit").status, 200);
}

TEST_F(ServerTest, SeparatedAdministratorRolesCannotBeCombined) {
  auto c = SignedIn("admin");
  auto r = c.Post("/api/users", json{{"username", "both"},
                                     {"display_name", "兼任"},
                                     {"password", "Both@2026x"},
                                     {"roles", {"sys_admin", "audit_admin"}},
                                     {"unit_id", bureau_}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "invalid_roles");
  EXPECT_EQ(c.Get("/api/users?q=both").json["total"], 0);
}

TEST_F(ServerTest, NewAccountMustChangePasswordFirst) {
  auto admin = SignedIn("admin");
  auto r = admin.Post("/api/users", json{{"username", "newbie"},
                                         {"display_name", "新同事"},
                                         {"password", "First@2026x"},
                                         {"roles", {"case_officer"}},
                                         {"unit_id", team_a_}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto weak = admin.Post("/api/users", json{{"username", "weakling"},
                                            {"display_name", "弱密码"},
                                            {"password", "password"},
                                            {"roles", {"case_officer"}},
                                            {"unit_id", team_a_}});
  EXPECT_EQ(weak.Code(), "weak_password");

  auto c = NewClient();
  ASSERT_EQ(c.Login("newbie", "First@2026x").status, 200);
  EXPECT_EQ(c.Get("/api/me").json["must_change_password"], true);
  EXPECT_EQ(c.Get("/api/roles").Code(), "password_change_required");
  EXPECT_EQ(c.Post("/api/me/password", json{{"old_password", "First@2026x"}, {"new_password", "short"}}).Code(),
            "weak_password");
  EXPECT_EQ(c.Post("/api/me/password", json{{"old_password", "First@2026x"}, {"new_password", "Second@2026x"}}).status,
            200);
  EXPECT_EQ(c.Get("/api/roles").status, 200);
}

TEST_F(ServerTest, ScopeHidesOtherUnitsAccounts) {
  auto admin_a = SignedIn("admin_a");
  auto list = admin_a.Get("/api/users?page_size=100");
  ASSERT_EQ(list.status, 200);
  for (const auto& u : list.json["items"]) EXPECT_EQ(u["unit_id"], team_a_) << u.dump();
  EXPECT_EQ(admin_a.Get("/api/users/" + std::to_string(officer_b_id_)).status, 404);
  auto r = admin_a.Put("/api/users/" + std::to_string(officer_b_id_), json{{"display_name", "越权"}});
  EXPECT_EQ(r.status, 404);
  // Moving one's own officer to another unit outside scope is refused too.
  r = admin_a.Put("/api/users/" + std::to_string(officer_a_id_), json{{"unit_id", team_b_}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["error"]["field"], "unit_id");
  auto admin = SignedIn("admin");
  EXPECT_EQ(admin.Get("/api/users/" + std::to_string(officer_b_id_)).json["display_name"], "officer_b");
}

TEST_F(ServerTest, TotpSecondFactor) {
  auto c = SignedIn("officer_a");
  auto setup = c.Post("/api/me/totp/setup", json::object());
  ASSERT_EQ(setup.status, 200) << setup.body;
  const std::string secret = setup.json["secret"];
  EXPECT_TRUE(setup.json["otpauth_uri"].get<std::string>().starts_with("otpauth://totp/"));
  const auto raw = auth::Base32Decode(secret).value();
  EXPECT_EQ(c.Post("/api/me/totp/enable", json{{"code", "000000"}}).Code(), "invalid_totp");
  ASSERT_EQ(c.Post("/api/me/totp/enable", json{{"code", auth::TotpCode(raw, kStart / 30)}}).status, 200);

  clock_->Advance(60);
  auto d = NewClient();
  auto r = d.Login("officer_a", kPassword);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Code(), "totp_required");
  const std::string code = auth::TotpCode(raw, clock_->Now() / 30);
  EXPECT_EQ(d.Login("officer_a", kPassword, code).status, 200);
  auto replay = NewClient().Login("officer_a", kPassword, code);
  EXPECT_EQ(replay.Code(), "invalid_totp");  // a code works once
}

TEST_F(ServerTest, SecurityAdminCanRequireTotpForAdministrators) {
  auto sec = SignedIn("secadmin");
  ASSERT_EQ(sec.Put("/api/security/policy", json{{"admin_totp_required", true}}).status, 200);
  auto admin = SignedIn("admin");
  EXPECT_EQ(admin.Get("/api/users").Code(), "totp_setup_required");
  EXPECT_EQ(admin.Get("/api/me").status, 200);
  auto officer = SignedIn("officer_a");  // business roles are not affected
  EXPECT_EQ(officer.Get("/api/roles").status, 200);
}

TEST_F(ServerTest, AuditRecordsWritesAndVerifiesTheChain) {
  auto admin = SignedIn("admin");
  ASSERT_EQ(admin.Put("/api/users/" + std::to_string(officer_a_id_), json{{"display_name", "张警官"}}).status, 200);
  auto auditor = SignedIn("auditor");
  auto r = auditor.Get("/api/audit?user=admin&object_type=user&object_id=" + std::to_string(officer_a_id_));
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.json["total"], 1);
  const auto& row = r.json["items"][0];
  EXPECT_EQ(row["action"], "user.update");
  EXPECT_EQ(row["detail"]["before"]["display_name"], "officer_a");
  EXPECT_EQ(row["detail"]["after"]["display_name"], "张警官");
  auto v = auditor.Get("/api/audit/verify");
  EXPECT_EQ(v.json["ok"], true) << v.body;
  const std::int64_t rows = v.json["rows"];
  EXPECT_GE(rows, 3);

  // The database refuses edits and deletes of audit rows.
  EXPECT_ANY_THROW(app_->db().Read([](soci::session& sql) {
    sql << "UPDATE audit_log SET summary = 'x' WHERE id = 1";
    return 0;
  }));
  EXPECT_ANY_THROW(app_->db().Read([](soci::session& sql) {
    sql << "DELETE FROM audit_log WHERE id = 2";
    return 0;
  }));
  // Someone with direct database access drops the guard and edits row 2: verify names it.
  app_->db().Read([&](soci::session& sql) {
    if (db_.is_postgres())
      sql << "DROP TRIGGER audit_log_no_update ON audit_log";
    else
      sql << "DROP TRIGGER audit_log_no_update";
    sql << "UPDATE audit_log SET summary = '篡改' WHERE id = 2";
    return 0;
  });
  auto bad = audit::Verify(app_->db());
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.first_bad_id, 2);
  v = auditor.Get("/api/audit/verify");
  EXPECT_EQ(v.json["ok"], false);
  EXPECT_EQ(v.json["first_bad_id"], 2);
}

TEST_F(ServerTest, DeletingTheNewestAuditRowIsCaught) {
  SignedIn("admin");
  app_->db().Read([&](soci::session& sql) {
    if (db_.is_postgres())
      sql << "DROP TRIGGER audit_log_no_update ON audit_log";
    else
      sql << "DROP TRIGGER audit_log_no_delete";
    sql << "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)";
    return 0;
  });
  auto rep = audit::Verify(app_->db());
  EXPECT_FALSE(rep.ok);
  EXPECT_NE(rep.message.find("删除"), std::string::npos) << rep.message;
}

}  // namespace
}  // namespace fazhi::testing
