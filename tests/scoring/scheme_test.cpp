// Scheme validation: pure, no database.
#include <gtest/gtest.h>

#include "scoring/scheme.h"
#include "scoring/scoring_fixture.h"

namespace fazhi::scoring {
namespace {

using points::ParseMonth;
using testing::ScoringData;

Error ErrorOf(const nlohmann::json& doc) {
  auto r = ParseScheme(doc);
  EXPECT_FALSE(r.has_value()) << doc.dump();
  return r ? Error{} : r.error();
}

TEST(SchemeTest, DefaultAndTestSchemesParseAndRoundTrip) {
  for (const auto& doc : {DefaultSchemeDocument(), ScoringData::TestScheme()}) {
    auto s = ParseScheme(doc);
    ASSERT_TRUE(s) << s.error().message;
    auto again = ParseScheme(SchemeJson(*s));
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(SchemeJson(*again).dump(), SchemeJson(*s).dump());
  }
  auto s = ParseScheme(ScoringData::TestScheme()).value();
  EXPECT_EQ(s.StagePoints("file_case"), 200);
  EXPECT_EQ(s.WeightFor("电信网络诈骗"), 150);
  EXPECT_EQ(s.WeightFor("民生小案"), 100);
  EXPECT_EQ(s.violation_rules.at("CRIM-DETAIN-04"), 600);
  EXPECT_EQ(*s.cap_positive, 10000);
}

TEST(SchemeTest, ActCapsBelongToBonusActsAndArePositive) {
  const auto d = ParseScheme(DefaultSchemeDocument()).value();
  EXPECT_EQ(d.act_caps.at("patrol_checkin"), 200);
  EXPECT_EQ(d.BonusPoints("patrol_checkin"), 10);
  EXPECT_EQ(d.BonusPoints("patrol_catch"), 100);
  nlohmann::json doc = ScoringData::TestScheme();
  doc["caps"]["acts"] = {{"violation", 2}};
  Error e = ErrorOf(doc);
  EXPECT_EQ(e.reason, "unknown_act");
  EXPECT_EQ(e.field, "document.caps.acts.violation");
  doc["caps"]["acts"] = {{"patrol_checkin", 0}};
  e = ErrorOf(doc);
  EXPECT_EQ(e.reason, "negative_cap");
  doc["caps"]["acts"] = {{"patrol_checkin", 1.5}};
  const auto s = ParseScheme(doc).value();
  EXPECT_EQ(s.act_caps.at("patrol_checkin"), 150);
  EXPECT_EQ(SchemeJson(s)["caps"]["acts"]["patrol_checkin"], 1.5);
}

TEST(SchemeTest, EveryForbiddenIndicatorIsRefusedWithTheReason) {
  // By key, wherever it appears: as a stage, a bonus, a deduction, a weight or a top-level item.
  const std::vector<std::string> keys = {"罚没款金额", "fine_amount",           "刑拘数", "criminal_detention_count",
                                         "行拘数",     "admin_detention_count", "发案数", "incident_count",
                                         "破案率",     "clearance_rate",        "退查率", "return_rate"};
  for (const auto& key : keys) {
    for (const std::string section : {"stages", "bonuses", "deductions", "category_weights", ""}) {
      nlohmann::json doc = ScoringData::TestScheme();
      if (section.empty())
        doc[key] = 1;
      else
        doc[section][key] = 1;
      const Error e = ErrorOf(doc);
      EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
      EXPECT_EQ(e.reason, "forbidden_indicator") << key << " in " << section;
      EXPECT_NE(e.message.find("省级"), std::string::npos) << e.message;
      EXPECT_NE(e.message.find("禁止"), std::string::npos) << e.message;
      EXPECT_NE(e.field.find(key), std::string::npos) << e.field;
    }
  }
}

TEST(SchemeTest, ForbiddenIndicatorMessageNamesTheIndicator) {
  nlohmann::json doc = ScoringData::TestScheme();
  doc["stages"]["fine_amount"] = 0.5;
  const Error e = ErrorOf(doc);
  EXPECT_NE(e.message.find("罚没款金额指标"), std::string::npos) << e.message;
  EXPECT_EQ(e.field, "document.stages.fine_amount");
}

TEST(SchemeTest, CoerciveMeasuresEarnNothingByThemselves) {
  for (const std::string act : {"detain", "arrest", "admin_detention_execute", "bail"}) {
    nlohmann::json doc = ScoringData::TestScheme();
    doc["stages"][act] = 1;
    const Error e = ErrorOf(doc);
    EXPECT_EQ(e.reason, "coercive_measure") << act;
    EXPECT_NE(e.message.find("强制措施本身不计分"), std::string::npos) << e.message;
  }
}

TEST(SchemeTest, UnknownActsAreRefusedNamingTheItem) {
  struct Case {
    std::function<void(nlohmann::json&)> edit;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](nlohmann::json& d) { d["stages"]["solve_everything"] = 1; }, "document.stages.solve_everything"},
      {[](nlohmann::json& d) { d["bonuses"]["accept_case"] = 1; }, "document.bonuses.accept_case"},
      {[](nlohmann::json& d) { d["deductions"]["typical_case"] = 1; }, "document.deductions.typical_case"},
      {[](nlohmann::json& d) { d["deductions"]["violation"]["by_rule"]["NO-SUCH-RULE"] = 1; },
       "document.deductions.violation.by_rule.NO-SUCH-RULE"},
      {[](nlohmann::json& d) { d["deductions"]["review_finding"]["spelling"] = 1; },
       "document.deductions.review_finding.spelling"},
      {[](nlohmann::json& d) { d["bonus_points"] = 1; }, "document.bonus_points"},
  };
  for (const auto& c : cases) {
    nlohmann::json doc = ScoringData::TestScheme();
    c.edit(doc);
    const Error e = ErrorOf(doc);
    EXPECT_EQ(e.reason, "unknown_act") << c.field;
    EXPECT_EQ(e.field, c.field);
  }
}

