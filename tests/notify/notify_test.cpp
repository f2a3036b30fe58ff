// Notifications: notify::Send resolves people to their active accounts, sends once per user and
// key, and records the object a notification opens; each user lists, counts and marks read only
// his own. Both databases (FAZHI_TEST_DB).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "db/sql.h"
#include "notify/notify.h"
#include "notify/notify_service.h"
#include "support/test_db.h"

namespace fazhi {
namespace {

class NotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unit_ = Insert(
        "INSERT INTO units (name, level, category, code, path, created_at, updated_at) VALUES "
        "('城区分局', 'bureau', '', '', '/1/', 1, 1) RETURNING id");
    person_ =
        Insert(fmt::format("INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, position, "
                           "created_at, updated_at) VALUES ({0}, {0}, '张警官', '100001', '民警', '', 1, 1) "
                           "RETURNING id",
                           unit_));
    account_a_ = AddUser("a", person_, true);
    account_b_ = AddUser("b", person_, true);
    AddUser("gone", person_, false);  // inactive: never notified
    other_ = AddUser("other", std::nullopt, true);
  }

  std::int64_t Insert(const std::string& q) {
    return db_->Write([&](soci::session& sql) -> Result<std::int64_t> { return db::Insert(sql, q, {}); }).value();
  }
  std::int64_t AddUser(const std::string& name, std::optional<std::int64_t> person, bool active) {
    return Insert(
        fmt::format("INSERT INTO users (username, display_name, password_hash, unit_id, person_id, active, "
                    "created_at, updated_at) VALUES ('{0}', '{0}', 'x', {1}, {2}, {3}, 1, 1) RETURNING id",
                    name, unit_, person ? std::to_string(*person) : "NULL", active ? 1 : 0));
  }
  int Send(const notify::Message& m, const notify::Recipients& to) {
    return db_->Write([&](soci::session& sql) -> Result<int> { return notify::Send(sql, m, to, clock_.Now()); })
        .value();
  }
  static notify::Message Order(std::int64_t id, const std::string& event) {
    return {.bureau_id = 1,
            .kind = "supervision_order",
            .title = "督办：证据",
            .body = "案件：测试",
            .object_type = "supervision_order",
            .object_id = id,
            .case_id = 34,
            .dedup_key = fmt::format("order:{}:{}", id, event)};
  }
  auth::Principal Who(std::int64_t user) {
    auth::Principal p;
    p.user_id = user;
    return p;
  }

  testing::TestDb tdb_;
  std::unique_ptr<db::Database> db_ = tdb_.Open();
  ManualClock clock_{1'700'000'000};
  std::int64_t unit_ = 0, person_ = 0, account_a_ = 0, account_b_ = 0, other_ = 0;
};

TEST_F(NotifyTest, SendResolvesPeopleOncePerUserAndKey) {
  // The person's two active accounts plus one named directly (and the person's account named twice).
  EXPECT_EQ(Send(Order(12, "created"), {.users = {other_, account_a_}, .persons = {person_}}), 3);
  EXPECT_EQ(Send(Order(12, "created"), {.users = {other_}, .persons = {person_}}), 0);  // same key: nothing
  EXPECT_EQ(Send(Order(12, "answer:7"), {.persons = {person_}}), 2);
  EXPECT_EQ(Send(Order(13, "created"), {}), 0);

  notify::NotificationService s(*db_, clock_);
  auto list = s.List(Who(account_a_), false, {});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->total, 2);
  const auto& n = list->items[0];
  EXPECT_EQ(n.object_type, "supervision_order");
  EXPECT_EQ(n.object_id, 12);
  EXPECT_EQ(n.case_id, 34);
  EXPECT_EQ(n.kind, "supervision_order");
  EXPECT_EQ(n.title, "督办：证据");
  EXPECT_EQ(s.List(Who(other_), false, {})->total, 1);
}

TEST_F(NotifyTest, EachUserReadsAndMarksOnlyHisOwn) {
  notify::NotificationService s(*db_, clock_);
  Send(Order(1, "created"), {.users = {account_a_}});
  clock_.Advance(60);
  Send(Order(2, "created"), {.users = {account_a_}});
  Send(Order(3, "created"), {.users = {other_}});
  auto list = s.List(Who(account_a_), false, {});
  ASSERT_EQ(list->total, 2);
  EXPECT_EQ(list->items[0].object_id, 2);  // newest first
  const std::int64_t older = list->items[1].id;
  EXPECT_EQ(*s.UnreadCount(Who(account_a_)), 2);

  // Somebody else's notification is "not found", like one that does not exist.
  auto other_list = s.List(Who(other_), false, {});
  const auto foreign = s.MarkRead(Who(account_a_), other_list->items[0].id);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(s.MarkRead(Who(account_a_), 999999).error().code, ErrorCode::kNotFound);

  clock_.Advance(60);
  ASSERT_TRUE(s.MarkRead(Who(account_a_), older));
  ASSERT_TRUE(s.MarkRead(Who(account_a_), older));  // again: fine, unchanged
  list = s.List(Who(account_a_), false, {});
  EXPECT_EQ(list->items[0].object_id, 2);  // unread first
  EXPECT_EQ(list->items[1].read_at, clock_.Now());
  EXPECT_EQ(s.List(Who(account_a_), true, {})->total, 1);
  EXPECT_EQ(*s.UnreadCount(Who(account_a_)), 1);
  EXPECT_EQ(*s.MarkAllRead(Who(account_a_)), 1);
  EXPECT_EQ(*s.UnreadCount(Who(account_a_)), 0);
  EXPECT_EQ(*s.UnreadCount(Who(other_)), 1);
}

}  // namespace
}  // namespace fazhi
