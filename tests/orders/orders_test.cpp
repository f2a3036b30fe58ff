// The 督办 loop over a source that is not a case (a stand-in for the hazards, complaints and
// inspection findings to come): defaults and visibility come from the source, the issuer, the
// responsible officer and the bound 法制员 of its case see the order wherever their unit is, the source hears of the
// close (and can refuse it), one open order per problem, and the notifications name the order. Both databases.
#include <gtest/gtest.h>

#include <map>

#include <fmt/format.h>

#include "auth/roles.h"
#include "db/sql.h"
#include "files/document_html.h"
#include "files/docx.h"
#include "orders/orders_service.h"
#include "support/test_db.h"

namespace fazhi {
namespace {

// 隐患 hazards kept in memory: visible to callers whose scope holds the hazard's unit, and to those
// listed as its reporters.
class HazardSource final : public orders::OrderSource {
 public:
  struct Hazard {
    orders::SourceInfo info;
    std::string unit_path;
    std::vector<std::int64_t> reporters;  // users.id
  };
  std::string_view Kind() const override { return "hazard"; }
  std::string_view Name() const override { return "隐患"; }
  Result<orders::SourceInfo> Describe(soci::session&, const auth::Principal& who, std::int64_t id) const override {
    auto it = hazards.find(id);
    if (it == hazards.end()) return NotFound("隐患不存在");
    const auto& h = it->second;
    if (!who.InScope(h.unit_path) &&
        std::find(h.reporters.begin(), h.reporters.end(), who.user_id) == h.reporters.end())
      return NotFound("隐患不存在");
    return h.info;
  }
  Result<void> OnClosed(soci::session&, const orders::Order& o) const override {
    closed.push_back(*o.source_id);
    if (*o.source_id == refuse_close) return Conflict("隐患尚未消除，不能办结", "hazard_open");
    return {};
  }

  std::map<std::int64_t, Hazard> hazards;
  mutable std::vector<std::int64_t> closed;
  std::int64_t refuse_close = 0;
};

class OrdersLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bureau_ = Insert(
        "INSERT INTO units (name, level, path, created_at, updated_at) VALUES ('城区分局', 'bureau', '', 1, 1) "
        "RETURNING id");
    bureau_path_ = fmt::format("/{}/", bureau_);
    Exec(fmt::format("UPDATE units SET path = '{}', bureau_id = {} WHERE id = {}", bureau_path_, bureau_, bureau_));
    east_ = AddTeam("东街派出所");
    west_ = AddTeam("西街派出所");
    officer_ = AddPerson(east_, "张警官");
    officer_user_ = AddUser("off", east_, officer_);
    inspector_user_ = AddUser("insp", west_, std::nullopt);
    stranger_user_ = AddUser("stranger", west_, std::nullopt);

    auto src = std::make_unique<HazardSource>();
    hazards_ = src.get();
    hazards_->hazards[7] = {.info = {.bureau_id = bureau_,
                                     .unit_id = east_,
                                     .title = "东街菜市场消防通道堵塞",
                                     .problem_type = "消防",
                                     .responsible_person_id = officer_},
                            .unit_path = Path(east_),
                            .reporters = {inspector_user_}};
    hazards_->hazards[8] = hazards_->hazards[7];
    hazards_->hazards[8].info.title = "东街夜市电线私拉";
    ASSERT_TRUE(service_.RegisterSource(std::move(src)));
  }

