// 监管配置: versioned rule catalog and holiday calendar, validated by the engine's loaders; bad
// input → 400 naming the rule/item and field, with the active version unchanged; activation,
// rollback and the audit trail.
#include "oversight/oversight_fixture.h"
#include "supervision/catalog.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

class RuleConfigTest : public OversightTest {
 protected:
  json ShippedCatalog() { return json::parse(supervision::ShippedCatalogJson()); }
  json& Rule(json& catalog, const std::string& id) {
    for (auto& r : catalog["rules"])
      if (r["id"] == id) return r;
    throw std::runtime_error("no rule " + id);
  }
  std::int64_t CatalogVersions() { return Count("SELECT COUNT(*) FROM rule_catalog_versions"); }
  std::int64_t ActiveCatalog() { return Count("SELECT version FROM rule_catalog_versions WHERE active = 1"); }
};

TEST_F(RuleConfigTest, ShippedCatalogIsVersionOne) {
  auto legal = SignedIn("legal");
  auto r = legal.Get("/api/oversight/catalog");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["active_version"], 1);
  ASSERT_EQ(r.json["versions"].size(), 1u);
  EXPECT_EQ(r.json["versions"][0]["created_by_name"], "系统");
  EXPECT_GT(r.json["catalog"]["rules"].size(), 50u);
  r = legal.Get("/api/oversight/calendar");
  EXPECT_EQ(r.json["active_version"], 1);
  EXPECT_TRUE(r.json["calendar"]["days_off"].is_array());
  // A second service over the same database does not create another version 1.
  oversight::OversightService again(db(), *clock_, app_->jobs());
  ASSERT_TRUE(again.Init());
  EXPECT_EQ(CatalogVersions(), 1);
}

