#include "files/attachments.h"

#include "files/base64.h"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <zip.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "core/text.h"
#include "db/sql.h"
#include "files/base64.h"
#include "files/file_names.h"

namespace fazhi::files {

namespace {

constexpr std::size_t kMaxFilenameBytes = 200;

// The type a file name promises; "" when the extension says nothing we check.
std::string TypeOfExtension(std::string_view filename) {
  static const std::map<std::string, std::string, std::less<>> kByExtension = {
      {"pdf", kPdf},   {"jpg", kJpeg},  {"jpeg", kJpeg}, {"jpe", kJpeg},  {"png", kPng},   {"gif", kGif},
      {"webp", kWebp}, {"heic", kHeic}, {"heif", kHeic}, {"docx", kDocx}, {"xlsx", kXlsx}, {"mp4", kMp4},
      {"m4v", kMp4},   {"mp3", kMp3},   {"wav", kWav},   {"txt", kText},  {"csv", kText},  {"log", kText}};
  const auto it = kByExtension.find(LowerExtension(filename));
  return it == kByExtension.end() ? std::string() : it->second;
}

// The declared (browser) type in our vocabulary; "" when it says nothing we check.
std::string TypeOfDeclared(std::string_view declared) {
  std::string t(declared.substr(0, declared.find(';')));
  t = Trim(t);
  for (char& c : t)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (t == "image/pjpeg" || t == "image/jpg") return kJpeg;
  if (t == "audio/x-wav" || t == "audio/wave" || t == "audio/vnd.wave") return kWav;
  if (t == "audio/mp3") return kMp3;
  for (const char* known : {kPdf, kJpeg, kPng, kGif, kWebp, kHeic, kDocx, kXlsx, kMp4, kMp3, kWav})
    if (t == known) return known;
  return {};  // text/csv, application/octet-stream, "" …: the content decides
}

bool IsZipOf(std::string_view bytes, const char* part) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
  if (!src) {
    zip_error_fini(&err);
    return false;
  }
  zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &err);
  zip_error_fini(&err);
  if (!z) {
    zip_source_free(src);
    return false;
  }
  const bool found = zip_name_locate(z, part, ZIP_FL_NOCASE) >= 0;
  zip_discard(z);
  return found;
}

bool IsText(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (bytes.empty() || !IsValidUtf8(bytes)) return false;
  for (unsigned char c : bytes)
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) return false;
  return true;
}

// ISO base media (MP4, HEIC, QuickTime): "ftyp" at offset 4, the major brand after it.
std::string IsoMediaType(std::string_view bytes) {
  if (bytes.size() < 12 || bytes.substr(4, 4) != "ftyp") return {};
  const std::string_view brand = bytes.substr(8, 4);
  for (std::string_view heic : {"heic", "heix", "hevc", "heim", "heis", "mif1", "msf1"})
    if (brand == heic) return kHeic;
  if (brand == "qt  ") return "video/quicktime";
  if (brand == "M4A " || brand == "M4B ") return "audio/mp4";
  return kMp4;
}

bool IsMp3(std::string_view bytes) {
  if (bytes.starts_with("ID3")) return true;
  if (bytes.size() < 4) return false;
  const auto b0 = static_cast<unsigned char>(bytes[0]), b1 = static_cast<unsigned char>(bytes[1]);
  // MPEG audio frame sync (11 bits), a defined version (not 01) and layer III (01).
  return b0 == 0xFF && (b1 & 0xE0) == 0xE0 && (b1 & 0x18) != 0x08 && (b1 & 0x06) == 0x02;
}

// Stores the bytes unless a blob with this sha256 exists (two writers at once: the second insert
// does nothing).
void StoreBlob(soci::session& sql, const std::string& sha256, std::string_view bytes, EpochSeconds now) {
  db::SqlArgs a;
  if (db::Count(sql, fmt::format("SELECT COUNT(*) FROM file_blobs WHERE sha256 = {}", a.Str(sha256)), a) > 0) return;
  db::SqlArgs b;
  db::Exec(sql,
           fmt::format("INSERT INTO file_blobs (sha256, size, data, created_at) VALUES ({}, {}, {}, {}) "
                       "ON CONFLICT (sha256) DO NOTHING",
                       b.Str(sha256), b.Int(static_cast<std::int64_t>(bytes.size())), b.Str(Base64(bytes)), b.Int(now)),
           b);
}

