// Unit tests for the event vocabulary and rule catalog validation.
#include "supervision/catalog.h"

#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "supervision/events.h"

namespace fazhi::supervision {
namespace {

using nlohmann::json;

TEST(EventVocabulary, TableMatchesEnumAndIdsAreUnique) {
  std::set<std::string_view> ids;
  for (int i = 0; i < kEventTypeCount; ++i) {
    const auto t = static_cast<EventType>(i);
    EXPECT_EQ(Info(t).type, t) << "kInfo out of order at " << i;
    EXPECT_TRUE(ids.insert(EventTypeId(t)).second) << EventTypeId(t);
    EXPECT_FALSE(EventTypeName(t).empty());
    EXPECT_EQ(EventTypeFromId(EventTypeId(t)), t);
    for (char c : EventTypeId(t)) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << EventTypeId(t);
  }
  EXPECT_FALSE(EventTypeFromId("Detain"));
  EXPECT_EQ(AttrFromId("approver_level"), Attr::kApproverLevel);
  EXPECT_EQ(AttrId(Attr::kActor), "actor");
}

TEST(ShippedCatalog, ParsesAndCoversTheSpec) {
  const Catalog& c = ShippedCatalog();
  ASSERT_GT(c.rules.size(), 50u);
  // Rules marked U are present but off; every V and S rule is on.
  for (const Rule& r : c.rules) {
    if (r.status == RuleStatus::kU)
      EXPECT_FALSE(r.enabled) << r.id;
    else
      EXPECT_TRUE(r.enabled) << r.id;
    EXPECT_FALSE(r.legal_basis.empty()) << r.id;
  }
  // Every spec row id of §2–§4 appears (possibly with a suffix).
  for (const char* id :
       {"CRIM-SUMMON-01", "CRIM-DETAIN-01", "CRIM-DETAIN-02", "CRIM-DETAIN-03", "CRIM-DETAIN-04", "CRIM-DETAIN-05",
        "CRIM-ARREST-01", "CRIM-ARREST-02", "CRIM-MEAS-01",   "CRIM-MEAS-02",   "CRIM-MEAS-03",   "CRIM-FILE-01",
        "CRIM-FILE-02",   "CRIM-FILE-03",   "CRIM-FILE-04",   "CRIM-INT-01",    "CRIM-INT-02",    "CRIM-MINOR-01",
        "CRIM-PROP-01",   "CRIM-SUPP-01",   "ADM-ACCEPT-01",  "ADM-ACCEPT-02",  "ADM-ACCEPT-03",  "ADM-SUMMON-01",
        "ADM-SUMMON-02",  "ADM-MINOR-01",   "ADM-CQ-01",      "ADM-FORCE-01",   "ADM-FORCE-02",   "ADM-FAST-01",
        "ADM-TERM-01",    "ADM-DEC-01",     "ADM-DEC-02",     "ADM-SEIZE-01",   "ADM-DET-01",     "PROP-01",
        "PROP-02",        "PROP-03",        "AREA-01",        "AREA-02",        "AREA-03",        "REC-01",
        "REC-02",         "QA-01"}) {
    bool found = false;
    for (const Rule& r : c.rules) found = found || r.id == id || r.id.rfind(std::string(id) + "-", 0) == 0;
    EXPECT_TRUE(found) << id;
  }
  const Rule& d4 = c.rules[c.FindRule("CRIM-DETAIN-04")];
  EXPECT_EQ(d4.limit, (Period{3, TimeUnit::kDays}));
  EXPECT_FALSE(d4.holiday_roll);  // custody
  EXPECT_EQ(d4.legal_basis, "刑事诉讼法第91条；公安机关办理刑事案件程序规定第129条、第131条");
  EXPECT_TRUE(c.rules[c.FindRule("CRIM-FILE-01")].holiday_roll);  // nobody held
  EXPECT_FALSE(c.rules[c.FindRule("AREA-03")].enabled);
  EXPECT_EQ(c.FindRule("NO-SUCH"), -1);
}

TEST(ShippedCatalog, IndexedByEventType) {
  const Catalog& c = ShippedCatalog();
  std::set<std::string> triggered_by_detain;
  for (const RuleRef& ref : c.by_event[static_cast<int>(EventType::kDetain)])
    if (ref.roles & kRoleTrigger) triggered_by_detain.insert(c.rules[ref.rule].id);
  EXPECT_EQ(triggered_by_detain,
            (std::set<std::string>{"CRIM-DETAIN-01", "CRIM-DETAIN-02", "CRIM-DETAIN-03", "CRIM-DETAIN-04"}));
  // Disabled rules are not indexed.
  for (const RuleRef& ref : c.by_event[static_cast<int>(EventType::kAreaEnter)])
    EXPECT_NE(c.rules[ref.rule].id, "AREA-03");
}

// A small valid catalog to break one field at a time.
json Base() {
  return json::parse(R"({
    "settings": {"hour_reading": "exact"},
    "rules": [
      {"id": "T-1", "name": "测试", "kind": "deadline", "case_type": "criminal", "status": "V", "enabled": true,
       "scope": "person", "trigger": ["detain"], "stop": ["notify_family"], "limit": {"value": 24, "unit": "hours"},
       "legal_basis": "测试依据"}
    ]})");
}

std::string ErrorOf(const json& doc) {
  auto r = ParseCatalog(doc.dump());
  return r ? std::string("(accepted)") : r.error().message + " @" + r.error().field;
}

TEST(ParseCatalog, AcceptsTheBase) { EXPECT_TRUE(ParseCatalog(Base().dump())); }

TEST(ParseCatalog, UnknownEventTypeNamesRuleAndField) {
  json doc = Base();
  doc["rules"][0]["stop"] = {"notfy_family"};
  const std::string e = ErrorOf(doc);
  EXPECT_NE(e.find("T-1"), std::string::npos) << e;
  EXPECT_NE(e.find("stop"), std::string::npos) << e;
  EXPECT_NE(e.find("notfy_family"), std::string::npos) << e;
  EXPECT_NE(e.find("rules[0].stop"), std::string::npos) << e;
}

TEST(ParseCatalog, UnknownFieldNamesRule) {
  json doc = Base();
  doc["rules"][0]["deadline"] = 3;
  const std::string e = ErrorOf(doc);
  EXPECT_NE(e.find("T-1"), std::string::npos) << e;
  EXPECT_NE(e.find("deadline"), std::string::npos) << e;
}

TEST(ParseCatalog, MalformedLimits) {
  for (const json& limit :
       {json::parse(R"({"value": 3, "unit": "weeks"})"), json::parse(R"({"value": 0, "unit": "days"})"),
        json::parse(R"({"value": "3", "unit": "days"})"), json::parse(R"({"unit": "days"})"),
        json::parse(R"({"value": 3, "unit": "days", "extra": 1})"), json::parse("3")}) {
    json doc = Base();
    doc["rules"][0]["limit"] = limit;
    const std::string e = ErrorOf(doc);
    EXPECT_NE(e.find("T-1"), std::string::npos) << limit.dump() << " → " << e;
    EXPECT_NE(e.find("limit"), std::string::npos) << limit.dump() << " → " << e;
  }
  json missing = Base();
  missing["rules"][0].erase("limit");
  EXPECT_NE(ErrorOf(missing).find("limit"), std::string::npos);
}

TEST(ParseCatalog, OtherErrors) {
  json dup = Base();
  dup["rules"].push_back(dup["rules"][0]);
  EXPECT_NE(ErrorOf(dup).find("重复"), std::string::npos);

  // U rules are off in the shipped catalog but an administrator may switch them on.
  json u_on = Base();
  u_on["rules"][0]["status"] = "U";
  EXPECT_TRUE(ParseCatalog(u_on.dump()));
  json no_enabled = Base();
  no_enabled["rules"][0].erase("enabled");
  EXPECT_NE(ErrorOf(no_enabled).find("enabled"), std::string::npos);

  json bad_cond = Base();
  bad_cond["rules"][0]["when"] = json::parse(R"([{"field": "person.height", "op": "lt", "value": 3}])");
  EXPECT_NE(ErrorOf(bad_cond).find("person.height"), std::string::npos);

  json bad_value = Base();
  bad_value["rules"][0]["when"] = json::parse(R"([{"field": "event.location", "op": "eq", "value": "moon"}])");
  EXPECT_NE(ErrorOf(bad_value).find("moon"), std::string::npos);

  json bad_approver = Base();
  bad_approver["rules"][0]["extensions"] =
      json::parse(R"([{"name": "x", "approver_levels": ["chief"], "new_limit": 48}])");
  EXPECT_NE(ErrorOf(bad_approver).find("chief"), std::string::npos);

  json two_modes = Base();
  two_modes["rules"][0]["extensions"] = json::parse(R"([{"name": "x", "new_limit": 48, "add": 1}])");
  EXPECT_NE(ErrorOf(two_modes).find("extensions[0]"), std::string::npos);

  json shrink = Base();
  shrink["rules"][0]["extensions"] = json::parse(R"([{"name": "x", "new_limit": 12}])");
  EXPECT_NE(ErrorOf(shrink).find("new_limit"), std::string::npos);

  json stop_is_trigger = Base();
  stop_is_trigger["rules"][0]["stop"] = {"detain"};
  EXPECT_NE(ErrorOf(stop_is_trigger).find("stop"), std::string::npos);

  json bad_setting = Base();
  bad_setting["settings"]["hour_reading"] = "rounded";
  EXPECT_NE(ErrorOf(bad_setting).find("settings.hour_reading"), std::string::npos);

  json bad_date = Base();
  bad_date["rules"][0]["effective_from"] = "2026-13-01";
  EXPECT_NE(ErrorOf(bad_date).find("effective_from"), std::string::npos);

  json presence_without_requires = Base();
  presence_without_requires["rules"][0]["kind"] = "presence";
  presence_without_requires["rules"][0].erase("limit");
  EXPECT_NE(ErrorOf(presence_without_requires).find("requires"), std::string::npos);

  EXPECT_FALSE(ParseCatalog("{"));
  EXPECT_FALSE(ParseCatalog(R"({"rules": {}})"));
}

TEST(ParseCatalog, NewFieldsAreValidated) {
  json lapse = Base();
  lapse["settings"]["request_lapse"] = "ignore";
  EXPECT_NE(ErrorOf(lapse).find("settings.request_lapse"), std::string::npos);
  json facts_setting = Base();
  facts_setting["settings"]["extension_facts_required"] = 1;
  EXPECT_NE(ErrorOf(facts_setting).find("settings.extension_facts_required"), std::string::npos);

  json limit_when = Base();
  limit_when["rules"][0]["limit_when"] = json::parse(R"([{"when": [], "value": 12}])");
  EXPECT_NE(ErrorOf(limit_when).find("limit_when[0]"), std::string::npos);
  limit_when["rules"][0]["limit_when"] = json::parse(
      R"([{"when": [{"field": "case.many_people", "op": "eq", "value": true}], "value": 12, "label": "x"}])");
  EXPECT_TRUE(ParseCatalog(limit_when.dump()));

  json clock = Base();
  clock["rules"][0]["when"] = json::parse(R"([{"field": "event.time_of_day", "op": "ge", "value": "25:00"}])");
  EXPECT_NE(ErrorOf(clock).find("HH:MM"), std::string::npos);
  clock["rules"][0]["when"] = json::parse(R"([{"field": "event.time_of_day", "op": "ge", "value": "21:00"}])");
  EXPECT_TRUE(ParseCatalog(clock.dump()));

  // An extension may change the unit (24 hours → 3 days) but must still be longer.
  json unit = Base();
  unit["rules"][0]["extensions"] = json::parse(R"([{"name": "x", "new_limit": 3, "unit": "days"}])");
  EXPECT_TRUE(ParseCatalog(unit.dump()));
  unit["rules"][0]["extensions"] = json::parse(R"([{"name": "x", "new_limit": 1, "unit": "days"}])");
  EXPECT_NE(ErrorOf(unit).find("不长于基本期限"), std::string::npos);
  unit["rules"][0]["extensions"] = json::parse(R"([{"name": "x", "add": 1, "unit": "days"}])");
  EXPECT_NE(ErrorOf(unit).find("new_limit"), std::string::npos);

  // Facts of an extension need labels.
  json facts = Base();
  facts["rules"][0]["extensions"] = json::parse(
      R"([{"name": "x", "new_limit": 48, "requires": [{"field": "event.offences", "op": "ge", "value": 3}]}])");
  EXPECT_NE(ErrorOf(facts).find("extensions[0].requires[0]"), std::string::npos);

  // Request rules point at a deadline rule whose extensions have a request lead, once.
  json request = Base();
  request["rules"][0]["extensions"] = json::parse(R"([{"name": "x", "add": 24, "request_lead_days": 1}])");
  request["rules"].push_back(json::parse(R"({"id": "T-1-request", "name": "提请", "kind": "request",
      "case_type": "criminal", "status": "V", "enabled": true, "request_for": "T-1", "legal_basis": "测试"})"));
  EXPECT_TRUE(ParseCatalog(request.dump())) << ErrorOf(request);
  json twice = request;
  twice["rules"].push_back(twice["rules"][1]);
  twice["rules"][2]["id"] = "T-1-request-2";
  EXPECT_NE(ErrorOf(twice).find("已由规则 T-1-request"), std::string::npos) << ErrorOf(twice);
  json no_lead = request;
  no_lead["rules"][0]["extensions"][0].erase("request_lead_days");
  EXPECT_NE(ErrorOf(no_lead).find("request_lead_days"), std::string::npos);
  json no_parent = request;
  no_parent["rules"][1]["request_for"] = "T-9";
  EXPECT_NE(ErrorOf(no_parent).find("T-9"), std::string::npos);
  json with_trigger = request;
  with_trigger["rules"][1]["trigger"] = {"detain"};
  EXPECT_NE(ErrorOf(with_trigger).find("trigger"), std::string::npos);

  // Two versions named by one spec id must not overlap in time.
  json versions = Base();
  versions["rules"][0]["extensions"] = json::parse(R"([{"name": "x", "new_limit": 48}])");
  versions["rules"][0]["spec_id"] = "T";
  versions["rules"][0]["effective_until"] = "2025-12-31";
  versions["rules"].push_back(versions["rules"][0]);
  versions["rules"][1]["id"] = "T-2";
  versions["rules"][1].erase("effective_until");
  versions["rules"][1]["effective_from"] = "2026-01-01";
  EXPECT_TRUE(ParseCatalog(versions.dump())) << ErrorOf(versions);
  versions["rules"][1]["effective_from"] = "2025-06-01";
  EXPECT_NE(ErrorOf(versions).find("重叠"), std::string::npos) << ErrorOf(versions);
  json clash = Base();
  clash["rules"][0]["spec_id"] = "T-1";  // its own id: fine
  EXPECT_TRUE(ParseCatalog(clash.dump()));
  clash["rules"].push_back(clash["rules"][0]);
  clash["rules"][1]["id"] = "T-2";  // names another rule's id
  EXPECT_NE(ErrorOf(clash).find("编号相同"), std::string::npos);
}

// The server keeps earlier catalog versions as JSON (rule_catalog_versions) and parses them again:
// a catalog written before the fields of this version (spec_id, limit_when, extension unit/requires/
// facts_label, request rules, settings request_lapse / extension_facts_required) still parses.
json WithoutNewFields(json doc) {
  doc["settings"].erase("request_lapse");
  doc["settings"].erase("extension_facts_required");
  json rules = json::array();
  for (json rule : doc["rules"]) {
    if (rule.value("kind", "") == "request") continue;
    rule.erase("spec_id");
    rule.erase("limit_when");
    if (rule.contains("extensions"))
      for (auto& x : rule["extensions"]) {
        x.erase("requires");
        x.erase("facts_label");
        if (x.contains("unit")) {
          x.erase("unit");
          x["new_limit"] = 72;  // the old ADM-ACCEPT-01 extension, in hours
        }
      }
    rules.push_back(rule);
  }
  doc["rules"] = rules;
  return doc;
}

TEST(ParseCatalog, OlderStoredCatalogStillParses) {
  const json old = WithoutNewFields(json::parse(ShippedCatalogJson()));
  auto parsed = ParseCatalog(old.dump(), "规则目录第 1 版");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->settings.request_lapse, RequestLapse::kPreWarn);
  EXPECT_FALSE(parsed->settings.extension_facts_required);
  EXPECT_EQ(parsed->FindRule("CRIM-ARREST-02-request"), -1);
  for (std::int32_t r : parsed->request_rule_of) EXPECT_EQ(r, -1);
  EXPECT_EQ(parsed->rules.size() + 1, ShippedCatalog().rules.size());
}

TEST(ShippedCatalog, ExtensionRequestsAndVersions) {
  const Catalog& c = ShippedCatalog();
  const int arrest = c.FindRule("CRIM-ARREST-02");
  const int request = c.FindRule("CRIM-ARREST-02-request");
  ASSERT_GE(request, 0);
  EXPECT_EQ(c.rules[request].kind, RuleKind::kRequest);
  EXPECT_EQ(c.rules[request].request_parent, arrest);
  EXPECT_EQ(c.request_rule_of[arrest], request);
  EXPECT_TRUE(c.Extensible("ADM-TERM-01"));
  EXPECT_TRUE(c.Extensible("ADM-SUMMON-01"));
  EXPECT_FALSE(c.Extensible("AREA-01"));
  // ADM-ACCEPT-01's 3 days is a day period (spec §1 convention 1), not 72 hours.
  const Rule& accept = c.rules[c.FindRule("ADM-ACCEPT-01")];
  ASSERT_EQ(accept.extensions.size(), 1u);
  EXPECT_EQ(accept.extensions[0].new_limit, 3);
  EXPECT_EQ(accept.extensions[0].unit, TimeUnit::kDays);
}

}  // namespace
}  // namespace fazhi::supervision
