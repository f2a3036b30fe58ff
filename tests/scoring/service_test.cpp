// ScoringService over a real database (SQLite, or PostgreSQL with FAZHI_TEST_DB): the cases and
// oversight modules' ledger sources read their tables, filled with plain SQL; expected points are
// computed by hand.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "auth/auth_service.h"
#include "auth/roles.h"
#include "scoring/score_command.h"
#include "scoring/scoring_demo.h"
#include "scoring/scoring_fixture.h"
#include "scoring/scoring_internal.h"
#include "scoring/scoring_service.h"
#include "scoring/scoring_store.h"
#include "support/test_db.h"

namespace fazhi::scoring {
namespace {

using testing::Local;
using testing::ScoringData;

class ScoringServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = tdb_.Open();
    data_ = std::make_unique<ScoringData>(*db_);
    city_ = data_->AddUnit(std::nullopt, "测试市公安局", "city");
    bureau_ = data_->AddUnit(city_, "城区分局", "bureau");
    team_a_ = data_->AddUnit(bureau_, "东街派出所", "team");
    team_b_ = data_->AddUnit(bureau_, "西街派出所", "team");
    other_bureau_ = data_->AddUnit(city_, "开发区分局", "bureau");
    other_team_ = data_->AddUnit(other_bureau_, "开发区派出所", "team");
    p1_ = data_->AddPerson(team_a_, "张一");
    p2_ = data_->AddPerson(team_a_, "李二");
    p3_ = data_->AddPerson(team_b_, "王三");
    p4_ = data_->AddPerson(team_b_, "赵四", "辅警");
    p5_ = data_->AddPerson(other_team_, "外局协办");
    svc_ = std::make_unique<ScoringService>(*db_, clock_, testing::WiredSources());
  }

  std::string PathOf(std::int64_t unit) {
    return db_->Read([&](soci::session& sql) {
      long long u = unit;
      std::string p;
      sql << "SELECT path FROM units WHERE id = :id", soci::use(u), soci::into(p);
      return p;
    });
  }
  auth::Principal Manager() {
    auth::Principal p;
    p.user_id = 1;
    p.username = "leader";
    p.unit_id = bureau_;
    p.unit_path = PathOf(bureau_);
    p.bureau_id = bureau_;
    p.permissions = auth::PermissionsOf({"leader"});
    return p;
  }
  auth::Principal Officer(std::int64_t person, std::int64_t unit) {
    auth::Principal p;
    p.user_id = 100 + person;
    p.username = "officer" + std::to_string(person);
    p.unit_id = unit;
    p.unit_path = PathOf(unit);
    p.bureau_id = bureau_;
    p.person_id = person;
    p.permissions = auth::PermissionsOf({"case_officer"});
    return p;
  }
  audit::Actor Act() { return audit::Actor{.user_id = 1, .username = "leader"}; }

  SchemeVersion Install(const std::string& from, std::optional<std::string> to = std::nullopt,
                        nlohmann::json doc = ScoringData::TestScheme()) {
    SchemeInput in;
    in.name = "测试方案";
    in.effective_from = from;
    in.effective_to = to;
    in.document = std::move(doc);
    auto v = svc_->CreateScheme(Manager(), Act(), in);
    EXPECT_TRUE(v) << (v ? "" : v.error().message);
    return v.value_or(SchemeVersion{});
  }