constexpr const char* kFileColumns =
    "a.id, a.owner_type, a.owner_id, a.bureau_id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, "
    "a.uploaded_at";

StoredFile FileFromRow(const db::Row& r) {
  StoredFile out;
  FZ_READ(r, out, id, owner_type, owner_id, bureau_id, filename, content_type, size, sha256, uploaded_by, uploaded_at);
  return out;
}

// A storage_path of the legacy directory that stays inside it.
bool SafeRelativePath(std::string_view rel) {
  if (rel.empty() || rel.front() == '/') return false;
  for (const auto& part : std::filesystem::path(rel))
    if (part == "..") return false;
  return true;
}

std::optional<std::string> ReadWholeFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) return std::nullopt;
  return bytes;
}

}  // namespace

std::string SniffType(std::string_view bytes) {
  if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) return kPdf;
  if (bytes.starts_with("\xFF\xD8\xFF")) return kJpeg;
  if (bytes.starts_with("\x89PNG\r\n\x1A\n")) return kPng;
  if (bytes.starts_with("GIF87a") || bytes.starts_with("GIF89a")) return kGif;
  if (bytes.size() >= 12 && bytes.starts_with("RIFF")) {
    if (bytes.substr(8, 4) == "WEBP") return kWebp;
    if (bytes.substr(8, 4) == "WAVE") return kWav;
    return {};
  }
  if (auto iso = IsoMediaType(bytes); !iso.empty()) return iso;
  if (bytes.starts_with(std::string_view("PK\x03\x04", 4))) {
    if (IsZipOf(bytes, "word/document.xml")) return kDocx;
    if (IsZipOf(bytes, "xl/workbook.xml")) return kXlsx;
    return {};
  }
  if (IsMp3(bytes)) return kMp3;
  if (IsText(bytes)) return kText;
  return {};
}

std::string TypeLabel(std::string_view mime) {
  static const std::map<std::string, std::string, std::less<>> kLabels = {{kPdf, "PDF"},
                                                                          {kJpeg, "JPEG 图片"},
                                                                          {kPng, "PNG 图片"},
                                                                          {kGif, "GIF 图片"},
                                                                          {kWebp, "WebP 图片"},
                                                                          {kHeic, "HEIC 图片"},
                                                                          {kDocx, "Word 文档（DOCX）"},
                                                                          {kXlsx, "Excel 表格（XLSX）"},
                                                                          {kMp4, "MP4 视频"},
                                                                          {"video/quicktime", "QuickTime 视频（MOV）"},
                                                                          {"audio/mp4", "M4A 音频"},
                                                                          {kMp3, "MP3 音频"},
                                                                          {kWav, "WAV 音频"},
                                                                          {kText, "文本文件"}};
  const auto it = kLabels.find(mime);
  return it == kLabels.end() ? std::string(mime) : it->second;
}

