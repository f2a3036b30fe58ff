#include "files/docx.h"

#include <fmt/format.h>
#include <zip.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <utility>
#include <vector>

#include "core/local_time.h"
#include "core/markup.h"

namespace fazhi::files {

namespace {

// Units: WordprocessingML lengths are twips (1/20 pt) unless noted; font sizes half-points; border
// widths eighths of a point (w:sz) with their spacing in points (w:space).
constexpr double kTwipsPerMm = 1440 / 25.4;
constexpr int kPageWidth = 11906;   // A4 210 mm
constexpr int kPageHeight = 16838;  // A4 297 mm
constexpr int kBodySize = 32;       // 3号 16 pt, half-points
constexpr int kTitleSize = 44;      // 2号 22 pt
constexpr int kTableSize = 24;      // 小四 12 pt
constexpr int kSmallSize = 28;      // 4号 14 pt: 版记 and page numbers (§7.4.2, §7.5)
constexpr int kNoteSize = 21;       // 五号 10.5 pt
constexpr int kSmallChar = 280;     // one 4号 character
constexpr std::string_view kNoteGrey = "7F7F7F";

constexpr std::string_view kXmlDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr std::string_view kW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr std::string_view kR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

int Twips(double mm) { return static_cast<int>(std::lround(mm * kTwipsPerMm)); }

// The page geometry in twips, from the PageSetup.
struct Geometry {
  int top, bottom, left, right;
  int body_width, body_height;
  int line_pitch;     // one grid line (§6.2: 22 per page) — 579 twips for the defaults
  double char_pitch;  // one grid character (28 per line) — 315.9 twips
  // Character spacing of body text, twips (w:spacing/@w:val), that brings 16 pt characters to the
  // grid's pitch: -5, i.e. 15.75 pt, for the defaults. (A w:docGrid character grid would say the
  // same to Word, but LibreOffice puts each 16 pt glyph into two 15.8 pt cells; the tracking gives
  // 28 characters a line in both.)
  int tracking;

  explicit Geometry(const PageSetup& p)
      : top(Twips(p.margin_top_mm)),
        bottom(Twips(p.margin_bottom_mm)),
        left(Twips(p.margin_left_mm)),
        right(Twips(p.margin_right_mm)),
        body_width(kPageWidth - left - right),
        body_height(kPageHeight - top - bottom),
        line_pitch(body_height / p.lines_per_page),
        char_pitch(static_cast<double>(body_width) / p.chars_per_line),
        // Rounded down, so that `chars_per_line` characters always fit.
        tracking(static_cast<int>(std::floor(char_pitch - kBodySize * 10))) {}

  int Chars(double n) const { return static_cast<int>(std::lround(n * char_pitch)); }
};

std::string Fonts(const Typeface& f) {
  const std::string n = EscapeXml(f.name);
  return fmt::format(R"(<w:rFonts w:ascii="{0}" w:eastAsia="{0}" w:hAnsi="{0}" w:cs="{0}"/>)", n);
}

std::string_view Jc(Align a) {
  switch (a) {
    case Align::kLeft: return "left";
    case Align::kCenter: return "center";
    case Align::kRight: return "right";
    case Align::kJustify: return "both";
  }
  return "both";
}

// Text of a run (already cleaned) as w:t, w:br and w:tab elements.
std::string RunContent(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  const auto flush = [&](std::size_t end) {
    if (end > start)
      out += fmt::format(R"(<w:t xml:space="preserve">{}</w:t>)", EscapeXml(text.substr(start, end - start)));
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\t') continue;
    flush(i);
    out += text[i] == '\n' ? "<w:br/>" : "<w:tab/>";
    start = i + 1;
  }
  flush(text.size());
  return out;
}

// One run; `rpr` is extra run properties after w:rStyle (already in schema order).
std::string RunXml(std::string_view text, std::string_view rstyle = {}, std::string_view rpr = {}) {
  const std::string clean = CleanText(text);
  if (clean.empty()) return {};
  std::string props;
  if (!rstyle.empty()) props += fmt::format(R"(<w:rStyle w:val="{}"/>)", rstyle);
  props += rpr;
  return fmt::format("<w:r>{}{}</w:r>", props.empty() ? "" : "<w:rPr>" + props + "</w:rPr>", RunContent(clean));
}

std::string ParaXml(std::string_view style, std::string_view ppr, std::string_view content) {
  std::string props;
  if (!style.empty()) props += fmt::format(R"(<w:pStyle w:val="{}"/>)", style);
  props += ppr;
  return fmt::format("<w:p>{}{}</w:p>", props.empty() ? "" : "<w:pPr>" + props + "</w:pPr>", content);
}

// Builds word/document.xml.
class BodyWriter {
 public:
  BodyWriter(const Document& doc, const DocxOptions& opt) : doc_(doc), opt_(opt), g_(doc.page) {}

