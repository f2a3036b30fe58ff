// Roster import (CSV and XLSX), export and template.
#include <gtest/gtest.h>
#include <iconv.h>

#include "files/spreadsheet.h"
#include "org/org_fixture.h"
#include "support/file_makers.h"

namespace fazhi::org {
namespace {

using fazhi::testing::MakeXlsx;
using testing::IdNumber;
using testing::OrgTest;

const std::vector<std::string> kHeader = {"姓名", "警号", "类别", "单位", "职务", "法制员", "身份证号", "手机号"};

std::string Csv(const std::vector<std::vector<std::string>>& rows) {
  std::string out = "\xEF\xBB\xBF";
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + r[i];
    out += "\r\n";
  }
  return out;
}

class ImportTest : public OrgTest {
 protected:
  void SetUp() override {
    OrgTest::SetUp();
    importer_ = WithPerms("importer", bureau_, {"people.read", "people.write"});
    id1_ = IdNumber("14059919800101123");
    id2_ = IdNumber("14059919850505246");
  }

  std::vector<std::vector<std::string>> GoodRows() {
    return {kHeader,
            {"张三", "141001", "民警", "东街派出所", "所长", "否", id1_, "13812345678"},
            {"李四", "141002", "民警", "西街派出所", "", "是", id2_, ""},
            {"王五", "FJ-0001", "辅警", "法制大队", "", "", "", "13900001111"}};
  }

  ImportReport Import(const std::string& bytes, const std::string& name, ImportMode mode, bool skip = false,
                      const auth::Principal* who = nullptr) {
    const auth::Principal& p = who ? *who : importer_;
    auto r = service_->ImportRoster(p, Act(p), bytes, name, mode, skip);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r.value_or(ImportReport{});
  }

