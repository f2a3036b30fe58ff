// Unit tests for timeline validation and a few engine properties that are easier to state in code
// than in case files (future events ignored, results per trigger, determinism).
#include "supervision/timeline.h"

#include <gtest/gtest.h>

#include "core/local_time.h"
#include "supervision/engine.h"

namespace fazhi::supervision {
namespace {

std::string ErrorOf(std::string_view text, const Catalog* catalog = nullptr) {
  auto r = ParseTimeline(text, catalog);
  return r ? std::string("(accepted)") : r.error().message + " @" + r.error().field;
}

constexpr const char* kPersons = R"("persons": [{"id": "p1", "age": 30}])";

std::string Case(const std::string& events) {
  return std::string(R"({"case_type": "criminal", )") + kPersons + R"(, "events": [)" + events + "]}";
}

TEST(ParseTimeline, AcceptsAndSortsByTime) {
  auto tl = ParseTimeline(Case(R"({"id": "b", "type": "notify_family", "time": "2024-03-05 23:10", "person": "p1"},
                                  {"id": "a", "type": "detain", "time": "2024-03-04T22:30:00+08:00", "person": "p1"})"));
  ASSERT_TRUE(tl) << tl.error().message;
  ASSERT_EQ(tl->events.size(), 2u);
  EXPECT_EQ(tl->events[0].id, "a");
  EXPECT_EQ(tl->events[0].input_index, 1);
  EXPECT_EQ(FormatLocalDateTime(tl->events[0].time), "2024-03-04 22:30:00");
  EXPECT_EQ(tl->events[1].person, 0);
}

TEST(ParseTimeline, UnknownEventTypeNamesTheEvent) {
  const std::string e = ErrorOf(Case(R"({"id": "e1", "type": "detain", "time": "2024-03-04 22:30", "person": "p1"},
                                         {"id": "e2", "type": "detention", "time": "2024-03-04 23:30"})"));
  EXPECT_NE(e.find("第 2 个事件（e2）"), std::string::npos) << e;
  EXPECT_NE(e.find("detention"), std::string::npos) << e;
  EXPECT_NE(e.find("events[1].type"), std::string::npos) << e;
}

TEST(ParseTimeline, ReleaseBeforeDetentionIsImpossible) {
  const std::string e = ErrorOf(Case(R"({"id": "e1", "type": "release", "time": "2024-03-04 20:00", "person": "p1"},
                                         {"id": "e2", "type": "detain", "time": "2024-03-04 22:30", "person": "p1"})"));
  EXPECT_NE(e.find("e1"), std::string::npos) << e;
  EXPECT_NE(e.find("不可能"), std::string::npos) << e;
  // Detention of another person does not make the release possible.
  const std::string other = ErrorOf(
      R"({"case_type": "criminal", "persons": [{"id": "p1"}, {"id": "p2"}], "events": [
          {"id": "d", "type": "detain", "time": "2024-03-04 10:00", "person": "p2"},
          {"id": "r", "type": "release", "time": "2024-03-04 20:00", "person": "p1"}]})");
  EXPECT_NE(other.find("（r）"), std::string::npos) << other;
}

TEST(ParseTimeline, MalformedInputs) {
  EXPECT_NE(ErrorOf(Case(R"({"id": "e1", "type": "detain", "time": "2024-03-32 10:00"})")).find("e1"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Case(R"({"id": "e1", "type": "detain", "time": 1709562600})")).find("time"), std::string::npos);
  EXPECT_NE(
      ErrorOf(Case(R"({"id": "e1", "type": "detain", "time": "2024-03-04 10:00", "officers": 2})")).find("officers"),
      std::string::npos);  // not an attribute of detain
  EXPECT_NE(
      ErrorOf(Case(R"({"id": "e1", "type": "detain", "time": "2024-03-04 10:00", "colour": "red"})")).find("colour"),
      std::string::npos);
  EXPECT_NE(ErrorOf(Case(R"({"id": "e1", "type": "detain", "time": "2024-03-04 10:00", "person": "p9"})")).find("p9"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Case(R"({"id": "e1", "type": "detain", "time": "2024-03-04 10:00"},
                           {"id": "e1", "type": "detain", "time": "2024-03-04 11:00"})"))
                .find("重复"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf(Case(R"({"id": "e1", "type": "interrogate", "time": "2024-03-04 10:00", "end": "2024-03-04 09:00"})"))
          .find("结束时间"),
      std::string::npos);
  EXPECT_NE(ErrorOf(Case(R"({"id": "e1", "type": "interrogate", "time": "2024-03-04 10:00", "location": "moon"})"))
                .find("moon"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Case(R"({"id": "e1", "type": "extension_approved", "time": "2024-03-04 10:00"})")).find("rule"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"case_type": "civil", "events": []})").find("案件类型"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"case_type": "criminal"})").find("事件"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"case_type": "criminal", "events": [], "extra": 1})").find("extra"), std::string::npos);
  EXPECT_NE(ErrorOf("[1,2]"), "(accepted)");
  EXPECT_NE(ErrorOf(R"({"case_type": "criminal", "persons": [{"id": "p1", "age": 200}], "events": []})").find("年龄"),
            std::string::npos);
  const std::string unknown_rule =
      ErrorOf(Case(R"({"id": "x", "type": "extension_approved", "time": "2024-03-04 10:00", "rule": "CRIM-NOPE"})"),
              &ShippedCatalog());
  EXPECT_NE(unknown_rule.find("CRIM-NOPE"), std::string::npos) << unknown_rule;
}

TEST(ParseTimeline, NewFactsAndActs) {
  // Case fact 涉案人数众多; release mode; 候问室 inside the 办案区; extension request.
  auto tl = ParseTimeline(R"({"case_type": "administrative", "many_people": true, "persons": [{"id": "p1"}], "events": [
      {"id": "a", "type": "cq_start", "time": "2024-07-01 19:00", "person": "p1"},
      {"id": "b", "type": "area_enter", "time": "2024-07-01 19:05", "person": "p1"},
      {"id": "c", "type": "waiting_room_enter", "time": "2024-07-01 19:30", "person": "p1"},
      {"id": "d", "type": "waiting_room_exit", "time": "2024-07-01 20:00", "person": "p1"},
      {"id": "e", "type": "release", "time": "2024-07-01 22:00", "person": "p1", "release_mode": "family_pickup"}]})",
                          &ShippedCatalog());
  ASSERT_TRUE(tl) << tl.error().message;
  EXPECT_TRUE(tl->many_people);
  EXPECT_EQ(tl->events[4].Get(Attr::kReleaseMode), VocabIndex(ReleaseModes(), "family_pickup"));
  const std::string bad_mode =
      ErrorOf(Case(R"({"id": "d", "type": "detain", "time": "2024-03-04 10:00", "person": "p1"},
              {"id": "r", "type": "release", "time": "2024-03-04 11:00", "person": "p1", "release_mode": "walked"})"));
  EXPECT_NE(bad_mode.find("walked"), std::string::npos) << bad_mode;
  EXPECT_NE(bad_mode.find("family_pickup"), std::string::npos) << bad_mode;  // lists the allowed values
  // 候问室 is part of the 办案区: entering it without entering the 办案区 is an impossible order.
  const std::string no_area =
      ErrorOf(Case(R"({"id": "w", "type": "waiting_room_enter", "time": "2024-03-04 10:00", "person": "p1"})"));
  EXPECT_NE(no_area.find("进入办案区"), std::string::npos) << no_area;
  // An extension request names the rule, like an approval.
  EXPECT_NE(ErrorOf(Case(R"({"id": "q", "type": "extension_request", "time": "2024-03-04 10:00"})")).find("rule"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf(Case(R"({"id": "q", "type": "extension_request", "time": "2024-03-04 10:00", "rule": "CRIM-NOPE"})"),
              &ShippedCatalog())
          .find("CRIM-NOPE"),
      std::string::npos);
  // Facts of a 30-day extension: integers and booleans.
  EXPECT_NE(
      ErrorOf(Case(R"({"id": "x", "type": "extension_approved", "time": "2024-03-04 10:00", "rule": "CRIM-DETAIN-04",
                             "gang_size": "two"})"))
          .find("gang_size"),
      std::string::npos);
}

TEST(ParseTimeline, ExtensionMustFitTheActsLawVersion) {
  // A spec id is resolved by the engine; a version id must fit the act.
  const std::string admin = R"({"case_type": "administrative", "events": [
      {"id": "k", "type": "accept_case", "time": "2025-12-20 09:00"},
      {"id": "x", "type": "extension_approved", "time": "2026-01-10 10:00", "rule": "RULE", "approver_level": "superior_bureau"}]})";
  auto with = [&](std::string_view rule) {
    std::string doc = admin;
    doc.replace(doc.find("RULE"), 4, rule);
    return ErrorOf(doc, &ShippedCatalog());
  };
  EXPECT_EQ(with("ADM-TERM-01"), "(accepted)");
  EXPECT_EQ(with("ADM-TERM-01-psal2012"), "(accepted)");  // accepted in 2025, approved in 2026: still PSAL12
  const std::string wrong = with("ADM-TERM-01-psal2025");
  EXPECT_NE(wrong.find("2026-01-01 起的行为"), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("“ADM-TERM-01”"), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("events[1].rule"), std::string::npos) << wrong;
  // Without a catalog (the server's stored-row path) nothing is checked here.
  EXPECT_EQ(ErrorOf(std::string(admin).replace(admin.find("RULE"), 4, "ADM-TERM-01-psal2025")), "(accepted)");
  // A criminal rule in an administrative case.
  const std::string crim = with("CRIM-DETAIN-04");
  EXPECT_NE(crim.find("只适用于刑事案件"), std::string::npos) << crim;
}

