#include "files/document_html.h"

#include <fmt/format.h>

#include <numeric>

#include "core/markup.h"
#include "files/base64.h"

namespace fazhi::files {

namespace {

constexpr double kPointsPerMm = 72.0 / 25.4;

// Font stacks: the GB/T 9704 face first, then the same style under its Windows, macOS and Linux
// names, then a CJK face of the same kind, then the generic family.
constexpr std::string_view kFangSongStack =
    R"("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", )"
    R"("宋体", "SimSun", "AR PL UMing CN", serif)";
constexpr std::string_view kKaiTiStack =
    R"("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", "Noto Serif CJK SC", serif)";
constexpr std::string_view kHeiTiStack =
    R"("黑体", "SimHei", "STHeiti", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif)";
constexpr std::string_view kXiaoBiaoSongStack =
    R"("方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "华文中宋", "STZhongsong", "宋体", "SimSun", )"
    R"("Noto Serif CJK SC", "Source Han Serif SC", serif)";
constexpr std::string_view kSongTiStack = R"("宋体", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", serif)";

// Cleaned, escaped text with line breaks and tabs.
std::string TextHtml(std::string_view raw) {
  const std::string clean = CleanText(raw);
  std::string out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= clean.size(); ++i) {
    if (i < clean.size() && clean[i] != '\n' && clean[i] != '\t') continue;
    out += EscapeXml(std::string_view(clean).substr(start, i - start));
    if (i < clean.size()) out += clean[i] == '\n' ? "<br>" : "&emsp;&emsp;";
    start = i + 1;
  }
  return out;
}

std::string_view AlignCss(Align a) {
  switch (a) {
    case Align::kLeft: return "left";
    case Align::kCenter: return "center";
    case Align::kRight: return "right";
    case Align::kJustify: return "justify";
  }
  return "justify";
}

