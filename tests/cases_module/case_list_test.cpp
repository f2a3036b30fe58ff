// The case list chooses among several query shapes (driven by the scope's units, by a status or
// alert filter within them, newest first through a walk, or as a UNION with the caller's own
// cases) by the size of the scope and the filters (CaseService::ListCases). Whatever the shape,
// the answer must be the one the rules give: this test builds an organisation large enough for
// every shape (a province with one root, a city of 58 units, a small city, narrow units), 1,200 cases
// with officers and bound 法制员 across units, and compares every page of the list with a brute-force
// answer computed here from the rows, for many principals × filters × pages × orders.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>

#include "cases_module/cases_fixture.h"

namespace fazhi::testing {
namespace {

struct Row {
  std::int64_t id = 0, unit_id = 0, accepted_at = 0;
  std::optional<std::int64_t> legal;
  std::string status, alert, unit_path, case_type;
  std::set<std::int64_t> officers;  // 主办 and 协办
};

class CaseListShapesTest : public ::testing::Test {
 protected:
  static constexpr EpochSeconds kNow = 1718000000;  // 2024-06-10

  void SetUp() override {
    db_ = test_db_.Open();
    auto vault = auth::Vault::Open(test_db_.key_file());
    ASSERT_TRUE(vault);
    vault_ = std::make_unique<auth::Vault>(*vault);
    clock_ = std::make_unique<ManualClock>(kNow);
    jobs_ = std::make_unique<jobs::JobRunner>(*db_, *clock_);
    service_ = std::make_unique<cases::CaseService>(*db_, *clock_, *vault_, *jobs_);
    Seeder s{*db_, kNow};
    province_ = s.Unit(std::nullopt, "测试省公安厅", "city");
    city_ = s.Unit(province_, "甲市公安局", "city");
    for (int b = 0; b < 2; ++b) {
      const auto bureau = s.Unit(city_, fmt::format("甲市第{}分局", b + 1), "bureau");
      bureaus_.push_back(bureau);
      for (int t = 0; t < (b == 0 ? 30 : 25); ++t) {
        const auto team =
            s.Unit(bureau, fmt::format("第{}分局第{}所", b + 1, t + 1), "team", t == 0 ? "法制大队" : "派出所");
        teams_.push_back(team);
        for (int p = 0; p < 2; ++p) {
          const auto person =
              s.Person(team, fmt::format("民警{}-{}-{}", b, t, p), fmt::format("9{}{:02}{}", b, t, p), t == 0);
          (t == 0 ? legal_people_ : officers_).push_back({person, team});
        }
      }
    }
    small_city_ = s.Unit(province_, "乙市公安局", "city");
    const auto small_bureau = s.Unit(small_city_, "乙市分局", "bureau");
    for (int t = 0; t < 3; ++t) {
      const auto team = s.Unit(small_bureau, fmt::format("乙市第{}所", t + 1), "team", "派出所");
      teams_.push_back(team);
      officers_.push_back({s.Person(team, fmt::format("乙市民警{}", t), fmt::format("8{}", t)), team});
    }
    SeedCases();
  }

