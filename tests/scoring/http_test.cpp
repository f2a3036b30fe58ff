// The monthly cycle over real HTTP: a fazhi App on 127.0.0.1 (ServerTest) whose router also holds
// the scoring routes (registered here, so the test does not depend on how App wires modules).
#include <gtest/gtest.h>

#include <thread>

#include "http/http_fixture.h"
#include "scoring/scoring_fixture.h"
#include "scoring/scoring_routes.h"

namespace fazhi::scoring {
namespace {

using testing::Local;
using testing::Response;
using testing::ScoringData;

class ScoringHttpTest : public fazhi::testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    clock_->Set(Local(2023, 8, 2, 9));
    service_ = std::make_unique<ScoringService>(app_->db(), *clock_, app_->scoring().sources());
    RegisterCoreRoutes(router_, *app_);
    RegisterRoutes(router_, *service_);
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 8;
    auth::AuthService* auth = &app_->auth();
    server_ = std::make_unique<http::Server>(
        router_, [auth](std::string_view token) { return auth->Authenticate(token); }, o);
    auto port = server_->Bind();
    ASSERT_TRUE(port) << port.error().message;
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });

    data_ = std::make_unique<ScoringData>(app_->db());
    a1_ = data_->AddPerson(team_a_, "东街甲");
    a2_ = data_->AddPerson(team_a_, "东街乙");
    b1_ = data_->AddPerson(team_b_, "西街丙");
    leader_id_ = AddUser("leader", "leader", bureau_);
    AddUser("fazhi", "legal_officer", bureau_);
    Link(officer_a_id_, a1_);
    Link(officer_b_id_, b1_);

    const auto c1 = data_->AddCase({.unit = team_a_, .category = "电信网络诈骗", .lead = a1_, .assists = {a2_}});
    data_->AddEvent(c1, "accept_case", Local(2023, 7, 3));
    data_->AddEvent(c1, "file_case", Local(2023, 7, 5));
    data_->AddViolation(c1, a1_, "CRIM-DETAIN-04", "normal", Local(2023, 7, 8));
    const auto c2 = data_->AddCase({.unit = team_b_, .lead = b1_, .closed_at = Local(2023, 7, 20)});
    data_->AddEvent(c2, "accept_case", Local(2023, 7, 1));
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    ServerTest::TearDown();
  }

  void Link(std::int64_t user, std::int64_t person) {
    app_->db()
        .Write([&](soci::session& sql) -> Result<int> {
          long long u = user, p = person;
          sql << "UPDATE users SET person_id = :p WHERE id = :u", soci::use(p), soci::use(u);
          return 0;
        })
        .value();
  }

  nlohmann::json SchemeBody(nlohmann::json doc = ScoringData::TestScheme()) {
    return {{"name", "执法办案积分考核实施办法（试行）"},
            {"status", "试行"},
            {"effective_from", "2023-01"},
            {"note", "首版"},
            {"document", doc}};
  }

  // Scheme, compute and publish July as the leader.
  void PublishJuly(fazhi::testing::Client& leader) {
    ASSERT_EQ(leader.Post("/api/scoring/schemes", SchemeBody()).status, 201);
    auto c = leader.Post("/api/scoring/months/2023-07/compute", std::string());
    ASSERT_EQ(c.status, 200) << c.body;
    auto p = leader.Post("/api/scoring/months/2023-07/publish", std::string());
    ASSERT_EQ(p.status, 200) << p.body;
  }

  std::unique_ptr<ScoringService> service_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  std::unique_ptr<ScoringData> data_;
  std::int64_t a1_ = 0, a2_ = 0, b1_ = 0, leader_id_ = 0;
};

// Every module's ledger sources reach the App's scoring service (kit::Module::AddLedgerSources), in
// module order; scoring's own SQL reads none of the cases/oversight tables.
TEST_F(ScoringHttpTest, ModulesRegisterTheirLedgerSources) {
  std::vector<std::string> ids;
  for (const auto& s : app_->scoring().sources()) ids.emplace_back(s->id());
  EXPECT_EQ(ids, (std::vector<std::string>{"case_stage", "violation", "review_finding", "order_overdue",
                                           "qualification", "inspection", "complaint", "case_rating", "patrol"}));
}