std::string Css(const Document& doc) {
  const PageSetup& p = doc.page;
  const double body_w = 210 - p.margin_left_mm - p.margin_right_mm;
  const double body_h = 297 - p.margin_top_mm - p.margin_bottom_mm;
  const double line = body_h / p.lines_per_page;  // mm
  const double chr = body_w / p.chars_per_line;   // mm
  std::string css = fmt::format(
      ":root{{--line:{line:.3f}mm;--char:{chr:.3f}mm;--red:#{red};}}\n"
      "@page{{size:A4;margin:{t}mm {r}mm {b}mm {l}mm;}}\n"
      "html{{background:#e9e9e9;}}\n"
      "body{{margin:0;color:#000;}}\n"
      ".sheet{{box-sizing:content-box;width:{w}mm;min-height:{h}mm;margin:8mm auto;padding:{t}mm {r}mm {b}mm {l}mm;"
      "background:#fff;box-shadow:0 1px 6px rgba(0,0,0,.25);font-family:{fs};font-size:16pt;line-height:var(--line);"
      "letter-spacing:calc(var(--char) - 16pt);text-align:justify;}}\n",
      fmt::arg("line", line), fmt::arg("chr", chr), fmt::arg("red", kMastheadRed), fmt::arg("t", p.margin_top_mm),
      fmt::arg("r", p.margin_right_mm), fmt::arg("b", p.margin_bottom_mm), fmt::arg("l", p.margin_left_mm),
      fmt::arg("w", body_w), fmt::arg("h", body_h), fmt::arg("fs", kFangSongStack));
  css += fmt::format(
      "p{{margin:0;text-indent:calc(2 * var(--char));}}\n"
      // Spaces the writer put in the text count, as they do in the DOCX ("表1  …").
      "p,h1,h2,h3,h4,td,th{{white-space:pre-wrap;}}\n"
      "p.flush{{text-indent:0;}}\n"
      ".masthead{{border-bottom:1.5pt solid var(--red);padding-bottom:4mm;}}\n"
      ".marking{{font-family:{hei};text-indent:0;margin-top:var(--line);}}\n"
      ".organ{{font-family:{xbs};color:var(--red);text-align:center;line-height:1.2;letter-spacing:0;"
      "white-space:nowrap;}}\n"
      ".issue-no{{text-align:center;text-indent:0;margin-top:var(--line);}}\n"
      ".issuer-line{{display:flex;justify-content:space-between;padding:0 var(--char);text-indent:0;}}\n"
      "h1.title{{font-family:{xbs};font-size:22pt;font-weight:normal;line-height:var(--line);text-align:center;"
      "letter-spacing:0;margin:0 0 var(--line);}}\n"
      ".masthead + h1.title{{margin-top:calc(2 * var(--line));}}\n"
      "h2,h3,h4{{font-size:16pt;font-weight:normal;line-height:var(--line);margin:0;"
      "text-indent:calc(2 * var(--char));break-after:avoid;}}\n"
      "h2{{font-family:{hei};}} h3{{font-family:{kai};}} h4{{font-family:{fs};}}\n",
      fmt::arg("hei", kHeiTiStack), fmt::arg("xbs", kXiaoBiaoSongStack), fmt::arg("kai", kKaiTiStack),
      fmt::arg("fs", kFangSongStack));
  css += fmt::format(
      ".table-caption{{font-family:{hei};text-align:center;text-indent:0;break-after:avoid;}}\n"
      "table{{width:100%;border-collapse:collapse;table-layout:fixed;font-size:12pt;line-height:1.5;letter-spacing:0;"
      "margin:0;}}\n"
      "th,td{{border:0.5pt solid #000;padding:1mm 1.5mm;height:8mm;box-sizing:border-box;vertical-align:middle;"
      "word-break:break-all;}}\n"
      "th{{font-family:{hei};font-weight:normal;text-align:center;}}\n"
      "tr{{break-inside:avoid;}}\n"
      ".source-note{{font-size:10.5pt;color:#7f7f7f;letter-spacing:0;text-indent:0;line-height:1.5;}}\n"
      "p.table-note{{text-indent:0;margin-top:1mm;}}\n"
      ".page-break{{break-after:page;}}\n"
      ".signature{{margin-top:var(--line);break-inside:avoid;}}\n"
      ".signature p{{text-indent:0;text-align:right;}}\n"
      ".colophon{{margin-top:calc(2 * var(--line));font-size:14pt;break-inside:avoid;"
      "border-top:0.35mm solid #000;border-bottom:0.35mm solid #000;}}\n"
      ".colophon p{{text-indent:0;line-height:var(--line);}}\n"
      ".colophon .copy-to{{padding:0 1em 0 4em;text-indent:-3em;border-bottom:0.25mm solid #000;}}\n"
      ".colophon .printer{{display:flex;justify-content:space-between;padding:0 1em;}}\n",
      fmt::arg("hei", kHeiTiStack));
  // §7.5 page numbers (CSS page-margin boxes): 4号 宋体, one 14 pt character from the outer edge, the
  // dashes about 7 mm under the 版心.
  if (p.page_numbers) {
    const std::string box = fmt::format(
        "content:\"— \" counter(page) \" —\";font-family:{};font-size:14pt;vertical-align:top;padding-top:4.5mm;",
        kSongTiStack);
    css += fmt::format(
        "@page :right{{@bottom-right{{{0}text-align:right;padding-right:14pt;}}}}\n"
        "@page :left{{@bottom-left{{{0}text-align:left;padding-left:14pt;}}}}\n",
        box);
  }
  css +=
      "@media screen{.page-break{border-top:1px dashed #999;margin:4mm calc(-1 * var(--char));}}\n"
      // A screen narrower than the sheet (a phone) shows the text without the paper margins.
      "@media screen and (max-width:220mm){.sheet{width:auto;min-height:0;margin:0;padding:6mm;box-shadow:none;}"
      ".organ{white-space:normal;}}\n"
      "@media print{html{background:none;}.sheet{width:auto;min-height:0;margin:0;padding:0;box-shadow:none;}"
      "thead{display:table-header-group;}}\n";
  return css;
}

class HtmlWriter {
 public:
  HtmlWriter(const Document& doc, const HtmlOptions& opt) : doc_(doc), opt_(opt) {}