  auth::Principal importer_;
  std::string id1_, id2_;
};

TEST_F(ImportTest, CheckWritesNothingCommitWritesAll) {
  const std::string csv = Csv(GoodRows());
  const auto audit_before = AuditTotal();
  auto check = Import(csv, "名册.csv", ImportMode::kCheck);
  EXPECT_FALSE(check.committed);
  EXPECT_EQ(check.total_rows, 3);
  EXPECT_EQ(check.valid_rows, 3);
  EXPECT_EQ(check.created, 3);
  EXPECT_EQ(check.imported, 0);
  EXPECT_TRUE(check.errors.empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM people"), 0);
  EXPECT_EQ(AuditTotal(), audit_before);

  auto commit = Import(csv, "名册.csv", ImportMode::kCommit);
  EXPECT_TRUE(commit.committed);
  EXPECT_EQ(commit.imported, 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM people"), 3);
  EXPECT_EQ(AuditCount("person.create"), 3);
  EXPECT_EQ(AuditCount("person.import"), 1);
  auto li = service_->ListPeople(root_, Act(root_), {.q = "李四"}, {});
  ASSERT_TRUE(li.has_value());
  ASSERT_EQ(li->items.size(), 1u);
  EXPECT_TRUE(li->items[0].is_legal_officer);
  EXPECT_EQ(li->items[0].unit_id, station_b_.id);
  EXPECT_EQ(li->items[0].id_number, id2_);
  EXPECT_EQ(li->items[0].bureau_id, bureau_.id);
}

TEST_F(ImportTest, BadRowReportsRowAndColumnAndChangesNothing) {
  auto rows = GoodRows();
  rows[2][1] = "14100";       // row 3: 民警 警号 too short
  rows[3][7] = "1390000111";  // row 4: phone 10 digits
  const std::string csv = Csv(rows);
  const auto audit_before = AuditTotal();
  auto r = Import(csv, "名册.csv", ImportMode::kCommit);
  EXPECT_FALSE(r.committed);
  EXPECT_EQ(r.valid_rows, 1);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].row, 3);
  EXPECT_EQ(r.errors[0].column, "警号");
  EXPECT_NE(r.errors[0].message.find("6–8 位数字"), std::string::npos);
  EXPECT_EQ(r.errors[1].row, 4);
  EXPECT_EQ(r.errors[1].column, "手机号");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM people"), 0);
  EXPECT_EQ(AuditTotal(), audit_before);

  auto skipped = Import(csv, "名册.csv", ImportMode::kCommit, /*skip=*/true);
  EXPECT_TRUE(skipped.committed);
  EXPECT_EQ(skipped.imported, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM people"), 1);
}

// Excel on a Chinese Windows saves "CSV（逗号分隔）" in GBK; such a roster imports like a UTF-8 one
// (issue 10: it used to be refused with not_utf8).
TEST_F(ImportTest, GbkRosterFromChineseExcel) {
  std::string utf8;
  for (const auto& r : GoodRows()) {
    for (std::size_t i = 0; i < r.size(); ++i) utf8 += (i ? "," : "") + r[i];
    utf8 += "\r\n";
  }
  iconv_t cd = iconv_open("GBK", "UTF-8");
  ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string gbk(utf8.size() * 2, '\0');
  char* in = utf8.data();
  char* out = gbk.data();
  std::size_t in_left = utf8.size(), out_left = gbk.size();
  ASSERT_NE(iconv(cd, &in, &in_left, &out, &out_left), static_cast<std::size_t>(-1));
  iconv_close(cd);
  gbk.resize(gbk.size() - out_left);
  auto report = Import(gbk, "名册.csv", ImportMode::kCommit);
  EXPECT_TRUE(report.committed);
  EXPECT_TRUE(report.errors.empty()) << report.errors.front().message;
  EXPECT_EQ(report.created, 3);
  auto list = service_->ListPeople(root_, Act(root_), {.q = "张三"}, {});
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->total, 1);
  EXPECT_EQ(list->items[0].unit_name, "东街派出所");
  EXPECT_EQ(list->items[0].position, "所长");

  // Bytes that are neither UTF-8 nor GBK are refused before any row is looked at.
  auto junk =
      service_->ImportRoster(importer_, Act(importer_), "\xFF\xFE\x80\x01 ,,\n", "名册.csv", ImportMode::kCheck, false);
  ASSERT_FALSE(junk.has_value());
  EXPECT_EQ(junk.error().reason, "unknown_encoding");
}

TEST_F(ImportTest, XlsxWithABadRow) {
  auto rows = GoodRows();
  rows[1][1] = "#n:141001";   // 警号 typed as a number
  rows[2][3] = "不存在的所";  // row 3: unknown unit
  const std::string xlsx = MakeXlsx(rows);
  const auto before = PeopleSnapshot();
  auto r = Import(xlsx, "名册.xlsx", ImportMode::kCommit);
  EXPECT_FALSE(r.committed);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].row, 3);
  EXPECT_EQ(r.errors[0].column, "单位");
  EXPECT_NE(r.errors[0].message.find("不存在的所"), std::string::npos);
  EXPECT_EQ(PeopleSnapshot(), before);

  rows[2][3] = "城区分局/西街派出所";  // the "上级/单位" form
  auto ok = Import(MakeXlsx(rows, /*constant_memory=*/true), "名册.xlsx", ImportMode::kCommit);
  EXPECT_TRUE(ok.committed) << (ok.errors.empty() ? "" : ok.errors[0].message);
  EXPECT_EQ(ok.created, 3);
}