  // July 2023 of 城区分局, with every kind of fact (see the expected totals in ComputeFromCaseData).
  void SeedJuly() {
    const auto c1 = data_->AddCase({.unit = team_a_, .category = "电信网络诈骗", .lead = p1_, .assists = {p2_}});
    data_->AddEvent(c1, "accept_case", Local(2023, 7, 3));
    data_->AddEvent(c1, "file_case", Local(2023, 7, 5));
    data_->AddEvent(c1, "detain", Local(2023, 7, 5, 14));  // a coercive measure: nothing
    data_->AddEvent(c1, "arrest", Local(2023, 7, 12));     // nothing either
    data_->AddEvent(c1, "transfer_prosecution", Local(2023, 7, 20));
    data_->AddEvent(c1, "transfer_prosecution", Local(2023, 7, 21));  // second suspect: same case, once
    data_->AddViolation(c1, p1_, "CRIM-DETAIN-04", "normal", Local(2023, 7, 8));
    data_->AddViolation(c1, p1_, "CRIM-DETAIN-04", "normal", Local(2023, 8, 1, 1));  // August
    data_->AddOrder(c1, p2_, Local(2023, 7, 10), Local(2023, 7, 12));                // answered late

    const auto c2 = data_->AddCase({.unit = team_a_, .lead = p1_, .closed_at = Local(2023, 7, 15)});
    data_->AddEvent(c2, "accept_case", Local(2023, 6, 20));
    data_->AddEvent(c2, "file_case", Local(2023, 6, 28));
    data_->AddEvent(c2, "file_case", Local(2023, 7, 2));  // already 立案 in June: not again

    const auto c3 = data_->AddCase(
        {.unit = team_b_, .lead = p3_, .assists = {p5_}, .fast_track = true, .closed_at = Local(2023, 7, 10)});
    data_->AddEvent(c3, "penalty_decision", Local(2023, 7, 9));
    data_->AddEvent(c3, "penalty_decision", Local(2023, 7, 9, 11));
    data_->AddFinding(c3, "evidence", Local(2023, 7, 12));
    data_->AddOrder(c3, p3_, Local(2023, 7, 11), Local(2023, 7, 10));         // on time
    data_->AddOrder(c3, p3_, Local(2023, 7, 15), std::nullopt, "suspended");  // 挂起
    data_->AddOrder(c3, p3_, Local(2023, 7, 25), std::nullopt);               // unanswered
  }

  Centi TotalOf(std::int64_t person, const std::string& month = "2023-07") {
    auto o = svc_->GetOfficerMonth(Manager(), person, month);
    EXPECT_TRUE(o) << (o ? "" : o.error().message);
    return o ? o->total : -999999;
  }

  testing::TestDb tdb_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<ScoringData> data_;
  ManualClock clock_{Local(2023, 8, 2, 9)};
  std::unique_ptr<ScoringService> svc_;
  std::int64_t city_ = 0, bureau_ = 0, team_a_ = 0, team_b_ = 0, other_bureau_ = 0, other_team_ = 0;
  std::int64_t p1_ = 0, p2_ = 0, p3_ = 0, p4_ = 0, p5_ = 0;
};

TEST_F(ScoringServiceTest, ComputeFromCaseData) {
  Install("2023-01");
  SeedJuly();
  auto m = svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-07");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->status, "draft");
  EXPECT_EQ(m->scheme_version, 1);
  EXPECT_EQ(m->skipped_facts, 2);  // c3's two stage facts named 外局协办 from another bureau
  // p1: 受案 1×1.5×70% = 1.05; 立案 2×1.5×70% = 2.1; 移送起诉 5×1.5×70% = 5.25; c2 查结 3; violation by rule −6.
  EXPECT_EQ(TotalOf(p1_), 105 + 210 + 525 + 300 - 600);
  // p2 (协办 30%): 0.45 + 0.9 + 2.25; 督办 answered late −2.
  EXPECT_EQ(TotalOf(p2_), 45 + 90 + 225 - 200);
  // p3: 快速办理结案 4 + 行政处罚决定 2 (once) − 证据问题 2 − unanswered 督办 2 (the outside 协办 is not credited).
  EXPECT_EQ(TotalOf(p3_), 400 + 200 - 200 - 200);
  EXPECT_EQ(TotalOf(p4_), 0);

  auto o = svc_->GetOfficerMonth(Manager(), p1_, "2023-07").value();
  EXPECT_EQ(o.entries.size(), 5u);
  for (const auto& e : o.entries) {
    EXPECT_NE(e.entry.case_id, 0) << e.entry.reason;  // every point links to its case
    EXPECT_NE(e.entry.act, "detain");
    EXPECT_NE(e.entry.act, "arrest");
  }
  EXPECT_EQ(o.by_source["violation"], -600);
  EXPECT_EQ(o.by_act["conclude_case"], 300);
}

