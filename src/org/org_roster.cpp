// The roster (人员名册): import (check, commit), export and the empty template. docs/org.md
// describes the file format.
#include <fmt/format.h>

#include <memory>
#include <unordered_map>

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/local_time.h"
#include "core/text.h"
#include "files/attachments.h"
#include "files/spreadsheet.h"
#include "org/org_detail.h"
#include "org/org_service.h"
#include "org/org_store.h"
#include "org/person_rules.h"
#include "org/unit_names.h"

namespace fazhi::org {

using detail::Require;

namespace {

constexpr std::int64_t kMaxExportRows = 50000;

enum Col {
  kColName,
  kColBadge,
  kColKind,
  kColUnit,
  kColPosition,
  kColLegal,
  kColIdNumber,
  kColPhone,
  kColStatus,
  kColDept,  // 部门 beside 单位: the unit is then 单位/部门 (read only; exports write 单位 alone)
  kColCount
};
constexpr const char* kColumnNames[kColCount] = {"姓名",   "警号",     "类别",   "单位", "职务",
                                                 "法制员", "身份证号", "手机号", "状态", "部门"};
constexpr bool kColumnRequired[kColCount] = {true, true, true, true, false, false, false, false, false, false};

// The other names rosters (政工/人事 exports) give the columns, per column in kColumnNames order;
// compared after files::NormalizeHeader. docs/org.md lists them.
const std::vector<std::vector<std::string_view>> kColumnSynonyms = {
    {"人员姓名", "民警姓名", "名字"},
    {"警员编号", "警员号", "辅警编号"},
    {"人员类别", "人员类型", "身份", "人员身份"},
    {"所属单位", "所在单位", "单位名称", "工作单位"},
    {"职位", "岗位", "现任职务"},
    {"是否法制员"},
    {"公民身份号码", "身份证号码", "身份证"},
    {"手机", "手机号码", "移动电话"},
    {"人员状态", "在职状态"},
    {"所属部门", "所在部门", "科室"},
};

// The roster column a header cell names, or -1.
int ColumnOfHeader(std::string_view normalized) {
  for (int c = 0; c < kColCount; ++c) {
    if (normalized == kColumnNames[c]) return c;
    for (std::string_view syn : kColumnSynonyms[c])
      if (normalized == syn) return c;
  }
  return -1;
}

const char* ColumnOfField(std::string_view field) {
  if (field == "name") return kColumnNames[kColName];
  if (field == "badge_no") return kColumnNames[kColBadge];
  if (field == "kind") return kColumnNames[kColKind];
  if (field == "position") return kColumnNames[kColPosition];
  if (field == "id_number") return kColumnNames[kColIdNumber];
  if (field == "phone") return kColumnNames[kColPhone];
  return "";
}

std::vector<std::string> RosterHeader() { return {std::begin(kColumnNames), std::begin(kColumnNames) + kColDept}; }

void AddIssue(ImportReport& report, int row, std::string column, std::string message) {
  if (report.errors.size() >= kMaxReportedIssues) {
    report.errors_truncated = true;
    return;
  }
  report.errors.push_back({row, std::move(column), std::move(message)});
}

// Column positions of the header row (columns are found by name or synonym, in any order); -1 =
// absent. Columns the roster does not keep (性别, 民族 …) are left out with a note. False, with the
// problems in the report, when the header cannot be used.
bool ReadHeader(const files::SheetRow& header, ImportReport& report, int (&col_index)[kColCount]) {
  std::fill(std::begin(col_index), std::end(col_index), -1);
  bool ok = true;
  std::string ignored;
  for (std::size_t i = 0; i < header.cells.size(); ++i) {
    const std::string h = files::NormalizeHeader(header.cells[i]);
    if (h.empty()) continue;
    const int found = ColumnOfHeader(h);
    if (found < 0) {
      ignored += (ignored.empty() ? "" : "、") + h;
    } else if (col_index[found] >= 0) {
      AddIssue(report, header.number, h,
               fmt::format("列“{}”出现了两次（与第 {} 列都是“{}”）", h, col_index[found] + 1, kColumnNames[found]));
      ok = false;
    } else {
      col_index[found] = static_cast<int>(i);
    }
  }
  if (!ignored.empty()) report.notes.push_back(fmt::format("已忽略名册不保存的列：{}", ignored));
  // A 部门 column alone names the unit; beside a 单位 column it names the unit inside it.
  if (col_index[kColUnit] < 0) std::swap(col_index[kColUnit], col_index[kColDept]);
  for (int c = 0; c < kColCount; ++c) {
    if (kColumnRequired[c] && col_index[c] < 0) {
      AddIssue(report, header.number, kColumnNames[c],
               fmt::format("缺少必需的列“{}”（第 {} 行应为表头）", kColumnNames[c], header.number));
      ok = false;
    }
  }
  return ok;
}

struct KnownPerson {
  std::int64_t id = 0;
  bool in_scope = false;
  std::string badge_no;
};

// What a roster is checked against: the units in the caller's scope (by name, by code, by
// "上级单位/单位") and everyone's 警号 and 身份证号 (uniqueness spans the whole installation).
class ImportIndex {
 public:
  ImportIndex(soci::session& sql, const auth::Principal& who)
      : units_(detail::UnitRefsUnder(sql, who.unit_path)), names_(LoadUnitNames(sql, who.unit_path)) {
    for (const auto& u : units_) by_id_[u.id] = &u;
    for (auto& k : detail::AllPersonKeys(sql)) {
      KnownPerson known{k.id, who.InScope(k.unit_path), k.badge_no};
      if (k.id_number_hash) by_id_hash_[*k.id_number_hash] = known;
      by_badge_[k.badge_no] = std::move(known);
    }
  }

