#include "org/person_rules.h"

#include <fmt/format.h>

#include <algorithm>

#include "auth/vault.h"
#include "core/text.h"
#include "org/org_types.h"

namespace fazhi::org {

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool HasControlChar(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace

std::vector<FieldIssue> NormalizeAndCheck(PersonDraft& d) {
  d.name = Trim(d.name);
  d.badge_no = Trim(d.badge_no);
  d.kind = Trim(d.kind);
  d.position = Trim(d.position);
  d.id_number = Upper(Trim(d.id_number));
  std::string phone;
  for (char c : Trim(d.phone))
    if (c != ' ' && c != '-') phone += c;
  d.phone = phone;

  std::vector<FieldIssue> issues;
  const auto name_len = Utf8Length(d.name);
  if (name_len < 0 || HasControlChar(d.name))
    issues.push_back({"name", "姓名含有无效字符"});
  else if (name_len == 0)
    issues.push_back({"name", "姓名不能为空"});
  else if (name_len > kMaxNameChars)
    issues.push_back({"name", fmt::format("姓名不能超过 {} 个字", kMaxNameChars)});

  const bool police = d.kind == kKindPolice;
  const bool auxiliary = d.kind == kKindAuxiliary;
  if (d.kind.empty())
    issues.push_back({"kind", "类别不能为空，应为“民警”或“辅警”"});
  else if (!police && !auxiliary)
    issues.push_back({"kind", fmt::format("类别“{}”无效，应为“民警”或“辅警”", d.kind)});

  if (d.badge_no.empty()) {
    issues.push_back({"badge_no", "警号不能为空"});
  } else if (police) {
    if (!AllDigits(d.badge_no) || d.badge_no.size() < 6 || d.badge_no.size() > 8)
      issues.push_back({"badge_no", fmt::format("民警警号应为 6–8 位数字，“{}”不符合", d.badge_no)});
  } else if (auxiliary) {
    const auto len = Utf8Length(d.badge_no);
    if (len < 0 || HasControlChar(d.badge_no) || d.badge_no.find(' ') != std::string::npos)
      issues.push_back({"badge_no", "辅警编号不能含有空格或无效字符"});
    else if (len > kMaxAuxiliaryBadgeChars)
      issues.push_back({"badge_no", fmt::format("辅警编号不能超过 {} 个字符", kMaxAuxiliaryBadgeChars)});
  }

  const auto pos_len = Utf8Length(d.position);
  if (pos_len < 0 || HasControlChar(d.position))
    issues.push_back({"position", "职务含有无效字符"});
  else if (pos_len > kMaxPositionChars)
    issues.push_back({"position", fmt::format("职务不能超过 {} 个字", kMaxPositionChars)});

  if (!d.id_number.empty() && !auth::IsValidIdNumber(d.id_number)) {
    // Excel shows long numbers in scientific notation and drops the last digits.
    if (d.id_number.find("E+") != std::string::npos)
      issues.push_back({"id_number", "身份证号被 Excel 转成了科学计数法，请把该列设为“文本”格式后重新填写"});
    else
      issues.push_back({"id_number", "身份证号无效：应为 18 位，最后一位校验码须正确"});
  }
  if (!d.phone.empty() && !auth::IsValidMobile(d.phone)) issues.push_back({"phone", "手机号无效：应为 11 位手机号码"});
  return issues;
}

std::string ColumnLabel(std::string_view field) {
  if (field == "name") return "姓名";
  if (field == "badge_no") return "警号";
  if (field == "kind") return "类别";
  if (field == "unit_id" || field == "unit") return "单位";
  if (field == "position") return "职务";
  if (field == "is_legal_officer") return "法制员";
  if (field == "id_number") return "身份证号";
  if (field == "phone") return "手机号";
  if (field == "active") return "状态";
  return std::string(field);
}

bool ParseYesNo(std::string_view text, bool& value) {
  const std::string t = Upper(Trim(text));
  if (t == "是" || t == "Y" || t == "YES" || t == "1" || t == "TRUE") {
    value = true;
    return true;
  }
  if (t == "否" || t == "N" || t == "NO" || t == "0" || t == "FALSE") {
    value = false;
    return true;
  }
  return false;
}

bool LooksMasked(std::string_view value) { return value.find('*') != std::string_view::npos; }

}  // namespace fazhi::org
