// Every audit action the newer modules write has a Chinese label (audit::ActionName gives no Latin
// letters for it). The actions are read from the code itself: the literal first argument of each
// module's Audit helper (with the prefix that helper adds) and every literal "module.verb" string in
// the module's sources, less the permission names of src/auth/roles.h; the few actions chosen at run
// time (intake's steps) are listed here by hand.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "audit/audit_labels.h"

namespace fazhi::audit {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::set<std::string> Literals(const std::string& text, const std::regex& rx, const std::string& prefix) {
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), rx), end; it != end; ++it) out.insert(prefix + (*it)[1].str());
  return out;
}

TEST(AuditActionLabels, EveryActionOfTheNewerModulesHasAChineseLabel) {
  const fs::path src = fs::path(FAZHI_SOURCE_DIR) / "src";
  struct Helper {
    std::string dir, fn, prefix;
  };
  const std::vector<Helper> helpers = {{"intake", "Audit", "intake."},       {"intake", "DutyAudit", "intake.duty_"},
                                       {"publicity", "Audit", "publicity."}, {"training", "Audit", "training."},
                                       {"evaluation", "Audit", "eval."},     {"patrol", "Audit", ""}};
  const std::regex dotted(R"re("((?:intake|publicity|training|eval|patrol|volunteer|exam)\.[a-z_.]*[a-z])")re");
  const std::set<std::string> permissions =
      Literals(ReadAll(src / "auth" / "roles.h"), std::regex(R"re("([a-z_]+\.[a-z_.]+)")re"), "");
  std::set<std::string> actions = {"intake.route",    "intake.accept",   "intake.decline",
                                   "intake.conclude", "intake.feedback", "intake.reopen"};
  for (const char* dir : {"intake", "publicity", "training", "evaluation", "patrol", "volunteers", "exams"})
    for (const auto& f : fs::directory_iterator(src / dir)) {
      if (f.path().extension() != ".cpp") continue;
      const std::string text = ReadAll(f.path());
      for (const auto& h : helpers)
        if (h.dir == dir)
          actions.merge(Literals(text, std::regex("\\b" + h.fn + R"re(\(\s*"([a-z_.]+)")re"), h.prefix));
      for (auto& a : Literals(text, dotted, ""))
        if (!permissions.contains(a)) actions.insert(a);
    }
  ASSERT_GE(actions.size(), 80u);  // the scan found the code
  for (const char* known : {"patrol.dispute_change", "volunteer.checkout", "eval.mark", "intake.duty_copy"})
    EXPECT_TRUE(actions.contains(known)) << known;
  const std::regex latin("[A-Za-z]");
  for (const auto& a : actions) EXPECT_FALSE(std::regex_search(ActionName(a), latin)) << a << " → " << ActionName(a);
}

}  // namespace
}  // namespace fazhi::audit
