// Rosters as real 政工/人事 exports write them (issue 10 "Roster imports from real exports"): GBK or
// BOM CSV, title rows above the header, header synonyms, unit names written in full, short, with
// the bureau in front or as a path, an ambiguous unit name, columns the roster does not keep.
#include <gtest/gtest.h>
#include <iconv.h>

#include "files/spreadsheet.h"
#include "org/org_fixture.h"
#include "org/unit_names.h"
#include "support/file_makers.h"

namespace fazhi::org {
namespace {

using fazhi::testing::MakeXlsx;
using testing::IdNumber;
using testing::OrgTest;

std::string Utf8Csv(const std::vector<std::vector<std::string>>& rows, bool bom) {
  std::string out = bom ? "\xEF\xBB\xBF" : "";
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + r[i];
    out += "\r\n";
  }
  return out;
}

std::string ToGbk(std::string utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string gbk(utf8.size() * 2, '\0');
  char* in = utf8.data();
  char* out = gbk.data();
  std::size_t in_left = utf8.size(), out_left = gbk.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &out, &out_left), static_cast<std::size_t>(-1));
  iconv_close(cd);
  gbk.resize(gbk.size() - out_left);
  return gbk;
}

bool Contains(const std::vector<std::string>& notes, const std::string& part) {
  for (const auto& n : notes)
    if (n.find(part) != std::string::npos) return true;
  return false;
}

class RosterShapesTest : public OrgTest {
 protected:
  void SetUp() override {
    OrgTest::SetUp();
    // The city's 政治部 imports for every bureau: 城区分局 and 新区分局 each have a 东街派出所, so
    // "东街派出所" alone is ambiguous there.
    importer_ = WithPerms("importer", city_, {"people.read", "people.write"});
    auto xz = service_->CreateUnit(root_, Act(root_),
                                   {.parent_id = bureau_.id,
                                    .name = "刑事侦查大队",
                                    .short_name = "刑侦大队",
                                    .level = "team",
                                    .category = "刑侦大队"});
    ASSERT_TRUE(xz.has_value()) << xz.error().message;
    xz_ = *xz;
    const Unit xinqu = MustUnit(city_.id, "新区分局", "bureau");
    xinqu_station_ = MustUnit(xinqu.id, "东街派出所", "team", "派出所");
  }

  ImportReport Import(const std::string& bytes, const std::string& name, ImportMode mode, bool skip = false) {
    auto r = service_->ImportRoster(importer_, Act(importer_), bytes, name, mode, skip);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r.value_or(ImportReport{});
  }
  std::int64_t UnitOf(const std::string& badge) {
    return Count("SELECT unit_id FROM people WHERE badge_no = '" + badge + "'");
  }

  auth::Principal importer_;
  Unit xz_, xinqu_station_;
};

