// Replays every file of fuzz/corpus/<target>/ (seeds and the inputs of fixed findings, named
// regress-…) through that target's entry point, built with the normal compiler and sanitizers: a
// finding that comes back fails here (a crash, a sanitizer report or a failed invariant aborts).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern "C" int FazhiFuzz_json_input(const std::uint8_t* data, std::size_t size);
extern "C" int FazhiFuzz_csv_reader(const std::uint8_t* data, std::size_t size);
extern "C" int FazhiFuzz_xlsx_reader(const std::uint8_t* data, std::size_t size);
extern "C" int FazhiFuzz_supervision_timeline(const std::uint8_t* data, std::size_t size);
extern "C" int FazhiFuzz_rule_catalog(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;
using Entry = int (*)(const std::uint8_t*, std::size_t);

fs::path CorpusDir(const std::string& target) {
  const char* env = std::getenv("FAZHI_SOURCE_DIR");
  return fs::path(env ? env : FAZHI_SOURCE_DIR) / "fuzz" / "corpus" / target;
}

// Feeds every file; returns how many there were.
int Replay(const std::string& target, Entry entry) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(CorpusDir(target)))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    std::fprintf(stderr, "replay %s\n", f.filename().c_str());  // an abort names no test: this does
    std::ifstream in(f, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
  }
  // libFuzzer calls the target with an empty input first; so does the replay.
  EXPECT_EQ(entry(nullptr, 0), 0);
  return static_cast<int>(files.size());
}

TEST(FuzzRegressions, JsonInput) { EXPECT_GE(Replay("json_input", FazhiFuzz_json_input), 3); }
TEST(FuzzRegressions, CsvReader) { EXPECT_GE(Replay("csv_reader", FazhiFuzz_csv_reader), 3); }
TEST(FuzzRegressions, XlsxReader) { EXPECT_GE(Replay("xlsx_reader", FazhiFuzz_xlsx_reader), 3); }
TEST(FuzzRegressions, SupervisionTimeline) {
  EXPECT_GE(Replay("supervision_timeline", FazhiFuzz_supervision_timeline), 3);
}
TEST(FuzzRegressions, RuleCatalog) { EXPECT_GE(Replay("rule_catalog", FazhiFuzz_rule_catalog), 3); }

}  // namespace
