// The shared document writer: the model's helpers, the DOCX package (ZIP parts, well-formed XML,
// deterministic bytes), the DOCX as read back by an independent reader (python-docx, Debian's
// python3-docx, through tests/files/read_docx.py) and the print HTML.
//
// Set FAZHI_DOCUMENT_SAMPLES=/some/dir to also write the sample bulletin there as .docx and .html,
// to look at it (docs/documents.md, "Checking a document by eye").
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <set>
#include <string>
#include <vector>

#include "files/document.h"
#include "files/document_html.h"
#include "files/docx.h"
#include "support/shell.h"

namespace fazhi::files {
namespace {

using nlohmann::json;

constexpr EpochSeconds kCreated = 1690768800;  // 2023-07-31 10:00 +08:00

// A 执法质量通报 with every block kind: masthead, title, addressee, headings of three levels,
// paragraphs with bold and source-note runs, a list, two tables (merged header cells, numeric
// columns, an empty cell, a cell spanning rows), a page break, the 落款 and the 版记.
Document SampleBulletin() {
  Document doc;
  doc.created = kCreated;
  doc.masthead = Masthead{.organ = "城区分局执法质量通报",
                          .issue_no = "2023年第7期",
                          .issuer = "城区分局法制大队编",
                          .date = "2023年7月31日",
                          .marking = "内部资料  注意保存"};
  doc.title = "关于2023年7月全局执法质量情况的通报";
  doc.addressee = "各派出所、各大队、各警务室：";
  doc.AddParagraph(
      "为进一步规范执法行为，提升执法质量，根据《公安机关执法质量考核评议规定》，分局法制大队对7月份全局受立案、"
      "办案场所使用、涉案财物管理等执法环节开展了常态化监督。现将有关情况通报如下。");
  doc.AddHeading(1, "基本情况");
  doc.AddParagraph({Text("7月份，全局共受理各类案件"), Bold("812"), Text("起，同比上升"), Bold("6.3%"), Text("；办结"),
                    Bold("741"), Text("起，结案率91.3%。"), SourceNote("（数据来源：案件库 2023-07，共 812 件）")});
  doc.AddHeading(2, "受立案情况");
  doc.AddParagraph(
      "刑事案件立案126起，行政案件受案686起。其中，城关派出所受案数最多，为173起；"
      "滨江派出所结案率最高，达到97.6%。");
  Table units;
  units.caption = "表1  各单位受立案及执法问题情况";
  units.columns = {{.width = 2.6, .align = Align::kLeft},  {.width = 1.2, .align = Align::kRight},
                   {.width = 1.2, .align = Align::kRight}, {.width = 1.2, .align = Align::kRight},
                   {.width = 1.2, .align = Align::kRight}, {.width = 1.4, .align = Align::kRight}};
  units.header_rows = 2;
  TableCell unit_head("单位");
  unit_head.row_span = 2;
  TableCell cases_head("案件数");
  cases_head.col_span = 2;
  TableCell problems_head("执法问题");
  problems_head.col_span = 2;
  TableCell rate_head("整改率");
  rate_head.row_span = 2;
  units.rows = {
      {unit_head, cases_head, problems_head, rate_head}, {"受理", "办结", "发现", "已整改"},
      {"城关派出所", "173", "158", "12", "11", "91.7%"}, {"滨江派出所", "126", "123", "4", "4", "100.0%"},
      {"刑事侦查大队", "98", "80", "9", "", "—"},        {"A&B <中队>", "15", "15", "0", "0", "—"},
      {Bold("合计"), "412", "376", "25", "15", "60.0%"},
  };
  units.source_note = "数据来源：案件库、执法监督台账 2023-07";
  doc.AddTable(units);
  doc.AddHeading(2, "执法监督情况");
  doc.AddHeading(3, "受案登记");
  doc.AddParagraph("发现受案登记不及时问题7起，主要集中在夜间接报的治安案件。");
  doc.AddHeading(3, "涉案财物管理");
  doc.AddParagraph("涉案财物未按期入库4起，已全部督办整改。");
  doc.AddHeading(1, "存在的主要问题");
  doc.AddList({"部分案件受案登记不及时，超过24小时未录入系统。", "个别办案民警询问笔录记录不规范，存在复制粘贴现象。",
               "涉案财物保管移交手续不全，台账登记与实物不符。"},
              ListMarker::kArabic);
  doc.AddPageBreak();
  doc.AddHeading(1, "下步工作要求");
  doc.AddParagraph("各单位要对照本通报指出的问题，逐项分析原因，于8月15日前将整改情况报分局法制大队。");
  Table ranking;
  ranking.caption = "表2  执法质量考评积分排名";
  ranking.columns = {{.width = 1}, {.width = 3, .align = Align::kLeft}, {.width = 2, .align = Align::kRight}};
  ranking.rows = {{"名次", "单位", "积分"},
                  {"1", "滨江派出所", "98.5"},
                  {"2", "城关派出所", "95.0"},
                  {"3", "刑事侦查大队", "91.5"}};
  doc.AddTable(ranking);
  doc.AddParagraph({Text("联系人：王明，电话：0000-12345678。")});
  doc.signature = Signature{.organ = "城区分局法制大队", .date = "2023年7月31日"};
  doc.colophon = Colophon{.copy_to = "市局法制支队，区人民检察院，分局各位领导。",
                          .printer = "城区分局法制大队",
                          .print_date = "2023年7月31日"};
  return doc;
}

// --- helpers -------------------------------------------------------------------------------------

std::map<std::string, std::string> Unzip(const std::string& bytes) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
  zip_t* z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err) : nullptr;
  zip_error_fini(&err);
  if (!z) {
    if (src) zip_source_free(src);
    ADD_FAILURE() << "not a valid ZIP";
    return {};
  }
  std::map<std::string, std::string> out;
  for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
    const auto idx = static_cast<zip_uint64_t>(i);
    zip_file_t* f = zip_fopen_index(z, idx, 0);
    std::string data;
    char buf[8192];
    for (zip_int64_t n; (n = zip_fread(f, buf, sizeof buf)) > 0;) data.append(buf, static_cast<std::size_t>(n));
    zip_fclose(f);
    out[zip_get_name(z, idx, 0)] = std::move(data);
  }
  zip_discard(z);
  return out;
}

