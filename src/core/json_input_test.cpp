#include "core/json_input.h"

#include <gtest/gtest.h>

namespace fazhi {
namespace {

TEST(JsonInput, ReadsValidObject) {
  JsonInput in(R"({"name":" 城区分局 ","parent_id":3,"active":true,"kind":"派出所"})");
  EXPECT_EQ(in.String("name", "名称", {.required = true}), "城区分局");
  EXPECT_EQ(in.Int("parent_id", "上级"), 3);
  EXPECT_EQ(in.Bool("active", "启用"), true);
  EXPECT_EQ(in.Enum("kind", "类型", {"派出所", "大队"}), "派出所");
  EXPECT_FALSE(in.Finish());
}

TEST(JsonInput, RejectsMalformedAndNonObjects) {
  EXPECT_EQ(JsonInput("{bad").error()->reason, "malformed_json");
  EXPECT_EQ(JsonInput("[1,2]").error()->reason, "malformed_json");
  EXPECT_EQ(JsonInput("").error()->reason, "malformed_json");
}

TEST(JsonInput, NamesTheFieldOnEachKindOfError) {
  {
    JsonInput in(R"({"name":5})");
    in.String("name", "名称");
    ASSERT_TRUE(in.Finish());
    EXPECT_EQ(in.error()->field, "name");
    EXPECT_EQ(in.error()->reason, "wrong_type");
  }
  {
    JsonInput in(R"({"name":"一二三四五六"})");
    in.String("name", "名称", {.max_chars = 5});
    EXPECT_EQ(in.Finish()->reason, "too_long");
  }
  {
    JsonInput in(R"({"name":"甲","evil":1})");
    in.String("name", "名称");
    auto e = in.Finish();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->reason, "unknown_field");
    EXPECT_EQ(e->field, "evil");
  }
  {
    JsonInput in(R"({})");
    in.String("name", "名称", {.required = true});
    EXPECT_EQ(in.Finish()->reason, "missing_field");
  }
  {
    JsonInput in(R"({"n":18446744073709551615})");
    in.Int("n", "数");
    EXPECT_EQ(in.Finish()->reason, "out_of_range");
  }
  {
    JsonInput in(R"({"kind":"其他"})");
    in.Enum("kind", "类型", {"派出所"});
    EXPECT_EQ(in.Finish()->reason, "invalid_value");
  }
}

TEST(JsonInput, TimeTakesTheFormsItsRuleAllows) {
  // 2023-07-03 00:00 北京时间 = 1688313600 UTC; 18:00 is 64800 s later.
  constexpr std::int64_t kMidnight = 1688313600;
  {
    JsonInput in(R"({"a":"2023-07-03","b":"2023-07-03 18:00","c":1700000000})");
    EXPECT_EQ(in.Time("a", "甲"), kMidnight);
    EXPECT_EQ(in.Time("b", "乙"), kMidnight + 64800);
    EXPECT_EQ(in.Time("c", "丙"), 1700000000);
    EXPECT_EQ(in.Time("d", "丁"), std::nullopt);  // absent and not required
    EXPECT_FALSE(in.Finish());
  }
  {
    JsonInput in(R"({"deadline":"明天"})");
    EXPECT_EQ(in.Time("deadline", "整改期限", {.required = true}), std::nullopt);
    ASSERT_TRUE(in.Finish());
    EXPECT_EQ(in.error()->reason, "invalid_time");
    EXPECT_EQ(in.error()->field, "deadline");
  }
  {
    JsonInput in(R"({"from":"2023-07-03 18:00"})");  // a day, not a moment
    EXPECT_EQ(in.Time("from", "源周第一天", {.form = TimeForm::kDate}), std::nullopt);
    ASSERT_TRUE(in.Finish());
    EXPECT_EQ(in.error()->reason, "invalid_date");
    EXPECT_NE(in.error()->message.find("源周第一天"), std::string::npos);
  }
  {
    JsonInput in(R"({"from":"2023-07-03"})");
    EXPECT_EQ(in.Time("from", "源周第一天", {.required = true, .form = TimeForm::kDate}), kMidnight);
    EXPECT_FALSE(in.Finish());
  }
  {
    JsonInput in(R"({})");
    in.Time("from", "源周第一天", {.required = true});
    ASSERT_TRUE(in.Finish());
    EXPECT_EQ(in.error()->field, "from");
  }
}

}  // namespace
}  // namespace fazhi
