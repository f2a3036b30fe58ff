// The bridge between the stored event log and the supervision engine: builds a case's engine
// timeline from the database, and validates new events against the WHOLE resulting timeline with
// the engine's own parser (supervision::ParseTimeline), so the database never holds an event the
// engine would reject.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "db/soci.h"
#include "supervision/timeline.h"

namespace fazhi::cases {

// Builds the engine's timeline for a case from the database (used by the oversight module too).
// In the result, CaseTimeline::case_id and every Event::id are the decimal database ids (cases.id,
// case_events.id), so results can be mapped back to rows; Person::id is case_persons.ref. Events are
// sorted by time (ties in recording order). Errors: NotFound if there is no such case; Internal if
// stored data no longer parses (it was validated on the way in, so this means manual edits).
// Runs two queries on `sql`; no scope check (callers check scope). Thread-compatible.
Result<supervision::CaseTimeline> LoadTimeline(soci::session& sql, std::int64_t case_id);

namespace detail {

// The stored timeline as the engine's JSON document plus a 中文 label per stored event.
struct TimelineDoc {
  nlohmann::json doc;                 // {"case_id","case_type","serious","fast_track","persons","events"}
  std::vector<std::string> labels;    // labels[i] names doc["events"][i] in messages
};

// Loads the case's persons and events as a timeline document. NotFound if the case is missing.
Result<TimelineDoc> LoadTimelineDoc(soci::session& sql, std::int64_t case_id);

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
nlohmann::json EmptyTimelineDoc(const std::string& case_id, const std::string& case_type, bool serious,
                                bool fast_track);

}  // namespace detail
}  // namespace fazhi::cases
