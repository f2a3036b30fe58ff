// `fazhi demo`: counts, logins, generated personal data, idempotence.
#include "org/org_demo.h"

#include <gtest/gtest.h>

#include "auth/password.h"
#include "db/sql.h"
#include "org/org_fixture.h"

namespace fazhi::org {
namespace {

class DemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = tdb_.Open();
    auto v = auth::Vault::Open(tdb_.key_file(), true);
    ASSERT_TRUE(v.has_value());
    vault_ = std::make_unique<auth::Vault>(std::move(*v));
  }
  std::int64_t Count(const std::string& q) {
    return db_->Read([&](soci::session& sql) { return db::Count(sql, q); });
  }

  fazhi::testing::TestDb tdb_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{1735689600};
  std::unique_ptr<auth::Vault> vault_;
};

TEST_F(DemoTest, GeneratesTheOrganisationOnceAndOnlyOnce) {
  auto first = GenerateDemo(*db_, clock_, *vault_);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_FALSE(first->already_present);
  EXPECT_EQ(first->units, 14);
  EXPECT_EQ(first->people, 400);
  EXPECT_EQ(first->users, 9);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM units"), 14);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM units WHERE level = 'team'"), 12);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM people"), 400);
  EXPECT_GT(Count("SELECT COUNT(*) FROM people WHERE kind = '辅警'"), 100);
  EXPECT_GE(Count("SELECT COUNT(*) FROM people WHERE is_legal_officer = 1"), 30);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE must_change_password = 0 AND bureau_id IS NOT NULL"), 9);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM user_roles"), 9);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT id_number_hash) FROM people"), 400);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM people p JOIN units u ON u.id = p.unit_id WHERE p.bureau_id <> u.bureau_id"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'demo.generate'"), 1);
  const auto audit_rows = Count("SELECT COUNT(*) FROM audit_log");

  // Roles and units of the logins.
  auto role_of = [&](const std::string& user) {
    return db_->Read([&](soci::session& sql) {
      std::string role, unit, hash;
      sql << "SELECT r.role, un.name, u.password_hash FROM users u JOIN user_roles r ON r.user_id = u.id JOIN units "
             "un ON un.id = u.unit_id WHERE u.username = :u",
          soci::use(user), soci::into(role), soci::into(unit), soci::into(hash);
      return std::vector<std::string>{role, unit, hash};
    });
  };
  EXPECT_EQ(role_of("sysadmin")[0], "sys_admin");
  EXPECT_EQ(role_of("sysadmin")[1], "城区分局");
  EXPECT_EQ(role_of("fazhiyuan")[0], "legal_officer");
  EXPECT_EQ(role_of("fazhiyuan")[1], "法制大队");
  EXPECT_EQ(role_of("minjing")[0], "case_officer");
  EXPECT_NE(role_of("minjing")[1].find("派出所"), std::string::npos);
  EXPECT_EQ(role_of("zhiyuan")[0], "volunteer_admin");
  EXPECT_TRUE(auth::VerifyPassword(kDemoPassword, role_of("leader")[2]));

  // Generated PII is valid, and only a fake area code is used.
  const auto plain = db_->Read([&](soci::session& sql) {
    std::string id_enc, phone_enc;
    sql << "SELECT id_number_enc, phone_enc FROM people ORDER BY id DESC LIMIT 1", soci::into(id_enc),
        soci::into(phone_enc);
    return std::make_pair(*vault_->Decrypt(id_enc), *vault_->Decrypt(phone_enc));
  });
  EXPECT_TRUE(auth::IsValidIdNumber(plain.first)) << plain.first;
  EXPECT_EQ(plain.first.substr(0, 6), "140599");
  EXPECT_TRUE(auth::IsValidMobile(plain.second)) << plain.second;

  auto second = GenerateDemo(*db_, clock_, *vault_);
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->already_present);
  EXPECT_EQ(second->units, 14);
  EXPECT_EQ(second->people, 400);
  EXPECT_EQ(second->users, 9);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM people"), 400);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), audit_rows);
}

}  // namespace
}  // namespace fazhi::org
