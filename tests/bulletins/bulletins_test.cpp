// The bulletins module: periods, the sections of the cases/oversight/scoring modules computed from
// the database, the lifecycle (draft → approved by a 局领导 → published with its number, frozen,
// corrections) with its errors, the DOCX read back by python-docx (an independent reader) and
// checked against the database, the CLI, and the routes over real HTTP. Runs on SQLite and, with
// FAZHI_TEST_DB=postgresql://…, on PostgreSQL.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "auth/roles.h"
#include "bulletins/bulletins_module.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "http/http_fixture.h"
#include "org/org_reads.h"
#include "support/shell.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

EpochSeconds Local(int y, int m, int d, int hour = 10) { return LocalMidnight(CivilDate{y, m, d}) + hour * 3600; }

// python-docx (Debian python3-docx) through tests/files/read_docx.py; nullopt when not installed.
std::optional<json> ReadDocx(const std::string& path) {
  for (const std::string py : {"/usr/bin/python3", "python3"}) {
    int status = 0;
    Shell(py + " -c 'import docx' 2>/dev/null", status);
    if (status != 0) continue;
    const std::string out =
        Shell(py + " " + std::string(FAZHI_SOURCE_DIR) + "/tests/files/read_docx.py " + path + " 2>&1", status);
    EXPECT_EQ(status, 0) << out;
    return json::parse(out, nullptr, false);
  }
  return std::nullopt;
}

class BulletinsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    legal_ = seed::Unit(app_->db(), bureau_, "法制大队", "team", kStart, "法制大队");
    leader_id_ = AddUser("leader", "leader", bureau_);
    legal_id_ = AddUser("fazhi", "legal_officer", legal_);
    other_bureau_ = AddUnit(city_, "郊区分局", "bureau");
    AddUser("fazhi2", "legal_officer", other_bureau_);
    SeedCases();
  }

  bulletins::BulletinService& Service() { return app_->modules().Find<bulletins::BulletinsModule>()->service(); }

  auth::Principal Who(std::int64_t user, const std::string& role, std::int64_t unit) {
    auth::Principal p;
    p.user_id = user;
    p.username = role;
    p.display_name = role == "leader" ? "王局长" : "李法制";
    p.roles = {role};
    p.permissions = auth::PermissionsOf(p.roles);
    p.unit_id = unit;
    p.bureau_id = bureau_;
    p.unit_path = app_->db().Read([&](soci::session& sql) { return org::ReadUnit(sql, unit)->path; });
    return p;
  }
  auth::Principal Legal() { return Who(legal_id_, "legal_officer", legal_); }
  auth::Principal Leader() { return Who(leader_id_, "leader", bureau_); }
  audit::Actor Actor(std::int64_t user) { return {.user_id = user, .username = "t", .bureau_id = bureau_}; }

  std::int64_t AddCase(std::int64_t unit, const std::string& type, EpochSeconds accepted,
                       std::optional<EpochSeconds> closed, const std::string& title) {
    return app_->db()
        .Write([&](soci::session& sql) -> Result<std::int64_t> {
          db::SqlArgs a;
          const std::string ext = "A" + std::to_string(++cases_);
          return db::Insert(
              sql,
              fmt::format("INSERT INTO cases (bureau_id, unit_id, external_id, case_type, cause, title, status, "
                          "accepted_at, closed_at, created_at, updated_at) VALUES ({}, {}, {}, {}, '盗窃', {}, 'open', "
                          "{}, {}, {}, {}) RETURNING id",
                          a.Int(bureau_), a.Int(unit), a.Str(ext), a.Str(type), a.Str(title), a.Int(accepted),
                          a.OptInt(closed), a.Int(accepted), a.Int(accepted)),
              a);
        })
        .value();
  }

  void Exec(const std::string& q) {
    ASSERT_TRUE(app_->db().Write([&](soci::session& sql) -> Result<void> {
      db::Exec(sql, q);
      return {};
    }));
  }

  // July 2023: 东街 3 criminal + 1 administrative (1 closed), 西街 1 criminal; June: 2 cases.
  // One serious violation and one review with a finding in July. 2023-03 has nothing.
  void SeedCases() {
    july_case_ = AddCase(team_a_, "criminal", Local(2023, 7, 3), Local(2023, 7, 20), "张三盗窃案");
    AddCase(team_a_, "criminal", Local(2023, 7, 5), std::nullopt, "李四诈骗案");
    AddCase(team_a_, "criminal", Local(2023, 7, 9), std::nullopt, "某某案");
    AddCase(team_a_, "administrative", Local(2023, 7, 12), std::nullopt, "王五殴打他人案");
    AddCase(team_b_, "criminal", Local(2023, 7, 31, 23), std::nullopt, "赵六盗窃案");
    AddCase(team_a_, "criminal", Local(2023, 6, 3), std::nullopt, "六月案一");
    AddCase(team_b_, "criminal", Local(2023, 6, 30, 23), std::nullopt, "六月案二");
    Exec(
        fmt::format("INSERT INTO violations (bureau_id, case_id, unit_id, rule_id, clock_key, kind, severity, "
                    "detected_at, message) VALUES ({}, {}, {}, 'DET-01', 'k1', 'overdue', 'serious', {}, "
                    "'超期：刑事拘留后通知家属（张三），期限已过')",
                    bureau_, july_case_, team_a_, Local(2023, 7, 10)));
    Exec(
        fmt::format("INSERT INTO case_reviews (bureau_id, case_id, stage, verdict, created_at) VALUES ({}, {}, "
                    "'file', 'fix_required', {})",
                    bureau_, july_case_, Local(2023, 7, 11)));
  }

  std::int64_t CountRows(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarInt(sql, q).value_or(0); });
  }

  const kit::BulletinSection* Section(const bulletins::Bulletin& b, const std::string& id) {
    for (const auto& s : b.sections)
      if (s.id == id) return &s;
    return nullptr;
  }
  const kit::BulletinFigure* Figure(const kit::BulletinSection& s, const std::string& key) {
    for (const auto& f : s.figures)
      if (f.key == key) return &f;
    return nullptr;
  }

  std::int64_t legal_ = 0, leader_id_ = 0, legal_id_ = 0, other_bureau_ = 0, july_case_ = 0;
  int cases_ = 0;
};