  std::int64_t Insert(const std::string& q) {
    return db_->Write([&](soci::session& sql) -> Result<std::int64_t> { return db::Insert(sql, q, {}); }).value();
  }
  void Exec(const std::string& q) {
    db_->Write([&](soci::session& sql) -> Result<void> {
         db::Exec(sql, q, {});
         return {};
       })
        .value();
  }
  std::int64_t Count(const std::string& q) {
    return db_->Read([&](soci::session& sql) { return db::Count(sql, q, {}); });
  }
  std::string Path(std::int64_t unit) { return fmt::format("{}{}/", bureau_path_, unit); }
  std::int64_t AddTeam(const std::string& name) {
    const auto id =
        Insert(fmt::format("INSERT INTO units (parent_id, bureau_id, name, level, path, created_at, "
                           "updated_at) VALUES ({0}, {0}, '{1}', 'team', '', 1, 1) RETURNING id",
                           bureau_, name));
    Exec(fmt::format("UPDATE units SET path = '{}' WHERE id = {}", Path(id), id));
    return id;
  }
  std::int64_t AddPerson(std::int64_t unit, const std::string& name) {
    return Insert(
        fmt::format("INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, created_at, updated_at) "
                    "VALUES ({}, {}, '{}', '{}', '民警', 1, 1) RETURNING id",
                    bureau_, unit, name, unit * 1000 + 1));
  }
  std::int64_t AddUser(const std::string& name, std::int64_t unit, std::optional<std::int64_t> person) {
    return Insert(
        fmt::format("INSERT INTO users (username, display_name, password_hash, unit_id, person_id, "
                    "created_at, updated_at) VALUES ('{0}', '{0}', 'x', {1}, {2}, 1, 1) RETURNING id",
                    name, unit, person ? std::to_string(*person) : "NULL"));
  }
  // A caller in `unit`; `review` gives case.review (issuing and reviewing orders).
  auth::Principal Who(std::int64_t user, std::int64_t unit, std::optional<std::int64_t> person, bool review) {
    auth::Principal p;
    p.user_id = user;
    p.unit_id = unit;
    p.unit_path = Path(unit);
    p.person_id = person;
    if (review) p.permissions.insert(std::string(auth::perm::kCaseReview));
    return p;
  }
  orders::NewOrder Hazard(std::int64_t id) {
    return {.source = "hazard", .source_id = id, .opinion = "三日内清理通道", .deadline = clock_.Now() + 3 * 86400};
  }

  testing::TestDb tdb_;
  std::unique_ptr<db::Database> db_ = tdb_.Open();
  ManualClock clock_{1'709'532'000};
  orders::OrderService service_{*db_, clock_, {.attachment_dir = (tdb_.dir() / "attachments").string()}};
  HazardSource* hazards_ = nullptr;
  std::int64_t bureau_ = 0, east_ = 0, west_ = 0, officer_ = 0;
  std::int64_t officer_user_ = 0, inspector_user_ = 0, stranger_user_ = 0;
  std::string bureau_path_;
  audit::Actor actor_{.username = "test"};
};

TEST_F(OrdersLoopTest, SourceWithoutCaseRunsTheWholeLoop) {
  const auto inspector = Who(inspector_user_, west_, std::nullopt, true);
  const auto officer = Who(officer_user_, east_, officer_, false);
  EXPECT_EQ(service_.SourceKinds(), std::vector<std::string>{"hazard"});

  auto o = service_.Create(inspector, actor_, Hazard(7));
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->source, "hazard");
  EXPECT_EQ(o->source_id, 7);
  EXPECT_FALSE(o->case_id.has_value());
  EXPECT_EQ(o->title, "东街菜市场消防通道堵塞");
  EXPECT_EQ(o->problem_type, "消防");             // the source's default
  EXPECT_EQ(o->responsible_person_id, officer_);  // the source's default
  EXPECT_EQ(o->unit_id, east_);
  EXPECT_EQ(o->status, "open");
  ASSERT_EQ(o->steps.size(), 1u);

  // The responsible officer is told, and the notification opens the order.
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM notifications WHERE user_id = {} AND object_type = "
                              "'supervision_order' AND object_id = {} AND case_id IS NULL AND body LIKE '隐患：%'",
                              officer_user_, o->id)),
            1);

  // One open order per problem; a problem the source does not show is "not found"; unknown kinds are refused.
  EXPECT_EQ(service_.Create(inspector, actor_, Hazard(7)).error().code, ErrorCode::kConflict);
  EXPECT_EQ(service_.Create(inspector, actor_, Hazard(99)).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.Create(Who(stranger_user_, west_, std::nullopt, true), actor_, Hazard(8)).error().code,
            ErrorCode::kNotFound);
  auto bad = Hazard(7);
  bad.source = "complaint";
  EXPECT_EQ(service_.Create(inspector, actor_, bad).error().code, ErrorCode::kInvalidArgument);

  ASSERT_TRUE(service_.Answer(officer, actor_, o->id, "已清理", {{"照片.jpg", "image/jpeg", "jpeg bytes"}}));
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM notifications WHERE user_id = {} AND object_id = {}",
                              inspector_user_, o->id)),
            1);
  auto closed = service_.Close(inspector, actor_, o->id, "已复查");
  ASSERT_TRUE(closed) << closed.error().message;
  EXPECT_EQ(closed->status, "closed");
  EXPECT_EQ(hazards_->closed, std::vector<std::int64_t>{7});
  // Closed: a new order on the same problem may be issued.
  auto again = service_.Create(inspector, actor_, Hazard(7));
  ASSERT_TRUE(again) << again.error().message;

  // The list's 在办 filter ("active": open, answered, returned) holds the new order, not the closed one.
  auto ids_of = [&](const std::string& status) {
    std::vector<std::int64_t> ids;
    auto page = service_.List(inspector, orders::OrderFilter{.status = status}, PageRequest{});
    EXPECT_TRUE(page) << status;
    if (page)
      for (const auto& item : page->items) ids.push_back(item.id);
    return ids;
  };
  EXPECT_EQ(ids_of("active"), std::vector<std::int64_t>{again->id});
  EXPECT_EQ(ids_of("closed"), std::vector<std::int64_t>{o->id});
  EXPECT_EQ(service_.List(inspector, orders::OrderFilter{.status = "live"}, PageRequest{}).error().code,
            ErrorCode::kInvalidArgument);
}

