#include "files/spreadsheet.h"

#include <gtest/gtest.h>
#include <iconv.h>
#include <zip.h>
#include <limits>

#include "core/text.h"
#include "support/file_makers.h"

namespace fazhi::files {
namespace {

using fazhi::testing::MakeXlsx;
using fazhi::testing::MakeZip;
using fazhi::testing::MinimalWorkbook;

std::vector<std::string> Cells(const Sheet& s, std::size_t i) { return s.rows.at(i).cells; }

TEST(Csv, QuotedFieldsBomAndRecordNumbers) {
  const std::string csv =
      "\xEF\xBB\xBF姓名,备注\r\n"
      "\"张三\",\"含,逗号\"\r\n"
      "\r\n"
      "李四,\"两行\n文字\"\n"
      "王五,\"说\"\"好\"\"\"\n";
  auto s = ReadCsv(csv);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_EQ(s->rows.size(), 4u);
  EXPECT_EQ(Cells(*s, 0), (std::vector<std::string>{"姓名", "备注"}));
  EXPECT_EQ(Cells(*s, 1), (std::vector<std::string>{"张三", "含,逗号"}));
  EXPECT_EQ(s->rows[2].number, 4);  // the blank line is record 3
  EXPECT_EQ(Cells(*s, 2), (std::vector<std::string>{"李四", "两行\n文字"}));
  EXPECT_EQ(s->rows[3].number, 5);
  EXPECT_EQ(Cells(*s, 3)[1], "说\"好\"");
}

TEST(Csv, LastLineWithoutNewline) {
  auto s = ReadCsv("a,b\nc,\"d\"");
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->rows.size(), 2u);
  EXPECT_EQ(Cells(*s, 1), (std::vector<std::string>{"c", "d"}));
}

TEST(Csv, MalformedQuotesAreReportedWithTheRow) {
  auto unclosed = ReadCsv("a,b\nc,\"open\nd,e\n");
  ASSERT_FALSE(unclosed.has_value());
  EXPECT_EQ(unclosed.error().reason, "corrupt_file");
  EXPECT_NE(unclosed.error().message.find("第 2 行"), std::string::npos);
  auto junk = ReadCsv("a,\"b\"x\n");
  ASSERT_FALSE(junk.has_value());
  EXPECT_EQ(junk.error().reason, "corrupt_file");
}

// Excel on a Chinese Windows saves "CSV（逗号分隔）" in GBK: read it as such (issue 10).
TEST(Csv, GbkIsReadAsGbk) {
  // "姓名,警号\r\n张三,141001\r\n" in GBK, as literal bytes.
  const std::string gbk = "\xD0\xD5\xC3\xFB,\xBE\xAF\xBA\xC5\r\n\xD5\xC5\xC8\xFD,141001\r\n";
  auto s = ReadSheet(gbk, "名册.csv");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_EQ(s->rows.size(), 2u);
  EXPECT_EQ(Cells(*s, 0), (std::vector<std::string>{"姓名", "警号"}));
  EXPECT_EQ(Cells(*s, 1), (std::vector<std::string>{"张三", "141001"}));
}

// The same with bytes made by glibc's iconv, including a character outside GB2312 (GB18030 four-byte).
TEST(Csv, Gb18030FromIconv) {
  const std::string utf8 = "单位,备注\n东街派出所,\"含,逗号 € 😀\"\n";
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 4, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size(), out_left = out.size();
  char* dst = out.data();
  ASSERT_NE(iconv(cd, &in, &in_left, &dst, &out_left), static_cast<std::size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  ASSERT_FALSE(IsValidUtf8(out));
  auto s = ReadCsv(out);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_EQ(s->rows.size(), 2u);
  EXPECT_EQ(Cells(*s, 1), (std::vector<std::string>{"东街派出所", "含,逗号 € 😀"}));
}

TEST(Csv, Utf8WithAndWithoutBomIsUnchanged) {
  for (const char* prefix : {"", "\xEF\xBB\xBF"}) {
    auto s = ReadSheet(std::string(prefix) + "姓名\n张三\n", "a.csv");
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(Cells(*s, 0)[0], "姓名");
    EXPECT_EQ(Cells(*s, 1)[0], "张三");
  }
}

TEST(Csv, NeitherUtf8NorGbkIsRefusedInChinese) {
  // 0x80 and 0xFF are not GB18030 lead bytes; control characters are no table either.
  for (const std::string& bytes : {std::string("\xFF\xFE\x80\x81 abc\n"), std::string("ab\x81\x30\x81\x30\x01\x02\n"),
                                   std::string("\xD0\xD5\xC3")}) {
    auto s = ReadSheet(bytes, "名册.csv");
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().reason, "unknown_encoding");
    EXPECT_NE(s.error().message.find("请保存为 UTF-8 或 GBK 编码的 CSV"), std::string::npos);
  }
  // Random bytes: refused either as not a table (NUL) or as an unknown encoding — never read.
  std::uint64_t state = 7;
  for (int i = 0; i < 50; ++i) {
    std::string junk(200, '\0');
    for (char& c : junk) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      c = static_cast<char>(state >> 56);
    }
    auto s = ReadSheet(junk, "a.csv");
    ASSERT_FALSE(s.has_value());
    EXPECT_TRUE(s.error().reason == "unknown_encoding" || s.error().reason == "unsupported_file") << s.error().reason;
  }
}