// The ledger with every database id replaced by its rank among the ids of its kind (persons,
// units, cases, objects per type, objections): the same text whatever ids the backend handed out
// (a PostgreSQL sequence does not restart after a rolled-back insert, other tests' databases share
// nothing with SQLite's), as long as rows were inserted in the same order — and any change in
// points, acts, roles, reasons, times or order changes it.
std::string IdFreeLedger(std::vector<Entry> entries) {
  std::map<std::string, std::set<std::int64_t>> ids;
  const auto kinds = [](Entry& e) {
    return std::vector<std::pair<std::string, std::int64_t*>>{{"person", &e.person_id},
                                                              {"unit", &e.unit_id},
                                                              {"case", &e.case_id},
                                                              {"object:" + e.object_type, &e.object_id},
                                                              {"objection", &e.objection_id}};
  };
  for (auto& e : entries)
    for (auto& [kind, id] : kinds(e))
      if (*id != 0) ids[kind].insert(*id);
  const auto rank = [&](const std::string& kind, std::int64_t id) {
    const auto& set = ids[kind];
    return static_cast<std::int64_t>(std::distance(set.begin(), set.find(id)) + 1);
  };
  // Reasons name a 督办 by its id, and a case without a case number by its id.
  const auto replace = [](std::string& text, const std::string& from, const std::string& to) {
    if (auto at = text.find(from); at != std::string::npos) text.replace(at, from.size(), to);
  };
  for (auto& e : entries) {
    e.id = 0;
    if (e.object_type == "supervision_order")
      replace(e.reason, fmt::format("督办 #{}（", e.object_id),
              fmt::format("督办 #{}（", rank("object:supervision_order", e.object_id)));
    if (e.case_id != 0)
      replace(e.reason, fmt::format("案件 #{}", e.case_id), fmt::format("案件 #{}", rank("case", e.case_id)));
    for (auto& [kind, id] : kinds(e))
      if (*id != 0) *id = rank(kind, *id);
  }
  return SerializeLedger(entries);
}

TEST_F(ScoringServiceTest, RecomputeIsDeterministic) {
  Install("2023-01");
  SeedJuly();
  auto first = svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-07").value();
  auto stored_entries = [&] {
    PageRequest all;
    all.page_size = 10000;
    auto list = svc_->ListEntries(Manager(), std::nullopt, "2023-07", std::nullopt, all).value();
    std::vector<Entry> e;
    for (auto& v : list.items) e.push_back(v.entry);
    return e;
  };
  const std::string text1 = IdFreeLedger(stored_entries());
  clock_.Advance(3600);
  auto second = svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-07").value();
  EXPECT_EQ(first.ledger_hash, second.ledger_hash);
  EXPECT_EQ(first.entry_count, second.entry_count);
  EXPECT_EQ(IdFreeLedger(stored_entries()), text1);
  auto preview = svc_->PreviewMonth(Manager(), bureau_, "2023-07").value();
  EXPECT_EQ(preview.month.ledger_hash, first.ledger_hash);
  EXPECT_EQ(preview.phase, "preview");
  // Pinned, on both backends: sources + computation + canonical text of SeedJuly with the ids
  // ranked (the raw ledger_hash holds the database ids; LedgerTest.GoldenLedgerOfAGeneratedMonth
  // pins the id-bearing text of the pure computation). A change here means the computed ledger
  // changed; only ever on purpose.
  EXPECT_EQ(first.entry_count, 13);
  EXPECT_EQ(auth::Sha256HexOf(text1), "70d11764dfd6d26c578f33082e608a1c1b552bb353e8e5e404ec6679979247c1") << text1;
}

