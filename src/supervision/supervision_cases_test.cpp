// Data-driven tests of the supervision engine (STYLE §13): every tests/cases/supervision/*.json
// file is a case timeline plus expected results at one or more moments, run through exactly
// RunSupervise (the `fazhi supervise` path). Case file format: docs/supervision-engine.md §Tests.
#include <unistd.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/local_time.h"
#include "supervision/catalog.h"
#include "supervision/supervise_command.h"

namespace fazhi::supervision {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path CasesDir() {
  const char* env = std::getenv("FAZHI_SOURCE_DIR");
  return fs::path(env ? env : FAZHI_SOURCE_DIR) / "tests" / "cases" / "supervision";
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(CasesDir()))
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A temporary file removed at scope exit.
class TempFile {
 public:
  TempFile(const std::string& tag, const std::string& content) {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("fazhi_case_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + tag + ".json");
    std::ofstream(path_) << content;
  }
  ~TempFile() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

json ReadJson(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream buf;
  buf << in.rdbuf();
  return json::parse(buf.str());
}

struct RunOutput {
  int code = 0;
  std::string out;
  std::string err;
};

class SupervisionCase : public ::testing::TestWithParam<std::string> {};

TEST_P(SupervisionCase, MatchesExpectedResults) {
  const json tc = ReadJson(CasesDir() / (GetParam() + ".json"));
  SCOPED_TRACE(tc.value("description", GetParam()));
  // The input may be given as JSON or, for malformed-input cases, as raw text.
  const std::string input_text = tc.at("input").is_string() ? tc.at("input").get<std::string>() : tc.at("input").dump();
  TempFile input("input", input_text);

  std::optional<TempFile> calendar;
  if (tc.contains("calendar"))
    calendar.emplace("calendar",
                     tc["calendar"].is_string() ? tc["calendar"].get<std::string>() : tc["calendar"].dump());
  std::optional<TempFile> catalog;
  if (tc.contains("catalog_settings") || tc.contains("catalog_enable") || tc.contains("catalog")) {
    json cat = tc.contains("catalog") ? tc["catalog"] : json::parse(ShippedCatalogJson());
    if (tc.contains("catalog_settings"))
      for (auto it = tc["catalog_settings"].begin(); it != tc["catalog_settings"].end(); ++it)
        cat["settings"][it.key()] = it.value();
    if (tc.contains("catalog_enable"))
      for (auto& rule : cat["rules"])
        for (const auto& id : tc["catalog_enable"])
          if (rule["id"] == id) rule["enabled"] = true;
    catalog.emplace("catalog", cat.dump());
  }

  auto run = [&](const json& check) {
    SuperviseOptions opt;
    opt.input_path = input.path();
    if (check.contains("at")) opt.at = check["at"].get<std::string>();
    // Cases see every rule (`fazhi supervise --all`) unless a check asks for the default view.
    opt.show_all = check.value("all", true);
    if (calendar) opt.calendar_path = calendar->path();
    if (catalog) opt.catalog_path = catalog->path();
    // Without "at" the command must fall back to the clock; "clock" sets it.
    ManualClock clock(check.contains("clock") ? *ParseLocalDateTime(check["clock"].get<std::string>()) : 0);
    std::ostringstream out, err;
    RunOutput r;
    r.code = RunSupervise(opt, clock, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  };

  if (tc.contains("expect_error")) {
    const json& want = tc["expect_error"];
    const RunOutput r = run(want);
    EXPECT_EQ(r.code, want.value("exit", 2)) << r.err;
    EXPECT_TRUE(r.out.empty()) << "nothing may be printed on bad input:\n" << r.out;
    for (const auto& piece : want.at("contains"))
      EXPECT_NE(r.err.find(piece.get<std::string>()), std::string::npos)
          << "error message should contain “" << piece.get<std::string>() << "”:\n"
          << r.err;
    return;
  }

  ASSERT_TRUE(tc.contains("checks")) << "a case needs checks or expect_error";
  for (const json& check : tc.at("checks")) {
    SCOPED_TRACE("at " + check.value("at", check.value("clock", std::string("?"))));
    const RunOutput r = run(check);
    ASSERT_EQ(r.code, 0) << r.err;
    const json doc = json::parse(r.out);
    const json& results = doc.at("results");
    if (check.contains("at_local")) {
      EXPECT_EQ(doc.at("at_local"), check["at_local"]);
    }
    // Top-level fields of the document (e.g. "omitted" of the default view).
    if (check.contains("doc")) {
      for (auto it = check["doc"].begin(); it != check["doc"].end(); ++it) {
        EXPECT_EQ(doc.value(it.key(), json()), it.value()) << "document field " << it.key();
      }
    }
    std::vector<bool> matched(results.size(), false);
    for (const json& want : check.at("expect")) {
      std::vector<size_t> hits;
      for (size_t i = 0; i < results.size(); ++i) {
        const json& got = results[i];
        if (got.at("rule_id") != want.at("rule_id")) continue;
        if (want.contains("subject") && got.at("subject") != want["subject"]) continue;
        if (want.contains("trigger_event") && got.at("trigger_event") != want["trigger_event"]) continue;
        hits.push_back(i);
      }
      ASSERT_EQ(hits.size(), 1u) << "expected exactly one result for " << want.dump() << "\nall results:\n"
                                 << results.dump(1);
      const json& got = results[hits[0]];
      matched[hits[0]] = true;
      for (auto it = want.begin(); it != want.end(); ++it) {
        if (it.key() == "message_contains") {
          EXPECT_NE(got.at("message").get<std::string>().find(it.value().get<std::string>()), std::string::npos)
              << want.at("rule_id") << " message: " << got.at("message");
          continue;
        }
        ASSERT_TRUE(got.contains(it.key())) << "no field " << it.key();
        EXPECT_EQ(got.at(it.key()), it.value())
            << want.at("rule_id") << " field " << it.key() << "\nresult: " << got.dump(1);
      }
    }
    // Every result not named by the case must be idle, so a spurious alert fails the test;
    // "none": no other result may be printed at all; "any": not checked.
    const std::string others = check.value("others", std::string("idle"));
    if (others == "none") {
      for (size_t i = 0; i < results.size(); ++i)
        EXPECT_TRUE(matched[i]) << "unexpected result (list it in expect): " << results[i].dump(1);
    } else if (others == "idle") {
      for (size_t i = 0; i < results.size(); ++i) {
        if (matched[i]) continue;
        const std::string state = results[i].at("state");
        EXPECT_TRUE(state == "not_started" || state == "not_applicable")
            << "unexpected result (list it in expect): " << results[i].dump(1);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, SupervisionCase, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

// The runner must be able to fail: a wrong expectation is caught (guards against a runner that
// silently matches nothing).
TEST(SupervisionCasesRunner, FindsCaseFiles) { EXPECT_GE(CaseNames().size(), 10u); }

}  // namespace
}  // namespace fazhi::supervision