std::string CleanFilename(std::string_view name) {
  if (const auto slash = name.find_last_of("/\\"); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  for (char ch : name)
    if (static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7F && ch != '"') out += ch;
  out = Trim(out);
  if (!IsValidUtf8(out) || out.empty()) return "附件";
  if (out.size() > kMaxFilenameBytes) {
    // Keep the end (the extension), starting at a character boundary.
    std::size_t start = out.size() - kMaxFilenameBytes;
    while (start < out.size() && (static_cast<unsigned char>(out[start]) & 0xC0) == 0x80) ++start;
    out = out.substr(start);
  }
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return ToHex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

Result<std::string> CheckUpload(const Upload& file, const AttachmentLimits& limits) {
  const std::string name = CleanFilename(file.filename);
  if (file.bytes.empty()) return Invalid(fmt::format("附件“{}”是空文件", name), "file", "attachment_empty");
  if (static_cast<std::int64_t>(file.bytes.size()) > limits.max_bytes)
    return Fail(ErrorCode::kPayloadTooLarge,
                fmt::format("附件“{}”超过 {} MB 上限", name, limits.max_bytes / 1000 / 1000), "file",
                "attachment_too_large");
  const std::string type = SniffType(file.bytes);
  for (const std::string& promised : {TypeOfExtension(file.filename), TypeOfDeclared(file.content_type)}) {
    if (!promised.empty() && promised != type)
      return Invalid(fmt::format("文件“{}”的内容不是 {}", name, TypeLabel(promised)), "file", "attachment_type");
  }
  std::vector<std::string> allowed_labels;
  for (const auto& t : limits.allowed_types) {
    if (t == type && !type.empty()) return type;
    allowed_labels.push_back(TypeLabel(t));
  }
  std::string allowed;
  for (const auto& l : allowed_labels) allowed += (allowed.empty() ? "" : "、") + l;
  if (type.empty())
    return Invalid(fmt::format("无法识别文件“{}”的类型；可以上传：{}", name, allowed), "file", "attachment_type");
  return Invalid(fmt::format("不能上传{}（“{}”）；可以上传：{}", TypeLabel(type), name, allowed), "file",
                 "attachment_type");
}

Result<void> CheckUploads(const std::vector<Upload>& files, const AttachmentLimits& limits) {
  if (static_cast<int>(files.size()) > limits.max_files)
    return Invalid(fmt::format("一次最多上传 {} 个附件", limits.max_files), "file", "too_many_attachments");
  for (const auto& f : files) FZ_CHECK(CheckUpload(f, limits));
  return {};
}

AttachmentStore::AttachmentStore(db::Database& db, std::string legacy_dir)
    : db_(db), legacy_dir_(std::move(legacy_dir)) {
  if (sodium_init() < 0) spdlog::error("files: libsodium failed to initialise");
}

Result<StoredFile> AttachmentStore::Put(soci::session& sql, const Upload& file, const Owner& owner,
                                        std::optional<std::int64_t> uploaded_by, EpochSeconds now,
                                        const AttachmentLimits& limits) {
  StoredFile f{.owner_type = owner.type,
               .owner_id = owner.id,
               .bureau_id = owner.bureau_id,
               .filename = CleanFilename(file.filename),
               .content_type = FZ_TRY(CheckUpload(file, limits)),
               .size = static_cast<std::int64_t>(file.bytes.size()),
               .sha256 = Sha256Hex(file.bytes),
               .uploaded_by = uploaded_by,
               .uploaded_at = now};
  StoreBlob(sql, f.sha256, file.bytes, now);
  db::Values v;
  FZ_VALUES(v, f, bureau_id, owner_type, owner_id, filename, content_type, size, sha256, uploaded_by, uploaded_at);
  v.Sql("storage_path", "''");
  f.id = db::InsertRow(sql, "attachments", v);
  return f;
}

std::vector<StoredFile> AttachmentStore::List(soci::session& sql, std::string_view owner_type,
                                              const std::vector<std::int64_t>& owner_ids) const {
  std::vector<StoredFile> out;
  if (owner_ids.empty()) return out;
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT {} FROM attachments a WHERE a.owner_type = {} AND a.owner_id IN {} "
      "ORDER BY a.owner_id, a.id",
      kFileColumns, a.Str(std::string(owner_type)), a.IntList(owner_ids));
  db::Each(sql, q, a, [&](const db::Row& r) { out.push_back(FileFromRow(r)); });
  return out;
}

std::optional<StoredFile> AttachmentStore::Get(soci::session& sql, std::int64_t id) const {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("SELECT {} FROM attachments a WHERE a.id = {}", kFileColumns, a.Int(id)), a,
                     FileFromRow);
}

