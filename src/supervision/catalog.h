// Rule catalog (监管规则目录): every legal time limit and presence requirement of
// spec/legal-rules.md as data. The shipped catalog is data/catalog.json, embedded at build time;
// an administrator's edited copy is loaded with ParseCatalog and validated the same way.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/local_time.h"
#include "supervision/events.h"
#include "supervision/legal_time.h"

namespace fazhi::supervision {

enum class CaseType : std::uint8_t { kCriminal, kAdministrative, kAny };
std::string_view CaseTypeId(CaseType t);  // "criminal" / "administrative" / "any"

// deadline: a clock runs from a trigger until a stop event. requirement: a stop event must exist
// (立即/及时, no number in the law). presence: each trigger event must itself satisfy conditions
// (two officers, guardian, recording). reference: documentation only, never evaluated. request: the
// request for an extension of another rule's clock (`request_for`), due a number of days before that
// clock's due time (CPL §156 / CR §148 "期限届满七日前"); one per stage of the clock.
enum class RuleKind : std::uint8_t { kDeadline, kRequirement, kPresence, kReference, kRequest };
// One clock per case, per person, or per property item (一物一码).
enum class Scope : std::uint8_t { kCase, kPerson, kItem };
// Verification status of the legal source (spec: V checked, S secondary, U not found).
enum class RuleStatus : std::uint8_t { kV, kS, kU };

// Where a condition reads its value.
enum class FieldSource : std::uint8_t { kEvent, kPerson, kCase };
enum class PersonField : std::uint8_t {
  kAge,
  kFemale,
  kPregnant,
  kNursingInfant,
  kIdentityUnknown,
  kVulnerable,  // CQ §11 special persons: 孕妇, 哺乳未满一周岁婴儿, 未满16周岁, 已满70周岁
  kInCustody,   // admitted to a 看守所 (custody_admit) and not yet released, at the event's time
  kRole,        // suspect / victim / witness / other
  kUnderCq,     // 继续盘问: from a cq_start of that person until a release, detention, arrest or other measure
  kCount
};
enum class CaseField : std::uint8_t {
  kSerious,
  kFastTrack,
  kManyPeople,  // 涉案人数众多 (PSAL25 §97: 询问查证 up to 12 h)
  kCount
};
inline constexpr std::uint8_t kEventTimeField = 255;  // FieldRef{kEvent, kEventTimeField} = event.time
// FieldRef{kEvent, kEventTimeOfDayField} = event.time_of_day: seconds since local midnight, compared
// with "HH:MM" or "HH:MM:SS" values (CQ §10: 晚上九点至次日早上七点).
inline constexpr std::uint8_t kEventTimeOfDayField = 254;

struct FieldRef {
  FieldSource source = FieldSource::kEvent;
  std::uint8_t index = 0;  // Attr, PersonField or CaseField (or kEventTimeField)
};

enum class Op : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kPresent, kAbsent };

// A test on one field, or (when `any` is non-empty) the OR of sub-conditions.
// Values are int64: booleans 0/1, closed-list values their index, times epoch seconds.
struct Condition {
  FieldRef field;
  Op op = Op::kEq;
  std::int64_t value = 0;
  std::optional<FieldRef> ref;   // compare with another field instead of `value`
  std::vector<std::int64_t> in;  // Op::kIn
  std::vector<Condition> any;
  std::string label;  // 中文, shown when a presence requirement fails
};

// A base limit set by law when conditions hold on the trigger event, without any approval
// (ADM-SUMMON-01, PSAL25 §97: 身份不明或涉案人数众多 → 12 h). The first matching entry wins.
struct LimitCase {
  std::vector<Condition> when;  // all must hold
  std::int32_t value = 0;       // in the rule's unit
  std::string label;  // 中文, shown in messages, e.g. "身份不明或涉案人数众多，法定十二小时"
};

// One way a clock may be extended (延长), validated against extension_approved events.
struct ExtensionSpec {
  std::string name;                          // 中文
  std::vector<std::int8_t> approver_levels;  // accepted ApproverLevels() indexes; empty = any
  std::vector<std::int8_t> bases;            // accepted Bases() indexes; empty = any
  std::vector<EventType> for_triggers;       // only for clocks started by these; empty = any
  std::optional<std::int32_t> from_limit;    // only when the current limit equals this
  std::int32_t new_limit = 0;                // "set": the new total limit (maximum; the event may ask less)
  std::int32_t add = 0;                      // "add": added to the current total limit
  std::int32_t max_times = 1;                // how often this extension may be applied
  std::optional<EventType> rebase_on;        // "rebase": the clock restarts at the first such event after approval
  // The request must be made this many days before the current due date (e.g. CPL §158 羁押延长:
  // "期限届满七日前"), checked against the event's requested_at. 0 = no check. A late request does
  // not void the approval (the approving authority granted it) but is reported in the message.
  std::int32_t request_lead_days = 0;
  // Unit of new_limit when it differs from the rule's (ADM-ACCEPT-01: 24 hours → 3 days, a day period
  // ending at 23:59:59 of start date + 3). Empty = the rule's unit.
  std::optional<TimeUnit> unit;
  // Facts the approval event must record for this extension to be lawful (CRIM-DETAIN-04, CR §129:
  // 流窜作案、多次作案（三次以上）、结伙作案（二人以上）的重大嫌疑分子), each with a 中文 label. When none of
  // the attributes they read is recorded, settings.extension_facts_required decides.
  std::vector<Condition> requires_;
  std::uint64_t facts_attrs = 0;  // bit set of the event attributes requires_ reads (computed)
  std::string facts_label;        // what the facts are called in messages, e.g. "作案事实"
};

