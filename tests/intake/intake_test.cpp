// 接报案大厅 (issue 13 item 1) over real HTTP: registering a ticket on the spot with its refusals
// (GB 11643 check digit, birth date, phone, required fields — nothing stored), the reporter's data
// encrypted at rest, masked in answers and each view in clear audited, routing by rules kept as data
// or with a recorded reason, deadlines from the rule catalog (ADM-ACCEPT-01 / CRIM-FILE-01) and the
// configured days, the closed loop with feedback and reopening, evidence files, the history, and
// scope (out of reach answered like nonexistent). Runs on SQLite and, with
// FAZHI_TEST_DB=postgresql://…, on PostgreSQL.
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "auth/roles.h"
#include "auth/vault.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "files/qr_png.h"
#include "http/http_fixture.h"
#include "intake/intake_module.h"
#include "intake/intake_receipt.h"
#include "intake/intake_sources.h"
#include "supervision/calendar.h"
#include "supervision/catalog.h"
#include "supervision/legal_time.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

// A 身份证号 with a valid check digit for the 17 digits given.
std::string IdNumber(const std::string& first17) { return first17 + auth::IdNumberCheckChar(first17); }

const std::string kId = IdNumber("11010519900307123");
const std::string kPhone = "13812345678";

class IntakeTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    legal_ = seed::Unit(app_->db(), bureau_, "法制大队", "team", kStart, "法制大队");
    hall_ = seed::Unit(app_->db(), bureau_, "接报案中心", "team", kStart, "接报案大厅");
    AddUser("fazhi", "legal_officer", legal_);
    AddUser("jiebao", "intake", hall_);      // the bureau's hall: reaches the whole bureau
    AddUser("jiebao_a", "intake", team_a_);  // a 派出所's own window: reaches 东街派出所 only
  }

  json Report(const std::string& summary = "电动车在小区门口被盗") {
    return {{"kind", "report"},
            {"case_type", "administrative"},
            {"category", "盗窃"},
            {"reporter_name", "张三"},
            {"reporter_id_number", kId},
            {"reporter_phone", kPhone},
            {"summary", summary},
            {"occurred_at", "2025-12-31 22:00"},
            {"place", "东街幸福小区北门"},
            {"evidence", {"现场照片 3 张", "购车发票复印件"}}};
  }
  void Rules(Client& c, json items) {
    auto r = c.Put("/api/intake/rules", json{{"items", std::move(items)}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  std::int64_t Count(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarInt(sql, q).value_or(0); });
  }
  std::string Text(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarText(sql, q).value_or(""); });
  }
  std::vector<std::string> Actions(const json& ticket) {
    std::vector<std::string> out;
    for (const auto& h : ticket["history"]) out.push_back(h["action"].get<std::string>());
    return out;
  }
  Response Upload(Client& c, std::int64_t ticket, const std::string& description, const std::string& filename,
                  const std::string& bytes) {
    httplib::MultipartFormDataItems items = {{"description", description, "", ""},
                                             {"file", bytes, filename, "application/octet-stream"}};
    return c.Wrap(c.raw().Post(fmt::format("/api/intake/tickets/{}/evidence", ticket).c_str(), c.Headers(true), items));
  }

  std::int64_t legal_ = 0, hall_ = 0;
};

