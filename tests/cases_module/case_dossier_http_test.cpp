// 一案一档 (issue 11): GET /api/cases/{id}/dossier/docx and …/print through the real App (cases +
// oversight + orders wired as in production). The DOCX is opened by an independent reader
// (python-docx through tests/files/read_docx.py) and its text and tables are compared with what the
// API says of the case: header, persons (身份证号 masked as on the case page), property, the event
// log, the clocks with their legal basis, the reviews and the 督办. Scope as the case page (404 out
// of scope, 403 without case.read); each document is audited.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cases_module/cases_fixture.h"
#include "support/shell.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

constexpr const char* kIdNumber = "11010519491231002X";

// The Python that has python-docx (Debian's python3-docx), or "" (then the test skips).
std::string PythonWithDocx() {
  std::vector<std::string> candidates;
  if (const char* p = std::getenv("FAZHI_PYTHON"))
    candidates.emplace_back(p);
  else
    candidates = {"/usr/bin/python3", "python3"};
  for (const std::string& py : candidates) {
    int status = 0;
    Shell(py + " -c 'import docx' 2>/dev/null", status);
    if (status == 0) return py;
  }
  return {};
}

// The table of `body` (read_docx.py's list) whose first row's first cell is `first`; null if none.
json TableStartingWith(const json& body, const std::string& first) {
  for (const auto& b : body)
    if (b["kind"] == "table" && !b["rows"].empty() && b["rows"][0][0] == first) return b;
  return nullptr;
}

// The value beside `label` in a two-column table.
std::string Field(const json& table, const std::string& label) {
  for (const auto& row : table["rows"])
    if (row[0] == label) return row[1];
  return "<missing " + label + ">";
}

class CaseDossierHttpTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    Seeder s{app_->db(), kStart};
    lead_ = s.Person(team_a_, "张明", "140001");
    s.LinkUser(officer_a_id_, lead_);
    legal_ = s.Person(bureau_, "李法制", "140009", true);
    s.LinkUser(AddUser("legal", "legal_officer", bureau_), legal_);
    AddUser("leader", "leader", bureau_);
  }

  // The DOCX of `path` as read_docx.py prints it; null when python-docx is missing.
  json ReadDocx(Client& c, const std::string& path) {
    auto r = c.Get(path);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.substr(0, 2), "PK");
    const std::string py = PythonWithDocx();
    if (py.empty()) return nullptr;
    const std::string file = (db_.dir() / "dossier.docx").string();
    std::ofstream(file, std::ios::binary) << r.body;
    int status = 0;
    const std::string out = Shell(py + " " + FAZHI_SOURCE_DIR + "/tests/files/read_docx.py " + file + " 2>&1", status);
    EXPECT_EQ(status, 0) << out;
    return json::parse(out, nullptr, false);
  }

  std::int64_t lead_ = 0, legal_ = 0;
};

