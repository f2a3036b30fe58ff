// The attachment store on both databases (FAZHI_TEST_DB picks PostgreSQL): type by content, size
// cap, one blob per content, read-back with tamper detection, and the import of files an older
// installation kept on disk.
#include "files/attachments.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "core/text.h"
#include "db/sql.h"
#include "support/file_makers.h"
#include "support/test_db.h"

namespace fazhi::files {
namespace {

namespace fs = std::filesystem;

// Small but real files of each kind (headers as the formats define them).
std::string Pdf() {
  return "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> "
         "endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
}
std::string Png() {
  return std::string("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1F\x15\xC4\x89", 33) +
         std::string("\0\0\0\0IEND\xAE\x42\x60\x82", 12);
}
std::string Jpeg() {
  return std::string("\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 20) + std::string(64, '\x11') +
         "\xFF\xD9";
}
std::string Docx() {
  return testing::MakeZip({{"[Content_Types].xml", "<Types/>"},
                           {"word/document.xml", "<w:document><w:body><w:p>整改报告</w:p></w:body></w:document>"}});
}

TEST(Sniff, KnowsTheFormatsByTheirBytes) {
  EXPECT_EQ(SniffType(Pdf()), kPdf);
  EXPECT_EQ(SniffType(Png()), kPng);
  EXPECT_EQ(SniffType(Jpeg()), kJpeg);
  EXPECT_EQ(SniffType("GIF89a\x01\x00"), kGif);
  EXPECT_EQ(SniffType(std::string("RIFF\x24\0\0\0WEBPVP8 ", 16)), kWebp);
  EXPECT_EQ(SniffType(std::string("RIFF\x24\0\0\0WAVEfmt ", 16)), kWav);
  EXPECT_EQ(SniffType(std::string("\0\0\0\x18"
                                  "ftypmp42\0\0\0\0",
                                  16)),
            kMp4);
  EXPECT_EQ(SniffType(std::string("\0\0\0\x18"
                                  "ftypheic\0\0\0\0",
                                  16)),
            kHeic);
  EXPECT_EQ(SniffType("ID3\x04\x00 tags"), kMp3);
  EXPECT_EQ(SniffType(Docx()), kDocx);
  EXPECT_EQ(SniffType(testing::MakeXlsx({{"a"}})), kXlsx);
  EXPECT_EQ(SniffType(testing::MakeZip({{"readme.txt", "hi"}})), "");
  EXPECT_EQ(SniffType("已调取监控并入卷。\r\n第二行\t制表"), kText);
  EXPECT_EQ(SniffType(std::string("text\0with nul", 13)), "");
  EXPECT_EQ(SniffType("\xD0\xD5\xC3\xFB"), "") << "not UTF-8";
  EXPECT_EQ(SniffType(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)), "") << "legacy .doc/.xls";
  EXPECT_EQ(SniffType(""), "");
}

TEST(Check, ContentMustMatchNameAndDeclaredType) {
  EXPECT_EQ(*CheckUpload({"报告.pdf", "application/pdf", Pdf()}), kPdf);
  EXPECT_EQ(*CheckUpload({"现场照片.JPG", "image/jpeg", Jpeg()}), kJpeg);
  EXPECT_EQ(*CheckUpload({"截图.png", "", Png()}), kPng);
  EXPECT_EQ(*CheckUpload({"整改报告.docx", "application/octet-stream", Docx()}), kDocx);
  EXPECT_EQ(*CheckUpload({"无扩展名", "", Png()}), kPng) << "no name to contradict: the content decides";

  auto png_as_pdf = CheckUpload({"报告.pdf", "application/pdf", Png()});
  ASSERT_FALSE(png_as_pdf.has_value());
  EXPECT_EQ(png_as_pdf.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(png_as_pdf.error().reason, "attachment_type");
  EXPECT_EQ(png_as_pdf.error().field, "file");
  EXPECT_EQ(png_as_pdf.error().message, "文件“报告.pdf”的内容不是 PDF");

  auto declared = CheckUpload({"照片", "image/jpeg", Png()});
  ASSERT_FALSE(declared.has_value());
  EXPECT_EQ(declared.error().message, "文件“照片”的内容不是 JPEG 图片");

  auto unknown = CheckUpload({"a.bin", "", std::string("\x01\x02\x03\x00", 4)});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().reason, "attachment_type");
  EXPECT_NE(unknown.error().message.find("无法识别"), std::string::npos);

  AttachmentLimits images_only;
  images_only.allowed_types = {kJpeg, kPng};
  auto not_allowed = CheckUpload({"报告.pdf", "", Pdf()}, images_only);
  ASSERT_FALSE(not_allowed.has_value());
  EXPECT_EQ(not_allowed.error().reason, "attachment_type");
  EXPECT_NE(not_allowed.error().message.find("JPEG 图片、PNG 图片"), std::string::npos) << not_allowed.error().message;
  auto heic = CheckUpload({"IMG.HEIC", "",
                           std::string("\0\0\0\x18"
                                       "ftypheic\0\0\0\0",
                                       16)});
  ASSERT_FALSE(heic.has_value()) << "recognised, not accepted by default";
}

TEST(Check, SizeCountAndEmptiness) {
  AttachmentLimits small;
  small.max_bytes = 2'000'000;
  auto big = CheckUpload({"大文件.txt", "text/plain", std::string(2'000'001, 'a')}, small);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(big.error().reason, "attachment_too_large");
  EXPECT_EQ(big.error().message, "附件“大文件.txt”超过 2 MB 上限");
  EXPECT_TRUE(CheckUpload({"刚好.txt", "", std::string(2'000'000, 'a')}, small).has_value());

  auto empty = CheckUpload({"空.txt", "", ""});
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().reason, "attachment_empty");

