// The import's input: CSV, XLSX (files/spreadsheet.h) or JSON-lines files read into rows with the
// column keys of each import kind (docs/cases.md §6), and typed access to a row's values.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "cases/case_import_parts.h"
#include "cases/case_service.h"
#include "core/local_time.h"
#include "core/text.h"
#include "files/spreadsheet.h"

namespace fazhi::cases::import {

namespace {

constexpr std::size_t kMaxJsonLines = 200000;
constexpr std::size_t kMaxFileBytes = 50u << 20;

}  // namespace

const std::vector<Column>& ColumnsOf(ImportKind kind) {
  static const std::vector<Column> kIncidents = {
      {"external_id", "警情编号", true, {"接警编号"}},
      {"unit", "单位", true, {"管辖单位", "处警单位", "所属单位", "部门", "接警单位"}},
      {"received_at", "接警时间", true, {"报警时间"}},
      {"category", "警情类别", true, {"类别", "警情类型"}},
      {"summary", "简要情况", false, {"警情内容", "简要案情"}},
      {"address", "地址", false, {"发生地址", "案发地址"}},
      {"result", "处理结果", false, {"处警结果"}},
      {"body_camera", "执法记录仪", false, {"执法记录仪视频", "视音频"}},
      {"officer_badge", "处警民警警号", false, {"处警人警号", "处警民警警员编号"}},
  };
  static const std::vector<Column> kCases = {
      {"external_id", "案件编号", true, {"案件编码"}},
      {"case_type", "案件类型", true, {"案件类别"}},
      {"cause", "案由", true},
      {"category", "打击类别", false},
      {"title", "案件名称", false},
      {"unit", "办案单位", true, {"单位", "主办单位", "所属单位", "办案部门", "部门"}},
      {"lead_badge", "主办民警警号", true, {"主办人警号", "主办民警警员编号", "主办人警员编号"}},
      {"assist_badges", "协办民警警号", false, {"协办人警号", "协办民警警员编号", "协办人警员编号"}},
      {"legal_badge", "法制员警号", false, {"法制员警员编号"}},
      {"incident", "警情编号", false},
      {"accepted_at", "受案时间", true},
      {"status", "状态", false, {"案件状态"}},
      {"serious", "重大案件", false},
      {"fast_track", "快速办理", false},
      {"many_people", "涉案人数众多", false, {"人数众多"}},
  };
  static const std::vector<Column> kPersons = {
      {"case", "案件编号", true},
      {"ref", "人员编号", true},
      {"name", "姓名", false, {"人员姓名"}},
      {"role", "角色", true, {"人员类型", "涉案人员类型"}},
      {"age", "年龄", false},
      {"gender", "性别", false},
      {"pregnant", "怀孕", false},
      {"nursing_infant", "哺乳", false, {"哺乳未满一周岁婴儿"}},
      {"identity_unknown", "身份不明", false},
      {"id_number", "身份证号", false, {"公民身份号码", "身份证号码", "身份证"}},
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
      // Facts of 延长审批 / 提请延长 and of 释放 (docs/events.md); optional, for the types that admit them.
      {"rule", "延长的规则", false, {"延长规则"}},
      {"requested_at", "提请延长时间", false, {"提请时间"}},
      {"offences", "作案次数", false},
      {"gang_size", "共同作案人数", false, {"结伙人数"}},
      {"roving", "流窜作案", false},
      {"major_suspect", "重大嫌疑分子", false},
      {"release_mode", "离开方式", false},
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

namespace {

bool LooksLikeJsonLines(std::string_view bytes, std::string_view filename) {
  if (filename.ends_with(".jsonl") || filename.ends_with(".ndjson") || filename.ends_with(".json")) return true;
  std::size_t i = 0;
  if (bytes.starts_with("\xEF\xBB\xBF")) i = 3;
  while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) ++i;
  return i < bytes.size() && bytes[i] == '{';
}

}  // namespace

Result<InputFile> ReadRows(ImportKind kind, std::string_view bytes, std::string_view filename) {
  if (bytes.empty()) return Invalid("文件为空", "file");
  if (bytes.size() > kMaxFileBytes) return Fail(ErrorCode::kPayloadTooLarge, "文件超过 50 MB", "file", "too_large");
  const auto& columns = ColumnsOf(kind);
  InputFile file;
  std::vector<InputRow>& rows = file.rows;
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
    return file;
  }
  files::SheetLimits limits;
  limits.max_file_bytes = kMaxFileBytes;
  limits.max_uncompressed_bytes = 4 * kMaxFileBytes;
  limits.max_rows = kMaxJsonLines;
  const auto sheet = FZ_TRY(files::ReadSheet(bytes, filename, limits));
  if (sheet.rows.empty()) return Invalid("文件为空", "file");
  // Header row (below any title rows) → column keys; unknown columns are ignored with a note.
  auto column_of = [&columns](const std::string& h) -> const Column* {
    for (const auto& c : columns) {
      if (h == c.header || h == c.key) return &c;
      for (const char* alias : c.aliases)
        if (h == alias) return &c;
    }
    return nullptr;
  };
  const std::size_t header_at =
      files::FindHeaderRow(sheet, [&](const std::string& h) { return column_of(h) != nullptr; });
  const auto& header = sheet.rows[header_at];
  if (header_at > 0)
    file.notes.push_back(fmt::format("表头在第 {} 行，其上的 {} 行标题已跳过", header.number, header_at));
  std::vector<const Column*> map(header.cells.size(), nullptr);
  std::set<std::string> seen;
  std::string ignored;
  // 单位 and 部门 side by side (人事/警综 exports): the unit is 单位/部门, the 部门 inside the 单位.
  std::vector<std::size_t> unit_cols;
  for (std::size_t i = 0; i < header.cells.size(); ++i) {
    const std::string h = files::NormalizeHeader(header.cells[i]);
    if (h.empty()) continue;
    const Column* found = column_of(h);
    if (!found) {
      ignored += (ignored.empty() ? "" : "、") + h;
      continue;
    }
    const bool is_unit = std::string_view(found->key) == "unit";
    const bool second_unit = is_unit && unit_cols.size() == 1;
    if (!seen.insert(found->key).second && !second_unit)
      return Invalid(fmt::format("第 {} 行：列“{}”出现了两次", header.number, h), "file", "duplicate_column");
    if (is_unit) unit_cols.push_back(i);
    map[i] = found;
  }
  std::stable_partition(unit_cols.begin(), unit_cols.end(), [&](std::size_t i) {
    return files::NormalizeHeader(header.cells[i]).find("部门") == std::string::npos;
  });
  for (const auto& c : columns)
    if (c.required && !seen.contains(c.key))
      return Invalid(fmt::format("第 {} 行（表头）缺少必填列“{}”", header.number, c.header), "file", "missing_column");
  if (!ignored.empty()) file.notes.push_back(fmt::format("已忽略{}导入不使用的列：{}", KindName(kind), ignored));
  for (std::size_t r = header_at + 1; r < sheet.rows.size(); ++r) {
    InputRow row;
    row.number = sheet.rows[r].number;
    row.obj = nlohmann::json::object();
    const auto& cells = sheet.rows[r].cells;
    for (std::size_t i = 0; i < cells.size() && i < map.size(); ++i) {
      if (!map[i] || std::string_view(map[i]->key) == "unit") continue;
      const std::string v = Trim(cells[i]);
      if (!v.empty()) row.obj[map[i]->key] = v;
    }
    std::string unit;
    for (std::size_t i : unit_cols) {
      const std::string v = i < cells.size() ? Trim(cells[i]) : std::string();
      if (!v.empty()) unit += (unit.empty() ? "" : "/") + v;
    }
    if (!unit.empty()) row.obj["unit"] = unit;
    rows.push_back(std::move(row));
  }
  return file;
}

void AddIssue(ImportReport& report, int row, std::string column, std::string message) {
  if (report.errors.size() >= kMaxReportedIssues) {
    report.errors_truncated = true;
    return;
  }
  report.errors.push_back({row, std::move(column), std::move(message)});
}

void RowReader::Fail(const std::string& key, const std::string& message) {
  if (!ok_) return;  // one message per row is enough
  ok_ = false;
  AddIssue(report_, row_.number, HeaderOf(key), message);
}

std::string RowReader::HeaderOf(const std::string& key) const {
  for (const auto& c : ColumnsOf(kind_))
    if (key == c.key) return c.header;
  return key;
}

std::string RowReader::Text(const std::string& key, bool required, int max_chars) {
  if (!Has(key)) {
    if (required) Fail(key, fmt::format("“{}”不能为空", HeaderOf(key)));
    return {};
  }
  const auto& v = row_.obj[key];
  std::string s;
  if (v.is_string())
    s = Trim(v.get<std::string>());
  else if (v.is_number_integer())
    s = std::to_string(v.get<std::int64_t>());
  else {
    Fail(key, fmt::format("“{}”必须是文本", HeaderOf(key)));
    return {};
  }
  const auto len = Utf8Length(s);
  if (len < 0)
    Fail(key, fmt::format("“{}”含有无效字符", HeaderOf(key)));
  else if (required && len == 0)
    Fail(key, fmt::format("“{}”不能为空", HeaderOf(key)));
  else if (len > max_chars)
    Fail(key, fmt::format("“{}”不能超过 {} 个字", HeaderOf(key), max_chars));
  return s;
}

std::optional<bool> RowReader::Bool(const std::string& key) {
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

std::optional<std::int64_t> RowReader::Int(const std::string& key, std::int64_t min, std::int64_t max) {
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

std::optional<EpochSeconds> RowReader::Time(const std::string& key, bool required) {
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

}  // namespace fazhi::cases::import

namespace fazhi::cases {

std::vector<std::string> ImportColumns(ImportKind kind) {
  std::vector<std::string> out;
  for (const auto& c : import::ColumnsOf(kind)) out.emplace_back(c.header);
  return out;
}

std::optional<ImportKind> ImportKindFromId(std::string_view id) {
  for (ImportKind k : {ImportKind::kIncidents, ImportKind::kCases, ImportKind::kPersons, ImportKind::kEvents})
    if (id == import::KindId(k)) return k;
  return std::nullopt;
}

}  // namespace fazhi::cases
