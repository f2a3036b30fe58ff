// The pure ledger computation on hand-made facts, with hand-computed expected points (in
// hundredths: 210 = 2.1 分).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>

#include "scoring/ledger.h"
#include "scoring/scoring_fixture.h"

namespace fazhi::scoring {
namespace {

using points::RawFact;

Scheme TestScheme() { return ParseScheme(testing::ScoringData::TestScheme()).value(); }

RawFact Stage(const std::string& act, std::int64_t case_id, const std::string& category, std::int64_t lead,
              std::vector<std::int64_t> assists = {}) {
  RawFact f;
  f.act = act;
  f.object_type = "case";
  f.object_id = case_id;
  f.case_id = case_id;
  f.case_label = "A" + std::to_string(case_id);
  f.case_category = category;
  f.at = 1688140800 + case_id;
  f.officers.push_back({lead, true});
  for (auto a : assists) f.officers.push_back({a, false});
  return f;
}

RawFact Deduction(const std::string& act, std::int64_t object_id, std::int64_t officer, const std::string& variant = {},
                  const std::string& rule = {}) {
  RawFact f;
  f.act = act;
  f.variant = variant;
  f.rule_id = rule;
  f.object_type = act;
  f.object_id = object_id;
  f.case_id = 99;
  f.at = 1688140800;
  f.officers.push_back({officer, true});
  return f;
}

std::map<std::int64_t, Centi> Totals(const std::vector<Entry>& entries) {
  std::map<std::int64_t, Centi> t;
  for (const auto& e : entries) t[e.person_id] += e.points;
  return t;
}

TEST(LedgerTest, LeadAssistSplitWithCategoryWeight) {
  // 立案 2 × 1.5 (电信网络诈骗) = 3: 主办 70% = 2.1, two 协办 share 0.9 → 0.45 each.
  // 受案 1 × 1.5 = 1.5: 主办 1.05, 协办 0.45 → 0.23 (lower id) + 0.22.
  auto entries = ComputeLedger(
      TestScheme(), 1,
      {Stage("file_case", 10, "电信网络诈骗", 1, {2, 3}), Stage("accept_case", 10, "电信网络诈骗", 1, {3, 2})});
  ASSERT_EQ(entries.size(), 6u);
  auto t = Totals(entries);
  EXPECT_EQ(t[1], 210 + 105);
  EXPECT_EQ(t[2], 45 + 23);
  EXPECT_EQ(t[3], 45 + 22);
  for (const auto& e : entries) {
    EXPECT_EQ(e.source, "case_stage");
    EXPECT_EQ(e.object_type, "case");
    EXPECT_EQ(e.case_id, 10);
    EXPECT_EQ(e.scheme_version, 1);
    EXPECT_EQ(e.role, e.person_id == 1 ? "lead" : "assist");
  }
  // The reason shows how the points came about.
  const auto lead_file = std::find_if(entries.begin(), entries.end(),
                                      [](const Entry& e) { return e.person_id == 1 && e.act == "file_case"; });
  EXPECT_NE(lead_file->reason.find("立案"), std::string::npos);
  EXPECT_NE(lead_file->reason.find("类别系数 1.5（电信网络诈骗）"), std::string::npos) << lead_file->reason;
  EXPECT_NE(lead_file->reason.find("主办 70%"), std::string::npos);
  EXPECT_NE(lead_file->reason.find("得 2.1 分"), std::string::npos) << lead_file->reason;
}

TEST(LedgerTest, LeadWithoutAssistsTakesAll) {
  auto entries = ComputeLedger(TestScheme(), 1, {Stage("transfer_prosecution", 11, "", 4)});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].points, 500);
  EXPECT_EQ(entries[0].role, "lead");
}

