// Alerts in the running system: clocks stored after an event, 预警 → 告警 as the clock passes with
// the sweep, violations recorded once, notifications tiered and deduplicated, scope.
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "cases/case_store.h"
#include "db/sql.h"
#include "files/spreadsheet.h"
#include "oversight/oversight_fixture.h"

namespace fazhi::testing {
namespace {

constexpr EpochSeconds kHour = 3600;

class AlertsTest : public OversightTest {
 protected:
  // A criminal case of 东街派出所 with suspect p1 detained one hour before kStart.
  std::int64_t DetainedCase() {
    const std::int64_t c = AddCase(team_a_, "criminal", officer_a_, kStart - 2 * kHour);
    AddCasePerson(c, "p1", "suspect");
    detain_at_ = kStart - kHour;
    AddEvent(c, "detain", detain_at_, "p1");
    return c;
  }
  nlohmann::json Clock(const nlohmann::json& items, const std::string& rule) {
    for (const auto& a : items)
      if (a["rule_id"] == rule) return a;
    return nullptr;
  }
  std::int64_t Notes(std::int64_t user, const std::string& kind) {
    return Count("SELECT COUNT(*) FROM notifications WHERE user_id = " + std::to_string(user) + " AND kind = '" + kind +
                 "'");
  }
  EpochSeconds detain_at_ = 0;
};

TEST_F(AlertsTest, EventCreatesClocksWithDueAndPreWarn) {
  const std::int64_t c = DetainedCase();
  auto legal = SignedIn("legal");
  auto r = legal.Get("/api/cases/" + std::to_string(c) + "/alerts");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto notify = Clock(r.json["items"], "CRIM-DETAIN-02");
  ASSERT_FALSE(notify.is_null()) << r.body;
  EXPECT_EQ(notify["state"], "running");
  EXPECT_EQ(notify["due_at"], detain_at_ + 24 * kHour);
  EXPECT_EQ(notify["pre_warn_at"], detain_at_ + 22 * kHour);
  EXPECT_EQ(notify["person_ref"], "p1");
  EXPECT_NE(notify["legal_basis"].get<std::string>().find("刑事诉讼法第85条"), std::string::npos);
  EXPECT_FALSE(notify["rule_name"].get<std::string>().empty());
  // CRIM-DETAIN-04 is a day limit: due at the end of the 3rd day after the detention day.
  const auto request = Clock(r.json["items"], "CRIM-DETAIN-04");
  ASSERT_FALSE(request.is_null());
  EXPECT_EQ(request["due_local"], "2024-03-07 23:59:59");
  // The case carries the earliest upcoming transition for the sweep.
  EXPECT_EQ(Count("SELECT next_due_at FROM cases WHERE id = " + std::to_string(c)), detain_at_ + 22 * kHour);
  // 最近期限 is the earliest due of the live clocks (the 24 h ones), not the pre-warning moment.
  EXPECT_EQ(Count("SELECT nearest_due_at FROM cases WHERE id = " + std::to_string(c)), detain_at_ + 24 * kHour);
  EXPECT_EQ(Text("SELECT alert_state FROM cases WHERE id = " + std::to_string(c)), "none");
  // Re-evaluating without change keeps the same rows (stable clock keys).
  const auto ids_before = Count("SELECT SUM(id) FROM alerts WHERE case_id = " + std::to_string(c));
  ASSERT_TRUE(db().Write([&](soci::session& sql) { return service_->OnCaseChanged(sql, c); }));
  EXPECT_EQ(Count("SELECT SUM(id) FROM alerts WHERE case_id = " + std::to_string(c)), ids_before);
}

TEST_F(AlertsTest, PreWarnThenOverdueBySweepViolationOnceNotificationsDeduplicated) {
  const std::int64_t c = DetainedCase();
  const std::string cs = std::to_string(c);
  // Nothing is due yet.
  auto rep = service_->Sweep();
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->cases_evaluated, 0);

  // 22 h after the detention: 预警 for the three 24 h clocks, to 主办 and 法制员 only.
  clock_->Set(detain_at_ + 22 * kHour + 60);
  rep = service_->Sweep();
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->cases_evaluated, 1);
  EXPECT_EQ(Text("SELECT state FROM alerts WHERE case_id = " + cs + " AND rule_id = 'CRIM-DETAIN-02'"), "pre_warn");
  EXPECT_EQ(Text("SELECT alert_state FROM cases WHERE id = " + cs), "pre_warn");
  EXPECT_EQ(Notes(officer_a_user_, "pre_warn"), 3);
  EXPECT_EQ(Notes(legal_user_, "pre_warn"), 3);
  EXPECT_EQ(Notes(head_a_user_, "pre_warn"), 0);
  EXPECT_EQ(Count("SELECT next_due_at FROM cases WHERE id = " + cs), detain_at_ + 24 * kHour);

