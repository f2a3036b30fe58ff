// Import of incidents, cases, persons and events (CSV, XLSX, JSON-lines): per-row report,
// all-or-nothing commit, idempotent re-import, events checked by the engine.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <iconv.h>

#include "cases/timeline_store.h"
#include "cases_module/cases_fixture.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "files/spreadsheet.h"
#include "support/file_makers.h"

namespace fazhi::testing {
namespace {

using cases::ImportKind;
using cases::ImportMode;

class CaseImportTest : public CaseServiceTest {
 protected:
  Result<cases::ImportReport> Import(ImportKind kind, const std::string& bytes, const std::string& name,
                                     ImportMode mode = ImportMode::kCommit) {
    return service_->Import(Who("case_officer", bureau_), Actor(), kind, bytes, name, mode);
  }
  std::int64_t Count(const std::string& table) { return Seeder{*db_, kNow}.Scalar("SELECT COUNT(*) FROM " + table); }

  const std::string incidents_csv_ =
      "警情编号,单位,接警时间,警情类别,简要情况,执法记录仪,处警民警警号\n"
      "J001,东街派出所,2023-05-01 08:00,盗窃,电动车被盗,是,140001\n"
      "J002,西街派出所,2023/05/02 21:10,纠纷,邻里纠纷,否,140101\n";
  const std::string cases_csv_ =
      "案件编号,案件类型,案由,打击类别,办案单位,主办民警警号,协办民警警号,法制员警号,警情编号,受案时间\n"
      "A001,刑事,盗窃罪,民生小案,东街派出所,140001,140002,140201,J001,2023-05-01 10:00\n"
      "B001,行政,殴打他人,民生小案,西街派出所,140101,,,J002,2023-05-02 22:00\n";
  const std::string persons_csv_ =
      "案件编号,人员编号,姓名,角色,年龄,性别,身份证号\n"
      "A001,p1,嫌疑人甲,犯罪嫌疑人,17,男,11010519491231002X\n"
      "A001,p2,被害人乙,被害人,45,女,\n"
      "B001,p1,违法人丙,违法行为人,30,男,\n";
  const std::string events_jsonl_ =
      "{\"case\":\"A001\",\"external_id\":\"E0\",\"type\":\"file_case\",\"time\":\"2023-05-02 10:00\"}\n"
      "{\"case\":\"A001\",\"external_id\":\"E1\",\"type\":\"summon_arrive\",\"time\":\"2023-05-03 "
      "09:00\",\"person\":\"p1\"}\n"
      "{\"case\":\"A001\",\"external_id\":\"E2\",\"type\":\"detain\",\"time\":\"2023-05-03 15:00\",\"person\":\"p1\"}\n"
      "{\"case\":\"A001\",\"external_id\":\"E3\",\"type\":\"interrogate\",\"time\":\"2023-05-03 "
      "16:00\",\"person\":\"p1\","
      "\"officers\":2,\"location\":\"interrogation_room\",\"guardian_present\":true}\n"
      "{\"case\":\"A001\",\"external_id\":\"E4\",\"type\":\"property_extract\",\"time\":\"2023-05-03 "
      "16:30\",\"item\":\"WP9\"}\n"
      "{\"case\":\"B001\",\"external_id\":\"E1\",\"type\":\"询问\",\"time\":\"2023-05-03 09:00\",\"person\":\"p1\","
      "\"location\":\"inquiry_room\"}\n";