TEST(BulletinPeriod, ParsesMonthsAndQuarters) {
  auto m = kit::ParseBulletinPeriod("2023-07");
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->quarter);
  EXPECT_EQ(m->Label(), "2023年7月");
  EXPECT_EQ(m->from, LocalMidnight(CivilDate{2023, 7, 1}));
  EXPECT_EQ(m->to, LocalMidnight(CivilDate{2023, 8, 1}));
  EXPECT_EQ(m->Previous().key, "2023-06");
  EXPECT_EQ(kit::ParseBulletinPeriod("2023-01")->Previous().key, "2022-12");
  auto q = kit::ParseBulletinPeriod("2023-Q3");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->Label(), "2023年第三季度");
  EXPECT_EQ(q->Months(), (std::vector<std::string>{"2023-07", "2023-08", "2023-09"}));
  EXPECT_EQ(q->to, LocalMidnight(CivilDate{2023, 10, 1}));
  EXPECT_EQ(kit::ParseBulletinPeriod("2023-Q1")->Previous().key, "2022-Q4");
  EXPECT_EQ(kit::ParseBulletinPeriod("2023-Q4")->to, LocalMidnight(CivilDate{2024, 1, 1}));
  for (const char* bad : {"2023-7", "2023-13", "2023-Q5", "2023/07", "23-07", "2023-00", "", "2023-Q"}) {
    auto r = kit::ParseBulletinPeriod(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "invalid_period") << bad;
  }
}