  std::string Build() {
    std::string title = CleanText(doc_.title);
    if (title.empty() && doc_.masthead) title = CleanText(doc_.masthead->organ + " " + doc_.masthead->issue_no);
    o_ += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n";
    o_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    o_ += fmt::format("<meta name=\"generator\" content=\"{}\">\n", EscapeXml(CleanText(doc_.creator)));
    o_ += fmt::format("<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n<article class=\"sheet\">\n",
                      TextHtml(title), Css(doc_));
    if (doc_.masthead) Masthead(*doc_.masthead);
    if (!CleanText(doc_.title).empty()) o_ += fmt::format("<h1 class=\"title\">{}</h1>\n", TextHtml(doc_.title));
    if (!CleanText(doc_.addressee).empty())
      o_ += fmt::format("<p class=\"addressee flush\">{}</p>\n", TextHtml(doc_.addressee));
    Blocks();
    Tail();
    o_ += "</article>\n</body>\n</html>\n";
    return std::move(o_);
  }

 private:
  std::string Runs(const std::vector<Run>& runs) const {
    std::string out;
    for (const Run& r : runs) {
      switch (r.style) {
        case RunStyle::kPlain: out += TextHtml(r.text); break;
        case RunStyle::kBold: out += "<strong>" + TextHtml(r.text) + "</strong>"; break;
        case RunStyle::kSourceNote:
          if (opt_.source_notes) out += "<span class=\"source-note\">" + TextHtml(r.text) + "</span>";
          break;
      }
    }
    return out;
  }

  void Masthead(const Masthead& m) {
    const bool has_marking = !CleanText(m.marking).empty();
    o_ += "<header class=\"masthead\">\n";
    if (has_marking) o_ += fmt::format("<p class=\"marking\">{}</p>\n", TextHtml(m.marking));
    // §7.2.4: the top of the 发文机关标志 35 mm below the top of the 版心 (the marking's two lines
    // included); the line is 1.2 em, so the glyphs start about 0.1 em below its top.
    const double pt = MastheadPoints(doc_);
    const double top = m.top_mm - pt * 0.1 / kPointsPerMm;
    o_ += fmt::format(R"(<div class="organ" style="font-size:{}pt;margin-top:{}">{}</div>)", pt,
                      has_marking ? fmt::format("calc({:.2f}mm - 2 * var(--line))", top) : fmt::format("{:.2f}mm", top),
                      TextHtml(m.organ));
    o_ += "\n";
    if (!CleanText(m.issue_no).empty()) o_ += fmt::format("<p class=\"issue-no\">{}</p>\n", TextHtml(m.issue_no));
    if (!CleanText(m.issuer).empty() || !CleanText(m.date).empty())
      o_ += fmt::format("<p class=\"issuer-line\"><span>{}</span><span>{}</span></p>\n", TextHtml(m.issuer),
                        TextHtml(m.date));
    o_ += "</header>\n";
  }

  void Blocks() {
    const std::vector<std::string> labels = HeadingLabels(doc_);
    for (std::size_t i = 0; i < doc_.blocks.size(); ++i) {
      const Block& b = doc_.blocks[i];
      if (const auto* h = std::get_if<Heading>(&b)) {
        o_ += fmt::format("<h{0}>{1}</h{0}>\n", h->level + 1, TextHtml(labels[i] + h->text));
      } else if (const auto* p = std::get_if<Paragraph>(&b)) {
        const std::string content = Runs(p->runs);
        if (content.empty() && !p->runs.empty()) continue;
        std::string attrs;
        if (!p->first_line_indent) attrs += " class=\"flush\"";
        if (p->align != Align::kJustify) attrs += fmt::format(" style=\"text-align:{}\"", AlignCss(p->align));
        o_ += fmt::format("<p{}>{}</p>\n", attrs, content);
      } else if (const auto* l = std::get_if<List>(&b)) {
        for (std::size_t k = 0; k < l->items.size(); ++k) {
          const std::string marker = l->marker == ListMarker::kArabic        ? fmt::format("{}.", k + 1)
                                     : l->marker == ListMarker::kParenArabic ? fmt::format("（{}）", k + 1)
                                                                             : "";
          o_ += fmt::format("<p class=\"item\">{}{}</p>\n", marker, Runs(l->items[k]));
        }
      } else if (const auto* t = std::get_if<Table>(&b)) {
        TableHtml(*t);
      } else if (const auto* img = std::get_if<Image>(&b)) {
        const std::string b64 = Base64(img->png);
        o_ += fmt::format(
            "<p class=\"flush\" style=\"text-align:{}\"><img src=\"data:image/png;base64,{}\" alt=\"{}\" "
            "style=\"width:{}mm;image-rendering:pixelated\"></p>\n",
            AlignCss(img->align), b64, TextHtml(img->alt), img->width_mm);
      } else {
        o_ += "<div class=\"page-break\"></div>\n";
      }
    }
  }