Result<std::string> AttachmentStore::Read(soci::session& sql, const StoredFile& f) const {
  std::optional<std::string> bytes;
  bool found = false;
  {
    db::SqlArgs a;
    db::First(sql, fmt::format("SELECT data FROM file_blobs WHERE sha256 = {}", a.Str(f.sha256)), a,
              [&](const db::Row& r) {
                found = true;
                bytes = FromBase64(r.Text("data"));
              });
  }
  std::string where = "file_blobs";
  if (!found && !legacy_dir_.empty()) {
    // Recorded before the bytes moved into the database, and not imported yet.
    db::SqlArgs a;
    const auto rel =
        db::ScalarText(sql, fmt::format("SELECT storage_path FROM attachments WHERE id = {}", a.Int(f.id)), a);
    if (rel && SafeRelativePath(*rel)) {
      where = (std::filesystem::path(legacy_dir_) / *rel).string();
      bytes = ReadWholeFile(where);
      found = bytes.has_value();
    }
  }
  if (!found) {
    spdlog::error("files: the bytes of attachment {} (sha256 {}) are missing", f.id, f.sha256);
    return Internal("附件文件缺失：" + f.filename);
  }
  if (!bytes || static_cast<std::int64_t>(bytes->size()) != f.size || Sha256Hex(*bytes) != f.sha256) {
    spdlog::error("files: attachment {} (sha256 {}) in {} fails its integrity check: the stored bytes were altered",
                  f.id, f.sha256, where);
    return Internal("附件文件已损坏（校验值不符），请联系管理员");
  }
  return std::move(*bytes);
}

LegacyImport AttachmentStore::ImportLegacyFiles(EpochSeconds now) {
  LegacyImport report;
  if (legacy_dir_.empty()) return report;
  struct Pending {
    std::int64_t size = 0;
    std::vector<std::string> paths;
  };
  std::map<std::string, Pending> pending;  // by sha256
  db_.Read([&](soci::session& sql) {
    db::Each(sql,
             "SELECT a.sha256, a.size, a.storage_path FROM attachments a WHERE a.storage_path <> '' AND NOT EXISTS "
             "(SELECT 1 FROM file_blobs b WHERE b.sha256 = a.sha256) ORDER BY a.id",
             {}, [&](const db::Row& r) {
               Pending& p = pending[r.Str("sha256")];
               p.size = r.Int("size");
               std::string path = r.Str("storage_path");
               if (std::find(p.paths.begin(), p.paths.end(), path) == p.paths.end()) p.paths.push_back(std::move(path));
             });
    return 0;
  });
  for (const auto& [sha, p] : pending) {
    std::optional<std::string> bytes;
    bool altered = false;
    for (const auto& rel : p.paths) {
      if (!SafeRelativePath(rel)) continue;
      const auto full = std::filesystem::path(legacy_dir_) / rel;
      auto b = ReadWholeFile(full);
      if (!b) continue;
      if (static_cast<std::int64_t>(b->size()) == p.size && Sha256Hex(*b) == sha) {
        bytes = std::move(b);
        break;
      }
      altered = true;
      spdlog::error("files: legacy attachment file {} does not match its recorded sha256 {}: left where it is",
                    full.string(), sha);
    }
    if (!bytes) {
      if (altered) {
        ++report.altered;
      } else {
        ++report.missing;
        spdlog::warn("files: legacy attachment {} (sha256 {}) is missing from {}: left as it is", p.paths.front(), sha,
                     legacy_dir_);
      }
      continue;
    }
    db_.Write([&](soci::session& sql) -> Result<void> {
      StoreBlob(sql, sha, *bytes, now);
      return {};
    });
    ++report.imported;
  }
  if (report.imported || report.missing || report.altered)
    spdlog::info("files: legacy attachments from {}: {} copied into the database, {} missing, {} altered", legacy_dir_,
                 report.imported, report.missing, report.altered);
  return report;
}

std::string LegacyAttachmentDir(std::string_view configured, const db::Database& db) {
  if (!configured.empty()) return std::string(configured);
  if (const char* env = std::getenv("FAZHI_ATTACHMENT_DIR"); env && *env) return env;
  if (db.backend() == db::Backend::kSqlite && !db.url().sqlite_path.empty()) {
    const std::filesystem::path p(db.url().sqlite_path);
    return (p.parent_path().empty() ? std::filesystem::path(".") : p.parent_path()).append("attachments").string();
  }
  return "attachments";
}

}  // namespace fazhi::files