  std::string Build() {
    std::string& o = out_;
    o += kXmlDecl;
    o += fmt::format(R"(<w:document xmlns:w="{}" xmlns:r="{}" )"
                     R"(xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" )"
                     R"(xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" )"
                     R"(xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>)",
                     kW, kR);
    Head();
    Blocks();
    Tail();
    EndTable();
    o += SectionXml();
    o += "</w:body></w:document>";
    return std::move(out_);
  }

 private:
  void Emit(std::string_view style, std::string_view ppr, std::string_view content) {
    // A page break asked for by the previous block lands on this paragraph.
    std::string props;
    if (break_before_) props += "<w:pageBreakBefore/>";
    break_before_ = false;
    // Schema order: pStyle, keepNext, keepLines, pageBreakBefore, then the rest; no `ppr` written
    // here holds keepNext or keepLines (the styles do).
    out_ += ParaXml(style, props + std::string(ppr), content);
    after_table_ = false;
  }
  // Word joins two adjacent tables and wants a paragraph before the section's end.
  void EndTable() {
    if (after_table_) Emit("", "", "");
  }

  std::string Runs(const std::vector<Run>& runs) const {
    std::string out;
    for (const Run& r : runs) {
      switch (r.style) {
        case RunStyle::kPlain: out += RunXml(r.text); break;
        case RunStyle::kBold: out += RunXml(r.text, {}, "<w:b/><w:bCs/>"); break;
        case RunStyle::kSourceNote:
          if (opt_.source_notes) out += RunXml(r.text, "FzSourceNote");
          break;
      }
    }
    return out;
  }

  void Head() {
    const bool has_title = !CleanText(doc_.title).empty();
    if (doc_.masthead) Masthead(*doc_.masthead);
    if (has_title) {
      // §7.3.1: two blank lines under the red rule.
      const std::string before = doc_.masthead ? fmt::format(R"(<w:spacing w:before="{}"/>)", 2 * g_.line_pitch) : "";
      Emit("Title", before, RunXml(doc_.title));
    }
    if (!CleanText(doc_.addressee).empty()) Emit("FzAddressee", "", RunXml(doc_.addressee));
  }

  void Masthead(const Masthead& m) {
    const bool has_marking = !CleanText(m.marking).empty();
    const bool has_issue = !CleanText(m.issue_no).empty();
    const bool has_line = !CleanText(m.issuer).empty() || !CleanText(m.date).empty();
    // §7.2.2: the marking on the second line of the 版心, flush left.
    if (has_marking) Emit("FzMarking", fmt::format(R"(<w:spacing w:before="{}"/>)", g_.line_pitch), RunXml(m.marking));
    // The red rule: 1.5 pt, 4 pt from the line box, which puts it about 4 mm under the glyphs (§7.2.7).
    const std::string rule =
        fmt::format(R"(<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="{}"/></w:pBdr>)", kMastheadRed);
    // §7.2.4: the top of the 发文机关标志 35 mm below the top of the 版心. Exact line height 1.2 em;
    // the glyphs' top sits about 0.1 em below the line's top.
    const double pt = MastheadPoints(doc_);
    const int line = static_cast<int>(std::lround(pt * 1.2 * 20));
    int before = Twips(m.top_mm) - static_cast<int>(std::lround(pt * 0.1 * 20));
    if (has_marking) before -= 2 * g_.line_pitch;
    Emit("FzMasthead",
         fmt::format(R"({}<w:spacing w:before="{}" w:line="{}" w:lineRule="exact"/>)",
                     has_issue || has_line ? "" : rule, std::max(before, 0), line),
         RunXml(m.organ, {}, fmt::format(R"(<w:sz w:val="{0}"/><w:szCs w:val="{0}"/>)", std::lround(pt * 2))));
    // §7.2.5 puts the 发文字号 two blank lines under the 发文机关标志; the 期号 takes its place, one
    // blank line under as 简报 mastheads have it, which keeps the head in the upper part of page 1.
    if (has_issue)
      Emit("FzIssueNo", fmt::format(R"({}<w:spacing w:before="{}"/>)", has_line ? "" : rule, g_.line_pitch),
           RunXml(m.issue_no));
    if (has_line) {
      // §7.2.6 analogue: the issuer one character from the left, the date one from the right (tab
      // stops, so that the rule under the paragraph keeps the 版心's width), the red rule 4 mm under
      // them (§7.2.7).
      const int one = g_.Chars(1);
      Emit("FzIssuerLine",
           fmt::format(R"({}<w:tabs><w:tab w:val="left" w:pos="{}"/><w:tab w:val="right" w:pos="{}"/></w:tabs>)", rule,
                       one, g_.body_width - one),
           "<w:r><w:tab/></w:r>" + RunXml(m.issuer) + "<w:r><w:tab/></w:r>" + RunXml(m.date));
    }
  }

