#include "org/person_rules.h"

#include <gtest/gtest.h>

#include "org/org_fixture.h"

namespace fazhi::org {
namespace {

using testing::IdNumber;

PersonDraft Valid() {
  PersonDraft d;
  d.name = "张三";
  d.badge_no = "141001";
  d.kind = "民警";
  return d;
}

std::vector<std::string> Fields(const std::vector<FieldIssue>& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues) out.push_back(i.field);
  return out;
}

TEST(PersonRules, AcceptsAValidOfficerAndNormalises) {
  // An ID whose check character is X, typed in lower case.
  std::string with_x;
  for (int seq = 100; seq < 1000 && with_x.empty(); ++seq) {
    const std::string id = IdNumber("14059919800101" + std::to_string(seq));
    if (id.back() == 'X') with_x = id;
  }
  ASSERT_FALSE(with_x.empty());
  PersonDraft d = Valid();
  d.name = "  张三\xE3\x80\x80";
  d.id_number = with_x.substr(0, 17) + "x";
  d.phone = "138-1234 5678";
  EXPECT_TRUE(NormalizeAndCheck(d).empty());
  EXPECT_EQ(d.id_number, with_x);
  EXPECT_EQ(d.name, "张三");
  EXPECT_EQ(d.phone, "13812345678");
}

TEST(PersonRules, PoliceBadgeIsSixToEightDigits) {
  for (std::string badge : {"12345", "123456789", "12a456", "１２３４５６"}) {
    PersonDraft d = Valid();
    d.badge_no = badge;
    EXPECT_EQ(Fields(NormalizeAndCheck(d)), std::vector<std::string>{"badge_no"}) << badge;
  }
  for (std::string badge : {"123456", "12345678"}) {
    PersonDraft d = Valid();
    d.badge_no = badge;
    EXPECT_TRUE(NormalizeAndCheck(d).empty()) << badge;
  }
}

TEST(PersonRules, AuxiliaryNumberIsFreeFormUpTo16) {
  PersonDraft d = Valid();
  d.kind = "辅警";
  d.badge_no = "FJ-城区-0001";
  EXPECT_TRUE(NormalizeAndCheck(d).empty());
  d.badge_no = std::string(17, 'A');
  EXPECT_EQ(Fields(NormalizeAndCheck(d)), std::vector<std::string>{"badge_no"});
  d.badge_no = "FJ 01";
  EXPECT_EQ(Fields(NormalizeAndCheck(d)), std::vector<std::string>{"badge_no"});
}

TEST(PersonRules, ReportsEveryBadFieldWithChineseMessages) {
  PersonDraft d;
  d.kind = "协警";
  d.id_number = IdNumber("14059919800101123");
  d.id_number.back() = d.id_number.back() == '0' ? '1' : '0';  // wrong check digit
  d.phone = "12345";
  const auto issues = NormalizeAndCheck(d);
  EXPECT_EQ(Fields(issues), (std::vector<std::string>{"name", "kind", "badge_no", "id_number", "phone"}));
  EXPECT_NE(issues[1].message.find("民警"), std::string::npos);
}

TEST(PersonRules, ScientificNotationIdGetsAHint) {
  PersonDraft d = Valid();
  d.id_number = "1.40502199001012E+17";
  const auto issues = NormalizeAndCheck(d);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(issues[0].message.find("科学计数法"), std::string::npos);
}

TEST(PersonRules, YesNo) {
  bool v = false;
  EXPECT_TRUE(ParseYesNo("是", v));
  EXPECT_TRUE(v);
  EXPECT_TRUE(ParseYesNo(" false ", v));
  EXPECT_FALSE(v);
  EXPECT_FALSE(ParseYesNo("可能", v));
  EXPECT_TRUE(LooksMasked("1405**********1234"));
}

}  // namespace
}  // namespace fazhi::org