TEST_F(ScoringServiceTest, SchemeVersionsNeverRewritePublishedMonths) {
  Install("2023-01");
  SeedJuly();
  auto july = svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-07").value();
  ASSERT_TRUE(svc_->PublishMonth(Manager(), Act(), std::nullopt, "2023-07"));
  const Centi p1_july = TotalOf(p1_);

  // A new version from July would change a published month: refused, nothing stored.
  {
    SchemeInput in;
    in.name = "七月起新方案";
    in.effective_from = "2023-07";
    in.document = ScoringData::TestScheme();
    auto frozen = svc_->CreateScheme(Manager(), Act(), in);
    ASSERT_FALSE(frozen);
    EXPECT_EQ(frozen.error().reason, "month_frozen");
    EXPECT_EQ(svc_->ListSchemes(Manager(), std::nullopt)->size(), 1u);
    EXPECT_FALSE(svc_->ListSchemes(Manager(), std::nullopt)->at(0).effective_to);
  }

  // A new version from August closes version 1 at July.
  nlohmann::json doc = ScoringData::TestScheme();
  doc["stages"]["file_case"] = 10;
  auto v2 = Install("2023-08", std::nullopt, doc);
  EXPECT_EQ(v2.version, 2);
  auto list = svc_->ListSchemes(Manager(), std::nullopt).value();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].effective_to.value_or(""), "2023-07");

  // A version starting in a published month is refused; so is one overlapping version 2.
  SchemeInput in;
  in.name = "改动七月";
  in.effective_from = "2023-07";
  in.effective_to = "2023-07";
  in.document = ScoringData::TestScheme();
  auto frozen = svc_->CreateScheme(Manager(), Act(), in);
  ASSERT_FALSE(frozen);
  EXPECT_EQ(frozen.error().reason, "overlapping_dates");  // July belongs to version 1 (closed range)
  in.effective_from = "2023-03";
  in.effective_to = "2023-04";
  auto overlap = svc_->CreateScheme(Manager(), Act(), in);
  ASSERT_FALSE(overlap);
  EXPECT_EQ(overlap.error().reason, "overlapping_dates");
  EXPECT_NE(overlap.error().message.find("第 1 版"), std::string::npos) << overlap.error().message;
  in.effective_from = "2023-08";  // the same start as version 2
  in.effective_to = std::nullopt;
  overlap = svc_->CreateScheme(Manager(), Act(), in);
  ASSERT_FALSE(overlap);
  EXPECT_EQ(overlap.error().reason, "overlapping_dates");
  EXPECT_NE(overlap.error().message.find("第 2 版"), std::string::npos) << overlap.error().message;
  EXPECT_EQ(svc_->ListSchemes(Manager(), std::nullopt)->size(), 2u);  // nothing stored

  // July stays as published: same scheme version, same points; recomputing it is refused.
  auto again = svc_->GetMonth(Manager(), std::nullopt, "2023-07").value();
  EXPECT_EQ(again.scheme_version, 1);
  EXPECT_EQ(again.ledger_hash, july.ledger_hash);
  EXPECT_EQ(TotalOf(p1_), p1_july);
  auto recompute = svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-07");
  ASSERT_FALSE(recompute);
  EXPECT_EQ(recompute.error().reason, "month_frozen");

  // August uses version 2.
  const auto c = data_->AddCase({.unit = team_a_, .lead = p2_});
  data_->AddEvent(c, "file_case", Local(2023, 8, 3));
  clock_.Set(Local(2023, 9, 2));
  auto aug = svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-08").value();
  EXPECT_EQ(aug.scheme_version, 2);
  EXPECT_EQ(TotalOf(p2_, "2023-08"), 1000);
}

TEST_F(ScoringServiceTest, InvalidSchemeStoresNothing) {
  SchemeInput in;
  in.name = "违规方案";
  in.effective_from = "2023-01";
  in.document = ScoringData::TestScheme();
  in.document["stages"]["罚没款金额"] = 1;
  auto r = svc_->CreateScheme(Manager(), Act(), in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "forbidden_indicator");
  EXPECT_TRUE(svc_->ListSchemes(Manager(), std::nullopt)->empty());
  // Officers may not write schemes at all.
  in.document = ScoringData::TestScheme();
  auto officer = svc_->CreateScheme(Officer(p1_, team_a_), Act(), in);
  ASSERT_FALSE(officer);
  EXPECT_EQ(officer.error().code, ErrorCode::kForbidden);
}

TEST_F(ScoringServiceTest, NoSchemeNoComputation) {
  auto r = svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-07");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "no_scheme");
}

