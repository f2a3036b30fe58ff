// People: validation, uniqueness, PII encryption/masking/auditing, filters, paging, scope.
#include <gtest/gtest.h>

#include "db/sql.h"
#include "org/org_fixture.h"

namespace fazhi::org {
namespace {

using testing::IdNumber;
using testing::OrgTest;

class PeopleTest : public OrgTest {
 protected:
  void SetUp() override {
    OrgTest::SetUp();
    id_a_ = IdNumber("14059919800101123");
    zhang_ = MustPerson(root_, {.name = "张三丰",
                                .badge_no = "141001",
                                .kind = "民警",
                                .unit_id = station_a_.id,
                                .position = "所长",
                                .id_number = id_a_,
                                .phone = "13812345678"});
    MustPerson(
        root_,
        {.name = "李四", .badge_no = "141002", .kind = "民警", .unit_id = station_a_.id, .is_legal_officer = true});
    MustPerson(root_, {.name = "王五", .badge_no = "FJ0001", .kind = "辅警", .unit_id = station_a_.id});
    wang_b_ = MustPerson(root_, {.name = "张小明",
                                 .badge_no = "142001",
                                 .kind = "民警",
                                 .unit_id = station_b_.id,
                                 .id_number = IdNumber("14059919900202456"),
                                 .phone = "13900001111"});
  }

  std::vector<std::string> ListNames(const auth::Principal& who, PersonFilter f, PageRequest page = {}) {
    auto r = service_->ListPeople(who, Act(who), f, page);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    std::vector<std::string> out;
    if (r)
      for (const auto& p : r->items) out.push_back(p.name);
    return out;
  }

  std::string id_a_;
  Person zhang_, wang_b_;
};

TEST_F(PeopleTest, PiiIsEncryptedAtRestWithABlindIndex) {
  auto raw = db_->Read([&](soci::session& sql) {
    db::SqlArgs a;
    std::vector<std::string> out;
    db::First(sql, "SELECT id_number_enc, id_number_hash, phone_enc FROM people WHERE id = " + a.Int(zhang_.id), a,
              [&](const db::Row& r) {
                out = {r.Str("id_number_enc"), r.Str("id_number_hash"), r.Str("phone_enc")};
              });
    return out;
  });
  EXPECT_FALSE(raw[0].empty());
  EXPECT_NE(raw[0], id_a_);
  EXPECT_EQ(raw[0].find(id_a_), std::string::npos);
  EXPECT_EQ(raw[1], vault_->BlindIndex(id_a_));
  EXPECT_EQ(raw[2].find("13812345678"), std::string::npos);
  auto plain = vault_->Decrypt(raw[0]);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(*plain, id_a_);
}

TEST_F(PeopleTest, MaskedWithoutPiiPermissionAndNotAudited) {
  const auto officer = As("minjing", station_a_, {"case_officer"});
  const auto before = AuditCount("person.read_pii");
  auto p = service_->GetPerson(officer, Act(officer), zhang_.id);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->id_number, auth::MaskIdNumber(id_a_));
  EXPECT_EQ(p->phone, "138****5678");
  EXPECT_FALSE(p->pii_visible);
  auto list = service_->ListPeople(officer, Act(officer), {}, {});
  ASSERT_TRUE(list.has_value());
  for (const auto& x : list->items) EXPECT_TRUE(x.id_number.empty() || x.id_number.find('*') != std::string::npos);
  EXPECT_EQ(AuditCount("person.read_pii"), before);
}

TEST_F(PeopleTest, UnmaskedReadsAreAudited) {
  const auto leader = As("leader", bureau_, {"leader"});
  const auto before = AuditCount("person.read_pii");
  auto p = service_->GetPerson(leader, Act(leader), zhang_.id);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->id_number, id_a_);
  EXPECT_EQ(p->phone, "13812345678");
  EXPECT_EQ(AuditCount("person.read_pii"), before + 1);
  auto list = service_->ListPeople(leader, Act(leader), {}, {});
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(AuditCount("person.read_pii"), before + 2);
  const auto rows = audit::Search(*db_, {.action = "person.read_pii"});
  ASSERT_FALSE(rows.items.empty());
  EXPECT_EQ(rows.items.front().username, "leader");
  // The audit trail itself never holds plaintext PII.
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%" + id_a_ + "%' OR summary LIKE '%" + id_a_ + "%'"), 0);
}

