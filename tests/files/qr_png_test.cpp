// files::QrPng read back: a PNG whose header gives its size, whose pixels (inflated with zlib) show
// the 4-module white quiet zone and the dark finder pattern at the corner, that differs with the
// text, and the refusal of a scale out of range.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <string>

#include "files/qr_png.h"

namespace fazhi::files {
namespace {

std::uint32_t U32(const std::string& s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

// The greyscale pixel rows (filter byte first) of a QrPng image: the IDAT chunk inflated.
std::string Pixels(const std::string& png, int px) {
  std::size_t at = 8;
  std::string idat;
  while (at + 8 <= png.size()) {
    const std::uint32_t len = U32(png, at);
    if (png.compare(at + 4, 4, "IDAT") == 0) idat += png.substr(at + 8, len);
    at += 12 + len;
  }
  uLongf size = static_cast<uLongf>(px) * (px + 1);
  std::string raw(size, '\0');
  EXPECT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &size, reinterpret_cast<const Bytef*>(idat.data()),
                       static_cast<uLong>(idat.size())),
            Z_OK);
  EXPECT_EQ(size, static_cast<uLongf>(px) * (px + 1));
  return raw;
}

TEST(QrPng, HeaderSizeQuietZoneAndFinderPattern) {
  int px = 0;
  auto png = QrPng("https://fazhi.example.cn/training/checkin?t=12.1767225720.abcdef", 4, &px);
  ASSERT_TRUE(png) << png.error().message;
  ASSERT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  ASSERT_EQ(png->substr(12, 4), "IHDR");
  EXPECT_EQ(U32(*png, 16), static_cast<std::uint32_t>(px));
  EXPECT_EQ(U32(*png, 20), static_cast<std::uint32_t>(px));
  EXPECT_EQ(px % 4, 0);
  EXPECT_GE(px / 4, 21 + 8);  // at least a version-1 symbol plus the quiet zone on both sides
  EXPECT_EQ(png->substr(png->size() - 8, 4), "IEND");
  const std::string raw = Pixels(*png, px);
  const auto at = [&](int x, int y) { return static_cast<unsigned char>(raw[y * (px + 1) + 1 + x]); };
  EXPECT_EQ(at(0, 0), 0xFF);            // quiet zone: white
  EXPECT_EQ(at(15, 15), 0xFF);          // still quiet zone (4 modules × 4 px)
  EXPECT_EQ(at(16, 16), 0x00);          // the finder pattern's dark corner
  EXPECT_EQ(at(16 + 4, 16 + 4), 0xFF);  // its white ring
  EXPECT_EQ(at(16 + 8, 16 + 8), 0x00);  // its dark centre
  EXPECT_EQ(at(px - 1, px - 1), 0xFF);
}

TEST(QrPng, DependsOnTextAndScale) {
  int small = 0, big = 0;
  auto a = QrPng("会前学法 2023", 2, &small);
  auto b = QrPng("会前学法 2024", 2);
  auto c = QrPng("会前学法 2023", 6, &big);
  ASSERT_TRUE(a && b && c);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(big, small * 3);
  for (int bad : {0, -1, 33}) {
    auto r = QrPng("x", bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace fazhi::files
