// 谁执法谁普法 (law publicity by the enforcers): plain data of the publicity module — a unit's duty list
// (普法责任清单), the yearly cycle (年初计划 → 年中检查 → 年终总结), the campaign calendar (普法宣传节点)
// and the events (普法活动) with their audience, materials and photos.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace fazhi::publicity {

// A campaign of the calendar, in a year: [from, to) local days.
struct Campaign {
  std::string code;  // police_day, security_day, econ_crime_day, drug_day, cyber_week, constitution_week
  std::string name;  // 人民警察节 …
  EpochSeconds from = 0, to = 0;
};
// The fixed calendar of `year`: 1.10 中国人民警察节, 4.15 全民国家安全教育日, 5.15 打击和防范经济犯罪宣传日,
// 6.26 国际禁毒日, 国家网络安全宣传周 (seven days from the second Monday of September — the week it is
// usually held; the exact week is announced each year), 12.4 宪法宣传周 (12.1–12.7).
std::vector<Campaign> Campaigns(int year);
// The campaign's name for a code; "" when unknown.
std::string CampaignName(const std::string& code);

struct Duty {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, law, audience, note;
  EpochSeconds created_at = 0;
};

// A stage of a unit's cycle; status is derived: submitted, pending, due_soon (≤ 7 days), overdue.
struct CycleItem {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, stage, content, status;
  int year = 0;
  EpochSeconds due_at = 0;
  std::optional<EpochSeconds> submitted_at;
  std::optional<std::int64_t> order_id;  // the 督办 order the sweep opened when it was overdue
};

struct Attachment {
  std::int64_t id = 0;
  std::string kind;  // material / photo
  std::string filename, content_type;
  std::int64_t size = 0;
};

struct Event {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, campaign, title, place, laws, summary;
  EpochSeconds held_at = 0;
  std::int64_t audience = 0;
  std::vector<Attachment> files;
};

struct EventInput {
  std::optional<std::int64_t> unit_id;  // default the caller's unit
  std::string campaign, title, place, laws, summary;
  EpochSeconds held_at = 0;
  std::int64_t audience = 0;
};

struct EventFilter {
  std::optional<int> year;
  std::string campaign;
  std::optional<std::int64_t> unit_id;
};

// The year summary generated from the records.
struct YearSummary {
  int year = 0;
  std::int64_t events = 0, audience = 0, duties = 0;
  struct Row {
    std::string key, name;
    std::int64_t events = 0, audience = 0;
  };
  std::vector<Row> by_campaign;  // every campaign of the calendar, then "其他"
  std::vector<Row> by_unit;      // units with events or duties
  std::int64_t cycle_done = 0, cycle_total = 0, cycle_late = 0;
  std::string text;  // the generated paragraph
};

}  // namespace fazhi::publicity