  // Custody admission and interrogation in time; the family is not notified.
  clock_->Set(detain_at_ + 23 * kHour + 700);
  AddEvent(c, "custody_admit", detain_at_ + 23 * kHour, "p1");
  AddEvent(c, "interrogate", detain_at_ + 23 * kHour + 600, "p1", "",
           {{"officers", 2}, {"location", "detention_center"}});
  EXPECT_EQ(Text("SELECT state FROM alerts WHERE case_id = " + cs + " AND rule_id = 'CRIM-DETAIN-01'"), "done");

  // Past the due time with no event: the sweep turns it into 告警 and records one violation.
  clock_->Set(detain_at_ + 24 * kHour + 60);
  rep = service_->Sweep();
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->cases_evaluated, 1);
  EXPECT_EQ(Text("SELECT state FROM alerts WHERE case_id = " + cs + " AND rule_id = 'CRIM-DETAIN-02'"), "overdue");
  EXPECT_EQ(Text("SELECT alert_state FROM cases WHERE id = " + cs), "overdue");
  // In 告警 the 最近期限 stays on the passed due time (shown red in the list); the sweep's own
  // wake-up time moves on to the next clock.
  EXPECT_EQ(Count("SELECT nearest_due_at FROM cases WHERE id = " + cs), detain_at_ + 24 * kHour);
  const auto read = db().Read([&](soci::session& sql) { return cases::store::LoadCase(sql, c, nullptr); });
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->nearest_due_at, detain_at_ + 24 * kHour);  // what the case list shows as 最近期限
  EXPECT_EQ(Count("SELECT COUNT(*) FROM violations WHERE case_id = " + cs), 1);
  EXPECT_EQ(Text("SELECT kind FROM violations WHERE case_id = " + cs), "overdue");
  EXPECT_EQ(Count("SELECT officer_id FROM violations WHERE case_id = " + cs), officer_a_);
  EXPECT_EQ(Text("SELECT severity FROM violations WHERE case_id = " + cs), "serious");
  // 告警 goes to 主办, 法制员 and the unit head (王所长, found by position).
  EXPECT_EQ(Notes(officer_a_user_, "overdue"), 1);
  EXPECT_EQ(Notes(legal_user_, "overdue"), 1);
  EXPECT_EQ(Notes(head_a_user_, "overdue"), 1);
  EXPECT_EQ(Notes(officer_b_user_, "overdue"), 0);

  // Re-evaluations change nothing: no second violation, no duplicate notifications.
  const auto all_notes = Count("SELECT COUNT(*) FROM notifications");
  ASSERT_TRUE(db().Write([&](soci::session& sql) { return service_->OnCaseChanged(sql, c); }));
  ASSERT_TRUE(db().Write([&](soci::session& sql) { return service_->OnCaseChanged(sql, c); }));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM violations WHERE case_id = " + cs), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications"), all_notes);

  // The family is finally notified, late: 超期办结; the violation stays recorded once.
  clock_->Advance(kHour);
  AddEvent(c, "notify_family", clock_->Now() - 60, "p1");
  EXPECT_EQ(Text("SELECT state FROM alerts WHERE case_id = " + cs + " AND rule_id = 'CRIM-DETAIN-02'"), "done_late");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM violations WHERE case_id = " + cs), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications"), all_notes);
  EXPECT_EQ(Text("SELECT alert_state FROM cases WHERE id = " + cs), "violation");
}

TEST_F(AlertsTest, LateRecordWithoutSweepIsAViolationAndNotifies) {
  const std::int64_t c = DetainedCase();
  clock_->Set(detain_at_ + 30 * kHour);
  AddEvent(c, "notify_family", detain_at_ + 29 * kHour, "p1");
  EXPECT_EQ(
      Text("SELECT kind FROM violations WHERE case_id = " + std::to_string(c) + " AND rule_id = 'CRIM-DETAIN-02'"),
      "done_late");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE user_id = " + std::to_string(head_a_user_) +
                  " AND kind = 'overdue' AND body LIKE '%超期办结%'"),
            1);
}

