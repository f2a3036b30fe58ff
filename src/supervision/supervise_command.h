// `fazhi supervise`: evaluate one case timeline file at a moment and print the results as JSON.
// The CLI (src/cli) parses the flags; this is the whole command behind them.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "core/clock.h"

namespace fazhi::supervision {

struct SuperviseOptions {
  std::string input_path;  // one case timeline, JSON
  // --at: the moment to evaluate; nullopt = now. Accepted: "2024-03-05", "2024-03-05 23:00",
  // "2024-03-05 23:00:00" (China time; a date alone is 00:00), the same with "T" instead of the
  // space, and with a zone ("2024-03-05T15:00:00Z", "…+08:00"). Given but empty or blank: refused.
  std::optional<std::string> at;
  std::optional<std::string> calendar_path;  // holiday calendar JSON; default: the shipped one
  std::optional<std::string> catalog_path;   // rule catalog JSON; default: the shipped one
  bool show_all = false;                     // --all: also print rules not started / not applicable
};

// Reads the calendar, catalog and timeline (each validated completely before anything is
// evaluated), evaluates every enabled rule at `at` (default clock.Now()) and prints the results
// as one JSON document (rule id, state, due, since, legal basis, message; format in
// docs/supervision-engine.md) to `out`: the rules that apply to the case, with the number of the
// others in "omitted", or every rule with `show_all`. On bad input — unreadable file, malformed JSON, unknown
// event type, impossible order, malformed time, invalid calendar or catalog — prints one 中文 line
// naming the item to `err`, prints nothing to `out` and returns 2. Returns 0 on success, 1 on an
// internal error. Reads only the files named in `options`; thread-safe.
int RunSupervise(const SuperviseOptions& options, const Clock& clock, std::ostream& out, std::ostream& err);

}  // namespace fazhi::supervision