TEST_F(BulletinsTest, SectionsComeFromTheDataWithSourcesAndSayWhenEmpty) {
  auto b = Service().Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "2023-07"});
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->state, "draft");
  EXPECT_EQ(b->title, "关于2023年7月城区分局执法质量情况的通报");
  const auto* cases = Section(*b, "cases");
  ASSERT_TRUE(cases && cases->has_data);
  EXPECT_EQ(Figure(*cases, "accepted")->value, 5);
  EXPECT_EQ(Figure(*cases, "accepted")->previous, 2);
  EXPECT_EQ(Figure(*cases, "criminal")->value, 4);
  EXPECT_EQ(Figure(*cases, "administrative")->value, 1);
  EXPECT_EQ(Figure(*cases, "closed")->value, 1);
  for (const auto& f : cases->figures) EXPECT_NE(f.source.find("数据来源：案件库 cases"), std::string::npos) << f.key;
  EXPECT_NE(Figure(*cases, "accepted")->source.find("2023-07-01 至 2023-07-31"), std::string::npos);
  ASSERT_EQ(cases->tables.size(), 1u);
  EXPECT_EQ(cases->tables[0].rows.front(), (std::vector<std::string>{"东街派出所", "3", "1", "4", "1", "1"}));

  const auto* over = Section(*b, "oversight");
  ASSERT_TRUE(over && over->has_data);
  EXPECT_EQ(Figure(*over, "violations")->value, 1);
  EXPECT_EQ(Figure(*over, "serious")->value, 1);
  EXPECT_EQ(Figure(*over, "reviews")->value, 1);
  EXPECT_EQ(Figure(*over, "reviews_failed")->value, 1);
  ASSERT_FALSE(over->items.empty());
  EXPECT_NE(over->items[0].find("案件 A1（东街派出所）"), std::string::npos) << over->items[0];
  EXPECT_EQ(over->items[0].find("张三"), std::string::npos) << "anonymised: no names";

  // Sections without data say so instead of printing zeros.
  const auto* points = Section(*b, "points");
  ASSERT_TRUE(points);
  EXPECT_FALSE(points->has_data);
  EXPECT_EQ(points->empty_text, "本期（2023年7月）无已公示的执法办案积分数据。");
  EXPECT_TRUE(points->figures.empty());
  const auto* platform = Section(*b, "platform");
  ASSERT_TRUE(platform);
  EXPECT_FALSE(platform->has_data);
  EXPECT_EQ(platform->empty_text, "本期（2023年7月）无执法办案平台应用考核数据。");

  // June: the previous month has no case at all, so no change is printed (not "上期 0起").
  auto june = Service().Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "2023-06"});
  ASSERT_TRUE(june) << june.error().message;
  const auto* june_cases = Section(*june, "cases");
  EXPECT_EQ(Figure(*june_cases, "accepted")->value, 2);
  EXPECT_FALSE(Figure(*june_cases, "accepted")->previous);
  EXPECT_NE(june_cases->summary.find("上期无案件数据，不作比较"), std::string::npos) << june_cases->summary;
}

