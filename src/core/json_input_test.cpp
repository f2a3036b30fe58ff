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

}  // namespace
}  // namespace fazhi
