// Robustness of the three parsers (STYLE §8): random byte-level mutations of valid documents must
// give either a value or an InvalidArgument error — never a crash, an exception or a sanitizer
// report — and whatever parses must evaluate. Deterministic seed, so failures reproduce.
#include <cstdlib>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "core/local_time.h"
#include "supervision/calendar.h"
#include "supervision/catalog.h"
#include "supervision/engine.h"
#include "supervision/timeline.h"

namespace fazhi::supervision {
namespace {

constexpr const char* kTimeline = R"({"case_id": "F", "case_type": "criminal", "serious": true,
  "persons": [{"id": "p1", "age": 16, "female": true}],
  "events": [
    {"id": "e1", "type": "summon_arrive", "time": "2024-05-06 09:15", "person": "p1"},
    {"id": "e2", "type": "extension_approved", "time": "2024-05-06 19:00", "person": "p1", "rule": "CRIM-SUMMON-01",
     "approver_level": "department_head", "basis": "need_detention_or_arrest", "new_limit": 24},
    {"id": "e3", "type": "detain", "time": "2024-05-07 08:30", "person": "p1"},
    {"id": "e4", "type": "interrogate", "time": "2024-05-07 10:00", "end": "2024-05-07 11:00", "person": "p1",
     "officers": 2, "location": "interrogation_room", "av_start": "2024-05-07 10:00", "av_end": "2024-05-07 11:00"},
    {"id": "e5", "type": "property_extract", "time": "2024-05-07 12:00", "item": "W1", "remote": true},
    {"id": "e6", "type": "appraisal_start", "time": "2024-05-07 13:00", "item": "W1"},
    {"id": "e7", "type": "appraisal_end", "time": "2024-05-08 13:00", "item": "W1"},
    {"id": "e8", "type": "release", "time": "2024-05-09 08:30", "person": "p1"}]})";

// Iterations scale with FAZHI_FUZZ_SCALE (default 1) so the quick suite stays quick; set it to e.g.
// 50 for a long run.
int Scale() {
  const char* env = std::getenv("FAZHI_FUZZ_SCALE");
  const int v = env ? std::atoi(env) : 1;
  return v > 0 ? v : 1;
}

std::string Mutate(std::string s, std::mt19937& rng) {
  static constexpr char kAlphabet[] = "{}[]\",:0123456789-_ etrufalsn\\";
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits && !s.empty(); ++i) {
    const size_t pos = rng() % s.size();
    switch (rng() % 3) {
      case 0: s.erase(pos, 1 + rng() % 3); break;
      case 1: s.insert(pos, 1, kAlphabet[rng() % (sizeof kAlphabet - 1)]); break;
      default: s[pos] = kAlphabet[rng() % (sizeof kAlphabet - 1)]; break;
    }
  }
  return s;
}

TEST(ParserFuzz, TimelineNeverCrashes) {
  std::mt19937 rng(20240306);
  const EpochSeconds at = *ParseLocalDateTime("2024-05-10 00:00");
  int accepted = 0;
  for (int i = 0; i < 800 * Scale(); ++i) {
    const std::string text = Mutate(kTimeline, rng);
    auto tl = ParseTimeline(text, &ShippedCatalog());
    if (!tl) {
      EXPECT_EQ(tl.error().code, ErrorCode::kInvalidArgument);
      EXPECT_FALSE(tl.error().message.empty());
      continue;
    }
    ++accepted;
    const auto results = Evaluate(*tl, at, ShippedCatalog(), ShippedCalendar());
    for (const auto& r : results) EXPECT_FALSE(ResultMessage(r, *tl).empty());
  }
  EXPECT_GT(accepted, 0);  // some mutations only touch values and still parse
}

TEST(ParserFuzz, CatalogAndCalendarNeverCrash) {
  std::mt19937 rng(7);
  const std::string catalog(ShippedCatalogJson());
  const std::string calendar(ShippedCalendarJson());
  for (int i = 0; i < 40 * Scale(); ++i) {
    auto c = ParseCatalog(Mutate(catalog, rng));
    if (!c) {
      EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
    }
    auto k = ParseCalendar(Mutate(calendar, rng));
    if (!k) {
      EXPECT_EQ(k.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace fazhi::supervision
