// Row selection (issue 11): 导出所选 — GET /api/cases/export?ids=… and /api/alerts/export?ids=…, the
// same columns as the filtered export, only the chosen rows — and 批量督办, POST
// /api/supervision-orders/batch: one order per selected case or alert, each checked for permission
// and scope on the server, the answer naming every row issued or refused (with the reason); an empty,
// oversized or repeated selection is a 400 that issues nothing.
#include <gtest/gtest.h>

#include <set>

#include "cases_module/cases_fixture.h"
#include "files/spreadsheet.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

class SelectionBatchHttpTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    Seeder s{app_->db(), kStart};
    lead_a_ = s.Person(team_a_, "张明", "140001");
    s.LinkUser(officer_a_id_, lead_a_);
    lead_b_ = s.Person(team_b_, "刘强", "140002");
    s.LinkUser(officer_b_id_, lead_b_);
    // A 派出所's part-time 法制员: he may 督办 东街's cases, not 西街's.
    const std::int64_t legal = s.Person(team_a_, "李法制", "140009", true);
    s.LinkUser(AddUser("legal_a", "legal_officer", team_a_), legal);
    clock_->Set(kStart + 10 * 86400);
  }

  std::int64_t NewCase(Client& c, std::int64_t unit, std::int64_t lead, const std::string& no) {
    auto r = c.Post("/api/cases", json{{"case_type", "criminal"},
                                       {"cause", "盗窃罪"},
                                       {"external_id", no},
                                       {"unit_id", unit},
                                       {"lead_officer_id", lead},
                                       {"accepted_at", "2026-01-09 09:00"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("id", std::int64_t{0});
  }

  std::int64_t Orders() { return Seeder{app_->db(), kStart}.Scalar("SELECT COUNT(*) FROM supervision_orders"); }

  // A batch body; a manual 督办 names its 问题类型 (an alert's defaults from the clock).
  json Batch(const std::string& source, const json& ids) {
    json b = {{"source", source}, {"ids", ids}, {"opinion", "请按期整改"}, {"deadline", clock_->Now() + 3 * 86400}};
    if (source == "manual") b["problem_type"] = "程序";
    return b;
  }

  std::int64_t lead_a_ = 0, lead_b_ = 0;
};

TEST_F(SelectionBatchHttpTest, ExportSelectedHoldsOnlyTheChosenRowsWithTheSameColumns) {
  Client a = SignedIn("officer_a");
  const std::int64_t c1 = NewCase(a, team_a_, lead_a_, "A-SEL-1");
  NewCase(a, team_a_, lead_a_, "A-SEL-2");
  const std::int64_t c3 = NewCase(a, team_a_, lead_a_, "A-SEL-3");
  Client b = SignedIn("officer_b");
  const std::int64_t other = NewCase(b, team_b_, lead_b_, "B-SEL-1");

  auto all = a.Get("/api/cases/export");
  ASSERT_EQ(all.status, 200);
  auto full = files::ReadXlsx(all.body);
  ASSERT_TRUE(full);
  ASSERT_EQ(full->rows.size(), 4u);

  // A selection of another station's case exports nothing of it (scope first).
  auto sel = a.Get(fmt::format("/api/cases/export?ids={},{},{}", c3, c1, other));
  ASSERT_EQ(sel.status, 200) << sel.body;
  auto sheet = files::ReadXlsx(sel.body);
  ASSERT_TRUE(sheet);
  ASSERT_EQ(sheet->rows.size(), 3u);
  EXPECT_EQ(sheet->rows[0].cells, full->rows[0].cells) << "the same columns as the filtered export";
  std::set<std::string> numbers;
  for (std::size_t i = 1; i < sheet->rows.size(); ++i) numbers.insert(sheet->rows[i].cells[0]);
  EXPECT_EQ(numbers, (std::set<std::string>{"A-SEL-1", "A-SEL-3"}));

  auto bad = a.Get(fmt::format("/api/cases/export?ids={},{}", c1, c1));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Code(), "duplicate_ids") << bad.body;
  bad = a.Get("/api/cases/export?ids=1,x");
  EXPECT_EQ(bad.status, 400);
  std::string many;
  for (int i = 1; i <= 501; ++i) many += (i > 1 ? "," : "") + std::to_string(i);
  bad = a.Get("/api/cases/export?ids=" + many);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Code(), "too_many_ids") << bad.body;
}