std::string TempPath(const std::string& suffix) {
  static int n = 0;
  return (std::filesystem::temp_directory_path() /
          ("fazhi_document_test_" + std::to_string(::getpid()) + "_" + std::to_string(++n) + suffix))
      .string();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

using fazhi::testing::Shell;

// The Python that has python-docx: $FAZHI_PYTHON if set (only that one), else Debian's
// /usr/bin/python3 (where the python3-docx package installs, even when another python3 comes first
// on PATH), else python3. Empty when none can import docx.
std::string PythonWithDocx() {
  std::vector<std::string> candidates;
  if (const char* p = std::getenv("FAZHI_PYTHON"))
    candidates.emplace_back(p);
  else
    candidates = {"/usr/bin/python3", "python3"};
  for (const std::string& py : candidates) {
    int status = 0;
    Shell(py + " -c 'import docx' 2>/dev/null", status);
    if (status == 0) return py;
  }
  return {};
}

}  // namespace
}  // namespace fazhi::files

namespace fazhi::files {
namespace {

// --- the model ------------------------------------------------------------------------------------

TEST(DocumentModel, ChineseNumerals) {
  EXPECT_EQ(ChineseNumeral(1), "一");
  EXPECT_EQ(ChineseNumeral(10), "十");
  EXPECT_EQ(ChineseNumeral(12), "十二");
  EXPECT_EQ(ChineseNumeral(20), "二十");
  EXPECT_EQ(ChineseNumeral(99), "九十九");
  EXPECT_EQ(ChineseNumeral(105), "一百零五");
  EXPECT_EQ(ChineseNumeral(110), "一百一十");
  EXPECT_EQ(ChineseNumeral(2003), "二千零三");
  EXPECT_EQ(ChineseNumeral(0), "0");
  EXPECT_EQ(ChineseDate({2023, 7, 1}), "2023年7月1日");
}

TEST(DocumentModel, HeadingNumbersRestartUnderTheHigherLevel) {
  Document doc;
  doc.AddHeading(1, "甲").AddHeading(2, "乙").AddHeading(3, "丙").AddHeading(3, "丁").AddParagraph("正文");
  doc.AddHeading(2, "戊").AddHeading(3, "己").AddHeading(1, "庚").AddHeading(3, "辛");
  doc.blocks.emplace_back(Heading{.level = 1, .text = "附：说明", .numbered = false});
  doc.AddHeading(1, "壬");
  EXPECT_EQ(HeadingLabels(doc),
            (std::vector<std::string>{"一、", "（一）", "1.", "2.", "", "（二）", "1.", "二、", "1.", "", "三、"}));
}

TEST(DocumentModel, CleanTextKeepsXmlLegalCharacters) {
  EXPECT_EQ(CleanText("甲\x01乙\x7f丙\t丁\r\n戊\r己"), "甲乙丙\t丁\n戊\n己");
  EXPECT_EQ(CleanText("a\xff"
                      "b"),
            "a\xEF\xBF\xBD"
            "b");                                                                // invalid byte → U+FFFD
  EXPECT_EQ(CleanText("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate is not UTF-8
  EXPECT_EQ(CleanText("x\xEF\xBF\xBEy\xC2\x85z"), "xyz");                        // U+FFFE and the C1 NEL go
  EXPECT_EQ(CleanText("𠀀"), "𠀀");                                              // a 4-byte character stays
}

TEST(DocumentModel, SignatureAndMastheadArithmetic) {
  EXPECT_DOUBLE_EQ(TextWidthChars("2023年7月31日"), 6.5);
  // 8-character organ, 6.5-character date: the date would end 1.5 characters from the edge, so
  // both move left by half a character (§7.3.5.2's intent: the date at least 2 from the edge).
  SignatureIndents s = SignatureLayout({.organ = "城区分局法制大队", .date = "2023年7月31日"});
  EXPECT_DOUBLE_EQ(s.organ_chars, 2.5);
  EXPECT_DOUBLE_EQ(s.date_chars, 2);
  // A long organ: name 2 from the edge, the date starting 2 right of it.
  s = SignatureLayout({.organ = "某某市公安局某某分局法制大队", .date = "2023年7月31日"});
  EXPECT_DOUBLE_EQ(s.organ_chars, 2);
  EXPECT_DOUBLE_EQ(s.date_chars, 2 + 14 - 2 - 6.5);
  // A date longer than the organ: the date 2 from the edge, the organ moved left.
  s = SignatureLayout({.organ = "法制大队", .date = "2023年12月31日"});
  EXPECT_DOUBLE_EQ(s.date_chars, 2);
  EXPECT_DOUBLE_EQ(s.organ_chars, 4 + 7 - 4);

  Document doc;
  doc.masthead = Masthead{.organ = "城区分局执法质量通报"};
  EXPECT_DOUBLE_EQ(MastheadPoints(doc), 42);  // 10 characters of 42 pt and 16 pt of air fit in 156 mm
  doc.masthead->organ = "某某市公安局某某分局执法规范化建设通报";
  EXPECT_DOUBLE_EQ(MastheadPoints(doc), 22);  // 19 characters: shrunk to fit
  EXPECT_LE(MastheadPoints(doc) * 19 + 16, 156 / 25.4 * 72);
}

TEST(DocumentModel, TableLayoutPlacesSpans) {
  const Document doc = SampleBulletin();
  const Table& t = std::get<Table>(doc.blocks[5]);
  auto grid = LayOutTable(t);
  ASSERT_TRUE(grid.has_value()) << grid.error().message;
  ASSERT_EQ(grid->size(), 7u);
  ASSERT_EQ((*grid)[0].size(), 4u);
  EXPECT_EQ((*grid)[0][1].col, 1);
  EXPECT_EQ((*grid)[0][1].col_span, 2);
  ASSERT_EQ((*grid)[1].size(), 6u);  // two continuations + four cells
  EXPECT_TRUE((*grid)[1][0].continued);
  EXPECT_TRUE((*grid)[1][5].continued);
  EXPECT_EQ((*grid)[1][1].cell->runs[0].text, "受理");
}

TEST(DocumentModel, ValidateRefusesWhatCannotBeLaidOut) {
  const auto refused = [](const Document& doc, const std::string& words) {
    auto r = Validate(doc);
    ASSERT_FALSE(r.has_value()) << words;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field, "document");
    EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
    EXPECT_FALSE(WriteDocx(doc).has_value());
    EXPECT_FALSE(RenderDocumentHtml(doc).has_value());
  };
  Document doc;
  doc.AddHeading(4, "第四层");
  refused(doc, "标题层次");

  Table t;
  t.columns = {{}, {}};
  TableCell wide("跨三列");
  wide.col_span = 3;
  t.rows = {{"甲", "乙"}, {wide}};
  doc = {};
  doc.AddTable(t);
  refused(doc, "超出了 2 列");

  TableCell tall("跨三行");
  tall.row_span = 3;
  t.rows = {{tall, "乙"}, {"丙"}};
  doc = {};
  doc.AddTable(t);
  refused(doc, "超出了表格末行");

  TableCell down("下");
  down.row_span = 2;
  t.rows = {{"甲", down}, {"乙", "丙"}};  // row 2 has one free column
  doc = {};
  doc.AddTable(t);
  refused(doc, "超出了 2 列");

  t.rows = {{"甲"}};
  t.header_rows = 2;
  doc = {};
  doc.AddTable(t);
  refused(doc, "表头行数");

  doc = {};
  doc.AddTable(Table{});
  refused(doc, "没有列");

  doc = {};
  doc.page.margin_left_mm = 100;
  doc.page.margin_right_mm = 100;
  refused(doc, "页边距");

  // A short row is padded, not refused.
  t = {};
  t.columns = {{}, {}, {}};
  t.rows = {{"甲", "乙", "丙"}, {"丁"}};
  doc = {};
  doc.AddTable(t);
  EXPECT_TRUE(Validate(doc).has_value());
}

// --- DOCX: the package -----------------------------------------------------------------------------

TEST(Docx, IsAZipOfWellFormedPartsWithTheGbLayout) {
  auto bytes = WriteDocx(SampleBulletin());
  ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
  const auto parts = Unzip(*bytes);
  for (const char* name : {"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/document.xml",
                           "word/styles.xml", "word/settings.xml", "word/fontTable.xml", "word/_rels/document.xml.rels",
                           "word/footer1.xml", "word/footer2.xml"})
    EXPECT_TRUE(parts.contains(name)) << name;
  std::map<std::string, pugi::xml_document> xml;
  for (const auto& [name, data] : parts) {
    const pugi::xml_parse_result r = xml[name].load_buffer(data.data(), data.size());
    EXPECT_TRUE(r) << name << ": " << r.description() << " at " << r.offset;
  }
  // Every part but the package's own files has a content type, and every relationship target exists.
  std::set<std::string> overridden;
  for (pugi::xml_node o : xml["[Content_Types].xml"].child("Types").children("Override"))
    overridden.insert(std::string(o.attribute("PartName").value()).substr(1));
  for (const auto& [name, data] : parts) {
    const bool package_file = name.ends_with(".rels") || name == "[Content_Types].xml";
    EXPECT_TRUE(package_file || overridden.contains(name)) << name;
  }
  for (pugi::xml_node rel : xml["word/_rels/document.xml.rels"].child("Relationships").children("Relationship"))
    EXPECT_TRUE(parts.contains(std::string("word/") + rel.attribute("Target").value()))
        << rel.attribute("Target").value();

  // GB/T 9704-2012 §5.2: A4, 37/35/28/26 mm margins; §6.2: 22 lines a page.
  const pugi::xml_node sect = xml["word/document.xml"].child("w:document").child("w:body").child("w:sectPr");
  EXPECT_EQ(sect.child("w:pgSz").attribute("w:w").as_int(), 11906);
  EXPECT_EQ(sect.child("w:pgSz").attribute("w:h").as_int(), 16838);
  const pugi::xml_node mar = sect.child("w:pgMar");
  EXPECT_EQ(mar.attribute("w:top").as_int(), 2098);
  EXPECT_EQ(mar.attribute("w:bottom").as_int(), 1984);
  EXPECT_EQ(mar.attribute("w:left").as_int(), 1587);
  EXPECT_EQ(mar.attribute("w:right").as_int(), 1474);
  EXPECT_EQ(sect.child("w:docGrid").attribute("w:linePitch").as_int(), 579);
  EXPECT_LE(22 * 579, 16838 - 2098 - 1984);
  // 28 characters of 16 pt minus the tracking fit the 156 mm line.
  const pugi::xml_node normal = xml["word/styles.xml"].child("w:styles").find_child_by_attribute("w:styleId", "Normal");
  const int tracking = normal.child("w:rPr").child("w:spacing").attribute("w:val").as_int();
  EXPECT_LT(tracking, 0);
  EXPECT_LE(28 * (320 + tracking), 11906 - 1587 - 1474);
  EXPECT_GT(29 * (320 + tracking), 11906 - 1587 - 1474);
  EXPECT_TRUE(xml["word/settings.xml"].child("w:settings").child("w:evenAndOddHeaders"));
  // The fonts, each with its fallback.
  std::map<std::string, std::string> alt;
  for (pugi::xml_node f : xml["word/fontTable.xml"].child("w:fonts").children("w:font"))
    alt[f.attribute("w:name").value()] = f.child("w:altName").attribute("w:val").value();
  EXPECT_EQ(alt, (std::map<std::string, std::string>{{"仿宋_GB2312", "仿宋"},
                                                     {"楷体_GB2312", "楷体"},
                                                     {"黑体", "SimHei"},
                                                     {"方正小标宋简体", "宋体"},
                                                     {"宋体", "SimSun"}}));
  const pugi::xml_node core = xml["docProps/core.xml"].child("cp:coreProperties");
  EXPECT_STREQ(core.child("dc:creator").text().get(), "fazhi");
  EXPECT_STREQ(core.child("dcterms:created").text().get(), "2023-07-31T02:00:00Z");
}

TEST(Docx, SameInputSameBytes) {
  const Document doc = SampleBulletin();
  auto a = WriteDocx(doc);
  auto b = WriteDocx(doc);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(*a, *b);
  Document later = doc;
  later.created += 86400;
  EXPECT_NE(*WriteDocx(later), *a);
}

TEST(Docx, HostileTextStaysText) {
  Document doc;
  doc.created = kCreated;
  doc.title = "<script>alert('x')</script> & \"引号\"\x01\x1b";
  doc.AddParagraph("a < b && c > d ]]> <w:p/> \xff");
  Table t;
  t.columns = {{}, {}};
  t.rows = {{"", "&amp;"}, {"\x02", ""}};  // empty cells, a cell that was only a control character
  doc.AddTable(t);
  auto bytes = WriteDocx(doc);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
  const auto parts = Unzip(*bytes);
  pugi::xml_document d;
  ASSERT_TRUE(d.load_string(parts.at("word/document.xml").c_str()));
  std::string text;
  for (pugi::xpath_node n : d.select_nodes("//w:t")) text += n.node().text().get();
  EXPECT_EQ(text, "<script>alert('x')</script> & \"引号\"a < b && c > d ]]> <w:p/> \xEF\xBF\xBD&amp;");
  // Every table cell holds a paragraph, as Word requires.
  for (pugi::xpath_node tc : d.select_nodes("//w:tc")) EXPECT_TRUE(tc.node().child("w:p"));
}

TEST(Docx, PlainDocumentWithoutMastheadOrPageNumbers) {
  Document doc;  // e.g. a receipt
  doc.page.page_numbers = false;
  doc.title = "接报案回执";
  doc.AddParagraph("报案人张三：");
  auto bytes = WriteDocx(doc);
  ASSERT_TRUE(bytes.has_value());
  const auto parts = Unzip(*bytes);
  EXPECT_FALSE(parts.contains("word/footer1.xml"));
  EXPECT_EQ(parts.at("word/document.xml").find("footerReference"), std::string::npos);
  EXPECT_EQ(parts.at("word/settings.xml").find("evenAndOddHeaders"), std::string::npos);
}

// --- DOCX: read back by python-docx ---------------------------------------------------------------

class DocxReadBack : public ::testing::Test {
 protected:
  // The sample bulletin read once for the tests that only look at it (python-docx takes a second
  // to start).
  json ReadSample() {
    static const json sample = Read(SampleBulletin());
    return sample;
  }

  // The document as read_docx.py prints it; skips the test when python-docx is missing.
  json Read(const Document& doc, const DocxOptions& options = {}) {
    const std::string py = PythonWithDocx();
    if (py.empty()) return nullptr;
    auto bytes = WriteDocx(doc, options);
    EXPECT_TRUE(bytes.has_value());
    const std::string path = TempPath(".docx");
    WriteFile(path, *bytes);
    int status = 0;
    const std::string out = Shell(py + " " + FAZHI_SOURCE_DIR + "/tests/files/read_docx.py " + path + " 2>&1", status);
    std::filesystem::remove(path);
    EXPECT_EQ(status, 0) << out;
    return json::parse(out, nullptr, false);
  }
};

#define READ_OR_SKIP(var, ...)                                                                             \
  const json var = Read(__VA_ARGS__);                                                                      \
  if (var.is_null())                                                                                       \
    GTEST_SKIP() << "python-docx is not installed (Debian package python3-docx; scripts/setup.sh --tests " \
                    "installs it): the DOCX was not checked by an independent reader";                     \
  ASSERT_FALSE(var.is_discarded()) << "read_docx.py printed no JSON"

#define READ_OR_SKIP_SAMPLE(var)                                                                           \
  const json var = ReadSample();                                                                           \
  if (var.is_null())                                                                                       \
    GTEST_SKIP() << "python-docx is not installed (Debian package python3-docx; scripts/setup.sh --tests " \
                    "installs it): the DOCX was not checked by an independent reader";                     \
  ASSERT_FALSE(var.is_discarded()) << "read_docx.py printed no JSON"

std::vector<std::pair<std::string, std::string>> Paragraphs(const json& j) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const json& b : j["body"])
    if (b["kind"] == "paragraph" && !b["text"].get<std::string>().empty())
      out.emplace_back(b["style"].get<std::string>(), b["text"].get<std::string>());
  return out;
}

std::vector<json> Tables(const json& j) {
  std::vector<json> out;
  for (const json& b : j["body"])
    if (b["kind"] == "table") out.push_back(b);
  return out;
}

const json& ParagraphWithText(const json& j, const std::string& text) {
  for (const json& b : j["body"])
    if (b["kind"] == "paragraph" && b["text"] == text) return b;
  static const json none;
  ADD_FAILURE() << "no paragraph " << text;
  return none;
}

TEST_F(DocxReadBack, TextInOrderWithStyles) {
  READ_OR_SKIP_SAMPLE(j);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"密级", "内部资料  注意保存"},
      {"发文机关标志", "城区分局执法质量通报"},
      {"期号", "2023年第7期"},
      {"编发单位", "\t城区分局法制大队编\t2023年7月31日"},
      {"Title", "关于2023年7月全局执法质量情况的通报"},
      {"主送机关", "各派出所、各大队、各警务室："},
      {"Normal",
       "为进一步规范执法行为，提升执法质量，根据《公安机关执法质量考核评议规定》，分局法制大队对7月份全局受立案、"
       "办案场所使用、涉案财物管理等执法环节开展了常态化监督。现将有关情况通报如下。"},
      {"Heading 1", "一、基本情况"},
      {"Normal", "7月份，全局共受理各类案件812起，同比上升6.3%；办结741起，结案率91.3%。"},  // no source note
      {"Heading 2", "（一）受立案情况"},
      {"Normal",
       "刑事案件立案126起，行政案件受案686起。其中，城关派出所受案数最多，为173起；"
       "滨江派出所结案率最高，达到97.6%。"},
      {"表题", "表1  各单位受立案及执法问题情况"},
      {"Heading 2", "（二）执法监督情况"},
      {"Heading 3", "1.受案登记"},
      {"Normal", "发现受案登记不及时问题7起，主要集中在夜间接报的治安案件。"},
      {"Heading 3", "2.涉案财物管理"},
      {"Normal", "涉案财物未按期入库4起，已全部督办整改。"},
      {"Heading 1", "二、存在的主要问题"},
      {"Normal", "1.部分案件受案登记不及时，超过24小时未录入系统。"},
      {"Normal", "2.个别办案民警询问笔录记录不规范，存在复制粘贴现象。"},
      {"Normal", "3.涉案财物保管移交手续不全，台账登记与实物不符。"},
      {"Heading 1", "三、下步工作要求"},
      {"Normal", "各单位要对照本通报指出的问题，逐项分析原因，于8月15日前将整改情况报分局法制大队。"},
      {"表题", "表2  执法质量考评积分排名"},
      {"Normal", "联系人：王明，电话：0000-12345678。"},
      {"落款", "城区分局法制大队"},
      {"落款", "2023年7月31日"},
  };
  EXPECT_EQ(Paragraphs(j), expected);
  EXPECT_TRUE(ParagraphWithText(j, "三、下步工作要求")["page_break_before"].get<bool>());
  // Bold runs survive as bold.
  bool bold_812 = false;
  for (const json& r : ParagraphWithText(j, expected[8].second)["runs"])
    if (r["text"] == "812") bold_812 = r["bold"] == true;
  EXPECT_TRUE(bold_812);
  // 落款: the organ 2.5 and the date 2 grid characters (15.79 pt) from the right edge.
  EXPECT_NEAR(ParagraphWithText(j, "城区分局法制大队")["right_indent_pt"].get<double>(), 2.5 * 15.79, 0.2);
  EXPECT_NEAR(ParagraphWithText(j, "2023年7月31日")["right_indent_pt"].get<double>(), 2 * 15.79, 0.2);
  EXPECT_EQ(j["styles"]["落款"]["alignment"], "RIGHT (2)");
}