TEST(SchemeTest, NegativeOrZeroCapsAreRefused) {
  for (const std::string cap : {"monthly_positive", "monthly_negative"}) {
    for (double v : {-5.0, 0.0}) {
      nlohmann::json doc = ScoringData::TestScheme();
      doc["caps"][cap] = v;
      const Error e = ErrorOf(doc);
      EXPECT_EQ(e.reason, "negative_cap") << cap << " " << v;
      EXPECT_EQ(e.field, "document.caps." + cap);
    }
  }
}

TEST(SchemeTest, BadAmountsAreRefused) {
  auto check = [](std::function<void(nlohmann::json&)> edit, const std::string& field) {
    nlohmann::json doc = ScoringData::TestScheme();
    edit(doc);
    const Error e = ErrorOf(doc);
    EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field, field) << e.message;
  };
  check([](auto& d) { d["stages"]["file_case"] = 1.234; }, "document.stages.file_case");
  check([](auto& d) { d["stages"]["file_case"] = -1; }, "document.stages.file_case");
  check([](auto& d) { d["stages"]["file_case"] = "2"; }, "document.stages.file_case");
  check([](auto& d) { d["deductions"]["order_overdue"] = -2; }, "document.deductions.order_overdue");
  check([](auto& d) { d["split"]["lead_percent"] = 80; }, "document.split");
  check([](auto& d) { d["category_weights"]["拐卖"] = 0; }, "document.category_weights.拐卖");
  check([](auto& d) { d["objection_days"] = 0; }, "document.objection_days");
}

TEST(SchemeTest, MonthsAndPoints) {
  EXPECT_EQ(ParseMonth("2023-07")->month, 7);
  EXPECT_FALSE(ParseMonth("2023-13"));
  EXPECT_FALSE(ParseMonth("2023-7"));
  EXPECT_FALSE(ParseMonth("23-07-01"));
  EXPECT_EQ(ParseMonth("2023-01")->Prev().Text(), "2022-12");
  EXPECT_EQ(ParseMonth("2023-12")->Next().Text(), "2024-01");
  EXPECT_EQ(FormatPoints(250), "2.5");
  EXPECT_EQ(FormatPoints(300), "3");
  EXPECT_EQ(FormatPoints(-35), "-0.35");
  EXPECT_EQ(FormatPoints(-205), "-2.05");
  EXPECT_EQ(FormatPoints(0), "0");
}

}  // namespace
}  // namespace fazhi::scoring