// The 督办通知书 says what the order says: the problem, the 整改意见, the officer, the deadline and
// every step; it is signed by the issuer's unit and is "not found" to whoever may not see the order.
TEST_F(OrdersLoopTest, NoticeIsTheOrderAsAnOfficialDocument) {
  const auto inspector = Who(inspector_user_, west_, std::nullopt, true);
  const auto officer = Who(officer_user_, east_, officer_, false);
  auto o = service_.Create(inspector, actor_, Hazard(7));
  ASSERT_TRUE(o) << o.error().message;
  ASSERT_TRUE(service_.Answer(officer, actor_, o->id, "通道已清空", {{"照片.jpg", "image/jpeg", "jpeg"}}));
  ASSERT_TRUE(service_.Close(inspector, actor_, o->id, "复查属实"));

  auto doc = service_.Notice(inspector, o->id);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->title, "执法监督督办通知书");
  // Under the title: the number, then the unit addressed.
  ASSERT_GE(doc->blocks.size(), 2u);
  EXPECT_EQ(std::get<files::Paragraph>(doc->blocks[1]).runs.at(0).text, "东街派出所：");
  ASSERT_TRUE(doc->signature.has_value());
  EXPECT_EQ(doc->signature->organ, "西街派出所");  // the issuer's unit, not the order's
  std::vector<const files::Table*> tables;
  for (const auto& b : doc->blocks)
    if (const auto* t = std::get_if<files::Table>(&b)) tables.push_back(t);
  ASSERT_EQ(tables.size(), 2u);
  auto cell = [](const files::Table& t, std::size_t row, std::size_t col) {
    return t.rows.at(row).at(col).runs.at(0).text;
  };
  EXPECT_EQ(cell(*tables[0], 1, 1), "东街菜市场消防通道堵塞");
  EXPECT_EQ(cell(*tables[0], 3, 1), "三日内清理通道");
  EXPECT_EQ(cell(*tables[0], 4, 1), "张警官");
  EXPECT_EQ(cell(*tables[0], 7, 1), "已办结");
  ASSERT_EQ(tables[1]->rows.size(), 4u);  // header + 下发, 反馈, 办结
  EXPECT_EQ(cell(*tables[1], 2, 1), "反馈整改");
  EXPECT_EQ(cell(*tables[1], 2, 3), "通道已清空");
  EXPECT_EQ(cell(*tables[1], 2, 4), "1");
  EXPECT_EQ(cell(*tables[1], 3, 3), "复查属实");

  auto html = files::RenderDocumentHtml(*doc);
  ASSERT_TRUE(html) << html.error().message;
  EXPECT_NE(html->find("督办编号：第 " + std::to_string(o->id) + " 号"), std::string::npos);
  auto docx = files::WriteDocx(*doc);
  ASSERT_TRUE(docx) << docx.error().message;
  EXPECT_EQ(docx->substr(0, 2), "PK");

  const auto stranger = Who(stranger_user_, west_, std::nullopt, true);
  EXPECT_EQ(service_.Notice(stranger, o->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.Notice(inspector, o->id + 100).error().code, ErrorCode::kNotFound);
}