TEST_F(ScoringServiceTest, MonthlyCycleWithObjections) {
  Install("2023-01");
  SeedJuly();
  ASSERT_TRUE(svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-07"));
  // Drafts are not shown to officers.
  EXPECT_EQ(svc_->GetOfficerMonth(Officer(p1_, team_a_), std::nullopt, "2023-07")->status, "none");
  EXPECT_FALSE(svc_->GetRankings(Officer(p1_, team_a_), std::nullopt, "2023-07", std::nullopt));

  clock_.Set(Local(2023, 8, 2, 9));
  auto pub = svc_->PublishMonth(Manager(), Act(), std::nullopt, "2023-07").value();
  // Published on 08-02: three days not counting the 2nd → until 08-05 24:00.
  EXPECT_EQ(*pub.objection_deadline, LocalMidnight(CivilDate{2023, 8, 6}));

  auto mine = svc_->GetOfficerMonth(Officer(p1_, team_a_), std::nullopt, "2023-07").value();
  ASSERT_EQ(mine.status, "published");
  const auto deduction =
      std::find_if(mine.entries.begin(), mine.entries.end(), [](const EntryView& e) { return e.entry.points < 0; });
  ASSERT_NE(deduction, mine.entries.end());
  const auto stage = std::find_if(mine.entries.begin(), mine.entries.end(),
                                  [](const EntryView& e) { return e.entry.act == "file_case"; });

  // About someone else's entry: refused.
  auto p2_entries = svc_->GetOfficerMonth(Manager(), p2_, "2023-07").value().entries;
  auto other = svc_->FileObjection(Officer(p1_, team_a_), Act(), p2_entries[0].entry.id, "不是我的条目");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kNotFound);  // like an entry that does not exist

  auto o1 = svc_->FileObjection(Officer(p1_, team_a_), Act(), deduction->entry.id, "已按期整改");
  ASSERT_TRUE(o1) << o1.error().message;
  auto dup = svc_->FileObjection(Officer(p1_, team_a_), Act(), deduction->entry.id, "再申请一次");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().reason, "objection_pending");
  auto o2 = svc_->FileObjection(Officer(p1_, team_a_), Act(), stage->entry.id, "比例不对");
  ASSERT_TRUE(o2);

  // Finalising is refused while the window is open and while objections are pending.
  auto early = svc_->FinalizeMonth(Manager(), Act(), std::nullopt, "2023-07");
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().reason, "objection_window_open");

  // Accept (default: cancel the entry) and reject.
  auto a = svc_->DecideObjection(Manager(), Act(), o1->id, {.accept = true, .reason = "整改材料按期提交"});
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->status, "accepted");
  EXPECT_EQ(*a->adjustment, 600);
  auto rj = svc_->DecideObjection(Manager(), Act(), o2->id, {.accept = false, .reason = "计算无误"});
  ASSERT_TRUE(rj);
  EXPECT_EQ(rj->status, "rejected");
  auto again = svc_->DecideObjection(Manager(), Act(), o2->id, {.accept = true, .reason = "改主意"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().reason, "objection_decided");
  EXPECT_EQ(TotalOf(p1_), 540 + 600);

  // After the window: no more objections; finalise.
  clock_.Set(LocalMidnight(CivilDate{2023, 8, 6}));
  auto late = svc_->FileObjection(Officer(p1_, team_a_), Act(), stage->entry.id, "迟到的申请");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().reason, "objection_window_closed");
  auto fin = svc_->FinalizeMonth(Manager(), Act(), std::nullopt, "2023-07");
  ASSERT_TRUE(fin) << fin.error().message;
  EXPECT_EQ(fin->status, "final");

  // Final rankings include the adjustment; the published snapshot did not.
  auto ranks = svc_->GetRankings(Manager(), std::nullopt, "2023-07", std::nullopt).value();
  EXPECT_EQ(ranks.phase, "final");
  auto p1_rank = std::find_if(ranks.rankings.officers.begin(), ranks.rankings.officers.end(),
                              [&](const OfficerTotal& o) { return o.person_id == p1_; });
  EXPECT_EQ(p1_rank->total, 1140);

  // A final month refuses everything.
  for (auto r : {svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-07"),
                 svc_->PublishMonth(Manager(), Act(), std::nullopt, "2023-07"),
                 svc_->FinalizeMonth(Manager(), Act(), std::nullopt, "2023-07")}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kConflict);
    EXPECT_EQ(r.error().reason, "month_final");
  }
  clock_.Set(Local(2023, 8, 3));  // even back inside the window
  auto after_final = svc_->FileObjection(Officer(p1_, team_a_), Act(), stage->entry.id, "定稿后申请");
  ASSERT_FALSE(after_final);
  EXPECT_EQ(after_final.error().reason, "month_final");

  // Year totals and trend count published/final months.
  auto year = svc_->GetYearTotals(Manager(), std::nullopt, 2023, std::nullopt).value();
  EXPECT_EQ(year.months_counted, 1);
  EXPECT_EQ(year.officers[0].person_id, p1_);
  EXPECT_EQ(year.officers[0].total, 1140);
  auto me = svc_->GetOfficerMonth(Officer(p1_, team_a_), std::nullopt, "2023-07").value();
  EXPECT_EQ(me.year_total, 1140);
  ASSERT_EQ(me.trend.size(), 12u);
  EXPECT_EQ(me.trend.back().month, "2023-07");
  EXPECT_EQ(*me.trend.back().total, 1140);
  EXPECT_FALSE(me.trend.front().total);
  EXPECT_EQ(me.rank_bureau, 1);
}

