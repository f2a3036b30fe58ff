// Plain data of the bulletins module (通报): 执法质量通报 (kind "quality", monthly, 12 a year) and
// 执法规范化建设通报 (kind "standardization", quarterly, 4 a year). No logic here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "kit/bulletin_section.h"

namespace fazhi::bulletins {

inline constexpr const char* kQuality = "quality";                  // 执法质量通报
inline constexpr const char* kStandardization = "standardization";  // 执法规范化建设通报

// The paragraphs a person writes (导语, one per section, 下步工作要求). The figures are not here:
// they stay bound to the data (Bulletin::sections).
struct Narrative {
  std::string intro;
  std::map<std::string, std::string> sections;  // section id → paragraph
  std::string closing;
};

// 草稿 draft → 已审批 approved (by a 局领导) → 已发布 published (numbered, frozen).
struct Bulletin {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::string bureau_name;
  std::string issuer;  // the bureau's legal unit ("法制大队"), who edits and signs it
  std::string kind;    // quality / standardization
  std::string period;  // "2023-07" / "2023-Q3"
  std::string state;   // draft / approved / published
  std::string title;
  std::vector<kit::BulletinSection> sections;  // computed when the draft was generated
  Narrative narrative;
  std::optional<std::int64_t> corrects_id;  // the published issue this one corrects (更正)
  std::string corrects_issue_no;
  std::optional<int> issue_year, issue_seq;  // 期号 once published
  std::string issue_no;                      // "2023年第7期" once published
  std::string created_by_name, approved_by_name, published_by_name;
  EpochSeconds created_at = 0, updated_at = 0;
  std::optional<EpochSeconds> approved_at, published_at;
};

// What the list shows of a bulletin.
struct BulletinSummary {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::string kind, period, state, title, issue_no, corrects_issue_no;
  std::optional<std::int64_t> corrects_id;
  EpochSeconds created_at = 0;
  std::optional<EpochSeconds> published_at;
};

struct BulletinFilter {
  std::optional<std::int64_t> bureau_id;
  std::optional<std::string> kind;
  std::optional<std::string> state;
  std::optional<int> year;
};

struct GenerateInput {
  std::string kind;
  std::string period;
  std::optional<std::int64_t> bureau_id;    // default: the caller's bureau
  std::optional<std::int64_t> corrects_id;  // a correction (更正) of this published issue
};

// A partial edit of the narrative: absent parts are kept.
struct NarrativeEdit {
  std::optional<std::string> intro;
  std::map<std::string, std::string> sections;
  std::optional<std::string> closing;
};

struct FileDownload {
  std::string bytes;
  std::string content_type;
  std::string filename;
};

}  // namespace fazhi::bulletins