TEST(LedgerTest, QualityDeductionsByRuleSeverityAndCategory) {
  auto entries = ComputeLedger(TestScheme(), 1,
                               {Deduction("violation", 1, 5, "serious", "CRIM-ARREST-01"),  // serious: 5
                                Deduction("violation", 2, 5, "normal", "CRIM-DETAIN-04"),   // by rule: 6
                                Deduction("violation", 3, 5, "normal", "ADM-TERM-01"),      // normal: 2
                                Deduction("review_finding", 4, 5, "procedure"),             // 1
                                Deduction("review_finding", 5, 5, "characterization"),      // 3
                                Deduction("order_overdue", 6, 5)});                         // 2
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(Totals(entries)[5], -(500 + 600 + 200 + 100 + 300 + 200));
  for (const auto& e : entries) {
    EXPECT_LT(e.points, 0);
    EXPECT_EQ(e.role, "responsible");
    EXPECT_NE(e.reason.find("扣"), std::string::npos);
  }
  auto by_rule = std::find_if(entries.begin(), entries.end(), [](const Entry& e) { return e.object_id == 2; });
  EXPECT_EQ(by_rule->points, -600);
  EXPECT_NE(by_rule->reason.find("按规则 CRIM-DETAIN-04"), std::string::npos) << by_rule->reason;
}

TEST(LedgerTest, MonthlyCapsAreVisibleEntries) {
  Scheme s = TestScheme();
  s.cap_positive = 300;  // 3 分
  s.cap_negative = 100;  // 1 分
  auto entries = ComputeLedger(s, 2,
                               {Stage("transfer_prosecution", 20, "", 6), Stage("file_case", 20, "", 6),
                                Deduction("review_finding", 7, 6, "evidence"), Deduction("order_overdue", 8, 6)});
  // +5 +2 = 7 → capped at 3 (entry −4); −2 −2 = −4 → capped at −1 (entry +3). Total 3 − 1 = 2.
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(Totals(entries)[6], 200);
  int caps = 0;
  for (const auto& e : entries) {
    if (e.source != "cap") continue;
    ++caps;
    if (e.act == "cap_positive") {
      EXPECT_EQ(e.points, -400);
      EXPECT_NE(e.reason.find("月加分上限 3 分"), std::string::npos) << e.reason;
    } else {
      EXPECT_EQ(e.act, "cap_negative");
      EXPECT_EQ(e.points, 300);
    }
  }
  EXPECT_EQ(caps, 2);
  // Caps come last in the officer's ledger.
  EXPECT_EQ(entries[4].source, "cap");
  EXPECT_EQ(entries[5].source, "cap");
}

TEST(LedgerTest, UnconfiguredAndCoerciveActsEarnNothing) {
  RawFact detain = Stage("detain", 30, "", 7);
  RawFact rating = Stage("case_rating_good", 30, "", 7);  // a bonus the scheme does not configure
  RawFact no_officer = Stage("file_case", 31, "", 7);
  no_officer.officers.clear();
  auto entries = ComputeLedger(TestScheme(), 1, {detain, rating, no_officer});
  EXPECT_TRUE(entries.empty());
}

TEST(LedgerTest, BonusesSplitWithoutWeight) {
  auto entries = ComputeLedger(TestScheme(), 1, {Stage("typical_case", 40, "电信网络诈骗", 8, {9})});
  auto t = Totals(entries);
  EXPECT_EQ(t[8], 560);  // 8 × 70%
  EXPECT_EQ(t[9], 240);
}

TEST(LedgerTest, DeterministicWhateverTheInputOrder) {
  std::vector<RawFact> facts;
  const std::vector<std::string> categories = {"", "电信网络诈骗", "民生小案"};
  const std::vector<std::string> stages = {"accept_case", "file_case", "conclude_case", "transfer_prosecution"};
  for (int c = 1; c <= 60; ++c) {
    facts.push_back(Stage(stages[c % 4], c, categories[c % 3], 100 + c % 7, {100 + (c + 1) % 7, 100 + (c + 3) % 7}));
    if (c % 5 == 0)
      facts.push_back(Deduction("violation", c, 100 + c % 7, c % 2 ? "serious" : "normal", "CRIM-DETAIN-04"));
    if (c % 4 == 0) facts.push_back(Deduction("review_finding", c, 100 + c % 7, "evidence"));
  }
  const std::string expected = SerializeLedger(ComputeLedger(TestScheme(), 3, facts));
  EXPECT_FALSE(expected.empty());
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    auto shuffled = facts;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    for (auto& f : shuffled) std::shuffle(f.officers.begin(), f.officers.end(), rng);
    EXPECT_EQ(SerializeLedger(ComputeLedger(TestScheme(), 3, shuffled)), expected);
  }
}