TEST_F(DocxReadBack, StylesCarryTheGbFonts) {
  READ_OR_SKIP_SAMPLE(j);
  const json& st = j["styles"];
  const auto face = [&](const char* style) { return st[style]["east_asia_font"].get<std::string>(); };
  EXPECT_EQ(face("发文机关标志"), "方正小标宋简体");
  EXPECT_EQ(st["发文机关标志"]["color"], "E60012");
  EXPECT_EQ(st["发文机关标志"]["size_pt"], 42.0);
  EXPECT_EQ(face("Title"), "方正小标宋简体");
  EXPECT_EQ(st["Title"]["size_pt"], 22.0);
  EXPECT_EQ(face("Normal"), "仿宋_GB2312");
  EXPECT_EQ(st["Normal"]["size_pt"], 16.0);
  EXPECT_EQ(face("Heading 1"), "黑体");
  EXPECT_EQ(face("Heading 2"), "楷体_GB2312");
  EXPECT_EQ(face("Heading 3"), "仿宋_GB2312");
  for (const char* h : {"Heading 1", "Heading 2", "Heading 3"}) {
    EXPECT_EQ(st[h]["size_pt"], 16.0) << h;
    EXPECT_EQ(st[h]["bold"], false) << h;
  }
  EXPECT_EQ(face("表头"), "黑体");
  EXPECT_EQ(face("表格文字"), "仿宋_GB2312");
  EXPECT_EQ(st["表格文字"]["size_pt"], 12.0);
  EXPECT_EQ(st["版记"]["size_pt"], 14.0);
  // The font table names a fallback for each face.
  std::map<std::string, std::string> alt;
  for (const json& f : j["fonts"]) alt[f["name"]] = f["alt_name"];
  EXPECT_EQ(alt["仿宋_GB2312"], "仿宋");
  EXPECT_EQ(alt["楷体_GB2312"], "楷体");
  EXPECT_EQ(alt["方正小标宋简体"], "宋体");
}