TEST_F(RuleConfigTest, BadCatalogEditsAre400AndChangeNothing) {
  auto legal = SignedIn("legal");
  json bad = ShippedCatalog();
  Rule(bad, "CRIM-DETAIN-02")["stop"] = json::array({"notfy"});
  auto r = legal.Put("/api/oversight/catalog", json{{"catalog", bad}, {"note", "错字"}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.Message().find("CRIM-DETAIN-02"), std::string::npos) << r.body;
  EXPECT_NE(r.Message().find("notfy"), std::string::npos) << r.body;
  EXPECT_NE(r.json["error"]["field"].get<std::string>().find("stop"), std::string::npos) << r.body;

  json unknown_field = ShippedCatalog();
  Rule(unknown_field, "PROP-01")["colour"] = "red";
  r = legal.Put("/api/oversight/catalog", json{{"catalog", unknown_field}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.Message().find("PROP-01"), std::string::npos) << r.body;
  EXPECT_NE(r.Message().find("colour"), std::string::npos) << r.body;

  EXPECT_EQ(legal.Put("/api/oversight/catalog", json{{"catalog", "{not json"}}).status, 400);
  EXPECT_EQ(legal.Put("/api/oversight/catalog", json{{"catalog", 5}}).status, 400);
  EXPECT_EQ(legal.Put("/api/oversight/catalog", json{{"note", "无目录"}}).status, 400);
  EXPECT_EQ(legal.Put("/api/oversight/catalog", json{{"catalog", ShippedCatalog()}, {"extra", 1}}).status, 400);
  // Only rule.admin may edit.
  auto off = SignedIn("off_a");
  EXPECT_EQ(off.Put("/api/oversight/catalog", json{{"catalog", ShippedCatalog()}}).status, 403);

  EXPECT_EQ(CatalogVersions(), 1);
  EXPECT_EQ(ActiveCatalog(), 1);
  EXPECT_EQ(service_->Rules()->catalog_version, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'oversight.%'"), 0);
}

// Defect 13: the form sets a rule's limit and 预警 lead within what the law allows; the server holds
// the law's limits (sent with the catalog) and refuses a longer limit or a lead as long as the limit.
TEST_F(RuleConfigTest, LimitsStayWithinTheLaw) {
  auto legal = SignedIn("legal");
  auto r = legal.Get("/api/oversight/catalog");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["legal_limits"]["CRIM-DETAIN-04"], (json{{"value", 3}, {"unit", "days"}})) << r.body;

  json longer = ShippedCatalog();
  Rule(longer, "CRIM-DETAIN-04")["limit"] = {{"value", 4}, {"unit", "days"}};
  r = legal.Put("/api/oversight/catalog", json{{"catalog", longer}, {"note", "延长"}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json["error"]["code"], "beyond_legal_limit") << r.body;
  EXPECT_NE(r.Message().find("3日"), std::string::npos) << r.body;
  EXPECT_NE(r.Message().find("刑事诉讼法"), std::string::npos) << r.body;

  json hours = ShippedCatalog();  // 96 hours is 4 days, still beyond
  Rule(hours, "CRIM-DETAIN-04")["limit"] = {{"value", 96}, {"unit", "hours"}};
  EXPECT_EQ(legal.Put("/api/oversight/catalog", json{{"catalog", hours}}).status, 400);

  json lead = ShippedCatalog();
  Rule(lead, "CRIM-DETAIN-04")["pre_warn"] = {{"value", 3}, {"unit", "days"}};
  r = legal.Put("/api/oversight/catalog", json{{"catalog", lead}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json["error"]["code"], "pre_warn_too_long") << r.body;
  EXPECT_EQ(CatalogVersions(), 1);

  // Stricter than the law, with a lead of one day: a new version in force.
  json ok = ShippedCatalog();
  Rule(ok, "CRIM-DETAIN-04")["limit"] = {{"value", 2}, {"unit", "days"}};
  Rule(ok, "CRIM-DETAIN-04")["pre_warn"] = {{"value", 1}, {"unit", "days"}};
  r = legal.Put("/api/oversight/catalog", json{{"catalog", ok}, {"note", "内部从严"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(ActiveCatalog(), 2);
  service_->WaitForReevaluation();
}

TEST_F(RuleConfigTest, EditActivateRollbackReevaluatesAndAudits) {
  const std::int64_t c = AddCase(team_a_, "criminal", officer_a_, kStart - 7200);
  AddCasePerson(c, "p1", "suspect");
  AddEvent(c, "detain", kStart - 3600, "p1");
  const std::string has_clock =
      "SELECT COUNT(*) FROM alerts WHERE case_id = " + std::to_string(c) + " AND rule_id = 'CRIM-DETAIN-02'";
  ASSERT_EQ(Count(has_clock), 1);

  auto legal = SignedIn("legal");
  json edited = ShippedCatalog();
  Rule(edited, "CRIM-DETAIN-02")["enabled"] = false;
  auto r = legal.Put("/api/oversight/catalog", json{{"catalog", edited}, {"note", "试行：暂停通知家属提醒"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["version"], 2);
  EXPECT_EQ(service_->Rules()->catalog_version, 2);
  r = legal.Get("/api/oversight/catalog");
  EXPECT_EQ(r.json["active_version"], 2);
  ASSERT_EQ(r.json["versions"].size(), 2u);
  EXPECT_EQ(r.json["versions"][0]["version"], 2);
  EXPECT_EQ(r.json["versions"][0]["created_by_name"], "legal");
  EXPECT_EQ(r.json["versions"][0]["note"], "试行：暂停通知家属提醒");
  EXPECT_TRUE(r.json["versions"][0]["active"].get<bool>());
  EXPECT_FALSE(r.json["versions"][1]["active"].get<bool>());
  r = legal.Get("/api/oversight/catalog/versions/2");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(Rule(r.json["catalog"], "CRIM-DETAIN-02")["enabled"].get<bool>());

  // Who changed what: the save names the changed rule; the activation records before/after.
  const std::string detail = Text("SELECT detail FROM audit_log WHERE action = 'oversight.catalog.save'");
  const auto d = json::parse(detail);
  EXPECT_EQ(d["changes"]["rules_changed"], json::array({"CRIM-DETAIN-02"}));
  EXPECT_EQ(d["before"]["active_version"], 1);
  EXPECT_EQ(Text("SELECT username FROM audit_log WHERE action = 'oversight.catalog.activate'"), "legal");

  // Activation re-evaluates the open cases in the background, which drops the disabled rule's clock.
  service_->WaitForReevaluation();
  r = legal.Get("/api/oversight/reevaluation");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["state"], "done") << r.body;
  EXPECT_EQ(r.json["reason"], "启用规则目录第 2 版");
  EXPECT_EQ(r.json["cases_total"], 1);
  EXPECT_EQ(r.json["cases_written"], 1);
  EXPECT_EQ(Count(has_clock), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'oversight.reevaluate'"), 1);

  // Rollback to version 1 brings it back.
  r = legal.Post("/api/oversight/catalog/versions/1/activate", json::object());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(service_->Rules()->catalog_version, 1);
  service_->WaitForReevaluation();
  EXPECT_EQ(Count(has_clock), 1);
  EXPECT_EQ(service_->GetReevaluation().state, "done");

  // By hand: 202 with the job; nothing changes the second time; only rule.admin may start one.
  r = legal.Post("/api/oversight/reevaluation", json{{"open_only", false}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_FALSE(r.json["open_only"].get<bool>());
  service_->WaitForReevaluation();
  EXPECT_EQ(service_->GetReevaluation().cases_written, 0);
  EXPECT_EQ(Count(has_clock), 1);
  EXPECT_EQ(legal.Post("/api/oversight/reevaluation", json{{"open_only", "yes"}}).status, 400);
  EXPECT_EQ(SignedIn("off_a").Post("/api/oversight/reevaluation", json::object()).status, 403);
  EXPECT_NE(Text("SELECT summary FROM audit_log WHERE action = 'oversight.catalog.activate' ORDER BY id DESC LIMIT 1")
                .find("回退"),
            std::string::npos);
  EXPECT_EQ(legal.Post("/api/oversight/catalog/versions/9/activate", json::object()).status, 404);

  // Saving without activating keeps the active version.
  r = legal.Put("/api/oversight/catalog", json{{"catalog", edited}, {"activate", false}});
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.json["version"], 3);
  EXPECT_EQ(ActiveCatalog(), 1);
}

TEST_F(RuleConfigTest, OtherInstanceActivationIsPickedUpBySweep) {
  oversight::OversightService other(db(), *clock_, app_->jobs());
  ASSERT_TRUE(other.Init());
  json edited = ShippedCatalog();
  Rule(edited, "PROP-01")["enabled"] = false;
  auth::Principal p;
  p.user_id = legal_user_;
  ASSERT_TRUE(other.SaveCatalog(p, audit::Actor{.user_id = legal_user_, .username = "legal"}, edited.dump(), "", true));
  EXPECT_EQ(service_->Rules()->catalog_version, 1);
  auto rep = service_->Sweep();
  ASSERT_TRUE(rep);
  EXPECT_TRUE(rep->rules_reloaded);
  EXPECT_EQ(service_->Rules()->catalog_version, 2);
}

TEST_F(RuleConfigTest, CalendarEditMalformedDateAndActivation) {
  auto legal = SignedIn("legal");
  json cal = json::parse(supervision::ShippedCalendarJson());
  json bad = cal;
  bad["days_off"].push_back({{"name", "错日期"}, {"from", "2024-02-30"}, {"to", "2024-03-01"}});
  auto r = legal.Put("/api/oversight/calendar", json{{"calendar", bad}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.Message().find("2024-02-30"), std::string::npos) << r.body;
  EXPECT_NE(r.json["error"]["field"].get<std::string>().find("days_off["), std::string::npos) << r.body;
  json conflict = cal;
  conflict["working_days"].push_back({{"name", "冲突"}, {"date", "2024-02-12"}});  // a 春节 day off
  EXPECT_EQ(legal.Put("/api/oversight/calendar", json{{"calendar", conflict}}).status, 400);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM calendar_versions"), 1);
  EXPECT_EQ(service_->Rules()->calendar_version, 1);

  json good = cal;
  good["days_off"].push_back({{"name", "临时调整"}, {"from", "2024-03-11"}, {"to", "2024-03-11"}});
  EXPECT_FALSE(service_->Rules()->calendar.IsHoliday({2024, 3, 11}));
  r = legal.Put("/api/oversight/calendar", json{{"calendar", good}, {"note", "临时休息日"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(service_->Rules()->calendar_version, 2);
  EXPECT_TRUE(service_->Rules()->calendar.IsHoliday({2024, 3, 11}));
  const auto d = json::parse(Text("SELECT detail FROM audit_log WHERE action = 'oversight.calendar.save'"));
  ASSERT_EQ(d["changes"]["days_off_added"].size(), 1u);
  EXPECT_EQ(d["changes"]["days_off_added"][0]["from"], "2024-03-11");
  r = legal.Post("/api/oversight/calendar/versions/1/activate", json::object());
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(service_->Rules()->calendar.IsHoliday({2024, 3, 11}));
}

TEST_F(RuleConfigTest, ReviewGatesEditable) {
  auto legal = SignedIn("legal");
  auto r = legal.Get("/api/oversight/review-gates");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["gates"].size(), 2u);
  r = legal.Put("/api/oversight/review-gates",
                json{{"gates", json::array({{{"case_type", "criminal"}, {"to", "filed"}, {"stage", "approve"}}})}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.json["error"]["field"].get<std::string>().find("gates[0]"), std::string::npos) << r.body;
  r = legal.Put(
      "/api/oversight/review-gates",
      json{{"gates", json::array({{{"case_type", "administrative"}, {"to", "decided"}, {"stage", "accept"}}})}});
  ASSERT_EQ(r.status, 200) << r.body;
  r = legal.Get("/api/oversight/review-gates");
  ASSERT_EQ(r.json["gates"].size(), 1u);
  EXPECT_EQ(r.json["gates"][0]["to"], "decided");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'oversight.review_gates.update'"), 1);
}

}  // namespace
}  // namespace fazhi::testing
