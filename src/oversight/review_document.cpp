#include "oversight/review_document.h"

#include <fmt/format.h>

#include "core/local_time.h"
#include "oversight/internal.h"

namespace fazhi::oversight {

files::Document ReviewOpinionDocument(const ReviewedCase& c, const Review& r, const std::string& reviewer_unit) {
  files::Document doc;
  doc.created = r.created_at;
  doc.title = "法制审核意见书";
  doc.blocks.emplace_back(files::Paragraph{.runs = {files::Text(fmt::format("审核编号：第 {} 号", r.id))},
                                           .align = files::Align::kCenter,
                                           .first_line_indent = false});
  doc.blocks.emplace_back(files::Paragraph{
      .runs = {files::Text(c.unit_name + "：")}, .align = files::Align::kLeft, .first_line_indent = false});
  doc.AddParagraph(fmt::format("你单位办理的“{}”经{}，意见如下。", c.title, ReviewStageName(r.stage)));

  files::Table facts;
  facts.columns = {{.width = 1, .align = files::Align::kCenter}, {.width = 3.2, .align = files::Align::kLeft}};
  facts.header_rows = 0;
  facts.rows = {{"案件编号", c.case_no},
                {"案件名称", c.title},
                {"案件类型", c.case_type == "criminal" ? "刑事案件" : "行政案件"},
                {"办案单位", c.unit_name},
                {"审核环节", ReviewStageName(r.stage)},
                {"审核结论", files::Bold(ReviewVerdictName(r.verdict))},
                {"审核人", r.reviewer_name.empty() ? "—" : r.reviewer_name},
                {"审核时间", FormatLocalDateTime(r.created_at).substr(0, 16)}};
  doc.AddTable(std::move(facts));

  doc.AddHeading(1, "审核意见");
  doc.AddParagraph(r.comment.empty() ? "无。" : r.comment);
  if (!r.findings.empty()) {
    doc.AddHeading(1, "发现的问题");
    files::Table t;
    t.columns = {{.width = 0.6}, {.width = 0.8}, {.width = 0.9}, {.width = 4, .align = files::Align::kLeft}};
    t.rows.push_back({"序号", "类别", "程度", "问题描述"});
    int n = 0;
    for (const auto& f : r.findings)
      t.rows.push_back({std::to_string(++n), detail::CategoryZh(f.category), f.severity == "serious" ? "严重" : "一般",
                        f.description});
    doc.AddTable(std::move(t));
  }
  if (r.verdict != "pass")
    doc.AddParagraph("请办案民警按上述意见补正，补正后重新提请审核；未经审核通过的，不得进入下一办案环节。");

  doc.signature = files::Signature{.organ = reviewer_unit, .date = files::ChineseDate(LocalDateOf(r.created_at))};
  return doc;
}

}  // namespace fazhi::oversight