TEST_F(ScoringServiceTest, ScopeOfViews) {
  Install("2023-01");
  SeedJuly();
  ASSERT_TRUE(svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-07"));
  ASSERT_TRUE(svc_->PublishMonth(Manager(), Act(), std::nullopt, "2023-07"));
  // An officer of 东街 sees 东街's officers and unit only, with bureau-wide ranks.
  auto r = svc_->GetRankings(Officer(p3_, team_b_), std::nullopt, "2023-07", std::nullopt).value().rankings;
  ASSERT_EQ(r.units.size(), 1u);
  EXPECT_EQ(r.units[0].unit_id, team_b_);
  for (const auto& o : r.officers) EXPECT_EQ(o.unit_id, team_b_);
  // Another officer's page: not found for an officer, fine for the leader.
  auto other = svc_->GetOfficerMonth(Officer(p3_, team_b_), p1_, "2023-07");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(svc_->GetOfficerMonth(Manager(), p1_, "2023-07"));
  // A unit filter outside the scope.
  auto outside = svc_->GetRankings(Officer(p3_, team_b_), std::nullopt, "2023-07", team_a_);
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().code, ErrorCode::kNotFound);
  // Another bureau's months are invisible.
  auto other_bureau = svc_->GetRankings(Manager(), other_bureau_, "2023-07", std::nullopt);
  ASSERT_FALSE(other_bureau);
  EXPECT_EQ(other_bureau.error().code, ErrorCode::kNotFound);
  // Entries list (managers) respects the unit filter.
  PageRequest page;
  page.page_size = 100;
  auto a_only = svc_->ListEntries(Manager(), std::nullopt, "2023-07", team_a_, page).value();
  for (const auto& e : a_only.items) EXPECT_EQ(e.entry.unit_id, team_a_);
  EXPECT_GT(a_only.total, 0);
}

}  // namespace
}  // namespace fazhi::scoring

