// 平台应用考核 on a small hand-made dataset; every expected figure below is counted by hand from
// the data this test inserts (see the comments beside each insert).
#include "core/local_time.h"
#include "db/sql.h"
#include "files/spreadsheet.h"
#include "oversight/internal.h"
#include "oversight/oversight_fixture.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

EpochSeconds L(const char* text) { return *ParseLocalDateTime(text); }

class MetricsTest : public OversightTest {
 protected:
  void AddIncident(std::int64_t unit, std::int64_t officer, const char* at, bool camera) {
    static int seq = 0;
    const std::string ext = "JQ" + std::to_string(++seq);
    db().Write([&](soci::session& sql) -> Result<void> {
          long long b = bureau_, u = unit, o = officer, t = L(at), now = clock_->Now();
          int cam = camera ? 1 : 0;
          sql << "INSERT INTO incidents (bureau_id, unit_id, external_id, received_at, category, body_camera, "
                 "officer_id, "
                 "created_at, updated_at) VALUES (:b, :u, :e, :t, '盗窃', :c, :o, :n, :n2)",
              soci::use(b), soci::use(u), soci::use(ext), soci::use(t), soci::use(cam), soci::use(o), soci::use(now),
              soci::use(now);
          return {};
        })
        .value();
  }
  void AddOrder(std::int64_t case_id, std::int64_t unit, std::int64_t person, const char* deadline,
                const std::string& status, const char* closed) {
    db().Write([&](soci::session& sql) -> Result<void> {
          long long b = bureau_, c = case_id, u = unit, p = person, d = L(deadline), now = clock_->Now();
          db::NullableInt cl(closed ? std::optional<std::int64_t>(L(closed)) : std::nullopt);
          sql << "INSERT INTO supervision_orders (bureau_id, case_id, unit_id, source, problem_type, opinion, "
                 "responsible_person_id, deadline, status, created_at, closed_at, updated_at) VALUES (:b, :c, :u, "
                 "'manual', "
                 "'程序', '整改', :p, :d, :s, :n, :cl, :n2)",
              soci::use(b), soci::use(c), soci::use(u), soci::use(p), soci::use(d), soci::use(status), soci::use(now),
              soci::use(cl.value, cl.ind), soci::use(now);
          return {};
        })
        .value();
  }
  void AddPassingReview(std::int64_t case_id, const std::string& stage) {
    db().Write([&](soci::session& sql) -> Result<void> {
          long long b = bureau_, c = case_id, now = clock_->Now();
          sql << "INSERT INTO case_reviews (bureau_id, case_id, stage, verdict, created_at) VALUES (:b, :c, :s, "
                 "'pass', :t)",
              soci::use(b), soci::use(c), soci::use(stage), soci::use(now);
          return {};
        })
        .value();
  }
  void AddReview(std::int64_t case_id, const std::string& stage, const std::string& verdict, EpochSeconds at) {
    db().Write([&](soci::session& sql) -> Result<void> {
          db::SqlArgs a;
          db::Exec(sql,
                   fmt::format("INSERT INTO case_reviews (bureau_id, case_id, stage, verdict, created_at) VALUES "
                               "({}, {}, {}, {}, {})",
                               a.Int(bureau_), a.Int(case_id), a.Str(stage), a.Str(verdict), a.Int(at)),
                   a);
          return {};
        })
        .value();
  }
  // Cases of 东街 whose gated stages are reached in July, each with its reviews; the comment says
  // whether the latest review of every gated stage reached (default gates: criminal 立案 file and
  // 移送起诉 prosecution) is a pass. 2 of the 6 counted cases are complete.
  void BuildReviewDataset() {
    clock_->Set(L("2023-08-15 12:00"));
    auto filed = [&](const char* title, const char* at) {
      const std::int64_t id = AddCase(team_a_, "criminal", officer_a_, L("2023-07-01 08:00"), title);
      AddEvent(id, "file_case", L(at));
      return id;
    };
    // 1: failed, then passed → complete.
    const std::int64_t c1 = filed("审核一", "2023-07-02 10:00");
    AddReview(c1, "file", "fix_required", L("2023-07-02 11:00"));
    AddReview(c1, "file", "pass", L("2023-07-02 15:00"));
    // 2: passed, then sent back → incomplete.
    const std::int64_t c2 = filed("审核二", "2023-07-03 10:00");
    AddReview(c2, "file", "pass", L("2023-07-03 11:00"));
    AddReview(c2, "file", "fix_required", L("2023-07-03 15:00"));
    // 3: filed and transferred; 立案 passed, 移送起诉 rejected → incomplete.
    const std::int64_t c3 = filed("审核三", "2023-07-04 10:00");
    AddEvent(c3, "transfer_prosecution", L("2023-07-20 10:00"));
    AddReview(c3, "file", "pass", L("2023-07-04 11:00"));
    AddReview(c3, "prosecution", "reject", L("2023-07-20 11:00"));
    // 4: filed and transferred, both passed → complete (a later review of another stage does not count).
    const std::int64_t c4 = filed("审核四", "2023-07-05 10:00");
    AddEvent(c4, "transfer_prosecution", L("2023-07-21 10:00"));
    AddReview(c4, "file", "pass", L("2023-07-05 11:00"));
    AddReview(c4, "prosecution", "pass", L("2023-07-21 11:00"));
    AddReview(c4, "accept", "reject", L("2023-07-22 11:00"));
    // 5: two reviews at the same second; the later one (by id) is a rejection → incomplete.
    const std::int64_t c5 = filed("审核五", "2023-07-06 10:00");
    AddReview(c5, "file", "pass", L("2023-07-06 11:00"));
    AddReview(c5, "file", "reject", L("2023-07-06 11:00"));
    // 6: only a 移送起诉 review, but the stage reached is 立案 → incomplete.
    const std::int64_t c6 = filed("审核六", "2023-07-07 10:00");
    AddReview(c6, "prosecution", "pass", L("2023-07-07 11:00"));
    // Not counted: an administrative case (no gate) and a criminal case filed in June.
    const std::int64_t adm = AddCase(team_a_, "administrative", officer_a_, L("2023-07-01 08:00"), "行政");
    AddEvent(adm, "file_case", L("2023-07-08 10:00"));
    filed("六月", "2023-06-28 10:00");
  }
  static void ExpectRatio(const json& r, int num, int den, const std::string& what) {
    EXPECT_EQ(r["num"], num) << what;
    EXPECT_EQ(r["den"], den) << what;
  }
  const json* Find(const json& rows, std::int64_t id) {
    for (const auto& r : rows)
      if (r["id"] == id) return &r;
    return nullptr;
  }