// A city-month-like mix of every fact kind, generated from a fixed seed, against golden digests of
// the canonical ledger text: any change of the computed ledger (points, order, reasons, roles, caps)
// changes the digest. The digests were taken from the first implementation; a faster ledger must
// keep them. (If the ledger is changed ON PURPOSE, say so in the commit and update them.)
std::uint64_t Fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::vector<RawFact> GoldenFacts() {
  std::mt19937_64 rng(20230701);  // raw engine output only: distributions differ between libraries
  auto below = [&](std::uint64_t n) { return static_cast<std::int64_t>(rng() % n); };
  const std::vector<std::string> categories = {"", "", "民生小案", "电信网络诈骗", "涉黑涉恶", "经济犯罪", "毒品"};
  const std::vector<std::string> stages = {
      "accept_case", "file_case", "conclude_case", "penalty_decision", "transfer_prosecution", "fast_track_concluded"};
  const std::vector<std::string> rules = {"CRIM-DETAIN-04", "CRIM-ARREST-01", "ADM-TERM-01"};
  const std::vector<std::string> findings = {"evidence", "procedure", "characterization"};
  std::vector<RawFact> facts;
  for (std::int64_t c = 1; c <= 3000; ++c) {
    const std::int64_t lead = 1000 + below(40);
    std::vector<std::int64_t> assists;
    for (std::int64_t a = below(4); a > 0; --a) assists.push_back(1000 + below(40));
    const std::string& category = categories[static_cast<std::size_t>(below(7))];
    for (std::int64_t k = 1 + below(3); k > 0; --k) {
      RawFact f = Stage(stages[static_cast<std::size_t>(below(6))], c, category, lead, assists);
      f.case_label = c % 11 == 0 ? "" : "A2023-" + std::to_string(c) + "（张某某\"案\"\\\n）";
      f.at += below(86400);
      facts.push_back(std::move(f));
    }
    if (below(10) == 0)
      facts.push_back(Deduction("violation", c, lead, below(3) == 0 ? "serious" : "normal",
                                rules[static_cast<std::size_t>(below(3))]));
    if (below(8) == 0) {
      RawFact f = Deduction("review_finding", c, lead, findings[static_cast<std::size_t>(below(3))]);
      f.note = "立案审核：证据链不完整\t（补充）";
      facts.push_back(std::move(f));
    }
    if (below(20) == 0) {
      RawFact f = Deduction("order_overdue", c, 1000 + below(40));
      f.object_type = "supervision_order";
      f.note = "督办 #" + std::to_string(c) + "（证据）整改期限 2023-07-10 00:00:00，逾期未答复";
      facts.push_back(std::move(f));
    }
    if (below(50) == 0) facts.push_back(Stage("typical_case", c, category, lead, assists));
  }
  return facts;
}

TEST(LedgerTest, GoldenLedgerOfAGeneratedMonth) {
  const auto facts = GoldenFacts();
  const auto test_scheme = ComputeLedger(TestScheme(), 2, facts);
  const std::string text = SerializeLedger(test_scheme);
  const auto default_scheme = ComputeLedger(ParseScheme(DefaultSchemeDocument()).value(), 5, facts);
  const std::string text2 = SerializeLedger(default_scheme);
  EXPECT_EQ(test_scheme.size(), 16141u);
  EXPECT_EQ(text.size(), 5474708u);
  EXPECT_EQ(Fnv1a(text), 7622845321767149048ull);
  EXPECT_EQ(default_scheme.size(), 16119u);
  EXPECT_EQ(text2.size(), 5746601u);
  EXPECT_EQ(Fnv1a(text2), 13288864237463284400ull);
  // The streamed text is the same text.
  std::string streamed;
  SerializeLedger(test_scheme, [&](std::string_view piece) { streamed.append(piece); });
  EXPECT_EQ(streamed, text);
}