TEST(Csv, LimitsAreEnforced) {
  SheetLimits limits;
  limits.max_rows = 2;
  auto rows = ReadCsv("a\nb\nc\n", limits);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error().reason, "too_large");
  limits = {};
  limits.max_cell_bytes = 4;
  auto cell = ReadCsv("abcdef\n", limits);
  ASSERT_FALSE(cell.has_value());
  EXPECT_EQ(cell.error().reason, "too_large");
}

TEST(Detect, RejectsWhatIsNeitherCsvNorXlsx) {
  for (auto [bytes, name] : std::vector<std::pair<std::string, std::string>>{
           {"%PDF-1.4 ...", "名册.pdf"},
           {std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "old excel", "名册.xls"},
           {"plain text", "名册.xlsx"},
           {std::string("\x89PNG\r\n\x1a\n\0\0", 10), "photo"},
       }) {
    auto s = ReadSheet(bytes, name);
    ASSERT_FALSE(s.has_value()) << name;
    EXPECT_EQ(s.error().reason, "unsupported_file") << name;
    EXPECT_NE(s.error().message.find("仅支持 CSV 或 XLSX 文件"), std::string::npos);
  }
  auto zip = ReadSheet(MakeZip({{"readme.txt", "hello"}}), "archive.zip");
  ASSERT_FALSE(zip.has_value());
  EXPECT_EQ(zip.error().reason, "unsupported_file");
  auto empty = ReadSheet("", "a.csv");
  ASSERT_FALSE(empty.has_value());
  SheetLimits tiny;
  tiny.max_file_bytes = 3;
  auto big = ReadSheet("abcd", "a.csv", tiny);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, ErrorCode::kPayloadTooLarge);
}

TEST(Xlsx, SharedStringsNumbersAndRowNumbers) {
  const auto bytes = MakeXlsx({{"姓名", "警号", "说明"}, {"张三", "#n:141001", "甲"}, {}, {"李四", "#n:3.5", ""}});
  auto s = ReadSheet(bytes, "名册.xlsx");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_EQ(s->rows.size(), 3u);
  EXPECT_EQ(Cells(*s, 1), (std::vector<std::string>{"张三", "141001", "甲"}));
  EXPECT_EQ(s->rows[2].number, 4);
  EXPECT_EQ(Cells(*s, 2)[1], "3.5");
}

