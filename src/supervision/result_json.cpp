#include "supervision/result_json.h"

#include "core/local_time.h"

namespace fazhi::supervision {
namespace {

using nlohmann::ordered_json;

void PutTime(ordered_json& obj, const char* key, EpochSeconds t) {
  const std::string local_key = std::string(key) + "_local";
  if (t == kNoTime) {
    obj[key] = nullptr;
    obj[local_key] = nullptr;
  } else {
    obj[key] = t;
    obj[local_key] = FormatLocalDateTime(t);
  }
}

std::string_view StatusId(RuleStatus s) {
  switch (s) {
    case RuleStatus::kV: return "V";
    case RuleStatus::kS: return "S";
    case RuleStatus::kU: return "U";
  }
  return "U";
}

}  // namespace

ordered_json ResultsToJson(const CaseTimeline& tl, EpochSeconds at, const Catalog& catalog,
                           const std::vector<RuleResult>& results) {
  ordered_json doc;
  doc["case_id"] = tl.case_id;
  doc["case_type"] = CaseTypeId(tl.case_type);
  PutTime(doc, "at", at);
  doc["hour_reading"] = catalog.settings.hour_reading == HourReading::kExact ? "exact" : "next_full_hour";
  ordered_json summary = {{"overdue", 0}, {"pre_warn", 0}, {"done_late", 0}, {"missing", 0}, {"running", 0}};
  ordered_json list = ordered_json::array();
  for (const RuleResult& r : results) {
    const std::string_view state = RuleStateId(r.state);
    if (summary.contains(state)) summary[std::string(state)] = summary[std::string(state)].get<int>() + 1;
    ordered_json item;
    item["rule_id"] = r.rule->id;
    item["name"] = r.rule->name;
    item["state"] = state;
    item["state_zh"] = RuleStateZh(r.state);
    if (r.person >= 0)
      item["subject"] = tl.persons[r.person].id;
    else if (r.item >= 0)
      item["subject"] = tl.items[r.item];
    else
      item["subject"] = nullptr;
    item["trigger_event"] = r.trigger_event >= 0 ? ordered_json(tl.events[r.trigger_event].id) : ordered_json(nullptr);
    item["closing_event"] = r.closing_event >= 0 ? ordered_json(tl.events[r.closing_event].id) : ordered_json(nullptr);
    PutTime(item, "due", r.due);
    PutTime(item, "pre_warn", r.pre_warn);
    PutTime(item, "since", r.since);
    // A limit only where a clock runs: not for rules not started or not applicable (their limit is
    // meaningless), nor for requirement/presence/request rules.
    if (r.rule->kind == RuleKind::kDeadline && r.trigger_event >= 0 && r.note != ResultNote::kMissingLimit &&
        r.state != RuleState::kNotStarted && r.state != RuleState::kNotApplicable)
      item["limit"] = {{"value", r.limit.value}, {"unit", TimeUnitId(r.limit.unit)}};
    else
      item["limit"] = nullptr;
    item["legal_basis"] = r.rule->legal_basis;
    item["status"] = StatusId(r.rule->status);
    item["message"] = ResultMessage(r, tl);
    list.push_back(std::move(item));
  }
  doc["summary"] = std::move(summary);
  doc["results"] = std::move(list);
  return doc;
}

}  // namespace fazhi::supervision
