// Shared fixture of the org tests: a fresh migrated database (SQLite, or PostgreSQL when
// FAZHI_TEST_DB is a postgresql:// URL) holding
//   市局 → 城区分局 → { 东街派出所 (A), 西街派出所 (B), 法制大队 }
// and helpers to act as users of those units.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "auth/roles.h"
#include "auth/vault.h"
#include "core/clock.h"
#include "db/database.h"
#include "db/sql.h"
#include "org/org_service.h"
#include "support/test_db.h"

namespace fazhi::org::testing {

// A valid 身份证号 built from 17 digits (GB 11643 check character appended).
inline std::string IdNumber(const std::string& first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return first17 + "10X98765432"[sum % 11];
}

class OrgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = tdb_.Open();
    auto v = auth::Vault::Open(tdb_.key_file(), true);
    ASSERT_TRUE(v.has_value());
    vault_ = std::make_unique<auth::Vault>(std::move(*v));
    service_ = std::make_unique<OrgService>(*db_, clock_, *vault_);
    auto city = service_->CreateRootUnit(system_, {.name = "晋城市公安局", .level = "city"});
    ASSERT_TRUE(city.has_value()) << city.error().message;
    city_ = *city;
    root_ = WithPerms("root", city_, {"org.read", "org.write", "people.read", "people.write", "people.pii"});
    bureau_ = MustUnit(city_.id, "城区分局", "bureau");
    station_a_ = MustUnit(bureau_.id, "东街派出所", "team", "派出所");
    station_b_ = MustUnit(bureau_.id, "西街派出所", "team", "派出所");
    legal_team_ = MustUnit(bureau_.id, "法制大队", "team", "法制大队");
  }

  Unit MustUnit(std::int64_t parent, const std::string& name, const std::string& level,
                const std::string& category = "") {
    auto u = service_->CreateUnit(root_, Act(root_),
                                  {.parent_id = parent, .name = name, .level = level, .category = category});
    EXPECT_TRUE(u.has_value()) << (u ? "" : u.error().message);
    return u.value_or(Unit{});
  }

  // A caller with the given roles, working in `unit`.
  auth::Principal As(const std::string& username, const Unit& unit, std::vector<std::string> roles) {
    auth::Principal p = WithPerms(username, unit, {});
    p.roles = roles;
    p.permissions = auth::PermissionsOf(roles);
    return p;
  }
  // A caller with exactly these permissions.
  auth::Principal WithPerms(const std::string& username, const Unit& unit, std::set<std::string> perms) {
    auth::Principal p;
    p.user_id = ++next_user_id_;
    p.username = username;
    p.permissions = std::move(perms);
    p.unit_id = unit.id;
    p.unit_name = unit.name;
    p.unit_path = unit.path;
    p.bureau_id = unit.bureau_id;
    return p;
  }
  audit::Actor Act(const auth::Principal& p) {
    return {.user_id = p.user_id, .username = p.username, .bureau_id = p.bureau_id, .ip = "127.0.0.1"};
  }

  Person MustPerson(const auth::Principal& who, PersonInput in) {
    auto p = service_->CreatePerson(who, Act(who), in);
    EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
    return p.value_or(Person{});
  }

  std::int64_t Count(const std::string& query) {
    return db_->Read([&](soci::session& sql) { return db::Count(sql, query); });
  }
  std::int64_t AuditCount(const std::string& action) {
    return Count("SELECT COUNT(*) FROM audit_log WHERE action = '" + action + "'");
  }
  std::int64_t AuditTotal() { return Count("SELECT COUNT(*) FROM audit_log"); }

  // Every column of every person, as text, in id order: compares database states.
  std::vector<std::string> PeopleSnapshot() {
    return db_->Read([&](soci::session& sql) {
      std::vector<std::string> out;
      db::Each(sql,
               "SELECT id, bureau_id, unit_id, name, badge_no, kind, position, is_legal_officer, "
               "id_number_enc, id_number_hash, phone_enc, active, created_at, updated_at FROM people ORDER BY id",
               {}, [&](const db::Row& r) {
                 std::string line;
                 for (int i = 0; i < r.size(); ++i) line += std::string(r.TextAt(i)) + "|";
                 out.push_back(line);
               });
      return out;
    });
  }

  fazhi::testing::TestDb tdb_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{1735689600};  // 2025-01-01 08:00 +08:00
  std::unique_ptr<auth::Vault> vault_;
  std::unique_ptr<OrgService> service_;
  audit::Actor system_{.username = "system"};
  std::int64_t next_user_id_ = 0;
  Unit city_, bureau_, station_a_, station_b_, legal_team_;
  auth::Principal root_;
};

}  // namespace fazhi::org::testing