TEST_F(DocxReadBack, TablesWithMergedCellsAndTheColophon) {
  READ_OR_SKIP_SAMPLE(j);
  const std::vector<json> tables = Tables(j);
  ASSERT_EQ(tables.size(), 3u);
  // python-docx repeats a merged cell in every grid position it covers.
  const json& units = tables[0];
  EXPECT_EQ(units["rows"], json::parse(R"([
    ["单位", "案件数", "案件数", "执法问题", "执法问题", "整改率"],
    ["单位", "受理", "办结", "发现", "已整改", "整改率"],
    ["城关派出所", "173", "158", "12", "11", "91.7%"],
    ["滨江派出所", "126", "123", "4", "4", "100.0%"],
    ["刑事侦查大队", "98", "80", "9", "", "—"],
    ["A&B <中队>", "15", "15", "0", "0", "—"],
    ["合计", "412", "376", "25", "15", "60.0%"]])"));
  EXPECT_EQ(units["header_rows"], 2);
  EXPECT_EQ(units["alignments"][3][0], "LEFT (0)");
  EXPECT_EQ(units["alignments"][3][2], "RIGHT (2)");
  EXPECT_EQ(units["alignments"][1][1], "CENTER (1)");
  int width = 0;
  for (const json& w : units["column_twips"]) width += w.get<int>();
  EXPECT_EQ(width, 11906 - 1587 - 1474);  // the 版心's width
  EXPECT_EQ(units["cell_styles"], json::parse(R"(["表头", "表格文字"])"));
  EXPECT_EQ(tables[1]["rows"][3], json::parse(R"(["3", "刑事侦查大队", "91.5"])"));
  EXPECT_EQ(tables[1]["header_rows"], 1);
  // 版记 (§7.4): 抄送 over 印发, one column.
  EXPECT_EQ(tables[2]["rows"], json::parse(R"([["抄送：市局法制支队，区人民检察院，分局各位领导。"],
                                                ["城区分局法制大队\t2023年7月31日印发"]])"));
}