// The service hashes and ranks the compact ledger (rows + facts, reasons written while hashing):
// its text, entries and rankings must be those of the entries ComputeLedger returns.
TEST(LedgerTest, CompactLedgerGivesTheSameTextEntriesAndRankings) {
  const auto facts = GoldenFacts();
  for (const Scheme& scheme : {TestScheme(), ParseScheme(DefaultSchemeDocument()).value()}) {
    auto entries = ComputeLedger(scheme, 2, facts);
    Ledger ledger = BuildLedger(scheme, 2, facts);
    ASSERT_EQ(ledger.size(), entries.size());
    for (std::size_t i = 0; i < ledger.size(); ++i) {
      ledger.rows[i].unit_id = 7 + ledger.rows[i].person_id % 3;
      entries[i].unit_id = ledger.rows[i].unit_id;
    }
    std::string compact;
    SerializeLedger(ledger, [&](std::string_view piece) { compact.append(piece); });
    EXPECT_EQ(compact, SerializeLedger(entries));
    EXPECT_EQ(SerializeLedger(ledger.Entries()), SerializeLedger(entries));
    std::vector<PersonInfo> people;
    for (std::int64_t p = 1000; p < 1040; p += 2)
      people.push_back({p, "民警", "B", p % 4 ? "民警" : "辅警", 7 + p % 3, true});
    const std::vector<UnitInfo> units = {{7, "一所", "/1/7/"}, {8, "二所", "/1/8/"}, {9, "三所", "/1/9/"}};
    EXPECT_EQ(RankingsJson(BuildRankings(ledger, people, units, true, nullptr)),
              RankingsJson(BuildRankings(entries, people, units, true, nullptr)));
  }
}

TEST(LedgerTest, RankingsWithTiesPerCapitaAndMovement) {
  auto entry = [](std::int64_t person, std::int64_t unit, Centi points) {
    Entry e;
    e.person_id = person;
    e.unit_id = unit;
    e.points = points;
    e.source = "case_stage";
    return e;
  };
  const std::vector<PersonInfo> people = {{1, "甲", "001", "民警", 10, true},  {2, "乙", "002", "民警", 10, true},
                                          {3, "丙", "003", "辅警", 10, true},  {4, "丁", "004", "民警", 20, true},
                                          {5, "戊", "005", "民警", 20, false}, {6, "己", "006", "民警", 30, true}};
  // 法制大队 handles no cases: no entries, so neither it nor its people are ranked (issue 11, defect 11).
  const std::vector<UnitInfo> units = {
      {10, "东街派出所", "/1/2/10/"}, {20, "西街派出所", "/1/2/20/"}, {30, "法制大队", "/1/2/30/"}};
  const std::vector<Entry> entries = {entry(1, 10, 500), entry(2, 10, 300), entry(3, 10, 300), entry(4, 20, 700),
                                      entry(4, 20, -100)};
  Rankings prev;
  prev.officers.push_back({.person_id = 1, .rank_bureau = 4});
  prev.officers.push_back({.person_id = 4, .rank_bureau = 1});
  prev.units.push_back({.unit_id = 10, .rank = 1});
  const Rankings r = BuildRankings(entries, people, units, /*per_capita_police_only=*/true, &prev);
  ASSERT_EQ(r.officers.size(), 4u);  // the inactive person without entries and 法制大队's 己 are left out
  EXPECT_EQ(r.officers[0].person_id, 4);
  EXPECT_EQ(r.officers[0].total, 600);
  EXPECT_EQ(r.officers[0].positive, 700);
  EXPECT_EQ(r.officers[0].negative, -100);
  EXPECT_EQ(r.officers[0].movement, 0);
  EXPECT_EQ(r.officers[1].person_id, 1);
  EXPECT_EQ(r.officers[1].rank_bureau, 2);
  EXPECT_EQ(r.officers[1].movement, 2);  // from 4th to 2nd
  EXPECT_EQ(r.officers[2].rank_bureau, 3);
  EXPECT_EQ(r.officers[3].rank_bureau, 3);  // tie
  EXPECT_EQ(r.officers[3].rank_unit, 2);
  EXPECT_FALSE(r.officers[2].movement.has_value());
  // Units: 东街 total 11 over 2 民警 (辅警 not counted) = 5.5; 西街 6 over 1 民警 = 6.
  ASSERT_EQ(r.units.size(), 2u);
  EXPECT_EQ(r.units[0].unit_id, 20);
  EXPECT_EQ(r.units[0].per_capita, 600);
  EXPECT_EQ(r.units[1].unit_id, 10);
  EXPECT_EQ(r.units[1].total, 1100);
  EXPECT_EQ(r.units[1].members, 2);
  EXPECT_EQ(r.units[1].per_capita, 550);
  EXPECT_EQ(r.units[1].movement, -1);
  // Snapshot round trip.
  auto back = RankingsFromJson(RankingsJson(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(RankingsJson(*back).dump(), RankingsJson(r).dump());
}

}  // namespace
}  // namespace fazhi::scoring
