#include "files/document.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace fazhi::files {

namespace {

constexpr double kA4WidthMm = 210;
constexpr double kPointsPerMm = 72.0 / 25.4;
constexpr double kBodyPoints = 16;  // 3号

std::unexpected<Error> Bad(std::string message) { return Invalid(std::move(message), "document", "bad_document"); }

// Decodes one code point at s[i]; returns its length (0 if the bytes there are not valid UTF-8).
std::size_t Decode(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  std::size_t n = 0;
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;  // overlong, surrogate
  return n;
}

// Fills `out` with the slots of one row; `taken[r][c]` marks grid positions already covered.
Result<void> PlaceRow(const Table& t, std::size_t r, std::vector<std::vector<bool>>& taken,
                      std::vector<std::vector<TableSlot>>& out) {
  const int cols = static_cast<int>(t.columns.size());
  const int nrows = static_cast<int>(t.rows.size());
  int c = 0;
  const auto skip_taken = [&] {
    while (c < cols && taken[r][c]) ++c;
  };
  skip_taken();
  for (const TableCell& cell : t.rows[r]) {
    if (cell.col_span < 1 || cell.row_span < 1)
      return Bad(fmt::format("表格第 {} 行有一个单元格的合并数小于 1", r + 1));
    if (c + cell.col_span > cols) return Bad(fmt::format("表格第 {} 行的单元格超出了 {} 列", r + 1, cols));
    if (static_cast<int>(r) + cell.row_span > nrows)
      return Bad(fmt::format("表格第 {} 行有一个单元格向下合并超出了表格末行", r + 1));
    for (int k = c; k < c + cell.col_span; ++k)
      if (taken[r][k]) return Bad(fmt::format("表格第 {} 行第 {} 列被两个单元格占用", r + 1, k + 1));
    for (int dr = 0; dr < cell.row_span; ++dr)
      for (int k = c; k < c + cell.col_span; ++k) taken[r + dr][k] = true;
    out[r].push_back({c, cell.col_span, cell.row_span, &cell, false});
    for (int dr = 1; dr < cell.row_span; ++dr) out[r + dr].push_back({c, cell.col_span, cell.row_span, &cell, true});
    c += cell.col_span;
    skip_taken();
  }
  for (int k = 0; k < cols; ++k)
    if (!taken[r][k]) {  // a short row: pad
      taken[r][k] = true;
      out[r].push_back({k, 1, 1, nullptr, false});
    }
  std::sort(out[r].begin(), out[r].end(), [](const TableSlot& a, const TableSlot& b) { return a.col < b.col; });
  return {};
}

Result<void> ValidateTable(const Table& t) {
  if (t.columns.empty()) return Bad("表格没有列");
  for (const TableColumn& col : t.columns)
    if (!(col.width > 0)) return Bad("表格的列宽必须大于 0");
  if (t.header_rows < 0 || t.header_rows > static_cast<int>(t.rows.size())) return Bad("表格的表头行数不正确");
  FZ_CHECK(LayOutTable(t));
  return {};
}

}  // namespace

Document& Document::AddHeading(int level, std::string text) {
  blocks.emplace_back(Heading{.level = level, .text = std::move(text)});
  return *this;
}

Document& Document::AddParagraph(std::string text) { return AddParagraph(std::vector<Run>{Text(std::move(text))}); }

Document& Document::AddParagraph(std::vector<Run> runs) {
  blocks.emplace_back(Paragraph{.runs = std::move(runs)});
  return *this;
}

Document& Document::AddList(std::vector<std::string> items, ListMarker marker) {
  List list{.marker = marker};
  for (std::string& item : items) list.items.push_back({Text(std::move(item))});
  blocks.emplace_back(std::move(list));
  return *this;
}

Document& Document::AddTable(Table table) {
  blocks.emplace_back(std::move(table));
  return *this;
}

Document& Document::AddPageBreak() {
  blocks.emplace_back(PageBreak{});
  return *this;
}