TEST_F(IntakeTest, RegisterRoutesByRuleEncryptsMasksAndAuditsViews) {
  auto legal = SignedIn("fazhi");
  Rules(legal, json::array({{{"kind", "report"}, {"unit_id", team_b_}},
                            {{"kind", "report"}, {"place", "东街"}, {"unit_id", team_a_}}}));
  auto clerk = SignedIn("jiebao");
  auto r = clerk.Post("/api/intake/tickets", Report());
  ASSERT_EQ(r.status, 201) << r.body;
  const json& t = r.json;
  EXPECT_EQ(t["ticket_no"], "JB202601010001");
  const std::string code = t["query_code"];
  EXPECT_TRUE(std::regex_match(code, std::regex("[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}"))) << code;
  // The more specific rule (kind + place) wins; a 报案 (administrative) is due within ADM-ACCEPT-01's 24 hours.
  EXPECT_EQ(t["status"], "routed");
  EXPECT_EQ(t["unit_id"], team_a_);
  EXPECT_EQ(t["due_at"], kStart + 24 * 3600);
  EXPECT_NE(t["deadline_basis"].get<std::string>().find("ADM-ACCEPT-01"), std::string::npos);
  EXPECT_EQ(t["reporter"]["name"], "张*");
  EXPECT_EQ(t["reporter"]["phone"], "138****5678");
  EXPECT_EQ(t["reporter"]["id_number"], auth::MaskIdNumber(kId));
  EXPECT_EQ(t["evidence"].size(), 2u);
  EXPECT_EQ(Actions(t), (std::vector<std::string>{"register", "route"}));
  // At rest: neither the phone, the 身份证号, the name nor the query code is stored in clear.
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM intake_tickets WHERE reporter_phone_enc LIKE '%{}%' OR "
                              "reporter_id_enc LIKE '%{}%' OR reporter_name_enc = '张三' OR query_code_enc = '{}' OR "
                              "query_index = '{}'",
                              kPhone, kId, code, code)),
            0);
  // Nothing of the reporter in the list.
  auto list = clerk.Get("/api/intake/tickets");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find("138"), std::string::npos);
  // The view in clear is given and recorded (audit + history).
  const std::int64_t id = t["id"];
  auto clear = clerk.Get(fmt::format("/api/intake/tickets/{}/reporter", id));
  ASSERT_EQ(clear.status, 200) << clear.body;
  EXPECT_EQ(clear.json["name"], "张三");
  EXPECT_EQ(clear.json["id_number"], kId);
  EXPECT_EQ(clear.json["phone"], kPhone);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'intake.read_pii'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action IN ('intake.register', 'intake.route')"), 2);
  auto detail = clerk.Get(fmt::format("/api/intake/tickets/{}", id));
  EXPECT_EQ(Actions(detail.json), (std::vector<std::string>{"register", "route", "read_pii"}));
  // A second ticket of the day gets the next number.
  auto second = clerk.Post("/api/intake/tickets", Report("手机被偷"));
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(second.json["ticket_no"], "JB202601010002");
  EXPECT_NE(second.json["query_code"], code);
}

