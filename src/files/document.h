// Official documents (公文) as data. A module builds a `Document` — masthead, title, headings,
// paragraphs, tables, 落款 and 版记 — and hands it to a writer: `WriteDocx` (files/docx.h) for the
// Word file people print and archive, `RenderDocumentHtml` (files/document_html.h) for the page the
// browser shows and prints. Both lay it out in the 内部通报/简报 style of GB/T 9704-2012
// 《党政机关公文格式》; docs/documents.md gives each rule with its clause.
//
//   files::Document doc;
//   doc.masthead = files::Masthead{.organ = "城区分局执法质量通报", .issue_no = "2023年第7期",
//                                  .issuer = "城区分局法制大队编", .date = "2023年7月31日"};
//   doc.title = "关于2023年7月执法质量情况的通报";
//   doc.AddHeading(1, "基本情况");                       // printed "一、基本情况"
//   doc.AddParagraph({files::Text("本月共受理案件"), files::Bold("812"), files::Text("件。"),
//                     files::SourceNote("数据来源：案件库 2023-07，共 812 件")});
//   doc.signature = files::Signature{.organ = "城区分局法制大队", .date = "2023年7月31日"};
//   auto docx = files::WriteDocx(doc);                   // Result<std::string>: the .docx bytes
//
// The model is plain data with no I/O. Text is UTF-8; writers clean it (CleanText) so nothing a
// user typed can break the XML or HTML. Numbering of headings (一、（一）1.) is done by the model,
// so a section left out for want of data never leaves a gap in the numbers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/local_time.h"

namespace fazhi::files {

// Page setup. A4 portrait always; the defaults are GB/T 9704-2012 §5.2.2 (天头 37 mm, 订口 28 mm,
// 版心 156 × 225 mm) and §6.2 (22 lines of 28 characters of 3号 text per page).
struct PageSetup {
  double margin_top_mm = 37;
  double margin_bottom_mm = 35;
  double margin_left_mm = 28;
  double margin_right_mm = 26;
  int lines_per_page = 22;
  int chars_per_line = 28;
  bool page_numbers = true;  // §7.5: "— 1 —", odd pages right, even pages left
};

// The typefaces GB/T 9704 names, written into DOCX styles and the font table with the name of a
// common font to use instead (w:altName) on a machine that lacks them; the HTML page lists them
// first in its font stacks.
struct Typeface {
  std::string_view name;
  std::string_view fallback;
};
inline constexpr Typeface kFangSong{"仿宋_GB2312", "仿宋"};         // body text (§6.1, §7.3.3)
inline constexpr Typeface kKaiTi{"楷体_GB2312", "楷体"};            // level-2 headings
inline constexpr Typeface kHeiTi{"黑体", "SimHei"};                 // level-1 headings, 密级, table headers
inline constexpr Typeface kXiaoBiaoSong{"方正小标宋简体", "宋体"};  // 发文机关标志 and 标题 (§7.2.4, §7.3.1)
inline constexpr Typeface kSongTi{"宋体", "SimSun"};                // page numbers (§7.5)
// The red of the 版头: GB/T 9704 says 红色; this is the red printers use for it.
inline constexpr std::string_view kMastheadRed = "E60012";

// A span of text inside a paragraph, a list item or a table cell.
enum class RunStyle {
  kPlain,
  kBold,
  kSourceNote,  // small grey "数据来源：…" telling where a figure came from; shown in HTML, in DOCX only on request
};
struct Run {
  std::string text;  // '\n' is a line break, '\t' a tab
  RunStyle style = RunStyle::kPlain;
};
inline Run Text(std::string text) { return {std::move(text), RunStyle::kPlain}; }
inline Run Bold(std::string text) { return {std::move(text), RunStyle::kBold}; }
inline Run SourceNote(std::string text) { return {std::move(text), RunStyle::kSourceNote}; }

enum class Align { kLeft, kCenter, kRight, kJustify };

// 版头 of a 通报/简报 (§7.2): the red 发文机关标志 with the 期号 under it, then one line with the
// editing department on the left and the date on the right, then the red rule.
struct Masthead {
  std::string organ;  // 发文机关标志, e.g. "城区分局执法质量通报"; red 小标宋, shrunk to fit one line
  std::string issue_no;  // 期号, e.g. "2023年第7期"; centered; may be empty
  std::string issuer;    // left of the rule line, e.g. "城区分局法制大队编"; may be empty
  std::string date;      // right of the rule line, e.g. "2023年7月31日"; may be empty
  std::string marking;   // top-left line (§7.2.2), e.g. "内部资料  注意保存"; may be empty
  double top_mm = 35;    // §7.2.4: the top of the 发文机关标志 is 35 mm below the top of the 版心
};

// Structure level 1–3 (§7.3.3): 一、 in 黑体, （一） in 楷体, 1. in 仿宋. With `numbered` the model
// writes the number (counters restart under each higher level); without it the text is printed as
// given and the counters do not move.
struct Heading {
  int level = 1;
  std::string text;
  bool numbered = true;
};

// A body paragraph: 3号 仿宋, first line indented two characters (§7.3.3 "每个自然段左空二字，回行顶格").
struct Paragraph {
  std::vector<Run> runs;
  Align align = Align::kJustify;
  bool first_line_indent = true;
};

// Items printed as ordinary body paragraphs (no bullets in a 公文), each with its marker.
enum class ListMarker { kNone, kArabic /* 1. */, kParenArabic /* （1）, the standard's 4th level */ };
struct List {
  std::vector<std::vector<Run>> items;
  ListMarker marker = ListMarker::kNone;
};

struct TableCell {
  TableCell() = default;
  TableCell(std::string text) : runs{Text(std::move(text))} {}  // NOLINT: implicit, so rows read {"a", "b"}
  TableCell(const char* text) : runs{Text(text)} {}             // NOLINT
  TableCell(Run run) : runs{std::move(run)} {}                  // NOLINT: {Bold("合计"), "812"}
  TableCell(std::vector<Run> r) : runs(std::move(r)) {}         // NOLINT
  std::vector<Run> runs;                                        // empty = an empty cell
  int col_span = 1;
  int row_span = 1;
  std::optional<Align> align;  // default: centered in header rows, the column's alignment below
};

struct TableColumn {
  double width = 1;              // relative: the table always spans the 版心 width
  Align align = Align::kCenter;  // body rows; use kRight for numbers
};

// A table in 仿宋 小四, header rows in 黑体 repeated on every page. Rows shorter than the columns are
// padded with empty cells; a cell covered by a row_span from above is left out of the lower rows
// (write the rows as you would in HTML).
struct Table {
  std::string caption;  // 表题 above the table, centered 黑体; may be empty
  std::vector<TableColumn> columns;
  int header_rows = 1;
  std::vector<std::vector<TableCell>> rows;
  std::string source_note;  // under the table, like a RunStyle::kSourceNote run; may be empty
};

struct PageBreak {};

// A picture on its own line (a QR code on a 回执): PNG bytes shown `width_mm` wide, aspect kept.
struct Image {
  std::string png;
  int width_px = 0, height_px = 0;  // the PNG's size, for the aspect ratio
  double width_mm = 30;
  Align align = Align::kCenter;
  std::string alt;  // what it shows, for screen readers
};

using Block = std::variant<Heading, Paragraph, List, Table, PageBreak, Image>;

// 发文机关署名 and 成文日期 of a document without a seal (§7.3.5.2): one blank line under the text,
// right-aligned two characters from the edge, the date starting two characters right of the name.
struct Signature {
  std::string organ;
  std::string date;  // "2023年7月31日" (ChineseDate)
};

// 版记 (§7.4) at the foot of the last page between a thick rule above and a thick rule below.
struct Colophon {
  std::string copy_to;     // organs after "抄送：", e.g. "市局法制支队，区人民检察院。"; may be empty
  std::string printer;     // 印发机关, e.g. "城区分局法制大队"
  std::string print_date;  // "2023年7月31日"; "印发" is appended
};

struct Document {
  PageSetup page;
  std::optional<Masthead> masthead;
  std::string title;      // 标题 (§7.3.1), 2号 小标宋 centered; '\n' breaks lines; may be empty
  std::string addressee;  // 主送机关 (§7.3.2), e.g. "各派出所、各大队："; may be empty
  std::vector<Block> blocks;
  std::optional<Signature> signature;
  std::optional<Colophon> colophon;
  // Metadata (DOCX docProps/core.xml, HTML <title>). `created` makes the output deterministic.
  std::string creator = "fazhi";
  EpochSeconds created = 0;

