// Validation of people's fields, shared by the API and the roster import. Pure: no database.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fazhi::org {

// A person's own fields as typed by a user (the unit is resolved separately).
struct PersonDraft {
  std::string name;
  std::string badge_no;
  std::string kind;
  std::string position;
  bool is_legal_officer = false;
  std::string id_number;  // "" = none
  std::string phone;      // "" = none
};

// A problem with one field: `field` is the API name ("badge_no"), `message` is 中文.
struct FieldIssue {
  std::string field;
  std::string message;
};

inline constexpr int kMaxNameChars = 32;
inline constexpr int kMaxPositionChars = 32;
inline constexpr int kMaxAuxiliaryBadgeChars = 16;

// Trims every text field, upper-cases the 身份证号 check letter and drops spaces and '-' inside a
// phone number, then checks every rule. Returns all problems (empty = valid), in field order.
// Rules: 姓名 1–32 characters; 类别 民警 or 辅警; 民警 警号 6–8 digits; 辅警 编号 1–16 characters
// without spaces; 职务 ≤ 32 characters; 身份证号 empty or 18 characters with a valid GB 11643
// check digit; 手机号 empty or an 11-digit mainland mobile number.
std::vector<FieldIssue> NormalizeAndCheck(PersonDraft& draft);

// 中文 column header of an API field name ("badge_no" → "警号"); the name itself if unknown.
std::string ColumnLabel(std::string_view field);

// Parses a 法制员 cell: 是/否/Y/N/1/0/TRUE/FALSE (any case). Returns false on anything else.
bool ParseYesNo(std::string_view text, bool& value);

// True when a value looks like a masked export (contains '*'), e.g. "1405**********1234".
bool LooksMasked(std::string_view value);

}  // namespace fazhi::org