const RuleResult& Find(const std::vector<RuleResult>& results, std::string_view id) {
  for (const auto& r : results)
    if (r.rule->id == id) return r;
  static RuleResult none;
  ADD_FAILURE() << "no result for " << id;
  return none;
}

TEST(Evaluate, IgnoresEventsAfterAtAndIsDeterministic) {
  auto tl = ParseTimeline(Case(R"({"id": "a", "type": "detain", "time": "2024-03-04 22:30", "person": "p1"},
                                  {"id": "b", "type": "notify_family", "time": "2024-03-05 10:00", "person": "p1"})"));
  ASSERT_TRUE(tl);
  const auto before = Evaluate(*tl, *ParseLocalDateTime("2024-03-05 09:00"), ShippedCatalog(), ShippedCalendar());
  EXPECT_EQ(Find(before, "CRIM-DETAIN-02").state, RuleState::kRunning);
  const auto after = Evaluate(*tl, *ParseLocalDateTime("2024-03-05 10:00"), ShippedCatalog(), ShippedCalendar());
  EXPECT_EQ(Find(after, "CRIM-DETAIN-02").state, RuleState::kDone);
  const auto again = Evaluate(*tl, *ParseLocalDateTime("2024-03-05 09:00"), ShippedCatalog(), ShippedCalendar());
  ASSERT_EQ(again.size(), before.size());
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].state, before[i].state);
    EXPECT_EQ(again[i].due, before[i].due);
  }
  // Nothing has happened yet at an earlier moment.
  const auto early = Evaluate(*tl, *ParseLocalDateTime("2024-03-01 00:00"), ShippedCatalog(), ShippedCalendar());
  for (const auto& r : early)
    EXPECT_TRUE(r.state == RuleState::kNotStarted || r.state == RuleState::kNotApplicable) << r.rule->id;
}