  Document& AddHeading(int level, std::string text);
  Document& AddParagraph(std::string text);
  Document& AddParagraph(std::vector<Run> runs);
  Document& AddList(std::vector<std::string> items, ListMarker marker = ListMarker::kArabic);
  Document& AddTable(Table table);
  Document& AddPageBreak();
};

// Checks what a writer cannot lay out. InvalidArgument (field "document") for: a heading level
// outside 1–3, a table without columns, a width ≤ 0, a span < 1, a cell running past the last
// column or the last row or overlapping another, header_rows < 0 or > rows, a page setup whose
// 版心 is smaller than 50 × 50 mm or has no lines or characters.
Result<void> Validate(const Document& doc);

// --- Helpers shared by the writers (and useful to modules) -------------------------------------

// 1 → "一", 10 → "十", 12 → "十二", 20 → "二十", 105 → "一百零五"; n ≤ 0 or > 9999 → decimal digits.
std::string ChineseNumeral(int n);
// "2023年7月31日" (§7.3.5.4: full year, no leading zeros).
std::string ChineseDate(CivilDate d);
// The label each block would be printed with: "一、", "（一）", "1." for numbered headings, "" for
// everything else. Same size as doc.blocks.
std::vector<std::string> HeadingLabels(const Document& doc);
// Text safe for XML 1.0 and HTML: invalid UTF-8 becomes U+FFFD, "\r\n" and "\r" become "\n", other
// control characters (C0 except \t and \n, DEL, C1) and U+FFFE/U+FFFF are dropped.
std::string CleanText(std::string_view text);
// Width in 3号 characters: a full-width character counts 1, ASCII ½ (for the 落款 arithmetic).
double TextWidthChars(std::string_view text);
// Point size of the 发文机关标志: 初号 (42 pt) unless the organ's name needs less to fit the 版心
// width with half a 3号 character of air each side (never below 16 pt).
double MastheadPoints(const Document& doc);

// Right indents, in characters of the 版心 grid, of the 发文机关署名 and the 成文日期 (§7.3.5.2): the
// name two characters from the edge and the date starting two characters right of the name's first
// character; when that would bring the date within two characters of the edge, both move left.
struct SignatureIndents {
  double organ_chars = 2;
  double date_chars = 2;
};
SignatureIndents SignatureLayout(const Signature& s);

// Placement of a table's cells on its grid, for the writers: one slot per cell origin, plus (in the
// rows below it) a `continued` slot for each cell spanning rows, which DOCX writes as a vMerge
// continuation and HTML leaves out. `cell` is null for padding.
struct TableSlot {
  int col = 0;
  int col_span = 1;
  int row_span = 1;
  const TableCell* cell = nullptr;
  bool continued = false;
};
Result<std::vector<std::vector<TableSlot>>> LayOutTable(const Table& table);

}  // namespace fazhi::files