  void ImportAll() {
    for (auto [kind, bytes, name] : {std::tuple{ImportKind::kIncidents, incidents_csv_, "警情.csv"},
                                     std::tuple{ImportKind::kCases, cases_csv_, "案件.csv"},
                                     std::tuple{ImportKind::kPersons, persons_csv_, "人员.csv"},
                                     std::tuple{ImportKind::kEvents, events_jsonl_, "事件.jsonl"}}) {
      auto r = Import(kind, bytes, name);
      ASSERT_TRUE(r) << r.error().message;
      ASSERT_TRUE(r->errors.empty()) << name << ": " << r->errors[0].row << " " << r->errors[0].column << " "
                                     << r->errors[0].message;
      ASSERT_TRUE(r->committed) << name;
    }
  }
};

TEST_F(CaseImportTest, FullChainCommitsAndReimportChangesNothing) {
  ImportAll();
  EXPECT_EQ(Count("incidents"), 2);
  EXPECT_EQ(Count("cases"), 2);
  EXPECT_EQ(Count("case_persons"), 3);
  EXPECT_EQ(Count("property_items"), 1);
  // Opening acts (report, incident, accept_case) of 2 cases + 5 imported events.
  EXPECT_EQ(Count("case_events"), 6 + 6);
  EXPECT_GE(hooks_.ChangedCount(), 4u);
  auto a = service_->ListCases(Who("leader", bureau_), {.q = std::string("A001")}, {});
  ASSERT_EQ(a->total, 1);
  EXPECT_EQ(a->items[0].status, "investigating");  // derived from the imported acts (立案)
  // 中文 type name accepted.
  EXPECT_EQ(Seeder({*db_, kNow}).Scalar("SELECT COUNT(*) FROM case_events WHERE type = 'inquire'"), 1);

  const std::int64_t audit_rows = Count("audit_log");
  for (auto [kind, bytes, name] : {std::tuple{ImportKind::kIncidents, incidents_csv_, "警情.csv"},
                                   std::tuple{ImportKind::kCases, cases_csv_, "案件.csv"},
                                   std::tuple{ImportKind::kPersons, persons_csv_, "人员.csv"},
                                   std::tuple{ImportKind::kEvents, events_jsonl_, "事件.jsonl"}}) {
    auto r = Import(kind, bytes, name);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->errors.empty()) << name << ": " << (r->errors.empty() ? "" : r->errors[0].message);
    EXPECT_EQ(r->created, 0) << name;
    EXPECT_EQ(r->updated, 0) << name;
    EXPECT_EQ(r->unchanged, r->total_rows) << name;
  }
  EXPECT_EQ(Count("case_events"), 12);
  EXPECT_EQ(Count("case_persons"), 3);
  EXPECT_LE(Count("audit_log"), audit_rows + 4);  // one summary row per file at most
}

TEST_F(CaseImportTest, BadRowBlocksTheCommitAndIsReported) {
  const std::string csv =
      "警情编号,单位,接警时间,警情类别\n"
      "J010,东街派出所,2023-05-01 08:00,盗窃\n"
      "J011,北街派出所,2023-05-01 09:00,盗窃\n"
      "J012,东街派出所,昨天,盗窃\n"
      "J010,东街派出所,2023-05-01 08:00,盗窃\n";
  auto check = Import(ImportKind::kIncidents, csv, "警情.csv", ImportMode::kCheck);
  ASSERT_TRUE(check);
  EXPECT_FALSE(check->committed);
  ASSERT_EQ(check->errors.size(), 3u);
  EXPECT_EQ(check->errors[0].row, 3);
  EXPECT_EQ(check->errors[0].column, "单位");
  EXPECT_EQ(check->errors[1].row, 4);
  EXPECT_EQ(check->errors[1].column, "接警时间");
  EXPECT_EQ(check->errors[2].row, 5);
  EXPECT_NE(check->errors[2].message.find("第 2 行"), std::string::npos);
  auto commit = Import(ImportKind::kIncidents, csv, "警情.csv");
  ASSERT_TRUE(commit);
  EXPECT_FALSE(commit->committed);
  EXPECT_EQ(Count("incidents"), 0);
}

TEST_F(CaseImportTest, EventsForUnknownCasesAndImpossibleOrdersAreRowErrors) {
  ImportAll();
  const auto before = Count("case_events");
  const std::string bad =
      "案件编号,事件编号,事件类型,时间,人员编号\n"
      "A001,E10,custody_admit,2023-05-03 18:00,p1\n"
      "A999,E11,detain,2023-05-03 18:00,p1\n"
      "B001,E12,release,2023-05-01 08:00,p1\n"
      "A001,E13,teleport,2023-05-03 18:00,p1\n";
  auto r = Import(ImportKind::kEvents, bad, "事件.csv");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->committed);
  ASSERT_EQ(r->errors.size(), 3u);
  std::map<int, std::string> by_row;
  for (const auto& e : r->errors) by_row[e.row] = e.column + "：" + e.message;
  EXPECT_NE(by_row[3].find("A999"), std::string::npos) << by_row[3];
  EXPECT_NE(by_row[4].find("释放"), std::string::npos) << by_row[4];
  EXPECT_NE(by_row[5].find("teleport"), std::string::npos) << by_row[5];
  EXPECT_EQ(Count("case_events"), before);
  // A stored event re-sent with other content.
  const std::string changed =
      "{\"case\":\"A001\",\"external_id\":\"E1\",\"type\":\"summon_arrive\",\"time\":\"2023-05-03 "
      "10:00\",\"person\":\"p1\"}\n";
  r = Import(ImportKind::kEvents, changed, "e.jsonl");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].row, 1);
}