TEST(Xlsx, InlineStringsFromConstantMemoryMode) {
  const auto bytes = MakeXlsx({{"姓名", "单位"}, {"王五", "东街派出所"}}, /*constant_memory=*/true);
  auto s = ReadXlsx(bytes);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_EQ(s->rows.size(), 2u);
  EXPECT_EQ(Cells(*s, 1), (std::vector<std::string>{"王五", "东街派出所"}));
}

TEST(Xlsx, HandWrittenWorkbookWithRelsPrefixesAndRichText) {
  const std::string sheet =
      R"(<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>)"
      R"(<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:r><x:t>张</x:t></x:r><x:r><x:t>三</x:t></x:r><x:rPh><x:t>zhang</x:t></x:rPh></x:is></x:c>)"
      R"(<x:c r="D2" t="b"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>)";
  auto s = ReadXlsx(MakeZip(MinimalWorkbook(sheet)));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_EQ(s->rows.size(), 1u);
  EXPECT_EQ(s->rows[0].number, 2);
  EXPECT_EQ(Cells(*s, 0), (std::vector<std::string>{"", "张三", "", "TRUE"}));
}

TEST(Xlsx, MalformedXmlIsAClearError) {
  auto s = ReadXlsx(MakeZip(MinimalWorkbook("<worksheet><sheetData><row><c><v>1</c></row>")));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().reason, "corrupt_file");
  EXPECT_NE(s.error().message.find("xl/worksheets/data.xml"), std::string::npos);
  auto bad_index = ReadXlsx(MakeZip(MinimalWorkbook(
      R"(<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>99</v></c></row></sheetData></worksheet>)")));
  ASSERT_FALSE(bad_index.has_value());
  EXPECT_EQ(bad_index.error().reason, "corrupt_file");
}

TEST(Xlsx, ZipBombIsRejected) {
  // 4 MB of zeros deflates to a few KB; the limit here is 1 MB once unpacked.
  auto parts = MinimalWorkbook(R"(<worksheet><sheetData/></worksheet>)");
  parts.emplace_back("xl/media/padding.bin", std::string(4u << 20, '\0'));
  const std::string bytes = MakeZip(parts);
  EXPECT_LT(bytes.size(), 64u << 10);
  SheetLimits limits;
  limits.max_uncompressed_bytes = 1u << 20;
  auto s = ReadXlsx(bytes, limits);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().reason, "too_large");
}

TEST(Write, CsvQuotesAndDefusesFormulas) {
  const std::string csv = WriteCsv({{"a,b", "say \"hi\"", "=1+1", "-3", "ok"}});
  EXPECT_EQ(csv, "\xEF\xBB\xBF\"a,b\",\"say \"\"hi\"\"\",'=1+1,'-3,ok\r\n");
}

TEST(Write, XlsxRoundTrip) {
  auto bytes = WriteXlsx({{"人员名册", {{"姓名", "身份证号"}, {"张三", "140599198001011234"}}, {}}});
  ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
  auto s = ReadXlsx(*bytes);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_EQ(s->rows.size(), 2u);
  EXPECT_EQ(Cells(*s, 1), (std::vector<std::string>{"张三", "140599198001011234"}));
}