Result<void> Validate(const Document& doc) {
  const PageSetup& p = doc.page;
  const double body_w = kA4WidthMm - p.margin_left_mm - p.margin_right_mm;
  const double body_h = 297 - p.margin_top_mm - p.margin_bottom_mm;
  if (!(p.margin_top_mm >= 0 && p.margin_bottom_mm >= 0 && p.margin_left_mm >= 0 && p.margin_right_mm >= 0) ||
      !(body_w >= 50 && body_h >= 50))
    return Bad("页边距不正确：版心至少需要 50 × 50 毫米");
  if (p.lines_per_page < 1 || p.chars_per_line < 1 || p.lines_per_page > 100 || p.chars_per_line > 100)
    return Bad("每页行数和每行字数应在 1 至 100 之间");
  if (doc.masthead && !(doc.masthead->top_mm >= 0 && doc.masthead->top_mm <= body_h / 2))
    return Bad("发文机关标志的位置不正确");
  for (const Block& block : doc.blocks) {
    if (const auto* h = std::get_if<Heading>(&block)) {
      if (h->level < 1 || h->level > 3) return Bad(fmt::format("标题层次 {} 不在 1 至 3 之间", h->level));
    } else if (const auto* t = std::get_if<Table>(&block)) {
      FZ_CHECK(ValidateTable(*t));
    } else if (const auto* img = std::get_if<Image>(&block)) {
      if (img->png.empty() || img->width_px <= 0 || img->height_px <= 0 ||
          !(img->width_mm > 0 && img->width_mm <= body_w))
        return Bad("图片不正确：缺少图片内容，或宽度超出版心");
    }
  }
  return {};
}

std::string ChineseNumeral(int n) {
  static constexpr const char* kDigits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  static constexpr const char* kUnits[] = {"", "十", "百", "千"};
  if (n <= 0 || n > 9999) return std::to_string(n);
  const int d[] = {n / 1000, n / 100 % 10, n / 10 % 10, n % 10};  // thousands … ones
  std::string out;
  bool pending_zero = false;
  for (int i = 0; i < 4; ++i) {
    if (d[i] == 0) {
      if (!out.empty()) pending_zero = true;
      continue;
    }
    if (pending_zero) out += kDigits[0];
    pending_zero = false;
    // 十二, not 一十二, when the number starts with the tens.
    if (!(i == 2 && d[i] == 1 && out.empty())) out += kDigits[d[i]];
    out += kUnits[3 - i];
  }
  return out;
}

std::string ChineseDate(CivilDate d) { return fmt::format("{}年{}月{}日", d.year, d.month, d.day); }

std::vector<std::string> HeadingLabels(const Document& doc) {
  std::vector<std::string> labels(doc.blocks.size());
  int counters[3] = {0, 0, 0};
  for (std::size_t i = 0; i < doc.blocks.size(); ++i) {
    const auto* h = std::get_if<Heading>(&doc.blocks[i]);
    if (!h || !h->numbered || h->level < 1 || h->level > 3) continue;
    const int k = h->level - 1;
    ++counters[k];
    for (int below = k + 1; below < 3; ++below) counters[below] = 0;
    switch (h->level) {
      case 1: labels[i] = ChineseNumeral(counters[0]) + "、"; break;
      case 2: labels[i] = "（" + ChineseNumeral(counters[1]) + "）"; break;
      default: labels[i] = std::to_string(counters[2]) + "."; break;
    }
  }
  return labels;
}

std::string CleanText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = Decode(text, i, cp);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    if (cp == '\r') {
      out += '\n';
      i += (i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    const bool control = (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F);
    if (!control && cp != 0xFFFE && cp != 0xFFFF) out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

double TextWidthChars(std::string_view text) {
  double width = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    std::size_t n = Decode(text, i, cp);
    if (n == 0) n = 1;
    // ASCII and the half-width forms (U+FF61–U+FFDC) take half a character; all else a whole one.
    width += (cp < 0x80 || (cp >= 0xFF61 && cp <= 0xFFDC)) ? 0.5 : 1.0;
    i += n;
  }
  return width;
}

double MastheadPoints(const Document& doc) {
  constexpr double kChuHao = 42;  // 初号
  if (!doc.masthead) return kChuHao;
  const double body_pt = (kA4WidthMm - doc.page.margin_left_mm - doc.page.margin_right_mm) * kPointsPerMm;
  const double chars = std::max(TextWidthChars(CleanText(doc.masthead->organ)), 1.0);
  const double fit = std::floor((body_pt - kBodyPoints) / chars * 2) / 2;  // half points
  return std::clamp(fit, kBodyPoints, kChuHao);
}

SignatureIndents SignatureLayout(const Signature& s) {
  const double n = TextWidthChars(CleanText(s.organ));
  const double m = TextWidthChars(CleanText(s.date));
  // The name ends `organ` characters from the edge; the date starts 2 right of the name's start, so
  // it ends organ + n - 2 - m from the edge. Keep that ≥ 2.
  SignatureIndents out;
  out.organ_chars = std::max(2.0, 4 + m - n);
  out.date_chars = out.organ_chars + n - 2 - m;
  return out;
}

Result<std::vector<std::vector<TableSlot>>> LayOutTable(const Table& table) {
  const std::size_t cols = table.columns.size();
  std::vector<std::vector<bool>> taken(table.rows.size(), std::vector<bool>(cols, false));
  std::vector<std::vector<TableSlot>> out(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) FZ_CHECK(PlaceRow(table, r, taken, out));
  return out;
}

}  // namespace fazhi::files