namespace fazhi::scoring {
namespace {

TEST_F(ScoringServiceTest, ScoreCommandPrintsStoredOrPreview) {
  Install("2023-01");
  SeedJuly();
  std::ostringstream out, err;
  // Nobody computed July yet: a preview, nothing stored.
  ASSERT_EQ(RunScoreCommand(*svc_, {.month = "2023-07", .unit_id = bureau_}, out, err), 0) << err.str();
  auto j = nlohmann::json::parse(out.str());
  ASSERT_EQ(j["bureaus"].size(), 1u);
  EXPECT_EQ(j["bureaus"][0]["phase"], "preview");
  EXPECT_TRUE(svc_->ListMonths(Manager(), std::nullopt, 2023)->empty());
  // The whole city: its bureaus previewed together (two threads); the bureau without a scheme is
  // left out, the other gives the same answer as alone.
  std::ostringstream city_out;
  ASSERT_EQ(RunScoreCommand(*svc_, {.month = "2023-07", .unit_id = city_}, city_out, err), 0) << err.str();
  EXPECT_EQ(nlohmann::json::parse(city_out.str()), j);
  // Published: the stored snapshot, narrowed to a team.
  ASSERT_TRUE(svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-07"));
  ASSERT_TRUE(svc_->PublishMonth(Manager(), Act(), std::nullopt, "2023-07"));
  out.str("");
  ASSERT_EQ(RunScoreCommand(*svc_, {.month = "2023-07", .unit_id = team_a_}, out, err), 0) << err.str();
  j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["bureaus"][0]["phase"], "published");
  for (const auto& o : j["bureaus"][0]["officers"]) EXPECT_EQ(o["unit_id"], team_a_);
  // XLSX to a file; bad input → 2 with a message.
  const std::string path = (tdb_.dir() / "july.xlsx").string();
  ASSERT_EQ(RunScoreCommand(*svc_, {.month = "2023-07", .unit_id = bureau_, .format = "xlsx", .out = path}, out, err),
            0)
      << err.str();
  EXPECT_GT(std::filesystem::file_size(path), 1000u);
  err.str("");
  EXPECT_EQ(RunScoreCommand(*svc_, {.month = "2023-7"}, out, err), 2);
  EXPECT_NE(err.str().find("月份"), std::string::npos);
  EXPECT_EQ(RunScoreCommand(*svc_, {.month = "2023-07", .format = "xlsx"}, out, err), 2);
}

TEST_F(ScoringServiceTest, DemoYearIsPublishedWithObjectionsAndIdempotent) {
  for (int m = 1; m <= 12; ++m) {
    const auto c = data_->AddCase({.unit = team_a_, .lead = p1_, .assists = {p2_}});
    data_->AddEvent(c, "accept_case", Local(2023, m, 5));
    data_->AddViolation(c, p1_, "CRIM-DETAIN-04", "normal", Local(2023, m, 10));
    const auto d = data_->AddCase({.unit = team_b_, .lead = p3_});
    data_->AddEvent(d, "file_case", Local(2023, m, 6));
  }
  auto s = GenerateScoringDemo(*db_, clock_, 2023, svc_->sources());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->already_present);
  EXPECT_EQ(s->months, 24);     // two bureaus with people
  EXPECT_EQ(s->objections, 8);  // 3, 6, 9, 11 × (one accepted, one rejected) in 城区分局
  auto months = svc_->ListMonths(Manager(), std::nullopt, 2023).value();
  ASSERT_EQ(months.size(), 12u);
  for (const auto& m : months) EXPECT_EQ(m.status, "final");
  auto objections = svc_->ListObjections(Manager(), {}).value();
  int accepted = 0, rejected = 0;
  for (const auto& o : objections) (o.status == "accepted" ? accepted : rejected)++;
  EXPECT_EQ(accepted, 4);
  EXPECT_EQ(rejected, 4);
  // p1 lost 6 points a month for the violation, except in the four months the objection was accepted.
  auto year = svc_->GetYearTotals(Manager(), std::nullopt, 2023, std::nullopt).value();
  EXPECT_EQ(year.months_counted, 12);
  // Second run: nothing changes.
  auto again = GenerateScoringDemo(*db_, clock_, 2023, svc_->sources());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->already_present);
  EXPECT_EQ(again->months, 24);
  EXPECT_EQ(again->objections, 8);
  EXPECT_EQ(svc_->ListObjections(Manager(), {})->size(), 8u);
}

