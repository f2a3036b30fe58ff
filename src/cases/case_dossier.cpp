#include "cases/case_dossier.h"

#include <fmt/format.h>

#include "cases/case_reads.h"
#include "core/local_time.h"
#include "supervision/events.h"

namespace fazhi::cases {

namespace {

std::string Minutes(EpochSeconds t) { return FormatLocalDateTime(t).substr(0, 16); }
std::string OrDash(const std::string& s) { return s.empty() ? "—" : s; }

std::string Officer(const std::optional<OfficerRef>& o) {
  if (!o) return "—";
  return o->badge_no.empty() ? o->name : fmt::format("{}（警号 {}）", o->name, o->badge_no);
}

std::string RoleName(const std::string& role) {
  for (const auto& v : supervision::PersonRoles())
    if (v.id == role) return std::string(v.name_zh);
  return role;
}

// 性别、孕期、哺乳期、身份不明 as the case page's person table shows them.
std::string PersonNotes(const CasePerson& p) {
  std::vector<std::string> notes;
  if (p.female) notes.emplace_back("女");
  if (p.pregnant) notes.emplace_back("怀孕");
  if (p.nursing_infant) notes.emplace_back("哺乳期");
  if (p.identity_unknown) notes.emplace_back("身份不明");
  return notes.empty() ? "—" : fmt::format("{}", fmt::join(notes, "、"));
}

files::Table HeaderTable(const CaseDetail& d) {
  const CaseSummary& c = d.header;
  std::vector<std::string> assists;
  for (const auto& a : d.assist_officers) assists.push_back(Officer(a));
  files::Table t;
  t.columns = {{.width = 1, .align = files::Align::kCenter}, {.width = 3.2, .align = files::Align::kLeft}};
  t.header_rows = 0;
  t.rows = {{"案件编号", c.external_id},
            {"案件名称", OrDash(c.title)},
            {"案件类别", CaseTypeName(c.case_type)},
            {"案由", OrDash(c.cause)},
            {"办案单位", c.unit_name},
            {"主办民警", Officer(c.lead_officer)},
            {"协办民警", assists.empty() ? "—" : fmt::format("{}", fmt::join(assists, "、"))},
            {"捆绑法制员", Officer(c.legal_officer)},
            {"受案时间", Minutes(c.accepted_at)},
            {"结案时间", c.closed_at ? Minutes(*c.closed_at) : "—"},
            {"案件状态", StatusName(c.case_type, c.status)},
            {"预警状态", AlertStateName(c.alert_state)}};
  if (d.incident) t.rows.insert(t.rows.begin() + 4, {"关联警情", d.incident->external_id});
  return t;
}

}  // namespace

files::Document CaseDossierDocument(const CaseDetail& d, const std::vector<CaseEvent>& events, EpochSeconds now) {
  const CaseSummary& c = d.header;
  files::Document doc;
  doc.created = now;
  doc.title = "案件档案（一案一档）";
  doc.blocks.emplace_back(files::Paragraph{
      .runs = {files::Text("案件编号：" + c.external_id)}, .align = files::Align::kCenter, .first_line_indent = false});

  doc.AddHeading(1, "案件基本情况");
  doc.AddTable(HeaderTable(d));

  doc.AddHeading(1, "涉案人员");
  if (d.persons.empty()) {
    doc.AddParagraph("无登记的涉案人员。");
  } else {
    files::Table t;
    t.columns = {{.width = 0.7}, {.width = 1}, {.width = 1.5}, {.width = 0.6}, {.width = 2}, {.width = 1.2}};
    t.rows.push_back({"编号", "姓名", "角色", "年龄", "身份证号", "备注"});
    for (const auto& p : d.persons)
      t.rows.push_back(
          {p.ref, p.name, RoleName(p.role), p.age ? std::to_string(*p.age) : "—", OrDash(p.id_number), PersonNotes(p)});
    doc.AddTable(std::move(t));
  }

  doc.AddHeading(1, "涉案财物");
  if (d.property.empty()) {
    doc.AddParagraph("无登记的涉案财物。");
  } else {
    files::Table t;
    t.columns = {{.width = 1.6}, {.width = 2}, {.width = 0.8}, {.width = 1}, {.width = 1.4}};
    t.rows.push_back({"财物编号", "名称", "数量", "状态", "登记时间"});
    for (const auto& p : d.property) {
      const std::string status = PropertyStatusName(p.status);
      t.rows.push_back(
          {p.code, p.name, OrDash(p.quantity), status.empty() ? OrDash(p.status) : status, Minutes(p.created_at)});
    }
    doc.AddTable(std::move(t));
  }

  doc.AddHeading(1, "办案经过");
  if (events.empty()) {
    doc.AddParagraph("尚无办案事件。");
  } else {
    files::Table t;
    t.columns = {
        {.width = 1.5}, {.width = 2, .align = files::Align::kLeft}, {.width = 1}, {.width = 1.4}, {.width = 1}};
    t.rows.push_back({"时间", "事件", "涉及人员", "财物编号", "记录人"});
    for (const auto& e : events)
      t.rows.push_back(
          {Minutes(e.at), OrDash(e.type_name), OrDash(e.person_name), OrDash(e.item_code), OrDash(e.recorded_by_name)});
    doc.AddTable(std::move(t));
  }

  const std::string date = files::ChineseDate(LocalDateOf(now));
  doc.signature = files::Signature{.organ = c.unit_name, .date = date};
  return doc;
}

}  // namespace fazhi::cases