TEST_F(PeopleTest, OtherStationsPeopleAreInvisible) {
  const auto a_user = WithPerms("a_admin", station_a_, {"people.read", "people.write", "people.pii"});
  EXPECT_EQ(ListNames(a_user, {}), (std::vector<std::string>{"张三丰", "李四", "王五"}));
  for (auto r : {service_->GetPerson(a_user, Act(a_user), wang_b_.id),
                 service_->UpdatePerson(a_user, Act(a_user), wang_b_.id, {.name = "改名"}),
                 service_->DeactivatePerson(a_user, Act(a_user), wang_b_.id)}) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  }
  auto filtered = service_->ListPeople(a_user, Act(a_user), {.unit_id = station_b_.id}, {});
  ASSERT_FALSE(filtered.has_value());
  EXPECT_EQ(filtered.error().code, ErrorCode::kNotFound);
  // Moving someone into B or creating someone in B is refused the same way.
  auto move = service_->UpdatePerson(a_user, Act(a_user), zhang_.id, {.unit_id = station_b_.id});
  ASSERT_FALSE(move.has_value());
  EXPECT_EQ(move.error().code, ErrorCode::kNotFound);
  auto create = service_->CreatePerson(
      a_user, Act(a_user), {.name = "赵六", .badge_no = "141009", .kind = "民警", .unit_id = station_b_.id});
  ASSERT_FALSE(create.has_value());
  EXPECT_EQ(create.error().code, ErrorCode::kNotFound);
  // A duplicate 警号 held in B is refused without naming the holder.
  auto dup = service_->CreatePerson(a_user, Act(a_user),
                                    {.name = "赵六", .badge_no = "142001", .kind = "民警", .unit_id = station_a_.id});
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup.error().message.find("张小明"), std::string::npos);
}

TEST_F(PeopleTest, ValidationNamesTheField) {
  struct Case {
    PersonInput in;
    std::string field;
  } cases[] = {
      {{.name = "赵六", .badge_no = "12345", .kind = "民警", .unit_id = station_a_.id}, "badge_no"},
      {{.name = "", .badge_no = "141009", .kind = "民警", .unit_id = station_a_.id}, "name"},
      {{.name = "赵六", .badge_no = "141009", .kind = "协警", .unit_id = station_a_.id}, "kind"},
      {{.name = "赵六", .badge_no = "141009", .kind = "民警", .unit_id = station_a_.id, .id_number = "123"},
       "id_number"},
      {{.name = "赵六", .badge_no = "141009", .kind = "民警", .unit_id = station_a_.id, .phone = "010-1234"}, "phone"},
      {{.name = "赵六", .kind = "民警", .unit_id = station_a_.id}, "badge_no"},
  };
  const auto before = PeopleSnapshot();
  for (const auto& c : cases) {
    auto r = service_->CreatePerson(root_, Act(root_), c.in);
    ASSERT_FALSE(r.has_value()) << c.field;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field, c.field);
    EXPECT_FALSE(r.error().message.empty());
  }
  EXPECT_EQ(PeopleSnapshot(), before);
}

TEST_F(PeopleTest, DuplicatesConflict) {
  auto badge = service_->CreatePerson(root_, Act(root_),
                                      {.name = "赵六", .badge_no = "141001", .kind = "民警", .unit_id = station_a_.id});
  ASSERT_FALSE(badge.has_value());
  EXPECT_EQ(badge.error().code, ErrorCode::kConflict);
  EXPECT_EQ(badge.error().field, "badge_no");
  auto id = service_->CreatePerson(
      root_, Act(root_),
      {.name = "赵六", .badge_no = "141009", .kind = "民警", .unit_id = station_a_.id, .id_number = id_a_});
  ASSERT_FALSE(id.has_value());
  EXPECT_EQ(id.error().code, ErrorCode::kConflict);
  EXPECT_EQ(id.error().field, "id_number");
}