// Issue 16 (docs/scoring.md 第五轮): a computed draft is one compact row of score_draft_ledgers, not a
// score_entries row per entry; what is read back is the computed ledger entry for entry (its text
// hashes to the stored ledger_hash), paged and per officer as before; publishing writes the entries
// to score_entries, where objections find them.
TEST_F(ScoringServiceTest, DraftIsStoredCompactlyAndReadsBackAsComputed) {
  Install("2023-01");
  SeedJuly();
  const auto m = svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-07").value();
  const auto count = [&](const std::string& table) {
    return db_->Read([&](soci::session& sql) {
      long long n = 0;
      sql << "SELECT COUNT(*) FROM " + table, soci::into(n);
      return n;
    });
  };
  EXPECT_EQ(count("score_entries"), 0);
  EXPECT_EQ(count("score_draft_ledgers"), 1);
  const auto [computed, stored] = db_->Read([&](soci::session& sql) {
    const auto b = detail::ResolveBureau(sql, Manager(), bureau_, true).value();
    const auto draft =
        detail::ComputeDraft(sql, b, points::MonthKey{2023, 7}, clock_.Now(), testing::WiredSources()).value();
    return std::pair{draft.ledger.Entries(), detail::LoadMonthEntries(sql, bureau_, "2023-07")};
  });
  ASSERT_EQ(stored.size(), 13u);
  EXPECT_EQ(SerializeLedger(stored), SerializeLedger(computed));
  EXPECT_EQ(auth::Sha256HexOf(SerializeLedger(stored)), m.ledger_hash);
  std::set<std::int64_t> ids;
  for (const auto& e : stored) {
    EXPECT_GE(e.id, detail::kDraftEntryIdBase);
    EXPECT_LT(e.id, std::int64_t{1} << 53);  // exact in JavaScript
    ids.insert(e.id);
  }
  EXPECT_EQ(ids.size(), stored.size());

  // The entry list in pages of 4 (by officer, then ledger order) and one officer's month.
  std::vector<Entry> team_a;
  for (const auto& e : stored)
    if (e.unit_id == team_a_) team_a.push_back(e);
  std::stable_sort(team_a.begin(), team_a.end(),
                   [](const Entry& x, const Entry& y) { return x.person_id < y.person_id; });
  ASSERT_EQ(team_a.size(), 9u);  // 张一 5, 李二 4
  std::vector<Entry> paged;
  for (int page = 1; page <= 3; ++page) {
    PageRequest req;
    req.page = page;
    req.page_size = 4;
    auto list = svc_->ListEntries(Manager(), std::nullopt, "2023-07", team_a_, req).value();
    EXPECT_EQ(list.total, 9);
    EXPECT_EQ(list.items.size(), page < 3 ? 4u : 1u);
    for (auto& v : list.items) paged.push_back(v.entry);
  }
  EXPECT_EQ(SerializeLedger(paged), SerializeLedger(team_a));
  EXPECT_EQ(paged.front().id, team_a.front().id);
  EXPECT_EQ(TotalOf(p1_), 540);
  EXPECT_EQ(svc_->GetOfficerMonth(Manager(), p1_, "2023-07")->entries.size(), 5u);

  // An objection about a draft entry: the month is not published (as before); an id past the end of
  // the draft does not exist; a recomputed draft's old ids are gone.
  const std::int64_t mine = svc_->GetOfficerMonth(Manager(), p1_, "2023-07")->entries[0].entry.id;
  auto early = svc_->FileObjection(Officer(p1_, team_a_), Act(), mine, "尚未公示");
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::kConflict);
  EXPECT_EQ(early.error().reason, "month_not_published");
  auto past = svc_->FileObjection(Officer(p1_, team_a_), Act(), stored.back().id + 1000, "不存在");
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code, ErrorCode::kNotFound);
  clock_.Advance(60);
  const auto again = svc_->ComputeMonth(Manager(), Act(), std::nullopt, "2023-07").value();
  EXPECT_EQ(again.ledger_hash, m.ledger_hash);
  EXPECT_EQ(count("score_draft_ledgers"), 1);
  auto gone = svc_->FileObjection(Officer(p1_, team_a_), Act(), mine, "旧草稿");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);

  // Published: the entries are score_entries rows (ledger order, the same text), the draft row is gone.
  clock_.Set(Local(2023, 8, 2, 10));
  const auto pub = svc_->PublishMonth(Manager(), Act(), std::nullopt, "2023-07").value();
  EXPECT_EQ(pub.ledger_hash, m.ledger_hash);
  EXPECT_EQ(count("score_entries"), 13);
  EXPECT_EQ(count("score_draft_ledgers"), 0);
  const auto frozen = db_->Read([&](soci::session& sql) { return detail::LoadMonthEntries(sql, bureau_, "2023-07"); });
  EXPECT_EQ(SerializeLedger(frozen), SerializeLedger(computed));
  for (const auto& e : frozen) EXPECT_LT(e.id, detail::kDraftEntryIdBase);
  const auto published = svc_->GetOfficerMonth(Officer(p1_, team_a_), std::nullopt, "2023-07").value();
  ASSERT_EQ(published.entries.size(), 5u);
  EXPECT_EQ(published.total, 540);
  auto o = svc_->FileObjection(Officer(p1_, team_a_), Act(), published.entries[0].entry.id, "已公示，申请复核");
  ASSERT_TRUE(o) << o.error().message;
}

}  // namespace
}  // namespace fazhi::scoring