TEST_F(IntakeTest, BadInputIsRefusedNamingTheFieldAndNothingIsStored) {
  auto clerk = SignedIn("jiebao");
  struct Case {
    std::string key;
    json value;
    std::string field, reason;
  };
  std::string wrong_check = kId;
  wrong_check.back() = wrong_check.back() == '0' ? '1' : '0';
  const std::vector<Case> cases = {
      {"reporter_id_number", wrong_check, "reporter_id_number", "invalid_id_number"},
      {"reporter_id_number", IdNumber("11010519900230123"), "reporter_id_number", "invalid_birth_date"},  // 2月30日
      {"reporter_id_number", IdNumber("11010520990101123"), "reporter_id_number", "invalid_birth_date"},  // future
      {"reporter_phone", "12345", "reporter_phone", "invalid_phone"},
      {"reporter_phone", "", "reporter_phone", "required"},
      {"reporter_name", "", "reporter_name", "required"},
      {"summary", "  ", "summary", "required"},
      {"case_type", "", "case_type", "required"},
      {"kind", "gossip", "kind", "invalid_value"},
      {"occurred_at", "昨天", "occurred_at", "invalid_time"},
      {"unknown", 1, "unknown", ""},
  };
  for (const auto& c : cases) {
    json body = Report();
    body[c.key] = c.value;
    auto r = clerk.Post("/api/intake/tickets", body);
    EXPECT_EQ(r.status, 400) << c.key << " " << r.body;
    EXPECT_EQ(r.json["error"]["field"], c.field) << r.body;
    if (!c.reason.empty()) {
      EXPECT_EQ(r.Code(), c.reason) << r.body;
    }
    EXPECT_FALSE(r.Message().empty());
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM intake_tickets"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM intake_evidence"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'intake.%'"), 0);
  // A lower-case x check letter and a phone typed with spaces are accepted.
  json ok = Report();
  ok["reporter_id_number"] = IdNumber("11010519900307100");
  if (ok["reporter_id_number"].get<std::string>().back() == 'X') {
    std::string lower = ok["reporter_id_number"];
    lower.back() = 'x';
    ok["reporter_id_number"] = lower;
  }
  ok["reporter_phone"] = "138 1234 5678";
  auto r = clerk.Post("/api/intake/tickets", ok);
  EXPECT_EQ(r.status, 201) << r.body;
  // Without intake.do: 403.
  auto sec = SignedIn("secadmin");
  EXPECT_EQ(sec.Post("/api/intake/tickets", Report()).status, 403);
}

TEST_F(IntakeTest, RoutingOverrideNeedsAReasonAndStaysInScope) {
  auto legal = SignedIn("fazhi");
  Rules(legal, json::array({{{"kind", "complaint"}, {"unit_id", legal_}}}));
  auto clerk = SignedIn("jiebao");
  json complaint = Report("对民警处理纠纷的态度不满");
  complaint["kind"] = "complaint";
  complaint.erase("case_type");
  complaint["unit_id"] = team_b_;  // not the rule's unit, without a reason
  auto r = clerk.Post("/api/intake/tickets", complaint);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json["error"]["field"], "route_reason");
  EXPECT_EQ(r.Code(), "reason_required");
  complaint.erase("unit_id");
  r = clerk.Post("/api/intake/tickets", complaint);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t id = r.json["id"];
  EXPECT_EQ(r.json["unit_id"], legal_);
  // A complaint is due in the configured days (30 by default, end of the local day).
  const EpochSeconds due30 =
      supervision::ComputeDue(kStart, {.value = 30, .unit = supervision::TimeUnit::kDays}, 0, true,
                              supervision::HourReading::kExact, supervision::ShippedCalendar());
  EXPECT_EQ(r.json["due_at"], due30);
  // Re-routing elsewhere needs a reason, and the reason is kept in the history.
  auto bad = clerk.Post(fmt::format("/api/intake/tickets/{}/route", id), json{{"unit_id", team_b_}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json["error"]["field"], "reason");
  auto ok = clerk.Post(fmt::format("/api/intake/tickets/{}/route", id),
                       json{{"unit_id", team_b_}, {"reason", "被投诉民警属西街派出所"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["unit_id"], team_b_);
  EXPECT_EQ(ok.json["route_reason"], "被投诉民警属西街派出所");
  EXPECT_NE(ok.json["history"].back()["note"].get<std::string>().find("被投诉民警属西街派出所"), std::string::npos);
  // The 派出所's own window reaches only its 派出所: it neither sees this ticket nor routes to 西街.
  auto window = SignedIn("jiebao_a");
  EXPECT_EQ(window.Get(fmt::format("/api/intake/tickets/{}", id)).status, 404);
  EXPECT_EQ(window.Get("/api/intake/tickets").json["total"], 0);
  json own = Report("钱包丢失");
  own["unit_id"] = team_b_;
  own["route_reason"] = "就近";
  auto out = window.Post("/api/intake/tickets", own);
  EXPECT_EQ(out.status, 404) << out.body;
  EXPECT_EQ(out.json["error"]["field"], "unit_id");
  own["unit_id"] = team_a_;
  auto mine = window.Post("/api/intake/tickets", own);
  ASSERT_EQ(mine.status, 201) << mine.body;
  EXPECT_EQ(window
                .Post(fmt::format("/api/intake/tickets/{}/route", mine.json["id"].get<std::int64_t>()),
                      json{{"unit_id", team_b_}, {"reason", "x"}})
                .status,
            404);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM intake_tickets"), 2);
  // Settings change the configured days; only intake.manage may change them.
  EXPECT_EQ(
      clerk.Put("/api/intake/settings", json{{"complaint_days", 15}, {"consult_days", 3}, {"help_days", 1}}).status,
      403);
  auto set =
      legal.Put("/api/intake/settings",
                json{{"complaint_days", 15}, {"consult_days", 3}, {"help_days", 1}, {"hall_phone", "0351-1234567"}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(
      legal.Put("/api/intake/settings", json{{"complaint_days", 0}, {"consult_days", 3}, {"help_days", 1}}).status,
      400);
  auto again = clerk.Post("/api/intake/tickets", complaint);
  ASSERT_EQ(again.status, 201);
  EXPECT_EQ(again.json["due_at"],
            supervision::ComputeDue(kStart, {.value = 15, .unit = supervision::TimeUnit::kDays}, 0, true,
                                    supervision::HourReading::kExact, supervision::ShippedCalendar()));
}

TEST_F(IntakeTest, CriminalReportIsDueByCrimFile01) {
  auto clerk = SignedIn("jiebao");
  json body = Report("被电信诈骗 3 万元");
  body["case_type"] = "criminal";
  body["unit_id"] = team_a_;
  auto r = clerk.Post("/api/intake/tickets", body);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto& catalog = supervision::ShippedCatalog();
  const auto& rule = catalog.rules[static_cast<std::size_t>(catalog.FindRule("CRIM-FILE-01"))];
  EXPECT_EQ(r.json["due_at"], supervision::ComputeDue(kStart, rule.limit, 0, rule.holiday_roll,
                                                      catalog.settings.hour_reading, supervision::ShippedCalendar()));
  EXPECT_NE(r.json["deadline_basis"].get<std::string>().find("CRIM-FILE-01"), std::string::npos);
}

TEST_F(IntakeTest, ClosedLoopWithFeedbackAndReopening) {
  auto clerk = SignedIn("jiebao");
  json body = Report();
  body["unit_id"] = team_a_;
  auto r = clerk.Post("/api/intake/tickets", body);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t id = r.json["id"];
  const std::string base = fmt::format("/api/intake/tickets/{}", id);
  // A 报案 needs its decision before the outcome; feedback needs the outcome.
  EXPECT_EQ(clerk.Post(base + "/outcome", json{{"outcome", "已破案"}}).status, 409);
  EXPECT_EQ(clerk.Post(base + "/feedback", json{{"method", "phone"}, {"text", "x"}}).status, 409);
  // The officer of the routed unit decides and concludes.
  auto officer = SignedIn("officer_a");
  auto d = officer.Post(base + "/decision", json{{"accepted", true}, {"note", "受案，编号 A-1"}});
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json["status"], "accepted");
  EXPECT_EQ(SignedIn("officer_b").Post(base + "/outcome", json{{"outcome", "x"}}).status, 404);
  auto o = officer.Post(base + "/outcome", json{{"outcome", "已追回电动车并发还"}});
  ASSERT_EQ(o.status, 200) << o.body;
  EXPECT_EQ(o.json["status"], "concluded");
  EXPECT_EQ(clerk.Post(base + "/feedback", json{{"method", "fax"}, {"text", "x"}}).json["error"]["field"], "method");
  EXPECT_EQ(clerk.Post(base + "/feedback", json{{"method", "phone"}, {"text", "已电话告知"}, {"satisfaction", 6}})
                .json["error"]["field"],
            "satisfaction");
  auto f = clerk.Post(base + "/feedback", json{{"method", "phone"}, {"text", "已电话告知报案人"}, {"satisfaction", 5}});
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(f.json["status"], "closed");
  EXPECT_EQ(f.json["satisfaction"], 5);
  EXPECT_EQ(clerk.Post(base + "/reopen", json{{"reason", ""}}).json["error"]["field"], "reason");
  clock_->Advance(600);
  auto re = clerk.Post(base + "/reopen", json{{"reason", "报案人反映电动车电池未追回"}});
  ASSERT_EQ(re.status, 200) << re.body;
  EXPECT_EQ(re.json["status"], "routed");
  EXPECT_EQ(re.json["reopen_count"], 1);
  EXPECT_EQ(re.json["satisfaction"], nullptr);
  EXPECT_EQ(re.json["due_at"], kStart + 600 + 24 * 3600);
  EXPECT_EQ(Actions(re.json),
            (std::vector<std::string>{"register", "route", "accept", "conclude", "feedback", "reopen"}));
  EXPECT_EQ(re.json["history"].back()["note"], "报案人反映电动车电池未追回");
  EXPECT_EQ(
      Count(fmt::format("SELECT COUNT(*) FROM audit_log WHERE object_type = 'intake_ticket' AND object_id = '{}'", id)),
      6);
}

TEST_F(IntakeTest, EvidenceFilesAreCheckedByContentAndServedInScope) {
  auto clerk = SignedIn("jiebao");
  json body = Report();
  body["unit_id"] = team_a_;
  const std::int64_t id = clerk.Post("/api/intake/tickets", body).json["id"];
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);
  auto bad = Upload(clerk, id, "现场照片", "照片.pdf", png);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM intake_evidence"), 2);  // the two typed at registration
  auto ok = Upload(clerk, id, "现场照片", "照片.png", png);
  ASSERT_EQ(ok.status, 201) << ok.body;
  const std::int64_t file = ok.json["files"][0]["id"];
  auto dl = clerk.Get(fmt::format("/api/intake/files/{}", file));
  EXPECT_EQ(dl.status, 200);
  EXPECT_EQ(dl.body, png);
  EXPECT_EQ(SignedIn("officer_b").Get(fmt::format("/api/intake/files/{}", file)).status, 404);
  EXPECT_EQ(SignedIn("officer_a").Get(fmt::format("/api/intake/files/{}", file)).status, 200);
}

TEST_F(IntakeTest, AReportBecomesAnIncidentAndACaseInOneAction) {
  const std::int64_t lead = AddPerson(team_a_, "李警官", "100001");
  auto clerk = SignedIn("jiebao");
  json body = Report();
  body["unit_id"] = team_a_;
  auto r = clerk.Post("/api/intake/tickets", body);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t id = r.json["id"];
  const std::string path = fmt::format("/api/intake/tickets/{}/case", id);
  // The clerk has no case.write; an officer of another 派出所 does not reach the ticket.
  EXPECT_EQ(clerk.Post(path, json{{"lead_officer_id", lead}}).status, 403);
  EXPECT_EQ(SignedIn("officer_b").Post(path, json{{"lead_officer_id", lead}}).status, 404);
  auto officer = SignedIn("officer_a");
  auto missing = officer.Post(path, json{{"cause", "盗窃"}});
  EXPECT_EQ(missing.json["error"]["field"], "lead_officer_id") << missing.body;
  auto c = officer.Post(path, json{{"lead_officer_id", lead}});
  ASSERT_EQ(c.status, 201) << c.body;
  EXPECT_EQ(c.json["status"], "accepted");
  ASSERT_TRUE(c.json["case_id"].is_number());
  ASSERT_TRUE(c.json["incident_id"].is_number());
  EXPECT_EQ(officer.Post(path, json{{"lead_officer_id", lead}}).Code(), "case_exists");
  // Nothing typed twice: the case carries the ticket's data and the reporter.
  auto kase = officer.Get(fmt::format("/api/cases/{}", c.json["case_id"].get<std::int64_t>()));
  ASSERT_EQ(kase.status, 200) << kase.body;
  EXPECT_EQ(kase.body.find("盗窃") != std::string::npos, true);
  ASSERT_EQ(kase.json["persons"].size(), 1u);
  EXPECT_EQ(kase.json["persons"][0]["name"], "张三");
  EXPECT_EQ(kase.json["persons"][0]["role"], "victim");
  EXPECT_EQ(
      Count(fmt::format("SELECT received_at FROM incidents WHERE id = {}", c.json["incident_id"].get<std::int64_t>())),
      kStart);
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM case_persons WHERE case_id = {} AND id_number_enc <> ''",
                              c.json["case_id"].get<std::int64_t>())),
            1);
  EXPECT_EQ(Actions(c.json).back(), "case");
  // A complaint cannot become a case.
  json complaint = Report("投诉");
  complaint["kind"] = "complaint";
  complaint["unit_id"] = team_a_;
  const std::int64_t other = clerk.Post("/api/intake/tickets", complaint).json["id"];
  EXPECT_EQ(officer.Post(fmt::format("/api/intake/tickets/{}/case", other), json{{"lead_officer_id", lead}}).Code(),
            "not_a_report");
}