  void BuildDataset() {
    clock_->Set(L("2023-08-15 12:00"));
    // 警情: 东街 4 in July (3 with video) + 1 in June (none); 西街 2 in July (none).
    AddIncident(team_a_, officer_a_, "2023-07-01 09:00", true);
    AddIncident(team_a_, officer_a_, "2023-07-02 09:00", true);
    AddIncident(team_a_, officer_a_, "2023-07-15 09:00", true);
    AddIncident(team_a_, officer_a_, "2023-07-31 23:30", false);
    AddIncident(team_a_, officer_a_, "2023-06-30 23:30", false);
    AddIncident(team_b_, officer_b_, "2023-07-03 09:00", false);
    AddIncident(team_b_, officer_b_, "2023-07-04 09:00", false);

    // 东街 case 1 (criminal, accepted in July).
    a1_ = AddCase(team_a_, "criminal", officer_a_, L("2023-07-03 08:00"), "东街案一");
    AddCasePerson(a1_, "p1", "suspect");
    AddEvent(a1_, "file_case", L("2023-07-03 12:00"));  // gated stage reached; passing 立案 review below
    AddPassingReview(a1_, "file");
    // Stay 1: A/V 09:59–12:01 covers 10:00–12:00 → complete. Stay 2: no A/V → incomplete.
    AddEvent(a1_, "area_enter", L("2023-07-03 10:00"), "p1", "",
             {{"av_start", "2023-07-03 09:59"}, {"av_end", "2023-07-03 12:01"}});
    AddEvent(a1_, "area_exit", L("2023-07-03 12:00"), "p1");
    AddEvent(a1_, "area_enter", L("2023-07-04 09:00"), "p1");
    AddEvent(a1_, "area_exit", L("2023-07-04 10:00"), "p1");
    // Property: X1 handed over in 10 h (in time), X2 after 26 h (late → one PROP-01 violation); each
    // filed with 督察 within 24 h of the handover (PROP-03 met). Entered after the fact, one event at a
    // time: X1 looks overdue until its handover is entered, and that violation is withdrawn.
    AddEvent(a1_, "property_extract", L("2023-07-05 10:00"), "", "X1");
    AddEvent(a1_, "property_handover", L("2023-07-05 20:00"), "", "X1");
    AddEvent(a1_, "supervision_filing", L("2023-07-06 09:00"), "", "X1");
    AddEvent(a1_, "property_extract", L("2023-07-06 10:00"), "", "X2");
    AddEvent(a1_, "property_handover", L("2023-07-07 12:00"), "", "X2");
    AddEvent(a1_, "supervision_filing", L("2023-07-07 15:00"), "", "X2");

    // 东街 case 2: filed without any review → reviews incomplete.
    a2_ = AddCase(team_a_, "criminal", officer_a_, L("2023-07-10 08:00"), "东街案二");
    AddEvent(a2_, "file_case", L("2023-07-10 12:00"));

    // 西街 case (administrative: no gate): property handed over in 1 h.
    b1_ = AddCase(team_b_, "administrative", officer_b_, L("2023-07-12 08:00"), "西街案一");
    AddEvent(b1_, "property_extract", L("2023-07-12 10:00"), "", "Y1");
    AddEvent(b1_, "property_handover", L("2023-07-12 11:00"), "", "Y1");
    AddEvent(b1_, "supervision_filing", L("2023-07-12 15:00"), "", "Y1");

    // 督办 due in July: 东街 one on time, one late; 西街 one still open, one suspended (excluded);
    // one 东街 order due in August (not July).
    AddOrder(a1_, team_a_, officer_a_, "2023-07-20 12:00", "closed", "2023-07-18 10:00");
    AddOrder(a2_, team_a_, officer_a_, "2023-07-25 12:00", "closed", "2023-07-28 10:00");
    AddOrder(b1_, team_b_, officer_b_, "2023-07-22 12:00", "open", nullptr);
    AddOrder(b1_, team_b_, officer_b_, "2023-07-21 12:00", "suspended", nullptr);
    AddOrder(a1_, team_a_, officer_a_, "2023-08-05 12:00", "closed", "2023-08-01 10:00");
  }
  std::int64_t a1_ = 0, a2_ = 0, b1_ = 0;
};

