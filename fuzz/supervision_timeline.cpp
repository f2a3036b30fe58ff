// Fuzz target: the supervision engine's input format — a case timeline (case type, persons,
// events with their attributes; docs/supervision-engine.md), as `fazhi supervise`, the
// tests/cases/supervision files and the case store feed it. Parsed against the shipped rule
// catalog; whatever parses is evaluated at several moments, every result gets its 中文 message and
// the whole result document is serialized as the API returns it.
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

namespace fazhi::fuzz {
namespace {

EpochSeconds Plus(EpochSeconds t, std::int64_t d) {
  EpochSeconds out = 0;
  return __builtin_add_overflow(t, d, &out) ? t : out;
}

}  // namespace
}  // namespace fazhi::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fazhi;
  using namespace fazhi::supervision;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto tl = ParseTimeline(text, &ShippedCatalog());
  if (!tl) {
    fuzz::CheckRefusal(tl.error());
    return 0;
  }
  const EpochSeconds first = tl->events.empty() ? 1717200000 : tl->events.front().time;
  const EpochSeconds last = tl->events.empty() ? 1717200000 : tl->events.back().time;
  for (const EpochSeconds at : {first, fuzz::Plus(last, 3600), fuzz::Plus(last, 40 * 86400)}) {
    const auto results = Evaluate(*tl, at, ShippedCatalog(), ShippedCalendar());
    for (const auto& r : results) {
      const std::string message = ResultMessage(r, *tl);
      FZ_FUZZ_CHECK(!message.empty() && IsValidUtf8(message));
    }
    const std::string json = ResultsToJson(*tl, at, ShippedCatalog(), results).dump();  // throws on bad UTF-8
    FZ_FUZZ_CHECK(!json.empty());
  }
  return 0;
}