TEST_F(PeopleTest, FiltersSearchAndSubtree) {
  EXPECT_EQ(ListNames(root_, {.q = "张"}), (std::vector<std::string>{"张三丰", "张小明"}));
  EXPECT_EQ(ListNames(root_, {.q = "三丰"}), std::vector<std::string>{"张三丰"});
  EXPECT_EQ(ListNames(root_, {.q = "1420"}), std::vector<std::string>{"张小明"});
  EXPECT_TRUE(ListNames(root_, {.q = "%"}).empty());
  EXPECT_TRUE(ListNames(root_, {.q = "_"}).empty());
  EXPECT_EQ(ListNames(root_, {.kind = "辅警"}), std::vector<std::string>{"王五"});
  EXPECT_EQ(ListNames(root_, {.legal_officer = true}), std::vector<std::string>{"李四"});
  EXPECT_EQ(ListNames(root_, {.unit_id = station_b_.id}), std::vector<std::string>{"张小明"});
  EXPECT_EQ(ListNames(root_, {.unit_id = bureau_.id}).size(), 4u);
}

TEST_F(PeopleTest, PagingAndSorting) {
  auto page = service_->ListPeople(root_, Act(root_), {}, {.page = 2, .page_size = 3, .sort = "badge_no"});
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->total, 4);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].badge_no, "FJ0001");
  auto desc = service_->ListPeople(root_, Act(root_), {}, {.page_size = 1, .sort = "badge_no", .descending = true});
  ASSERT_TRUE(desc.has_value());
  EXPECT_EQ(desc->items.at(0).badge_no, "FJ0001");
}

TEST_F(PeopleTest, UpdateDeactivateAndAudit) {
  const auto updates = AuditCount("person.update");
  auto u = service_->UpdatePerson(root_, Act(root_), zhang_.id, {.position = "教导员", .phone = ""});
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(u->position, "教导员");
  EXPECT_EQ(u->phone, "");
  EXPECT_EQ(u->id_number, id_a_);
  EXPECT_EQ(AuditCount("person.update"), updates + 1);
  // A no-op update writes nothing.
  const auto snap = PeopleSnapshot();
  ASSERT_TRUE(service_->UpdatePerson(root_, Act(root_), zhang_.id, {.position = "教导员"}).has_value());
  EXPECT_EQ(PeopleSnapshot(), snap);
  EXPECT_EQ(AuditCount("person.update"), updates + 1);

  auto d = service_->DeactivatePerson(root_, Act(root_), zhang_.id);
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->active);
  EXPECT_EQ(AuditCount("person.deactivate"), 1);
  EXPECT_EQ(ListNames(root_, {.unit_id = station_a_.id}), (std::vector<std::string>{"李四", "王五"}));
  EXPECT_EQ(ListNames(root_, {.unit_id = station_a_.id, .active = std::nullopt}).size(), 3u);
  ASSERT_TRUE(service_->DeactivatePerson(root_, Act(root_), zhang_.id).has_value());  // idempotent
  EXPECT_EQ(AuditCount("person.deactivate"), 1);
}

TEST_F(PeopleTest, ReadOnlyRolesCannotWrite) {
  const auto inspector = As("xuncha", bureau_, {"inspector"});
  auto r = service_->UpdatePerson(inspector, Act(inspector), zhang_.id, {.name = "x"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  const auto intake = As("jiebao", bureau_, {"intake"});
  auto l = service_->ListPeople(intake, Act(intake), {}, {});
  ASSERT_FALSE(l.has_value());
  EXPECT_EQ(l.error().code, ErrorCode::kForbidden);
}

}  // namespace
}  // namespace fazhi::org