  // The unit a 单位 cell names (org/unit_names.h); nullptr with `problem` set when there is none or
  // more than one.
  const detail::UnitRef* FindUnit(const std::string& cell, std::string& problem) const {
    auto id = names_.Find(cell);
    auto it = id ? by_id_.find(*id) : by_id_.end();
    if (it == by_id_.end()) {
      problem = id ? fmt::format("单位“{}”不存在或不在您的管辖范围内", cell) : id.error().message;
      return nullptr;
    }
    return it->second;
  }
  const KnownPerson* ByBadge(const std::string& badge_no) const {
    auto it = by_badge_.find(badge_no);
    return it == by_badge_.end() ? nullptr : &it->second;
  }
  const KnownPerson* ByIdHash(const std::string& hash) const {
    auto it = by_id_hash_.find(hash);
    return it == by_id_hash_.end() ? nullptr : &it->second;
  }

 private:
  std::vector<detail::UnitRef> units_;
  UnitNames names_;
  std::unordered_map<std::int64_t, const detail::UnitRef*> by_id_;
  std::unordered_map<std::string, KnownPerson> by_badge_, by_id_hash_;
};

// One data row as read from the file and checked against the rules and the index.
struct CheckedRow {
  bool bad = false;
  PersonDraft draft;
  const detail::UnitRef* unit = nullptr;
  const KnownPerson* existing = nullptr;  // the in-scope person with this 警号: the row updates them
  bool active = true;
  bool legal_given = false, id_given = false, phone_given = false;
};

class RowChecker {
 public:
  RowChecker(const int (&col_index)[kColCount], const ImportIndex& index, const auth::Vault& vault,
             ImportReport& report)
      : col_index_(col_index), index_(index), vault_(vault), report_(report) {}

