// The supervision part of a case's 一案一档 (cases::CaseHooks::AddDossierSections): its clocks with
// their legal basis, the 法制员 reviews and the 督办 of the case, as numbered sections after the case
// file's own.
#include <fmt/format.h>

#include "core/local_time.h"
#include "orders/orders_reads.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

namespace {

std::string Minutes(std::optional<EpochSeconds> t) { return t ? FormatLocalDateTime(*t).substr(0, 16) : "—"; }
std::string OrDash(const std::string& s) { return s.empty() ? "—" : s; }

void AddClocks(files::Document& doc, const std::vector<Alert>& clocks) {
  doc.AddHeading(1, "办案期限");
  if (clocks.empty()) {
    doc.AddParagraph("本案没有计时的办案期限。");
    return;
  }
  files::Table t;
  t.columns = {{.width = 1.6, .align = files::Align::kLeft},
               {.width = 0.8},
               {.width = 1.2},
               {.width = 2, .align = files::Align::kLeft},
               {.width = 2, .align = files::Align::kLeft}};
  t.rows.push_back({"规则", "状态", "期限", "提示", "法律依据"});
  for (const auto& a : clocks)
    t.rows.push_back({a.rule_name.empty() ? a.rule_id : a.rule_name, detail::ClockStateZh(a.state), Minutes(a.due_at),
                      OrDash(a.message), OrDash(a.legal_basis)});
  doc.AddTable(std::move(t));
}

void AddReviews(files::Document& doc, const std::vector<Review>& reviews) {
  doc.AddHeading(1, "法制审核");
  if (reviews.empty()) {
    doc.AddParagraph("本案尚无法制审核记录。");
    return;
  }
  files::Table t;
  t.columns = {
      {.width = 1.2}, {.width = 0.8}, {.width = 1}, {.width = 1.2}, {.width = 3, .align = files::Align::kLeft}};
  t.rows.push_back({"审核环节", "结论", "审核人", "审核时间", "审核意见"});
  for (const auto& r : reviews) {
    std::string opinion = OrDash(r.comment);
    for (const auto& f : r.findings)
      opinion += fmt::format("\n（{}·{}）{}", detail::CategoryZh(f.category), f.severity == "serious" ? "严重" : "一般",
                             f.description);
    t.rows.push_back({ReviewStageName(r.stage), ReviewVerdictName(r.verdict), OrDash(r.reviewer_name),
                      Minutes(r.created_at), opinion});
  }
  doc.AddTable(std::move(t));
}

void AddOrders(files::Document& doc, const std::vector<orders::Order>& list) {
  doc.AddHeading(1, "执法监督督办");
  if (list.empty()) {
    doc.AddParagraph("本案没有督办。");
    return;
  }
  files::Table t;
  t.columns = {{.width = 0.8}, {.width = 2.2, .align = files::Align::kLeft},
               {.width = 1},   {.width = 1.2},
               {.width = 1.2}, {.width = 1}};
  t.rows.push_back({"督办编号", "问题及整改意见", "责任民警", "下发时间", "整改期限", "状态"});
  for (const auto& o : list) {
    const std::string problem = o.problem_type.empty() ? o.title : o.problem_type;
    t.rows.push_back({fmt::format("第 {} 号", o.id), fmt::format("{}：{}", OrDash(problem), o.opinion),
                      OrDash(o.responsible_name), Minutes(o.created_at), Minutes(o.deadline),
                      orders::OrderStatusName(o.status) + (o.overdue ? "（已逾期）" : "")});
  }
  doc.AddTable(std::move(t));
}

}  // namespace

Result<void> OversightService::AddDossierSections(soci::session& sql, const auth::Principal& who, std::int64_t case_id,
                                                  files::Document& doc) {
  AddClocks(doc, detail::CaseClocks(sql, case_id, Rules()->catalog));
  AddReviews(doc, detail::CaseReviewRows(sql, case_id));
  AddOrders(doc, orders::CaseOrders(sql, who, case_id, clock_.Now()));
  return {};
}

}  // namespace fazhi::oversight