  void Blocks() {
    const std::vector<std::string> labels = HeadingLabels(doc_);
    for (std::size_t i = 0; i < doc_.blocks.size(); ++i) {
      const Block& b = doc_.blocks[i];
      if (const auto* h = std::get_if<Heading>(&b)) {
        Emit(fmt::format("Heading{}", h->level), "", RunXml(labels[i] + h->text));
      } else if (const auto* p = std::get_if<Paragraph>(&b)) {
        ParagraphBlock(*p);
      } else if (const auto* l = std::get_if<List>(&b)) {
        for (std::size_t k = 0; k < l->items.size(); ++k) {
          const std::string marker = l->marker == ListMarker::kArabic        ? fmt::format("{}.", k + 1)
                                     : l->marker == ListMarker::kParenArabic ? fmt::format("（{}）", k + 1)
                                                                             : "";
          Emit("", "", RunXml(marker) + Runs(l->items[k]));
        }
      } else if (const auto* t = std::get_if<Table>(&b)) {
        TableBlock(*t);
      } else if (const auto* img = std::get_if<Image>(&b)) {
        ImageBlock(*img);
      } else {
        break_before_ = true;  // lands on the next paragraph (pageBreakBefore)
      }
    }
  }

  // An inline picture (DrawingML) of media/imageN.png, relationship rIdImageN (WriteDocx adds both).
  void ImageBlock(const Image& img) {
    const int n = ++images_;
    constexpr double kEmuPerMm = 36000;
    const auto cx = static_cast<std::int64_t>(img.width_mm * kEmuPerMm);
    const auto cy = static_cast<std::int64_t>(img.width_mm * img.height_px / img.width_px * kEmuPerMm);
    const std::string alt = EscapeXml(CleanText(img.alt));
    const std::string drawing = fmt::format(
        R"(<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{0}" cy="{1}"/>)"
        R"(<wp:docPr id="{2}" name="图片{2}" descr="{3}"/><a:graphic><a:graphicData )"
        R"(uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>)"
        R"(<pic:cNvPr id="{2}" name="image{2}.png" descr="{3}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>)"
        R"(<a:blip r:embed="rIdImage{2}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>)"
        R"(<a:xfrm><a:off x="0" y="0"/><a:ext cx="{0}" cy="{1}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>)"
        R"(</a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>)",
        cx, cy, n, alt);
    Emit("", fmt::format(R"(<w:ind w:firstLine="0"/><w:jc w:val="{}"/>)", Jc(img.align)), drawing);
  }

  void ParagraphBlock(const Paragraph& p) {
    const std::string content = Runs(p.runs);
    if (content.empty() && !p.runs.empty()) return;  // only source notes, and they are off
    std::string ppr;
    if (!p.first_line_indent) ppr += R"(<w:ind w:firstLine="0"/>)";
    if (p.align != Align::kJustify) ppr += fmt::format(R"(<w:jc w:val="{}"/>)", Jc(p.align));
    Emit("", ppr, content);
  }

  void TableBlock(const Table& t) {
    if (!CleanText(t.caption).empty()) Emit("FzTableCaption", "", RunXml(t.caption));
    if (after_table_ || break_before_) Emit("", "", "");  // carries the page break; keeps tables apart
    const auto grid = LayOutTable(t);
    if (!grid) return;  // Validate ran first; unreachable
    const double total = std::accumulate(t.columns.begin(), t.columns.end(), 0.0,
                                         [](double s, const TableColumn& c) { return s + c.width; });
    std::vector<int> widths;
    int used = 0;
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const int w = c + 1 == t.columns.size()
                        ? g_.body_width - used
                        : static_cast<int>(std::lround(g_.body_width * t.columns[c].width / total));
      widths.push_back(w);
      used += w;
    }
    std::string& o = out_;
    o += "<w:tbl><w:tblPr><w:tblStyle w:val=\"FzTable\"/>";
    o += fmt::format(R"(<w:tblW w:w="{}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>)",
                     g_.body_width);
    o +=
        R"(<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>)";
    o += "</w:tblPr><w:tblGrid>";
    for (int w : widths) o += fmt::format(R"(<w:gridCol w:w="{}"/>)", w);
    o += "</w:tblGrid>";
    for (std::size_t r = 0; r < grid->size(); ++r) {
      const bool header = static_cast<int>(r) < t.header_rows;
      o += "<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val=\"454\" w:hRule=\"atLeast\"/>";
      if (header) o += "<w:tblHeader/>";
      o += "</w:trPr>";
      for (const TableSlot& s : (*grid)[r]) o += CellXml(t, s, header, widths);
      o += "</w:tr>";
    }
    o += "</w:tbl>";
    after_table_ = true;
    if (opt_.source_notes && !CleanText(t.source_note).empty()) Emit("FzSourceNoteLine", "", RunXml(t.source_note));
  }

  std::string CellXml(const Table& t, const TableSlot& s, bool header, const std::vector<int>& widths) const {
    int w = 0;
    for (int c = s.col; c < s.col + s.col_span; ++c) w += widths[c];
    std::string pr = fmt::format(R"(<w:tcW w:w="{}" w:type="dxa"/>)", w);
    if (s.col_span > 1) pr += fmt::format(R"(<w:gridSpan w:val="{}"/>)", s.col_span);
    if (s.continued)
      pr += "<w:vMerge/>";
    else if (s.row_span > 1)
      pr += R"(<w:vMerge w:val="restart"/>)";
    pr += R"(<w:vAlign w:val="center"/>)";
    std::string content;
    Align align = header ? Align::kCenter : t.columns[s.col].align;
    if (s.cell && !s.continued) {
      content = Runs(s.cell->runs);
      if (s.cell->align) align = *s.cell->align;
    }
    const std::string para =
        ParaXml(header ? "FzTableHeader" : "FzTableText", fmt::format(R"(<w:jc w:val="{}"/>)", Jc(align)), content);
    return fmt::format("<w:tc><w:tcPr>{}</w:tcPr>{}</w:tc>", pr, para);
  }

  void Tail() {
    if (doc_.signature) {
      const Signature& s = *doc_.signature;
      const SignatureIndents ind = SignatureLayout(s);
      // §7.3.5.2: one blank line under the text.
      Emit("FzSignature",
           fmt::format(R"(<w:spacing w:before="{}"/><w:ind w:right="{}"/>)", g_.line_pitch, g_.Chars(ind.organ_chars)),
           RunXml(s.organ));
      Emit("FzSignature", fmt::format(R"(<w:ind w:right="{}"/>)", g_.Chars(ind.date_chars)), RunXml(s.date));
    }
    if (doc_.colophon) Colophon(*doc_.colophon);
  }

  // §7.4: 4号 仿宋 between a thick rule above (0.35 mm) and a thick rule below that lies on the foot
  // of the 版心, a thin rule (0.25 mm) between 抄送 and 印发. Written as a floating table of the 版心's
  // width anchored to the bottom margin (w:tblpPr), so Word and WPS put it at the foot of the last
  // page whatever the text above; the table's borders are the three rules. (Paragraph frames,
  // w:framePr, cannot carry the thin middle rule: LibreOffice drops a frame whose paragraphs have
  // different borders.) LibreOffice 7.4 keeps a floating table this wide in the text flow, so there
  // the 版记 follows the 落款 instead of sitting on the foot — the rules are right either way.
  void Colophon(const Colophon& c) {
    EndTable();
    const auto border = [](std::string_view side, int sz) {
      return sz == 0 ? fmt::format(R"(<w:{} w:val="nil"/>)", side)
                     : fmt::format(R"(<w:{} w:val="single" w:sz="{}" w:space="0" w:color="000000"/>)", side, sz);
    };
    const int w = g_.body_width;
    std::string& o = out_;
    o += "<w:tbl><w:tblPr>";
    o += R"(<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" w:bottomFromText="0" )"
         R"(w:vertAnchor="margin" w:horzAnchor="margin" w:tblpXSpec="center" w:tblpYSpec="bottom"/>)";
    o += R"(<w:tblOverlap w:val="never"/>)";
    o += fmt::format(R"(<w:tblW w:w="{}" w:type="dxa"/>)", w);
    o += "<w:tblBorders>" + border("top", 8) + border("left", 0) + border("bottom", 8) + border("right", 0) +
         border("insideH", 6) + border("insideV", 0) + "</w:tblBorders>";
    o +=
        R"(<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>)";
    o +=
        R"(<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>)";
    o += fmt::format(R"(</w:tblPr><w:tblGrid><w:gridCol w:w="{}"/></w:tblGrid>)", w);
    const auto row = [&](std::string_view ppr, std::string_view content) {
      o += fmt::format(R"(<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{}" w:type="dxa"/></w:tcPr>)",
                       w);
      o += ParaXml("FzColophon", ppr, content);
      o += "</w:tc></w:tr>";
    };
    // §7.4.2: "抄送：" one character in from each side; a second line aligns with the first organ.
    if (!CleanText(c.copy_to).empty())
      row(fmt::format(R"(<w:ind w:left="{}" w:right="{}" w:hanging="{}"/>)", 4 * kSmallChar, kSmallChar,
                      3 * kSmallChar),
          RunXml("抄送：" + c.copy_to));
    // §7.4.3: the 印发机关 one character from the left, the 印发日期 one from the right.
    row(fmt::format(R"(<w:tabs><w:tab w:val="right" w:pos="{}"/></w:tabs><w:ind w:left="{}" w:right="{}"/>)",
                    w - kSmallChar, kSmallChar, kSmallChar),
        RunXml(c.printer) + "<w:r><w:tab/></w:r>" +
            RunXml(CleanText(c.print_date).empty() ? "" : c.print_date + "印发"));
    o += "</w:tbl>";
    // The paragraph a floating table is anchored to: 1 pt high, so it never needs a page of its own.
    out_ += ParaXml("", R"(<w:snapToGrid w:val="0"/><w:spacing w:line="20" w:lineRule="exact"/>)", "");
    after_table_ = false;
  }

  std::string SectionXml() const {
    std::string s = "<w:sectPr>";
    if (doc_.page.page_numbers)
      s += R"(<w:footerReference w:type="default" r:id="rIdFooterOdd"/>)"
           R"(<w:footerReference w:type="even" r:id="rIdFooterEven"/>)";
    // The footer's line (20 pt) is centered about 7 mm under the 版心 (§7.5: the dashes 7 mm below).
    const int footer = g_.bottom - Twips(7) - 200;
    s += fmt::format(R"(<w:pgSz w:w="{}" w:h="{}"/>)", kPageWidth, kPageHeight);
    s += fmt::format(
        R"(<w:pgMar w:top="{}" w:right="{}" w:bottom="{}" w:left="{}" w:header="851" w:footer="{}" w:gutter="0"/>)",
        g_.top, g_.right, g_.bottom, g_.left, std::max(footer, 0));
    s += R"(<w:cols w:space="425"/>)";
    s += fmt::format(R"(<w:docGrid w:type="lines" w:linePitch="{}"/>)", g_.line_pitch);
    s += "</w:sectPr>";
    return s;
  }

  const Document& doc_;
  int images_ = 0;
  const DocxOptions& opt_;
  const Geometry g_;
  std::string out_;
  bool break_before_ = false;
  bool after_table_ = false;
};