// “发出预警” counts the clocks that reached their 预警 time in the month while still open — not every
// clock whose 预警 time falls in it: one met early never warned, one still running has not yet.
TEST_F(BulletinsTest, WarningsCountOnlyClocksThatReachedTheirWarningOpen) {
  int key = 0;
  auto alert = [&](std::int64_t unit, const char* rule, const char* state, EpochSeconds pre_warn, EpochSeconds since) {
    Exec(
        fmt::format("INSERT INTO alerts (bureau_id, case_id, unit_id, rule_id, clock_key, state, due_at, pre_warn_at, "
                    "since, updated_at) VALUES ({}, {}, {}, '{}', 'w{}', '{}', {}, {}, {}, {})",
                    bureau_, july_case_, unit, rule, ++key, state, pre_warn + 86400, pre_warn, since, since));
  };
  const EpochSeconds pre = Local(2023, 7, 14);
  alert(team_a_, "DET-01", "pre_warn", pre, pre);               // warning now
  alert(team_a_, "DET-01", "overdue", pre, pre + 86400);        // warned, then past its due time
  alert(team_b_, "DET-01", "done", pre, pre + 3600);            // finished after the warning, in time
  alert(team_a_, "ARR-02", "done_late", pre, pre + 2 * 86400);  // finished late
  alert(team_a_, "ARR-02", "done", pre, pre - 3600);            // finished before its 预警 time: never warned
  alert(team_b_, "ARR-02", "running", Local(2023, 7, 30), Local(2023, 7, 20));   // 预警 time not reached yet
  alert(team_a_, "DET-01", "pre_warn", Local(2023, 6, 30), Local(2023, 6, 30));  // warned in June
  alert(other_bureau_, "DET-01", "pre_warn", pre, pre);                          // another bureau's unit

  auto b = Service().Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "2023-07"});
  ASSERT_TRUE(b) << b.error().message;
  const auto* over = Section(*b, "oversight");
  ASSERT_TRUE(over);
  EXPECT_EQ(Figure(*over, "alerts")->value, 4);
  std::map<std::string, std::string> by_rule, by_unit;
  for (const auto& t : over->tables)
    for (const auto& row : t.rows)
      (t.header[0] == "规则" ? by_rule : by_unit)[row[0]] = row[t.header[0] == "规则" ? 2 : 1];
  EXPECT_EQ(by_rule["DET-01"], "3");
  EXPECT_EQ(by_rule["ARR-02"], "1");
  EXPECT_EQ(by_unit["东街派出所"], "3");
  EXPECT_EQ(by_unit["西街派出所"], "1");
}

TEST_F(BulletinsTest, BadInputIsRefusedAndChangesNothing) {
  auto& s = Service();
  auto bad = s.Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "2023-7"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().reason, "invalid_period");
  auto mismatch = s.Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "2023-Q3"});
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().reason, "period_kind_mismatch");
  auto kind = s.Generate(Legal(), Actor(legal_id_), {.kind = "weekly", .period = "2023-07"});
  ASSERT_FALSE(kind);
  EXPECT_EQ(kind.error().reason, "invalid_kind");
  auto empty = s.Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "2023-03"});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.error().reason, "no_data");
  EXPECT_NE(empty.error().message.find("2023年3月城区分局没有任何可通报的数据"), std::string::npos)
      << empty.error().message;
  auto leader = s.Generate(Leader(), Actor(leader_id_), {.kind = "quality", .period = "2023-07"});
  ASSERT_FALSE(leader);
  EXPECT_EQ(leader.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM bulletins"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'bulletin.%'"), 0);
}

