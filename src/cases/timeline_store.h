// The bridge between the stored event log and the supervision engine: builds a case's engine
// timeline from the database, and validates new events against the WHOLE resulting timeline with
// the engine's own parser (supervision::ParseTimeline), so the database never holds an event the
// engine would reject.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "db/soci.h"
#include "supervision/timeline.h"

namespace fazhi::cases {

// A case's stored rows (cases, case_persons, case_events) before they become an engine timeline.
struct StoredPerson {
  std::string ref, name, role;
  std::optional<std::int64_t> age;
  bool female = false, pregnant = false, nursing_infant = false, identity_unknown = false;
};
struct StoredEvent {
  std::int64_t id = 0;
  std::string type;
  std::int64_t at = 0;
  std::string person_ref, item_code;
  std::string attrs;  // JSON object text
};
struct StoredTimeline {
  std::int64_t case_id = 0;
  std::string case_type;
  bool serious = false, fast_track = false, many_people = false;
  std::vector<StoredPerson> persons;  // in case_persons.id order
  std::vector<StoredEvent> events;    // ordered by (at, id)
};

// Builds the engine's timeline from stored rows without a JSON document. In the result,
// CaseTimeline::case_id and every Event::id are the decimal database ids (cases.id,
// case_events.id), so results map back to rows; Person::id is case_persons.ref. Stored data was
// validated on the way in, so this is lenient where later changes could make it fail: attributes
// the engine does not know or no longer admits for the type are ignored (they may serve other
// purposes, e.g. A/V spans on 办案区 events for the metrics), an unknown role counts as "other", a
// person an event names but case_persons lacks is added with role "other", and time attributes may
// be epoch seconds or text. Value checks, span checks and impossible orders are the engine's
// (supervision::SetAttribute / FinishTimeline); `catalog` checks the rule of extension approvals.
Result<supervision::CaseTimeline> BuildTimeline(const StoredTimeline& rows,
                                                const supervision::Catalog* catalog = nullptr);

// Reads one case's stored rows: the case columns, its persons and its events (three queries; no
// scope check — callers check scope). NotFound if there is no such case. The one loader of a single
// case: LoadTimeline builds the engine timeline from it, and detail::TimelineDocOf the JSON document
// new events are validated against.
Result<StoredTimeline> LoadStoredTimeline(soci::session& sql, std::int64_t case_id);

// BuildTimeline(LoadStoredTimeline(case_id)). Errors: NotFound if there is no such case;
// InvalidArgument from the engine.
Result<supervision::CaseTimeline> LoadTimeline(soci::session& sql, std::int64_t case_id,
                                               const supervision::Catalog* catalog = nullptr);

// The bulk path (full re-evaluation): fills `persons` and `events` of every entry of `cases`, which
// the caller has sorted by case_id and filled with the case columns, from the case_persons and
// case_events rows whose case_id lies between the first and the last entry — two range queries,
// whatever the number of cases. Rows of cases not in `cases` are skipped.
void LoadStoredRows(soci::session& sql, std::vector<StoredTimeline>& cases);

namespace detail {

// The stored timeline as the engine's JSON document plus a 中文 label per stored event.
struct TimelineDoc {
  nlohmann::json doc;               // {"case_id","case_type","serious","fast_track","many_people",…}
  std::vector<std::string> labels;  // labels[i] names doc["events"][i] in messages
};

// The stored rows as the engine's timeline document, with a label per stored event
// ("已登记的事件 #12（拘留）").
TimelineDoc TimelineDocOf(const StoredTimeline& rows);

// A new event about to be stored: the engine JSON object (with "id" set to a unique key such as
// "new:1") and the 中文 label that names it in error messages ("新事件", "第 5 行").
struct PendingEvent {
  nlohmann::json object;
  std::string label;
};

// Parses `base` plus `pending` as one timeline. On error, the message names the offending event by
// its label (not by array position), the field is the attribute key, and `*bad_pending` (if given)
// receives the index into `pending` of the event at fault (-1 if a stored event or the whole
// document is at fault).
Result<supervision::CaseTimeline> ValidateTimeline(const TimelineDoc& base, const std::vector<PendingEvent>& pending,
                                                   int* bad_pending = nullptr);

// Timeline document for a case header without any stored events (new cases, the demo).
nlohmann::json EmptyTimelineDoc(const std::string& case_id, const std::string& case_type, bool serious, bool fast_track,
                                bool many_people = false);

}  // namespace detail
}  // namespace fazhi::cases