TEST_F(DocxReadBack, PageSetupFootersAndCoreProperties) {
  READ_OR_SKIP_SAMPLE(j);
  const json& s = j["section"];
  EXPECT_EQ(s["page_width_mm"], 210.0);
  EXPECT_EQ(s["page_height_mm"], 297.0);
  EXPECT_EQ(s["margins_mm"], json::parse(R"({"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0})"));
  EXPECT_EQ(s["doc_grid"]["line_pitch"], 579);
  EXPECT_TRUE(s["odd_and_even_footers"].get<bool>());
  EXPECT_EQ(s["footer"], "— 1 —");
  EXPECT_EQ(s["even_footer"], "— 1 —");
  EXPECT_EQ(s["footer_alignment"], "RIGHT (2)");
  EXPECT_EQ(s["even_footer_alignment"], "LEFT (0)");
  EXPECT_EQ(j["core"]["title"], "关于2023年7月全局执法质量情况的通报");
  EXPECT_EQ(j["core"]["creator"], "fazhi");
  EXPECT_EQ(j["core"]["created"], "2023-07-31T02:00:00Z");
}

TEST_F(DocxReadBack, SourceNotesOnRequest) {
  READ_OR_SKIP(j, SampleBulletin(), DocxOptions{.source_notes = true});
  const json& p = ParagraphWithText(
      j,
      "7月份，全局共受理各类案件812起，同比上升6.3%；办结741起，结案率91.3%。（数据来源：案件库 2023-07，共 812 件）");
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p["runs"].back()["style"], "数据来源");
  EXPECT_EQ(j["styles"]["数据来源"]["color"], "7F7F7F");
  EXPECT_EQ(ParagraphWithText(j, "数据来源：案件库、执法监督台账 2023-07")["style"], "数据来源说明");
}