TEST_F(MetricsTest, HandCountedFiguresPerUnitOfficerAndTotal) {
  BuildDataset();
  // The dataset holds exactly one violation: PROP-01 on X2.
  ASSERT_EQ(Count("SELECT COUNT(*) FROM violations"), 1);
  ASSERT_EQ(Text("SELECT rule_id FROM violations"), "PROP-01");

  auto legal = SignedIn("legal");
  auto r = legal.Get("/api/metrics?month=2023-07");
  ASSERT_EQ(r.status, 200) << r.body;
  const json* a = Find(r.json["units"], team_a_);
  const json* b = Find(r.json["units"], team_b_);
  ASSERT_TRUE(a && b) << r.body;
  EXPECT_EQ((*a)["name"], "东街派出所");
  ExpectRatio((*a)["body_camera"], 3, 4, "东街 警情视音频");
  ExpectRatio((*a)["area_av"], 1, 2, "东街 办案区");
  ExpectRatio((*a)["property_24h"], 1, 2, "东街 财物");
  ExpectRatio((*a)["reviews_complete"], 1, 2, "东街 审核");
  EXPECT_EQ((*a)["cases"], 2);
  EXPECT_EQ((*a)["violations"], 1);
  EXPECT_DOUBLE_EQ((*a)["violations_per_100"].get<double>(), 50.0);
  ExpectRatio((*a)["orders_on_time"], 1, 2, "东街 督办");

  ExpectRatio((*b)["body_camera"], 0, 2, "西街 警情视音频");
  ExpectRatio((*b)["area_av"], 0, 0, "西街 办案区");
  EXPECT_TRUE((*b)["area_av"]["rate"].is_null());
  ExpectRatio((*b)["property_24h"], 1, 1, "西街 财物");
  ExpectRatio((*b)["reviews_complete"], 0, 0, "西街 审核");
  EXPECT_EQ((*b)["cases"], 1);
  EXPECT_EQ((*b)["violations"], 0);
  ExpectRatio((*b)["orders_on_time"], 0, 1, "西街 督办");

  const json& t = r.json["total"];
  ExpectRatio(t["body_camera"], 3, 6, "合计 警情视音频");
  ExpectRatio(t["area_av"], 1, 2, "合计 办案区");
  ExpectRatio(t["property_24h"], 2, 3, "合计 财物");
  ExpectRatio(t["reviews_complete"], 1, 2, "合计 审核");
  EXPECT_EQ(t["cases"], 3);
  EXPECT_EQ(t["violations"], 1);
  ExpectRatio(t["orders_on_time"], 1, 3, "合计 督办");
  EXPECT_DOUBLE_EQ(t["body_camera"]["rate"].get<double>(), 0.5);

  const json* o = Find(r.json["officers"], officer_a_);
  ASSERT_TRUE(o);
  EXPECT_EQ((*o)["name"], "张警官");
  EXPECT_EQ((*o)["unit_id"], team_a_);
  ExpectRatio((*o)["body_camera"], 3, 4, "张警官 警情视音频");
  ExpectRatio((*o)["property_24h"], 1, 2, "张警官 财物");
  ExpectRatio((*o)["orders_on_time"], 1, 2, "张警官 督办");
  EXPECT_EQ((*o)["cases"], 2);
  EXPECT_EQ((*o)["violations"], 1);

  // Trend: 12 months ending July; June holds the one June 警情 (no video).
  ASSERT_EQ(r.json["trend"].size(), 12u);
  EXPECT_EQ(r.json["trend"][0]["month"], "2022-08");
  EXPECT_EQ(r.json["trend"][11]["month"], "2023-07");
  ExpectRatio(r.json["trend"][11]["body_camera"], 3, 6, "趋势 7月");
  ExpectRatio(r.json["trend"][10]["body_camera"], 0, 1, "趋势 6月");
  EXPECT_EQ(r.json["trend"][10]["cases"], 0);

  // August: only the order due in August (closed in time).
  r = legal.Get("/api/metrics?month=2023-08");
  ExpectRatio(r.json["total"]["orders_on_time"], 1, 1, "8月 督办");
  ExpectRatio(r.json["total"]["body_camera"], 0, 0, "8月 警情");

  // unit_id narrows to the subtree.
  r = legal.Get("/api/metrics?month=2023-07&unit_id=" + std::to_string(team_b_));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["units"].size(), 1u);
  ExpectRatio(r.json["total"]["body_camera"], 0, 2, "西街 only");

  EXPECT_EQ(legal.Get("/api/metrics?month=2023-13").status, 400);
  EXPECT_EQ(legal.Get("/api/metrics").status, 400);

  auto x = legal.Get("/api/metrics/export?month=2023-07");
  ASSERT_EQ(x.status, 200);
  auto sheet = files::ReadSheet(x.body, "metrics.xlsx");
  ASSERT_TRUE(sheet) << sheet.error().message;
  ASSERT_EQ(sheet->rows.size(), 4u);  // header, 东街, 西街, 合计
  EXPECT_EQ(sheet->rows[1].cells[0], "东街派出所");
  EXPECT_EQ(sheet->rows[1].cells[1], "75.0%（3/4）");
}