TEST_F(IntakeTest, AComplaintAboutAnOfficerOpensA督办AndWhenSubstantiatedCostsHisPoints) {
  const std::int64_t subject = AddPerson(team_a_, "王警官", "100002");
  auto clerk = SignedIn("jiebao");
  json complaint = Report("民警王某出警时态度恶劣");
  complaint["kind"] = "complaint";
  complaint.erase("case_type");
  complaint["subject_person_id"] = subject;
  complaint["unit_id"] = legal_;
  auto r = clerk.Post("/api/intake/tickets", complaint);
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_TRUE(r.json["order_id"].is_number()) << r.body;
  const std::int64_t order = r.json["order_id"];
  EXPECT_EQ(Actions(r.json), (std::vector<std::string>{"register", "route", "order"}));
  auto legal = SignedIn("fazhi");
  auto o = clerk.Get(fmt::format("/api/supervision-orders/{}", order));
  ASSERT_EQ(o.status, 200) << o.body;
  EXPECT_EQ(o.json["source"], "intake");
  EXPECT_EQ(o.json["responsible_person_id"], subject);
  // An unknown officer, or one named on another kind, is refused and nothing is stored.
  complaint["subject_person_id"] = 999999;
  EXPECT_EQ(clerk.Post("/api/intake/tickets", complaint).status, 404);
  json report = Report();
  report["subject_person_id"] = subject;
  EXPECT_EQ(clerk.Post("/api/intake/tickets", report).json["error"]["field"], "subject_person_id");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM intake_tickets"), 1);
  // Concluded as substantiated: one complaint_substantiated deduction for the officer that month.
  const std::string base = fmt::format("/api/intake/tickets/{}", r.json["id"].get<std::int64_t>());
  ASSERT_EQ(
      legal.Post(base + "/outcome", json{{"outcome", "经查属实，已对王某批评教育"}, {"substantiated", true}}).status,
      200);
  auto source = intake::MakeLedgerSource();
  std::vector<points::RawFact> facts;
  const auto month = points::MakeMonthScope(bureau_, {2026, 1}, kStart + 40 * 86400);
  ASSERT_TRUE(app_->db().Read([&](soci::session& sql) { return source->Collect(sql, month, facts); }));
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].act, "complaint_substantiated");
  EXPECT_EQ(facts[0].officers[0].person_id, subject);
  // The bulletin section of the month.
  auto section = intake::MakeBulletinSection();
  auto s = app_->db().Read([&](soci::session& sql) {
    return section->Compute(sql, kit::MakeBulletinPeriod(2026, 1, false),
                            {.bureau_id = bureau_, .unit_path = "/", .unit_name = "城区分局", .anonymise = true});
  });
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->has_data);
  EXPECT_EQ(s->figures[0].value, 1);
  EXPECT_EQ(s->figures[3].value, 1);  // 投诉查实
}