TEST_F(ScoringHttpTest, SchemeValidatorRefusesOverHttpAndStoresNothing) {
  auto leader = SignedIn("leader");
  for (const std::string key : {"罚没款金额", "刑拘数", "行拘数", "发案数", "破案率", "退查率"}) {
    nlohmann::json doc = ScoringData::TestScheme();
    doc["stages"][key] = 1;
    Response r = leader.Post("/api/scoring/schemes", SchemeBody(doc));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.Code(), "forbidden_indicator");
    EXPECT_NE(r.Message().find("省级"), std::string::npos) << r.Message();
    EXPECT_EQ(r.json["error"]["field"], "document.stages." + key);
  }
  nlohmann::json neg = ScoringData::TestScheme();
  neg["caps"]["monthly_negative"] = -10;
  EXPECT_EQ(leader.Post("/api/scoring/schemes", SchemeBody(neg)).Code(), "negative_cap");
  nlohmann::json unknown = ScoringData::TestScheme();
  unknown["stages"]["detain"] = 1;
  EXPECT_EQ(leader.Post("/api/scoring/schemes/validate", SchemeBody(unknown)).Code(), "coercive_measure");
  EXPECT_EQ(leader.Get("/api/scoring/schemes").json["items"].size(), 0u);

  ASSERT_EQ(leader.Post("/api/scoring/schemes", SchemeBody()).status, 201);
  auto overlap = SchemeBody();
  overlap["effective_from"] = "2022-06";
  overlap["effective_to"] = "2023-02";
  Response r = leader.Post("/api/scoring/schemes", overlap);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "overlapping_dates");
  EXPECT_EQ(leader.Get("/api/scoring/schemes").json["items"].size(), 1u);

  // Officers cannot write schemes; system administrators have no scoring rights at all.
  auto officer = SignedIn("officer_a");
  EXPECT_EQ(officer.Post("/api/scoring/schemes", SchemeBody()).status, 403);
  auto admin = SignedIn("admin");
  EXPECT_EQ(admin.Get("/api/scoring/schemes").status, 403);
}

