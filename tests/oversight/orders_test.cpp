// 督办 loop: create (from a violation, a review finding or by hand) → answer with attachments
// (sha256 recorded, download within scope) → close / return / 挂起 → resume; wrong transitions 409;
// steps and audit; overdue 督办 notified by the sweep; scope.
#include <openssl/evp.h>

#include "files/spreadsheet.h"
#include "oversight/oversight_fixture.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

std::string Sha256(const std::string& s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += {hex[md[i] >> 4], hex[md[i] & 15]};
  return out;
}

class OrdersTest : public OversightTest {
 protected:
  orders::Options MakeOrderOptions() override {
    auto o = OversightTest::MakeOrderOptions();
    o.max_attachment_bytes = 64 * 1024;  // small cap so the limit is testable
    return o;
  }
  Response Answer(Client& c, std::int64_t order, const std::string& text,
                  const std::vector<std::pair<std::string, std::string>>& files) {
    httplib::MultipartFormDataItems items = {{"text", text, "", ""}};
    for (const auto& [name, bytes] : files) items.push_back({"file", bytes, name, "application/octet-stream"});
    return c.Wrap(
        c.raw().Post(("/api/supervision-orders/" + std::to_string(order) + "/answer").c_str(), c.Headers(true), items));
  }
  json NewManual(std::int64_t case_id, EpochSeconds deadline) {
    return {{"source", "manual"},
            {"case_id", case_id},
            {"problem_type", "证据"},
            {"opinion", "补充调取现场监控录像"},
            {"responsible_person_id", officer_a_},
            {"deadline", deadline}};
  }
};