  small.max_files = 2;
  std::vector<Upload> three(3, Upload{"a.txt", "", "正文"});
  auto many = CheckUploads(three, small);
  ASSERT_FALSE(many.has_value());
  EXPECT_EQ(many.error().reason, "too_many_attachments");
  three.pop_back();
  EXPECT_TRUE(CheckUploads(three, small).has_value());
}

TEST(Names, CleanFilename) {
  EXPECT_EQ(CleanFilename("../../etc/report.txt"), "report.txt");
  EXPECT_EQ(CleanFilename("C:\\Users\\民警\\照片.jpg"), "照片.jpg");
  EXPECT_EQ(CleanFilename("a\"b\x01.pdf"), "ab.pdf");
  EXPECT_EQ(CleanFilename(""), "附件");
  EXPECT_EQ(CleanFilename("\xFF\xFE"), "附件");
  std::string long_name;
  for (int i = 0; i < 100; ++i) long_name += "长";
  const std::string cut = CleanFilename(long_name + ".pdf");
  EXPECT_LE(cut.size(), 200u);
  EXPECT_TRUE(cut.ends_with("长.pdf"));
  EXPECT_TRUE(IsValidUtf8(cut));
}

class AttachmentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = tdb_.Open();
    legacy_ = tdb_.dir() / "attachments";
    store_ = std::make_unique<AttachmentStore>(*db_, legacy_.string());
  }

  Result<StoredFile> Put(const Upload& u, std::int64_t owner_id, const AttachmentLimits& limits = {}) {
    return db_->Write([&](soci::session& sql) {
      return store_->Put(sql, u, {.type = "test_owner", .id = owner_id, .bureau_id = 7}, 42, 1700000000, limits);
    });
  }
  std::int64_t Count(const std::string& q) {
    return db_->Read([&](soci::session& sql) { return db::Count(sql, q); });
  }
  Result<std::string> Read(std::int64_t id) {
    return db_->Read([&](soci::session& sql) -> Result<std::string> {
      auto f = store_->Get(sql, id);
      if (!f) return NotFound("no such attachment");
      return store_->Read(sql, *f);
    });
  }
  // An attachments row as the file-based store wrote it (bytes in <legacy>/<sha[0:2]>/<sha>).
  std::int64_t LegacyRow(const std::string& bytes, bool write_file, const std::string& name = "旧附件.txt") {
    const std::string sha = Sha256Hex(bytes);
    const std::string rel = sha.substr(0, 2) + "/" + sha;
    if (write_file) {
      fs::create_directories(legacy_ / sha.substr(0, 2));
      std::ofstream(legacy_ / rel, std::ios::binary) << bytes;
    }
    return db_
        ->Write([&](soci::session& sql) -> Result<std::int64_t> {
          db::SqlArgs a;
          return db::Insert(
              sql,
              fmt::format("INSERT INTO attachments (bureau_id, owner_type, owner_id, filename, content_type, "
                          "size, sha256, storage_path, uploaded_by, uploaded_at) VALUES (7, 'test_owner', 1, "
                          "{}, 'text/plain', {}, {}, {}, NULL, 1600000000) RETURNING id",
                          a.Str(name), a.Int(static_cast<std::int64_t>(bytes.size())), a.Str(sha), a.Str(rel)),
              a);
        })
        .value();
  }

  testing::TestDb tdb_;
  std::unique_ptr<db::Database> db_;
  fs::path legacy_;
  std::unique_ptr<AttachmentStore> store_;
};

