// Attachments (附件): files that people upload as evidence — 督办 answers, inspection findings,
// intake evidence, training photos. One store for every module:
//
//   - the type is checked by the content (magic numbers), never trusted from the name or the
//     browser: a "报告.pdf" that is really a PNG is refused, and the stored content type is the one
//     the bytes show;
//   - sizes are capped (AttachmentLimits);
//   - the bytes live in the database (table file_blobs, once per sha256; migration 005), so a
//     backup holds them, a restore elsewhere serves them and several instances share them; a row of
//     `attachments` records the owner (owner_type + owner_id), the 分县局 (bureau_id) and who uploaded
//     it;
//   - reading checks the bytes against the recorded sha256 (a mismatch is logged as tampering and
//     never served).
//
// Scope is the owning module's: it checks that the caller may see the owner (the 督办单, the finding,
// …) before it lists or reads the owner's attachments, and answers 404 otherwise.
//
//   // inside the module's own write transaction:
//   FZ_CHECK(files::CheckUploads(uploads, limits));            // before the transaction, cheap
//   for (const auto& u : uploads)
//     FZ_TRY(store.Put(sql, u, {.type = "supervision_order_step", .id = step_id, .bureau_id = bureau},
//                      who.user_id, now, limits));
//
// Thread safety: an AttachmentStore holds a Database reference and a path; share one freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi::files {

// An uploaded file as received (multipart part).
struct Upload {
  std::string filename;      // as the browser sent it; cleaned before it is stored
  std::string content_type;  // as the browser declared it; checked, never stored
  std::string bytes;
};

// What an attachment belongs to. bureau_id is the owning 分县局 (attachments.bureau_id is NOT NULL,
// like every table holding a bureau's data).
struct Owner {
  std::string type;  // "supervision_order_step", "inspection_finding", …
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
};

// One stored attachment (a row of `attachments`).
struct StoredFile {
  std::int64_t id = 0;
  std::string owner_type;
  std::int64_t owner_id = 0;
  std::int64_t bureau_id = 0;
  std::string filename;      // cleaned: no directory part, no control characters, ≤ 200 bytes
  std::string content_type;  // by content (SniffType), e.g. "application/pdf"
  std::int64_t size = 0;
  std::string sha256;                       // lower-case hex
  std::optional<std::int64_t> uploaded_by;  // users.id
  EpochSeconds uploaded_at = 0;
};

// MIME types SniffType recognises.
inline constexpr const char* kPdf = "application/pdf";
inline constexpr const char* kJpeg = "image/jpeg";
inline constexpr const char* kPng = "image/png";
inline constexpr const char* kGif = "image/gif";
inline constexpr const char* kWebp = "image/webp";
inline constexpr const char* kHeic = "image/heic";
inline constexpr const char* kDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
inline constexpr const char* kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
inline constexpr const char* kMp4 = "video/mp4";
inline constexpr const char* kMp3 = "audio/mpeg";
inline constexpr const char* kWav = "audio/wav";
inline constexpr const char* kText = "text/plain";

struct AttachmentLimits {
  std::int64_t max_bytes = 20'000'000;  // per file
  int max_files = 10;                   // per upload (CheckUploads)
  // Types accepted (by content). HEIC is recognised but not accepted by default: browsers cannot
  // show it.
  std::vector<std::string> allowed_types = {kPdf, kJpeg, kPng, kGif, kWebp, kDocx, kXlsx, kMp4, kMp3, kWav, kText};
};

// The MIME type the bytes show (magic numbers): pdf, jpeg, png, gif, webp, heic, docx/xlsx (a ZIP
// holding word/document.xml or xl/workbook.xml), mp4, mp3, wav, plain text (valid UTF-8 without
// NUL or other control characters than tab and line ends); "" when unknown.
std::string SniffType(std::string_view bytes);
// A person's name for a type ("PDF", "PNG 图片", "Word 文档（DOCX）", …); the type itself when unknown.
std::string TypeLabel(std::string_view mime);
// The file name as stored: the last path component, control characters and '"' removed, at most 200
// bytes (cut at a character boundary), "附件" when nothing is left.
std::string CleanFilename(std::string_view name);
// Lower-case hex SHA-256.
std::string Sha256Hex(std::string_view bytes);

// Checks one upload against the limits and returns its type by content. Errors (field "file"):
//   InvalidArgument reason attachment_empty  — "附件“x”是空文件";
//   PayloadTooLarge reason attachment_too_large — "附件“x”超过 20 MB 上限";
//   InvalidArgument reason attachment_type   — content unknown or not allowed, or not what the
//     name / declared type says ("文件“x.pdf”的内容不是 PDF").
Result<std::string> CheckUpload(const Upload& file, const AttachmentLimits& limits = {});
// Every upload of a request: the count (InvalidArgument reason too_many_attachments) and each
// file as CheckUpload. Cheap; call it before opening the write transaction.
Result<void> CheckUploads(const std::vector<Upload>& files, const AttachmentLimits& limits = {});

// What ImportLegacyFiles did.
struct LegacyImport {
  int imported = 0;  // files copied into file_blobs
  int missing = 0;   // recorded, but no file on disk (logged, left)
  int altered = 0;   // the file's sha256 differs from the recorded one (logged as tampering, left)
};

class AttachmentStore {
 public:
  // `legacy_dir`: where attachment files were kept before they moved into the database (see
  // LegacyAttachmentDir); empty = none.
  explicit AttachmentStore(db::Database& db, std::string legacy_dir = {});

  // Inside the caller's transaction: CheckUpload, then stores the bytes once per sha256 (a second
  // upload of the same bytes adds only a row) and a row of `attachments` for the owner. Errors as
  // CheckUpload; database failures throw (the caller's transaction rolls back).
  Result<StoredFile> Put(soci::session& sql, const Upload& file, const Owner& owner,
                         std::optional<std::int64_t> uploaded_by, EpochSeconds now,
                         const AttachmentLimits& limits = {});
  // The attachments of these owners, by owner id then upload order.
  std::vector<StoredFile> List(soci::session& sql, std::string_view owner_type,
                               const std::vector<std::int64_t>& owner_ids) const;
  // One attachment by id (no scope check: the caller checks its owner).
  std::optional<StoredFile> Get(soci::session& sql, std::int64_t id) const;
  // The bytes, checked against the recorded sha256 and size. Internal when they are missing or do
  // not match (logged as tampering; the text is never sent to a client). A file recorded before
  // the bytes moved into the database and not yet imported is read from the legacy directory
  // (checked the same way).
  Result<std::string> Read(soci::session& sql, const StoredFile& f) const;

  // Copies every file that `attachments` records under storage_path but file_blobs lacks from the
  // legacy directory into file_blobs (one transaction per file, so instances starting together do
  // not collide). A missing or altered file is logged and left; running it again retries only
  // those. Call once at start-up, after migrating. Database failures throw.
  LegacyImport ImportLegacyFiles(EpochSeconds now);

  const std::string& legacy_dir() const { return legacy_dir_; }

 private:
  db::Database& db_;
  std::string legacy_dir_;
};

// Where an installation kept attachment files before migration 005: `configured`
// (kit::Settings::attachment_dir, --attachment-dir), else $FAZHI_ATTACHMENT_DIR, else
// "attachments" beside the SQLite database file, else "./attachments".
std::string LegacyAttachmentDir(std::string_view configured, const db::Database& db);

}  // namespace fazhi::files