TEST_F(ImportTest, ReimportIsIdempotentAndUpdatesByBadge) {
  const std::string csv = Csv(GoodRows());
  ASSERT_TRUE(Import(csv, "名册.csv", ImportMode::kCommit).committed);
  const auto snap = PeopleSnapshot();
  const auto changes = AuditCount("person.create") + AuditCount("person.update");
  auto again = Import(MakeXlsx(GoodRows()), "名册.xlsx", ImportMode::kCommit);
  EXPECT_TRUE(again.committed);
  EXPECT_EQ(again.created, 0);
  EXPECT_EQ(again.updated, 0);
  EXPECT_EQ(again.unchanged, 3);
  EXPECT_EQ(PeopleSnapshot(), snap);
  EXPECT_EQ(AuditCount("person.create") + AuditCount("person.update"), changes);

  auto rows = GoodRows();
  rows[1][4] = "教导员";
  rows[1][6] = "";  // empty 身份证号 keeps the stored one
  auto changed = Import(Csv(rows), "名册.csv", ImportMode::kCommit);
  EXPECT_EQ(changed.updated, 1);
  EXPECT_EQ(changed.unchanged, 2);
  auto p = service_->ListPeople(root_, Act(root_), {.q = "141001"}, {});
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->items.size(), 1u);
  EXPECT_EQ(p->items[0].position, "教导员");
  EXPECT_EQ(p->items[0].id_number, id1_);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM people"), 3);
}

TEST_F(ImportTest, DuplicatesInFileAndAgainstOtherScopes) {
  // Someone in 西街 that an importer of 东街 cannot see.
  MustPerson(root_, {.name = "外所", .badge_no = "149999", .kind = "民警", .unit_id = station_b_.id});
  const auto a_importer = WithPerms("a_importer", station_a_, {"people.read", "people.write"});
  auto r = Import(Csv({kHeader,
                       {"甲", "141001", "民警", "东街派出所", "", "", id1_, ""},
                       {"乙", "141001", "民警", "东街派出所", "", "", "", ""},
                       {"丙", "141003", "民警", "东街派出所", "", "", id1_, ""},
                       {"丁", "149999", "民警", "东街派出所", "", "", "", ""},
                       {"戊", "141005", "民警", "西街派出所", "", "", "", ""}}),
                  "a.csv", ImportMode::kCheck, false, &a_importer);
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.errors[0].row, 3);
  EXPECT_EQ(r.errors[0].column, "警号");
  EXPECT_NE(r.errors[0].message.find("第 2 行"), std::string::npos);
  EXPECT_EQ(r.errors[1].row, 4);
  EXPECT_EQ(r.errors[1].column, "身份证号");
  EXPECT_EQ(r.errors[2].row, 5);
  EXPECT_EQ(r.errors[2].column, "警号");
  EXPECT_EQ(r.errors[2].message.find("外所"), std::string::npos);  // the holder is not named
  EXPECT_EQ(r.errors[3].row, 6);
  EXPECT_EQ(r.errors[3].column, "单位");  // 西街 is outside 东街's scope
}

TEST_F(ImportTest, HeaderProblemsAreReportedOnRowOne) {
  auto missing = Import(Csv({{"姓名", "警号", "单位"}, {"甲", "141001", "东街派出所"}}), "a.csv", ImportMode::kCommit,
                        /*skip=*/true);
  EXPECT_FALSE(missing.committed);
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].row, 1);
  EXPECT_EQ(missing.errors[0].column, "类别");
  // A column the roster does not keep is ignored with a note, not refused (issue 10).
  auto unknown = Import(Csv({{"姓名", "警号", "类别", "单位", "颜色"}}), "a.csv", ImportMode::kCheck);
  ASSERT_EQ(unknown.notes.size(), 1u);
  EXPECT_NE(unknown.notes[0].find("颜色"), std::string::npos);
  ASSERT_EQ(unknown.errors.size(), 1u);  // only "no data rows"
  EXPECT_EQ(unknown.errors[0].column, "");
  auto only_header = Import(Csv({kHeader}), "a.csv", ImportMode::kCommit);
  EXPECT_FALSE(only_header.committed);
  ASSERT_EQ(only_header.errors.size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM people"), 0);
}