TEST_F(IntakeTest, TheReceiptIsPrintedOnTheSpotWithTheQueryCodeAndAQrCode) {
  auto legal = SignedIn("fazhi");
  ASSERT_EQ(legal
                .Put("/api/intake/settings", json{{"complaint_days", 30},
                                                  {"consult_days", 3},
                                                  {"help_days", 1},
                                                  {"hall_phone", "0351-1234567"},
                                                  {"public_url", "https://fazhi.example.cn/"}})
                .status,
            200);
  auto clerk = SignedIn("jiebao");
  json body = Report();
  body["unit_id"] = team_a_;
  auto r = clerk.Post("/api/intake/tickets", body);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t id = r.json["id"];
  const std::string code = r.json["query_code"];
  EXPECT_EQ(r.json["receipt_at"], nullptr);
  clock_->Advance(30);
  auto page = clerk.Get(fmt::format("/api/intake/tickets/{}/receipt/print", id));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("接报案回执"), std::string::npos);
  EXPECT_NE(page.body.find(code), std::string::npos);
  EXPECT_NE(page.body.find("https://fazhi.example.cn/lookup?code=" + code), std::string::npos);
  EXPECT_NE(page.body.find("data:image/png;base64,iVBORw0KGgo"), std::string::npos);
  EXPECT_NE(page.body.find("03511234567"), std::string::npos);
  EXPECT_EQ(page.body.find("张三"), std::string::npos);  // the name masked
  EXPECT_EQ(page.body.find(kPhone), std::string::npos);
  // The receipt time is recorded (the same minute as the registration); a second print keeps it.
  clock_->Advance(60);
  auto docx = clerk.Get(fmt::format("/api/intake/tickets/{}/receipt/docx", id));
  ASSERT_EQ(docx.status, 200);
  EXPECT_EQ(docx.body.substr(0, 2), "PK");
  EXPECT_NE(docx.body.find("word/media/image1.png"), std::string::npos);
  auto t = clerk.Get(fmt::format("/api/intake/tickets/{}", id));
  EXPECT_EQ(t.json["receipt_at"], kStart + 30);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'intake.receipt'"), 2);
  EXPECT_EQ(Actions(t.json).back(), "receipt");
  // A QR code is a PNG of the lookup address.
  int px = 0;
  auto png = files::QrPng("https://fazhi.example.cn/lookup?code=" + code, 4, &px);
  ASSERT_TRUE(png);
  EXPECT_EQ(png->substr(1, 3), "PNG");
  EXPECT_GT(px, 100);
  // Out of reach: 404.
  EXPECT_EQ(SignedIn("jiebao_a").Get(fmt::format("/api/intake/tickets/{}/receipt/print", id)).status, 200);
  EXPECT_EQ(SignedIn("officer_b").Get(fmt::format("/api/intake/tickets/{}/receipt/print", id)).status, 404);
}