TEST_F(ScoringHttpTest, MonthlyCycle) {
  auto leader = SignedIn("leader");
  auto officer = SignedIn("officer_a");
  // Draft: computed but invisible to the officer.
  ASSERT_EQ(leader.Post("/api/scoring/schemes", SchemeBody()).status, 201);
  ASSERT_EQ(leader.Post("/api/scoring/months/2023-07/compute", std::string()).status, 200);
  EXPECT_EQ(officer.Get("/api/scoring/months/2023-07/rankings").status, 404);
  EXPECT_EQ(officer.Get("/api/scoring/me?month=2023-07").json["status"], "none");
  Response draft_ranks = leader.Get("/api/scoring/months/2023-07/rankings");
  EXPECT_EQ(draft_ranks.json["phase"], "draft");

  Response pub = leader.Post("/api/scoring/months/2023-07/publish", std::string());
  ASSERT_EQ(pub.status, 200) << pub.body;
  EXPECT_EQ(pub.json["status"], "published");
  EXPECT_EQ(pub.json["objection_deadline_local"], "2023-08-06 00:00:00");
  EXPECT_EQ(leader.Post("/api/scoring/months/2023-07/compute", std::string()).Code(), "month_frozen");

  // My points: a1 = 受案 1×1.5×70% + 立案 2×1.5×70% − 6 (CRIM-DETAIN-04) = −2.85.
  Response me = officer.Get("/api/scoring/me?month=2023-07");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["status"], "published");
  EXPECT_DOUBLE_EQ(me.json["total"].get<double>(), -2.85);
  ASSERT_EQ(me.json["entries"].size(), 3u);
  std::int64_t deduction = 0, stage = 0;
  for (const auto& e : me.json["entries"]) {
    EXPECT_EQ(e["link"]["type"], "case");
    EXPECT_FALSE(e["reason"].get<std::string>().empty());
    if (e["points_centi"].get<int>() < 0) deduction = e["id"];
    if (e["act"] == "file_case") stage = e["id"];
  }
  ASSERT_NE(deduction, 0);

  // Objection about another officer's points: answered like an entry that does not exist (404; issue
  // 16 defect 7: a 403 told that the entry exists).
  auto b_entries = leader.Get("/api/scoring/officers/" + std::to_string(b1_) + "?month=2023-07");
  ASSERT_EQ(b_entries.status, 200);
  const std::int64_t b_entry = b_entries.json["entries"][0]["id"];
  Response not_mine =
      officer.Post("/api/scoring/objections", nlohmann::json{{"entry_id", b_entry}, {"reason", "不是我的"}});
  EXPECT_EQ(not_mine.status, 404);
  Response nonexistent =
      officer.Post("/api/scoring/objections", nlohmann::json{{"entry_id", b_entry + 100000}, {"reason", "不是我的"}});
  EXPECT_EQ(not_mine.body, nonexistent.body);

  Response o1 =
      officer.Post("/api/scoring/objections", nlohmann::json{{"entry_id", deduction}, {"reason", "已按期整改"}});
  ASSERT_EQ(o1.status, 201) << o1.body;
  Response o2 = officer.Post("/api/scoring/objections", nlohmann::json{{"entry_id", stage}, {"reason", "比例有误"}});
  ASSERT_EQ(o2.status, 201);
  EXPECT_EQ(officer.Get("/api/scoring/objections").json["items"].size(), 2u);
  // Officers cannot decide.
  EXPECT_EQ(officer
                .Post("/api/scoring/objections/" + std::to_string(o1.json["id"].get<int>()) + "/decide",
                      nlohmann::json{{"decision", "accept"}, {"reason", "自己批准"}})
                .status,
            403);
  Response acc =
      leader.Post("/api/scoring/objections/" + std::to_string(o1.json["id"].get<int>()) + "/decide",
                  nlohmann::json{{"decision", "accept"}, {"reason", "整改材料按期提交"}, {"adjustment", 5.5}});
  ASSERT_EQ(acc.status, 200) << acc.body;
  EXPECT_EQ(acc.json["status"], "accepted");
  Response rej = leader.Post("/api/scoring/objections/" + std::to_string(o2.json["id"].get<int>()) + "/decide",
                             nlohmann::json{{"decision", "reject"}, {"reason", "计算无误"}});
  EXPECT_EQ(rej.json["status"], "rejected");
  me = officer.Get("/api/scoring/me?month=2023-07");
  EXPECT_DOUBLE_EQ(me.json["total"].get<double>(), 2.65);
  EXPECT_EQ(me.json["entries"].back()["source"], "adjustment");
  EXPECT_EQ(me.json["by_source"]["adjustment"], 5.5);

  // Finalising before the window closes: 409.
  Response early = leader.Post("/api/scoring/months/2023-07/finalize", std::string());
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(early.Code(), "objection_window_open");

  // After the window: objections refused with the reason, then final.
  clock_->Set(LocalMidnight(CivilDate{2023, 8, 6}) + 60);
  ASSERT_EQ(officer.Login("officer_a", kPassword).status, 200);  // sessions expired while the clock moved on
  ASSERT_EQ(leader.Login("leader", kPassword).status, 200);
  Response late = officer.Post("/api/scoring/objections", nlohmann::json{{"entry_id", stage}, {"reason", "补充申请"}});
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.Code(), "objection_window_closed");
  EXPECT_NE(late.Message().find("复核期已于"), std::string::npos) << late.Message();
  Response fin = leader.Post("/api/scoring/months/2023-07/finalize", std::string());
  ASSERT_EQ(fin.status, 200) << fin.body;
  EXPECT_EQ(fin.json["status"], "final");

  // A final month refuses recompute, publish, objections.
  for (const char* step : {"compute", "publish", "finalize"}) {
    Response r = leader.Post(std::string("/api/scoring/months/2023-07/") + step, std::string());
    EXPECT_EQ(r.status, 409) << step;
    EXPECT_EQ(r.Code(), "month_final") << step;
    EXPECT_NE(r.Message().find("已定稿"), std::string::npos);
  }
  Response final_objection =
      officer.Post("/api/scoring/objections", nlohmann::json{{"entry_id", stage}, {"reason", "定稿后"}});
  EXPECT_EQ(final_objection.status, 409);

  // Rankings and year totals; the audit trail holds every step.
  Response ranks = officer.Get("/api/scoring/months/2023-07/rankings");
  ASSERT_EQ(ranks.status, 200);
  EXPECT_EQ(ranks.json["phase"], "final");
  Response year = leader.Get("/api/scoring/years/2023");
  ASSERT_EQ(year.status, 200) << year.body;
  EXPECT_EQ(year.json["months_counted"], 1);
  auto auditor = SignedIn("auditor");
  Response audit = auditor.Get("/api/audit?action=scoring.&page_size=50");
  ASSERT_EQ(audit.status, 200) << audit.body;
  std::set<std::string> actions;
  for (const auto& row : audit.json["items"]) actions.insert(row["action"].get<std::string>());
  for (const char* a :
       {"scoring.scheme.create", "scoring.month.compute", "scoring.month.publish", "scoring.objection.create",
        "scoring.objection.accept", "scoring.objection.reject", "scoring.month.finalize"})
    EXPECT_TRUE(actions.contains(a)) << a;
}