TEST_F(AlertsTest, AlertCentreFiltersPagingAndNotificationCentre) {
  const std::int64_t c1 = DetainedCase();
  const std::int64_t c2 = DetainedCase();
  clock_->Set(detain_at_ + 22 * kHour + 60);
  ASSERT_TRUE(service_->Sweep());

  auto legal = SignedIn("legal");
  auto r = legal.Get("/api/alerts?state=pre_warn&rule_id=CRIM-DETAIN-02");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total"], 2);
  r = legal.Get("/api/alerts?state=pre_warn&page_size=2&page=2");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["total"], 6);
  EXPECT_EQ(r.json["items"].size(), 2u);
  r = legal.Get("/api/alerts?state=pre_warn&case_id=" + std::to_string(c1) +
                "&officer_id=" + std::to_string(officer_a_));
  EXPECT_EQ(r.json["total"], 3);
  r = legal.Get("/api/alerts?due_from=2024-03-07&due_to=2024-03-08&state=running");
  EXPECT_EQ(r.json["total"], 2) << r.body;  // the two CRIM-DETAIN-04 clocks
  EXPECT_EQ(legal.Get("/api/alerts?state=bogus").status, 400);
  EXPECT_EQ(legal.Get("/api/alerts?due_from=yesterday").status, 400);
  (void)c2;

  // Notification centre: unread first, count, mark read, mark all.
  auto off = SignedIn("off_a");
  r = off.Get("/api/notifications/unread-count");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["unread"], 6);
  r = off.Get("/api/notifications?page_size=50");
  ASSERT_EQ(r.json["items"].size(), 6u);
  const auto first = r.json["items"][0]["id"].get<std::int64_t>();
  EXPECT_EQ(r.json["items"][0]["kind"], "pre_warn");
  EXPECT_EQ(off.Post("/api/notifications/" + std::to_string(first) + "/read", nlohmann::json::object()).status, 200);
  EXPECT_EQ(off.Get("/api/notifications/unread-count").json["unread"], 5);
  r = off.Get("/api/notifications?page_size=50");
  EXPECT_EQ(r.json["items"][5]["id"], first);  // read ones last
  EXPECT_EQ(off.Get("/api/notifications?unread=1").json["total"], 5);
  // Someone else's notification is not found.
  auto other = SignedIn("off_b");
  EXPECT_EQ(other.Post("/api/notifications/" + std::to_string(first) + "/read", nlohmann::json::object()).status, 404);
  r = off.Post("/api/notifications/read-all", nlohmann::json::object());
  EXPECT_EQ(r.json["marked"], 5);
  EXPECT_EQ(off.Get("/api/notifications/unread-count").json["unread"], 0);
}

TEST_F(AlertsTest, AnotherUnitsAlertsAreNotVisible) {
  const std::int64_t c = DetainedCase();
  clock_->Set(detain_at_ + 22 * kHour + 60);
  ASSERT_TRUE(service_->Sweep());
  auto b = SignedIn("leader_b");
  auto r = b.Get("/api/alerts?state=running,pre_warn,overdue,done,done_late,missing");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["total"], 0);
  EXPECT_EQ(b.Get("/api/cases/" + std::to_string(c) + "/alerts").status, 404);
  EXPECT_EQ(b.Get("/api/alerts?unit_id=" + std::to_string(team_a_)).status, 404);
  EXPECT_EQ(b.Get("/api/violations").json["total"], 0);
  auto a = SignedIn("off_a");
  EXPECT_EQ(a.Get("/api/alerts?state=pre_warn").json["total"], 3);
  // Without case.read (a system administrator) the alert centre is closed.
  AddUser("sys", "sys_admin", bureau_);
  auto sys = SignedIn("sys");
  EXPECT_EQ(sys.Get("/api/alerts").status, 403);
}