Response Lookup(Client& c, const std::string& code, const std::string& last4, const std::string& ip) {
  httplib::Headers h = {{"X-Forwarded-For", ip}};
  return c.Wrap(c.raw().Post("/api/public/intake/lookup", h, json{{"code", code}, {"phone_last4", last4}}.dump(),
                             "application/json"));
}

TEST_F(IntakeTest, PublicLookupShowsProgressOnlyAndEnumerationDoesNotWork) {
  auto legal = SignedIn("fazhi");
  ASSERT_EQ(legal
                .Put("/api/intake/settings",
                     json{{"complaint_days", 30}, {"consult_days", 3}, {"help_days", 1}, {"hall_phone", "03511234567"}})
                .status,
            200);
  auto clerk = SignedIn("jiebao");
  json body = Report();
  body["unit_id"] = team_a_;
  auto r = clerk.Post("/api/intake/tickets", body);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string code = r.json["query_code"];
  Client pub = NewClient();  // no login
  // Typed in lower case without dashes, it still matches.
  std::string typed;
  for (char ch : code)
    if (ch != '-') typed.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  auto ok = Lookup(pub, typed, "5678", "10.0.0.1");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["status"], "routed");
  EXPECT_EQ(ok.json["unit_name"], "东街派出所");
  EXPECT_EQ(ok.json["hall_phone"], "03511234567");
  EXPECT_EQ(ok.json["steps"].size(), 2u);
  for (const std::string& secret : std::vector<std::string>{"张三", kPhone, kId, "5678", "jiebao"})
    EXPECT_EQ(ok.body.find(secret), std::string::npos) << secret;
  // "No such code" and "wrong phone" are the same answer.
  auto wrong_phone = Lookup(pub, code, "0000", "10.0.0.2");
  auto no_code = Lookup(pub, "2222-3333-4444-5555", "5678", "10.0.0.3");
  EXPECT_EQ(wrong_phone.status, 404);
  EXPECT_EQ(no_code.status, 404);
  EXPECT_EQ(wrong_phone.body, no_code.body);
  // Bad forms: 400 naming the field.
  EXPECT_EQ(Lookup(pub, "abc", "5678", "10.0.0.4").json["error"]["field"], "code");
  EXPECT_EQ(Lookup(pub, code, "56", "10.0.0.4").json["error"]["field"], "phone_last4");
  // Enumeration from one address stops at the per-address limit (30 a minute) …
  int not_found = 0, limited = 0;
  for (int i = 0; i < 40; ++i) {
    auto x = Lookup(pub, intake::NewQueryCode(), "5678", "10.0.1.1");
    if (x.status == 404) ++not_found;
    if (x.status == 429) ++limited;
  }
  EXPECT_EQ(not_found, 30);
  EXPECT_EQ(limited, 10);
  // … and from many addresses every random code is unknown (80 bits: hopeless), …
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(Lookup(pub, intake::NewQueryCode(), "5678", fmt::format("10.2.{}.{}", i / 200, i % 200)).status, 404);
  // … while guessing the phone of a known code stops after 5 wrong tries, even with the right one.
  for (int i = 1; i <= 4; ++i)
    EXPECT_EQ(Lookup(pub, code, fmt::format("{:04}", i), fmt::format("10.3.0.{}", i)).status, 404);
  EXPECT_EQ(Lookup(pub, code, "5678", "10.3.1.1").status, 429);
  // The same limit for a code that does not exist: the limit reveals nothing.
  for (int i = 1; i <= 5; ++i) Lookup(pub, "2222-3333-4444-6666", fmt::format("{:04}", i), fmt::format("10.4.0.{}", i));
  EXPECT_EQ(Lookup(pub, "2222-3333-4444-6666", "5678", "10.4.1.1").status, 429);
  // Tickets are untouched by lookups.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'intake.%'"), 3);
}

