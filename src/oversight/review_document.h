// 法制审核意见书: one stage review of a case as an official document (DOCX and print page, laid out
// by files/document.h), for the case officer to act on and for the paper dossier.
#pragma once

#include <string>

#include "files/document.h"
#include "oversight/oversight_types.h"

namespace fazhi::oversight {

// What the opinion says about its case (read by the service; the case in the caller's scope).
struct ReviewedCase {
  std::string case_no;  // 案件编号 (cases.external_id)
  std::string title;
  std::string case_type;  // criminal, administrative
  std::string unit_name;  // 办案单位
};

// Title "法制审核意见书", the review's number, a table of the case and the review (环节, 结论, 审核人,
// time), the opinion, the findings (类别, 严重程度, 描述) and, unless it passed, what the case
// officer must do next; signed by `reviewer_unit` on the day of the review.
files::Document ReviewOpinionDocument(const ReviewedCase& c, const Review& review, const std::string& reviewer_unit);

}  // namespace fazhi::oversight
