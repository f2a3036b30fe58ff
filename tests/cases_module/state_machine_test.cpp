// The status state machine table: every move names a real engine event and a real permission, the
// statuses it connects exist, and StatusFromEvents follows the acts.
#include <gtest/gtest.h>

#include "auth/roles.h"
#include "cases/case_types.h"
#include "cases/state_machine.h"
#include "supervision/events.h"

namespace fazhi::cases {
namespace {

TEST(StateMachine, TableIsConsistent) {
  for (const auto& t : Transitions()) {
    SCOPED_TRACE(std::string(t.case_type) + " " + std::string(t.from) + "->" + std::string(t.to));
    EXPECT_TRUE(IsStatus(t.case_type, t.from));
    EXPECT_TRUE(IsStatus(t.case_type, t.to));
    EXPECT_FALSE(IsTerminal(t.case_type, t.from));
    EXPECT_TRUE(t.permission == auth::perm::kCaseWrite || t.permission == auth::perm::kCaseReview);
    if (!t.event.empty()) {
      EXPECT_TRUE(supervision::EventTypeFromId(t.event).has_value()) << t.event;
    }
    EXPECT_EQ(FindTransition(t.case_type, t.from, t.to), &t);
  }
  EXPECT_EQ(FindTransition(kCriminal, "accepted", "transferred"), nullptr);
  EXPECT_EQ(FindTransition(kAdministrative, "accepted", "filed"), nullptr);
}

TEST(StateMachine, EveryNonTerminalStatusCanMove) {
  for (const char* type : {kCriminal, kAdministrative})
    for (auto s : Statuses(type)) {
      if (IsTerminal(type, s)) continue;
      bool has = false;
      for (const auto& t : Transitions()) has = has || (t.case_type == type && t.from == s);
      EXPECT_TRUE(has) << type << " " << s;
    }
}

TEST(StateMachine, ReviewerDecisionsNeedReview) {
  // 办案民警 cannot 立案, 移送起诉 or decide a penalty alone.
  EXPECT_EQ(FindTransition(kCriminal, "accepted", "filed")->permission, auth::perm::kCaseReview);
  EXPECT_EQ(FindTransition(kCriminal, "investigating", "transferred")->permission, auth::perm::kCaseReview);
  EXPECT_EQ(FindTransition(kAdministrative, "investigating", "decided")->permission, auth::perm::kCaseReview);
  EXPECT_FALSE(auth::PermissionsOf({"case_officer"}).contains(std::string(auth::perm::kCaseReview)));
}

TEST(StateMachine, NamesAreChinese) {
  EXPECT_EQ(StatusName(kCriminal, "transferred"), "移送起诉");
  EXPECT_EQ(StatusName(kAdministrative, "decided"), "处罚决定");
  EXPECT_EQ(CaseTypeName(kCriminal), "刑事");
  EXPECT_EQ(StatusName(kCriminal, "nonsense"), "nonsense");
}

TEST(StateMachine, StatusFromEvents) {
  EXPECT_EQ(StatusFromEvents(kCriminal, {"accept_case"}), "accepted");
  EXPECT_EQ(StatusFromEvents(kCriminal, {"accept_case", "file_case", "detain"}), "investigating");
  EXPECT_EQ(StatusFromEvents(kCriminal, {"accept_case", "file_case", "transfer_prosecution"}), "transferred");
  EXPECT_EQ(
      StatusFromEvents(kCriminal, {"accept_case", "file_case", "transfer_prosecution", "supplementary_investigation"}),
      "investigating");
  EXPECT_EQ(StatusFromEvents(kCriminal, {"accept_case", "decline_file"}), "declined");
  EXPECT_EQ(StatusFromEvents(kAdministrative, {"accept_case", "file_case", "penalty_decision"}), "decided");
  EXPECT_EQ(StatusFromEvents(kAdministrative, {"accept_case", "file_case", "penalty_decision", "decision_served"}),
            "closed");
  EXPECT_EQ(StatusFromEvents(kAdministrative, {"accept_case", "case_concluded"}), "closed");
}

}  // namespace
}  // namespace fazhi::cases