TEST_F(ScoringHttpTest, ScopeAndExports) {
  auto leader = SignedIn("leader");
  PublishJuly(leader);
  auto officer_a = SignedIn("officer_a");
  auto officer_b = SignedIn("officer_b");

  // Each officer sees the rankings of his own unit only.
  Response ra = officer_a.Get("/api/scoring/months/2023-07/rankings");
  ASSERT_EQ(ra.status, 200) << ra.body;
  ASSERT_EQ(ra.json["units"].size(), 1u);
  EXPECT_EQ(ra.json["units"][0]["unit_id"], team_a_);
  for (const auto& o : ra.json["officers"]) EXPECT_EQ(o["unit_id"], team_a_);
  Response rb = officer_b.Get("/api/scoring/months/2023-07/rankings");
  for (const auto& o : rb.json["officers"]) EXPECT_EQ(o["unit_id"], team_b_);
  EXPECT_EQ(officer_b.Get("/api/scoring/months/2023-07/rankings?unit_id=" + std::to_string(team_a_)).status, 404);
  // The leader sees all units.
  EXPECT_EQ(leader.Get("/api/scoring/months/2023-07/rankings").json["units"].size(), 2u);
  // Another officer's page and the entry list are out of reach for officers.
  EXPECT_EQ(officer_b.Get("/api/scoring/officers/" + std::to_string(a1_) + "?month=2023-07").status, 404);
  EXPECT_EQ(officer_b.Get("/api/scoring/months/2023-07/entries").status, 403);
  Response entries = leader.Get("/api/scoring/months/2023-07/entries?unit_id=" + std::to_string(team_b_));
  ASSERT_EQ(entries.status, 200);
  for (const auto& e : entries.json["items"]) EXPECT_EQ(e["unit_id"], team_b_);

  // XLSX export within scope, and the printable sheet.
  Response x = officer_a.Get("/api/scoring/months/2023-07/export");
  ASSERT_EQ(x.status, 200) << x.body;
  EXPECT_EQ(x.body.substr(0, 2), "PK");
  Response sheet = officer_a.Get("/api/scoring/months/2023-07/sheet");
  ASSERT_EQ(sheet.status, 200);
  EXPECT_NE(sheet.json["title"].get<std::string>().find("晾晒"), std::string::npos);
  Response html = officer_a.Get("/api/scoring/months/2023-07/sheet?format=html");
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("执法办案积分晾晒"), std::string::npos);
  EXPECT_EQ(html.body.find("西街丙"), std::string::npos);  // another unit's officer is not on 东街's sheet
  Response bad = leader.Get("/api/scoring/months/2023-13/rankings");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Code(), "invalid_month");
}