TEST_F(ImportTest, UnsupportedFilesAreRefusedBeforeAnyRow) {
  // (A GBK CSV was on this list until GBK rosters were accepted: GbkRosterFromChineseExcel.)
  for (auto [bytes, name] : std::vector<std::pair<std::string, std::string>>{
           {"%PDF-1.7\n...", "名册.pdf"}, {"not a zip", "名册.xlsx"}, {"\xFF\xFE\x80\x01\r\n", "junk.csv"}}) {
    auto r = service_->ImportRoster(importer_, Act(importer_), bytes, name, ImportMode::kCommit, false);
    ASSERT_FALSE(r.has_value()) << name;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  auto pdf = service_->ImportRoster(importer_, Act(importer_), "%PDF-1.7", "x.pdf", ImportMode::kCheck, false);
  EXPECT_EQ(pdf.error().reason, "unsupported_file");
  EXPECT_EQ(pdf.error().message, "仅支持 CSV 或 XLSX 文件");
  const auto officer = As("minjing", station_a_, {"case_officer"});
  auto forbidden = service_->ImportRoster(officer, Act(officer), Csv(GoodRows()), "a.csv", ImportMode::kCommit, false);
  ASSERT_FALSE(forbidden.has_value());
  EXPECT_EQ(forbidden.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM people"), 0);
}

TEST_F(ImportTest, ExportRespectsScopeAndMasking) {
  ASSERT_TRUE(Import(Csv(GoodRows()), "名册.csv", ImportMode::kCommit).committed);
  const auto a_reader = As("minjing", station_a_, {"case_officer"});
  auto csv = service_->ExportPeople(a_reader, Act(a_reader), {}, FileFormat::kCsv);
  ASSERT_TRUE(csv.has_value()) << csv.error().message;
  EXPECT_EQ(csv->content_type, "text/csv; charset=utf-8");
  auto sheet = files::ReadCsv(csv->bytes);
  ASSERT_TRUE(sheet.has_value());
  ASSERT_EQ(sheet->rows.size(), 2u);  // header + 张三 only
  EXPECT_EQ(sheet->rows[1].cells[0], "张三");
  EXPECT_EQ(sheet->rows[1].cells[6], auth::MaskIdNumber(id1_));
  EXPECT_EQ(csv->bytes.find("李四"), std::string::npos);
  EXPECT_EQ(AuditCount("person.export"), 1);
  EXPECT_EQ(AuditCount("person.read_pii"), 0);

  const auto leader = As("leader", bureau_, {"leader"});
  auto xlsx = service_->ExportPeople(leader, Act(leader), {}, FileFormat::kXlsx);
  ASSERT_TRUE(xlsx.has_value()) << xlsx.error().message;
  auto full = files::ReadXlsx(xlsx->bytes);
  ASSERT_TRUE(full.has_value()) << full.error().message;
  ASSERT_EQ(full->rows.size(), 4u);
  EXPECT_EQ(full->rows[1].cells[6], id1_);
  EXPECT_EQ(AuditCount("person.read_pii"), 1);

  // A full export imports back unchanged; so does a masked one (masked cells mean "keep").
  auto back = Import(xlsx->bytes, xlsx->filename, ImportMode::kCheck);
  EXPECT_TRUE(back.errors.empty()) << back.errors.at(0).message;
  EXPECT_EQ(back.unchanged, 3);
  auto masked = service_->ExportPeople(importer_, Act(importer_), {}, FileFormat::kCsv);
  ASSERT_TRUE(masked.has_value());
  auto masked_back = Import(masked->bytes, masked->filename, ImportMode::kCheck);
  EXPECT_TRUE(masked_back.errors.empty());
  EXPECT_EQ(masked_back.unchanged, 3);
}

TEST_F(ImportTest, TemplatesAreReadable) {
  auto csv = service_->RosterTemplate(FileFormat::kCsv);
  ASSERT_TRUE(csv.has_value());
  auto xlsx = service_->RosterTemplate(FileFormat::kXlsx);
  ASSERT_TRUE(xlsx.has_value());
  for (const auto* f : {&*csv, &*xlsx}) {
    auto s = files::ReadSheet(f->bytes, f->filename);
    ASSERT_TRUE(s.has_value()) << f->filename;
    ASSERT_EQ(s->rows.size(), 1u);
    EXPECT_EQ(s->rows[0].cells[0], "姓名");
    EXPECT_EQ(s->rows[0].cells[7], "手机号");
  }
}

}  // namespace
}  // namespace fazhi::org