// --- HTML ------------------------------------------------------------------------------------------

std::size_t Count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(DocumentHtml, EveryBlockIsThere) {
  auto html = RenderDocumentHtml(SampleBulletin());
  ASSERT_TRUE(html.has_value()) << html.error().message;
  const std::string& h = *html;
  EXPECT_TRUE(h.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(h.find("@page{size:A4;margin:37mm 26mm 35mm 28mm;}"), std::string::npos);
  EXPECT_NE(h.find("\"仿宋_GB2312\", \"FangSong_GB2312\", \"仿宋\""), std::string::npos);
  EXPECT_NE(h.find("\"方正小标宋简体\""), std::string::npos);
  EXPECT_NE(h.find("--red:#E60012"), std::string::npos);
  EXPECT_NE(h.find("counter(page)"), std::string::npos);
  EXPECT_NE(h.find("<p class=\"marking\">内部资料  注意保存</p>"), std::string::npos);
  EXPECT_NE(h.find("font-size:42pt"), std::string::npos);
  EXPECT_NE(h.find(">城区分局执法质量通报</div>"), std::string::npos);
  EXPECT_NE(h.find("<p class=\"issue-no\">2023年第7期</p>"), std::string::npos);
  EXPECT_NE(h.find("<span>城区分局法制大队编</span><span>2023年7月31日</span>"), std::string::npos);
  EXPECT_NE(h.find("<h1 class=\"title\">关于2023年7月全局执法质量情况的通报</h1>"), std::string::npos);
  EXPECT_NE(h.find("<p class=\"addressee flush\">各派出所、各大队、各警务室：</p>"), std::string::npos);
  EXPECT_NE(h.find("<h2>一、基本情况</h2>"), std::string::npos);
  EXPECT_NE(h.find("<h3>（二）执法监督情况</h3>"), std::string::npos);
  EXPECT_NE(h.find("<h4>2.涉案财物管理</h4>"), std::string::npos);
  EXPECT_NE(h.find("<strong>812</strong>"), std::string::npos);
  EXPECT_NE(h.find("<span class=\"source-note\">（数据来源：案件库 2023-07，共 812 件）</span>"), std::string::npos);
  EXPECT_NE(h.find("<p class=\"item\">3.涉案财物保管移交手续不全"), std::string::npos);
  EXPECT_EQ(Count(h, "<table>"), 2u);
  EXPECT_NE(h.find("<th rowspan=\"2\">单位</th><th colspan=\"2\">案件数</th>"), std::string::npos);
  EXPECT_NE(h.find("<td style=\"text-align:right\">173</td>"), std::string::npos);
  EXPECT_NE(h.find("<td style=\"text-align:left\">A&amp;B &lt;中队&gt;</td>"), std::string::npos);
  EXPECT_NE(h.find("<td style=\"text-align:right\"></td>"), std::string::npos);  // the empty cell
  EXPECT_EQ(Count(h, "<thead>"), 2u);
  EXPECT_NE(h.find("<p class=\"table-caption\">表1  各单位受立案及执法问题情况</p>"), std::string::npos);
  EXPECT_NE(h.find("数据来源：案件库、执法监督台账 2023-07"), std::string::npos);
  EXPECT_EQ(Count(h, "<div class=\"page-break\"></div>"), 1u);
  EXPECT_NE(h.find(">城区分局法制大队</p>\n<p style=\"padding-right:calc(2 * var(--char))\">2023年7月31日</p>"),
            std::string::npos);
  EXPECT_NE(h.find("<p class=\"copy-to\">抄送：市局法制支队，区人民检察院，分局各位领导。</p>"), std::string::npos);
  EXPECT_NE(h.find("<span>2023年7月31日印发</span>"), std::string::npos);

  HtmlOptions no_notes;
  no_notes.source_notes = false;
  auto plain = RenderDocumentHtml(SampleBulletin(), no_notes);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->find("数据来源"), std::string::npos);
}