  CheckedRow Check(const files::SheetRow& row) {
    row_ = &row;
    CheckedRow c;
    bad_ = &c.bad;
    PersonDraft& d = c.draft;
    d.name = Cell(kColName);
    d.badge_no = Cell(kColBadge);
    d.kind = Cell(kColKind);
    d.position = Cell(kColPosition);
    // Empty (or masked, from a masked export) 身份证号/手机号 mean "not given": keep what is stored.
    const std::string id_cell = Cell(kColIdNumber), phone_cell = Cell(kColPhone);
    c.id_given = !id_cell.empty() && !LooksMasked(id_cell);
    c.phone_given = !phone_cell.empty() && !LooksMasked(phone_cell);
    d.id_number = c.id_given ? id_cell : "";
    d.phone = c.phone_given ? phone_cell : "";
    const std::string legal_cell = Cell(kColLegal);
    c.legal_given = !legal_cell.empty();
    if (c.legal_given && !ParseYesNo(legal_cell, d.is_legal_officer))
      Issue(kColLegal, fmt::format("法制员应填“是”或“否”，而不是“{}”", legal_cell));
    const std::string status = Cell(kColStatus);
    if (status == "停用")
      c.active = false;
    else if (!status.empty() && status != "在职")
      Issue(kColStatus, fmt::format("状态应填“在职”或“停用”，而不是“{}”", status));
    for (const auto& fi : NormalizeAndCheck(d)) {
      *bad_ = true;
      AddIssue(report_, row.number, ColumnOfField(fi.field), fi.message);
    }
    const std::string unit_cell = Cell(kColUnit), dept_cell = Cell(kColDept);
    std::string problem;
    if (unit_cell.empty() && dept_cell.empty())
      Issue(kColUnit, "单位不能为空");
    else if (c.unit = FindUnit(unit_cell, dept_cell, problem); !c.unit)
      Issue(kColUnit, std::move(problem));
    CheckKeys(c);
    return c;
  }

 private:
  // 单位 and 部门 together name 单位/部门 (the 部门 inside the 单位); when that path is not a unit, the
  // 部门 alone is tried (a 全称 or a name unique in scope). Either alone names the unit.
  const detail::UnitRef* FindUnit(const std::string& unit, const std::string& dept, std::string& problem) const {
    if (dept.empty()) return index_.FindUnit(unit, problem);
    if (unit.empty()) return index_.FindUnit(dept, problem);
    if (const auto* u = index_.FindUnit(unit + "/" + dept, problem)) return u;
    std::string ignored;
    return index_.FindUnit(dept, ignored);
  }
  std::string Cell(Col col) const {
    const int idx = col_index_[col];
    return idx >= 0 && static_cast<std::size_t>(idx) < row_->cells.size() ? Trim(row_->cells[idx]) : std::string();
  }
  void Issue(Col col, std::string message) {
    *bad_ = true;
    AddIssue(report_, row_->number, kColumnNames[col], std::move(message));
  }

  // 警号: unique in the file; an existing one means "update that person" if it is in scope.
  // 身份证号: unique in the file and among stored people other than the one being updated.
  void CheckKeys(CheckedRow& c) {
    const PersonDraft& d = c.draft;
    if (!d.badge_no.empty()) {
      if (auto [it, inserted] = badge_rows_.emplace(d.badge_no, row_->number); !inserted)
        Issue(kColBadge, fmt::format("警号 {} 与第 {} 行重复", d.badge_no, it->second));
      if (const KnownPerson* k = index_.ByBadge(d.badge_no)) {
        if (!k->in_scope)
          Issue(kColBadge, fmt::format("警号 {} 已被其他单位的人员使用", d.badge_no));
        else
          c.existing = k;
      }
    }
    if (!c.id_given || !auth::IsValidIdNumber(d.id_number)) return;
    if (auto [it, inserted] = id_rows_.emplace(d.id_number, row_->number); !inserted)
      Issue(kColIdNumber, fmt::format("身份证号与第 {} 行重复", it->second));
    const KnownPerson* holder = index_.ByIdHash(vault_.BlindIndex(d.id_number));
    if (holder && (!c.existing || holder->id != c.existing->id))
      Issue(kColIdNumber, holder->in_scope ? fmt::format("身份证号已登记在警号 {} 的人员名下", holder->badge_no)
                                           : std::string("身份证号已登记在其他单位的人员名下"));
  }