TEST_F(CaseDossierHttpTest, DossierHoldsTheCaseFileAndItsSupervision) {
  clock_->Set(kStart + 10 * 86400);
  Client officer = SignedIn("officer_a");
  auto r = officer.Post("/api/cases", json{{"case_type", "criminal"},
                                           {"cause", "盗窃罪"},
                                           {"title", "东街电动车被盗案"},
                                           {"unit_id", team_a_},
                                           {"lead_officer_id", lead_},
                                           {"legal_officer_id", legal_},
                                           {"accepted_at", "2026-01-09 09:00"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t id = r.json["id"];
  const std::string base = "/api/cases/" + std::to_string(id);
  ASSERT_EQ(officer
                .Post(base + "/persons",
                      json{{"ref", "p1"}, {"name", "王某"}, {"role", "suspect"}, {"age", 34}, {"id_number", kIdNumber}})
                .status,
            201);
  ASSERT_EQ(
      officer.Post(base + "/property", json{{"code", "WP-2026-0001"}, {"name", "电动车"}, {"quantity", "1辆"}}).status,
      201);
  r = officer.Post(base + "/events", json{{"type", "detain"}, {"time", "2026-01-09 20:00"}, {"person", "p1"}});
  ASSERT_EQ(r.status, 201) << r.body;

  Client legal = SignedIn("legal");
  r = legal.Post(base + "/reviews",
                 json{{"stage", "file"},
                      {"verdict", "fix_required"},
                      {"comment", "证据不足"},
                      {"findings", json::array({{{"category", "evidence"}, {"description", "缺少被害人陈述"}}})}});
  ASSERT_EQ(r.status, 201) << r.body;
  r = legal.Post("/api/supervision-orders", json{{"source", "manual"},
                                                 {"case_id", id},
                                                 {"problem_type", "程序"},
                                                 {"opinion", "补充被害人陈述"},
                                                 {"deadline", clock_->Now() + 3 * 86400}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t order = r.json["id"];

  // What the case page shows, to compare the document with.
  const json detail = officer.Get(base).json;
  const json events = officer.Get(base + "/events").json["items"];
  const json clocks = officer.Get(base + "/alerts").json["items"];
  ASSERT_FALSE(clocks.empty()) << "a detention runs a clock";
  const std::string masked = detail["persons"][0]["id_number"];
  ASSERT_NE(masked, kIdNumber) << "a 办案民警 sees the 身份证号 masked";

  const json doc = ReadDocx(officer, base + "/dossier/docx");
  if (doc.is_null()) GTEST_SKIP() << "python-docx is not installed (Debian package python3-docx)";
  ASSERT_FALSE(doc.is_discarded());
  const json& body = doc["body"];
  std::string text;
  for (const auto& b : body)
    if (b["kind"] == "paragraph") text += b["text"].get<std::string>() + "\n";
  for (const char* s : {"案件档案（一案一档）", "一、案件基本情况", "二、涉案人员", "三、涉案财物", "四、办案经过",
                        "五、办案期限", "六、法制审核", "七、执法监督督办"})
    EXPECT_NE(text.find(s), std::string::npos) << s << " in\n" << text;
  EXPECT_NE(text.find("案件编号：" + detail["external_id"].get<std::string>()), std::string::npos) << text;
  EXPECT_EQ(doc.dump().find(kIdNumber), std::string::npos) << "the plain 身份证号 never reaches a masked reader";

  const json header = TableStartingWith(body, "案件编号");
  ASSERT_FALSE(header.is_null()) << body.dump();
  EXPECT_EQ(Field(header, "案件编号"), detail["external_id"]);
  EXPECT_EQ(Field(header, "案件名称"), "东街电动车被盗案");
  EXPECT_EQ(Field(header, "案件类别"), "刑事");
  EXPECT_EQ(Field(header, "办案单位"), "东街派出所");
  EXPECT_EQ(Field(header, "主办民警"), "张明（警号 140001）");
  EXPECT_EQ(Field(header, "捆绑法制员"), "李法制（警号 140009）");
  EXPECT_EQ(Field(header, "受案时间"), "2026-01-09 09:00");

  const json persons = TableStartingWith(body, "编号");
  ASSERT_FALSE(persons.is_null());
  ASSERT_EQ(persons["rows"].size(), detail["persons"].size() + 1);
  EXPECT_EQ(persons["rows"][1], (json{"p1", "王某", "犯罪嫌疑人/违法行为人", "34", masked, "—"}));

  const json property = TableStartingWith(body, "财物编号");
  ASSERT_FALSE(property.is_null());
  ASSERT_EQ(property["rows"].size(), 2u);
  EXPECT_EQ(property["rows"][1][0], "WP-2026-0001");
  EXPECT_EQ(property["rows"][1][1], "电动车");

  const json timeline = TableStartingWith(body, "时间");
  ASSERT_FALSE(timeline.is_null());
  ASSERT_EQ(timeline["rows"].size(), events.size() + 1);
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(timeline["rows"][i + 1][1], events[i]["type_name"]) << i;

  const json clock_table = TableStartingWith(body, "规则");
  ASSERT_FALSE(clock_table.is_null());
  ASSERT_EQ(clock_table["rows"].size(), clocks.size() + 1);
  for (std::size_t i = 0; i < clocks.size(); ++i) {
    EXPECT_EQ(clock_table["rows"][i + 1][0], clocks[i]["rule_name"]) << i;
    EXPECT_EQ(clock_table["rows"][i + 1][4],
              clocks[i]["legal_basis"].get<std::string>().empty() ? "—" : clocks[i]["legal_basis"].get<std::string>())
        << i;
  }

  const json reviews = TableStartingWith(body, "审核环节");
  ASSERT_FALSE(reviews.is_null());
  ASSERT_EQ(reviews["rows"].size(), 2u);
  EXPECT_EQ(reviews["rows"][1][0], "立案审核");
  EXPECT_EQ(reviews["rows"][1][1], "需整改");
  EXPECT_NE(reviews["rows"][1][4].get<std::string>().find("缺少被害人陈述"), std::string::npos);

  const json orders = TableStartingWith(body, "督办编号");
  ASSERT_FALSE(orders.is_null());
  ASSERT_EQ(orders["rows"].size(), 2u);
  EXPECT_EQ(orders["rows"][1][0], fmt::format("第 {} 号", order));
  EXPECT_EQ(orders["rows"][1][1], "程序：补充被害人陈述");
  EXPECT_EQ(orders["rows"][1][2], "张明");

  // The print page says the same.
  r = officer.Get(base + "/dossier/print");
  ASSERT_EQ(r.status, 200) << r.body;
  for (const std::string& s : {std::string("案件档案（一案一档）"), detail["external_id"].get<std::string>(), masked,
                               std::string("补充被害人陈述"), std::string("缺少被害人陈述")})
    EXPECT_NE(r.body.find(s), std::string::npos) << s;
  EXPECT_EQ(r.body.find(kIdNumber), std::string::npos);

  // A leader holds people.pii: his copy shows the number, and says so in the audit row.
  Client leader = SignedIn("leader");
  r = leader.Get(base + "/dossier/print");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(kIdNumber), std::string::npos);

  // Scope as the case page: another 派出所 404, no case.read 403, not signed in 401.
  Client other = SignedIn("officer_b");
  EXPECT_EQ(other.Get(base + "/dossier/docx").status, 404);
  EXPECT_EQ(other.Get(base + "/dossier/print").status, 404);
  EXPECT_EQ(officer.Get("/api/cases/999999/dossier/docx").status, 404);
  EXPECT_EQ(SignedIn("auditor").Get(base + "/dossier/print").status, 403);
  EXPECT_EQ(NewClient().Get(base + "/dossier/docx").status, 401);

  Seeder s{app_->db(), kStart};
  EXPECT_EQ(s.Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case.dossier'"), 3);
  EXPECT_EQ(s.Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case.dossier' AND summary LIKE '%含身份证号%'"),
            1);
}

}  // namespace
}  // namespace fazhi::testing
