// Migrations 004 (notifications name their object) and 006 (督办 tables generic over sources) on a
// database made before them: every row and id kept, the id sequences continue where they were,
// supervision_orders.case_id accepts NULL, old notifications get the object they open. Both
// databases.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "db/sql.h"
#include "support/test_db.h"

namespace fazhi {
namespace {

class OrdersMigrationTest : public ::testing::Test {
 protected:
  void Exec(db::Database& d, const std::string& q) {
    d.Write([&](soci::session& sql) -> Result<void> {
       db::Exec(sql, q, {});
       return {};
     }).value();
  }
  std::int64_t Count(db::Database& d, const std::string& q) {
    return d.Read([&](soci::session& sql) { return db::Count(sql, q, {}); });
  }
  std::int64_t Insert(db::Database& d, const std::string& q) {
    return d.Write([&](soci::session& sql) -> Result<std::int64_t> { return db::Insert(sql, q, {}); }).value();
  }
  // Every column of every row, as text, in id order.
  std::vector<std::string> Rows(db::Database& d, const std::string& table, const std::string& columns) {
    std::vector<std::string> out;
    d.Read([&](soci::session& sql) {
      db::Each(sql, fmt::format("SELECT {} FROM {} ORDER BY id", columns, table), {}, [&](const db::Row& r) {
        std::string line;
        for (int i = 0; i < r.size(); ++i) line += (r.NullAt(i) ? "NULL" : std::string(r.TextAt(i))) + "|";
        out.push_back(line);
      });
      return 0;
    });
    return out;
  }

  // The three tables as migrations 030 and 031 made them.
  void MakeOldTables(db::Database& d) {
    const std::string id = tdb_.is_postgres() ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
    for (const char* t : {"supervision_order_steps", "supervision_orders", "notifications"})
      Exec(d, fmt::format("DROP TABLE {}", t));
    Exec(d, fmt::format("CREATE TABLE notifications (id {}, bureau_id BIGINT NOT NULL, user_id BIGINT NOT NULL "
                        "REFERENCES users(id), case_id BIGINT, kind TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT "
                        "NULL DEFAULT '', dedup_key TEXT NOT NULL, created_at BIGINT NOT NULL, read_at BIGINT)",
                        id));
    Exec(d, "CREATE UNIQUE INDEX notifications_dedup ON notifications (user_id, dedup_key)");
    Exec(d, "CREATE INDEX notifications_user ON notifications (user_id, read_at, created_at)");
    Exec(d, fmt::format("CREATE TABLE supervision_orders (id {}, bureau_id BIGINT NOT NULL, case_id BIGINT NOT NULL "
                        "REFERENCES cases(id), unit_id BIGINT NOT NULL, source TEXT NOT NULL, source_id BIGINT, "
                        "problem_type TEXT NOT NULL, opinion TEXT NOT NULL, responsible_person_id BIGINT REFERENCES "
                        "people(id), deadline BIGINT NOT NULL, status TEXT NOT NULL, suspend_reason TEXT NOT NULL "
                        "DEFAULT '', created_by BIGINT, created_at BIGINT NOT NULL, answered_at BIGINT, closed_at "
                        "BIGINT, updated_at BIGINT NOT NULL)",
                        id));
    Exec(d, "CREATE INDEX supervision_orders_case ON supervision_orders (case_id)");
    Exec(d, "CREATE INDEX supervision_orders_status ON supervision_orders (status, deadline)");
    Exec(d, "CREATE INDEX supervision_orders_person ON supervision_orders (responsible_person_id, status)");
    Exec(d, fmt::format("CREATE TABLE supervision_order_steps (id {}, bureau_id BIGINT NOT NULL, order_id BIGINT NOT "
                        "NULL REFERENCES supervision_orders(id), action TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', "
                        "actor_user_id BIGINT, at BIGINT NOT NULL)",
                        id));
    Exec(d, "CREATE INDEX supervision_order_steps_order ON supervision_order_steps (order_id, id)");
    Exec(d, "ALTER TABLE supervision_orders ADD COLUMN status_before_suspend TEXT");
    Exec(d, "ALTER TABLE supervision_orders ADD COLUMN overdue_notified_deadline BIGINT");
    Exec(d, "DELETE FROM schema_migrations WHERE version IN (4, 6)");
  }

