// A bulletin as an official document (files::Document, GB/T 9704 通报 layout): masthead with the
// 期号, title, 导语, one 一级标题 per section (its narrative paragraph, its figures with their
// source notes, its tables, its items), 下步工作要求, 落款 and 版记.
#include <fmt/format.h>

#include "bulletins/bulletins_service.h"
#include "core/local_time.h"

namespace fazhi::bulletins {

namespace {

std::string FigureValue(const kit::BulletinFigure& f) {
  if (f.of) return fmt::format("{}（{}/{}）", kit::RatioText(f.value, *f.of), f.value, *f.of);
  return fmt::format("{}{}", f.value, f.unit);
}

files::Table TableOf(const kit::BulletinTable& t, int number) {
  files::Table out;
  out.caption = fmt::format("表{}  {}", number, t.caption);
  for (std::size_t i = 0; i < t.header.size(); ++i) {
    const bool numeric = i < t.numeric.size() && t.numeric[i];
    out.columns.push_back(
        {.width = numeric ? 1.0 : 2.0, .align = numeric ? files::Align::kRight : files::Align::kLeft});
  }
  std::vector<files::TableCell> head;
  for (const auto& h : t.header) head.emplace_back(h);
  out.rows.push_back(std::move(head));
  for (const auto& r : t.rows) {
    std::vector<files::TableCell> row;
    for (const auto& c : r) row.emplace_back(c);
    out.rows.push_back(std::move(row));
  }
  out.source_note = t.source;
  return out;
}

void AddSection(files::Document& doc, const kit::BulletinSection& s, const Narrative& n, int& table_no) {
  doc.AddHeading(1, s.title);
  if (!s.has_data) {
    doc.AddParagraph(s.empty_text);
    return;
  }
  auto text = n.sections.find(s.id);
  doc.AddParagraph(text != n.sections.end() ? text->second : s.summary);
  if (!s.figures.empty()) {
    files::List figures;
    figures.marker = files::ListMarker::kParenArabic;
    for (const auto& f : s.figures) {
      std::vector<files::Run> runs{files::Text(f.label + "："), files::Bold(FigureValue(f))};
      if (const std::string change = kit::ChangeText(f); !change.empty()) runs.push_back(files::Text("，" + change));
      runs.push_back(files::Text("。"));
      runs.push_back(files::SourceNote("（" + f.source + "）"));
      figures.items.push_back(std::move(runs));
    }
    doc.blocks.emplace_back(std::move(figures));
  }
  for (const auto& t : s.tables) doc.AddTable(TableOf(t, ++table_no));
  if (!s.items.empty()) {
    doc.AddHeading(2, s.items_title.empty() ? "典型问题" : s.items_title);
    files::List items;
    items.marker = files::ListMarker::kArabic;
    for (const auto& i : s.items) items.items.push_back({files::Text(i)});
    doc.blocks.emplace_back(std::move(items));
    if (!s.items_source.empty()) doc.AddParagraph({files::SourceNote("（" + s.items_source + "）")});
  }
}

}  // namespace

files::Document BulletinService::Compose(const Bulletin& b) const {
  const EpochSeconds when = b.published_at.value_or(b.created_at);
  const std::string date = files::ChineseDate(LocalDateOf(when));
  const std::string issuer = b.issuer.empty() ? "法制部门" : b.issuer;
  files::Document doc;
  doc.created = when;
  doc.masthead = files::Masthead{
      .organ = b.bureau_name + (b.kind == kQuality ? "执法质量通报" : "执法规范化建设通报"),
      .issue_no = b.issue_no.empty()
                      ? fmt::format("{}（{}）", b.period, b.state == "approved" ? "已审批待发布" : "草稿")
                      : b.issue_no,
      .issuer = b.bureau_name + issuer + "编",
      .date = date,
      .marking = "内部资料  注意保存"};
  doc.title = b.title;
  doc.addressee = "局属各单位：";
  doc.AddParagraph(b.narrative.intro);
  int table_no = 0;
  for (const auto& s : b.sections) AddSection(doc, s, b.narrative, table_no);
  doc.AddHeading(1, "下步工作要求");
  doc.AddParagraph(b.narrative.closing);
  doc.signature = files::Signature{.organ = b.bureau_name + issuer, .date = date};
  doc.colophon =
      files::Colophon{.copy_to = "市局法制支队，局领导。", .printer = b.bureau_name + issuer, .print_date = date};
  return doc;
}

}  // namespace fazhi::bulletins
