// Case status state machine (案件状态流转): the explicit table of allowed moves per case type, who
// may make each (permission), and the event each move appends to the event log so supervision and
// scoring see the act. Pure data and logic: no I/O.
//
// 刑事 criminal:   accepted 受案 → filed 立案 → investigating 侦查 → transferred 移送起诉 → closed 结案
//                  accepted → declined 不予立案; filed/investigating → withdrawn 撤销案件;
//                  transferred → investigating (退回补充侦查); accepted → handed_over 移送管辖
// 行政 administrative: accepted 受案 → investigating 调查 → decided 处罚决定 → closed 结案
//                  investigating → closed (不予处罚/撤销, case_concluded); accepted → handed_over 移送管辖
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fazhi::cases {

struct Transition {
  std::string_view case_type;  // kCriminal / kAdministrative
  std::string_view from;
  std::string_view to;
  std::string_view name_zh;     // the act, e.g. "立案"
  std::string_view permission;  // case.write or case.review
  std::string_view event;       // engine event type appended on the move ("" = none)
};

// Every allowed move, in display order.
const std::vector<Transition>& Transitions();
// The move from → to for this case type; nullptr if the table has none.
const Transition* FindTransition(std::string_view case_type, std::string_view from, std::string_view to);
// The status a new case starts in ("accepted").
inline constexpr std::string_view kInitialStatus = "accepted";

// Statuses valid for a case type, in order.
std::vector<std::string_view> Statuses(std::string_view case_type);
bool IsStatus(std::string_view case_type, std::string_view status);
// Status is final (no move leaves it).
bool IsTerminal(std::string_view case_type, std::string_view status);
// 中文 name ("侦查", "处罚决定" …); the id itself if unknown.
std::string StatusName(std::string_view case_type, std::string_view status);
std::string CaseTypeName(std::string_view case_type);  // 刑事 / 行政

// The status implied by a case's event types in time order, as the import and demo use to set a
// case's status from its acts (e.g. transfer_prosecution → transferred). Unknown/irrelevant events
// are ignored; starts from "accepted".
std::string StatusFromEvents(std::string_view case_type, const std::vector<std::string>& event_types);

}  // namespace fazhi::cases