  testing::TestDb tdb_;
};

TEST_F(OrdersMigrationTest, ExistingOrdersStepsAndNotificationsMigrateIntact) {
  const std::string order_cols =
      "id, bureau_id, case_id, unit_id, source, source_id, problem_type, opinion, responsible_person_id, deadline, "
      "status, suspend_reason, created_by, created_at, answered_at, closed_at, updated_at, status_before_suspend, "
      "overdue_notified_deadline";
  const std::string step_cols = "id, bureau_id, order_id, action, note, actor_user_id, at";
  const std::string note_cols = "id, bureau_id, user_id, case_id, kind, title, body, dedup_key, created_at, read_at";
  std::vector<std::string> orders, steps, notes;
  std::int64_t case_id = 0, user = 0;
  {
    auto d = tdb_.Open();
    MakeOldTables(*d);
    const auto unit = Insert(*d,
                             "INSERT INTO units (name, level, path, created_at, updated_at) VALUES ('分局', "
                             "'bureau', '/1/', 1, 1) RETURNING id");
    const auto person = Insert(*d, fmt::format("INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, "
                                               "created_at, updated_at) VALUES ({0}, {0}, '张警官', '1', '民警', 1, 1) "
                                               "RETURNING id",
                                               unit));
    user = Insert(*d, fmt::format("INSERT INTO users (username, display_name, password_hash, unit_id, person_id, "
                                  "created_at, updated_at) VALUES ('u', 'u', 'x', {}, {}, 1, 1) RETURNING id",
                                  unit, person));
    case_id = Insert(*d, fmt::format("INSERT INTO cases (bureau_id, unit_id, external_id, case_type, cause, title, "
                                     "status, accepted_at, created_at, updated_at) VALUES ({0}, {0}, 'A1', 'criminal', "
                                     "'盗窃', '张某盗窃案', 'accepted', 1, 1, 1) RETURNING id",
                                     unit));
    for (int i = 0; i < 3; ++i) {
      const auto o = Insert(
          *d,
          fmt::format("INSERT INTO supervision_orders (bureau_id, case_id, unit_id, source, source_id, problem_type, "
                      "opinion, responsible_person_id, deadline, status, suspend_reason, created_by, created_at, "
                      "answered_at, updated_at, status_before_suspend, overdue_notified_deadline) VALUES ({0}, {1}, "
                      "{0}, 'violation', {2}, '超期', '整改意见 {2}', {3}, {4}, '{5}', '{6}', {7}, 100, {8}, 200, "
                      "{9}, {10}) RETURNING id",
                      unit, case_id, 40 + i, person, 1000 + i, i == 1 ? "suspended" : "open", i == 1 ? "等待鉴定" : "",
                      user, i == 2 ? "150" : "NULL", i == 1 ? "'answered'" : "NULL", i == 0 ? "1000" : "NULL"));
      Insert(*d, fmt::format("INSERT INTO supervision_order_steps (bureau_id, order_id, action, note, actor_user_id, "
                             "at) VALUES ({}, {}, 'create', '整改意见', {}, 100) RETURNING id",
                             unit, o, user));
    }
    // The newest order and its step are gone: the next ids must not reuse theirs.
    Exec(*d, "DELETE FROM supervision_order_steps WHERE order_id = (SELECT MAX(id) FROM supervision_orders)");
    Exec(*d, "DELETE FROM supervision_orders WHERE id = (SELECT MAX(id) FROM supervision_orders)");
    for (const auto& key : {std::string("order:1:created"), std::string("review:5"),
                            fmt::format("alert:{}:CRIM-DETAIN-02|p1|3:overdue", case_id), std::string("other")})
      Insert(*d, fmt::format("INSERT INTO notifications (bureau_id, user_id, case_id, kind, title, body, dedup_key, "
                             "created_at) VALUES ({}, {}, {}, 'k', 't', 'b', '{}', 1) RETURNING id",
                             unit, user, key == "other" ? "NULL" : std::to_string(case_id), key));
    orders = Rows(*d, "supervision_orders", order_cols);
    steps = Rows(*d, "supervision_order_steps", step_cols);
    notes = Rows(*d, "notifications", note_cols);
    ASSERT_EQ(orders.size(), 2u);
    ASSERT_EQ(steps.size(), 2u);
  }

  auto d = tdb_.Open();  // migrates: 004 and 006 again
  EXPECT_EQ(Count(*d, "SELECT COUNT(*) FROM schema_migrations WHERE version IN (4, 6)"), 2);
  EXPECT_EQ(Rows(*d, "supervision_orders", order_cols), orders);
  EXPECT_EQ(Rows(*d, "supervision_order_steps", step_cols), steps);
  EXPECT_EQ(Rows(*d, "notifications", note_cols), notes);
  EXPECT_EQ(Count(*d, "SELECT COUNT(*) FROM supervision_orders WHERE title = ''"), 2);

  // Old notifications open what their key named.
  EXPECT_EQ(
      Rows(*d, "notifications", "object_type, object_id"),
      (std::vector<std::string>{"supervision_order|1|", "review|5|", fmt::format("case|{}|", case_id), "|NULL|"}));

  // case_id may be NULL now; ids continue after the highest ever given.
  const auto o =
      Insert(*d, fmt::format("INSERT INTO supervision_orders (bureau_id, unit_id, source, source_id, title, "
                             "problem_type, opinion, deadline, status, created_at, updated_at) VALUES (1, 1, "
                             "'hazard', 9, '隐患', '消防', '清理', 10, 'open', 1, 1) RETURNING id"));
  EXPECT_EQ(o, 4);
  const auto s = Insert(*d, fmt::format("INSERT INTO supervision_order_steps (bureau_id, order_id, action, at) VALUES "
                                        "(1, {}, 'create', 1) RETURNING id",
                                        o));
  EXPECT_EQ(s, 4);
  // The step still needs its order.
  EXPECT_ANY_THROW(Exec(*d,
                        "INSERT INTO supervision_order_steps (bureau_id, order_id, action, at) VALUES (1, 999, "
                        "'create', 1)"));
  const auto n = Insert(*d, fmt::format("INSERT INTO notifications (bureau_id, user_id, kind, title, dedup_key, "
                                        "created_at) VALUES (1, {}, 'k', 't', 'x', 1) RETURNING id",
                                        user));
  EXPECT_EQ(n, 5);
  // The indexes are there (the dedup key is unique per user).
  EXPECT_ANY_THROW(Insert(*d, fmt::format("INSERT INTO notifications (bureau_id, user_id, kind, title, dedup_key, "
                                          "created_at) VALUES (1, {}, 'k', 't', 'x', 1) RETURNING id",
                                          user)));
}

}  // namespace
}  // namespace fazhi
