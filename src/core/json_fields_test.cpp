#include "core/json_fields.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fazhi {
namespace {

struct Sample {
  std::int64_t id = 0;
  std::string name;
  bool active = false;
  std::optional<std::int64_t> closed_at;
  std::vector<std::string> tags;
};

TEST(JsonFieldsTest, MembersUnderTheirOwnNamesAndEmptyOptionalsAsNull) {
  const Sample open{.id = 3, .name = "城东所", .active = true, .closed_at = std::nullopt, .tags = {"a", "b"}};
  EXPECT_EQ(FZ_JSON(open, id, name, active, closed_at, tags),
            nlohmann::json::parse(R"({"id":3,"name":"城东所","active":true,"closed_at":null,"tags":["a","b"]})"));
  const Sample closed{.id = 4, .closed_at = 1700000000};
  EXPECT_EQ(FZ_JSON(closed, closed_at), nlohmann::json::parse(R"({"closed_at":1700000000})"));
  // Only the members named: an object even for one member, never an array.
  EXPECT_TRUE(FZ_JSON(closed, id).is_object());
}

TEST(JsonFieldsTest, MergedAddsKeysThatAreNotMembers) {
  const Sample s{.id = 9, .name = "x"};
  EXPECT_EQ(Merged(FZ_JSON(s, id, name), {{"label", "九"}, {"count", 2}}),
            nlohmann::json::parse(R"({"id":9,"name":"x","label":"九","count":2})"));
  // One extra key stays an object member, not a two-element array.
  EXPECT_EQ(Merged(FZ_JSON(s, id), {{"label", "九"}}), nlohmann::json::parse(R"({"id":9,"label":"九"})"));
}

}  // namespace
}  // namespace fazhi