TEST_F(SelectionBatchHttpTest, BatchOrdersReportEveryRowIssuedOrRefused) {
  Client a = SignedIn("officer_a");
  const std::int64_t c1 = NewCase(a, team_a_, lead_a_, "A-BAT-1");
  const std::int64_t c2 = NewCase(a, team_a_, lead_a_, "A-BAT-2");
  Client b = SignedIn("officer_b");
  const std::int64_t other = NewCase(b, team_b_, lead_b_, "B-BAT-1");

  Client legal = SignedIn("legal_a");
  // Without case.review: 403, nothing issued.
  auto r = a.Post("/api/supervision-orders/batch", Batch("manual", {c1}));
  EXPECT_EQ(r.status, 403) << r.body;
  // Empty, oversized, repeated: 400 with a machine code, nothing issued.
  r = legal.Post("/api/supervision-orders/batch", Batch("manual", json::array()));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "empty_batch") << r.body;
  json too_many = json::array();
  for (int i = 1; i <= 101; ++i) too_many.push_back(i);
  r = legal.Post("/api/supervision-orders/batch", Batch("manual", too_many));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "batch_too_large") << r.body;
  r = legal.Post("/api/supervision-orders/batch", Batch("manual", {c1, c2, c1}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "duplicate_ids") << r.body;
  EXPECT_NE(r.Message().find("重复"), std::string::npos);
  r = legal.Post("/api/supervision-orders/batch", Batch("manual", {c1, "x"}));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Orders(), 0);

  // Without a 问题类型 a manual 督办 cannot be issued: each row says so (nothing skipped silently).
  json no_type = Batch("manual", {c1, c2});
  no_type.erase("problem_type");
  r = legal.Post("/api/supervision-orders/batch", no_type);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["refused"], 2);
  EXPECT_EQ(r.json["items"][1]["message"], "请填写问题类型") << r.body;
  EXPECT_EQ(Orders(), 0);

  // One order per case; another station's case and a missing one are refused, in the request's order.
  r = legal.Post("/api/supervision-orders/batch", Batch("manual", {c2, other, c1, 999999}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["issued"], 2);
  EXPECT_EQ(r.json["refused"], 2);
  const json& items = r.json["items"];
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0]["id"], c2);
  EXPECT_EQ(items[0]["status"], "issued");
  EXPECT_EQ(items[1]["id"], other);
  EXPECT_EQ(items[1]["status"], "refused");
  EXPECT_EQ(items[1]["code"], "not_found");
  EXPECT_FALSE(items[1]["message"].get<std::string>().empty());
  EXPECT_EQ(items[2]["status"], "issued");
  EXPECT_EQ(items[3]["status"], "refused");
  EXPECT_EQ(Orders(), 2);
  for (int i : {0, 2}) {
    ASSERT_TRUE(items[i].contains("order_id")) << items[i].dump();
    auto o = legal.Get(fmt::format("/api/supervision-orders/{}", items[i]["order_id"].get<std::int64_t>()));
    ASSERT_EQ(o.status, 200);
    EXPECT_EQ(o.json["case_id"], items[i]["id"]);
    EXPECT_EQ(o.json["responsible_person_id"], lead_a_);
  }
  Seeder s{app_->db(), kStart};
  EXPECT_EQ(s.Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'supervision_order.create'"), 2);

  // Alerts of the alert centre: one order per clock; a clock with an open order is refused (conflict).
  ASSERT_EQ(
      a.Post(fmt::format("/api/cases/{}/persons", c1), json{{"ref", "p1"}, {"role", "suspect"}, {"age", 30}}).status,
      201);
  ASSERT_EQ(a.Post(fmt::format("/api/cases/{}/events", c1),
                   json{{"type", "detain"}, {"time", "2026-01-09 20:00"}, {"person", "p1"}})
                .status,
            201);
  const json clocks = a.Get(fmt::format("/api/cases/{}/alerts", c1)).json["items"];
  ASSERT_FALSE(clocks.empty());
  const std::int64_t alert = clocks[0]["id"];
  r = legal.Post("/api/supervision-orders/batch", Batch("alert", {alert}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["issued"], 1);
  r = legal.Post("/api/supervision-orders/batch", Batch("alert", {alert}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["refused"], 1);
  EXPECT_EQ(r.json["items"][0]["code"], "duplicate_order") << r.body;
  EXPECT_EQ(Orders(), 3);

  // The alert export of a selection holds the chosen clock whatever its state.
  auto x = legal.Get(fmt::format("/api/alerts/export?ids={}", alert));
  ASSERT_EQ(x.status, 200) << x.body;
  auto sheet = files::ReadXlsx(x.body);
  ASSERT_TRUE(sheet);
  ASSERT_EQ(sheet->rows.size(), 2u);
  EXPECT_EQ(sheet->rows[1].cells[1], "A-BAT-1");
}

}  // namespace
}  // namespace fazhi::testing