// Regression (scope gap): the 法制员 of the bureau's 法制大队 runs the bureau's month cycle — his
// account sits on the 法制大队, a sibling of the 派出所 he scores. A 派出所 officer (case_officer) is
// refused (403), and score.manage elsewhere than the legal unit (a 派出所's 兼职法制员, another
// bureau's 法制大队) still does not reach this bureau (404).
TEST_F(ScoringHttpTest, LegalUnitOfficerManagesTheBureauMonth) {
  const auto legal = AddUnit(bureau_, "法制大队", "team");
  app_->db()
      .Write([&](soci::session& sql) -> Result<int> {
        long long u = legal;
        sql << "UPDATE units SET category = '法制大队' WHERE id = :id", soci::use(u);
        return 0;
      })
      .value();
  const auto other_bureau = AddUnit(city_, "开发区分局", "bureau");
  const auto other_legal = AddUnit(other_bureau, "法制大队", "team");  // category empty: known by its name
  AddUser("fazhiyuan", "legal_officer", legal);
  AddUser("jianzhi", "legal_officer", team_a_);  // 兼职法制员 of 东街派出所
  AddUser("other_fazhi", "legal_officer", other_legal);
  const auto minjing_id = AddUser("minjing", "case_officer", team_a_);
  Link(minjing_id, a1_);

  auto fazhiyuan = SignedIn("fazhiyuan");
  auto minjing = SignedIn("minjing");
  auto jianzhi = SignedIn("jianzhi");
  auto other = SignedIn("other_fazhi");

  // Refusals change nothing and say why.
  Response r = minjing.Post("/api/scoring/months/2023-07/compute", std::string());
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_FALSE(r.json["error"]["message"].get<std::string>().empty());
  EXPECT_EQ(minjing.Post("/api/scoring/schemes", SchemeBody()).status, 403);
  EXPECT_EQ(jianzhi.Post("/api/scoring/schemes", SchemeBody()).status, 404);
  nlohmann::json elsewhere = SchemeBody();
  elsewhere["bureau_id"] = bureau_;
  EXPECT_EQ(other.Post("/api/scoring/schemes", elsewhere).status, 404);
  Response bad = fazhiyuan.Post("/api/scoring/months/2023-13/compute", std::string());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Code(), "invalid_month");
  EXPECT_EQ(fazhiyuan.Post("/api/scoring/months/2023-07/publish", std::string()).Code(), "not_computed");

  // The 法制员 writes the scheme, computes, sees the whole bureau's draft, publishes.
  ASSERT_EQ(fazhiyuan.Post("/api/scoring/schemes", SchemeBody()).status, 201);
  for (auto* c : {&minjing, &jianzhi, &other}) {
    Response x = c->Post("/api/scoring/months/2023-07/compute?bureau_id=" + std::to_string(bureau_), std::string());
    EXPECT_TRUE(x.status == 403 || x.status == 404) << x.status << " " << x.body;
  }
  Response c = fazhiyuan.Post("/api/scoring/months/2023-07/compute", std::string());
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json["status"], "draft");
  Response draft = fazhiyuan.Get("/api/scoring/months/2023-07/rankings");
  ASSERT_EQ(draft.status, 200) << draft.body;
  EXPECT_EQ(draft.json["phase"], "draft");
  EXPECT_EQ(draft.json["units"].size(), 2u);  // 东街 and 西街, not only his own 法制大队
  EXPECT_EQ(minjing.Get("/api/scoring/months/2023-07/rankings").status, 404);  // drafts are not shown
  EXPECT_EQ(jianzhi.Post("/api/scoring/months/2023-07/publish", std::string()).status, 404);
  // Who published is shown by name, not by login (issue 11, defect 5).
  app_->db()
      .Write([&](soci::session& sql) -> Result<void> {
        db::Exec(sql, "UPDATE users SET display_name = '赵法制员' WHERE username = 'fazhiyuan'");
        return {};
      })
      .value();
  Response p = fazhiyuan.Post("/api/scoring/months/2023-07/publish", std::string());
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json["status"], "published");
  EXPECT_EQ(p.json["published_by"], "赵法制员");
  EXPECT_EQ(fazhiyuan.Post("/api/scoring/months/2023-07/compute", std::string()).Code(), "month_frozen");

  // An objection from 东街 is decided by the 法制员 (not by the 派出所's 兼职法制员).
  Response mine = minjing.Get("/api/scoring/me?month=2023-07");
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_FALSE(mine.json["entries"].empty());
  const auto entry = mine.json["entries"][0]["id"].get<std::int64_t>();
  Response o = minjing.Post("/api/scoring/objections", nlohmann::json{{"entry_id", entry}, {"reason", "已按期整改"}});
  ASSERT_EQ(o.status, 201) << o.body;
  const std::string decide = "/api/scoring/objections/" + std::to_string(o.json["id"].get<std::int64_t>()) + "/decide";
  EXPECT_EQ(minjing.Post(decide, nlohmann::json{{"decision", "accept"}, {"reason", "自己处理"}}).status, 403);
  EXPECT_EQ(other.Post(decide, nlohmann::json{{"decision", "accept"}, {"reason", "外局处理"}}).status, 404);
  EXPECT_EQ(fazhiyuan.Get("/api/scoring/objections?status=pending").json["items"].size(), 1u);
  Response d = fazhiyuan.Post(decide, nlohmann::json{{"decision", "reject"}, {"reason", "条目计算无误"}});
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json["status"], "rejected");

  // The other bureau's 法制大队 manages its own bureau only.
  EXPECT_EQ(other.Get("/api/scoring/months/2023-07/rankings?bureau_id=" + std::to_string(bureau_)).status, 404);
}