// An XLSX whose first row is the roster's title and second a date, with the header on row 3 in the
// words of a 政工 export; every way of writing a unit; one ambiguous name.
TEST_F(RosterShapesTest, XlsxWithTitleRowsSynonymsAndUnitNames) {
  const std::string id1 = IdNumber("14059919800101123");
  const std::vector<std::vector<std::string>> rows = {
      {"城区分局民警花名册 2023年12月"},
      {"", "", "", "", "", "制表日期：2023-12-31"},
      {"序号", "姓  名", "性别", "警员编号", "人员类别", "所属单位", "公民身份号码", "手机号码"},
      {"1", "张三", "男", "141001", "民警", "城区分局东街派出所", id1, "13812345678"},
      {"2", "李四", "女", "141002", "民警", "城区分局/西街派出所", "", ""},
      {"3", "王五", "男", "141003", "民警", "刑侦大队", "", ""},
      {"4", "赵六", "男", "141004", "民警", "刑事侦查大队", "", ""},
      {"5", "钱七", "男", "141005", "民警", "东街派出所", "", ""},
      {"6", "孙八", "男", "141006", "民警", "城区分局刑侦大队", "", ""},
      {"7", "周九", "男", "141007", "辅警", "新区分局／东街派出所", "", ""},
  };
  const std::string xlsx = MakeXlsx(rows);
  auto check = Import(xlsx, "花名册.xlsx", ImportMode::kCheck);
  EXPECT_EQ(check.total_rows, 7);
  EXPECT_EQ(check.valid_rows, 6);
  ASSERT_EQ(check.errors.size(), 1u);
  EXPECT_EQ(check.errors[0].row, 8);  // the worksheet's own row number, title rows counted
  EXPECT_EQ(check.errors[0].column, "单位");
  EXPECT_NE(check.errors[0].message.find("不唯一"), std::string::npos) << check.errors[0].message;
  EXPECT_NE(check.errors[0].message.find("城区分局/东街派出所、新区分局/东街派出所"), std::string::npos);
  EXPECT_TRUE(Contains(check.notes, "第 3 行")) << (check.notes.empty() ? "" : check.notes[0]);
  EXPECT_TRUE(Contains(check.notes, "序号、性别"));

  auto commit = Import(xlsx, "花名册.xlsx", ImportMode::kCommit, /*skip=*/true);
  EXPECT_TRUE(commit.committed);
  EXPECT_EQ(commit.created, 6);
  EXPECT_EQ(UnitOf("141001"), station_a_.id);
  EXPECT_EQ(UnitOf("141002"), station_b_.id);
  EXPECT_EQ(UnitOf("141003"), xz_.id);
  EXPECT_EQ(UnitOf("141004"), xz_.id);
  EXPECT_EQ(UnitOf("141006"), xz_.id);
  EXPECT_EQ(UnitOf("141007"), xinqu_station_.id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM people WHERE badge_no = '141005'"), 0);
  auto li = service_->ListPeople(root_, Act(root_), {.q = "张三"}, {});
  ASSERT_TRUE(li.has_value());
  ASSERT_EQ(li->items.size(), 1u);
  EXPECT_EQ(li->items[0].id_number, id1);
  EXPECT_EQ(li->items[0].phone, "13812345678");
}

// The second shape of the issue: UTF-8 with BOM, 所属单位/人员类别 and a 性别 column.
TEST_F(RosterShapesTest, BomCsvWithSynonymsAndAnUnknownColumn) {
  const std::string csv = Utf8Csv({{"姓名", "警号", "性别", "人员类别", "所属单位", "职务"},
                                   {"张三", "141001", "男", "民警", "城区分局东街派出所", "所长"},
                                   {"王五", "FJ-0001", "女", "辅警", "法制大队", ""}},
                                  /*bom=*/true);
  auto r = Import(csv, "名册.csv", ImportMode::kCommit);
  EXPECT_TRUE(r.committed);
  EXPECT_TRUE(r.errors.empty()) << r.errors.front().message;
  EXPECT_EQ(r.created, 2);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("性别"), std::string::npos);
  EXPECT_EQ(UnitOf("FJ-0001"), legal_team_.id);
}

// GBK (Excel on a Chinese Windows) with a title line: rows are counted as the file shows them.
TEST_F(RosterShapesTest, GbkCsvWithTitleLine) {
  const std::string csv = ToGbk(Utf8Csv({{"城区分局辅警花名册"},
                                         {"*姓名", "警号", "身份", "部门", "身份证号"},
                                         {"张三", "141001", "民警", "城区分局/东街派出所", ""},
                                         {"李四", "1410", "民警", "西街派出所", ""}},
                                        /*bom=*/false));
  auto r = Import(csv, "名册.csv", ImportMode::kCheck);
  EXPECT_EQ(r.total_rows, 2);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].row, 4);
  EXPECT_EQ(r.errors[0].column, "警号");
  EXPECT_TRUE(Contains(r.notes, "第 2 行"));
}