TEST_F(BulletinsTest, LifecycleNumbersFreezesAndCorrects) {
  auto& s = Service();
  auto a = s.Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "2023-07"});
  auto b = s.Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "2023-07"});
  ASSERT_TRUE(a && b);

  // Narrative edits; the figures stay bound to the data.
  bulletins::NarrativeEdit edit;
  edit.intro = "七月份导语（人工修改）";
  edit.sections["cases"] = "七月份案件情况总体平稳。";
  auto edited = s.EditNarrative(Legal(), Actor(legal_id_), a->id, edit);
  ASSERT_TRUE(edited) << edited.error().message;
  EXPECT_EQ(edited->narrative.intro, "七月份导语（人工修改）");
  EXPECT_EQ(edited->narrative.sections.at("cases"), "七月份案件情况总体平稳。");
  EXPECT_EQ(Figure(*Section(*edited, "cases"), "accepted")->value, 5);
  bulletins::NarrativeEdit unknown;
  unknown.sections["points"] = "没有数据的栏目不能写文字";
  auto refused = s.EditNarrative(Legal(), Actor(legal_id_), a->id, unknown);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason, "unknown_section");

  // Only a 局领导 approves.
  auto not_leader = s.Approve(Legal(), Actor(legal_id_), a->id);
  ASSERT_FALSE(not_leader);
  EXPECT_EQ(not_leader.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(not_leader.error().reason, "not_leader");
  auto early = s.Publish(Legal(), Actor(legal_id_), a->id);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().reason, "not_approved");
  ASSERT_TRUE(s.Approve(Leader(), Actor(leader_id_), a->id));
  // An edit after approval makes it a draft again.
  auto redraft = s.EditNarrative(Legal(), Actor(legal_id_), a->id, edit);
  ASSERT_TRUE(redraft);
  EXPECT_EQ(redraft->state, "draft");
  EXPECT_EQ(redraft->approved_by_name, "");
  ASSERT_TRUE(s.Approve(Leader(), Actor(leader_id_), a->id));
  ASSERT_TRUE(s.Approve(Leader(), Actor(leader_id_), b->id));

  // A 派出所 account of the bureau does not see drafts; it reads the bulletin once published.
  const auth::Principal station = Who(leader_id_, "leader", team_a_);
  EXPECT_EQ(s.Get(station, a->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(s.List(station, {}, PageRequest{})->total, 0);
  auto pub = s.Publish(Legal(), Actor(legal_id_), a->id);
  ASSERT_TRUE(pub) << pub.error().message;
  EXPECT_TRUE(s.Get(station, a->id));
  EXPECT_EQ(s.List(station, {}, PageRequest{})->total, 1);
  EXPECT_EQ(pub->state, "published");
  EXPECT_EQ(pub->issue_no, "2023年第7期");
  EXPECT_EQ(pub->approved_by_name, "王局长");

  // Frozen: no edit, no second publication of the same number (the same bulletin or another).
  auto frozen = s.EditNarrative(Legal(), Actor(legal_id_), a->id, edit);
  ASSERT_FALSE(frozen);
  EXPECT_EQ(frozen.error().code, ErrorCode::kConflict);
  EXPECT_EQ(frozen.error().reason, "bulletin_frozen");
  auto again = s.Publish(Legal(), Actor(legal_id_), a->id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().reason, "duplicate_issue");
  auto second = s.Publish(Legal(), Actor(legal_id_), b->id);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(second.error().reason, "duplicate_issue");
  EXPECT_EQ(s.Get(Legal(), b->id)->state, "approved");
  auto regenerate = s.Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "2023-07"});
  ASSERT_FALSE(regenerate);
  EXPECT_EQ(regenerate.error().reason, "already_published");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM bulletins"), 2);

  // A correction is a new issue naming the one it corrects.
  auto fix = s.Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "", .corrects_id = a->id});
  ASSERT_TRUE(fix) << fix.error().message;
  EXPECT_EQ(fix->corrects_issue_no, "2023年第7期");
  EXPECT_NE(fix->narrative.intro.find("本期通报更正2023年第7期"), std::string::npos);
  ASSERT_TRUE(s.Approve(Leader(), Actor(leader_id_), fix->id));
  auto fixed = s.Publish(Legal(), Actor(legal_id_), fix->id);
  ASSERT_TRUE(fixed) << fixed.error().message;
  EXPECT_EQ(fixed->issue_no, "2023年第13期");
  EXPECT_EQ(fixed->corrects_id, a->id);

  // Every act is audited.
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE action = 'bulletin.generate'"), 3);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE action = 'bulletin.update'"), 2);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE action = 'bulletin.approve'"), 4);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE action = 'bulletin.publish'"), 2);

  // The archive lists them, newest period first.
  auto list = s.List(Leader(), {.kind = std::string("quality")}, PageRequest{});
  ASSERT_TRUE(list);
  EXPECT_EQ(list->total, 3);
}