TEST_F(AttachmentStoreTest, PutListGetRead) {
  auto pdf = Put({"../整改报告.pdf", "application/pdf", Pdf()}, 1);
  ASSERT_TRUE(pdf.has_value()) << pdf.error().message;
  EXPECT_EQ(pdf->filename, "整改报告.pdf");
  EXPECT_EQ(pdf->content_type, kPdf);
  EXPECT_EQ(pdf->size, static_cast<std::int64_t>(Pdf().size()));
  EXPECT_EQ(pdf->sha256, Sha256Hex(Pdf()));
  EXPECT_EQ(pdf->bureau_id, 7);
  EXPECT_EQ(pdf->uploaded_by, 42);
  auto photo = Put({"照片.jpg", "image/jpeg", Jpeg()}, 2);
  ASSERT_TRUE(photo.has_value());
  auto docx = Put({"报告.docx", "", Docx()}, 1);
  ASSERT_TRUE(docx.has_value());

  auto listed = db_->Read([&](soci::session& sql) { return store_->List(sql, "test_owner", {2, 1}); });
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].id, pdf->id);
  EXPECT_EQ(listed[1].id, docx->id);
  EXPECT_EQ(listed[2].id, photo->id);
  EXPECT_TRUE(db_->Read([&](soci::session& sql) { return store_->List(sql, "other", {1}); }).empty());
  EXPECT_TRUE(db_->Read([&](soci::session& sql) { return store_->List(sql, "test_owner", {}); }).empty());

  auto got = db_->Read([&](soci::session& sql) { return store_->Get(sql, photo->id); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->filename, "照片.jpg");
  EXPECT_EQ(got->owner_id, 2);
  EXPECT_EQ(got->uploaded_at, 1700000000);
  EXPECT_FALSE(db_->Read([&](soci::session& sql) { return store_->Get(sql, 999999); }).has_value());

  EXPECT_EQ(*Read(pdf->id), Pdf());
  EXPECT_EQ(*Read(photo->id), Jpeg());
  EXPECT_EQ(*Read(docx->id), Docx());
}

TEST_F(AttachmentStoreTest, RefusedUploadsWriteNothing) {
  auto fake = Put({"报告.pdf", "application/pdf", Png()}, 1);
  ASSERT_FALSE(fake.has_value());
  EXPECT_EQ(fake.error().reason, "attachment_type");
  AttachmentLimits small;
  small.max_bytes = 10;
  auto big = Put({"a.txt", "", "more than ten bytes"}, 1, small);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM attachments"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM file_blobs"), 0);
}

TEST_F(AttachmentStoreTest, SameBytesAreStoredOnce) {
  auto a = Put({"照片.png", "", Png()}, 1);
  auto b = Put({"同一张照片.png", "", Png()}, 2);
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_NE(a->id, b->id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM attachments"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM file_blobs"), 1);
  EXPECT_EQ(*Read(b->id), Png());
  // A large file round-trips (base64 of several MB in one row).
  std::string big(5'000'000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  auto c = Put({"长文本.txt", "text/plain", big}, 3);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(*Read(c->id), big);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM file_blobs"), 2);
}

TEST_F(AttachmentStoreTest, AlteredBytesAreNeverServed) {
  auto a = Put({"照片.png", "", Png()}, 1);
  ASSERT_TRUE(a.has_value());
  db_->Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs args;
    // Base64 of other bytes in place of the photo.
    db::Exec(sql, fmt::format("UPDATE file_blobs SET data = 'aGFja2Vk' WHERE sha256 = {}", args.Str(a->sha256)), args);
    return {};
  });
  auto r = Read(a->id);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
  db_->Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs args;
    db::Exec(sql, fmt::format("UPDATE file_blobs SET data = '%%not base64%%' WHERE sha256 = {}", args.Str(a->sha256)),
             args);
    return {};
  });
  EXPECT_FALSE(Read(a->id).has_value());
  db_->Write([&](soci::session& sql) -> Result<void> {
    db::Exec(sql, "DELETE FROM file_blobs");
    return {};
  });
  auto gone = Read(a->id);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, ErrorCode::kInternal);
}