std::string FooterXml(bool odd) {
  // §7.5: 4号 半角 宋体 digits between two 一字线, 7 mm under the 版心; odd pages one character from the
  // right, even pages one character from the left.
  const std::string dash =
      R"(<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>)";
  return fmt::format(
      R"({}<w:ftr xmlns:w="{}" xmlns:r="{}"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:ind w:{}="{}"/><w:jc w:val="{}"/></w:pPr>)"
      R"({}<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>{}</w:p></w:ftr>)",
      kXmlDecl, kW, kR, odd ? "right" : "left", kSmallChar, odd ? "right" : "left",
      fmt::format(fmt::runtime(dash), "— "), fmt::format(fmt::runtime(dash), " —"));
}

std::string StyleXml(std::string_view type, std::string_view id, std::string_view name, std::string_view based_on,
                     std::string_view ppr, std::string_view rpr, std::string_view extra = {}) {
  std::string s = fmt::format(R"(<w:style w:type="{}" w:styleId="{}"{}><w:name w:val="{}"/>)", type, id,
                              id == "Normal" ? R"( w:default="1")" : "", name);
  if (!based_on.empty()) s += fmt::format(R"(<w:basedOn w:val="{}"/>)", based_on);
  if (type == "paragraph" && id != "Normal") s += R"(<w:next w:val="Normal"/>)";
  s += extra;
  s += R"(<w:qFormat/>)";
  if (!ppr.empty()) s += fmt::format("<w:pPr>{}</w:pPr>", ppr);
  if (!rpr.empty()) s += fmt::format("<w:rPr>{}</w:rPr>", rpr);
  return s + "</w:style>";
}