// Two corrections published at the same moment take two numbers, not one number and an error: the
// 期号 is read and written under the bureau's lock (on PostgreSQL two transactions really overlap).
TEST_F(BulletinsTest, CorrectionsPublishedAtOnceTakeConsecutiveNumbers) {
  auto& s = Service();
  auto a = s.Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "2023-07"});
  ASSERT_TRUE(a);
  ASSERT_TRUE(s.Approve(Leader(), Actor(leader_id_), a->id));
  ASSERT_TRUE(s.Publish(Legal(), Actor(legal_id_), a->id));
  constexpr int kFixes = 4;
  std::vector<std::int64_t> fixes;
  for (int i = 0; i < kFixes; ++i) {
    auto fix = s.Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "", .corrects_id = a->id});
    ASSERT_TRUE(fix) << fix.error().message;
    ASSERT_TRUE(s.Approve(Leader(), Actor(leader_id_), fix->id));
    fixes.push_back(fix->id);
  }
  std::vector<std::string> numbers(kFixes), errors(kFixes);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kFixes; ++i)
      threads.emplace_back([&, i] {
        try {  // without the lock, PostgreSQL's unique index on the 期号 throws here (an HTTP 500)
          auto pub = s.Publish(Legal(), Actor(legal_id_), fixes[i]);
          if (pub)
            numbers[i] = pub->issue_no;
          else
            errors[i] = pub.error().message;
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
  }
  for (int i = 0; i < kFixes; ++i) EXPECT_EQ(errors[i], "") << "publication " << i;
  std::sort(numbers.begin(), numbers.end());
  EXPECT_EQ(numbers, (std::vector<std::string>{"2023年第13期", "2023年第14期", "2023年第15期", "2023年第16期"}));
}

TEST_F(BulletinsTest, DocxReadByPythonDocxMatchesTheDatabase) {
  auto& s = Service();
  auto b = s.Generate(Legal(), Actor(legal_id_), {.kind = "quality", .period = "2023-07"});
  ASSERT_TRUE(b);
  ASSERT_TRUE(s.Approve(Leader(), Actor(leader_id_), b->id));
  ASSERT_TRUE(s.Publish(Legal(), Actor(legal_id_), b->id));
  auto file = s.Docx(Leader(), Actor(leader_id_), b->id);
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->filename, "城区分局执法质量通报2023年第7期.docx");
  const std::string path = (db_.dir() / "b.docx").string();
  std::ofstream(path, std::ios::binary) << file->bytes;
  auto doc = ReadDocx(path);
  if (!doc) GTEST_SKIP() << "python-docx is not installed (Debian package python3-docx)";
  ASSERT_FALSE(doc->is_discarded());
  std::string text;
  std::vector<json> tables;
  for (const auto& block : (*doc)["body"]) {
    if (block["kind"] == "paragraph") text += block["text"].get<std::string>() + "\n";
    if (block["kind"] == "table") tables.push_back(block);
  }
  EXPECT_NE(text.find("城区分局执法质量通报"), std::string::npos);
  EXPECT_NE(text.find("2023年第7期"), std::string::npos);
  EXPECT_NE(text.find("关于2023年7月城区分局执法质量情况的通报"), std::string::npos);
  // Figures against the database.
  const auto accepted = CountRows(fmt::format("SELECT COUNT(*) FROM cases WHERE accepted_at >= {} AND accepted_at < {}",
                                              Local(2023, 7, 1, 0), Local(2023, 8, 1, 0)));
  const auto closed = CountRows(fmt::format("SELECT COUNT(*) FROM cases WHERE closed_at >= {} AND closed_at < {}",
                                            Local(2023, 7, 1, 0), Local(2023, 8, 1, 0)));
  const auto violations = CountRows("SELECT COUNT(*) FROM violations");
  EXPECT_NE(text.find(fmt::format("受理案件：{}起", accepted)), std::string::npos) << text;
  EXPECT_NE(text.find(fmt::format("办结案件：{}起", closed)), std::string::npos);
  EXPECT_NE(text.find(fmt::format("发现执法违规：{}起", violations)), std::string::npos);
  EXPECT_NE(text.find("本期（2023年7月）无已公示的执法办案积分数据。"), std::string::npos);
  EXPECT_NE(text.find("案件 A1（东街派出所）"), std::string::npos);
  EXPECT_EQ(text.find("张三"), std::string::npos);
  // The table of units, row by row against the database.
  ASSERT_FALSE(tables.empty());
  const auto& rows = tables[0]["rows"];
  EXPECT_EQ(rows[0][0], "单位");
  const auto east =
      CountRows(fmt::format("SELECT COUNT(*) FROM cases WHERE unit_id = {} AND accepted_at >= {} AND accepted_at < {}",
                            team_a_, Local(2023, 7, 1, 0), Local(2023, 8, 1, 0)));
  EXPECT_EQ(rows[1][0], "东街派出所");
  EXPECT_EQ(rows[1][3], std::to_string(east));
  EXPECT_EQ(rows.back()[0], "合计");
  EXPECT_EQ(rows.back()[3], std::to_string(accepted));

  // The print page is the same document.
  auto html = s.PrintHtml(Leader(), b->id);
  ASSERT_TRUE(html);
  EXPECT_TRUE(html->starts_with("<!DOCTYPE html>"));
  EXPECT_NE(html->find("2023年第7期"), std::string::npos);
  EXPECT_NE(html->find("数据来源：案件库 cases"), std::string::npos);
}