TEST_F(MetricsTest, AnotherUnitsFiguresAreNotVisible) {
  BuildDataset();
  auto b = SignedIn("leader_b");
  auto r = b.Get("/api/metrics?month=2023-07");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["units"].size(), 1u);
  EXPECT_EQ(r.json["units"][0]["id"], team_b_);
  EXPECT_EQ(Find(r.json["officers"], officer_a_), nullptr);
  ExpectRatio(r.json["total"]["body_camera"], 0, 2, "西街 total");
  ExpectRatio(r.json["total"]["property_24h"], 1, 1, "西街 total");
  EXPECT_EQ(r.json["total"]["cases"], 1);
  EXPECT_EQ(b.Get("/api/metrics?month=2023-07&unit_id=" + std::to_string(team_a_)).status, 404);
  auto x = b.Get("/api/metrics/export?month=2023-07");
  ASSERT_EQ(x.status, 200);
  auto sheet = files::ReadSheet(x.body, "metrics.xlsx");
  ASSERT_TRUE(sheet) << sheet.error().message;
  ASSERT_EQ(sheet->rows.size(), 3u);  // header, 西街派出所, 合计
  EXPECT_EQ(sheet->rows[1].cells[0], "西街派出所");
  for (const auto& row : sheet->rows)
    for (const auto& cell : row.cells) EXPECT_EQ(cell.find("东街"), std::string::npos);
}