// Issue 11 defect 2: a 法制员 bound to a case outside his unit's subtree sees its alerts and
// violations (the same scope as the case list), so his home card counts them too.
TEST_F(AlertsTest, BoundLegalOfficerOutsideTheUnitSeesItsAlertsAndViolations) {
  const std::int64_t legal_team = AddUnit(team_b_, "西街法制室", "team");
  const std::int64_t person = AddPerson(legal_team, "钱法制", "法制员", true);
  AddUser("legal_b", "legal_officer", legal_team, person);
  legal_person_ = person;  // cases added from here on are bound to him
  const std::int64_t c = DetainedCase();
  clock_->Set(detain_at_ + 30 * kHour);
  ASSERT_TRUE(service_->Sweep());
  auto legal = SignedIn("legal_b");
  // The home card's query (辖区预警/告警).
  auto r = legal.Get("/api/alerts?state=pre_warn,overdue&page_size=1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(r.json["total"].get<int>(), 1) << r.body;
  r = legal.Get("/api/alerts");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_GE(r.json["items"].size(), 1u) << r.body;
  EXPECT_EQ(r.json["items"][0]["case_id"], c);
  EXPECT_EQ(r.json["items"][0]["state"], "overdue");
  r = legal.Get("/api/violations");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(r.json["total"].get<int>(), 1) << r.body;
  EXPECT_EQ(r.json["items"][0]["case_id"], c);
  // Another station's leader still sees nothing of it.
  auto b = SignedIn("leader_b");
  EXPECT_EQ(b.Get("/api/alerts").json["total"], 0);
  EXPECT_EQ(b.Get("/api/violations").json["total"], 0);
}

// Issue 11 defect 4: the alert centre opens on live items, 告警 first then 预警, each by due time;
// finished items (超期办结, 已办结) only through the state filter.
TEST_F(AlertsTest, AlertCentreOpensOnLiveItemsOverdueFirst) {
  const std::int64_t late = DetainedCase();
  clock_->Set(detain_at_ + 23 * kHour);
  ASSERT_TRUE(service_->Sweep());
  AddEvent(late, "notify_family", detain_at_ + 23 * kHour, "p1");  // one clock finished in time
  const std::int64_t early = DetainedCase();
  (void)early;
  clock_->Set(detain_at_ + 30 * kHour);
  ASSERT_TRUE(service_->Sweep());
  auto legal = SignedIn("legal");
  auto r = legal.Get("/api/alerts?page_size=200");
  ASSERT_EQ(r.status, 200) << r.body;
  const nlohmann::json items = r.json["items"];
  ASSERT_FALSE(items.empty()) << r.body;
  EXPECT_EQ(items[0]["state"], "overdue") << r.body;
  bool saw_pre_warn = false;
  std::int64_t last_due = 0;
  std::string last_state = "overdue";
  for (const auto& a : items) {
    const std::string st = a["state"];
    EXPECT_TRUE(st == "overdue" || st == "pre_warn") << a.dump();
    if (st == "pre_warn") saw_pre_warn = true;
    if (saw_pre_warn) {
      EXPECT_EQ(st, "pre_warn") << "告警 after 预警: " << r.body;
    }
    if (st != last_state) last_due = 0;
    const std::int64_t due = a["due_at"].is_null() ? 0 : a["due_at"].get<std::int64_t>();
    EXPECT_GE(due, last_due) << r.body;
    last_due = due;
    last_state = st;
  }
  // Finished and all items through the filter.
  r = legal.Get("/api/alerts?state=done,done_late");
  ASSERT_EQ(r.status, 200);
  EXPECT_GE(r.json["total"].get<int>(), 1) << r.body;
  const auto all = legal.Get("/api/alerts?state=running,pre_warn,overdue,done,done_late,missing").json["total"];
  EXPECT_GT(all.get<int>(), static_cast<int>(items.size()));

  // Export: same filter and order as the list, 中文 headers, one row per item.
  auto x = legal.Get("/api/alerts/export");
  ASSERT_EQ(x.status, 200) << x.body;
  auto sheet = files::ReadSheet(x.body, "alerts.xlsx");
  ASSERT_TRUE(sheet) << sheet.error().message;
  ASSERT_EQ(sheet->rows.size(), items.size() + 1);
  EXPECT_EQ(sheet->rows[0].cells[0], "状态");
  EXPECT_EQ(sheet->rows[0].cells[1], "案件编号");
  EXPECT_EQ(sheet->rows[0].cells[6], "期限");
  EXPECT_EQ(sheet->rows[1].cells[0], "告警");
  x = legal.Get("/api/alerts/export?state=done,done_late");
  ASSERT_EQ(x.status, 200);
  sheet = files::ReadSheet(x.body, "alerts.xlsx");
  ASSERT_TRUE(sheet);
  EXPECT_EQ(static_cast<int>(sheet->rows.size()), r.json["total"].get<int>() + 1);
  EXPECT_EQ(legal.Get("/api/alerts/export?state=bogus").status, 400);
}

TEST_F(AlertsTest, SweeperRunsInBackgroundAndOnlyOneInstanceHoldsThePostgresLock) {
  const std::int64_t c = DetainedCase();
  clock_->Set(detain_at_ + 22 * kHour + 60);
  oversight::Sweeper first(*service_, db(), 1);
  first.Start();
  for (int i = 0; i < 100 && Text("SELECT alert_state FROM cases WHERE id = " + std::to_string(c)) != "pre_warn"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Text("SELECT alert_state FROM cases WHERE id = " + std::to_string(c)), "pre_warn");
  EXPECT_TRUE(first.holds_lock());
  if (db_.is_postgres()) {
    oversight::Sweeper second(*service_, db(), 1);
    second.Start();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(second.holds_lock());
    first.Stop();
    // The lock is released on Stop: the second instance takes over within an interval.
    for (int i = 0; i < 60 && !second.holds_lock(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(second.holds_lock());
    second.Stop();
  }
  first.Stop();
}

// The bulk path (ReevaluateAll, chunks of 2 cases on 2 threads) leaves exactly what the single-case
// path would: after it, evaluating every case again one by one changes no row.
TEST_F(AlertsTest, ReevaluateAllEqualsPerCaseEvaluationAndWritesOnlyChangedCases) {
  std::vector<std::int64_t> cases;
  for (int i = 0; i < 5; ++i) {
    const std::int64_t c =
        AddCase(i % 2 ? team_b_ : team_a_, "criminal", i % 2 ? officer_b_ : officer_a_, kStart - 2 * kHour);
    AddCasePerson(c, "p1", "suspect", i == 3 ? 16 : 30);
    AddEvent(c, "detain", kStart - kHour, "p1");
    if (i == 1) AddEvent(c, "notify_family", kStart - kHour / 2, "p1");
    cases.push_back(c);
  }
  const std::int64_t admin = AddCase(team_a_, "administrative", officer_a_, kStart - 3 * kHour);
  AddCasePerson(admin, "p1", "suspect");
  AddEvent(admin, "summon_arrive", kStart - 2 * kHour, "p1");
  cases.push_back(admin);

  oversight::ReevaluateOptions opts;
  opts.chunk_cases = 2;
  opts.threads = 2;
  std::int64_t last_done = 0, progress_calls = 0;
  opts.progress = [&](std::int64_t done, std::int64_t total) {
    EXPECT_EQ(total, 6);
    EXPECT_GE(done, last_done);
    last_done = done;
    ++progress_calls;
  };
  // Nothing changed since the events were stored: everything is read and evaluated, nothing written.
  auto rep = service_->ReevaluateAll(opts);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->cases, 6);
  EXPECT_EQ(rep->events, 7);
  EXPECT_GT(rep->clocks, 6);
  EXPECT_EQ(rep->cases_written, 0);
  EXPECT_EQ(rep->cases_failed, 0);
  EXPECT_EQ(last_done, 6);
  EXPECT_GE(progress_calls, 3);

  // Two days later every custody clock is overdue: all six cases change.
  clock_->Set(kStart + 48 * kHour);
  const auto notes_before = Count("SELECT COUNT(*) FROM notifications");
  last_done = 0;
  rep = service_->ReevaluateAll(opts);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->cases_written, 6);
  EXPECT_GT(Count("SELECT COUNT(*) FROM violations"), 5);
  EXPECT_GT(Count("SELECT COUNT(*) FROM notifications"), notes_before);
  EXPECT_EQ(Text("SELECT alert_state FROM cases WHERE id = " + std::to_string(cases[0])), "overdue");

  struct Snapshot {
    std::int64_t alerts, alert_ids, violations, notifications;
    std::string states;
  };
  auto snap = [&] {
    return Snapshot{Count("SELECT COUNT(*) FROM alerts"), Count("SELECT SUM(id + updated_at) FROM alerts"),
                    Count("SELECT COUNT(*) FROM violations"), Count("SELECT COUNT(*) FROM notifications"),
                    db().Read([](soci::session& sql) {
                      std::string out;
                      db::Each(sql,
                               "SELECT id, alert_state, COALESCE(next_due_at, 0) AS due, COALESCE(nearest_due_at, 0) "
                               "AS nearest FROM cases ORDER BY id",
                               {}, [&](const db::Row& r) {
                                 out += fmt::format("{}:{}:{}:{};", r.Int("id"), r.Text("alert_state"), r.Int("due"),
                                                    r.Int("nearest"));
                               });
                      return out;
                    })};
  };
  const Snapshot bulk = snap();
  for (std::int64_t c : cases)
    ASSERT_TRUE(db().Write([&](soci::session& sql) { return service_->OnCaseChanged(sql, c); }));
  const Snapshot single = snap();
  EXPECT_EQ(single.alerts, bulk.alerts);
  EXPECT_EQ(single.alert_ids, bulk.alert_ids);
  EXPECT_EQ(single.violations, bulk.violations);
  EXPECT_EQ(single.notifications, bulk.notifications);
  EXPECT_EQ(single.states, bulk.states);
  // And the bulk path again finds nothing to write.
  last_done = 0;
  rep = service_->ReevaluateAll(opts);
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->cases_written, 0);
  EXPECT_EQ(snap().alert_ids, bulk.alert_ids);

  // A first evaluation (no clock stored, as after an import of history): the bulk path reads the
  // chunk's cases by range and writes the new clocks and violations in batches. The rows are those
  // the single-case path wrote, column by column.
  auto stored_rows = [&] {
    return db().Read([](soci::session& sql) {
      std::string out;
      db::Each(sql,
               "SELECT bureau_id, case_id, unit_id, rule_id, clock_key, state, COALESCE(due_at, -1) AS due, "
               "COALESCE(pre_warn_at, -1) AS pre, COALESCE(since, -1) AS since, COALESCE(person_ref, '-') AS person, "
               "COALESCE(trigger_event_id, -1) AS trig, message, legal_basis, updated_at FROM alerts "
               "ORDER BY case_id, clock_key",
               {}, [&](const db::Row& r) {
                 out += fmt::format("A {} {} {} {} {} {} {} {} {} {} {} {} {} {}\n", r.Int("bureau_id"),
                                    r.Int("case_id"), r.Int("unit_id"), r.Text("rule_id"), r.Text("clock_key"),
                                    r.Text("state"), r.Int("due"), r.Int("pre"), r.Int("since"), r.Text("person"),
                                    r.Int("trig"), r.Text("message"), r.Text("legal_basis"), r.Int("updated_at"));
               });
      db::Each(sql,
               "SELECT bureau_id, case_id, unit_id, COALESCE(officer_id, -1) AS officer, rule_id, clock_key, kind, "
               "severity, COALESCE(due_at, -1) AS due, detected_at, message, legal_basis FROM violations "
               "ORDER BY case_id, clock_key",
               {}, [&](const db::Row& r) {
                 out += fmt::format("V {} {} {} {} {} {} {} {} {} {} {} {}\n", r.Int("bureau_id"), r.Int("case_id"),
                                    r.Int("unit_id"), r.Int("officer"), r.Text("rule_id"), r.Text("clock_key"),
                                    r.Text("kind"), r.Text("severity"), r.Int("due"), r.Int("detected_at"),
                                    r.Text("message"), r.Text("legal_basis"));
               });
      return out;
    });
  };
  // The single-case path's rows, all written at this moment.
  for (std::int64_t c : cases) {
    ASSERT_TRUE(db().Write([&](soci::session& sql) -> Result<void> {
      db::SqlArgs a;
      db::Exec(sql, "DELETE FROM violations WHERE case_id = " + a.Int(c), a);
      db::SqlArgs b;
      db::Exec(sql, "DELETE FROM alerts WHERE case_id = " + b.Int(c), b);
      return service_->OnCaseChanged(sql, c);
    }));
  }
  const std::string single_rows = stored_rows();
  ASSERT_NE(single_rows.find("\nV "), std::string::npos) << single_rows;  // violations among them
  db().Write([&](soci::session& sql) -> Result<void> {
    db::Exec(sql, "DELETE FROM violations");
    db::Exec(sql, "DELETE FROM alerts");
    db::Exec(sql,
             "UPDATE cases SET alert_state = 'none', next_due_at = NULL, nearest_due_at = NULL, clock_digest = NULL");
    return {};
  });
  last_done = 0;
  rep = service_->ReevaluateAll(opts);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->cases_written, 6);
  EXPECT_EQ(stored_rows(), single_rows);
  EXPECT_EQ(snap().states, bulk.states);
  // One changed case in a chunk of six is read on its own (a wrong fingerprint: only its row is
  // rewritten).
  const std::int64_t digest = Count("SELECT clock_digest FROM cases WHERE id = " + std::to_string(cases[0]));
  db().Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(sql, "UPDATE cases SET clock_digest = 1 WHERE id = " + a.Int(cases[0]), a);
    return {};
  });
  opts.chunk_cases = 6;
  last_done = 0;
  rep = service_->ReevaluateAll(opts);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->cases_written, 1);
  EXPECT_EQ(Count("SELECT clock_digest FROM cases WHERE id = " + std::to_string(cases[0])), digest);
  EXPECT_EQ(stored_rows(), single_rows);
  opts.chunk_cases = 2;

  // A stored timeline the engine refuses (edited by hand: an end before its start) is reported by
  // case number and does not stop the others; open_only skips closed cases.
  db().Write([&](soci::session& sql) -> Result<void> {
    long long c = cases[2];
    sql << "UPDATE case_events SET type = 'interrogate', attrs = '{\"end\": \"2024-03-01 08:00\"}' WHERE case_id = :c",
        soci::use(c);
    long long closed = cases[4], t = kStart;
    sql << "UPDATE cases SET closed_at = :t WHERE id = :c", soci::use(t), soci::use(closed);
    return {};
  });
  opts.open_only = true;
  opts.progress = nullptr;
  rep = service_->ReevaluateAll(opts);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->cases, 5);
  EXPECT_EQ(rep->cases_failed, 1);
  ASSERT_EQ(rep->failures.size(), 1u);
  EXPECT_NE(rep->failures[0].find("A"), std::string::npos) << rep->failures[0];
  EXPECT_NE(rep->failures[0].find("结束时间早于开始时间"), std::string::npos) << rep->failures[0];
}