std::string Size(int half_points) { return fmt::format(R"(<w:sz w:val="{0}"/><w:szCs w:val="{0}"/>)", half_points); }

// Styles that are not 3号 body text do without the body's tracking.
const std::string kNoSpacing = R"(<w:spacing w:val="0"/>)";

std::string StylesXml(const Geometry& g) {
  const std::string exact = fmt::format(R"(<w:spacing w:line="{}" w:lineRule="exact"/>)", g.line_pitch);
  const std::string no_indent = R"(<w:ind w:firstLine="0"/>)";
  const std::string off_grid = R"(<w:snapToGrid w:val="0"/>)";
  std::string s{kXmlDecl};
  s += fmt::format(R"(<w:styles xmlns:w="{}" xmlns:r="{}">)", kW, kR);
  s += "<w:docDefaults><w:rPrDefault><w:rPr>" + Fonts(kFangSong) + Size(kBodySize) +
       R"(<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>)"
       "<w:pPrDefault><w:pPr/></w:pPrDefault></w:docDefaults>";
  // Normal = 正文 (§7.3.3): 3号 仿宋, justified, first line indented two grid characters, one grid
  // line per text line.
  s += StyleXml("paragraph", "Normal", "Normal", "",
                R"(<w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>)" + exact +
                    fmt::format(R"(<w:ind w:firstLine="{}"/><w:jc w:val="both"/>)", g.Chars(2)),
                Fonts(kFangSong) + fmt::format(R"(<w:spacing w:val="{}"/>)", g.tracking) + Size(kBodySize));
  s +=
      R"(<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>)";
  s +=
      R"(<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>)"
      R"(<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>)"
      R"(<w:bottom w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>)";
  // 标题 (§7.3.1): 2号 小标宋, centered, one blank line under it.
  s += StyleXml("paragraph", "Title", "Title", "Normal",
                fmt::format(R"(<w:keepNext/><w:spacing w:after="{}" w:line="{}" w:lineRule="exact"/>)", g.line_pitch,
                            g.line_pitch) +
                    no_indent + R"(<w:jc w:val="center"/><w:outlineLvl w:val="0"/>)",
                Fonts(kXiaoBiaoSong) + kNoSpacing + Size(kTitleSize));
  // 结构层次 (§7.3.3): 一、 黑体, （一） 楷体, 1. 仿宋 — all 3号, not bold, indented like the text.
  const Typeface* heading_faces[] = {&kHeiTi, &kKaiTi, &kFangSong};
  for (int level = 1; level <= 3; ++level)
    s += StyleXml("paragraph", fmt::format("Heading{}", level), fmt::format("heading {}", level), "Normal",
                  fmt::format(R"(<w:keepNext/><w:outlineLvl w:val="{}"/>)", level),
                  Fonts(*heading_faces[level - 1]) + R"(<w:b w:val="0"/><w:bCs w:val="0"/>)");
  // 版头 (§7.2).
  s += StyleXml("paragraph", "FzMasthead", "发文机关标志", "Normal",
                R"(<w:keepNext/>)" + off_grid + no_indent + R"(<w:jc w:val="center"/>)",
                Fonts(kXiaoBiaoSong) + fmt::format(R"(<w:color w:val="{}"/>)", kMastheadRed) + kNoSpacing + Size(84));
  s += StyleXml("paragraph", "FzMarking", "密级", "Normal", "<w:keepNext/>" + no_indent + R"(<w:jc w:val="left"/>)",
                Fonts(kHeiTi));
  s += StyleXml("paragraph", "FzIssueNo", "期号", "Normal", "<w:keepNext/>" + no_indent + R"(<w:jc w:val="center"/>)",
                "");
  s += StyleXml("paragraph", "FzIssuerLine", "编发单位", "Normal",
                "<w:keepNext/>" + no_indent + R"(<w:jc w:val="left"/>)", "");
  s += StyleXml("paragraph", "FzAddressee", "主送机关", "Normal", no_indent + R"(<w:jc w:val="left"/>)", "");
  s += StyleXml("paragraph", "FzSignature", "落款", "Normal",
                R"(<w:keepLines/>)" + no_indent + R"(<w:jc w:val="right"/>)", "");
  // Tables: 小四 仿宋 off the grid, header rows in 黑体.
  s += StyleXml("paragraph", "FzTableCaption", "表题", "Normal",
                "<w:keepNext/>" + no_indent + R"(<w:jc w:val="center"/>)", Fonts(kHeiTi));
  s += StyleXml("paragraph", "FzTableText", "表格文字", "Normal",
                off_grid + R"(<w:spacing w:line="240" w:lineRule="auto"/>)" + no_indent + R"(<w:jc w:val="center"/>)",
                kNoSpacing + Size(kTableSize));
  s += StyleXml("paragraph", "FzTableHeader", "表头", "FzTableText", "", Fonts(kHeiTi));
  s +=
      R"(<w:style w:type="table" w:styleId="FzTable"><w:name w:val="公文表格"/><w:basedOn w:val="TableNormal"/>)"
      R"(<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/>)"
      R"(<w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/>)"
      R"(<w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/>)"
      R"(<w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders></w:tblPr></w:style>)";
  // Source notes: 五号 grey.
  s += StyleXml("character", "FzSourceNote", "数据来源", "DefaultParagraphFont", "",
                fmt::format(R"(<w:color w:val="{}"/>)", kNoteGrey) + kNoSpacing + Size(kNoteSize));
  s += StyleXml(
      "paragraph", "FzSourceNoteLine", "数据来源说明", "Normal",
      off_grid + R"(<w:spacing w:before="60" w:line="240" w:lineRule="auto"/>)" + no_indent + R"(<w:jc w:val="left"/>)",
      fmt::format(R"(<w:color w:val="{}"/>)", kNoteGrey) + kNoSpacing + Size(kNoteSize));
  // 版记 (§7.4) and page numbers (§7.5): 4号.
  s += StyleXml("paragraph", "FzColophon", "版记", "Normal", no_indent + R"(<w:jc w:val="left"/>)",
                kNoSpacing + Size(kSmallSize));
  s += StyleXml("paragraph", "Footer", "footer", "Normal",
                off_grid + R"(<w:spacing w:line="400" w:lineRule="exact"/>)" + no_indent,
                Fonts(kSongTi) + kNoSpacing + Size(kSmallSize));
  s += "</w:styles>";
  return s;
}