TEST_F(OrdersLoopTest, IssuerAndResponsibleOfficerSeeItWhereverTheirUnitIs) {
  const auto inspector = Who(inspector_user_, west_, std::nullopt, true);  // 西街: the order's unit is 东街
  const auto stranger = Who(stranger_user_, west_, std::nullopt, true);
  const auto officer = Who(officer_user_, west_, officer_, false);  // moved to 西街 since
  auto o = service_.Create(inspector, actor_, Hazard(7));
  ASSERT_TRUE(o) << o.error().message;

  EXPECT_TRUE(service_.Get(inspector, o->id));
  EXPECT_EQ(service_.List(inspector, {}, {})->total, 1);
  EXPECT_TRUE(service_.Get(officer, o->id));
  EXPECT_EQ(service_.List(officer, {}, {})->total, 1);
  EXPECT_EQ(service_.Get(stranger, o->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.List(stranger, {}, {})->total, 0);
  EXPECT_EQ(service_.Suspend(stranger, actor_, o->id, "越权").error().code, ErrorCode::kNotFound);

  // The attachments too.
  auto answered = service_.Answer(officer, actor_, o->id, "已清理", {{"记录.txt", "text/plain", "done"}});
  ASSERT_TRUE(answered) << answered.error().message;
  const std::int64_t file = answered->steps.back().attachments.at(0).id;
  auto bytes = service_.ReadAttachment(inspector, file);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(bytes->second, "done");
  EXPECT_EQ(service_.ReadAttachment(stranger, file).error().code, ErrorCode::kNotFound);

  // The issuer reviews it although the unit is outside his scope.
  auto r = service_.Return(inspector, actor_, o->id, "照片不清晰", std::nullopt);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, "returned");
}

// The bound 法制员 of the order's case sees and reviews it wherever his unit is; without the case
// binding the same caller does not.
TEST_F(OrdersLoopTest, BoundLegalOfficerOfTheCaseSeesIt) {
  const auto inspector = Who(inspector_user_, east_, std::nullopt, true);
  const std::int64_t legal = AddPerson(west_, "李法制员");
  const std::int64_t legal_user = AddUser("legal", west_, legal);
  const auto legal_who = Who(legal_user, west_, legal, true);  // 西街: the order's unit is 东街
  const std::int64_t case_id = Insert(fmt::format(
      "INSERT INTO cases (bureau_id, unit_id, external_id, case_type, cause, title, status, accepted_at, "
      "legal_officer_id, created_at, updated_at) VALUES ({}, {}, 'A1', 'administrative', '盗窃', '东街盗窃案', "
      "'accepted', 1, {}, 1, 1) RETURNING id",
      bureau_, east_, legal));
  hazards_->hazards[7].info.case_id = case_id;
  hazards_->hazards[8].info.case_id = case_id;
  auto o = service_.Create(inspector, actor_, Hazard(7));
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->case_id, case_id);

  EXPECT_TRUE(service_.Get(legal_who, o->id));
  EXPECT_EQ(service_.List(legal_who, {}, {})->total, 1);
  auto s = service_.Suspend(legal_who, actor_, o->id, "等待鉴定");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->status, "suspended");

  // Bound elsewhere: he no longer sees it.
  Exec(fmt::format("UPDATE cases SET legal_officer_id = NULL WHERE id = {}", case_id));
  EXPECT_EQ(service_.Get(legal_who, o->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.List(legal_who, {}, {})->total, 0);
}

TEST_F(OrdersLoopTest, SourceRefusingTheCloseRollsItBack) {
  const auto inspector = Who(inspector_user_, west_, std::nullopt, true);
  const auto officer = Who(officer_user_, east_, officer_, false);
  hazards_->refuse_close = 8;
  auto o = service_.Create(inspector, actor_, Hazard(8));
  ASSERT_TRUE(o);
  ASSERT_TRUE(service_.Answer(officer, actor_, o->id, "已处理", {}));
  auto closed = service_.Close(inspector, actor_, o->id, "");
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().reason, "hazard_open");
  auto now = service_.Get(inspector, o->id);
  EXPECT_EQ(now->status, "answered");
  EXPECT_EQ(now->steps.size(), 2u);  // no close step
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'supervision_order.close'"), 0);
}

TEST_F(OrdersLoopTest, AKindIsRegisteredOnce) {
  auto again = service_.RegisterSource(std::make_unique<HazardSource>());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_F(OrdersLoopTest, OverdueOrdersAreNotifiedOncePerDeadline) {
  const auto inspector = Who(inspector_user_, west_, std::nullopt, true);
  auto o = service_.Create(inspector, actor_, Hazard(7));
  ASSERT_TRUE(o);
  clock_.Advance(4 * 86400);
  auto rep = service_.NotifyOverdue();
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->orders, 1);
  EXPECT_EQ(rep->notifications, 2);  // the responsible officer and the issuer
  EXPECT_EQ(service_.NotifyOverdue()->orders, 0);
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM notifications WHERE kind = 'supervision_overdue' AND "
                              "object_id = {}",
                              o->id)),
            2);
}

}  // namespace
}  // namespace fazhi
