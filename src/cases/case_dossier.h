// 一案一档: the case file of one case as an official document — the DOCX people archive and the print
// page the browser shows (files/document.h lays both out in the GB/T 9704 style). The case file's own
// sections come from here; supervision adds its sections (clocks, reviews, 督办) through
// CaseHooks::AddDossierSections, so this module does not depend on it.
#pragma once

#include <string>
#include <vector>

#include "cases/case_types.h"
#include "files/document.h"

namespace fazhi::cases {

// Title "案件档案（一案一档）" with the 案件编号 under it, then numbered sections: 案件基本情况 (a
// table: 案件编号, 案件名称, 案件类别, 案由, 办案单位, 主办民警, 协办民警, 捆绑法制员, 受案时间, 结案时间,
// 状态, 预警状态), 涉案人员 (身份证号 as `detail` holds it: masked unless the reader may see it),
// 涉案财物 and 办案经过 (the event log in time order). Signed by the case's unit; `now` is the
// document's date.
struct CaseDossier {
  std::string case_no;  // 案件编号, for the file name
  files::Document document;
};

files::Document CaseDossierDocument(const CaseDetail& detail, const std::vector<CaseEvent>& events, EpochSeconds now);

}  // namespace fazhi::cases
