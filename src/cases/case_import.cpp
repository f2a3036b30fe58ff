// Import of incidents, cases, persons and events from files exported by a 警综 system (CSV, XLSX
// or JSON-lines; docs/cases.md), and the background import jobs.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "auth/roles.h"
#include "cases/case_service.h"
#include "cases/case_store.h"
#include "core/local_time.h"
#include "core/text.h"
#include "files/spreadsheet.h"
#include "supervision/events.h"

namespace fazhi::cases {

using namespace detail;

namespace {

constexpr std::size_t kMaxJsonLines = 200000;
constexpr std::size_t kMaxFileBytes = 50u << 20;

// One column of an import kind: JSON key, 中文 header (and accepted aliases), required or not.
struct Column {
  const char* key;
  const char* header;
  bool required;
  std::vector<const char*> aliases = {};
};

const std::vector<Column>& ColumnsOf(ImportKind kind) {
  static const std::vector<Column> kIncidents = {
      {"external_id", "警情编号", true, {"接警编号"}},
      {"unit", "单位", true, {"管辖单位", "处警单位"}},
      {"received_at", "接警时间", true, {"报警时间"}},
      {"category", "警情类别", true, {"类别"}},
      {"summary", "简要情况", false, {"警情内容", "简要案情"}},
      {"address", "地址", false, {"发生地址", "案发地址"}},
      {"result", "处理结果", false, {"处警结果"}},
      {"body_camera", "执法记录仪", false, {"执法记录仪视频", "视音频"}},
      {"officer_badge", "处警民警警号", false, {"处警人警号"}},
  };
  static const std::vector<Column> kCases = {
      {"external_id", "案件编号", true},
      {"case_type", "案件类型", true},
      {"cause", "案由", true},
      {"category", "打击类别", false},
      {"title", "案件名称", false},
      {"unit", "办案单位", true, {"单位"}},
      {"lead_badge", "主办民警警号", true, {"主办人警号"}},
      {"assist_badges", "协办民警警号", false, {"协办人警号"}},
      {"legal_badge", "法制员警号", false},
      {"incident", "警情编号", false},
      {"accepted_at", "受案时间", true},
      {"status", "状态", false, {"案件状态"}},
      {"serious", "重大案件", false},
      {"fast_track", "快速办理", false},
  };
  static const std::vector<Column> kPersons = {
      {"case", "案件编号", true},
      {"ref", "人员编号", true},
      {"name", "姓名", false},
      {"role", "角色", true, {"人员类型", "涉案人员类型"}},
      {"age", "年龄", false},
      {"gender", "性别", false},
      {"pregnant", "怀孕", false},
      {"nursing_infant", "哺乳", false, {"哺乳未满一周岁婴儿"}},
      {"identity_unknown", "身份不明", false},
      {"id_number", "身份证号", false, {"公民身份号码"}},
  };
  static const std::vector<Column> kEvents = {
      {"case", "案件编号", true},
      {"external_id", "事件编号", true},
      {"type", "事件类型", true},
      {"time", "时间", true, {"发生时间"}},
      {"person", "人员编号", false},
      {"item", "财物编号", false},
      {"officers", "民警人数", false},
      {"location", "地点", false},
      {"end", "结束时间", false},
      {"note", "备注", false},
      {"attrs", "其他属性", false},
  };
  switch (kind) {
    case ImportKind::kIncidents: return kIncidents;
    case ImportKind::kCases: return kCases;
    case ImportKind::kPersons: return kPersons;
    case ImportKind::kEvents: return kEvents;
  }
  return kIncidents;
}

const char* KindName(ImportKind kind) {
  switch (kind) {
    case ImportKind::kIncidents: return "警情";
    case ImportKind::kCases: return "案件";
    case ImportKind::kPersons: return "涉案人员";
    case ImportKind::kEvents: return "案件事件";
  }
  return "";
}

const char* KindId(ImportKind kind) {
  switch (kind) {
    case ImportKind::kIncidents: return "incidents";
    case ImportKind::kCases: return "cases";
    case ImportKind::kPersons: return "persons";
    case ImportKind::kEvents: return "events";
  }
  return "";
}

// One input row as a JSON object with the column keys; `number` is the row/line the user sees.
struct InputRow {
  int number = 0;
  nlohmann::json obj;
};

bool LooksLikeJsonLines(std::string_view bytes, std::string_view filename) {
  if (filename.ends_with(".jsonl") || filename.ends_with(".ndjson") || filename.ends_with(".json")) return true;
  std::size_t i = 0;
  if (bytes.starts_with("\xEF\xBB\xBF")) i = 3;
  while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) ++i;
  return i < bytes.size() && bytes[i] == '{';
}

Result<std::vector<InputRow>> ReadRows(ImportKind kind, std::string_view bytes, std::string_view filename) {
  if (bytes.empty()) return Invalid("文件为空", "file");
  if (bytes.size() > kMaxFileBytes) return Fail(ErrorCode::kPayloadTooLarge, "文件超过 50 MB", "file", "too_large");
  const auto& columns = ColumnsOf(kind);
  std::vector<InputRow> rows;
  if (LooksLikeJsonLines(bytes, filename)) {
    if (!IsValidUtf8(bytes)) return Invalid("JSON-lines 文件必须是 UTF-8 编码", "file", "not_utf8");
    int line = 0;
    std::size_t pos = bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    while (pos < bytes.size()) {
      std::size_t end = bytes.find('\n', pos);
      if (end == std::string_view::npos) end = bytes.size();
      ++line;
      const std::string text = Trim(bytes.substr(pos, end - pos));
      pos = end + 1;
      if (text.empty()) continue;
      if (rows.size() >= kMaxJsonLines)
        return Invalid(fmt::format("文件行数过多（最多 {} 行）", kMaxJsonLines), "file", "too_large");
      InputRow row;
      row.number = line;
      row.obj = nlohmann::json::parse(text, nullptr, false);
      if (!row.obj.is_object()) row.obj = nlohmann::json{{"__invalid__", true}};
      rows.push_back(std::move(row));
    }
    return rows;
  }
  files::SheetLimits limits;
  limits.max_file_bytes = kMaxFileBytes;
  limits.max_uncompressed_bytes = 4 * kMaxFileBytes;
  limits.max_rows = kMaxJsonLines;
  auto sheet = files::ReadSheet(bytes, filename, limits);
  if (!sheet) return std::unexpected(sheet.error());
  if (sheet->rows.empty()) return Invalid("文件为空", "file");
  // Header row → column keys.
  const auto& header = sheet->rows.front();
  std::vector<const Column*> map(header.cells.size(), nullptr);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < header.cells.size(); ++i) {
    const std::string h = Trim(header.cells[i]);
    if (h.empty()) continue;
    const Column* found = nullptr;
    for (const auto& c : columns) {
      if (h == c.header || h == c.key) found = &c;
      for (const char* alias : c.aliases)
        if (h == alias) found = &c;
    }
    if (!found)
      return Invalid(fmt::format("第 {} 行：不认识的列“{}”（{}导入的列见 docs/cases.md）", header.number, h,
                                 KindName(kind)),
                     "file", "unknown_column");
    if (!seen.insert(found->key).second)
      return Invalid(fmt::format("第 {} 行：列“{}”出现了两次", header.number, h), "file", "duplicate_column");
    map[i] = found;
  }
  for (const auto& c : columns)
    if (c.required && !seen.contains(c.key))
      return Invalid(fmt::format("缺少必填列“{}”", c.header), "file", "missing_column");
  for (std::size_t r = 1; r < sheet->rows.size(); ++r) {
    InputRow row;
    row.number = sheet->rows[r].number;
    row.obj = nlohmann::json::object();
    for (std::size_t i = 0; i < sheet->rows[r].cells.size() && i < map.size(); ++i) {
      if (!map[i]) continue;
      const std::string v = Trim(sheet->rows[r].cells[i]);
      if (!v.empty()) row.obj[map[i]->key] = v;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// ---- typed access to a row's values (cells are text; JSON-lines may be typed) ----

class RowReader {
 public:
  RowReader(ImportKind kind, const InputRow& row, std::vector<ImportIssue>& issues, bool& truncated)
      : kind_(kind), row_(row), issues_(issues), truncated_(truncated) {}

  bool ok() const { return ok_; }
  void Fail(const std::string& key, const std::string& message) {
    if (!ok_) return;  // one message per row is enough
    ok_ = false;
    if (issues_.size() >= kMaxReportedIssues) {
      truncated_ = true;
      return;
    }
    issues_.push_back({row_.number, HeaderOf(key), message});
  }
  std::string HeaderOf(const std::string& key) const {
    for (const auto& c : ColumnsOf(kind_))
      if (key == c.key) return c.header;
    return key;
  }
  bool Has(const std::string& key) const { return row_.obj.contains(key) && !row_.obj[key].is_null(); }

  std::string Text(const std::string& key, bool required, int max_chars) {
    if (!Has(key)) {
      if (required) Fail(key, fmt::format("“{}”不能为空", HeaderOf(key)));
      return {};
    }
    const auto& v = row_.obj[key];
    std::string s;
    if (v.is_string()) s = Trim(v.get<std::string>());
    else if (v.is_number_integer()) s = std::to_string(v.get<std::int64_t>());
    else {
      Fail(key, fmt::format("“{}”必须是文本", HeaderOf(key)));
      return {};
    }
    const auto len = Utf8Length(s);
    if (len < 0) Fail(key, fmt::format("“{}”含有无效字符", HeaderOf(key)));
    else if (required && len == 0) Fail(key, fmt::format("“{}”不能为空", HeaderOf(key)));
    else if (len > max_chars) Fail(key, fmt::format("“{}”不能超过 {} 个字", HeaderOf(key), max_chars));
    return s;
  }
  std::optional<bool> Bool(const std::string& key) {
    if (!Has(key)) return std::nullopt;
    const auto& v = row_.obj[key];
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number_integer()) return v.get<std::int64_t>() != 0;
    const std::string s = v.is_string() ? Trim(v.get<std::string>()) : "";
    if (s == "是" || s == "有" || s == "1" || s == "true" || s == "TRUE" || s == "Y" || s == "y") return true;
    if (s == "否" || s == "无" || s == "0" || s == "false" || s == "FALSE" || s == "N" || s == "n" || s.empty())
      return false;
    Fail(key, fmt::format("“{}”只能填“是”或“否”", HeaderOf(key)));
    return std::nullopt;
  }
  std::optional<std::int64_t> Int(const std::string& key, std::int64_t min, std::int64_t max) {
    if (!Has(key)) return std::nullopt;
    const auto& v = row_.obj[key];
    std::int64_t n = 0;
    if (v.is_number_integer()) {
      n = v.get<std::int64_t>();
    } else if (v.is_string()) {
      const std::string s = Trim(v.get<std::string>());
      if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        Fail(key, fmt::format("“{}”必须是整数", HeaderOf(key)));
        return std::nullopt;
      }
      n = std::stoll(s);
    } else {
      Fail(key, fmt::format("“{}”必须是整数", HeaderOf(key)));
      return std::nullopt;
    }
    if (n < min || n > max) {
      Fail(key, fmt::format("“{}”必须在 {} 到 {} 之间", HeaderOf(key), min, max));
      return std::nullopt;
    }
    return n;
  }
  std::optional<EpochSeconds> Time(const std::string& key, bool required) {
    if (!Has(key)) {
      if (required) Fail(key, fmt::format("“{}”不能为空", HeaderOf(key)));
      return std::nullopt;
    }
    const auto& v = row_.obj[key];
    if (v.is_number_integer()) return v.get<std::int64_t>();
    std::optional<EpochSeconds> t;
    if (v.is_string()) {
      std::string s = Trim(v.get<std::string>());
      std::replace(s.begin(), s.end(), '/', '-');  // Excel often writes 2023/03/04
      t = ParseLocalDateTime(s);
    }
    if (!t) Fail(key, fmt::format("“{}”格式不对，应为 2023-03-04 22:30", HeaderOf(key)));
    return t;
  }
  const nlohmann::json& obj() const { return row_.obj; }
  int number() const { return row_.number; }

 private:
  ImportKind kind_;
  const InputRow& row_;
  std::vector<ImportIssue>& issues_;
  bool& truncated_;
  bool ok_ = true;
};

void AddIssue(ImportReport& report, int row, std::string column, std::string message) {
  if (report.errors.size() >= kMaxReportedIssues) {
    report.errors_truncated = true;
    return;
  }
  report.errors.push_back({row, std::move(column), std::move(message)});
}

// ---- look-ups shared by the planners ----

class Lookups {
 public:
  Lookups(soci::session& sql, const auth::Principal& who) : sql_(sql), who_(who) {}