TEST(DocumentHtml, TextIsEscaped) {
  Document doc;
  doc.title = "<script>alert('x')</script>";
  doc.masthead = Masthead{.organ = "<b>机关</b>", .issue_no = "\"期\"", .issuer = "A&B", .date = "'日'"};
  doc.AddHeading(1, "<img src=x onerror=alert(1)>");
  doc.AddParagraph({Text("a<b"), Bold("</strong><script>"), SourceNote("<i>源</i>")});
  Table t;
  t.caption = "<caption>";
  t.columns = {{}};
  t.rows = {{"</th>"}, {"</td><td>"}};
  t.source_note = "<u>";
  doc.AddTable(t);
  doc.signature = Signature{.organ = "<o>", .date = "<d>"};
  doc.colophon = Colophon{.copy_to = "<c>", .printer = "<p>", .print_date = "<pd>"};
  auto html = RenderDocumentHtml(doc);
  ASSERT_TRUE(html.has_value());
  const std::string& h = *html;
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(h.find("<img"), std::string::npos);
  EXPECT_EQ(h.find("<b>"), std::string::npos);
  EXPECT_EQ(h.find("<caption"), std::string::npos);
  EXPECT_EQ(h.find("<i>"), std::string::npos);
  EXPECT_EQ(h.find("<u>"), std::string::npos);
  EXPECT_EQ(h.find("<o>"), std::string::npos);
  EXPECT_EQ(h.find("<td><td>"), std::string::npos);
  EXPECT_NE(h.find("<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</title>"), std::string::npos);
  EXPECT_NE(h.find("<h1 class=\"title\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>"), std::string::npos);
  EXPECT_NE(h.find("<h2>一、&lt;img src=x onerror=alert(1)&gt;</h2>"), std::string::npos);
  EXPECT_NE(h.find("<strong>&lt;/strong&gt;&lt;script&gt;</strong>"), std::string::npos);
  EXPECT_NE(h.find("&quot;期&quot;"), std::string::npos);
  EXPECT_NE(h.find("A&amp;B"), std::string::npos);
}

// --- for eyes -----------------------------------------------------------------------------------

TEST(DocumentSample, WriteForEyes) {
  const char* dir = std::getenv("FAZHI_DOCUMENT_SAMPLES");
  if (!dir) GTEST_SKIP() << "set FAZHI_DOCUMENT_SAMPLES=DIR to write the sample bulletin there";
  const Document doc = SampleBulletin();
  auto docx = WriteDocx(doc);
  ASSERT_TRUE(docx.has_value()) << docx.error().message;
  WriteFile(std::string(dir) + "/sample.docx", *docx);
  auto html = RenderDocumentHtml(doc);
  ASSERT_TRUE(html.has_value()) << html.error().message;
  WriteFile(std::string(dir) + "/sample.html", *html);
}

}  // namespace
}  // namespace fazhi::files
