#include "intake/intake_receipt.h"

#include <fmt/format.h>

#include "core/local_time.h"
#include "files/qr_png.h"

namespace fazhi::intake {

namespace {

std::string Minutes(EpochSeconds t) { return FormatLocalDateTime(t).substr(0, 16); }

}  // namespace

Result<files::Document> ReceiptDocument(const Ticket& t, const std::string& query_code, const std::string& lookup_url,
                                        const std::string& hall_phone, const std::string& organ,
                                        EpochSeconds printed_at) {
  files::Document doc;
  doc.created = printed_at;
  doc.page.page_numbers = false;
  doc.title = "接报案回执";
  doc.blocks.emplace_back(files::Paragraph{.runs = {files::Text(fmt::format("接报编号：{}", t.ticket_no))},
                                           .align = files::Align::kCenter,
                                           .first_line_indent = false});
  files::Table table;
  table.columns = {{.width = 1, .align = files::Align::kCenter}, {.width = 3, .align = files::Align::kLeft}};
  table.header_rows = 0;
  table.rows = {{"接报类型", KindName(t.kind) + (t.category.empty() ? "" : "（" + t.category + "）")},
                {"报案人", t.reporter.name + "　联系电话 " + t.reporter.phone},
                {"接报时间", Minutes(t.received_at)},
                {"事由", t.summary}};
  if (!t.place.empty()) table.rows.push_back({"发生地点", t.place});
  if (!t.evidence.empty()) {
    std::string items;
    for (std::size_t i = 0; i < t.evidence.size(); ++i)
      items += fmt::format("{}{}. {}", i ? "\n" : "", i + 1, t.evidence[i].description);
    table.rows.push_back({"当场取证", items});
  }
  if (t.unit_id) table.rows.push_back({"承办单位", t.unit_name});
  if (t.due_at) table.rows.push_back({"办理期限", Minutes(*t.due_at) + " 前"});
  table.rows.push_back({"接待人", t.clerk_name.empty() ? "—" : t.clerk_name});
  table.rows.push_back({"查询码", query_code});
  doc.AddTable(std::move(table));
  doc.AddParagraph(fmt::format(
      "您可凭查询码和登记电话的后四位，扫描下方二维码或访问 {} 查询办理进度。{}请妥善保管本回执，查询码不要告知他人。",
      lookup_url, hall_phone.empty() ? "" : fmt::format("如有疑问请致电接报案大厅 {}。", hall_phone)));
  int px = 0;
  std::string png = FZ_TRY(files::QrPng(lookup_url, 4, &px));
  doc.blocks.emplace_back(files::Image{.png = std::move(png),
                                       .width_px = px,
                                       .height_px = px,
                                       .width_mm = 32,
                                       .align = files::Align::kCenter,
                                       .alt = "办理进度查询二维码"});
  doc.signature = files::Signature{.organ = organ, .date = files::ChineseDate(LocalDateOf(printed_at))};
  return doc;
}

}  // namespace fazhi::intake