std::string FontTableXml() {
  std::string s{kXmlDecl};
  s += fmt::format(R"(<w:fonts xmlns:w="{}" xmlns:r="{}">)", kW, kR);
  // charset 86 = GB2312; family tells a substituting program whether to look for a serif (roman) or
  // a sans (swiss) face.
  const std::pair<const Typeface*, std::string_view> faces[] = {
      {&kFangSong, "roman"}, {&kKaiTi, "script"}, {&kHeiTi, "swiss"}, {&kXiaoBiaoSong, "roman"}, {&kSongTi, "roman"}};
  for (const auto& [f, family] : faces)
    s += fmt::format(
        R"(<w:font w:name="{}"><w:altName w:val="{}"/><w:charset w:val="86"/><w:family w:val="{}"/><w:pitch w:val="variable"/></w:font>)",
        EscapeXml(f->name), EscapeXml(f->fallback), family);
  s += "</w:fonts>";
  return s;
}

std::string SettingsXml(bool even_odd) {
  return fmt::format(
      R"({}<w:settings xmlns:w="{}" xmlns:r="{}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>{})"
      R"(<w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" )"
      R"(w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>)"
      R"(<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>)",
      kXmlDecl, kW, kR, even_odd ? "<w:evenAndOddHeaders/>" : "");
}