  const int (&col_index_)[kColCount];
  const ImportIndex& index_;
  const auth::Vault& vault_;
  ImportReport& report_;
  const files::SheetRow* row_ = nullptr;
  bool* bad_ = nullptr;
  std::unordered_map<std::string, int> badge_rows_, id_rows_;  // first file row of each value
};

// One valid roster row, ready to write.
struct PlannedRow {
  int row = 0;
  PersonDraft draft;  // merged with the stored person for an update
  detail::UnitRef unit;
  bool active = true;
  std::optional<detail::PersonRow> existing;
  std::optional<PersonDraft> existing_plain;
  enum class Action { kCreate, kUpdate, kNone } action = Action::kCreate;
};

struct ImportPlan {
  ImportReport report;
  std::vector<PlannedRow> rows;
  bool file_ok = false;  // header understood and at least one data row
};

// A checked row as a write: a new person, or the stored one with the row's non-empty cells applied
// (empty optional cells keep the stored values), or nothing when that changes nothing.
Result<PlannedRow> PlanRow(soci::session& sql, const auth::Vault& vault, CheckedRow c, int row_number,
                           ImportReport& report) {
  PlannedRow p{.row = row_number, .unit = *c.unit, .active = c.active};
  if (!c.existing) {
    p.action = PlannedRow::Action::kCreate;
    ++report.created;
    p.draft = std::move(c.draft);
    return p;
  }
  p.existing = detail::LoadPerson(sql, c.existing->id, std::nullopt);
  if (!p.existing) return Internal("导入时无法读取已有人员");
  const PersonDraft plain = FZ_TRY(detail::DraftOf(vault, *p.existing));
  PersonDraft& d = c.draft;
  if (d.position.empty()) d.position = plain.position;
  if (!c.legal_given) d.is_legal_officer = plain.is_legal_officer;
  if (!c.id_given) d.id_number = plain.id_number;
  if (!c.phone_given) d.phone = plain.phone;
  const bool same = d.name == plain.name && d.badge_no == plain.badge_no && d.kind == plain.kind &&
                    d.position == plain.position && d.is_legal_officer == plain.is_legal_officer &&
                    d.id_number == plain.id_number && d.phone == plain.phone && c.unit->id == p.existing->unit_id &&
                    c.active == p.existing->active;
  p.action = same ? PlannedRow::Action::kNone : PlannedRow::Action::kUpdate;
  ++(same ? report.unchanged : report.updated);
  p.existing_plain = plain;
  p.draft = std::move(d);
  return p;
}

// Checks every row of a roster against the rules and the database; no writes.
Result<ImportPlan> PlanImport(soci::session& sql, const auth::Principal& who, const auth::Vault& vault,
                              const files::Sheet& sheet) {
  ImportPlan plan;
  ImportReport& report = plan.report;
  if (sheet.rows.empty()) {
    AddIssue(report, 1, "", "文件是空的：第 1 行应为表头（姓名,警号,类别,单位,…），从第 2 行起每行一名人员");
    return plan;
  }
  // Title rows (the roster's name, a date) may stand above the header: docs/org.md "表头".
  const std::size_t header_at =
      files::FindHeaderRow(sheet, [](const std::string& h) { return ColumnOfHeader(h) >= 0; });
  const files::SheetRow& header = sheet.rows[header_at];
  if (header_at > 0)
    report.notes.push_back(fmt::format("表头在第 {} 行，其上的 {} 行标题已跳过", header.number, header_at));
  int col_index[kColCount];
  const bool header_ok = ReadHeader(header, report, col_index);
  report.total_rows = static_cast<int>(sheet.rows.size() - header_at) - 1;
  if (!header_ok) return plan;
  if (report.total_rows == 0) {
    AddIssue(report, header.number, "", "文件中只有表头，没有人员数据");
    return plan;
  }
  plan.file_ok = true;

  const ImportIndex index(sql, who);
  RowChecker checker(col_index, index, vault, report);
  for (std::size_t i = header_at + 1; i < sheet.rows.size(); ++i) {
    CheckedRow c = checker.Check(sheet.rows[i]);
    if (c.bad) continue;
    plan.rows.push_back(FZ_TRY(PlanRow(sql, vault, std::move(c), sheet.rows[i].number, report)));
  }
  report.valid_rows = static_cast<int>(plan.rows.size());
  return plan;
}

// Writes the planned rows with their audit rows (inside the caller's transaction).
void ApplyPlan(soci::session& sql, const Clock& clock, const auth::Vault& vault, const audit::Actor& actor,
               const ImportPlan& plan) {
  const EpochSeconds now = clock.Now();
  for (const PlannedRow& p : plan.rows) {
    const PersonDraft& d = p.draft;
    if (p.action == PlannedRow::Action::kCreate) {
      const std::int64_t id =
          detail::InsertPerson(sql, detail::SealedRow(vault, d, p.unit.id, p.unit.bureau_id, p.active), now);
      audit::Append(sql, clock, actor,
                    {"person.create",
                     "person",
                     std::to_string(id),
                     fmt::format("导入新增人员 {}（{}，{}）", d.name, d.badge_no, p.unit.name),
                     {{"after", detail::PersonAuditJson(d, p.unit.id, p.active)}, {"via", "import"}, {"row", p.row}}});
    } else if (p.action == PlannedRow::Action::kUpdate) {
      const auto before = detail::PersonAuditJson(*p.existing_plain, p.existing->unit_id, p.existing->active);
      detail::UpdatePerson(
          sql, detail::SealedRow(vault, d, p.unit.id, p.unit.bureau_id, p.active, &*p.existing, &*p.existing_plain),
          now);
      auto diff = detail::Diff(before, detail::PersonAuditJson(d, p.unit.id, p.active));
      diff["via"] = "import";
      diff["row"] = p.row;
      audit::Append(sql, clock, actor,
                    {"person.update", "person", std::to_string(p.existing->id),
                     fmt::format("导入更新人员 {}（{}）", d.name, d.badge_no), diff});
    }
  }
}

void AuditImport(soci::session& sql, const Clock& clock, const audit::Actor& actor, std::string_view filename,
                 const ImportReport& report) {
  const int skipped = report.total_rows - report.valid_rows;
  audit::Append(
      sql, clock, actor,
      {"person.import", "person", "",
       fmt::format("导入人员名册“{}”：新增 {}，更新 {}，未变 {}，跳过 {} 行", filename, report.created, report.updated,
                   report.unchanged, skipped),
       Merged(FZ_JSON(report, total_rows, created, updated, unchanged), {{"file", filename}, {"skipped", skipped}})});
}

std::string DateStamp(const Clock& clock) {
  const CivilDate d = LocalDateOf(clock.Now());
  return fmt::format("{:04}{:02}{:02}", d.year, d.month, d.day);
}

Result<FileDownload> MakeDownload(std::vector<std::vector<std::string>> rows, FileFormat format,
                                  const std::string& base_name, std::vector<files::SheetData> extra_sheets = {}) {
  if (format == FileFormat::kCsv)
    return FileDownload{files::WriteCsv(rows), "text/csv; charset=utf-8", base_name + ".csv"};
  std::vector<files::SheetData> sheets;
  sheets.emplace_back("人员名册", rows, std::vector<double>{10, 12, 8, 18, 14, 8, 22, 14, 8});
  for (auto& s : extra_sheets) sheets.push_back(std::move(s));
  return FileDownload{FZ_TRY(files::WriteXlsx(sheets)), files::kXlsx, base_name + ".xlsx"};
}

nlohmann::json FilterJson(const PersonFilter& filter) {
  nlohmann::json filters = nlohmann::json::object();
  if (filter.unit_id) filters["unit_id"] = *filter.unit_id;
  if (filter.q) filters["q"] = *filter.q;
  if (filter.kind) filters["kind"] = *filter.kind;
  if (filter.legal_officer) filters["legal_officer"] = *filter.legal_officer;
  filters["active"] = filter.active ? nlohmann::json(*filter.active) : nlohmann::json("all");
  return filters;
}

}  // namespace

Result<ImportReport> OrgService::ImportRoster(const auth::Principal& who, const audit::Actor& actor,
                                              std::string_view bytes, std::string_view filename, ImportMode mode,
                                              bool skip_invalid) {
  FZ_CHECK(Require(who, auth::perm::kPeopleWrite));
  const files::Sheet sheet = FZ_TRY(files::ReadSheet(bytes, filename));
  if (mode == ImportMode::kCheck) {
    auto plan = FZ_TRY(db_.Read([&](soci::session& sql) { return PlanImport(sql, who, vault_, sheet); }));
    return std::move(plan.report);
  }
  return detail::CatchUnique(
      [&] {
        return db_.Write([&](soci::session& sql) -> Result<ImportReport> {
          ImportPlan plan = FZ_TRY(PlanImport(sql, who, vault_, sheet));
          ImportReport& report = plan.report;
          if (!plan.file_ok || (!report.errors.empty() && !skip_invalid)) {
            report.committed = false;
            return report;
          }
          ApplyPlan(sql, clock_, vault_, actor, plan);
          report.committed = true;
          report.imported = report.valid_rows;
          AuditImport(sql, clock_, actor, filename, report);
          return report;
        });
      },
      "导入的警号或身份证号与其他人员冲突（可能有人同时修改了名册），请重新导入");
}

Result<FileDownload> OrgService::ExportPeople(const auth::Principal& who, const audit::Actor& actor,
                                              const PersonFilter& filter, FileFormat format) {
  FZ_CHECK(Require(who, auth::perm::kPeopleRead));
  const bool pii = who.Has(auth::perm::kPeoplePii);
  std::vector<detail::PersonRow> stored;
  FZ_CHECK(db_.Read([&](soci::session& sql) -> Result<void> {
    const detail::PeopleQuery q = FZ_TRY(detail::PeopleQueryFor(sql, who, filter));
    stored = detail::ListPeople(sql, q, PageRequest{}, kMaxExportRows + 1, 0);
    return {};
  }));
  if (static_cast<std::int64_t>(stored.size()) > kMaxExportRows)
    return Invalid(fmt::format("导出的人员超过 {} 人，请缩小筛选范围", kMaxExportRows), "", "too_many_rows");

  std::vector<std::int64_t> ids;
  const std::vector<Person> people = FZ_TRY(detail::ToPeople(vault_, stored, pii, ids));
  std::vector<std::vector<std::string>> rows{RosterHeader()};
  for (const auto& p : people)
    rows.push_back({p.name, p.badge_no, p.kind, p.unit_name, p.position, p.is_legal_officer ? "是" : "否", p.id_number,
                    p.phone, p.active ? "在职" : "停用"});
  FileDownload file = FZ_TRY(MakeDownload(std::move(rows), format, "人员名册_" + DateStamp(clock_)));

  const char* format_name = format == FileFormat::kCsv ? "csv" : "xlsx";
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    audit::Append(sql, clock_, actor,
                  {"person.export",
                   "person",
                   "",
                   fmt::format("导出人员名册 {} 人（{}，{}）", people.size(),
                               format == FileFormat::kCsv ? "CSV" : "XLSX", pii ? "含身份证号/手机号" : "已脱敏"),
                   {{"count", people.size()}, {"pii", pii}, {"filters", FilterJson(filter)}, {"format", format_name}}});
    if (!ids.empty())
      audit::Append(sql, clock_, actor,
                    {"person.read_pii",
                     "person",
                     "",
                     fmt::format("导出 {} 名人员的身份证号/手机号", ids.size()),
                     {{"ids", ids}, {"via", "导出"}}});
    return {};
  }));
  return file;
}