  void TableHtml(const Table& t) {
    const auto grid = LayOutTable(t);
    if (!grid) return;  // Validate ran first; unreachable
    if (!CleanText(t.caption).empty()) o_ += fmt::format("<p class=\"table-caption\">{}</p>\n", TextHtml(t.caption));
    const double total = std::accumulate(t.columns.begin(), t.columns.end(), 0.0,
                                         [](double s, const TableColumn& c) { return s + c.width; });
    o_ += "<table>\n<colgroup>";
    for (const TableColumn& c : t.columns) o_ += fmt::format("<col style=\"width:{:.2f}%\">", 100 * c.width / total);
    o_ += "</colgroup>\n";
    for (std::size_t r = 0; r < grid->size(); ++r) {
      const bool header = static_cast<int>(r) < t.header_rows;
      if (r == 0 && header) o_ += "<thead>\n";
      if (static_cast<int>(r) == t.header_rows) o_ += "<tbody>\n";
      o_ += "<tr>";
      for (const TableSlot& s : (*grid)[r]) {
        if (s.continued) continue;
        std::string attrs;
        if (s.col_span > 1) attrs += fmt::format(" colspan=\"{}\"", s.col_span);
        if (s.row_span > 1) attrs += fmt::format(" rowspan=\"{}\"", s.row_span);
        Align align = header ? Align::kCenter : t.columns[s.col].align;
        if (s.cell && s.cell->align) align = *s.cell->align;
        if (!header || align != Align::kCenter) attrs += fmt::format(" style=\"text-align:{}\"", AlignCss(align));
        o_ += fmt::format("<{0}{1}>{2}</{0}>", header ? "th" : "td", attrs, s.cell ? Runs(s.cell->runs) : "");
      }
      o_ += "</tr>\n";
      if (header && static_cast<int>(r) + 1 == t.header_rows) o_ += "</thead>\n";
    }
    if (static_cast<int>(grid->size()) > t.header_rows) o_ += "</tbody>\n";
    o_ += "</table>\n";
    if (opt_.source_notes && !CleanText(t.source_note).empty())
      o_ += fmt::format("<p class=\"table-note\"><span class=\"source-note\">{}</span></p>\n", TextHtml(t.source_note));
  }

  void Tail() {
    if (doc_.signature) {
      const SignatureIndents ind = SignatureLayout(*doc_.signature);
      o_ += fmt::format(
          "<div class=\"signature\">\n<p style=\"padding-right:calc({} * var(--char))\">{}</p>\n"
          "<p style=\"padding-right:calc({} * var(--char))\">{}</p>\n</div>\n",
          ind.organ_chars, TextHtml(doc_.signature->organ), ind.date_chars, TextHtml(doc_.signature->date));
    }
    if (doc_.colophon) {
      const Colophon& c = *doc_.colophon;
      o_ += "<footer class=\"colophon\">\n";
      if (!CleanText(c.copy_to).empty()) o_ += fmt::format("<p class=\"copy-to\">抄送：{}</p>\n", TextHtml(c.copy_to));
      o_ += fmt::format("<p class=\"printer\"><span>{}</span><span>{}</span></p>\n", TextHtml(c.printer),
                        CleanText(c.print_date).empty() ? "" : TextHtml(c.print_date) + "印发");
      o_ += "</footer>\n";
    }
  }

  const Document& doc_;
  const HtmlOptions& opt_;
  std::string o_;
};

}  // namespace

Result<std::string> RenderDocumentHtml(const Document& doc, const HtmlOptions& options) {
  FZ_CHECK(Validate(doc));
  return HtmlWriter(doc, options).Build();
}

}  // namespace fazhi::files
