// One case's timeline (案件事件日志) as the engine reads it: the case, its persons and its events,
// parsed from JSON once into plain structs so evaluation does no JSON work (format:
// docs/supervision-engine.md).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/clock.h"
#include "core/error.h"
#include "supervision/catalog.h"
#include "supervision/events.h"

namespace fazhi::supervision {

// Marks an absent scalar attribute (times, ints, booleans, closed-list indexes).
inline constexpr std::int64_t kAbsent = std::numeric_limits<std::int64_t>::min();

struct Person {
  std::string id;         // the case's own id for the person, e.g. "p1"
  std::string name;       // optional, for messages
  std::int8_t role = -1;  // PersonRoles() index, -1 = not given
  std::int16_t age = -1;  // whole years at the time of the acts; -1 = unknown
  bool female = false;
  bool pregnant = false;
  bool nursing_infant = false;    // 哺乳未满一周岁婴儿
  bool identity_unknown = false;  // 身份不明
};

struct Event {
  std::string id;  // the input's id for the event (or "#N" if none was given)
  EventType type = EventType::kReport;
  EpochSeconds time = 0;         // UTC
  std::int32_t input_index = 0;  // position in the input "events" array
  std::int32_t person = -1;      // index into CaseTimeline::persons, -1 = none / whole case
  std::int32_t item = -1;        // index into CaseTimeline::items, -1 = none
  std::string rule;              // extension_approved: id of the rule extended
  // Scalar attributes by Attr index (kAbsent when not given). Booleans are 0/1, closed-list values
  // their index, times UTC epoch seconds. person/item/rule/note/actor are not stored here.
  std::array<std::int64_t, kAttrCount> attrs;

  Event() { attrs.fill(kAbsent); }
  std::int64_t Get(Attr a) const { return attrs[static_cast<int>(a)]; }
};

struct CaseTimeline {
  std::string case_id;
  CaseType case_type = CaseType::kCriminal;
  bool serious = false;      // 可能判处无期徒刑、死刑或其他重大犯罪 (CRIM-INT-02)
  bool fast_track = false;   // 快速办理 (ADM-FAST-01)
  bool many_people = false;  // 涉案人数众多 (ADM-SUMMON-01 under PSAL25 §97: 12 h without approval)
  std::vector<Person> persons;
  std::vector<std::string> items;  // property codes, in order of first appearance
  std::vector<Event> events;       // sorted by time; equal times keep input order
};

// Parses and validates a timeline. Returns InvalidArgument naming the item for: malformed JSON,
// unknown or missing fields, unknown event types, attributes the type does not admit, malformed
// times, duplicate event or person ids, events naming undeclared persons, end before start, an
// extension_approved without a rule (or, when `catalog` is given, naming a rule it lacks or one that
// does not fit the act, see FinishTimeline), and impossible orders (an event whose prerequisite — e.g. a detention
// before a release of the same person — does not come before it). Nothing is partially returned.
[[nodiscard]] Result<CaseTimeline> ParseTimeline(std::string_view json_text, const Catalog* catalog = nullptr);

// The steps of ParseTimeline, for callers that build a timeline from stored rows instead of a JSON
// document (src/cases/timeline_store.cpp) and must end with exactly the same structs.
//
// Sets attribute `attr` of `e` from its JSON value with ParseTimeline's checks (a person must be
// declared in tl.persons; an item code is added to tl.items). Does not check Admits(). Returns the
// error text ParseTimeline appends to the event's label, or nullopt. With `stored`, time
// attributes may also be integers (UTC epoch seconds).
[[nodiscard]] std::optional<std::string> SetAttribute(Event& e, CaseTimeline& tl, Attr attr,
                                                      const nlohmann::json& value, const Catalog* catalog,
                                                      bool stored = false);
// Index of a property code in tl.items, appending it on first use.
std::int32_t ItemIndex(CaseTimeline& tl, const std::string& code);
// Span checks of one event (end before start, A/V end before start, a request after its approval,
// an extension without a rule): the offending key and the error text, or nullopt.
[[nodiscard]] std::optional<std::pair<std::string, std::string>> CheckEventSpans(const Event& e);
// Sorts tl.events by time (stable) and refuses impossible orders (InvalidArgument as ParseTimeline).
// With `catalog`, also refuses an extension or extension request naming a rule that does not fit
// the act it extends: a rule of the other case type, or a law version not in force on the date of
// the act (e.g. ADM-TERM-01-psal2012 for a case filed in 2026); the message suggests the spec id.
[[nodiscard]] Result<void> FinishTimeline(CaseTimeline& tl, const Catalog* catalog = nullptr);

}  // namespace fazhi::supervision
