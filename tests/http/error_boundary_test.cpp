// The one error boundary (STYLE §7): an unexpected failure answers 500 with the request id and a
// generic Chinese message — never the database's text — and every error has the documented shape.
#include <gtest/gtest.h>

#include "db/sql.h"
#include "http/http_fixture.h"

namespace fazhi::testing {
namespace {

TEST_F(ServerTest, ADatabaseFailureAnswers500WithTheRequestIdAndNoDatabaseText) {
  Client admin = SignedIn("admin");
  ASSERT_EQ(admin.Get("/api/units").status, 200);
  // Break the table the route reads, as a failed disk or a bad migration would.
  app_->db().Write([&](soci::session& sql) -> Result<void> {
    db::Exec(sql, "ALTER TABLE units RENAME TO units_broken_xyz");
    return {};
  });
  Response r = admin.Get("/api/units");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.Code(), "internal");
  const std::string rid =
      r.headers.find("X-Request-Id") != r.headers.end() ? r.headers.find("X-Request-Id")->second : "";
  ASSERT_FALSE(rid.empty());
  EXPECT_NE(r.Message().find(rid), std::string::npos) << r.Message();
  for (const char* leak : {"units", "units_broken_xyz", "no such table", "relation", "sqlite", "SQL", "soci"})
    EXPECT_EQ(r.body.find(leak), std::string::npos) << "the answer leaks \"" << leak << "\": " << r.body;
  EXPECT_TRUE(r.json["error"].contains("field"));
  EXPECT_TRUE(r.json["error"]["field"].is_null());
  app_->db().Write([&](soci::session& sql) -> Result<void> {
    db::Exec(sql, "ALTER TABLE units_broken_xyz RENAME TO units");
    return {};
  });
  EXPECT_EQ(admin.Get("/api/units").status, 200);
}

// The same through a service that turns a database exception into an Internal error value: its
// text (the database's message) is logged, not sent.
TEST_F(ServerTest, AnInternalErrorValueIsNotSentEither) {
  Client officer = SignedIn("officer_a");
  ASSERT_EQ(officer.Get("/api/alerts").status, 200);
  app_->db().Write([&](soci::session& sql) -> Result<void> {
    db::Exec(sql, "ALTER TABLE alerts RENAME TO alerts_broken_xyz");
    return {};
  });
  Response r = officer.Get("/api/alerts");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.Code(), "internal");
  for (const char* leak : {"alerts", "no such table", "relation", "does not exist"})
    EXPECT_EQ(r.body.find(leak), std::string::npos) << "the answer leaks \"" << leak << "\": " << r.body;
}

TEST_F(ServerTest, ErrorsHaveTheDocumentedShapeAndAWrongMethodIs405WithAllow) {
  Client admin = SignedIn("admin");
  Response missing = admin.Get("/api/units/999999");
  EXPECT_EQ(missing.status, 404);
  ASSERT_TRUE(missing.json.contains("error"));
  EXPECT_TRUE(missing.json["error"].contains("code"));
  EXPECT_TRUE(missing.json["error"].contains("message"));
  EXPECT_TRUE(missing.json["error"].contains("field"));

  Response wrong = admin.Put("/api/health", nlohmann::json::object());
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Code(), "method_not_allowed");
  auto allow = wrong.headers.find("Allow");
  ASSERT_NE(allow, wrong.headers.end());
  EXPECT_EQ(allow->second, "GET");
}

// A path parameter or an unknown path that is not UTF-8 once decoded is quoted in the error message:
// the answer is still the documented 4xx JSON (the byte replaced by U+FFFD), not a 500.
TEST_F(ServerTest, ErrorsQuotingBytesThatAreNotUtf8AreStillJson) {
  Client admin = SignedIn("admin");
  Response bad_id = admin.Get("/api/units/%FF%FE");
  EXPECT_EQ(bad_id.status, 400) << bad_id.body;
  EXPECT_EQ(bad_id.Code(), "invalid_id");
  EXPECT_NE(bad_id.Message().find("\xEF\xBF\xBD"), std::string::npos) << bad_id.Message();
  Response unknown = admin.Get("/api/no-such-%FF");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(unknown.Code(), "no_such_endpoint");
}

}  // namespace
}  // namespace fazhi::testing
