// Issue 11 over real HTTP: the audit list holds every row of the chain and speaks Chinese (defects 5
// and 6), its XLSX export, and accounts linked to person records (defect 7).
#include <fmt/format.h>

#include "audit/audit_log.h"
#include "db/sql.h"
#include "files/spreadsheet.h"
#include "http/http_fixture.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

class AuditLabelsTest : public ServerTest {
 protected:
  // A system row with no bureau, as the demo generator and the CLI write them.
  void AppendSystemRow(const std::string& action, const std::string& object_type, const std::string& object_id) {
    ASSERT_TRUE(app_->db().Write([&](soci::session& sql) -> Result<void> {
      audit::Append(sql, app_->clock(), audit::Actor{.username = "system"},
                    {action, object_type, object_id, "演示数据：新建人员"});
      return {};
    }));
  }
};

// Defect 6: the auditor of the bureau lists every row the chain check counts, system rows included,
// and can filter them by action.
TEST_F(AuditLabelsTest, AuditorListsEveryRowOfTheChain) {
  AppendSystemRow("person.create", "person", "7");
  AppendSystemRow("unit.create", "unit", std::to_string(team_a_));
  auto admin = SignedIn("admin");
  ASSERT_EQ(admin.Put("/api/users/" + std::to_string(officer_a_id_), json{{"display_name", "张警官"}}).status, 200);

  auto auditor = SignedIn("auditor");
  auto v = auditor.Get("/api/audit/verify");
  ASSERT_EQ(v.status, 200);
  auto all = auditor.Get("/api/audit?page_size=100");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json["total"], v.json["rows"]);

  auto people = auditor.Get("/api/audit?action=person.create");
  ASSERT_EQ(people.status, 200);
  ASSERT_EQ(people.json["total"], 1);
  EXPECT_EQ(people.json["items"][0]["username"], "system");

  // A team's auditor still sees only his team's rows.
  AddUser("auditor_a", "audit_admin", team_a_);
  auto team = SignedIn("auditor_a");
  EXPECT_EQ(team.Get("/api/audit?action=person.create").json["total"], 0);
}

// Defect 5: rows carry Chinese action and object names; the facets list every action and object type.
TEST_F(AuditLabelsTest, AuditRowsAndFiltersAreChinese) {
  AppendSystemRow("supervision_order.close", "supervision_order", "3");
  AppendSystemRow("scoring.objection.reject", "score_objection", "5");
  AppendSystemRow("person.create", "person", "7");
  auto admin = SignedIn("admin");
  ASSERT_EQ(admin.Put("/api/users/" + std::to_string(officer_a_id_), json{{"display_name", "张警官"}}).status, 200);

  auto auditor = SignedIn("auditor");
  auto r = auditor.Get("/api/audit?page_size=100");
  ASSERT_EQ(r.status, 200);
  std::map<std::string, json> by_action;
  for (const auto& row : r.json["items"]) by_action[row["action"]] = row;
  EXPECT_EQ(by_action["supervision_order.close"]["action_name"], "督办·审核办结");
  EXPECT_EQ(by_action["supervision_order.close"]["object_name"], "督办 #3");
  EXPECT_EQ(by_action["scoring.objection.reject"]["action_name"], "积分异议·驳回");
  EXPECT_EQ(by_action["scoring.objection.reject"]["object_name"], "积分异议 #5");
  EXPECT_EQ(by_action["user.update"]["action_name"], "账号·修改");
  EXPECT_EQ(by_action["user.update"]["object_name"], "账号 张警官（officer_a）");
  for (const auto& row : r.json["items"])
    EXPECT_EQ(row["action_name"].get<std::string>().find('.'), std::string::npos) << row["action"];

  auto f = auditor.Get("/api/audit/facets");
  ASSERT_EQ(f.status, 200) << f.body;
  std::map<std::string, std::string> actions, types;
  for (const auto& a : f.json["actions"]) actions[a["code"]] = a["name"];
  for (const auto& t : f.json["object_types"]) types[t["code"]] = t["name"];
  EXPECT_EQ(actions["person.create"], "人员·新增");
  EXPECT_EQ(actions["auth.login"], "登录认证·登录");
  EXPECT_EQ(types["supervision_order"], "督办");
  EXPECT_EQ(types["score_objection"], "积分异议");
  EXPECT_EQ(types["user"], "账号");
}