  // A unit in scope by code or name; error text if none or ambiguous.
  Result<UnitInfo> Unit(const std::string& text) {
    if (units_.empty()) {
      SqlArgs a;
      ForEachRow(sql_,
                 fmt::format("SELECT id, bureau_id, name, level, path, code FROM units WHERE {}",
                             db::PathUnder(a, "path", who_.unit_path)),
                 a, [&](const soci::row& r) {
                   units_.push_back({{db::GetInt64(r, 0), db::GetInt64(r, 1), db::GetText(r, 2), db::GetText(r, 3),
                                      db::GetText(r, 4)},
                                     db::GetText(r, 5)});
                 });
    }
    std::vector<const UnitInfo*> by_code, by_name;
    for (const auto& [u, code] : units_) {
      if (!code.empty() && code == text) by_code.push_back(&u);
      if (u.name == text) by_name.push_back(&u);
    }
    const auto& hits = by_code.empty() ? by_name : by_code;
    if (hits.empty()) return Invalid(fmt::format("单位“{}”不存在或不在本单位范围内", text));
    if (hits.size() > 1) return Invalid(fmt::format("有多个名为“{}”的单位，请填写单位编码", text));
    if (hits.front()->level == "city") return Invalid("案件和警情必须属于分县局或科所队");
    return *hits.front();
  }
  std::optional<PersonInfo> Person(const std::string& badge) {
    auto it = people_.find(badge);
    if (it == people_.end()) it = people_.emplace(badge, FindPersonByBadge(sql_, badge)).first;
    return it->second;
  }
  // A visible case by 案件编号 (bureau of the caller first; else any visible).
  std::optional<CaseSummary> Case(const std::string& external_id) {
    auto it = cases_.find(external_id);
    if (it != cases_.end()) return it->second;
    SqlArgs a;
    const std::string q = fmt::format("SELECT {}{} WHERE c.external_id = {} AND {}", kCaseColumns, kCaseFrom,
                                      a.Str(external_id), VisibleCondition(a, who_));
    std::optional<CaseSummary> out;
    ForEachRow(sql_, q, a, [&](const soci::row& r) { out = CaseFromRow(r); });
    cases_[external_id] = out;
    return out;
  }
  // Any case with this 案件编号 in the bureau, visible or not (to refuse overwriting).
  bool CaseExistsAnywhere(std::int64_t bureau_id, const std::string& external_id) {
    SqlArgs a;
    bool found = false;
    ForEachRow(sql_,
               fmt::format("SELECT id FROM cases WHERE bureau_id = {} AND external_id = {}", a.Int(bureau_id),
                           a.Str(external_id)),
               a, [&](const soci::row&) { found = true; });
    return found;
  }
  void Forget(const std::string& case_external_id) { cases_.erase(case_external_id); }