// Issue 11 defect 2: a 法制员 whose unit holds none of the cases but who is bound to all of them
// sees their figures (平台应用考核 was all “—” for him): the case-based ones, the 警情 that became
// his cases (视音频) and the 督办 on his cases (督办按期办结).
TEST_F(MetricsTest, BoundLegalOfficerOutsideTheUnitsSeesTheFiguresOfHisCases) {
  const std::int64_t legal_team = AddUnit(bureau_, "法制大队", "team");
  const std::int64_t person = AddPerson(legal_team, "钱法制", "法制员", true);
  AddUser("legal_b", "legal_officer", legal_team, person);
  legal_person_ = person;  // every case of the dataset is bound to him
  BuildDataset();
  // Two of 东街's July 警情 became 东街案一 (one with video); the others stay with their unit only.
  db().Write([&](soci::session& sql) -> Result<void> {
        db::SqlArgs a;
        db::Exec(sql,
                 fmt::format("UPDATE incidents SET case_id = {} WHERE received_at IN ({}, {})", a.Int(a1_),
                             a.Int(L("2023-07-01 09:00")), a.Int(L("2023-07-31 23:30"))),
                 a);
        return {};
      })
      .value();
  auto legal = SignedIn("legal_b");
  auto r = legal.Get("/api/metrics?month=2023-07");
  ASSERT_EQ(r.status, 200) << r.body;
  const json& t = r.json["total"];
  EXPECT_EQ(t["cases"], 3) << r.body;
  EXPECT_EQ(t["violations"], 1);
  ExpectRatio(t["property_24h"], 2, 3, "bound 合计 财物");
  ExpectRatio(t["reviews_complete"], 1, 2, "bound 合计 审核");
  ExpectRatio(t["body_camera"], 1, 2, "the 警情 of his bound cases");
  // 督办 due in July on his cases: 东街 on time, 东街 late, 西街 open (the suspended one excluded).
  ExpectRatio(t["orders_on_time"], 1, 3, "the 督办 on his bound cases");
  const json* a = Find(r.json["units"], team_a_);
  ASSERT_TRUE(a) << r.body;
  EXPECT_EQ((*a)["name"], "东街派出所");
  ExpectRatio((*a)["area_av"], 1, 2, "bound 东街 办案区");
  // He narrows to a 派出所 of his bound cases (it was a 404 “不在您的管辖范围内”): its figures only; the
  // alert centre, violations and review queue take the same unit filter.
  r = legal.Get("/api/metrics?month=2023-07&unit_id=" + std::to_string(team_b_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total"]["cases"], 1) << r.body;
  ExpectRatio(r.json["total"]["orders_on_time"], 0, 1, "西街's open 督办");
  ExpectRatio(r.json["total"]["body_camera"], 0, 0, "西街's 警情 are no case of his");
  for (const char* path : {"/api/alerts?state=done,done_late,overdue&unit_id=", "/api/violations?unit_id=",
                           "/api/reviews/queue?state=all&unit_id="})
    EXPECT_EQ(legal.Get(path + std::to_string(team_a_)).status, 200) << path;
  // Another station's leader still sees only his own, and cannot name 东街.
  EXPECT_EQ(SignedIn("leader_b").Get("/api/metrics?month=2023-07").json["total"]["cases"], 1);
  EXPECT_EQ(SignedIn("leader_b").Get("/api/alerts?unit_id=" + std::to_string(team_a_)).status, 404);
}

// 案件审核完整: the latest review (by time, then id) of every gated stage the case reached in the
// month must be a pass; pinned per unit, officer and total on a hand-made set.
TEST_F(MetricsTest, ReviewsCompleteTakesTheLatestReviewOfEveryGatedStageReached) {
  BuildReviewDataset();
  auto r = SignedIn("legal").Get("/api/metrics?month=2023-07");
  ASSERT_EQ(r.status, 200) << r.body;
  const json* a = Find(r.json["units"], team_a_);
  ASSERT_TRUE(a) << r.body;
  ExpectRatio((*a)["reviews_complete"], 2, 6, "东街 审核");
  const json* o = Find(r.json["officers"], officer_a_);
  ASSERT_TRUE(o) << r.body;
  ExpectRatio((*o)["reviews_complete"], 2, 6, "张警官 审核");
  ExpectRatio(r.json["total"]["reviews_complete"], 2, 6, "合计 审核");
  ExpectRatio(r.json["trend"][10]["reviews_complete"], 0, 1, "6月 审核");
  // The bulletin's per-unit figures come from the same computation.
  const auto by_unit = db().Read([&](soci::session& sql) {
    return oversight::detail::MetricsByUnit(sql, "/", L("2023-07-01 00:00"), L("2023-08-01 00:00"));
  });
  std::int64_t num = 0, den = 0;
  for (const auto& [path, m] : by_unit) num += m.row.reviews_complete.num, den += m.row.reviews_complete.den;
  EXPECT_EQ(num, 2);
  EXPECT_EQ(den, 6);
}

// Issue 12 (bulletin speed): the month's cases are joined to their reviews inside the database, not
// listed one by one in the SQL text: computing the metrics for periods holding different numbers
// of cases runs the same statements (nothing new is prepared the second time).
TEST_F(MetricsTest, MetricsStatementsDoNotDependOnTheNumberOfCases) {
  BuildReviewDataset();
  db().Read([&](soci::session& sql) {
    oversight::detail::MetricsByUnit(sql, "/", L("2023-07-01 00:00"), L("2023-08-01 00:00"));
    const std::size_t prepared = db::detail::CachedStatementCount(sql);
    oversight::detail::MetricsByUnit(sql, "/", L("2023-07-01 00:00"), L("2023-07-04 00:00"));
    oversight::detail::MetricsByUnit(sql, "/", L("2023-06-01 00:00"), L("2023-07-01 00:00"));
    EXPECT_EQ(db::detail::CachedStatementCount(sql), prepared);
    return 0;
  });
}

}  // namespace
}  // namespace fazhi::testing