TEST_F(OrdersTest, FullLoopWithAttachmentsWrongTransitionsAndAudit) {
  const std::int64_t c = AddCase(team_a_, "criminal", officer_a_, kStart - 86400);
  auto legal = SignedIn("legal");
  auto off = SignedIn("off_a");
  auto other = SignedIn("off_b");

  // Only case.review creates; the deadline must be in the future.
  EXPECT_EQ(off.Post("/api/supervision-orders", NewManual(c, kStart + 3 * 86400)).status, 403);
  EXPECT_EQ(legal.Post("/api/supervision-orders", NewManual(c, kStart - 10)).status, 400);
  auto r = legal.Post("/api/supervision-orders", NewManual(c, kStart + 3 * 86400));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t id = r.json["id"];
  const std::string base = "/api/supervision-orders/" + std::to_string(id);
  EXPECT_EQ(r.json["status"], "open");
  EXPECT_EQ(r.json["responsible_name"], "张警官");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'supervision_order' AND user_id = " +
                  std::to_string(officer_a_user_)),
            1);

  // Another unit's officer cannot see it; the officer can.
  EXPECT_EQ(other.Get(base).status, 404);
  EXPECT_EQ(off.Get(base).status, 200);
  // Only the responsible officer answers; the 法制员 cannot close before an answer.
  EXPECT_EQ(Answer(legal, id, "代为整改", {}).status, 403);
  r = legal.Post(base + "/close", json::object());
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.Message().find("待整改"), std::string::npos) << r.body;
  EXPECT_EQ(legal.Post(base + "/resume", json::object()).status, 409);

  // Answer with two files; the cap applies per file.
  const std::string photo(20000, 'x');
  const std::string report = "整改报告：已调取监控。";
  EXPECT_EQ(Answer(off, id, "已整改", {{"big.bin", std::string(64 * 1024 + 1, 'y')}}).status, 413);
  EXPECT_EQ(Answer(off, id, "", {}).status, 400);
  r = Answer(off, id, "已调取并入卷", {{"现场照片.jpg", photo}, {"../../etc/report.txt", report}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["status"], "answered");
  const auto& answer = r.json["steps"][1];
  EXPECT_EQ(answer["action"], "answer");
  ASSERT_EQ(answer["attachments"].size(), 2u);
  EXPECT_EQ(answer["attachments"][0]["sha256"], Sha256(photo));
  EXPECT_EQ(answer["attachments"][0]["size"], 20000);
  EXPECT_EQ(answer["attachments"][1]["filename"], "report.txt");
  EXPECT_EQ(answer["attachments"][1]["sha256"], Sha256(report));
  const std::int64_t att = answer["attachments"][1]["id"];
  // Answering twice is a wrong transition.
  EXPECT_EQ(Answer(off, id, "再次反馈", {}).status, 409);

  // Download: same bytes, within scope only.
  auto dl = legal.Get("/api/attachments/" + std::to_string(att));
  ASSERT_EQ(dl.status, 200);
  EXPECT_EQ(dl.body, report);
  EXPECT_EQ(dl.headers.find("X-Content-SHA256")->second, Sha256(report));
  EXPECT_EQ(off.Get("/api/attachments/" + std::to_string(att)).status, 200);
  EXPECT_EQ(other.Get("/api/attachments/" + std::to_string(att)).status, 404);

  // Return (note required) → answered again → closed.
  EXPECT_EQ(legal.Post(base + "/return", json::object()).status, 400);
  EXPECT_EQ(off.Post(base + "/return", json{{"note", "x"}}).status, 403);
  r = legal.Post(base + "/return", json{{"note", "照片不清晰，请补充"}, {"deadline", "2024-03-10 18:00"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["status"], "returned");
  EXPECT_EQ(r.json["deadline_local"], "2024-03-10 18:00:00");
  r = Answer(off, id, "已补充清晰照片", {{"照片2.jpg", "clear"}});
  ASSERT_EQ(r.status, 200) << r.body;
  r = legal.Post(base + "/close", json{{"note", "整改到位"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["status"], "closed");
  EXPECT_FALSE(r.json["closed_at"].is_null());
  r = legal.Post(base + "/suspend", json{{"reason", "x"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.Message().find("已办结"), std::string::npos);

  // Every step is recorded in the steps table and in the audit trail.
  r = legal.Get(base);
  std::vector<std::string> actions;
  for (const auto& s : r.json["steps"]) actions.push_back(s["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "answer", "return", "answer", "close"}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'supervision_order' AND object_id = '" +
                  std::to_string(id) + "'"),
            5);
  const auto detail =
      json::parse(Text("SELECT detail FROM audit_log WHERE action = 'supervision_order.answer' ORDER BY id LIMIT 1"));
  EXPECT_EQ(detail["attachments"][0]["sha256"], Sha256(photo));
}

TEST_F(OrdersTest, SuspendNeedsReasonAndResumeRestoresStatus) {
  const std::int64_t c = AddCase(team_a_, "criminal", officer_a_, kStart - 86400);
  auto legal = SignedIn("legal");
  auto off = SignedIn("off_a");
  auto r = legal.Post("/api/supervision-orders", NewManual(c, kStart + 86400));
  ASSERT_EQ(r.status, 201);
  const std::string base = "/api/supervision-orders/" + r.json["id"].dump();
  ASSERT_EQ(Answer(off, r.json["id"], "已整改", {}).status, 200);
  EXPECT_EQ(legal.Post(base + "/suspend", json::object()).status, 400);
  r = legal.Post(base + "/suspend", json{{"reason", "等待鉴定结果"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["status"], "suspended");
  EXPECT_EQ(r.json["suspend_reason"], "等待鉴定结果");
  EXPECT_EQ(legal.Post(base + "/close", json::object()).status, 409);
  EXPECT_EQ(Answer(off, r.json["id"], "补充", {}).status, 409);
  r = legal.Post(base + "/resume", json::object());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["status"], "answered");  // back to where it was
  EXPECT_EQ(r.json["suspend_reason"], "");
}

TEST_F(OrdersTest, FromViolationAndOverdueOrderNotifiedBySweep) {
  const std::int64_t c = AddCase(team_a_, "criminal", officer_a_, kStart - 86400);
  AddCasePerson(c, "p1", "suspect");
  AddEvent(c, "detain", kStart - 3600, "p1");
  clock_->Set(kStart + 24 * 3600);
  ASSERT_TRUE(service_->Sweep());
  auto legal = SignedIn("legal");
  auto v = legal.Get("/api/violations?case_id=" + std::to_string(c));
  ASSERT_EQ(v.status, 200);
  ASSERT_GE(v.json["total"].get<int>(), 1) << v.body;
  const std::int64_t violation = v.json["items"][0]["id"];

  auto r = legal.Post("/api/supervision-orders", json{{"source", "violation"},
                                                      {"source_id", violation},
                                                      {"opinion", "说明超期原因并整改"},
                                                      {"deadline", clock_->Now() + 7200}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["case_id"], c);
  EXPECT_EQ(r.json["responsible_person_id"], officer_a_);  // the violation's officer
  EXPECT_EQ(r.json["problem_type"], "超期");
  const std::int64_t id = r.json["id"];
  // One open order per source.
  EXPECT_EQ(legal
                .Post("/api/supervision-orders", json{{"source", "violation"},
                                                      {"source_id", violation},
                                                      {"opinion", "重复"},
                                                      {"deadline", clock_->Now() + 7200}})
                .status,
            409);
  EXPECT_EQ(
      legal
          .Post(
              "/api/supervision-orders",
              json{{"source", "violation"}, {"source_id", 999999}, {"opinion", "x"}, {"deadline", clock_->Now() + 60}})
          .status,
      404);

  // The deadline passes unanswered: listed as overdue, notified once by the sweep.
  clock_->Advance(3 * 3600);
  auto rep = service_->Sweep();
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->orders_overdue, 1);
  const std::string q = "SELECT COUNT(*) FROM notifications WHERE kind = 'supervision_overdue' AND user_id = ";
  EXPECT_EQ(Count(q + std::to_string(officer_a_user_)), 1);
  EXPECT_EQ(Count(q + std::to_string(legal_user_)), 1);  // the creator
  rep = service_->Sweep();
  EXPECT_EQ(rep->orders_overdue, 0);
  EXPECT_EQ(Count(q + std::to_string(officer_a_user_)), 1);
  auto legal2 = SignedIn("legal");  // the clock moved past the session idle timeout
  r = legal2.Get("/api/supervision-orders?overdue=1");
  ASSERT_EQ(r.json["total"], 1);
  EXPECT_TRUE(r.json["items"][0]["overdue"].get<bool>());
  EXPECT_EQ(r.json["items"][0]["id"], id);
  auto off = SignedIn("off_a");
  EXPECT_EQ(off.Get("/api/supervision-orders?mine=1&status=open").json["total"], 1);
}

TEST_F(OrdersTest, ListFiltersPagingAndScope) {
  const std::int64_t ca = AddCase(team_a_, "criminal", officer_a_, kStart - 86400);
  const std::int64_t cb = AddCase(team_b_, "administrative", officer_b_, kStart - 86400);
  auto legal = SignedIn("legal");
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(legal.Post("/api/supervision-orders", NewManual(ca, kStart + 86400 + i)).status, 201);
  json nb = NewManual(cb, kStart + 86400);
  nb["responsible_person_id"] = officer_b_;
  ASSERT_EQ(legal.Post("/api/supervision-orders", nb).status, 201);

  auto r = legal.Get("/api/supervision-orders?page_size=2");
  EXPECT_EQ(r.json["total"], 4);
  EXPECT_EQ(r.json["items"].size(), 2u);
  EXPECT_EQ(legal.Get("/api/supervision-orders?unit_id=" + std::to_string(team_b_)).json["total"], 1);
  EXPECT_EQ(legal.Get("/api/supervision-orders?person_id=" + std::to_string(officer_a_)).json["total"], 3);
  EXPECT_EQ(legal.Get("/api/supervision-orders?status=closed").json["total"], 0);
  EXPECT_EQ(legal.Get("/api/supervision-orders?status=weird").status, 400);

  // 西街派出所 sees only its own; 东街's orders are 404 to it.
  auto b = SignedIn("leader_b");
  r = b.Get("/api/supervision-orders");
  ASSERT_EQ(r.json["total"], 1);
  EXPECT_EQ(r.json["items"][0]["case_id"], cb);
  EXPECT_EQ(b.Get("/api/supervision-orders?unit_id=" + std::to_string(team_a_)).status, 404);
  auto a_list = legal.Get("/api/supervision-orders?unit_id=" + std::to_string(team_a_));
  EXPECT_EQ(b.Get("/api/supervision-orders/" + a_list.json["items"][0]["id"].dump()).status, 404);
  // A leader of 西街 has case.review but cannot act on 东街's order.
  EXPECT_EQ(
      b.Post("/api/supervision-orders/" + a_list.json["items"][0]["id"].dump() + "/suspend", json{{"reason", "越权"}})
          .status,
      404);
  // Nor create one on 东街's case.
  EXPECT_EQ(b.Post("/api/supervision-orders", NewManual(ca, kStart + 86400)).status, 404);
}

// The 督办 list's export: the list's filters and scope, Chinese headers and words, one row per order.
TEST_F(OrdersTest, ExportFollowsTheListsFiltersAndScope) {
  const std::int64_t ca = AddCase(team_a_, "criminal", officer_a_, kStart - 86400);
  const std::int64_t cb = AddCase(team_b_, "administrative", officer_b_, kStart - 86400);
  auto legal = SignedIn("legal");
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(legal.Post("/api/supervision-orders", NewManual(ca, kStart + 86400 + i)).status, 201);
  json nb = NewManual(cb, kStart + 86400);
  nb["responsible_person_id"] = officer_b_;
  ASSERT_EQ(legal.Post("/api/supervision-orders", nb).status, 201);

  auto x = legal.Get("/api/supervision-orders/export");
  ASSERT_EQ(x.status, 200) << x.body;
  auto sheet = files::ReadSheet(x.body, "orders.xlsx");
  ASSERT_TRUE(sheet) << sheet.error().message;
  ASSERT_EQ(sheet->rows.size(), 4u);
  EXPECT_EQ(sheet->rows[0].cells[0], "督办编号");
  EXPECT_EQ(sheet->rows[0].cells[1], "案件编号");
  EXPECT_EQ(sheet->rows[0].cells[9], "状态");
  EXPECT_EQ(sheet->rows[1].cells[9], "待整改");
  EXPECT_EQ(sheet->rows[1].cells[4], "手工督办");

  x = legal.Get("/api/supervision-orders/export?unit_id=" + std::to_string(team_b_));
  ASSERT_EQ(x.status, 200);
  sheet = files::ReadSheet(x.body, "orders.xlsx");
  ASSERT_TRUE(sheet);
  EXPECT_EQ(sheet->rows.size(), 2u);
  EXPECT_EQ(legal.Get("/api/supervision-orders/export?status=weird").status, 400);

  // 西街's leader exports only 西街's order; 东街 is out of his scope.
  auto b = SignedIn("leader_b");
  x = b.Get("/api/supervision-orders/export");
  ASSERT_EQ(x.status, 200);
  sheet = files::ReadSheet(x.body, "orders.xlsx");
  ASSERT_TRUE(sheet);
  EXPECT_EQ(sheet->rows.size(), 2u);
  EXPECT_EQ(b.Get("/api/supervision-orders/export?unit_id=" + std::to_string(team_a_)).status, 404);
}

}  // namespace
}  // namespace fazhi::testing
