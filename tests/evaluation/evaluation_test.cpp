// 优劣质案件评定 (issue 14 item 6) over real HTTP: rubric versions (a revision never changes a round
// that uses the old version), a round's cases drawn by rule or at random (same seed → same cases,
// the seed recorded; only the organiser's subtree), a panel member's marks with their refusals
// (out of range, incomplete, not on the panel — nothing stored), closing (mean of the members,
// grade by the round's thresholds), the ledger facts for the 主办 of 优质/劣质 cases, the bulletin
// section, the anonymised teaching set, the XLSX export, and scope (out of reach answered like
// nonexistent). Runs on SQLite and, with FAZHI_TEST_DB=postgresql://…, on PostgreSQL.
#include <gtest/gtest.h>

#include "cases/case_store.h"
#include "db/sql.h"
#include "evaluation/evaluation_service.h"
#include "evaluation/evaluation_sources.h"
#include "http/http_fixture.h"
#include "points/month.h"
#include "scoring/scoring_service.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

constexpr EpochSeconds kYear2025 = 1735660800;  // 2025-01-01 00:00 北京时间

class EvaluationTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    legal_ = seed::Unit(app_->db(), bureau_, "法制大队", "team", kStart, "法制大队");
    other_bureau_ = AddUnit(city_, "郊区分局", "bureau");
    other_team_ = AddUnit(other_bureau_, "郊区派出所", "team");
    lead_ = AddPerson(team_a_, "李明", "E1001");
    assist_ = AddPerson(team_a_, "王强", "E1002");
    fazhi_ = AddUser("fazhi", "legal_officer", legal_);
    ps2_ = AddUser("ps2", "legal_officer", team_a_);  // 兼职法制员 of the 派出所: panel members, not organisers
    ps3_ = AddUser("ps3", "legal_officer", team_b_);
    AddUser("fazhi_a", "legal_officer", team_a_);  // reaches 东街派出所 only, not on the panels
    AddUser("leader", "leader", bureau_);
    other_legal_ = AddUser("other_fazhi", "legal_officer", other_team_);
    // Ten closed cases in 东街, five in 西街 (2025), one closed in 2024, one in the other bureau.
    for (int i = 0; i < 10; ++i) AddCase(team_a_, fmt::format("A{:03}", i), kYear2025 + (i + 1) * 86400 * 20);
    for (int i = 0; i < 5; ++i) AddCase(team_b_, fmt::format("B{:03}", i), kYear2025 + (i + 1) * 86400 * 30);
    AddCase(team_a_, "OLD", kYear2025 - 86400 * 10);
    AddCase(other_team_, "X001", kYear2025 + 86400 * 40, other_bureau_);
  }

  std::int64_t AddCase(std::int64_t unit, const std::string& no, EpochSeconds closed, std::int64_t bureau = 0) {
    return app_->db()
        .Write([&](soci::session& sql) -> Result<std::int64_t> {
          cases::store::CaseRow row;
          row.bureau_id = bureau ? bureau : bureau_;
          row.unit_id = unit;
          row.external_id = no;
          row.case_type = "administrative";
          row.cause = "盗窃";
          row.category = "民生小案";
          row.title = "张三盗窃电动车案";
          row.status = "closed";
          row.lead_officer_id = bureau ? std::nullopt : std::optional<std::int64_t>(lead_);
          row.accepted_at = closed - 86400 * 5;
          row.closed_at = closed;
          const std::int64_t id = cases::store::InsertCase(sql, row, kStart);
          if (!bureau) {
            cases::store::ReplaceOfficers(sql, bureau_, id, lead_, {assist_});
            cases::store::PersonRow p;
            p.bureau_id = bureau_;
            p.case_id = id;
            p.ref = "p1";
            p.name = "张三";
            p.role = "suspect";
            cases::store::InsertPerson(sql, p, kStart);
          }
          return id;
        })
        .value();
  }

  json RubricBody(int second_weight = 60) {
    return {{"name", "评查细则"},
            {"items",
             {{{"title", "证据收集"}, {"description", "证据链完整"}, {"weight", 40}},
              {{"title", "办案程序"}, {"weight", second_weight}}}}};
  }

  std::int64_t Rubric(Client& c) {
    auto r = c.Post("/api/evaluation/rubrics", RubricBody());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("id", std::int64_t{0});
  }

  json Round(Client& c, std::int64_t rubric, std::vector<std::int64_t> panel) {
    auto r = c.Post("/api/evaluation/rounds", json{{"name", "2025年度优劣质案件评定"},
                                                   {"rubric_id", rubric},
                                                   {"good_min", 90},
                                                   {"poor_below", 60},
                                                   {"panel", panel}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json;
  }

  json Draw(Client& c, std::int64_t round, int count, std::int64_t seed) {
    auto r = c.Post(fmt::format("/api/evaluation/rounds/{}/select", round), json{{"mode", "random"},
                                                                                 {"closed_from", "2025-01-01"},
                                                                                 {"closed_to", "2026-01-01"},
                                                                                 {"count", count},
                                                                                 {"seed", seed}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json;
  }

  static std::vector<std::string> Numbers(const json& round) {
    std::vector<std::string> out;
    for (const auto& c : round["case_list"]) out.push_back(c["external_id"]);
    return out;
  }

  json Marks(const json& rubric, int first, int second, const std::string& comment = "") {
    return {{"marks",
             {{{"item_id", rubric["items"][0]["id"]}, {"mark", first}, {"comment", comment}},
              {{"item_id", rubric["items"][1]["id"]}, {"mark", second}}}},
            {"comment", "评语：主办民警李明办理，嫌疑人张三（身份证号 110105199003071234，电话 13812345678）"}};
  }

  std::int64_t Count(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarInt(sql, q).value_or(0); });
  }

  std::int64_t legal_ = 0, other_bureau_ = 0, other_team_ = 0, lead_ = 0, assist_ = 0;
  std::int64_t fazhi_ = 0, ps2_ = 0, ps3_ = 0, other_legal_ = 0;
};

TEST_F(EvaluationTest, RubricRevisionIsANewVersionAndRefusesBadItems) {
  auto c = SignedIn("fazhi");
  const std::int64_t v1 = Rubric(c);
  auto bad = c.Post("/api/evaluation/rubrics", json{{"name", "空"}, {"items", json::array()}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Code(), "no_items");
  EXPECT_NE(bad.Message().find("至少"), std::string::npos) << bad.body;
  auto zero = c.Post("/api/evaluation/rubrics", RubricBody(0));
  EXPECT_EQ(zero.status, 400) << zero.body;
  const json round = Round(c, v1, {ps2_});
  auto v2 = c.Post(fmt::format("/api/evaluation/rubrics/{}/versions", v1), RubricBody(50));
  ASSERT_EQ(v2.status, 201) << v2.body;
  EXPECT_EQ(v2.json["version"], 2);
  EXPECT_EQ(v2.json["family_id"], v1);
  EXPECT_EQ(v2.json["total"], 90);
  // The round keeps version 1 (total 100); the list shows the current version only.
  auto got = c.Get(fmt::format("/api/evaluation/rounds/{}", round["id"].get<std::int64_t>()));
  EXPECT_EQ(got.json["rubric"]["total"], 100);
  EXPECT_EQ(got.json["rubric"]["version"], 1);
  auto list = c.Get("/api/evaluation/rubrics");
  ASSERT_EQ(list.json["items"].size(), 1u);
  EXPECT_EQ(list.json["items"][0]["version"], 2);
  EXPECT_EQ(c.Get("/api/evaluation/rubrics?all=true").json["items"].size(), 2u);
  // Another bureau's legal officer does not see it; a case officer may not write one.
  auto other = SignedIn("other_fazhi");
  EXPECT_EQ(other.Get(fmt::format("/api/evaluation/rubrics/{}", v1)).status, 404);
  EXPECT_EQ(other.Post(fmt::format("/api/evaluation/rubrics/{}/versions", v1), RubricBody()).status, 404);
  EXPECT_EQ(SignedIn("officer_a").Post("/api/evaluation/rubrics", RubricBody()).status, 403);
  // A 派出所's legal officer may not write the bureau's rubric.
  EXPECT_EQ(SignedIn("fazhi_a").Post("/api/evaluation/rubrics", RubricBody()).Code(), "bureau_only");
  EXPECT_EQ(SignedIn("fazhi_a").Post(fmt::format("/api/evaluation/rubrics/{}/versions", v1), RubricBody()).status, 403);
}

TEST_F(EvaluationTest, SeededDrawIsReproducibleAndStaysInScope) {
  auto c = SignedIn("fazhi");
  const std::int64_t rubric = Rubric(c);
  const json r1 = Round(c, rubric, {ps2_});
  const json r2 = Round(c, rubric, {ps2_});
  const json d1 = Draw(c, r1["id"], 6, 42);
  const json d2 = Draw(c, r2["id"], 6, 42);
  EXPECT_EQ(d1["case_list"].size(), 6u);
  EXPECT_EQ(Numbers(d1), Numbers(d2));
  EXPECT_EQ(d1["seed"], 42);
  EXPECT_EQ(d1["selection"][0]["candidates"], 15);  // 2025 only, this bureau only
  for (const auto& n : Numbers(d1)) EXPECT_TRUE(n != "OLD" && n != "X001") << n;
  // Another seed draws another set (for these 15 cases and 6 draws).
  const json r3 = Round(c, rubric, {ps2_});
  EXPECT_NE(Numbers(Draw(c, r3["id"], 6, 7)), Numbers(d1));
  // The pure function: same seed, same draw; all when asking for more than there are.
  std::vector<std::int64_t> ids;
  for (int i = 1; i <= 100; ++i) ids.push_back(i);
  EXPECT_EQ(evaluation::DrawSeeded(ids, 10, 5), evaluation::DrawSeeded(ids, 10, 5));
  EXPECT_EQ(evaluation::DrawSeeded({3, 1, 2}, 10, 5), (std::vector<std::int64_t>{1, 2, 3}));
  // By rule: 西街 only.
  auto rule =
      c.Post(fmt::format("/api/evaluation/rounds/{}/select", r3["id"].get<std::int64_t>()),
             json{{"mode", "rule"}, {"closed_from", "2025-01-01"}, {"closed_to", "2026-01-01"}, {"unit_id", team_b_}});
  ASSERT_EQ(rule.status, 200) << rule.body;
  int west = 0;
  for (const auto& k : rule.json["case_list"]) west += k["unit_name"] == "西街派出所";
  EXPECT_EQ(west, 5);
  // Refusals: random without count, a reversed period, a unit of another bureau, an unknown round.
  const std::string path = fmt::format("/api/evaluation/rounds/{}/select", r1["id"].get<std::int64_t>());
  EXPECT_EQ(c.Post(path, json{{"mode", "random"}, {"closed_from", "2025-01-01"}, {"closed_to", "2026-01-01"}}).Code(),
            "invalid_count");
  EXPECT_EQ(c.Post(path, json{{"mode", "rule"}, {"closed_from", "2026-01-01"}, {"closed_to", "2025-01-01"}}).Code(),
            "invalid_period");
  EXPECT_EQ(
      c.Post(
           path,
           json{{"mode", "rule"}, {"closed_from", "2025-01-01"}, {"closed_to", "2026-01-01"}, {"unit_id", other_team_}})
          .status,
      404);
  EXPECT_EQ(c.Post("/api/evaluation/rounds/999999/select", json{{"mode", "rule"}}).status, 404);
  EXPECT_EQ(c.Post(path, json{{"mode", "bogus"}}).status, 400);
  // A 派出所's legal officer reaches only 东街: he does not see the bureau's round.
  EXPECT_EQ(SignedIn("fazhi_a").Get(fmt::format("/api/evaluation/rounds/{}", r1["id"].get<std::int64_t>())).status,
            404);
  EXPECT_EQ(SignedIn("other_fazhi").Post(path, json{{"mode", "rule"}}).status, 404);
}

TEST_F(EvaluationTest, PanelMarksCloseGradeLedgerBulletinAndTeachingSet) {
  auto org = SignedIn("fazhi");
  const std::int64_t rubric = Rubric(org);
  const json round = Round(org, rubric, {ps2_, ps3_});
  const std::int64_t round_id = round["id"];
  const json drawn = Draw(org, round_id, 3, 99);
  const json& rub = drawn["rubric"];
  const std::int64_t good = drawn["case_list"][0]["id"], poor = drawn["case_list"][1]["id"],
                     pass = drawn["case_list"][2]["id"];
  auto ps2 = SignedIn("ps2");
  auto ps3 = SignedIn("ps3");
  const auto path = [](std::int64_t id) { return fmt::format("/api/evaluation/cases/{}/marks", id); };
  // Refusals: a mark over the item's weight, an incomplete sheet, a non-member, a member of nothing.
  auto over = ps2.Put(path(good), Marks(rub, 41, 60));
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(over.Code(), "mark_out_of_range");
  EXPECT_NE(over.Message().find("0–40"), std::string::npos) << over.body;
  EXPECT_EQ(ps2.Put(path(good), Marks(rub, -1, 60)).Code(), "mark_out_of_range");
  auto part = ps2.Put(path(good), json{{"marks", {{{"item_id", rub["items"][0]["id"]}, {"mark", 10}}}}});
  EXPECT_EQ(part.Code(), "incomplete_marks");
  EXPECT_EQ(org.Put(path(good), Marks(rub, 40, 60)).Code(), "not_panel_member");
  EXPECT_EQ(SignedIn("other_fazhi").Put(path(good), Marks(rub, 40, 60)).status, 404);
  EXPECT_EQ(ps2.Put(path(999999), Marks(rub, 40, 60)).status, 404);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM eval_marks"), 0);
  // Members mark: good 100 / 90 → 95; poor 50 / 60 → 55 (< 60); pass 80 / 81 → 80.5.
  ASSERT_EQ(ps2.Put(path(good), Marks(rub, 40, 60)).status, 200);
  ASSERT_EQ(ps3.Put(path(good), Marks(rub, 35, 55)).status, 200);
  ASSERT_EQ(ps2.Put(path(poor), Marks(rub, 20, 30, "未调取张三的监控录像")).status, 200);
  ASSERT_EQ(ps3.Put(path(poor), Marks(rub, 20, 40)).status, 200);
  ASSERT_EQ(ps2.Put(path(pass), Marks(rub, 30, 50)).status, 200);
  auto sheet = ps3.Put(path(pass), Marks(rub, 31, 50));
  ASSERT_EQ(sheet.status, 200) << sheet.body;
  // A member sees his own sheet before closing; the organiser sees both.
  EXPECT_EQ(sheet.json["sheets"].size(), 1u);
  EXPECT_EQ(org.Get(fmt::format("/api/evaluation/cases/{}", pass)).json["sheets"].size(), 2u);
  EXPECT_EQ(ps2.Post(fmt::format("/api/evaluation/rounds/{}/close", round_id), json::object()).status, 403);
  auto closed = org.Post(fmt::format("/api/evaluation/rounds/{}/close", round_id), json::object());
  ASSERT_EQ(closed.status, 200) << closed.body;
  std::map<std::int64_t, json> by_id;
  for (const auto& k : closed.json["case_list"]) by_id[k["id"]] = k;
  EXPECT_DOUBLE_EQ(by_id[good]["score"].get<double>(), 95.0);
  EXPECT_EQ(by_id[good]["grade_name"], "优质");
  EXPECT_DOUBLE_EQ(by_id[poor]["score"].get<double>(), 55.0);
  EXPECT_EQ(by_id[poor]["grade"], "poor");
  EXPECT_DOUBLE_EQ(by_id[pass]["score"].get<double>(), 80.5);
  EXPECT_EQ(by_id[pass]["grade"], "pass");
  EXPECT_EQ(by_id[good]["marked_by"], 2);
  // Closed: no more marks, no more draws.
  EXPECT_EQ(ps2.Put(path(good), Marks(rub, 40, 60)).Code(), "round_closed");
  auto again = org.Post(fmt::format("/api/evaluation/rounds/{}/select", round_id),
                        json{{"mode", "rule"}, {"closed_from", "2025-01-01"}, {"closed_to", "2026-01-01"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.Code(), "round_closed");
  // Ledger: a bonus for the good case and a deduction for the poor one, both to the 主办.
  bool registered = false;
  for (const auto& s : app_->scoring().sources()) registered |= s->id() == "case_rating";
  EXPECT_TRUE(registered);
  auto source = evaluation::MakeLedgerSource();
  std::vector<points::RawFact> facts;
  app_->db().Read([&](soci::session& sql) {
    return source->Collect(sql, points::MakeMonthScope(bureau_, *points::ParseMonth("2026-01"), kStart), facts);
  });
  ASSERT_EQ(facts.size(), 2u);
  std::set<std::string> acts;
  for (const auto& f : facts) {
    acts.insert(f.act);
    ASSERT_EQ(f.officers.size(), 1u);
    EXPECT_EQ(f.officers[0].person_id, lead_);
  }
  EXPECT_EQ(acts, (std::set<std::string>{"case_rating_good", "case_rating_poor"}));
  // Teaching set: anonymised (no person, officer, 身份证号 or phone left).
  auto teach = SignedIn("leader").Get("/api/evaluation/teaching");
  ASSERT_EQ(teach.status, 200) << teach.body;
  ASSERT_EQ(teach.json["total"], 2);
  const std::string text = teach.body;
  for (const char* s : {"张三", "李明", "110105199003071234", "13812345678"})
    EXPECT_EQ(text.find(s), std::string::npos) << s << " in " << text;
  EXPECT_NE(text.find("张某盗窃电动车案"), std::string::npos) << text;
  EXPECT_NE(text.find("主办民警"), std::string::npos) << text;
  EXPECT_NE(text.find("未调取张某的监控录像"), std::string::npos) << text;
  EXPECT_EQ(SignedIn("other_fazhi").Get("/api/evaluation/teaching").json["total"], 0);
  // Anonymised, the teaching set is for the whole bureau: a 派出所's officer reads it too.
  EXPECT_EQ(SignedIn("officer_b").Get("/api/evaluation/teaching?grade=poor").json["total"], 1);
  // Export.
  auto x = org.Get(fmt::format("/api/evaluation/rounds/{}/results.xlsx", round_id));
  EXPECT_EQ(x.status, 200);
  EXPECT_EQ(x.body.substr(0, 2), "PK");
}

// Issue 14 item 6: the teaching set of a closed round becomes the next 以案说法 issue of the training
// library in one click by a bureau-level holder, anonymised again at publish time: a teaching text
// that still holds a person's name, an ID number and a phone (as an older row might) is cleaned.
TEST_F(EvaluationTest, TeachingSetPublishedAsTrainingMaterialAnonymisedAgain) {
  auto org = SignedIn("fazhi");
  const json round = Round(org, Rubric(org), {ps2_, ps3_});
  const std::int64_t round_id = round["id"];
  const json drawn = Draw(org, round_id, 2, 7);
  const json& rub = drawn["rubric"];
  const std::int64_t good = drawn["case_list"][0]["id"], poor = drawn["case_list"][1]["id"];
  const std::string publish = fmt::format("/api/evaluation/rounds/{}/publish", round_id);
  EXPECT_EQ(org.Post(publish, json::object()).Code(), "round_open");  // not before closing
  auto ps2 = SignedIn("ps2");
  ASSERT_EQ(ps2.Put(fmt::format("/api/evaluation/cases/{}/marks", good), Marks(rub, 40, 60)).status, 200);
  ASSERT_EQ(ps2.Put(fmt::format("/api/evaluation/cases/{}/marks", poor), Marks(rub, 10, 20)).status, 200);
  ASSERT_EQ(org.Post(fmt::format("/api/evaluation/rounds/{}/close", round_id), json::object()).status, 200);
  // A teaching text written before the anonymiser knew better: the suspect, the 主办, an officer of the
  // roster outside the case, an ID number and a phone.
  app_->db()
      .Write([&](soci::session& sql) -> Result<void> {
        db::SqlArgs a;
        db::Exec(sql,
                 fmt::format("UPDATE eval_round_cases SET anon_comments = {} WHERE id = {}",
                             a.Str("张三供述由李明讯问，王强在场，身份证号 110105199003071234，电话 13812345678"),
                             a.Int(good)),
                 a);
        return {};
      })
      .value();
  // Refused: a 派出所's 法制员 (the round is out of his reach), a 局领导 (no eval.manage), another bureau.
  EXPECT_EQ(SignedIn("fazhi_a").Post(publish, json::object()).status, 404);
  EXPECT_EQ(SignedIn("leader").Post(publish, json::object()).status, 403);
  EXPECT_EQ(SignedIn("other_fazhi").Post(publish, json::object()).status, 404);
  auto p = org.Post(publish, json::object());
  ASSERT_EQ(p.status, 201) << p.body;
  EXPECT_EQ(p.json["series"], "以案说法");
  EXPECT_EQ(p.json["issue_no"], 1);
  EXPECT_EQ(p.json["cases"], 2);
  EXPECT_EQ(org.Post(publish, json::object()).Code(), "already_published");
  EXPECT_EQ(org.Get(fmt::format("/api/evaluation/rounds/{}", round_id)).json["material_id"], p.json["material_id"]);
  // In the library, for the whole bureau: nothing personal left, surname + 某 and roles instead.
  auto m =
      SignedIn("officer_b").Get(fmt::format("/api/training/materials/{}", p.json["material_id"].get<std::int64_t>()));
  ASSERT_EQ(m.status, 200) << m.body;
  const std::string body = m.json["body"];
  for (const char* s : {"张三", "李明", "王强", "110105199003071234", "13812345678"})
    EXPECT_EQ(body.find(s), std::string::npos) << s << " in " << body;
  EXPECT_NE(body.find("张某供述由主办民警讯问，协办民警在场"), std::string::npos) << body;
  EXPECT_NE(body.find("[身份证号已隐去]"), std::string::npos) << body;
  EXPECT_NE(body.find("优质案件"), std::string::npos) << body;
  EXPECT_NE(body.find("劣质案件"), std::string::npos) << body;
  auto list = SignedIn("officer_b").Get("/api/training/materials?series=以案说法");
  EXPECT_EQ(list.json["total"], 1) << list.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'eval.publish'"), 1);
  // The check itself: what is left is named; surname + 某 and roles are not.
  cases::CaseNames names{.persons = {"张三"}, .officers = {{"李明", "主办民警"}}};
  EXPECT_EQ(evaluation::PersonalDataLeft("张某由主办民警讯问", names), std::vector<std::string>{});
  EXPECT_EQ(evaluation::PersonalDataLeft("张三由李明讯问，电话 13812345678，身份证 11010519900307123X", names),
            (std::vector<std::string>{"姓名", "身份证号", "电话"}));
}

TEST_F(EvaluationTest, AnonymiseReplacesNamesIdsAndPhones) {
  cases::CaseNames names{{"张三", "欧阳娜娜"}, {{"李明", "主办民警"}, {"王强", "协办民警"}}};
  EXPECT_EQ(evaluation::Anonymise("李明和王强讯问张三、欧阳娜娜，电话13912345678，身份证11010519900307123X", names),
            "主办民警和协办民警讯问张某、欧某，电话[电话已隐去]，身份证[身份证号已隐去]");
  EXPECT_EQ(evaluation::GradeOf(9000, 90, 60), "good");
  EXPECT_EQ(evaluation::GradeOf(8999, 90, 60), "pass");
  EXPECT_EQ(evaluation::GradeOf(5999, 90, 60), "poor");
}

TEST_F(EvaluationTest, RoundRefusesBadThresholdsPanelAndUnits) {
  auto c = SignedIn("fazhi");
  const std::int64_t rubric = Rubric(c);
  json body = {{"name", "批次"}, {"rubric_id", rubric}, {"good_min", 50}, {"poor_below", 60}, {"panel", {ps2_}}};
  EXPECT_EQ(c.Post("/api/evaluation/rounds", body).Code(), "invalid_thresholds");
  body["good_min"] = 101;
  EXPECT_EQ(c.Post("/api/evaluation/rounds", body).Code(), "invalid_thresholds");
  body["good_min"] = 90;
  body["panel"] = {other_legal_};
  EXPECT_EQ(c.Post("/api/evaluation/rounds", body).status, 404);
  body["panel"] = json::array();
  EXPECT_EQ(c.Post("/api/evaluation/rounds", body).status, 400);
  body["panel"] = {ps2_};
  body["rubric_id"] = 999999;
  EXPECT_EQ(c.Post("/api/evaluation/rounds", body).status, 404);
  body["rubric_id"] = rubric;
  body["unknown"] = 1;
  EXPECT_EQ(c.Post("/api/evaluation/rounds", body).status, 400);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM eval_rounds"), 0);
  EXPECT_EQ(SignedIn("officer_a").Get("/api/evaluation/rounds").status, 200);
  EXPECT_EQ(NewClient().Get("/api/evaluation/rounds").status, 401);
}

}  // namespace
}  // namespace fazhi::testing