 private:
  soci::session& sql_;
  const auth::Principal& who_;
  std::vector<std::pair<UnitInfo, std::string>> units_;
  std::map<std::string, std::optional<PersonInfo>> people_;
  std::map<std::string, std::optional<CaseSummary>> cases_;
};

// What one valid row will do.
enum class Action { kCreate, kUpdate, kUnchanged };

// ---- incidents ----

struct IncidentPlan {
  int row = 0;
  Action action = Action::kCreate;
  std::optional<std::int64_t> existing_id;
  UnitInfo unit;
  std::string external_id, category, summary, address, result;
  EpochSeconds received_at = 0;
  bool body_camera = false;
  std::optional<std::int64_t> officer_id;
};

std::vector<IncidentPlan> PlanIncidents(soci::session& sql, const auth::Principal& who, const std::vector<InputRow>& rows,
                                        ImportReport& report, std::atomic<int>* progress) {
  Lookups look(sql, who);
  std::vector<IncidentPlan> out;
  std::map<std::string, int> first_row;
  for (const auto& in : rows) {
    if (progress) ++*progress;
    RowReader r(ImportKind::kIncidents, in, report.errors, report.errors_truncated);
    if (in.obj.contains("__invalid__")) {
      r.Fail("", "这一行不是 JSON 对象");
      continue;
    }
    IncidentPlan p;
    p.row = in.number;
    p.external_id = r.Text("external_id", true, 64);
    const std::string unit_text = r.Text("unit", true, 64);
    p.received_at = r.Time("received_at", true).value_or(0);
    p.category = r.Text("category", true, 32);
    p.summary = r.Text("summary", false, 2000);
    p.address = r.Text("address", false, 200);
    p.result = r.Text("result", false, 200);
    p.body_camera = r.Bool("body_camera").value_or(false);
    const std::string badge = r.Text("officer_badge", false, 16);
    if (!r.ok()) continue;
    if (auto [it, fresh] = first_row.emplace(p.external_id, in.number); !fresh) {
      r.Fail("external_id", fmt::format("警情编号“{}”与第 {} 行重复", p.external_id, it->second));
      continue;
    }
    auto unit = look.Unit(unit_text);
    if (!unit) {
      r.Fail("unit", unit.error().message);
      continue;
    }
    p.unit = *unit;
    if (!badge.empty()) {
      auto person = look.Person(badge);
      if (!person || person->bureau_id != p.unit.bureau_id) {
        r.Fail("officer_badge", fmt::format("警号“{}”不是本分局的人员", badge));
        continue;
      }
      p.officer_id = person->id;
    }
    // Existing incident: same bureau and number.
    SqlArgs a;
    std::optional<std::int64_t> id;
    nlohmann::json stored;
    std::string stored_path;
    ForEachRow(sql,
               fmt::format("SELECT i.id, u.path, i.unit_id, i.received_at, i.category, i.summary, i.address, i.result, "
                           "i.body_camera, i.officer_id FROM incidents i JOIN units u ON u.id = i.unit_id WHERE "
                           "i.bureau_id = {} AND i.external_id = {}",
                           a.Int(p.unit.bureau_id), a.Str(p.external_id)),
               a, [&](const soci::row& row) {
                 id = db::GetInt64(row, 0);
                 stored_path = db::GetText(row, 1);
                 stored = {db::GetInt64(row, 2), db::GetInt64(row, 3), db::GetText(row, 4), db::GetText(row, 5),
                           db::GetText(row, 6),  db::GetText(row, 7),  db::GetInt64(row, 8) != 0,
                           db::IsNull(row, 9) ? nlohmann::json() : nlohmann::json(db::GetInt64(row, 9))};
               });
    if (id) {
      if (!who.InScope(stored_path)) {
        r.Fail("external_id", fmt::format("警情编号“{}”已被其他单位使用", p.external_id));
        continue;
      }
      const nlohmann::json mine = {p.unit.id,  p.received_at, p.category,   p.summary,
                                   p.address,  p.result,      p.body_camera,
                                   p.officer_id ? nlohmann::json(*p.officer_id) : nlohmann::json()};
      p.existing_id = id;
      p.action = mine == stored ? Action::kUnchanged : Action::kUpdate;
    }
    ++report.valid_rows;
    (p.action == Action::kCreate ? report.created : p.action == Action::kUpdate ? report.updated : report.unchanged)++;
    out.push_back(std::move(p));
  }
  return out;
}

// ---- cases ----

struct CasePlan {
  int row = 0;
  Action action = Action::kCreate;
  std::optional<CaseSummary> existing;
  UnitInfo unit;
  std::string external_id, case_type, cause, category, title, status;
  std::int64_t lead = 0;
  std::vector<std::int64_t> assists;
  std::optional<std::int64_t> legal;
  std::optional<std::int64_t> incident_id;
  EpochSeconds incident_received_at = 0;
  bool incident_body_camera = false;
  EpochSeconds accepted_at = 0;
  bool serious = false, fast_track = false;
};

std::vector<std::string> SplitList(const nlohmann::json& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& x : v)
      if (x.is_string()) out.push_back(Trim(x.get<std::string>()));
    return out;
  }
  if (!v.is_string()) return out;
  std::string s = v.get<std::string>();
  // Separators people type: ; ， 、 , and spaces.
  for (const char* sep : {"；", "，", "、"}) {
    for (std::size_t pos = s.find(sep); pos != std::string::npos; pos = s.find(sep)) s.replace(pos, std::strlen(sep), ";");
  }
  std::string cur;
  for (char c : s) {
    if (c == ';' || c == ',' || c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::optional<std::string> ParseCaseType(const std::string& s) {
  if (s == kCriminal || s == "刑事" || s == "刑事案件") return std::string(kCriminal);
  if (s == kAdministrative || s == "行政" || s == "行政案件" || s == "治安" || s == "治安案件")
    return std::string(kAdministrative);
  return std::nullopt;
}

std::optional<std::string> ParseStatus(const std::string& type, const std::string& s) {
  for (auto st : Statuses(type))
    if (s == st || s == StatusName(type, st)) return std::string(st);
  return std::nullopt;
}

std::vector<CasePlan> PlanCases(soci::session& sql, const auth::Principal& who, const std::vector<InputRow>& rows,
                                ImportReport& report, std::atomic<int>* progress) {
  Lookups look(sql, who);
  std::vector<CasePlan> out;
  std::map<std::string, int> first_row;
  for (const auto& in : rows) {
    if (progress) ++*progress;
    RowReader r(ImportKind::kCases, in, report.errors, report.errors_truncated);
    if (in.obj.contains("__invalid__")) {
      r.Fail("", "这一行不是 JSON 对象");
      continue;
    }
    CasePlan p;
    p.row = in.number;
    p.external_id = r.Text("external_id", true, 64);
    const std::string type_text = r.Text("case_type", true, 16);
    p.cause = r.Text("cause", true, 64);
    p.category = r.Text("category", false, 32);
    p.title = r.Text("title", false, 200);
    const std::string unit_text = r.Text("unit", true, 64);
    const std::string lead_badge = r.Text("lead_badge", true, 16);
    const std::string legal_badge = r.Text("legal_badge", false, 16);
    const std::string incident = r.Text("incident", false, 64);
    p.accepted_at = r.Time("accepted_at", true).value_or(0);
    const std::string status_text = r.Text("status", false, 16);
    p.serious = r.Bool("serious").value_or(false);
    p.fast_track = r.Bool("fast_track").value_or(false);
    if (!r.ok()) continue;
    if (p.title.empty()) p.title = p.cause;
    auto type = ParseCaseType(type_text);
    if (!type) {
      r.Fail("case_type", fmt::format("案件类型“{}”不对，应为“刑事”或“行政”", type_text));
      continue;
    }
    p.case_type = *type;
    p.status = std::string(kInitialStatus);
    if (!status_text.empty()) {
      auto st = ParseStatus(p.case_type, status_text);
      if (!st) {
        r.Fail("status", fmt::format("状态“{}”不是{}案件的状态", status_text, CaseTypeName(p.case_type)));
        continue;
      }
      p.status = *st;
    }
    if (auto [it, fresh] = first_row.emplace(p.external_id, in.number); !fresh) {
      r.Fail("external_id", fmt::format("案件编号“{}”与第 {} 行重复", p.external_id, it->second));
      continue;
    }
    auto unit = look.Unit(unit_text);
    if (!unit) {
      r.Fail("unit", unit.error().message);
      continue;
    }
    p.unit = *unit;
    auto lead = look.Person(lead_badge);
    if (!lead || lead->bureau_id != p.unit.bureau_id) {
      r.Fail("lead_badge", fmt::format("警号“{}”不是本分局的人员", lead_badge));
      continue;
    }
    p.lead = lead->id;
    std::optional<std::string> assist_error;
    if (in.obj.contains("assist_badges")) {
      for (const auto& badge : SplitList(in.obj["assist_badges"])) {
        auto a = look.Person(badge);
        if (!a || a->bureau_id != p.unit.bureau_id) {
          assist_error = fmt::format("警号“{}”不是本分局的人员", badge);
          break;
        }
        if (a->id != p.lead && std::find(p.assists.begin(), p.assists.end(), a->id) == p.assists.end())
          p.assists.push_back(a->id);
      }
    }
    if (assist_error) {
      r.Fail("assist_badges", *assist_error);
      continue;
    }
    if (!legal_badge.empty()) {
      auto l = look.Person(legal_badge);
      if (!l || l->bureau_id != p.unit.bureau_id) {
        r.Fail("legal_badge", fmt::format("警号“{}”不是本分局的人员", legal_badge));
        continue;
      }
      p.legal = l->id;
    }
    if (auto ok = CheckOfficers(sql, p.unit.bureau_id, p.lead, p.assists, p.legal); !ok) {
      const std::string& f = ok.error().field;
      r.Fail(f == "lead_officer_id" ? "lead_badge" : f == "legal_officer_id" ? "legal_badge" : "assist_badges",
             ok.error().message);
      continue;
    }
    if (!incident.empty()) {
      SqlArgs a;
      std::optional<std::int64_t> case_of;
      std::string path;
      ForEachRow(sql,
                 fmt::format("SELECT i.id, i.case_id, u.path, i.received_at, i.body_camera FROM incidents i JOIN units u "
                             "ON u.id = i.unit_id WHERE i.bureau_id = {} AND i.external_id = {}",
                             a.Int(p.unit.bureau_id), a.Str(incident)),
                 a, [&](const soci::row& row) {
                   p.incident_id = db::GetInt64(row, 0);
                   if (!db::IsNull(row, 1)) case_of = db::GetInt64(row, 1);
                   path = db::GetText(row, 2);
                   p.incident_received_at = db::GetInt64(row, 3);
                   p.incident_body_camera = db::GetInt64(row, 4) != 0;
                 });
      if (!p.incident_id || !who.InScope(path)) {
        r.Fail("incident", fmt::format("警情编号“{}”不存在（请先导入警情）", incident));
        continue;
      }
      p.existing = look.Case(p.external_id);
      if (case_of && (!p.existing || p.existing->id != *case_of)) {
        r.Fail("incident", fmt::format("警情“{}”已关联其他案件", incident));
        continue;
      }
      if (p.accepted_at < p.incident_received_at) {
        r.Fail("accepted_at", "受案时间早于接警时间");
        continue;
      }
    }
    p.existing = look.Case(p.external_id);
    if (!p.existing && look.CaseExistsAnywhere(p.unit.bureau_id, p.external_id)) {
      r.Fail("external_id", fmt::format("案件编号“{}”已被其他单位使用", p.external_id));
      continue;
    }
    if (p.existing) {
      const CaseSummary& e = *p.existing;
      if (e.case_type != p.case_type || e.unit_id != p.unit.id) {
        r.Fail("case_type", "已导入案件的案件类型和办案单位不能通过导入修改");
        continue;
      }
      if (!status_text.empty() && e.status != p.status) {
        r.Fail("status", fmt::format("案件状态已是“{}”；已有案件的状态只能在系统中办理状态流转",
                                     StatusName(e.case_type, e.status)));
        continue;
      }
      p.status = e.status;
      const std::vector<std::int64_t> stored_assists = [&] {
        SqlArgs a;
        std::vector<std::int64_t> v;
        ForEachRow(sql,
                   fmt::format("SELECT person_id FROM case_officers WHERE case_id = {} AND role = 'assist' ORDER BY "
                               "person_id",
                               a.Int(e.id)),
                   a, [&](const soci::row& row) { v.push_back(db::GetInt64(row, 0)); });
        return v;
      }();
      std::vector<std::int64_t> mine = p.assists;
      std::sort(mine.begin(), mine.end());
      const bool same = e.cause == p.cause && e.category == p.category && e.title == p.title &&
                        e.lead_officer && e.lead_officer->id == p.lead &&
                        (e.legal_officer ? std::optional<std::int64_t>(e.legal_officer->id) : std::nullopt) == p.legal &&
                        e.serious == p.serious && e.fast_track == p.fast_track && e.accepted_at == p.accepted_at &&
                        e.incident_id == p.incident_id && stored_assists == mine;
      p.action = same ? Action::kUnchanged : Action::kUpdate;
      if (!same && e.accepted_at != p.accepted_at) {
        r.Fail("accepted_at", "已导入案件的受案时间不能通过导入修改");
        continue;
      }
    }
    // The opening acts must make a valid timeline (e.g. 受案 not before 接报).
    if (p.action == Action::kCreate) {
      std::vector<PendingEvent> pending;
      if (p.incident_id) {
        pending.push_back({{{"id", "r"}, {"type", "report"}, {"time", FormatLocalIso(p.incident_received_at)}}, "接报"});
      }
      pending.push_back({{{"id", "a"}, {"type", "accept_case"}, {"time", FormatLocalIso(p.accepted_at)}}, "受案"});
      TimelineDoc base{EmptyTimelineDoc("new", p.case_type, p.serious, p.fast_track), {}};
      if (auto tl = ValidateTimeline(base, pending); !tl) {
        r.Fail("accepted_at", tl.error().message);
        continue;
      }
    }
    ++report.valid_rows;
    (p.action == Action::kCreate ? report.created : p.action == Action::kUpdate ? report.updated : report.unchanged)++;
    out.push_back(std::move(p));
  }
  return out;
}

// ---- persons ----

struct PersonPlan {
  int row = 0;
  Action action = Action::kCreate;
  CaseSummary c;
  std::optional<std::int64_t> existing_id;
  std::string ref, name, role, id_number;
  std::optional<int> age;
  bool female = false, pregnant = false, nursing = false, unknown = false;
};

std::optional<std::string> ParseRole(const std::string& s) {
  if (s == "suspect" || s == "犯罪嫌疑人" || s == "嫌疑人" || s == "违法行为人" || s == "违法嫌疑人")
    return std::string("suspect");
  if (s == "victim" || s == "被害人" || s == "被侵害人") return std::string("victim");
  if (s == "witness" || s == "证人") return std::string("witness");
  if (s == "other" || s == "其他") return std::string("other");
  return std::nullopt;
}

std::vector<PersonPlan> PlanPersons(soci::session& sql, const auth::Principal& who, const auth::Vault& vault,
                                    const std::vector<InputRow>& rows, ImportReport& report,
                                    std::atomic<int>* progress) {
  Lookups look(sql, who);
  std::vector<PersonPlan> out;
  std::map<std::pair<std::string, std::string>, int> first_row;
  for (const auto& in : rows) {
    if (progress) ++*progress;
    RowReader r(ImportKind::kPersons, in, report.errors, report.errors_truncated);
    if (in.obj.contains("__invalid__")) {
      r.Fail("", "这一行不是 JSON 对象");
      continue;
    }
    PersonPlan p;
    p.row = in.number;
    const std::string case_ext = r.Text("case", true, 64);
    p.ref = r.Text("ref", true, 32);
    p.name = r.Text("name", false, 32);
    const std::string role = r.Text("role", true, 16);
    if (auto age = r.Int("age", 0, 150)) p.age = static_cast<int>(*age);
    const std::string gender = r.Text("gender", false, 8);
    p.female = gender == "女" || gender == "female" || r.Bool("female").value_or(false);
    if (!gender.empty() && gender != "男" && gender != "女" && gender != "male" && gender != "female")
      r.Fail("gender", "性别只能填“男”或“女”");
    p.pregnant = r.Bool("pregnant").value_or(false);
    p.nursing = r.Bool("nursing_infant").value_or(false);
    p.unknown = r.Bool("identity_unknown").value_or(false);
    p.id_number = r.Text("id_number", false, 18);
    if (!r.ok()) continue;
    auto parsed_role = ParseRole(role);
    if (!parsed_role) {
      r.Fail("role", fmt::format("角色“{}”不对，应为 犯罪嫌疑人/违法行为人、被害人、证人 或 其他", role));
      continue;
    }
    p.role = *parsed_role;
    if (!p.id_number.empty() && !auth::IsValidIdNumber(p.id_number)) {
      r.Fail("id_number", "身份证号格式或校验位不正确");
      continue;
    }
    if (auto [it, fresh] = first_row.emplace(std::make_pair(case_ext, p.ref), in.number); !fresh) {
      r.Fail("ref", fmt::format("与第 {} 行是同一案件的同一人员编号", it->second));
      continue;
    }
    auto c = look.Case(case_ext);
    if (!c) {
      r.Fail("case", fmt::format("案件编号“{}”不存在（请先导入案件）", case_ext));
      continue;
    }
    p.c = *c;
    SqlArgs a;
    ForEachRow(sql,
               fmt::format("SELECT id, name, role, age, female, pregnant, nursing_infant, identity_unknown, "
                           "id_number_enc FROM case_persons WHERE case_id = {} AND ref = {}",
                           a.Int(c->id), a.Str(p.ref)),
               a, [&](const soci::row& row) {
                 p.existing_id = db::GetInt64(row, 0);
                 std::string stored_id;
                 if (!db::IsNull(row, 8) && !db::GetText(row, 8).empty())
                   stored_id = vault.Decrypt(db::GetText(row, 8)).value_or("");
                 const bool same =
                     db::GetText(row, 1) == p.name && db::GetText(row, 2) == p.role &&
                     (db::IsNull(row, 3) ? std::optional<int>() : std::optional<int>(db::GetInt64(row, 3))) == p.age &&
                     (db::GetInt64(row, 4) != 0) == p.female && (db::GetInt64(row, 5) != 0) == p.pregnant &&
                     (db::GetInt64(row, 6) != 0) == p.nursing && (db::GetInt64(row, 7) != 0) == p.unknown &&
                     stored_id == p.id_number;
                 p.action = same ? Action::kUnchanged : Action::kUpdate;
               });
    ++report.valid_rows;
    (p.action == Action::kCreate ? report.created : p.action == Action::kUpdate ? report.updated : report.unchanged)++;
    out.push_back(std::move(p));
  }
  return out;
}

// ---- events ----

struct EventPlan {
  int row = 0;
  Action action = Action::kCreate;
  std::string case_ext;
  std::string external_id;
  nlohmann::json object;  // engine form, "id" = "row:N"
};

struct CaseEvents {
  CaseSummary c;
  std::vector<EventPlan> rows;
  std::optional<supervision::CaseTimeline> timeline;
};

// Turns one event row into the engine's object: named columns, "其他属性" JSON and, for JSON-lines,
// every other key as an attribute.
std::optional<nlohmann::json> EventObject(RowReader& r, const InputRow& in) {
  nlohmann::json obj = nlohmann::json::object();
  std::string type = r.Text("type", true, 64);
  if (!r.ok()) return std::nullopt;
  if (!supervision::EventTypeFromId(type)) {
    // People write the 中文 name; accept it.
    for (int t = 0; t < supervision::kEventTypeCount; ++t)
      if (supervision::EventTypeName(static_cast<supervision::EventType>(t)) == type)
        type = std::string(supervision::EventTypeId(static_cast<supervision::EventType>(t)));
  }
  obj["type"] = type;
  const auto time = r.Time("time", true);
  if (!time) return std::nullopt;
  obj["time"] = FormatLocalIso(*time);
  for (const char* key : {"person", "item", "location", "note"}) {
    const std::string v = r.Text(key, false, key == std::string("note") ? 2000 : 64);
    if (!v.empty()) obj[key] = v;
  }
  if (auto n = r.Int("officers", 0, 10000)) obj["officers"] = *n;
  if (r.Has("end")) {
    auto end = r.Time("end", false);
    if (end) obj["end"] = FormatLocalIso(*end);
  }
  if (r.Has("attrs")) {
    nlohmann::json extra = in.obj["attrs"];
    if (extra.is_string()) extra = nlohmann::json::parse(extra.get<std::string>(), nullptr, false);
    if (!extra.is_object()) {
      r.Fail("attrs", "“其他属性”必须是 JSON 对象，例如 {\"guardian_present\": true}");
      return std::nullopt;
    }
    for (auto it = extra.begin(); it != extra.end(); ++it) obj[it.key()] = *it;
  }
  static const std::set<std::string> kNamed = {"case", "external_id", "type",     "time", "person", "item",
                                               "officers", "location", "end", "note", "attrs"};
  for (auto it = in.obj.begin(); it != in.obj.end(); ++it)
    if (!kNamed.contains(it.key())) obj[it.key()] = *it;
  if (!r.ok()) return std::nullopt;
  return obj;
}

std::map<std::int64_t, CaseEvents> PlanEvents(soci::session& sql, const auth::Principal& who,
                                              const std::vector<InputRow>& rows, ImportReport& report,
                                              std::atomic<int>* progress, EpochSeconds now) {
  Lookups look(sql, who);
  std::map<std::int64_t, CaseEvents> by_case;
  std::map<std::pair<std::string, std::string>, int> first_row;
  for (const auto& in : rows) {
    if (progress) ++*progress;
    RowReader r(ImportKind::kEvents, in, report.errors, report.errors_truncated);
    if (in.obj.contains("__invalid__")) {
      r.Fail("", "这一行不是 JSON 对象");
      continue;
    }
    EventPlan p;
    p.row = in.number;
    p.case_ext = r.Text("case", true, 64);
    p.external_id = r.Text("external_id", true, 64);
    if (!r.ok()) continue;
    auto obj = EventObject(r, in);
    if (!obj) continue;
    if (auto [it, fresh] = first_row.emplace(std::make_pair(p.case_ext, p.external_id), in.number); !fresh) {
      r.Fail("external_id", fmt::format("事件编号“{}”与第 {} 行重复", p.external_id, it->second));
      continue;
    }
    auto c = look.Case(p.case_ext);
    if (!c) {
      r.Fail("case", fmt::format("案件编号“{}”不存在（请先导入案件）", p.case_ext));
      continue;
    }
    p.object = std::move(*obj);
    p.object["id"] = fmt::format("row:{}", in.number);
    auto& group = by_case[c->id];
    group.c = *c;
    group.rows.push_back(std::move(p));
  }

  for (auto& [case_id, group] : by_case) {
    auto base = LoadTimelineDoc(sql, case_id);
    if (!base) continue;
    // Stored events: by external id, and (for those without one) by content, so re-imports and
    // events the system created itself (受案 on case import) are recognised.
    std::map<std::string, EventRow> by_external;
    std::vector<EventRow> anonymous;
    {
      SqlArgs a;
      ForEachRow(sql,
                 fmt::format("SELECT type, at, person_ref, item_code, attrs, external_id FROM case_events WHERE case_id "
                             "= {}",
                             a.Int(case_id)),
                 a, [&](const soci::row& row) {
                   EventRow e;
                   e.type = db::GetText(row, 0);
                   e.at = db::GetInt64(row, 1);
                   e.person_ref = db::GetText(row, 2);
                   e.item_code = db::GetText(row, 3);
                   e.attrs = nlohmann::json::parse(db::GetText(row, 4), nullptr, false);
                   if (db::IsNull(row, 5)) anonymous.push_back(std::move(e));
                   else by_external[db::GetText(row, 5)] = std::move(e);
                 });
    }
    auto same = [](const EventRow& a, const EventRow& b) {
      return a.type == b.type && a.at == b.at && a.person_ref == b.person_ref && a.item_code == b.item_code &&
             (a.attrs == b.attrs || b.attrs.empty() || a.attrs.empty());
    };
    std::vector<PendingEvent> pending;
    std::vector<EventPlan*> pending_plans;
    bool group_ok = true;
    for (auto& p : group.rows) {
      const auto at = ParseLocalDateTime(p.object["time"].get<std::string>());
      // Keys the engine would reject are caught by ValidateTimeline below; compare only valid-looking rows.
      EventRow mine;
      if (at && p.object["type"].is_string()) {
        nlohmann::json clean = p.object;
        mine = EventRowFrom(clean, *at);
      }
      if (auto it = by_external.find(p.external_id); it != by_external.end()) {
        if (!same(mine, it->second) || mine.attrs != it->second.attrs) {
          AddIssue(report, p.row, "事件编号",
                   fmt::format("事件编号“{}”已登记为另一事件（已登记的事件不能通过导入修改）", p.external_id));
          group_ok = false;
        } else {
          p.action = Action::kUnchanged;
        }
        continue;
      }
      if (std::any_of(anonymous.begin(), anonymous.end(), [&](const EventRow& e) { return same(mine, e); })) {
        p.action = Action::kUnchanged;
        continue;
      }
      pending.push_back({p.object, fmt::format("第 {} 行的事件", p.row)});
      pending_plans.push_back(&p);
    }
    if (!group_ok) {
      for (auto& p : group.rows) p.action = Action::kUnchanged;  // nothing of this case is written
      group.rows.clear();
      continue;
    }
    int bad = -1;
    auto tl = ValidateTimeline(*base, pending, &bad);
    if (!tl) {
      const int row = bad >= 0 ? pending_plans[bad]->row : group.rows.front().row;
      std::string column;
      const std::string& f = tl.error().field;
      if (f == "type") column = "事件类型";
      else if (f == "time") column = "时间";
      else if (f == "person") column = "人员编号";
      else if (f == "item") column = "财物编号";
      else column = f;
      AddIssue(report, row, column, tl.error().message);
      group.rows.clear();
      continue;
    }
    bool future = false;
    for (const auto& e : tl->events) {
      if (e.time <= now + 600 || !e.id.starts_with("row:")) continue;
      AddIssue(report, std::stoi(e.id.substr(4)), "时间", fmt::format("时间 {} 晚于当前时间", FormatLocalDateTime(e.time)));
      future = true;
      break;
    }
    if (future) {
      group.rows.clear();
      continue;
    }
    group.timeline = std::move(*tl);
    for (auto& p : group.rows) {
      ++report.valid_rows;
      (p.action == Action::kCreate ? report.created : report.unchanged)++;
    }
  }
  return by_case;
}

}  // namespace

// ============================================================================================

std::vector<std::string> ImportColumns(ImportKind kind) {
  std::vector<std::string> out;
  for (const auto& c : ColumnsOf(kind)) out.emplace_back(c.header);
  return out;
}

std::optional<ImportKind> ImportKindFromId(std::string_view id) {
  for (ImportKind k : {ImportKind::kIncidents, ImportKind::kCases, ImportKind::kPersons, ImportKind::kEvents})
    if (id == KindId(k)) return k;
  return std::nullopt;
}

Result<ImportReport> CaseService::Import(const auth::Principal& who, const audit::Actor& actor, ImportKind kind,
                                         std::string_view bytes, std::string_view filename, ImportMode mode,
                                         std::atomic<int>* progress) {
  if (!who.Has(auth::perm::kCaseWrite))
    return Forbidden(fmt::format("没有权限执行此操作（需要 {} 权限）", auth::perm::kCaseWrite), "permission_denied");
  auto rows = ReadRows(kind, bytes, filename);
  if (!rows) return std::unexpected(rows.error());
  const int total = static_cast<int>(rows->size());
  CaseHooks* hooks = hooks_.load(std::memory_order_acquire);

  auto run = [&](soci::session& sql, bool commit) -> Result<ImportReport> {
    ImportReport report;
    report.total_rows = total;
    const EpochSeconds now = clock_.Now();
    std::set<std::int64_t> touched;
    std::string object_ids;
    switch (kind) {
      case ImportKind::kIncidents: {
        auto plans = PlanIncidents(sql, who, *rows, report, progress);
        if (!commit || !report.errors.empty()) return report;
        for (const auto& p : plans) {
          if (progress) ++*progress;
          if (p.action == Action::kUnchanged) continue;
          SqlArgs a;
          if (p.action == Action::kCreate) {
            Exec(sql,
                 fmt::format("INSERT INTO incidents (bureau_id, unit_id, external_id, received_at, category, summary, "
                             "address, result, body_camera, officer_id, created_at, updated_at) VALUES ({}, {}, {}, {}, "
                             "{}, {}, {}, {}, {}, {}, {}, {})",
                             a.Int(p.unit.bureau_id), a.Int(p.unit.id), a.Str(p.external_id), a.Int(p.received_at),
                             a.Str(p.category), a.Str(p.summary), a.Str(p.address), a.Str(p.result),
                             a.Int(p.body_camera ? 1 : 0), a.OptInt(p.officer_id), a.Int(now), a.Int(now)),
                 a);
          } else {
            Exec(sql,
                 fmt::format("UPDATE incidents SET unit_id = {}, received_at = {}, category = {}, summary = {}, "
                             "address = {}, result = {}, body_camera = {}, officer_id = {}, updated_at = {} WHERE id = {}",
                             a.Int(p.unit.id), a.Int(p.received_at), a.Str(p.category), a.Str(p.summary),
                             a.Str(p.address), a.Str(p.result), a.Int(p.body_camera ? 1 : 0), a.OptInt(p.officer_id),
                             a.Int(now), a.Int(*p.existing_id)),
                 a);
          }
        }
        break;
      }
      case ImportKind::kCases: {
        auto plans = PlanCases(sql, who, *rows, report, progress);
        if (!commit || !report.errors.empty()) return report;
        for (const auto& p : plans) {
          if (progress) ++*progress;
          if (p.action == Action::kUnchanged) continue;
          std::int64_t id = 0;
          if (p.action == Action::kCreate) {
            SqlArgs a;
            const bool terminal = IsTerminal(p.case_type, p.status);
            ForEachRow(
                sql,
                fmt::format("INSERT INTO cases (bureau_id, unit_id, external_id, case_type, cause, category, title, "
                            "status, lead_officer_id, legal_officer_id, incident_id, serious, fast_track, accepted_at, "
                            "closed_at, alert_state, created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, "
                            "{}, {}, {}, {}, {}, {}, 'none', {}, {}) RETURNING id",
                            a.Int(p.unit.bureau_id), a.Int(p.unit.id), a.Str(p.external_id), a.Str(p.case_type),
                            a.Str(p.cause), a.Str(p.category), a.Str(p.title), a.Str(p.status), a.Int(p.lead),
                            a.OptInt(p.legal), a.OptInt(p.incident_id), a.Int(p.serious ? 1 : 0),
                            a.Int(p.fast_track ? 1 : 0), a.Int(p.accepted_at),
                            a.OptInt(terminal ? std::optional<std::int64_t>(p.accepted_at) : std::nullopt), a.Int(now),
                            a.Int(now)),
                a, [&](const soci::row& r) { id = db::GetInt64(r, 0); });
            EventRow e;
            e.bureau_id = p.unit.bureau_id;
            e.case_id = id;
            e.source = "import";
            e.recorded_by = who.user_id;
            e.recorded_at = now;
            if (p.incident_id) {
              SqlArgs b;
              Exec(sql, fmt::format("UPDATE incidents SET case_id = {}, updated_at = {} WHERE id = {}", b.Int(id),
                                    b.Int(now), b.Int(*p.incident_id)),
                   b);
              e.type = "report";
              e.at = p.incident_received_at;
              InsertEvent(sql, e);
              e.type = "incident";
              e.attrs = {{"body_camera", p.incident_body_camera}};
              InsertEvent(sql, e);
              e.attrs = nlohmann::json::object();
            }
            e.type = "accept_case";
            e.at = p.accepted_at;
            InsertEvent(sql, e);
          } else {
            id = p.existing->id;
            SqlArgs a;
            Exec(sql,
                 fmt::format("UPDATE cases SET cause = {}, category = {}, title = {}, lead_officer_id = {}, "
                             "legal_officer_id = {}, incident_id = {}, serious = {}, fast_track = {}, updated_at = {} "
                             "WHERE id = {}",
                             a.Str(p.cause), a.Str(p.category), a.Str(p.title), a.Int(p.lead), a.OptInt(p.legal),
                             a.OptInt(p.incident_id), a.Int(p.serious ? 1 : 0), a.Int(p.fast_track ? 1 : 0), a.Int(now),
                             a.Int(id)),
                 a);
            if (p.incident_id && p.existing->incident_id != p.incident_id) {
              SqlArgs b;
              Exec(sql, fmt::format("UPDATE incidents SET case_id = {}, updated_at = {} WHERE id = {}", b.Int(id),
                                    b.Int(now), b.Int(*p.incident_id)),
                   b);
            }
          }
          SqlArgs d;
          Exec(sql, fmt::format("DELETE FROM case_officers WHERE case_id = {}", d.Int(id)), d);
          std::vector<std::pair<std::int64_t, const char*>> officers = {{p.lead, "lead"}};
          for (auto a : p.assists) officers.emplace_back(a, "assist");
          for (const auto& [person, role] : officers) {
            SqlArgs b;
            Exec(sql,
                 fmt::format("INSERT INTO case_officers (case_id, person_id, role, bureau_id) VALUES ({}, {}, {}, {})",
                             b.Int(id), b.Int(person), b.Str(role), b.Int(p.unit.bureau_id)),
                 b);
          }
          audit::Append(sql, clock_, actor,
                        {p.action == Action::kCreate ? "case.create" : "case.update", "case", std::to_string(id),
                         fmt::format("导入{}案件 {}（{}）", p.action == Action::kCreate ? "新增" : "更新", p.external_id,
                                     p.cause),
                         {{"via", "import"}, {"row", p.row}, {"file", filename}}});
          touched.insert(id);
        }
        break;
      }
      case ImportKind::kPersons: {
        auto plans = PlanPersons(sql, who, vault_, *rows, report, progress);
        if (!commit || !report.errors.empty()) return report;
        for (const auto& p : plans) {
          if (progress) ++*progress;
          if (p.action == Action::kUnchanged) continue;
          SqlArgs a;
          const std::optional<std::string> enc =
              p.id_number.empty() ? std::nullopt : std::optional<std::string>(vault_.Encrypt(p.id_number));
          const std::optional<std::int64_t> age = p.age ? std::optional<std::int64_t>(*p.age) : std::nullopt;
          if (p.action == Action::kCreate) {
            Exec(sql,
                 fmt::format("INSERT INTO case_persons (bureau_id, case_id, ref, name, role, age, female, pregnant, "
                             "nursing_infant, identity_unknown, id_number_enc, created_at) VALUES ({}, {}, {}, {}, {}, "
                             "{}, {}, {}, {}, {}, {}, {})",
                             a.Int(p.c.bureau_id), a.Int(p.c.id), a.Str(p.ref), a.Str(p.name), a.Str(p.role),
                             a.OptInt(age), a.Int(p.female), a.Int(p.pregnant), a.Int(p.nursing), a.Int(p.unknown),
                             a.OptStr(enc), a.Int(now)),
                 a);
          } else {
            Exec(sql,
                 fmt::format("UPDATE case_persons SET name = {}, role = {}, age = {}, female = {}, pregnant = {}, "
                             "nursing_infant = {}, identity_unknown = {}, id_number_enc = {} WHERE id = {}",
                             a.Str(p.name), a.Str(p.role), a.OptInt(age), a.Int(p.female), a.Int(p.pregnant),
                             a.Int(p.nursing), a.Int(p.unknown), a.OptStr(enc), a.Int(*p.existing_id)),
                 a);
          }
          touched.insert(p.c.id);
        }
        // A changed person (age, flags) must still give the engine a valid timeline.
        for (std::int64_t id : touched) {
          auto doc = LoadTimelineDoc(sql, id);
          if (!doc) return std::unexpected(doc.error());
          if (auto tl = ValidateTimeline(*doc, {}); !tl) return std::unexpected(tl.error());
        }
        break;
      }
      case ImportKind::kEvents: {
        auto plans = PlanEvents(sql, who, *rows, report, progress, now);
        if (!commit || !report.errors.empty()) return report;
        for (auto& [case_id, group] : plans) {
          std::map<std::string, EpochSeconds> times;
          for (const auto& e : group.timeline->events) times[e.id] = e.time;
          std::set<std::string> items;
          for (const auto& p : group.rows) {
            if (progress) ++*progress;
            if (p.action == Action::kUnchanged) continue;
            EventRow row = EventRowFrom(p.object, times[p.object["id"].get<std::string>()]);
            row.bureau_id = group.c.bureau_id;
            row.case_id = case_id;
            row.external_id = p.external_id;
            row.source = "import";
            row.recorded_by = who.user_id;
            row.recorded_at = now;
            if (!row.item_code.empty()) {
              if (auto r = EnsureProperty(sql, group.c.bureau_id, case_id, row.item_code, now); !r) {
                AddIssue(report, p.row, "财物编号", r.error().message);
                report.committed = false;
                return std::unexpected(Error{ErrorCode::kInvalidArgument,
                                             fmt::format("第 {} 行：{}", p.row, r.error().message), "item"});
              }
              items.insert(row.item_code);
            }
            InsertEvent(sql, row);
            touched.insert(case_id);
          }
          for (const auto& code : items) RefreshPropertyStatus(sql, case_id, code, now);
        }
        // Status follows the acts imported (e.g. 移送起诉 → transferred) for cases still open.
        for (std::int64_t id : touched) {
          SqlArgs a;
          std::vector<std::string> types;
          std::string case_type, status;
          ForEachRow(sql, fmt::format("SELECT case_type, status FROM cases WHERE id = {}", a.Int(id)), a,
                     [&](const soci::row& r) {
                       case_type = db::GetText(r, 0);
                       status = db::GetText(r, 1);
                     });
          SqlArgs b;
          ForEachRow(sql, fmt::format("SELECT type FROM case_events WHERE case_id = {} ORDER BY at, id", b.Int(id)), b,
                     [&](const soci::row& r) { types.push_back(db::GetText(r, 0)); });
          const std::string derived = StatusFromEvents(case_type, types);
          if (derived != std::string(kInitialStatus) && derived != status && !IsTerminal(case_type, status)) {
            SqlArgs c;
            Exec(sql,
                 fmt::format("UPDATE cases SET status = {}, updated_at = {} WHERE id = {}", c.Str(derived), c.Int(now),
                             c.Int(id)),
                 c);
          }
        }
        break;
      }
    }
    for (std::int64_t id : touched) {
      SqlArgs a;
      Exec(sql, fmt::format("UPDATE cases SET updated_at = {} WHERE id = {}", a.Int(now), a.Int(id)), a);
      if (hooks)
        if (auto r = hooks->OnCaseChanged(sql, id); !r) return std::unexpected(r.error());
      if (object_ids.size() < 2000) object_ids += (object_ids.empty() ? "" : ",") + std::to_string(id);
    }
    report.committed = true;
    audit::Append(sql, clock_, actor,
                  {fmt::format("{}.import", kind == ImportKind::kIncidents ? "incident"
                                            : kind == ImportKind::kCases  ? "case"
                                            : kind == ImportKind::kPersons ? "case_person"
                                                                           : "case_event"),
                   kind == ImportKind::kIncidents ? "incident" : "case", "",
                   fmt::format("导入{}“{}”：新增 {}，更新 {}，未变 {}", KindName(kind), filename, report.created,
                               report.updated, report.unchanged),
                   {{"file", filename},
                    {"kind", KindId(kind)},
                    {"total_rows", report.total_rows},
                    {"created", report.created},
                    {"updated", report.updated},
                    {"unchanged", report.unchanged},
                    {"case_ids", object_ids}}});
    return report;
  };

  if (mode == ImportMode::kCheck) return db_.Read([&](soci::session& sql) { return run(sql, false); });
  try {
    // Planning writes nothing, so a file with bad rows commits an empty transaction and returns
    // its report with committed = false.
    return db_.Write([&](soci::session& sql) { return run(sql, true); });
  } catch (const std::exception& e) {
    if (db::IsUniqueViolation(e))
      return Conflict("导入的数据与其他人同时写入的数据冲突（编号重复），请重新导入", "concurrent_import");
    throw;
  }
}

Result<ImportJob> CaseService::StartImportJob(const auth::Principal& who, const audit::Actor& actor, ImportKind kind,
                                              std::string bytes, std::string filename) {
  if (!who.Has(auth::perm::kCaseWrite))
    return Forbidden(fmt::format("没有权限执行此操作（需要 {} 权限）", auth::perm::kCaseWrite), "permission_denied");
  auto rows = ReadRows(kind, bytes, filename);
  if (!rows) return std::unexpected(rows.error());
  auto slot = std::make_shared<JobSlot>();
  {
    std::lock_guard lock(jobs_mu_);
    slot->job.id = fmt::format("{}-{}", clock_.Now(), ++job_seq_);
    slot->job.user_id = who.user_id;
    slot->job.kind = KindId(kind);
    slot->job.filename = filename;
    slot->job.state = "queued";
    // Progress counts each row twice: once when checked, once when written.
    slot->job.total = static_cast<int>(rows->size()) * 2;
    slot->job.created_at = clock_.Now();
    jobs_[slot->job.id] = slot;
    // Keep the registry bounded: drop finished jobs older than the last 200.
    while (jobs_.size() > 200) {
      auto oldest = std::find_if(jobs_.begin(), jobs_.end(),
                                 [](const auto& kv) { return kv.second->job.state == "done" || kv.second->job.state == "failed"; });
      if (oldest == jobs_.end()) break;
      jobs_.erase(oldest);
    }
    // Reap finished threads (their state is set under this lock as their last act).
    for (auto it = job_threads_.begin(); it != job_threads_.end();) {
      const std::string& st = it->first->job.state;
      if (st == "done" || st == "failed") {
        it->second.join();
        it = job_threads_.erase(it);
      } else {
        ++it;
      }
    }
    job_threads_.emplace_back(slot, std::thread([this, slot, who, actor, kind, bytes = std::move(bytes), filename] {
      {
        std::lock_guard l(jobs_mu_);
        slot->job.state = "running";
      }
      Result<ImportReport> report = Internal("导入异常中断");
      try {
        report = Import(who, actor, kind, bytes, filename, ImportMode::kCommit, &slot->progress);
      } catch (const std::exception& e) {
        report = Internal(std::string("导入失败：") + e.what());
      }
      std::lock_guard l(jobs_mu_);
      slot->job.finished_at = clock_.Now();
      if (report) {
        slot->job.state = "done";
        slot->job.report = *report;
      } else {
        slot->job.state = "failed";
        slot->job.error = report.error().message;
      }
    }));
  }
  return GetImportJob(who, slot->job.id);
}

Result<ImportJob> CaseService::GetImportJob(const auth::Principal& who, const std::string& id) const {
  std::lock_guard lock(jobs_mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->job.user_id != who.user_id) return NotFound("导入任务不存在");
  ImportJob job = it->second->job;
  job.processed = std::min(it->second->progress.load(), job.total);
  if (job.state == "done") job.processed = job.total;
  return job;
}

}  // namespace fazhi::cases