  void SeedCases() {
    std::mt19937 rng(20241126);
    auto pick = [&](auto& v) -> auto& { return v[rng() % v.size()]; };
    const std::vector<std::string> statuses = {"accepted", "investigating", "decided", "closed"};
    const std::vector<std::string> alerts = {"none", "pre_warn", "overdue", "violation"};
    ASSERT_TRUE(db_->Write([&](soci::session& sql) -> Result<bool> {
      for (int i = 0; i < 1200; ++i) {
        auto [lead, unit] = pick(officers_);
        long long u = unit, l = lead, bureau = 0;
        sql << "SELECT bureau_id FROM units WHERE id = :u", soci::use(u), soci::into(bureau);
        db::NullableInt legal;
        if (rng() % 3 != 0) legal = db::NullableInt(pick(legal_people_).first);
        // Ties in acceptance time on purpose: the order falls back to the id.
        long long accepted = kNow - static_cast<long long>(rng() % 400) * 86400 - (rng() % 4) * 3600;
        const std::string ext = fmt::format("T{:05}", i), type = rng() % 2 ? "criminal" : "administrative";
        const std::string status = pick(statuses), alert = pick(alerts);
        long long id = 0;
        sql << "INSERT INTO cases (bureau_id, unit_id, external_id, case_type, cause, category, title, status, "
               "lead_officer_id, legal_officer_id, accepted_at, alert_state, created_at, updated_at) VALUES (:b, :u, "
               ":e, :ty, '盗窃罪', '民生小案', '测试案件', :s, :l, :lg, :a, :al, :c, :up) RETURNING id",
            soci::use(bureau), soci::use(u), soci::use(ext), soci::use(type), soci::use(status), soci::use(l),
            soci::use(legal.value, legal.ind), soci::use(accepted), soci::use(alert), soci::use(accepted),
            soci::use(accepted), soci::into(id);
        Row r{id, unit, accepted, std::nullopt, status, alert, "", type, {lead}};
        if (legal.ind == soci::i_ok) r.legal = legal.value;
        sql << "INSERT INTO case_officers (case_id, person_id, role, bureau_id) VALUES (:c, :p, 'lead', :b)",
            soci::use(id), soci::use(l), soci::use(bureau);
        // An 协办 from anywhere (another bureau or city included) in a quarter of the cases.
        if (rng() % 4 == 0) {
          long long a = pick(officers_).first;
          if (a != l) {
            sql << "INSERT INTO case_officers (case_id, person_id, role, bureau_id) VALUES (:c, :p, 'assist', :b)",
                soci::use(id), soci::use(a), soci::use(bureau);
            r.officers.insert(a);
          }
        }
        sql << "SELECT path FROM units WHERE id = :u", soci::use(u), soci::into(r.unit_path);
        rows_.push_back(std::move(r));
      }
      return true;
    }));
  }

  std::string PathOf(std::int64_t unit) { return PrincipalAt(*db_, "leader", unit).unit_path; }

  // The list as the rules define it (docs/cases.md): in scope or one's own case, every filter, the
  // order, then the page.
  struct Answer {
    std::int64_t total = 0;
    bool capped = false;
    std::vector<std::int64_t> ids;
  };
  Answer Expected(const auth::Principal& who, const cases::CaseFilter& f, const PageRequest& page) {
    std::vector<const Row*> hit;
    const std::string unit_path = f.unit_id ? PathOf(*f.unit_id) : "";
    for (const auto& r : rows_) {
      const bool own = who.person_id && (r.officers.contains(*who.person_id) || r.legal == who.person_id);
      if (!r.unit_path.starts_with(who.unit_path) && !own) continue;
      if (f.unit_id && !r.unit_path.starts_with(unit_path)) continue;
      if (f.officer_id && !r.officers.contains(*f.officer_id)) continue;
      if (f.legal_officer_id && r.legal != f.legal_officer_id) continue;
      if (f.status && r.status != *f.status) continue;
      if (f.alert_state && r.alert != *f.alert_state) continue;
      if (f.case_type && r.case_type != *f.case_type) continue;
      if (f.accepted_from && r.accepted_at < *f.accepted_from) continue;
      if (f.accepted_to && r.accepted_at >= *f.accepted_to) continue;
      hit.push_back(&r);
    }
    std::sort(hit.begin(), hit.end(), [&](const Row* a, const Row* b) {
      if (a->accepted_at != b->accepted_at)
        return page.descending ? a->accepted_at > b->accepted_at : a->accepted_at < b->accepted_at;
      return page.descending ? a->id > b->id : a->id < b->id;
    });
    std::vector<std::int64_t> ids;
    for (std::size_t i = static_cast<std::size_t>(page.Offset());
         i < hit.size() && ids.size() < static_cast<std::size_t>(page.page_size); ++i)
      ids.push_back(hit[i]->id);
    const auto n = static_cast<std::int64_t>(hit.size()), cap = Cap(who, f);
    return {std::min(n, cap), n > cap, ids};
  }