// The ranking page of a frozen month is served from serialised lists cached per view: the answer
// must stay byte-identical to serialising the view afresh, per scope, with the month object (its
// pending objections) current, and must follow the final snapshot once the month is finalised.
TEST_F(ScoringHttpTest, FrozenRankingsServedFromCacheMatchFreshSerialisation) {
  auto leader = SignedIn("leader");
  PublishJuly(leader);
  auto officer = SignedIn("officer_a");
  const auto fresh = [&](std::optional<std::int64_t> unit) {
    auto v = service_->GetRankings(SystemPrincipal(), bureau_, "2023-07", unit);
    EXPECT_TRUE(v.has_value());
    EXPECT_FALSE(v->frozen_key.empty());
    return RankingViewJson(*v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };

  for (int pass = 0; pass < 2; ++pass) {  // cache miss, then hit
    Response whole = leader.Get("/api/scoring/months/2023-07/rankings");
    ASSERT_EQ(whole.status, 200) << whole.body;
    EXPECT_EQ(whole.body, fresh(std::nullopt)) << "pass " << pass;
    Response mine = officer.Get("/api/scoring/months/2023-07/rankings");
    ASSERT_EQ(mine.status, 200) << mine.body;
    EXPECT_EQ(mine.body, fresh(team_a_)) << "pass " << pass;
    EXPECT_NE(mine.body, whole.body);  // another scope, another cached view
    Response narrowed = leader.Get("/api/scoring/months/2023-07/rankings?unit_id=" + std::to_string(team_a_));
    EXPECT_EQ(narrowed.body, mine.body);
  }
  Response sheet = officer.Get("/api/scoring/months/2023-07/sheet");
  ASSERT_EQ(sheet.status, 200) << sheet.body;
  EXPECT_EQ(sheet.body, sheet.json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  EXPECT_EQ(sheet.json["officers"], officer.Get("/api/scoring/months/2023-07/rankings").json["officers"]);
  EXPECT_NE(sheet.json["title"].get<std::string>().find("晾晒"), std::string::npos);

  // An objection: the month object (not cached) shows it, the published lists do not change.
  const auto a1_total = [](const Response& r, std::int64_t person) {
    for (const auto& o : r.json["officers"])
      if (o["person_id"] == person) return o["total"].get<double>();
    ADD_FAILURE() << "person " << person << " not ranked";
    return 0.0;
  };
  Response me = officer.Get("/api/scoring/me?month=2023-07");
  std::int64_t deduction = 0;
  for (const auto& e : me.json["entries"])
    if (e["points_centi"].get<int>() < 0) deduction = e["id"];
  ASSERT_NE(deduction, 0);
  Response o =
      officer.Post("/api/scoring/objections", nlohmann::json{{"entry_id", deduction}, {"reason", "已按期整改"}});
  ASSERT_EQ(o.status, 201) << o.body;
  Response during = officer.Get("/api/scoring/months/2023-07/rankings");
  EXPECT_EQ(during.json["month"]["pending_objections"], 1);
  EXPECT_EQ(during.body, fresh(team_a_));
  EXPECT_DOUBLE_EQ(a1_total(during, a1_), -2.85);
  ASSERT_EQ(leader
                .Post("/api/scoring/objections/" + std::to_string(o.json["id"].get<int>()) + "/decide",
                      nlohmann::json{{"decision", "accept"}, {"reason", "整改材料按期提交"}, {"adjustment", 5.5}})
                .status,
            200);
  EXPECT_DOUBLE_EQ(a1_total(officer.Get("/api/scoring/months/2023-07/rankings"), a1_), -2.85);  // as published

  // Final: the lists follow the final snapshot (adjustment included).
  clock_->Set(LocalMidnight(CivilDate{2023, 8, 6}) + 60);
  ASSERT_EQ(officer.Login("officer_a", kPassword).status, 200);
  ASSERT_EQ(leader.Login("leader", kPassword).status, 200);
  ASSERT_EQ(leader.Post("/api/scoring/months/2023-07/finalize", std::string()).status, 200);
  Response fin = officer.Get("/api/scoring/months/2023-07/rankings");
  ASSERT_EQ(fin.status, 200) << fin.body;
  EXPECT_EQ(fin.json["phase"], "final");
  EXPECT_EQ(fin.json["month"]["pending_objections"], 0);
  EXPECT_DOUBLE_EQ(a1_total(fin, a1_), 2.65);
  EXPECT_EQ(fin.body, fresh(team_a_));
  EXPECT_EQ(leader.Get("/api/scoring/months/2023-07/rankings").body, fresh(std::nullopt));
}

}  // namespace
}  // namespace fazhi::scoring