// PostgreSQL: the bulk write locks its chunk's case rows in id order. A writer holding the chunk's
// last case and then asking for its first closes a cycle; the server ends the transaction that
// waited first (the re-evaluation's). The re-evaluation runs its chunk again once the other writer
// has committed, and every case is written.
TEST_F(AlertsTest, ReevaluationWritesItsChunkAgainAfterADeadlock) {
  if (!db_.is_postgres()) GTEST_SKIP() << "SQLite writers queue (BEGIN IMMEDIATE): no deadlock to break";
  std::vector<std::int64_t> cases;
  for (int i = 0; i < 4; ++i) {
    const std::int64_t c = AddCase(team_a_, "criminal", officer_a_, kStart - 2 * kHour);
    AddCasePerson(c, "p1", "suspect", 30);
    AddEvent(c, "detain", kStart - kHour, "p1");
    cases.push_back(c);
  }
  clock_->Set(kStart + 48 * kHour);  // every clock becomes overdue: the whole chunk is written

  std::promise<void> holding;
  auto other = std::async(std::launch::async, [&] {
    return db().Write([&](soci::session& sql) -> Result<void> {
      // PostgreSQL ends the transaction whose deadlock check runs first (deadlock_timeout after it
      // began to wait): this one checks late, so the re-evaluation is the one ended and retried,
      // even when the machine is too busy to run the waiting backends on time.
      sql << "SET LOCAL deadlock_timeout = '10s'";
      db::LockRowForUpdate(sql, "cases", cases.back());
      holding.set_value();
      // Wait until the re-evaluation waits for this lock (it holds the lower ids by then); only this
      // test's database counts (other tests run in the same cluster at the same time).
      for (int i = 0; i < 500; ++i) {
        const auto waiting = db().Read([](soci::session& s2) {
          return db::Count(s2,
                           "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
                           "datname = current_database() AND query LIKE '%FOR UPDATE OF c%'",
                           {});
        });
        if (waiting > 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      db::LockRowForUpdate(sql, "cases", cases.front());
      return {};
    });
  });
  holding.get_future().wait();
  oversight::ReevaluateOptions opts;
  opts.chunk_cases = 10;
  opts.threads = 1;
  auto rep = service_->ReevaluateAll(opts);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_TRUE(other.get());
  EXPECT_EQ(rep->cases_written, 4);
  EXPECT_EQ(rep->cases_failed, 0);
  for (std::int64_t c : cases)
    EXPECT_EQ(Text("SELECT alert_state FROM cases WHERE id = " + std::to_string(c)), "overdue") << c;
}

}  // namespace
}  // namespace fazhi::testing
