// Fuzz target: the rule catalog parser and validator (supervision::ParseCatalog), which reads the
// shipped catalog and every catalog version an administrator submits (oversight rule_config), and
// the holiday calendar parser (ParseCalendar) submitted the same way. A catalog that validates is
// then used: a fixed case timeline is evaluated against it and every result is turned into its
// message and its JSON document.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/local_time.h"
#include "fuzz_check.h"
#include "supervision/calendar.h"
#include "supervision/catalog.h"
#include "supervision/engine.h"
#include "supervision/result_json.h"
#include "supervision/timeline.h"

namespace {

constexpr const char* kTimeline = R"({"case_id": "F", "case_type": "criminal", "serious": true,
  "persons": [{"id": "p1", "age": 16, "female": true}, {"id": "p2", "age": 30}],
  "events": [
    {"id": "e0", "type": "report", "time": "2024-05-06 08:00"},
    {"id": "e1", "type": "summon_arrive", "time": "2024-05-06 09:15", "person": "p1"},
    {"id": "e3", "type": "detain", "time": "2024-05-07 08:30", "person": "p1"},
    {"id": "e4", "type": "interrogate", "time": "2024-05-07 10:00", "end": "2024-05-07 11:00", "person": "p1",
     "officers": 2, "location": "interrogation_room", "av_start": "2024-05-07 10:00", "av_end": "2024-05-07 11:00"},
    {"id": "e5", "type": "property_extract", "time": "2024-05-07 12:00", "item": "W1", "remote": true},
    {"id": "e6", "type": "appraisal_start", "time": "2024-05-07 13:00", "item": "W1"},
    {"id": "e7", "type": "appraisal_end", "time": "2024-05-08 13:00", "item": "W1"},
    {"id": "e8", "type": "release", "time": "2024-05-09 08:30", "person": "p1"}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fazhi;
  using namespace fazhi::supervision;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto calendar = ParseCalendar(text); !calendar) fuzz::CheckRefusal(calendar.error());

  auto catalog = ParseCatalog(text, "提交的规则目录");
  if (!catalog) {
    fuzz::CheckRefusal(catalog.error());
    return 0;
  }
  // The timeline may use what this catalog does not know (extension rules): then unchecked.
  auto tl = ParseTimeline(kTimeline, &*catalog);
  if (!tl) tl = ParseTimeline(kTimeline);
  FZ_FUZZ_CHECK(tl.has_value());
  for (const char* moment : {"2024-05-06 12:00", "2024-05-09 00:00", "2024-07-01 00:00"}) {
    const EpochSeconds at = *ParseLocalDateTime(moment);
    const auto results = Evaluate(*tl, at, *catalog, ShippedCalendar());
    for (const auto& r : results) {
      const std::string message = ResultMessage(r, *tl);
      FZ_FUZZ_CHECK(!message.empty() && IsValidUtf8(message));
    }
    FZ_FUZZ_CHECK(!ResultsToJson(*tl, at, *catalog, results).dump().empty());  // throws on bad UTF-8
  }
  return 0;
}
