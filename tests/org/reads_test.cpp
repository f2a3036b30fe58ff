// The shared reads other modules use to pick whom to notify in a unit (org::UnitHeadUsers and its
// parts) and how far a caller reaches (org::ReachOf), on SQLite and PostgreSQL.
#include <fmt/format.h>

#include "org/org_reads.h"
#include "org_fixture.h"

namespace fazhi::org::testing {
namespace {

class ReadsTest : public OrgTest {
 protected:
  // An account of `unit` with these roles, optionally tied to a person; returns its id.
  std::int64_t Account(const std::string& username, std::int64_t unit, std::vector<std::string> roles,
                       std::optional<std::int64_t> person = std::nullopt, bool active = true) {
    return db_
        ->Write([&](soci::session& sql) -> Result<std::int64_t> {
          db::SqlArgs a;
          const std::int64_t id = db::Insert(
              sql,
              fmt::format("INSERT INTO users (username, display_name, password_hash, unit_id, person_id, active, "
                          "created_at, updated_at) VALUES ({}, {}, 'x', {}, {}, {}, 0, 0) RETURNING id",
                          a.Str(username), a.Str(username), a.Int(unit), a.OptInt(person), a.Int(active ? 1 : 0)),
              a);
          for (const auto& role : roles) {
            db::SqlArgs r;
            db::Exec(sql, fmt::format("INSERT INTO user_roles (user_id, role) VALUES ({}, {})", r.Int(id), r.Str(role)),
                     r);
          }
          return id;
        })
        .value();
  }
  std::int64_t Officer(const std::string& name, const std::string& badge, std::int64_t unit,
                       const std::string& position) {
    return MustPerson(root_, {.name = name, .badge_no = badge, .kind = "民警", .unit_id = unit, .position = position})
        .id;
  }
  template <typename F>
  std::vector<std::int64_t> Read(F f) {
    return db_->Read([&](soci::session& sql) { return f(sql); });
  }
  using Ids = std::vector<std::int64_t>;
};

TEST_F(ReadsTest, UnitHeadUsersPrefersLeaderAccountsThenHeadsByPosition) {
  const std::int64_t chief = Officer("赵所长", "141101", station_a_.id, "派出所所长");
  Officer("钱民警", "141102", station_a_.id, "社区民警");
  const std::int64_t chief_user = Account("zhao", station_a_.id, {"officer"}, chief);
  const std::int64_t legal_user = Account("fzy_a", station_a_.id, {"legal_officer"});
  Account("gone_leader", station_a_.id, {"leader"}, std::nullopt, false);  // inactive: never counted

  // No active leader account: the account of the person whose position names a head.
  EXPECT_EQ(Read([&](auto& sql) { return UnitHeadUsers(sql, station_a_.id); }), Ids{chief_user});
  EXPECT_EQ(Read([&](auto& sql) { return UnitPositionHeadUsers(sql, station_a_.id); }), Ids{chief_user});
  // A leader account wins over the heads by position.
  const std::int64_t leader = Account("leader_a", station_a_.id, {"leader", "officer"});
  EXPECT_EQ(Read([&](auto& sql) { return UnitHeadUsers(sql, station_a_.id); }), Ids{leader});
  // Roles: each account once, ascending, only this unit's.
  Account("leader_b", station_b_.id, {"leader"});
  const std::int64_t both = Account("both_a", station_a_.id, {"leader", "legal_officer"});
  EXPECT_EQ(Read([&](auto& sql) {
              return UnitRoleUsers(sql, station_a_.id, {"legal_officer", "leader"});
            }),
            (Ids{legal_user, leader, both}));
  EXPECT_EQ(Read([&](auto& sql) { return UnitRoleUsers(sql, station_a_.id, {}); }), Ids{});
  // Nobody heads 西街 but its leader; nobody at all in the 法制大队.
  EXPECT_EQ(Read([&](auto& sql) { return UnitPositionHeadUsers(sql, station_b_.id); }), Ids{});
  EXPECT_EQ(Read([&](auto& sql) { return UnitHeadUsers(sql, legal_team_.id); }), Ids{});
}

bool NamedHall(const UnitRef& u) { return u.name == "西街派出所"; }

TEST_F(ReadsTest, ReachOfWidensTheLegalUnitToItsBureau) {
  const auto reach = [&](const Unit& u, bool (*hall)(const UnitRef&) = nullptr) {
    const auth::Principal who = WithPerms("x", u, {});
    return db_->Read([&](soci::session& sql) { return ReachOf(sql, who, hall); });
  };
  const Reach a = reach(station_a_);
  EXPECT_EQ(a.unit_id, station_a_.id);
  EXPECT_EQ(a.bureau_id, bureau_.id);
  EXPECT_EQ(a.path, station_a_.path);
  const Reach legal = reach(legal_team_);
  EXPECT_EQ(legal.unit_id, bureau_.id);
  EXPECT_EQ(legal.bureau_id, bureau_.id);
  EXPECT_EQ(legal.path, bureau_.path);
  EXPECT_EQ(reach(station_b_).path, station_b_.path);
  EXPECT_EQ(reach(station_b_, NamedHall).path, bureau_.path);  // a unit the caller names also widens
  EXPECT_EQ(reach(bureau_).path, bureau_.path);

  EXPECT_TRUE(Under(station_a_.path, bureau_.path));
  EXPECT_FALSE(Under(station_a_.path, station_b_.path));
  EXPECT_FALSE(Under(station_a_.path, ""));
}

}  // namespace
}  // namespace fazhi::org::testing