std::string UtcW3c(EpochSeconds t) {
  const std::int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  const std::int64_t secs = t - days * 86400;
  const CivilDate d = CivilFromDays(days);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", d.year, d.month, d.day, secs / 3600, secs / 60 % 60,
                     secs % 60);
}

std::string CoreXml(const Document& doc) {
  std::string title = CleanText(doc.title);
  for (char& c : title)
    if (c == '\n' || c == '\t') c = ' ';
  if (title.empty() && doc.masthead) title = CleanText(doc.masthead->organ + " " + doc.masthead->issue_no);
  const std::string when = UtcW3c(doc.created);
  return fmt::format(
      R"({}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" )"
      R"(xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" )"
      R"(xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">)"
      R"(<dc:title>{}</dc:title><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy>)"
      R"(<dcterms:created xsi:type="dcterms:W3CDTF">{}</dcterms:created>)"
      R"(<dcterms:modified xsi:type="dcterms:W3CDTF">{}</dcterms:modified></cp:coreProperties>)",
      kXmlDecl, EscapeXml(title), EscapeXml(CleanText(doc.creator)), EscapeXml(CleanText(doc.creator)), when, when);
}

std::vector<const Image*> Images(const Document& doc) {
  std::vector<const Image*> out;
  for (const Block& b : doc.blocks)
    if (const auto* img = std::get_if<Image>(&b)) out.push_back(img);
  return out;
}

std::string ContentTypesXml(bool footers) {
  constexpr std::string_view kWml = "application/vnd.openxmlformats-officedocument.wordprocessingml";
  std::string s{kXmlDecl};
  s += R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
       R"(<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>)"
       R"(<Default Extension="xml" ContentType="application/xml"/>)"
       R"(<Default Extension="png" ContentType="image/png"/>)";
  const auto over = [&](std::string_view part, std::string_view type) {
    s += fmt::format(R"(<Override PartName="{}" ContentType="{}.{}+xml"/>)", part, kWml, type);
  };
  over("/word/document.xml", "document.main");
  over("/word/styles.xml", "styles");
  over("/word/settings.xml", "settings");
  over("/word/fontTable.xml", "fontTable");
  if (footers) {
    over("/word/footer1.xml", "footer");
    over("/word/footer2.xml", "footer");
  }
  s +=
      R"(<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>)";
  s += "</Types>";
  return s;
}

std::string PackageRelsXml() {
  return std::string{kXmlDecl} +
         R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
         R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>)"
         R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>)"
         "</Relationships>";
}

std::string DocumentRelsXml(bool footers, std::size_t images) {
  std::string s{kXmlDecl};
  s += R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)";
  const auto rel = [&](std::string_view id, std::string_view type, std::string_view target) {
    s += fmt::format(R"(<Relationship Id="{}" Type="{}/{}" Target="{}"/>)", id, kR, type, target);
  };
  rel("rIdStyles", "styles", "styles.xml");
  rel("rIdSettings", "settings", "settings.xml");
  rel("rIdFontTable", "fontTable", "fontTable.xml");
  if (footers) {
    rel("rIdFooterOdd", "footer", "footer1.xml");
    rel("rIdFooterEven", "footer", "footer2.xml");
  }
  for (std::size_t i = 1; i <= images; ++i)
    rel(fmt::format("rIdImage{}", i), "image", fmt::format("media/image{}.png", i));
  s += "</Relationships>";
  return s;
}