Result<FileDownload> OrgService::RosterTemplate(FileFormat format) const {
  files::SheetData help{
      "填写说明",
      {{"列名", "必填", "说明"},
       {"姓名", "是", "不超过 32 个字"},
       {"警号", "是", "民警：6–8 位数字；辅警：辅警编号，不超过 16 个字符。已存在的警号会更新该人员"},
       {"类别", "是", "民警 或 辅警"},
       {"单位", "是",
        "您管辖范围内的单位：全称或简称，可在前面加上级单位（城区分局东街派出所、城区分局/东街派出所），也可填单位"
        "编码；重名时写成“上级单位/单位”"},
       {"职务", "否", "不超过 32 个字"},
       {"法制员", "否", "是 或 否，空白为否"},
       {"身份证号", "否", "18 位居民身份证号；请保持本列为“文本”格式"},
       {"手机号", "否", "11 位手机号码"},
       {"状态", "否", "在职 或 停用，空白为在职"},
       {"", "",
        "第 1 行为表头，从第 2 行起每行一名人员。更新已有人员时，职务/法制员/身份证号/手机号留空表示保持原值。"}},
      {10, 6, 80}};
  return MakeDownload({RosterHeader()}, format, "人员名册导入模板", {std::move(help)});
}

}  // namespace fazhi::org