TEST_F(BulletinsTest, CommandWritesTheSameDocument) {
  const std::string out = (db_.dir() / "cli.docx").string();
  EXPECT_EQ(
      bulletins::RunBulletinCommand(Service(), {.kind = "quality", .period = "2023-07", .bureau = bureau_, .out = out}),
      0);
  std::ifstream in(out, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  EXPECT_TRUE(bytes.starts_with("PK"));
  EXPECT_EQ(bulletins::RunBulletinCommand(Service(), {.kind = "quality", .period = "2023-Q3", .bureau = bureau_}), 2);
  EXPECT_EQ(bulletins::RunBulletinCommand(Service(), {.kind = "quality", .period = "2023-03", .bureau = bureau_}), 2);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM bulletins"), 0);
}

TEST_F(BulletinsTest, RoutesCheckPermissionsScopeAndInput) {
  Client legal = SignedIn("fazhi");
  Client leader = SignedIn("leader");
  Client officer = SignedIn("officer_a");
  Client other = SignedIn("fazhi2");
  auto created = legal.Post("/api/bulletins", json{{"kind", "quality"}, {"period", "2023-07"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = created.json["id"];
  const std::string base = "/api/bulletins/" + std::to_string(id);
  EXPECT_EQ(created.json["state"], "draft");

  auto bad = legal.Post("/api/bulletins", json{{"kind", "quality"}, {"period", "2023-7"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Code(), "invalid_period");
  auto empty = legal.Post("/api/bulletins", json{{"kind", "quality"}, {"period", "2023-03"}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.Message().find("没有任何可通报的数据"), std::string::npos);
  EXPECT_EQ(officer.Get("/api/bulletins").status, 403);
  EXPECT_EQ(other.Get(base).status, 404);
  EXPECT_EQ(legal.Post(base + "/approve", json::object()).status, 403);

  auto edit = legal.Put(base + "/narrative", json{{"intro", "导语"}, {"sections", {{"cases", "案件平稳"}}}});
  ASSERT_EQ(edit.status, 200) << edit.body;
  EXPECT_EQ(edit.json["narrative"]["intro"], "导语");
  EXPECT_EQ(leader.Post(base + "/approve", json::object()).status, 200);
  auto pub = legal.Post(base + "/publish", json::object());
  ASSERT_EQ(pub.status, 200) << pub.body;
  EXPECT_EQ(pub.json["issue_no"], "2023年第7期");
  auto frozen = legal.Put(base + "/narrative", json{{"intro", "再改"}});
  EXPECT_EQ(frozen.status, 409);
  EXPECT_FALSE(frozen.Message().empty());
  EXPECT_EQ(legal.Post(base + "/publish", json::object()).status, 409);

  auto list = leader.Get("/api/bulletins?kind=quality");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["total"], 1);
  EXPECT_EQ(list.json["items"][0]["issue_no"], "2023年第7期");
  auto docx = leader.raw().Get(base + "/docx", leader.Headers(false));
  ASSERT_TRUE(docx);
  EXPECT_EQ(docx->status, 200);
  EXPECT_TRUE(docx->body.starts_with("PK"));
  auto print = leader.raw().Get(base + "/print", leader.Headers(false));
  ASSERT_TRUE(print);
  EXPECT_EQ(print->status, 200);
  EXPECT_NE(print->get_header_value("Content-Type").find("text/html"), std::string::npos);
}

}  // namespace
}  // namespace fazhi::testing
