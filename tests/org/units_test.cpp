// Units: scope, level rules, path/bureau computation, rename, delete rules, audit rows.
#include <gtest/gtest.h>

#include "org/org_fixture.h"

namespace fazhi::org {
namespace {

using testing::OrgTest;

std::vector<std::string> Names(const std::vector<Unit>& units) {
  std::vector<std::string> out;
  for (const auto& u : units) out.push_back(u.name);
  return out;
}

TEST_F(OrgTest, PathAndBureauAreComputed) {
  EXPECT_EQ(city_.path, "/" + std::to_string(city_.id) + "/");
  EXPECT_EQ(bureau_.path, city_.path + std::to_string(bureau_.id) + "/");
  EXPECT_EQ(station_a_.path, bureau_.path + std::to_string(station_a_.id) + "/");
  EXPECT_EQ(city_.bureau_id, city_.id);
  EXPECT_EQ(bureau_.bureau_id, bureau_.id);
  EXPECT_EQ(station_a_.bureau_id, bureau_.id);
  EXPECT_EQ(station_a_.parent_id, bureau_.id);
}

TEST_F(OrgTest, ListIsScopedToTheCallersSubtree) {
  auto whole = service_->ListUnits(As("leader", bureau_, {"leader"}));
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(Names(*whole), (std::vector<std::string>{"城区分局", "东街派出所", "西街派出所", "法制大队"}));
  auto a = service_->ListUnits(As("minjing", station_a_, {"case_officer"}));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(Names(*a), std::vector<std::string>{"东街派出所"});
}

TEST_F(OrgTest, PersonCountCountsActivePeopleOfTheUnit) {
  MustPerson(root_, {.name = "张三", .badge_no = "141001", .kind = "民警", .unit_id = station_a_.id});
  auto p = MustPerson(root_, {.name = "李四", .badge_no = "141002", .kind = "民警", .unit_id = station_a_.id});
  ASSERT_TRUE(service_->DeactivatePerson(root_, Act(root_), p.id).has_value());
  auto u = service_->GetUnit(root_, station_a_.id);
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->person_count, 1);
}

TEST_F(OrgTest, OutOfScopeUnitsLookMissing) {
  const auto a_admin = As("admin_a", station_a_, {"sys_admin"});
  auto get = service_->GetUnit(a_admin, station_b_.id);
  ASSERT_FALSE(get.has_value());
  EXPECT_EQ(get.error().code, ErrorCode::kNotFound);
  auto rename = service_->UpdateUnit(a_admin, Act(a_admin), station_b_.id, {.name = "改名"});
  ASSERT_FALSE(rename.has_value());
  EXPECT_EQ(rename.error().code, ErrorCode::kNotFound);
  auto del = service_->DeleteUnit(a_admin, Act(a_admin), station_b_.id);
  ASSERT_FALSE(del.has_value());
  EXPECT_EQ(del.error().code, ErrorCode::kNotFound);
  const auto bureau_admin = As("admin_b", station_b_, {"sys_admin"});
  auto create =
      service_->CreateUnit(bureau_admin, Act(bureau_admin), {.parent_id = bureau_.id, .name = "新所", .level = "team"});
  ASSERT_FALSE(create.has_value());
  EXPECT_EQ(create.error().code, ErrorCode::kNotFound);
}

TEST_F(OrgTest, LevelsMustDescend) {
  auto team_under_team =
      service_->CreateUnit(root_, Act(root_), {.parent_id = station_a_.id, .name = "警务室", .level = "team"});
  ASSERT_FALSE(team_under_team.has_value());
  EXPECT_EQ(team_under_team.error().code, ErrorCode::kInvalidArgument);
  auto bureau_under_bureau =
      service_->CreateUnit(root_, Act(root_), {.parent_id = bureau_.id, .name = "某分局", .level = "bureau"});
  ASSERT_FALSE(bureau_under_bureau.has_value());
  EXPECT_EQ(bureau_under_bureau.error().field, "level");
  auto bad_level = service_->CreateUnit(root_, Act(root_), {.parent_id = bureau_.id, .name = "x", .level = "squad"});
  ASSERT_FALSE(bad_level.has_value());
  EXPECT_EQ(bad_level.error().field, "level");
  // A team directly under the city (市局直属支队) belongs to the city.
  auto direct = service_->CreateUnit(root_, Act(root_), {.parent_id = city_.id, .name = "刑警支队", .level = "team"});
  ASSERT_TRUE(direct.has_value());
  EXPECT_EQ(direct->bureau_id, city_.id);
}

TEST_F(OrgTest, NamesAreUniqueUnderAParentAndValidated) {
  auto dup = service_->CreateUnit(root_, Act(root_), {.parent_id = bureau_.id, .name = "东街派出所", .level = "team"});
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  auto slash = service_->CreateUnit(root_, Act(root_), {.parent_id = bureau_.id, .name = "a/b", .level = "team"});
  ASSERT_FALSE(slash.has_value());
  EXPECT_EQ(slash.error().field, "name");
  auto rename = service_->UpdateUnit(root_, Act(root_), station_b_.id, {.name = "东街派出所"});
  ASSERT_FALSE(rename.has_value());
  EXPECT_EQ(rename.error().code, ErrorCode::kConflict);
}

TEST_F(OrgTest, RenameAndRecodeAreAudited) {
  const auto before = AuditCount("unit.update");
  auto u = service_->UpdateUnit(root_, Act(root_), station_b_.id, {.name = "西关派出所", .code = "CQ-XG"});
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(u->name, "西关派出所");
  EXPECT_EQ(u->code, "CQ-XG");
  EXPECT_EQ(AuditCount("unit.update"), before + 1);
  // Nothing changed → nothing written.
  ASSERT_TRUE(service_->UpdateUnit(root_, Act(root_), station_b_.id, {.name = "西关派出所"}).has_value());
  EXPECT_EQ(AuditCount("unit.update"), before + 1);
}

TEST_F(OrgTest, DeleteOnlyEmptyUnits) {
  auto with_children = service_->DeleteUnit(root_, Act(root_), bureau_.id);
  ASSERT_FALSE(with_children.has_value());
  EXPECT_EQ(with_children.error().code, ErrorCode::kConflict);
  EXPECT_NE(with_children.error().message.find("下级单位"), std::string::npos);

  MustPerson(root_, {.name = "张三", .badge_no = "141001", .kind = "民警", .unit_id = station_a_.id});
  auto with_people = service_->DeleteUnit(root_, Act(root_), station_a_.id);
  ASSERT_FALSE(with_people.has_value());
  EXPECT_EQ(with_people.error().code, ErrorCode::kConflict);
  EXPECT_NE(with_people.error().message.find("人员"), std::string::npos);

  const auto before = AuditCount("unit.delete");
  ASSERT_TRUE(service_->DeleteUnit(root_, Act(root_), station_b_.id).has_value());
  EXPECT_EQ(AuditCount("unit.delete"), before + 1);
  auto gone = service_->GetUnit(root_, station_b_.id);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
}

TEST_F(OrgTest, DeleteRefusedWhileUsersBelong) {
  (void)db_->Write([&](soci::session& sql) -> Result<void> {
    long long unit = station_b_.id, now = 1;
    sql << "INSERT INTO users (username, display_name, password_hash, unit_id, created_at, updated_at) "
           "VALUES ('u1', 'U', 'x', :u, :t, :t2)",
        soci::use(unit), soci::use(now), soci::use(now);
    return {};
  });
  auto r = service_->DeleteUnit(root_, Act(root_), station_b_.id);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_NE(r.error().message.find("账号"), std::string::npos);
}

TEST_F(OrgTest, WritesNeedOrgWrite) {
  const auto intake = As("jiebao", bureau_, {"intake"});
  auto r = service_->CreateUnit(intake, Act(intake), {.parent_id = bureau_.id, .name = "新所", .level = "team"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  EXPECT_TRUE(service_->ListUnits(intake).has_value());
}

TEST_F(OrgTest, UnitCreationIsAudited) {
  EXPECT_EQ(AuditCount("unit.create"), 5);  // city, bureau, three teams in SetUp
}

}  // namespace
}  // namespace fazhi::org