// The XML of the first worksheet of an XLSX.
std::string SheetXml(const std::string& xlsx) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(xlsx.data(), xlsx.size(), 0, &err);
  zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &err);
  zip_error_fini(&err);
  if (!z) return {};
  std::string out;
  if (zip_file_t* f = zip_fopen(z, "xl/worksheets/sheet1.xml", 0)) {
    char buf[4096];
    zip_int64_t n;
    while ((n = zip_fread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    zip_fclose(f);
  }
  zip_discard(z);
  return out;
}

// The opening tag of cell `ref` ("B2") in a worksheet's XML; "" when the cell is not there.
std::string CellTag(const std::string& xml, const std::string& ref) {
  const auto at = xml.find("<c r=\"" + ref + "\"");
  return at == std::string::npos ? std::string() : xml.substr(at, xml.find('>', at) - at + 1);
}

TEST(Write, XlsxTypedCells) {
  SheetData sheet{"积分",
                  {{"姓名", "积分", "排名", "备注"}, {"张三", Cell::Number(12.5, "0.00"), Cell::Int(3), Cell()}}};
  sheet.rows.push_back({Cell::Bold("合计"), Cell::Number(-4), Cell::OptInt(std::nullopt), "-3"});
  auto bytes = WriteXlsx({sheet});
  ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
  const std::string xml = SheetXml(*bytes);
  // Numbers are number cells (no t="s"), text cells are shared strings.
  ASSERT_FALSE(CellTag(xml, "B2").empty()) << xml;
  EXPECT_EQ(CellTag(xml, "B2").find("t=\"s\""), std::string::npos) << CellTag(xml, "B2");
  EXPECT_EQ(CellTag(xml, "C2").find("t=\"s\""), std::string::npos);
  EXPECT_NE(CellTag(xml, "A2").find("t=\"s\""), std::string::npos);
  EXPECT_NE(xml.find("<v>12.5</v>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<v>3</v>"), std::string::npos);
  EXPECT_NE(xml.find("<v>-4</v>"), std::string::npos);
  EXPECT_TRUE(CellTag(xml, "D2").empty()) << "an empty cell is left out";
  EXPECT_NE(CellTag(xml, "D3").find("t=\"s\""), std::string::npos) << "text stays text, even \"-3\"";
  auto s = ReadXlsx(*bytes);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(Cells(*s, 1), (std::vector<std::string>{"张三", "12.5", "3"}));
  EXPECT_EQ(Cells(*s, 2), (std::vector<std::string>{"合计", "-4", "", "-3"}));
}

TEST(Write, XlsxWithoutHeaderRowAndNonFiniteNumbers) {
  SheetData about{"说明",
                  {{Cell::Bold("月份"), "2023-07"}, {"值", Cell::Number(std::numeric_limits<double>::infinity())}},
                  {16, 60},
                  false};
  auto bytes = WriteXlsx({about});
  ASSERT_TRUE(bytes.has_value());
  const std::string xml = SheetXml(*bytes);
  EXPECT_EQ(xml.find("<pane"), std::string::npos) << "no frozen header row";
  auto s = ReadXlsx(*bytes);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(Cells(*s, 1), (std::vector<std::string>{"值"}));
}

TEST(Write, CsvCellsKeepNumbersAsNumbers) {
  const std::string csv = WriteCsvCells(
      {{"名", "分"}, {"-3", Cell::Number(-3)}, {Cell(), Cell::Number(2.5, "0.00")}, {"x", Cell::Number(0.1)}});
  EXPECT_EQ(csv, "\xEF\xBB\xBF名,分\r\n'-3,-3\r\n,2.50\r\nx,0.1\r\n");
}

// Mutated files must give a value or an error, never a crash (ASan/UBSan run this in debug builds).
TEST(Fuzz, MutatedFilesNeverCrash) {
  const std::string xlsx = MakeXlsx({{"姓名", "警号"}, {"张三", "#n:141001"}});
  const std::string sheet_xml =
      R"(<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>甲</t></is></c><c r="B1"><v>7</v></c></row></sheetData></worksheet>)";
  const std::string csv = "姓名,警号\r\n\"张,三\",141001\r\n";
  std::uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::size_t>(state >> 33);
  };
  for (int i = 0; i < 300; ++i) {
    std::string x = xlsx, c = csv, w = sheet_xml;
    for (int k = 0; k < 1 + static_cast<int>(next() % 4); ++k) {
      x[next() % x.size()] = static_cast<char>(next());
      c[next() % c.size()] = static_cast<char>(next());
      w[next() % w.size()] = static_cast<char>(next());
    }
    (void)ReadSheet(x, "a.xlsx");
    (void)ReadSheet(c, "a.csv");
    (void)ReadXlsx(MakeZip(MinimalWorkbook(w)));
    (void)ReadSheet(x.substr(0, next() % x.size()), "a.xlsx");
  }
}

}  // namespace
}  // namespace fazhi::files