// Exports as they come (issue 10): an XLSX with a title above the header in other words, unit
// names with the bureau in front, as a path, by 简称; an ambiguous name (城区分局 and 新区分局 both
// have a 东街派出所, imported at the city); an unknown column.
TEST_F(CaseImportTest, XlsxWithTitleRowsSynonymsAndUnitNames) {
  Seeder seed{*db_, kNow};
  db_->Write([&](soci::session& sql) -> Result<void> {
       sql << "UPDATE units SET short_name = '东街所' WHERE id = " + std::to_string(team_a_);
       return {};
     })
      .value();
  const std::int64_t xinqu = seed.Unit(city_, "新区分局", "bureau");
  const std::int64_t xinqu_station = seed.Unit(xinqu, "东街派出所", "team", "派出所");
  auto import_at_city = [&](const std::string& bytes, ImportMode mode) {
    return service_->Import(Who("case_officer", city_), Actor(), ImportKind::kIncidents, bytes, "警情.xlsx", mode);
  };
  const std::string xlsx = MakeXlsx({
      {"城区分局警情台账 2023年5月"},
      {},
      {"序号", "接警编号", "所属单位", "报警时间", "警情类型", "备注"},
      {"1", "J100", "城区分局东街派出所", "2023-05-01 08:00", "求助", "无"},
      {"2", "J101", "城区分局/西街派出所", "2023-05-01 09:00", "求助", ""},
      {"3", "J102", "东街所", "2023-05-01 10:00", "求助", ""},
      {"4", "J103", "东街派出所", "2023-05-01 11:00", "求助", ""},
      {"5", "J104", "新区分局东街派出所", "2023-05-01 12:00", "求助", ""},
  });
  auto check = import_at_city(xlsx, ImportMode::kCheck);
  ASSERT_TRUE(check) << check.error().message;
  EXPECT_EQ(check->total_rows, 5);
  EXPECT_EQ(check->valid_rows, 4);
  ASSERT_EQ(check->errors.size(), 1u);
  EXPECT_EQ(check->errors[0].row, 7);  // the worksheet's row number
  EXPECT_EQ(check->errors[0].column, "单位");
  EXPECT_NE(check->errors[0].message.find("城区分局/东街派出所、新区分局/东街派出所"), std::string::npos)
      << check->errors[0].message;
  ASSERT_EQ(check->notes.size(), 2u);
  EXPECT_NE(check->notes[0].find("第 3 行"), std::string::npos) << check->notes[0];
  EXPECT_NE(check->notes[1].find("序号、备注"), std::string::npos) << check->notes[1];

  const std::string fixed = MakeXlsx({
      {"城区分局警情台账 2023年5月"},
      {"序号", "接警编号", "所属单位", "报警时间", "警情类型"},
      {"1", "J100", "城区分局东街派出所", "2023-05-01 08:00", "求助"},
      {"2", "J104", "新区分局/东街派出所", "2023-05-01 12:00", "求助"},
  });
  auto commit = import_at_city(fixed, ImportMode::kCommit);
  ASSERT_TRUE(commit) << commit.error().message;
  EXPECT_TRUE(commit->committed);
  EXPECT_EQ(seed.Scalar("SELECT unit_id FROM incidents WHERE external_id = 'J100'"), team_a_);
  EXPECT_EQ(seed.Scalar("SELECT unit_id FROM incidents WHERE external_id = 'J104'"), xinqu_station);
}

