// The supervision engine (执法监督引擎): given one case's timeline, a moment `at`, a rule catalog
// and a holiday calendar, the state of every enabled rule at that moment. Pure logic: no I/O, no
// clock, no JSON. See docs/supervision-engine.md for the states and how clocks are counted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "supervision/calendar.h"
#include "supervision/catalog.h"
#include "supervision/timeline.h"

namespace fazhi::supervision {

enum class RuleState : std::uint8_t {
  kNotStarted,     // not_started: no trigger event yet
  kRunning,        // running: clock running, before the 预警 time (due may be unknown while suspended)
  kPreWarn,        // pre_warn 预警: past the 预警 time, before the due time
  kOverdue,        // overdue 告警: past the due time, required act not recorded
  kDoneLate,       // done_late 超期办结: the act was recorded after the due time (a violation)
  kDone,           // done: recorded in time / requirement satisfied
  kMissing,        // missing: a requirement (presence or 立即/及时 act) is not met
  kNotApplicable,  // not_applicable: other case type, law version not in force, or exempted
};
std::string_view RuleStateId(RuleState s);  // "not_started", "running", ...
std::string_view RuleStateZh(RuleState s);  // 未开始, 计时中, 预警, 告警（已超期）, 超期办结, 已完成, 缺少要求, 不适用

// Why a result is what it is, beyond its state (drives the 中文 message). Values are appended, never
// renumbered (the server fingerprints them).
enum class ResultNote : std::uint8_t {
  kNone,
  kCaseTypeMismatch,      // rule is for the other case type
  kVersionNotInForce,     // trigger act dated outside the rule's law version
  kExempted,              // an exempt event (e.g. 无法通知) was recorded
  kSuspended,             // 鉴定/听证 in progress: the clock is stopped, due unknown
  kAwaitingStart,         // the clock starts at a later event (返回单位, 鉴定完成) not yet recorded
  kExtensionLate,         // an extension was recorded after the then-current due time: ignored
  kExtensionMismatch,     // an extension did not match any allowed approver/basis/stage: ignored
  kMissingLimit,          // the trigger lacks the attribute the limit comes from (e.g. days)
  kExtensionRequestLate,  // an extension was granted but requested later than the rule allows (七日前)
  // An extension refused, by the first condition it fails (note_spec: the extension meant):
  kExtensionTrigger,       // not for clocks started by this kind of act
  kExtensionStage,         // only from another current limit (不得越级延长, CQ §17)
  kExtensionTooMany,       // used up (延长以二次为限)
  kExtensionApprover,      // approver level not allowed (审批人层级不足)
  kExtensionBasis,         // legal ground not allowed (依据不符)
  kExtensionFacts,         // recorded facts do not meet the definition (CR §129), or none recorded when required
  kExtensionLimit,         // the requested limit exceeds what the extension allows, or is shorter than the current
  kExtensionFactsMissing,  // extension accepted, but the facts it requires are not recorded (补录)
  kExtensionWrongVersion,  // an extension named this rule's law version, which does not apply to the act
  kRequestNotNeeded,       // request clock: the clock it would extend has ended (移送起诉, 释放…)
  kRequestLapsed,          // request clock: its deadline passed without a request
};

inline constexpr EpochSeconds kNoTime = INT64_MIN;

// One rule's answer for one clock (one trigger event) at `at`. Rules that never triggered give one
// result with trigger_event = -1. Plain data; `rule` points into the Catalog passed to Evaluate and
// lives as long as it does.
struct RuleResult {
  const Rule* rule = nullptr;
  RuleState state = RuleState::kNotStarted;
  ResultNote note = ResultNote::kNone;
  std::int32_t person = -1;         // subject (CaseTimeline::persons index) for person-scoped rules
  std::int32_t item = -1;           // subject (CaseTimeline::items index) for item-scoped rules
  std::int32_t trigger_event = -1;  // CaseTimeline::events index
  std::int32_t closing_event = -1;  // the stop/exempt event, if any
  std::int32_t note_event = -1;     // the event the note is about (e.g. the late extension)
  std::int8_t note_spec = -1;       // the extension (Rule::extensions index) a refusal is about
  std::uint8_t note_specs = 0;      // bit set of the extensions equally close to the refused event
  std::int8_t limit_case = -1;      // the Rule::limit_when entry that set the base limit, if any
  EpochSeconds note_due = kNoTime;  // a late extension: the due time in force when it was approved
  EpochSeconds start = kNoTime;     // clock start (after deferral/restart)
  EpochSeconds due = kNoTime;       // kNoTime when unknown or not a deadline
  EpochSeconds pre_warn = kNoTime;
  EpochSeconds since = kNoTime;  // when the current state began
  Period limit;                  // effective limit after valid extensions
  std::uint64_t failed = 0;      // presence rules: bit i set = rule->requires_[i] not met; refused
                                 // extension: bit i = extensions[note_spec].requires_[i] not met
};

// Evaluates every enabled rule of `catalog` for `timeline` as known at `at`: events later than `at`
// are ignored. One pass over the events (the catalog is indexed by event type); results come in
// catalog order, one or more per enabled non-reference rule. Never fails. Precondition: `timeline`
// has ParseTimeline's invariants (events sorted by time, person/item indexes in range, prerequisites
// respected) — build it with ParseTimeline or keep the same invariants. Thread-safe for concurrent
// calls sharing the catalog and calendar (scratch buffers are thread-local).
std::vector<RuleResult> Evaluate(const CaseTimeline& timeline, EpochSeconds at, const Catalog& catalog,
                                 const Calendar& calendar);
// Same, writing into `out` (cleared first) so a sweep over many cases reuses one buffer.
void Evaluate(const CaseTimeline& timeline, EpochSeconds at, const Catalog& catalog, const Calendar& calendar,
              std::vector<RuleResult>& out);

// Short 中文 message for a result, e.g. "告警：拘留后24小时内通知家属已超期（期限 2024-03-05 22:30:00）".
std::string ResultMessage(const RuleResult& result, const CaseTimeline& timeline);

}  // namespace fazhi::supervision
