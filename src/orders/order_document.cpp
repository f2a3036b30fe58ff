#include "orders/order_document.h"

#include <fmt/format.h>

#include "core/local_time.h"

namespace fazhi::orders {

namespace {

// The status as the 督办 page shows it, with what the bare status leaves out.
std::string StatusText(const Order& o) {
  std::string text = OrderStatusName(o.status);
  if (o.status == "suspended" && !o.suspend_reason.empty()) text += "：" + o.suspend_reason;
  if (o.overdue) text += "（已逾期）";
  return text;
}

std::string Minutes(EpochSeconds t) { return FormatLocalDateTime(t).substr(0, 16); }

}  // namespace

files::Document OrderDocument(const Order& o, const std::string& issuer_organ, EpochSeconds now) {
  files::Document doc;
  doc.created = o.closed_at.value_or(now);
  doc.title = "执法监督督办通知书";
  // The number under the title, then the unit addressed (主送), as the standard orders them.
  doc.blocks.emplace_back(files::Paragraph{.runs = {files::Text(fmt::format("督办编号：第 {} 号", o.id))},
                                           .align = files::Align::kCenter,
                                           .first_line_indent = false});
  doc.blocks.emplace_back(files::Paragraph{
      .runs = {files::Text(o.unit_name + "：")}, .align = files::Align::kLeft, .first_line_indent = false});
  const std::string subject = o.case_title.empty() ? o.title : "“" + o.case_title + "”";
  doc.AddParagraph(
      fmt::format("经执法监督，{}存在下列问题，现予督办。请责任民警于{}前完成整改，并在系统中反馈整改情况及相关材料。",
                  subject, Minutes(o.deadline)));

  files::Table order;
  order.caption = "督办事项";
  order.columns = {{.width = 1, .align = files::Align::kCenter}, {.width = 3.2, .align = files::Align::kLeft}};
  order.header_rows = 0;
  order.rows = {{"涉及案件", o.case_title.empty() ? "—" : o.case_title}};
  if (!o.title.empty() && o.title != o.case_title) order.rows.push_back({"问题来源", o.title});
  order.rows.insert(order.rows.end(), {{"问题类型", o.problem_type.empty() ? "—" : o.problem_type},
                                       {"整改意见", o.opinion},
                                       {"责任民警", o.responsible_name.empty() ? "—" : o.responsible_name},
                                       {"整改期限", Minutes(o.deadline)},
                                       {"下发时间", Minutes(o.created_at)},
                                       {"当前状态", StatusText(o)}});
  doc.AddTable(std::move(order));

  if (!o.steps.empty()) {
    doc.AddHeading(1, "办理经过");
    files::Table steps;
    steps.columns = {{.width = 1.5},
                     {.width = 1.2},
                     {.width = 1.1},
                     {.width = 3, .align = files::Align::kLeft},
                     {.width = 0.8, .align = files::Align::kRight}};
    steps.rows.push_back({"时间", "环节", "办理人", "说明", "附件"});
    for (const auto& s : o.steps)
      steps.rows.push_back({Minutes(s.at), OrderStepName(s.action), s.actor_name.empty() ? "—" : s.actor_name,
                            s.note.empty() ? "—" : s.note, std::to_string(s.attachments.size())});
    doc.AddTable(std::move(steps));
  }

  const std::string date = files::ChineseDate(LocalDateOf(o.created_at));
  doc.signature = files::Signature{.organ = issuer_organ, .date = date};
  doc.colophon = files::Colophon{.copy_to = o.responsible_name.empty() ? "" : "责任民警" + o.responsible_name + "。",
                                 .printer = issuer_organ,
                                 .print_date = files::ChineseDate(LocalDateOf(doc.created))};
  return doc;
}

}  // namespace fazhi::orders