  // The count stops at 1,000 over 50 units or more (a 市局, the 省厅), at 10,000 below.
  std::int64_t Cap(const auth::Principal& who, const cases::CaseFilter& f) {
    auto units_under = [&](const std::string& path) {
      return Seeder{*db_, kNow}.Scalar("SELECT COUNT(*) FROM units WHERE path LIKE '" + path + "%'");
    };
    const bool broad = units_under(who.unit_path) >= 50 && (!f.unit_id || units_under(PathOf(*f.unit_id)) >= 50);
    return broad ? cases::kBroadCaseListCountCap : cases::kCaseListCountCap;
  }

  TestDb test_db_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<auth::Vault> vault_;
  std::unique_ptr<ManualClock> clock_;
  std::unique_ptr<jobs::JobRunner> jobs_;
  std::unique_ptr<cases::CaseService> service_;
  std::int64_t province_ = 0, city_ = 0, small_city_ = 0;
  std::vector<std::int64_t> bureaus_, teams_;
  std::vector<std::pair<std::int64_t, std::int64_t>> officers_, legal_people_;  // person, unit
  std::vector<Row> rows_;
};

TEST_F(CaseListShapesTest, TheCountStopsAtTheCapOfTheScope) {
  // 1,200 cases: the 省厅 (one root, 66 units) stops at 1,000; a 分局 counts exactly.
  auto all = service_->ListCases(PrincipalAt(*db_, "leader", province_), {}, {});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->total, cases::kBroadCaseListCountCap);
  EXPECT_TRUE(all->total_capped);
  const auto in_bureau = std::count_if(rows_.begin(), rows_.end(),
                                       [&](const Row& r) { return r.unit_path.starts_with(PathOf(bureaus_[0])); });
  auto bureau = service_->ListCases(PrincipalAt(*db_, "leader", bureaus_[0]), {}, {});
  ASSERT_TRUE(bureau);
  EXPECT_EQ(bureau->total, in_bureau);
  EXPECT_FALSE(bureau->total_capped);
}

// A broad list whose count reached the cap is not counted again for a minute: it still says
// "1,000+" when cases have left it meanwhile (the documented cost), while a 分局's list counts every
// time, another service counts afresh, and the page itself is always read anew.
TEST_F(CaseListShapesTest, ACappedBroadCountIsRememberedForAMinute) {
  const auto province = PrincipalAt(*db_, "leader", province_);
  const cases::CaseFilter f{.accepted_to = kNow + 1};
  auto before = service_->ListCases(province, f, {});
  ASSERT_TRUE(before);
  EXPECT_TRUE(before->total_capped);
  const auto bureau = PrincipalAt(*db_, "leader", bureaus_[0]);
  auto bureau_before = service_->ListCases(bureau, f, {});
  ASSERT_TRUE(bureau_before);
  // 400 cases leave the filter: 800 remain, under the cap.
  std::vector<std::int64_t> moved;
  for (std::size_t i = 0; i < 400; ++i) moved.push_back(rows_[i].id);
  ASSERT_TRUE(db_->Write([&](soci::session& sql) -> Result<bool> {
    db::SqlArgs a;
    db::Exec(sql, fmt::format("UPDATE cases SET accepted_at = {} WHERE id IN {}", a.Int(kNow + 10), a.IntList(moved)),
             a);
    return true;
  }));
  const auto left_bureau = std::count_if(rows_.begin(), rows_.begin() + 400,
                                         [&](const Row& r) { return r.unit_path.starts_with(PathOf(bureaus_[0])); });
  ASSERT_GT(left_bureau, 0);

  auto remembered = service_->ListCases(province, f, {});
  ASSERT_TRUE(remembered);
  EXPECT_TRUE(remembered->total_capped);
  EXPECT_EQ(remembered->total, cases::kBroadCaseListCountCap);
  for (const auto& c : remembered->items)
    EXPECT_EQ(std::find(moved.begin(), moved.end(), c.id), moved.end()) << "the page is read anew";

  auto bureau_after = service_->ListCases(bureau, f, {});
  ASSERT_TRUE(bureau_after);
  EXPECT_EQ(bureau_after->total, bureau_before->total - left_bureau);

  cases::CaseService fresh(*db_, *clock_, *vault_, *jobs_);
  auto counted = fresh.ListCases(province, f, {});
  ASSERT_TRUE(counted);
  EXPECT_FALSE(counted->total_capped);
  EXPECT_EQ(counted->total, 800);
}

TEST_F(CaseListShapesTest, EveryShapeGivesTheAnswerOfTheRules) {
  const auto legal = legal_people_.front();  // 法制员 of the first bureau, bound across both cities' cases
  const auto officer = officers_[5];         // a 派出所 officer; some of his cases are 协办 elsewhere
  const auto remote = officers_.back();      // an officer of the small city
  const std::vector<std::pair<std::string, auth::Principal>> principals = {
      {"province leader", PrincipalAt(*db_, "leader", province_)},
      {"city leader", PrincipalAt(*db_, "leader", city_, officers_[0].first)},
      {"bureau leader", PrincipalAt(*db_, "leader", bureaus_[1])},
      {"法制员", PrincipalAt(*db_, "legal_officer", legal.second, legal.first)},
      {"派出所民警", PrincipalAt(*db_, "case_officer", officer.second, officer.first)},
      {"乙市民警", PrincipalAt(*db_, "case_officer", remote.second, remote.first)},
  };
  const EpochSeconds year_ago = kNow - 365 * 86400;
  for (const auto& [name, who] : principals) {
    const std::vector<cases::CaseFilter> filters = {
        {},
        {.status = std::string("investigating")},
        {.alert_state = std::string("overdue")},
        {.status = std::string("investigating"), .alert_state = std::string("violation")},
        {.legal_officer_id = legal.first},
        {.legal_officer_id = legal.first, .alert_state = std::string("pre_warn")},
        {.officer_id = officer.first},
        {.officer_id = officer.first, .status = std::string("closed")},
        {.unit_id = bureaus_[0]},
        {.unit_id = bureaus_[0], .alert_state = std::string("none")},
        {.unit_id = teams_[3]},
        {.unit_id = city_, .status = std::string("decided")},
        {.case_type = std::string("criminal"), .accepted_from = year_ago},
        {.alert_state = std::string("overdue"), .accepted_from = year_ago, .accepted_to = kNow - 30 * 86400},
    };
    for (std::size_t fi = 0; fi < filters.size(); ++fi) {
      for (bool descending : {true, false}) {
        // Pages within the first 200 rows (one person's list that short is read whole and its length
        // is the total), the page across that line, and later ones (a short last page gives the total).
        for (auto [p, size] : {std::pair{1, 20}, {2, 20}, {4, 20}, {10, 20}, {11, 20}, {2, 100}, {3, 100}, {16, 20}}) {
          PageRequest page{.page = p, .page_size = size, .sort = "accepted_at", .descending = descending};
          const auto [total, capped, ids] = Expected(who, filters[fi], page);
          auto got = service_->ListCases(who, filters[fi], page);
          if (filters[fi].unit_id && !PathOf(*filters[fi].unit_id).starts_with(who.unit_path)) {
            // A unit outside the caller's scope is answered as missing.
            ASSERT_FALSE(got) << name << " filter " << fi;
            EXPECT_EQ(got.error().code, ErrorCode::kNotFound) << name << " filter " << fi;
            continue;
          }
          ASSERT_TRUE(got) << name << " filter " << fi << ": " << got.error().message;
          std::vector<std::int64_t> got_ids;
          for (const auto& c : got->items) got_ids.push_back(c.id);
          EXPECT_EQ(got->total, total) << name << " filter " << fi << " page " << p << (descending ? " desc" : " asc");
          EXPECT_EQ(got->total_capped, capped) << name << " filter " << fi;
          EXPECT_EQ(got_ids, ids) << name << " filter " << fi << " page " << p << (descending ? " desc" : " asc");
        }
      }
    }
  }
}

}  // namespace
}  // namespace fazhi::testing
