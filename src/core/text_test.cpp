#include "core/text.h"

#include <gtest/gtest.h>

namespace fazhi {
namespace {

TEST(Text, CountsChineseCharacters) {
  EXPECT_EQ(Utf8Length("城区分局"), 4);
  EXPECT_EQ(Utf8Length("ab"), 2);
  EXPECT_EQ(Utf8Length("\xff"), -1);
  EXPECT_EQ(Utf8Length("\xe5\x9f"), -1);  // truncated sequence
}

TEST(Text, TrimsAsciiAndFullWidthSpace) {
  EXPECT_EQ(Trim("\xE3\x80\x80 张三 \t"), "张三");
  EXPECT_EQ(Trim("   "), "");
}

TEST(Text, MasksByCodePoint) {
  EXPECT_EQ(MaskMiddle("13812345678", 3, 4), "138****5678");
  EXPECT_EQ(MaskMiddle("张三丰", 1, 0), "张**");
}

TEST(Text, EscapesLikeWildcards) { EXPECT_EQ(EscapeLike("50%_a\\"), "50\\%\\_a\\\\"); }

}  // namespace
}  // namespace fazhi