// Defect 6: the audit list as XLSX with the same filters; the export is itself audited.
TEST_F(AuditLabelsTest, AuditListExportsAsXlsx) {
  AppendSystemRow("person.create", "person", "7");
  auto auditor = SignedIn("auditor");
  auto x = auditor.Get("/api/audit/export?action=person.create");
  ASSERT_EQ(x.status, 200) << x.body;
  auto sheet = files::ReadXlsx(x.body);
  ASSERT_TRUE(sheet) << sheet.error().message;
  ASSERT_EQ(sheet->rows.size(), 2u);
  EXPECT_EQ(sheet->rows[0].cells[3], "操作");
  EXPECT_EQ(sheet->rows[1].cells[3], "人员·新增");
  EXPECT_EQ(sheet->rows[1].cells[2], "system");
  auto exported = auditor.Get("/api/audit?action=audit.export");
  EXPECT_EQ(exported.json["total"], 1);
  EXPECT_EQ(SignedIn("admin").Get("/api/audit/export").status, 403);  // 三员分立
}

// Defect 7: the system administrator links an account to a person record (create and edit); the
// link is checked, audited, and gives the account its person.
TEST_F(AuditLabelsTest, AccountsLinkToPersonRecords) {
  const std::int64_t zhang = AddPerson(team_a_, "张伟", "A001");
  const std::int64_t li = AddPerson(team_a_, "李娜", "A002");
  auto admin = SignedIn("admin");
  const std::string officer = "/api/users/" + std::to_string(officer_a_id_);
  auto u = admin.Put(officer, json{{"person_id", zhang}});
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(u.json["person_id"], zhang);
  EXPECT_EQ(u.json["person_name"], "张伟");
  EXPECT_EQ(SignedIn("officer_a").Get("/api/me").json["person_id"], zhang);

  // One person, one account.
  auto taken = admin.Post("/api/users", json{{"username", "zhangwei2"},
                                             {"display_name", "张伟"},
                                             {"password", "Strong@2026x"},
                                             {"roles", {"case_officer"}},
                                             {"unit_id", team_a_},
                                             {"person_id", zhang}});
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(taken.Code(), "person_linked");
  auto created = admin.Post("/api/users", json{{"username", "lina"},
                                               {"display_name", "李娜"},
                                               {"password", "Strong@2026x"},
                                               {"roles", {"case_officer"}},
                                               {"unit_id", team_a_},
                                               {"person_id", li}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json["person_name"], "李娜");
  EXPECT_EQ(admin
                .Post("/api/users", json{{"username", "nobody"},
                                         {"display_name", "无此人"},
                                         {"password", "Strong@2026x"},
                                         {"roles", {"case_officer"}},
                                         {"unit_id", team_a_},
                                         {"person_id", 99999}})
                .Code(),
            "no_such_person");

  // Only the system administrator links accounts (三员分立); a team administrator only in his team.
  EXPECT_EQ(SignedIn("secadmin").Put(officer, json{{"person_id", nullptr}}).status, 403);
  const std::int64_t west = AddPerson(team_b_, "王强", "B001");
  auto admin_a = SignedIn("admin_a");
  EXPECT_EQ(admin_a.Put(officer, json{{"person_id", west}}).Code(), "no_such_person");

  auto unlinked = admin.Put(officer, json{{"person_id", nullptr}});
  ASSERT_EQ(unlinked.status, 200) << unlinked.body;
  EXPECT_TRUE(unlinked.json["person_id"].is_null());

  auto auditor = SignedIn("auditor");
  auto rows = auditor.Get("/api/audit?action=user.update&object_id=" + std::to_string(officer_a_id_));
  ASSERT_EQ(rows.json["total"], 2);
  EXPECT_NE(rows.json["items"][1]["summary"].get<std::string>().find("关联人员 张伟"), std::string::npos);
  EXPECT_EQ(rows.json["items"][1]["detail"]["after"]["person_id"], zhang);
  EXPECT_NE(rows.json["items"][0]["summary"].get<std::string>().find("取消关联人员 张伟"), std::string::npos);
}

}  // namespace
}  // namespace fazhi::testing
