// CaseService over a real database with a fake CaseHooks: case file writes, event validation against
// the whole timeline, the state machine and its hooks, scope, list filters, LoadTimeline.
#include <gtest/gtest.h>

#include "cases/timeline_store.h"
#include "cases_module/cases_fixture.h"

namespace fazhi::testing {
namespace {

using cases::kAdministrative;
using cases::kCriminal;

TEST_F(CaseServiceTest, CreateCaseRecordsOpeningActsAndCallsHooks) {
  const auto c = NewCase();
  EXPECT_EQ(c.header.status, "accepted");
  EXPECT_EQ(c.header.case_type, kCriminal);
  EXPECT_TRUE(c.header.external_id.starts_with("A2023")) << c.header.external_id;
  ASSERT_TRUE(c.header.lead_officer);
  EXPECT_EQ(c.header.lead_officer->id, officer_a_);
  // create + add person
  EXPECT_EQ(hooks_.changed, (std::vector<std::int64_t>{c.header.id, c.header.id}));
  auto events = service_->ListEvents(Who("case_officer", team_a_), c.header.id);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type, "accept_case");
  EXPECT_EQ((*events)[0].type_name, "受案");
  EXPECT_EQ(Seeder({*db_, kNow}).Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case.create'"), 1);
}

TEST_F(CaseServiceTest, CreateCaseValidatesOfficers) {
  cases::CaseInput in;
  in.case_type = kCriminal;
  in.cause = "盗窃罪";
  in.unit_id = team_a_;
  in.lead_officer_id = aux_a_;  // 辅警 cannot lead
  auto r = service_->CreateCase(Who("case_officer", team_a_), Actor(), in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "lead_officer_id");
  in.lead_officer_id = officer_a_;
  in.legal_officer_id = officer_a2_;  // not a 法制员
  r = service_->CreateCase(Who("case_officer", team_a_), Actor(), in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "not_legal_officer");
  in.legal_officer_id = legal_;
  in.unit_id = team_b_;  // out of the caller's scope
  r = service_->CreateCase(Who("case_officer", team_a_), Actor(), in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Seeder({*db_, kNow}).Scalar("SELECT COUNT(*) FROM cases"), 0);
  EXPECT_TRUE(hooks_.changed.empty());
}

TEST_F(CaseServiceTest, EventsAreValidatedAgainstTheWholeTimeline) {
  const auto c = NewCase();
  const std::int64_t id = c.header.id;
  ASSERT_TRUE(Event(id, {{"type", "summon_arrive"}, {"time", "2023-05-25 09:00"}, {"person", "p1"}}));
  const std::size_t calls = hooks_.ChangedCount();
  const auto before = EventCount(id);

  // Unknown type.
  auto r = Event(id, {{"type", "detian"}, {"time", "2023-05-25 10:00"}, {"person", "p1"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("detian"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("新事件"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().field, "type");
  // Unknown person.
  r = Event(id, {{"type", "detain"}, {"time", "2023-05-25 10:00"}, {"person", "p9"}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("p9"), std::string::npos) << r.error().message;
  // Release before any detention of that person: impossible order.
  r = Event(id, {{"type", "release"}, {"time", "2023-05-25 08:00"}, {"person", "p1"}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("释放"), std::string::npos) << r.error().message;
  // An attribute the type does not admit.
  r = Event(id, {{"type", "detain"}, {"time", "2023-05-25 10:00"}, {"person", "p1"}, {"officers", 2}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "officers");
  // A time in the future.
  r = Event(id, {{"type", "detain"}, {"time", "2023-07-25 10:00"}, {"person", "p1"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "future_time");
  // Nothing stored, hooks not called.
  EXPECT_EQ(EventCount(id), before);
  EXPECT_EQ(hooks_.ChangedCount(), calls);

  // The same release after a detention is fine.
  ASSERT_TRUE(Event(id, {{"type", "detain"}, {"time", "2023-05-25 15:00"}, {"person", "p1"}}));
  auto ok = Event(id, {{"type", "release"}, {"time", "2023-05-26 08:00"}, {"person", "p1"}});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->type_name, "释放");
}

TEST_F(CaseServiceTest, HookFailureRollsBackTheEvent) {
  const auto c = NewCase();
  const auto before = EventCount(c.header.id);
  hooks_.fail_changes = true;
  auto r = Event(c.header.id, {{"type", "summon_arrive"}, {"time", "2023-05-25 09:00"}, {"person", "p1"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(EventCount(c.header.id), before);
}

TEST_F(CaseServiceTest, ExternalIdMakesPostingIdempotent) {
  const auto c = NewCase();
  nlohmann::json e = {
      {"type", "summon_arrive"}, {"time", "2023-05-25 09:00"}, {"person", "p1"}, {"external_id", "JZ-1"}};
  auto first = Event(c.header.id, e);
  ASSERT_TRUE(first) << first.error().message;
  auto again = Event(c.header.id, e);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(first->id, again->id);
  e["time"] = "2023-05-25 10:00";
  auto clash = Event(c.header.id, e);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_EQ(EventCount(c.header.id), 2);  // accept_case + summon_arrive
}

TEST_F(CaseServiceTest, PropertyFollowsItsEvents) {
  const auto c = NewCase();
  ASSERT_TRUE(Event(c.header.id, {{"type", "property_extract"}, {"time", "2023-05-25 09:00"}, {"item", "WP0001"}}));
  auto d = service_->GetCase(Who("case_officer", team_a_), Actor(), c.header.id);
  ASSERT_EQ(d->property.size(), 1u);
  EXPECT_EQ(d->property[0].code, "WP0001");
  EXPECT_EQ(d->property[0].status, "extracted");
  ASSERT_TRUE(Event(c.header.id, {{"type", "property_handover"}, {"time", "2023-05-25 19:00"}, {"item", "WP0001"}}));
  d = service_->GetCase(Who("case_officer", team_a_), Actor(), c.header.id);
  EXPECT_EQ(d->property[0].status, "in_storage");
  // 一物一码: the same code cannot appear in another case.
  const auto other = NewCase();
  auto r = Event(other.header.id, {{"type", "property_extract"}, {"time", "2023-05-25 09:00"}, {"item", "WP0001"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "item_of_other_case");
}

TEST_F(CaseServiceTest, TransitionsAreRoleGatedAndAppendEvents) {
  const auto c = NewCase();
  const std::int64_t id = c.header.id;
  // 办案民警 cannot 立案.
  auto r = service_->ChangeStatus(Who("case_officer", team_a_), Actor(), id, {.to = "filed"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  // No such move.
  r = service_->ChangeStatus(Who("legal_officer", bureau_), Actor(), id, {.to = "transferred"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "invalid_transition");
  // 法制员 (case.review) may.
  cases::TransitionInput move{.to = "filed", .at = kNow - 9 * 86400};
  r = service_->ChangeStatus(Who("legal_officer", bureau_), Actor(), id, move);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->header.status, "filed");
  EXPECT_EQ(hooks_.transitions.back(), std::to_string(id) + ":accepted->filed");
  auto events = service_->ListEvents(Who("case_officer", team_a_), id);
  EXPECT_EQ(events->back().type, "file_case");
  EXPECT_EQ(events->back().source, "transition");
  ASSERT_TRUE(service_->ChangeStatus(Who("case_officer", team_a_), Actor(), id, {.to = "investigating"}));

  // The hooks refuse 移送起诉 (no review): nothing changes.
  hooks_.refuse_to = "transferred";
  const auto before = EventCount(id);
  r = service_->ChangeStatus(Who("legal_officer", bureau_), Actor(), id, {.to = "transferred"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().reason, "review_required");
  EXPECT_EQ(EventCount(id), before);
  auto now = service_->GetCase(Who("case_officer", team_a_), Actor(), id);
  EXPECT_EQ(now->header.status, "investigating");
  hooks_.refuse_to.clear();
  r = service_->ChangeStatus(Who("legal_officer", bureau_), Actor(), id, {.to = "transferred"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(service_->ListEvents(Who("case_officer", team_a_), id)->back().type, "transfer_prosecution");
}

TEST_F(CaseServiceTest, TransitionEventIsValidatedToo) {
  auto c = NewCase(kAdministrative);
  const std::int64_t id = c.header.id;
  ASSERT_TRUE(service_->ChangeStatus(Who("case_officer", team_a_), Actor(), id, {.to = "investigating"}));
  cases::TransitionInput decide{.to = "decided", .event_attrs = {{"person", "p7"}}};
  auto r = service_->ChangeStatus(Who("legal_officer", bureau_), Actor(), id, decide);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("p7"), std::string::npos) << r.error().message;
  EXPECT_EQ(service_->GetCase(Who("case_officer", team_a_), Actor(), id)->header.status, "investigating");
  decide.event_attrs = {{"person", "p1"}, {"admin_detention", true}};
  r = service_->ChangeStatus(Who("legal_officer", bureau_), Actor(), id, decide);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->header.status, "decided");
}

TEST_F(CaseServiceTest, ScopeAndBinding) {
  const auto a = NewCase();
  const auto b = NewCase(kCriminal, team_b_);
  const auto officer_b = Who("case_officer", team_b_, officer_b_);
  EXPECT_EQ(service_->GetCase(officer_b, Actor(), a.header.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->ListEvents(officer_b, a.header.id).error().code, ErrorCode::kNotFound);
  auto ev = service_->AddEvent(officer_b, Actor(), a.header.id,
                               {{{"type", "summon_arrive"}, {"time", "2023-05-25 09:00"}, {"person", "p1"}}});
  EXPECT_EQ(ev.error().code, ErrorCode::kNotFound);
  auto list = service_->ListCases(officer_b, {}, {});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->total, 1);
  EXPECT_EQ(list->items[0].id, b.header.id);

  // A 法制员 of 法制大队 sees the cases bound to him, wherever they are.
  const auto legal = Who("legal_officer", legal_team_, legal_);
  EXPECT_EQ(service_->ListCases(legal, {}, {})->total, 0);
  cases::CaseInput bind;
  bind.legal_officer_id = legal_;
  ASSERT_TRUE(service_->UpdateCase(Who("case_officer", team_a_), Actor(), a.header.id, bind));
  EXPECT_EQ(service_->ListCases(legal, {}, {})->total, 1);
  EXPECT_TRUE(service_->GetCase(legal, Actor(), a.header.id));
  // An 协办 officer from elsewhere sees it too. Naming him takes someone who sees both units (a
  // 派出所 account names only its own people: issue 16 defect 4).
  cases::CaseInput assist;
  assist.assist_officer_ids = std::vector<std::int64_t>{officer_b_};
  EXPECT_FALSE(service_->UpdateCase(Who("case_officer", team_a_), Actor(), a.header.id, assist));
  ASSERT_TRUE(service_->UpdateCase(Who("case_officer", bureau_), Actor(), a.header.id, assist));
  EXPECT_EQ(service_->ListCases(officer_b, {}, {})->total, 2);
}

TEST_F(CaseServiceTest, ListFilters) {
  const auto a1 = NewCase();
  const auto a2 = NewCase(kAdministrative, team_a_, officer_a2_);
  const auto b1 = NewCase(kCriminal, team_b_);
  const auto bureau = Who("leader", bureau_);
  auto count = [&](cases::CaseFilter f) { return service_->ListCases(bureau, f, {}).value().total; };
  EXPECT_EQ(count({}), 3);
  EXPECT_EQ(count({.unit_id = team_a_}), 2);
  EXPECT_EQ(count({.officer_id = officer_a2_}), 1);
  EXPECT_EQ(count({.case_type = std::string(kCriminal)}), 2);
  EXPECT_EQ(count({.status = std::string("accepted")}), 3);
  EXPECT_EQ(count({.q = a2.header.external_id}), 1);
  EXPECT_EQ(count({.q = std::string("殴打")}), 1);
  EXPECT_EQ(count({.accepted_from = kNow - 11 * 86400, .accepted_to = kNow}), 3);
  EXPECT_EQ(count({.accepted_from = kNow - 5 * 86400}), 0);
  Seeder{*db_, kNow}
      .db
      .Write([&](soci::session& sql) -> Result<bool> {
        long long id = b1.header.id;
        sql << "UPDATE cases SET alert_state = 'overdue' WHERE id = :id", soci::use(id);
        return true;
      })
      .value();
  EXPECT_EQ(count({.alert_state = std::string("overdue")}), 1);
  EXPECT_EQ(service_->ListCases(bureau, {.unit_id = 999999}, {}).error().code, ErrorCode::kNotFound);
  (void)a1;
}

TEST_F(CaseServiceTest, PersonsIdNumberIsEncryptedAndMasked) {
  const auto c = NewCase();
  cases::CasePersonInput p{
      .ref = "p2", .name = "被害人乙", .role = "victim", .age = 40, .id_number = "11010519491231002X"};
  auto added = service_->AddPerson(Who("case_officer", team_a_), Actor(), c.header.id, p);
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(added->id_number, "1101**********002X");
  const std::string stored = db_->Read([&](soci::session& sql) {
    std::string enc;
    sql << "SELECT id_number_enc FROM case_persons WHERE ref = 'p2'", soci::into(enc);
    return enc;
  });
  EXPECT_EQ(stored.find("11010519491231002X"), std::string::npos);
  auto plain = service_->GetCase(Who("leader", bureau_), Actor(), c.header.id);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->persons[1].id_number, "11010519491231002X");
  EXPECT_EQ(Seeder({*db_, kNow}).Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case_person.read_pii'"), 1);
  p.id_number = "110105194912310021";  // bad check digit
  p.ref = "p3";
  auto bad = service_->AddPerson(Who("case_officer", team_a_), Actor(), c.header.id, p);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "id_number");
}

TEST_F(CaseServiceTest, LoadTimelineGivesTheEngineTheStoredLog) {
  const auto c = NewCase();
  auto e1 = Event(c.header.id, {{"type", "detain"}, {"time", "2023-05-25 15:00"}, {"person", "p1"}});
  auto e2 = Event(c.header.id, {{"type", "interrogate"},
                                {"time", "2023-05-25 16:00"},
                                {"person", "p1"},
                                {"officers", 2},
                                {"location", "interrogation_room"}});
  ASSERT_TRUE(e1 && e2);
  auto tl = db_->Read([&](soci::session& sql) { return cases::LoadTimeline(sql, c.header.id); });
  ASSERT_TRUE(tl) << tl.error().message;
  EXPECT_EQ(tl->case_id, std::to_string(c.header.id));
  ASSERT_EQ(tl->persons.size(), 1u);
  EXPECT_EQ(tl->persons[0].id, "p1");
  EXPECT_EQ(tl->persons[0].age, 30);
  ASSERT_EQ(tl->events.size(), 3u);
  EXPECT_EQ(tl->events[1].id, std::to_string(e1->id));
  EXPECT_EQ(tl->events[1].type, supervision::EventType::kDetain);
  EXPECT_EQ(tl->events[2].Get(supervision::Attr::kOfficers), 2);
  EXPECT_EQ(tl->events[2].person, 0);
  auto missing = db_->Read([&](soci::session& sql) { return cases::LoadTimeline(sql, 987654); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(CaseServiceTest, IncidentsAndCasesFromIncidents) {
  cases::IncidentInput in{.unit_id = team_a_,
                          .received_at = kNow - 11 * 86400,
                          .category = "盗窃",
                          .summary = "电动车被盗",
                          .body_camera = false,
                          .officer_id = officer_a_};
  auto inc = service_->CreateIncident(Who("case_officer", team_a_), Actor(), in);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_TRUE(inc->external_id.starts_with("J2023")) << inc->external_id;
  cases::CaseInput c;
  c.case_type = kCriminal;
  c.cause = "盗窃罪";
  c.unit_id = team_a_;
  c.lead_officer_id = officer_a_;
  c.incident_id = inc->id;
  c.accepted_at = kNow - 10 * 86400;
  auto created = service_->CreateCase(Who("case_officer", team_a_), Actor(), c);
  ASSERT_TRUE(created) << created.error().message;
  ASSERT_TRUE(created->incident);
  EXPECT_EQ(created->incident->external_id, inc->external_id);
  auto events = service_->ListEvents(Who("case_officer", team_a_), created->header.id);
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].type, "report");
  EXPECT_EQ((*events)[1].type, "incident");
  EXPECT_EQ((*events)[1].attrs.value("body_camera", true), false);
  // One case per incident.
  auto twice = service_->CreateCase(Who("case_officer", team_a_), Actor(), c);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().reason, "incident_has_case");
  auto list = service_->ListIncidents(Who("case_officer", team_a_), {.has_case = true}, {});
  EXPECT_EQ(list->total, 1);
  EXPECT_EQ(service_->GetIncident(Who("case_officer", team_b_), inc->id).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace fazhi::testing