struct Rule {
  std::string id;  // spec id, e.g. "CRIM-DETAIN-02" or "CRIM-ARREST-01-notify"
  // The spec row this rule implements when the id carries a suffix for a law version
  // ("ADM-TERM-01" for ADM-TERM-01-psal2012 and -psal2025). An extension naming it applies to the
  // version in force on the date of the clock's trigger act. Empty = none.
  std::string spec_id;
  std::string name;  // 中文 name
  RuleKind kind = RuleKind::kDeadline;
  CaseType case_type = CaseType::kAny;
  Scope scope = Scope::kCase;
  RuleStatus status = RuleStatus::kV;
  bool enabled = true;
  std::vector<EventType> triggers;        // start a clock / a check
  std::vector<Condition> when;            // all must hold on the trigger event, else no clock
  std::vector<EventType> stops;           // the required act; ends the clock
  std::vector<EventType> exempts;         // make the clock not applicable (e.g. 无法通知)
  std::vector<EventType> restarts;        // restart the clock from the event (e.g. 另有重要罪行)
  std::vector<Condition> requires_;       // presence rules: each must hold on the trigger event
  Period limit;                           // deadline rules
  std::optional<Attr> limit_from;         // limit value taken from this trigger attribute (e.g. days)
  std::vector<LimitCase> limit_when;      // base limits by law under conditions (first match wins)
  bool holiday_roll = false;              // CALC-01: false for custody (在押) periods
  bool exclude_appraisal = false;         // 鉴定 time not counted (AR §165, §112; PSAL25 §118)
  bool exclude_hearing = false;           // 听证 time not counted (PSAL25 §118)
  std::vector<ExtensionSpec> extensions;  // at most kMaxExtensions
  // The clock does not start at the trigger but at the first `defer_event` after it, when
  // `defer_when` holds on the trigger (PROP-01: 异地 → 24h from 返回单位).
  std::optional<EventType> defer_event;
  std::vector<Condition> defer_when;
  std::optional<Period> pre_warn_lead;       // overrides the default 预警 lead
  std::optional<CivilDate> effective_from;   // law version: trigger act on or after this date
  std::optional<CivilDate> effective_until;  // law version: trigger act on or before this date
  std::string legal_basis;  // e.g. "刑事诉讼法第91条；公安机关办理刑事案件程序规定第129条"
  std::string note;
  // kRequest rules: the rule whose extension requests this rule times, and its index.
  std::string request_for;
  std::int32_t request_parent = -1;

  // True if an extension or request naming `name` is meant for this rule (its id or its spec_id).
  bool NamedBy(std::string_view name) const { return name == id || (!spec_id.empty() && name == spec_id); }
};

// Whether the rule's law version applies to an act at `act` (effective_from/until, local dates).
bool InForce(const Rule& rule, EpochSeconds act);

inline constexpr std::size_t kMaxExtensions = 8;

// Which roles an event type plays for one rule (bit set).
enum RoleBits : std::uint16_t {
  kRoleTrigger = 1,
  kRoleStop = 2,
  kRoleExempt = 4,
  kRoleRestart = 8,
  kRoleDefer = 16,
  kRoleRebase = 32,
  kRoleExtension = 64,
  kRoleExcludeStart = 128,
  kRoleExcludeEnd = 256,
  kRoleRequest = 512,  // extension_request for a rule that a kRequest rule watches
};
struct RuleRef {
  std::uint16_t rule;   // index into Catalog::rules
  std::uint16_t roles;  // RoleBits
};

struct Catalog {
  CountingSettings settings;
  std::vector<Rule> rules;
  // For each event type, the enabled rules it matters to. Built by BuildIndex().
  std::array<std::vector<RuleRef>, kEventTypeCount> by_event;
  // For each rule, the index of the enabled kRequest rule that times its extension requests, or -1.
  std::vector<std::int32_t> request_rule_of;

  // Rebuilds by_event and request_rule_of from rules. Call after editing rules.
  void BuildIndex();
  // Index of the rule with this id, or -1.
  int FindRule(std::string_view id) const;
  // Whether an extension_approved / extension_request may name `name`: a rule id or spec_id of a
  // rule that has extensions.
  bool Extensible(std::string_view name) const;
};

// Parses and validates a catalog document (format: docs/supervision-engine.md). Errors are
// InvalidArgument naming the rule id and the field, e.g. "规则 CRIM-DETAIN-02 的字段“stop”：不认识的事件类型“notfy”"
// with `field` = "rules[3].stop". Unknown fields, unknown event types, malformed limits, duplicate
// ids and conditions on unknown fields are all errors. `source` names the file in messages.
[[nodiscard]] Result<Catalog> ParseCatalog(std::string_view json_text, std::string_view source = "规则目录");

// The shipped catalog (parsed once from the embedded data/catalog.json). Thread-safe.
const Catalog& ShippedCatalog();
std::string_view ShippedCatalogJson();

}  // namespace fazhi::supervision