// A 人事 export with both 单位 and 部门: the unit is 单位/部门; a 部门 that is no unit of the system
// is the 单位's row error, not a refused header (issue 10).
TEST_F(RosterShapesTest, UnitAndDepartmentColumnsTogether) {
  const std::string csv = Utf8Csv({{"姓名", "警号", "类别", "单位", "部门"},
                                   {"张三", "141001", "民警", "城区分局", "东街派出所"},
                                   {"李四", "141002", "民警", "城区分局", "综合室"},
                                   {"王五", "141003", "民警", "法制大队", ""},
                                   {"赵六", "141004", "民警", "", "西街派出所"}},
                                  /*bom=*/true);
  auto check = Import(csv, "人员信息.csv", ImportMode::kCheck);
  EXPECT_EQ(check.total_rows, 4);
  ASSERT_EQ(check.errors.size(), 1u) << check.errors.front().message;
  EXPECT_EQ(check.errors[0].row, 3);
  EXPECT_EQ(check.errors[0].column, "单位");
  auto r = Import(csv, "人员信息.csv", ImportMode::kCommit, /*skip=*/true);
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(r.created, 3);
  // 城区分局's 东街派出所, not 新区分局's.
  EXPECT_EQ(UnitOf("141001"), station_a_.id);
  EXPECT_EQ(UnitOf("141003"), legal_team_.id);
  EXPECT_EQ(UnitOf("141004"), station_b_.id);
}

// Without any row that names two columns, the first row is the header and its problems are shown.
TEST_F(RosterShapesTest, NoHeaderInTheFirstRows) {
  auto r = Import(Utf8Csv({{"花名册"}, {"张三", "141001"}}, true), "名册.csv", ImportMode::kCheck);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].row, 1);
  EXPECT_NE(r.errors[0].message.find("缺少必需的列"), std::string::npos);
}

TEST_F(RosterShapesTest, ShortNameIsKeptAndEdited) {
  EXPECT_EQ(xz_.short_name, "刑侦大队");
  auto u = service_->UpdateUnit(root_, Act(root_), station_a_.id, {.short_name = "东街所"});
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(u->short_name, "东街所");
  EXPECT_EQ(u->name, "东街派出所");
  auto bad = service_->UpdateUnit(root_, Act(root_), station_a_.id, {.short_name = "城区/东街"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "short_name");
  // The new short name is a name the import accepts, with the bureau in front too.
  auto r = Import(Utf8Csv({{"姓名", "警号", "类别", "单位"}, {"张三", "141001", "民警", "城区分局东街所"}}, true),
                  "名册.csv", ImportMode::kCommit);
  EXPECT_TRUE(r.committed);
  EXPECT_EQ(UnitOf("141001"), station_a_.id);
}

// The matcher on its own: forms of a name, codes, outside the scope.
TEST(UnitNamesTest, FormsOfAUnitName) {
  const std::vector<UnitNames::Entry> all = {
      {.id = 1, .name = "晋城市公安局", .short_name = "晋城市局", .path = "/1/"},
      {.id = 2, .name = "城区分局", .path = "/1/2/"},
      {.id = 3, .name = "东街派出所", .short_name = "东街所", .code = "CQ-DJ", .path = "/1/2/3/"},
      {.id = 4, .name = "新区分局", .path = "/1/4/"},
      {.id = 5, .name = "东街派出所", .path = "/1/4/5/"},
  };
  const UnitNames city(all, "/1/");
  EXPECT_EQ(city.Find("城区分局东街派出所").value_or(0), 3);
  EXPECT_EQ(city.Find(" 城区分局 / 东街所 ").value_or(0), 3);
  EXPECT_EQ(city.Find("晋城市局城区分局东街所").value_or(0), 3);
  EXPECT_EQ(city.Find("CQ-DJ").value_or(0), 3);
  EXPECT_EQ(city.Find("新区分局\\东街派出所").value_or(0), 5);
  auto ambiguous = city.Find("东街派出所");
  ASSERT_FALSE(ambiguous.has_value());
  EXPECT_EQ(ambiguous.error().reason, "ambiguous_unit");
  EXPECT_NE(ambiguous.error().message.find("城区分局/东街派出所、新区分局/东街派出所"), std::string::npos)
      << ambiguous.error().message;
  // Within 城区分局 the name is unambiguous; 新区分局's units are not found at all.
  const UnitNames bureau(all, "/1/2/");
  EXPECT_EQ(bureau.Find("东街派出所").value_or(0), 3);
  EXPECT_FALSE(bureau.Find("新区分局/东街派出所").has_value());
}

}  // namespace
}  // namespace fazhi::org