// A GBK CSV from a Chinese Excel, 案件 in the words of another export, the unit by 简称.
TEST_F(CaseImportTest, GbkCsvWithSynonyms) {
  db_->Write([&](soci::session& sql) -> Result<void> {
       sql << "UPDATE units SET short_name = '东街所' WHERE id = " + std::to_string(team_a_);
       return {};
     })
      .value();
  std::string utf8 =
      "案件编号,案件类别,案由,所属单位,主办人警员编号,受案时间,民族\r\n"
      "A100,刑事,盗窃罪,城区分局东街所,140001,2023-05-01 10:00,汉\r\n";
  iconv_t cd = iconv_open("GBK", "UTF-8");
  ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string gbk(utf8.size() * 2, '\0');
  char* in = utf8.data();
  char* out = gbk.data();
  std::size_t in_left = utf8.size(), out_left = gbk.size();
  ASSERT_NE(iconv(cd, &in, &in_left, &out, &out_left), static_cast<std::size_t>(-1));
  iconv_close(cd);
  gbk.resize(gbk.size() - out_left);
  auto r = Import(ImportKind::kCases, gbk, "案件.csv");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->errors.empty()) << r->errors[0].message;
  EXPECT_TRUE(r->committed);
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_NE(r->notes[0].find("民族"), std::string::npos);
  Seeder seed{*db_, kNow};
  EXPECT_EQ(seed.Scalar("SELECT unit_id FROM cases WHERE external_id = 'A100'"), team_a_);
}

// A sheet with both 单位 and 部门 (issue 10): the case's unit is 单位/部门; it used to be refused as a
// duplicate column. A third unit column is still refused.
TEST_F(CaseImportTest, UnitAndDepartmentColumnsTogether) {
  auto r = Import(ImportKind::kCases,
                  "案件编号,案件类型,案由,单位,部门,主办民警警号,受案时间\n"
                  "A200,刑事,盗窃罪,城区分局,东街派出所,140001,2023-05-01 10:00\n",
                  "案件.csv");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->errors.empty()) << r->errors[0].message;
  EXPECT_TRUE(r->committed);
  Seeder seed{*db_, kNow};
  EXPECT_EQ(seed.Scalar("SELECT unit_id FROM cases WHERE external_id = 'A200'"), team_a_);
  auto three = Import(ImportKind::kCases, "案件编号,案件类型,案由,单位,部门,办案单位,主办民警警号,受案时间\n", "x.csv");
  ASSERT_FALSE(three);
  EXPECT_EQ(three.error().reason, "duplicate_column");
}

TEST_F(CaseImportTest, XlsxAndFileErrors) {
  auto xlsx = files::WriteXlsx(
      {{"警情",
        {{"警情编号", "单位", "接警时间", "警情类别"}, {"J100", "东街派出所", "2023-05-01 08:00", "求助"}},
        {}}});
  ASSERT_TRUE(xlsx);
  auto r = Import(ImportKind::kIncidents, *xlsx, "警情.xlsx");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(Count("incidents"), 1);
  // An unknown column is ignored with a note (issue 10), no longer refused.
  auto unknown = Import(ImportKind::kIncidents, "警情编号,单位,接警时间,警情类别,颜色\n", "x.csv");
  ASSERT_TRUE(unknown) << unknown.error().message;
  ASSERT_EQ(unknown->notes.size(), 1u);
  EXPECT_NE(unknown->notes[0].find("颜色"), std::string::npos);
  auto missing = Import(ImportKind::kCases, "案件编号,案由\nA1,盗窃罪\n", "x.csv");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason, "missing_column");
  auto empty = Import(ImportKind::kCases, "", "x.csv");
  ASSERT_FALSE(empty);
  auto not_json = Import(ImportKind::kEvents, "{\"case\":\"A1\"\n", "x.jsonl");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->errors.size(), 1u);
}

TEST_F(CaseImportTest, OutOfScopeRowsAreRejected) {
  ImportAll();
  // A 办案民警 of 西街 cannot import into 东街 or add events to 东街's case.
  auto who = Who("case_officer", team_b_);
  auto r = service_->Import(who, Actor(), ImportKind::kIncidents,
                            "警情编号,单位,接警时间,警情类别\nJ200,东街派出所,2023-05-01 08:00,求助\n", "x.csv",
                            ImportMode::kCommit);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].column, "单位");
  r = service_->Import(who, Actor(), ImportKind::kEvents,
                       "{\"case\":\"A001\",\"external_id\":\"X\",\"type\":\"release\",\"time\":\"2023-05-04 09:00\","
                       "\"person\":\"p1\"}\n",
                       "x.jsonl", ImportMode::kCommit);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_NE(r->errors[0].message.find("不存在"), std::string::npos);
}