TEST(Evaluate, OneResultPerPerson) {
  auto tl = ParseTimeline(R"({"case_type": "criminal", "persons": [{"id": "p1"}, {"id": "p2"}], "events": [
      {"id": "d1", "type": "detain", "time": "2024-03-04 10:00", "person": "p1"},
      {"id": "d2", "type": "detain", "time": "2024-03-04 11:00", "person": "p2"},
      {"id": "n1", "type": "notify_family", "time": "2024-03-04 12:00", "person": "p1"}]})");
  ASSERT_TRUE(tl);
  const auto results = Evaluate(*tl, *ParseLocalDateTime("2024-03-05 11:30"), ShippedCatalog(), ShippedCalendar());
  int notify = 0;
  for (const auto& r : results) {
    if (r.rule->id != "CRIM-DETAIN-02") continue;
    ++notify;
    // p1 was notified; p2's notice is missing and overdue since 03-05 11:00.
    if (r.person == 0) {
      EXPECT_EQ(r.state, RuleState::kDone);
    } else {
      EXPECT_EQ(r.state, RuleState::kOverdue);
      EXPECT_EQ(FormatLocalDateTime(r.due), "2024-03-05 11:00:00");
    }
  }
  EXPECT_EQ(notify, 2);
}

}  // namespace
}  // namespace fazhi::supervision