// --- ZIP --------------------------------------------------------------------------------------

struct ZipSourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};

// DOS date and time of `t` in China Standard Time (ZIP entries carry local wall time); set
// explicitly so the bytes do not depend on the machine's time zone or clock.
std::pair<zip_uint16_t, zip_uint16_t> DosTime(EpochSeconds t) {
  const EpochSeconds local = t + kChinaOffsetSeconds;
  const std::int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  const std::int64_t secs = local - days * 86400;
  const CivilDate d = CivilFromDays(days);
  if (d.year < 1980 || d.year > 2107) return {0, (0 << 9) | (1 << 5) | 1};  // 1980-01-01 00:00
  const auto time = static_cast<zip_uint16_t>((secs / 3600) << 11 | (secs / 60 % 60) << 5 | (secs % 60) / 2);
  const auto date = static_cast<zip_uint16_t>((d.year - 1980) << 9 | d.month << 5 | d.day);
  return {time, date};
}

Result<std::string> Zip(const std::vector<std::pair<std::string, std::string>>& parts, EpochSeconds when) {
  zip_error_t err;
  zip_error_init(&err);
  std::unique_ptr<zip_source_t, ZipSourceFree> buffer(zip_source_buffer_create(nullptr, 0, 0, &err));
  if (!buffer) {
    zip_error_fini(&err);
    return Internal("docx: zip_source_buffer_create failed");
  }
  zip_t* za = zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &err);
  if (!za) {
    std::string msg = fmt::format("docx: zip_open_from_source: {}", zip_error_strerror(&err));
    zip_error_fini(&err);
    return Internal(std::move(msg));
  }
  zip_error_fini(&err);
  zip_source_keep(buffer.get());  // the archive's close would free it; we read the bytes after
  const auto [dos_time, dos_date] = DosTime(when);
  for (const auto& [name, data] : parts) {
    zip_source_t* src = zip_source_buffer(za, data.data(), data.size(), 0);
    const zip_int64_t idx = src ? zip_file_add(za, name.c_str(), src, ZIP_FL_ENC_UTF_8) : -1;
    if (idx < 0) {
      if (src) zip_source_free(src);
      std::string msg = fmt::format("docx: adding {}: {}", name, zip_strerror(za));
      zip_discard(za);
      return Internal(std::move(msg));
    }
    const auto i = static_cast<zip_uint64_t>(idx);
    if (zip_set_file_compression(za, i, ZIP_CM_DEFLATE, 6) < 0 ||
        zip_file_set_dostime(za, i, dos_time, dos_date, 0) < 0) {
      std::string msg = fmt::format("docx: entry {}: {}", name, zip_strerror(za));
      zip_discard(za);
      return Internal(std::move(msg));
    }
  }
  if (zip_close(za) < 0) {
    std::string msg = fmt::format("docx: zip_close: {}", zip_strerror(za));
    zip_discard(za);
    return Internal(std::move(msg));
  }
  zip_source_t* src = buffer.get();
  if (zip_source_open(src) < 0) return Internal("docx: cannot reopen the archive buffer");
  std::string out;
  char chunk[1 << 14];
  for (;;) {
    const zip_int64_t n = zip_source_read(src, chunk, sizeof chunk);
    if (n < 0) {
      zip_source_close(src);
      return Internal("docx: cannot read the archive buffer");
    }
    if (n == 0) break;
    out.append(chunk, static_cast<std::size_t>(n));
  }
  zip_source_close(src);
  return out;
}

}  // namespace

Result<std::string> WriteDocx(const Document& doc, const DocxOptions& options) {
  FZ_CHECK(Validate(doc));
  const Geometry g(doc.page);
  const bool footers = doc.page.page_numbers;
  std::vector<std::pair<std::string, std::string>> parts;
  parts.emplace_back("[Content_Types].xml", ContentTypesXml(footers));
  parts.emplace_back("_rels/.rels", PackageRelsXml());
  parts.emplace_back("docProps/core.xml", CoreXml(doc));
  const auto images = Images(doc);
  parts.emplace_back("word/_rels/document.xml.rels", DocumentRelsXml(footers, images.size()));
  parts.emplace_back("word/document.xml", BodyWriter(doc, options).Build());
  parts.emplace_back("word/styles.xml", StylesXml(g));
  parts.emplace_back("word/settings.xml", SettingsXml(footers));
  parts.emplace_back("word/fontTable.xml", FontTableXml());
  if (footers) {
    parts.emplace_back("word/footer1.xml", FooterXml(true));
    parts.emplace_back("word/footer2.xml", FooterXml(false));
  }
  for (std::size_t i = 0; i < images.size(); ++i)
    parts.emplace_back(fmt::format("word/media/image{}.png", i + 1), images[i]->png);
  return Zip(parts, doc.created);
}

}  // namespace fazhi::files