TEST_F(CaseImportTest, BackgroundJobReportsProgress) {
  std::string csv = "警情编号,单位,接警时间,警情类别\n";
  for (int i = 0; i < 300; ++i) csv += fmt::format("J{:04},东街派出所,2023-05-01 08:{:02},求助\n", i, i % 60);
  auto job = service_->StartImportJob(Who("case_officer", bureau_), Actor(), ImportKind::kIncidents, csv, "大批.csv");
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_EQ(job->total, 600);
  cases::ImportJob state;
  for (int i = 0; i < 600; ++i) {
    state = service_->GetImportJob(Who("case_officer", bureau_), job->id).value();
    if (state.state == "done" || state.state == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(state.state, "done") << state.error;
  EXPECT_EQ(state.processed, state.total);
  ASSERT_TRUE(state.report);
  EXPECT_EQ(state.report->created, 300);
  EXPECT_EQ(Count("incidents"), 300);
  // Another user cannot see the job.
  auto other = Who("case_officer", bureau_);
  other.user_id = 2;
  EXPECT_EQ(service_->GetImportJob(other, job->id).error().code, ErrorCode::kNotFound);
}

TEST_F(CaseImportTest, AnImportOfAStoppedProcessReadsAsFailed) {
  // A job row as a crashed process leaves it: running, its heartbeat two minutes old.
  const auto who = Who("case_officer", bureau_);
  const std::int64_t id =
      db_->Write([&](soci::session& sql) -> Result<std::int64_t> {
           db::SqlArgs a;
           return db::Insert(sql,
                             fmt::format("INSERT INTO jobs (kind, title, state, instance, created_by, created_at, "
                                         "heartbeat_at, done, total) VALUES ('case_import', '导入警情：大批.csv', "
                                         "'running', 'gone:1:0', {}, {}, {}, 40, 100) RETURNING id",
                                         a.Int(who.user_id), a.Int(kNow - 120), a.Int(kNow - 120)),
                             a);
         })
          .value();
  ASSERT_EQ(jobs_->RecoverInterrupted().value(), 1);
  auto job = service_->GetImportJob(who, id);
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_EQ(job->state, "failed");
  EXPECT_FALSE(job->error.empty());
  EXPECT_EQ(job->kind, "incidents");
  EXPECT_EQ(job->filename, "大批.csv");
}

// Issue 10's facts as optional columns (docs/cases.md §6.2/§6.4): 涉案人数众多 on the case; 延长的规则,
// 提请延长时间, 作案次数, 共同作案人数, 流窜作案, 重大嫌疑分子 and 离开方式 on the event; 候问室 and 提请延长
// by their 中文 type names. They reach the engine through the one timeline loader; bad values are
// reported under their 中文 column and nothing is written.
TEST_F(CaseImportTest, FactsAndActsOfTheSupervisionEngineAsColumns) {
  auto r = Import(ImportKind::kCases,
                  "案件编号,案件类型,案由,办案单位,主办民警警号,受案时间,涉案人数众多\n"
                  "C001,行政,聚众斗殴,东街派出所,140001,2023-05-20 08:00,是\n"
                  "C002,刑事,盗窃罪,东街派出所,140001,2023-05-20 08:00,否\n",
                  "案件.csv");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->errors.empty()) << r->errors[0].column << " " << r->errors[0].message;
  r = Import(ImportKind::kPersons,
             "案件编号,人员编号,姓名,角色,年龄,身份不明\n"
             "C001,p1,甲,违法行为人,15,否\n"
             "C002,p1,乙,犯罪嫌疑人,30,是\n",
             "人员.csv");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->errors.empty()) << r->errors[0].column << " " << r->errors[0].message;
  const std::string header =
      "案件编号,事件编号,事件类型,时间,人员编号,延长的规则,提请延长时间,作案次数,共同作案人数,流窜作案,"
      "重大嫌疑分子,离开方式\n";
  const std::string bad = header +
                          "C002,F1,拘留执行,2023-05-21 09:00,p1,,,,,,,\n"
                          "C002,F2,延长审批,2023-05-22 10:00,p1,CRIM-DETAIN-04,,-1,,,,\n"
                          "C001,E1,带至公安机关继续盘问,2023-05-21 19:00,p1,,,,,,,\n"
                          "C001,E5,释放,2023-05-21 22:00,p1,,,,,,,走了\n";
  r = Import(ImportKind::kEvents, bad, "事件.csv");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->committed);
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_EQ(r->errors[0].row, 3);
  EXPECT_EQ(r->errors[0].column, "作案次数");
  EXPECT_EQ(r->errors[1].row, 5);
  EXPECT_EQ(r->errors[1].column, "离开方式");
  EXPECT_NE(r->errors[1].message.find("release_mode"), std::string::npos) << r->errors[1].message;
  EXPECT_EQ(Seeder({*db_, kNow}).Scalar("SELECT COUNT(*) FROM case_events WHERE type <> 'accept_case'"), 0);

  const std::string good = header +
                           "C001,E1,带至公安机关继续盘问,2023-05-21 19:00,p1,,,,,,,\n"
                           "C001,E2,进入办案区,2023-05-21 19:05,p1,,,,,,,\n"
                           "C001,E3,进入候问室,2023-05-21 19:30,p1,,,,,,,\n"
                           "C001,E4,离开候问室,2023-05-21 20:00,p1,,,,,,,\n"
                           "C001,E5,释放,2023-05-21 22:00,p1,,,,,,,通知家属或监护人领回\n"
                           "C002,F1,拘留执行,2023-05-21 09:00,p1,,,,,,,\n"
                           "C002,F2,提请延长,2023-05-22 08:00,p1,CRIM-DETAIN-04,,,,,,\n"
                           "C002,F3,延长审批,2023-05-22 10:00,p1,CRIM-DETAIN-04,2023-05-22 08:00,3,2,否,是,\n";
  r = Import(ImportKind::kEvents, good, "事件.csv");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->errors.empty()) << r->errors[0].row << " " << r->errors[0].column << " " << r->errors[0].message;
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(r->created, 8);

  const auto who = Who("case_officer", bureau_);
  auto ids = service_->ListCases(who, {.q = std::string("C00")}, {});
  ASSERT_TRUE(ids);
  std::int64_t c1 = 0, c2 = 0;
  for (const auto& c : ids->items) {
    (c.external_id == "C001" ? c1 : c2) = c.id;
    EXPECT_EQ(c.many_people, c.external_id == "C001");
  }
  db_->Read([&](soci::session& sql) {
    auto tl = cases::LoadTimeline(sql, c1);
    ASSERT_TRUE(tl) << tl.error().message;
    EXPECT_TRUE(tl->many_people);
    ASSERT_EQ(tl->events.back().type, supervision::EventType::kRelease);
    EXPECT_EQ(tl->events.back().Get(supervision::Attr::kReleaseMode),
              supervision::VocabIndex(supervision::ReleaseModes(), "family_pickup"));
    auto t2 = cases::LoadTimeline(sql, c2);
    ASSERT_TRUE(t2) << t2.error().message;
    EXPECT_FALSE(t2->many_people);
    EXPECT_TRUE(t2->persons[0].identity_unknown);
    const auto& ext = t2->events.back();
    ASSERT_EQ(ext.type, supervision::EventType::kExtensionApproved);
    EXPECT_EQ(ext.rule, "CRIM-DETAIN-04");
    EXPECT_EQ(ext.Get(supervision::Attr::kOffences), 3);
    EXPECT_EQ(ext.Get(supervision::Attr::kGangSize), 2);
    EXPECT_EQ(ext.Get(supervision::Attr::kRoving), 0);
    EXPECT_EQ(ext.Get(supervision::Attr::kMajorSuspect), 1);
    EXPECT_EQ(ext.Get(supervision::Attr::kRequestedAt), ParseLocalDateTime("2023-05-22 08:00").value());
    EXPECT_EQ(t2->events[t2->events.size() - 2].type, supervision::EventType::kExtensionRequest);
  });
  // The same file again changes nothing.
  r = Import(ImportKind::kEvents, good, "事件.csv");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->unchanged, 8);
  EXPECT_EQ(r->created, 0);
}

}  // namespace
}  // namespace fazhi::testing