TEST_F(AttachmentStoreTest, LegacyFilesAreCopiedInOnce) {
  const std::string kept = "一份旧的整改报告", missing = "磁盘上已经没有的文件", altered = "会被改动的文件";
  const auto kept_id = LegacyRow(kept, true);
  const auto kept_twice = LegacyRow(kept, true, "同一文件.txt");
  const auto missing_id = LegacyRow(missing, false);
  const auto altered_id = LegacyRow(altered, true);
  {
    const std::string sha = Sha256Hex(altered);
    std::ofstream(legacy_ / sha.substr(0, 2) / sha, std::ios::binary) << "被篡改";
  }
  // Before the import the legacy directory still serves (and checks) the bytes.
  EXPECT_EQ(*Read(kept_id), kept);
  EXPECT_FALSE(Read(altered_id).has_value());

  const LegacyImport first = store_->ImportLegacyFiles(1700000000);
  EXPECT_EQ(first.imported, 1);
  EXPECT_EQ(first.missing, 1);
  EXPECT_EQ(first.altered, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM file_blobs"), 1);

  // The bytes are now in the database: the directory can go (a restore elsewhere has no disk copy).
  fs::remove_all(legacy_);
  EXPECT_EQ(*Read(kept_id), kept);
  EXPECT_EQ(*Read(kept_twice), kept);
  EXPECT_FALSE(Read(missing_id).has_value());
  EXPECT_FALSE(Read(altered_id).has_value());

  const LegacyImport again = store_->ImportLegacyFiles(1700000001);
  EXPECT_EQ(again.imported, 0);
  EXPECT_EQ(again.missing, 2) << "the two left are tried again, nothing else";
  AttachmentStore without_dir(*db_);
  EXPECT_EQ(without_dir.ImportLegacyFiles(1700000002).imported, 0);
}

TEST_F(AttachmentStoreTest, LegacyPathsStayInsideTheDirectory) {
  const std::string secret = "outside";
  fs::create_directories(tdb_.dir() / "elsewhere");
  std::ofstream(tdb_.dir() / "elsewhere" / "x", std::ios::binary) << secret;
  const auto id =
      db_->Write([&](soci::session& sql) -> Result<std::int64_t> {
           db::SqlArgs a;
           return db::Insert(
               sql,
               fmt::format("INSERT INTO attachments (bureau_id, owner_type, owner_id, filename, content_type, size, "
                           "sha256, storage_path, uploaded_by, uploaded_at) VALUES (7, 'test_owner', 1, 'x', "
                           "'text/plain', {}, {}, '../elsewhere/x', NULL, 1) RETURNING id",
                           a.Int(static_cast<std::int64_t>(secret.size())), a.Str(Sha256Hex(secret))),
               a);
         })
          .value();
  EXPECT_FALSE(Read(id).has_value());
  EXPECT_EQ(store_->ImportLegacyFiles(1).imported, 0);
}

TEST(LegacyDir, ResolvedLikeTheOldStore) {
  testing::TestDb tdb;
  auto db = tdb.Open(1);
  EXPECT_EQ(LegacyAttachmentDir("/srv/fazhi/files", *db), "/srv/fazhi/files");
  ::unsetenv("FAZHI_ATTACHMENT_DIR");
  if (!tdb.is_postgres())
    EXPECT_EQ(LegacyAttachmentDir("", *db), (tdb.dir() / "attachments").string());
  else
    EXPECT_EQ(LegacyAttachmentDir("", *db), "attachments");
  ::setenv("FAZHI_ATTACHMENT_DIR", "/var/lib/fazhi/att", 1);
  EXPECT_EQ(LegacyAttachmentDir("", *db), "/var/lib/fazhi/att");
  ::unsetenv("FAZHI_ATTACHMENT_DIR");
}

}  // namespace
}  // namespace fazhi::files