TEST_F(IntakeTest, StatisticsAndTheirXlsxStayWithinScope) {
  auto clerk = SignedIn("jiebao");
  json a = Report();
  a["unit_id"] = team_a_;
  json b = Report("咨询户口迁移");
  b["kind"] = "consult";
  b.erase("case_type");
  b["unit_id"] = team_b_;
  b["route_reason"] = "户籍在西街";
  const std::int64_t ida = clerk.Post("/api/intake/tickets", a).json["id"];
  ASSERT_EQ(clerk.Post("/api/intake/tickets", b).status, 201);
  ASSERT_EQ(clerk.Post(fmt::format("/api/intake/tickets/{}/decision", ida), json{{"accepted", true}}).status, 200);
  auto st = clerk.Get("/api/intake/stats?from=2026-01-01&to=2026-01-01");
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_EQ(st.json["total"], 2);
  EXPECT_EQ(st.json["by_kind"][0]["count"], 1);
  EXPECT_EQ(st.json["by_kind"][2]["count"], 1);
  EXPECT_EQ(st.json["by_hour"][8], 2);     // 2026-01-01 00:00 UTC is 08:00 in Beijing
  EXPECT_EQ(st.json["by_weekday"][3], 2);  // a Thursday
  EXPECT_EQ(st.json["deadline"]["met"], 1);
  EXPECT_EQ(st.json["deadline"]["pending"], 1);
  auto x = clerk.Get("/api/intake/stats.xlsx?from=2026-01-01&to=2026-01-01");
  EXPECT_EQ(x.status, 200);
  EXPECT_EQ(x.body.substr(0, 2), "PK");
  EXPECT_EQ(clerk.Get("/api/intake/stats?from=2026-01-02&to=2026-01-01").json["error"]["field"], "to");
  // A 派出所 sees its own tickets only.
  auto west = SignedIn("officer_b").Get("/api/intake/stats?from=2026-01-01&to=2026-01-01");
  EXPECT_EQ(west.json["total"], 1);
  EXPECT_EQ(west.body.find("东街"), std::string::npos);
}

TEST(IntakeQueryCode, CodesAreEightyBitsAndNormalise) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(intake::NewQueryCode());
  EXPECT_EQ(seen.size(), 1000u);
  const std::string c = *seen.begin();
  EXPECT_EQ(c.size(), 19u);
  EXPECT_EQ(intake::NormalizeQueryCode(" " + c.substr(0, 4) + c.substr(5) + " "), c);
  EXPECT_EQ(intake::NormalizeQueryCode("0000-0000-0000-0000"), "");  // 0 is not in the alphabet
  EXPECT_EQ(intake::NormalizeQueryCode(c + "A"), "");
}

}  // namespace
}  // namespace fazhi::testing
