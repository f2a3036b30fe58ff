#include "backup/backup_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "core/text.h"

namespace fazhi::backup {

using nlohmann::json;

// ---- digest -------------------------------------------------------------------------------------

void TableDigest::Add(const RowValues& row) {
  std::string buf;
  for (const auto& v : row) {
    if (!v) {
      buf += "N;";
      continue;
    }
    buf += 'S';
    buf += std::to_string(v->size());
    buf += ':';
    buf += *v;
    buf += ';';
  }
  buf += '\n';
  crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(buf.data()), buf.size());
  ++rows_;
}

std::string TableDigest::Finish() {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state_, out);
  return ToHex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

// ---- gzip lines ---------------------------------------------------------------------------------

namespace {

std::string GzMessage(gzFile f) {
  int err = Z_OK;
  const char* msg = gzerror(f, &err);
  if (err == Z_ERRNO) return std::strerror(errno);
  return msg ? msg : "";
}

}  // namespace

Result<std::unique_ptr<GzLineWriter>> GzLineWriter::Open(const std::string& path) {
  // 0600: a backup holds password hashes, session hashes and encrypted personal data.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("无法创建备份文件 " + path + "：" + std::strerror(errno));
  const int sync_fd = ::dup(fd);  // gzclose closes fd; this one is kept to fsync after it
  gzFile f = sync_fd < 0 ? nullptr : gzdopen(fd, "wb6");
  if (!f) {
    const int err = errno;
    ::close(fd);
    if (sync_fd >= 0) ::close(sync_fd);
    return Internal("无法创建备份文件 " + path + "：" + std::strerror(err));
  }
  gzbuffer(f, 256 * 1024);
  return std::unique_ptr<GzLineWriter>(new GzLineWriter(f, sync_fd, path));
}

GzLineWriter::~GzLineWriter() {
  if (file_) gzclose(file_);
  if (sync_fd_ >= 0) ::close(sync_fd_);
}

Result<void> GzLineWriter::WriteLine(std::string_view line) {
  if (!file_) return Internal("备份文件 " + path_ + " 已关闭");
  // gzwrite takes an unsigned length; rows are far below 4 GiB (the reader caps lines anyway).
  if ((!line.empty() && gzwrite(file_, line.data(), static_cast<unsigned>(line.size())) == 0) ||
      gzputc(file_, '\n') == -1)
    return Internal("写入备份文件 " + path_ + " 失败：" + GzMessage(file_));
  return {};
}

Result<void> GzLineWriter::Close() {
  gzFile f = file_;
  file_ = nullptr;
  if (!f) return {};
  const int rc = gzclose(f);
  const int close_errno = errno;
  // The file must be on disk before the caller renames it into place.
  const int sync_rc = ::fsync(sync_fd_);
  const int sync_errno = errno;
  ::close(sync_fd_);
  sync_fd_ = -1;
  if (rc != Z_OK)
    return Internal("写入备份文件 " + path_ + " 失败（关闭时出错，代码 " + std::to_string(rc) + "）：" +
                    std::strerror(close_errno));
  if (sync_rc != 0) return Internal("写入备份文件 " + path_ + " 失败（fsync）：" + std::strerror(sync_errno));
  return {};
}

Result<std::unique_ptr<GzLineReader>> GzLineReader::Open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFound("备份文件 " + path + " 不存在");
  if (std::filesystem::is_directory(path, ec)) return Invalid("备份文件 " + path + " 是一个目录", "file");
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return Invalid("无法打开备份文件 " + path + "：" + std::strerror(errno), "file");
  gzbuffer(f, 256 * 1024);
  std::unique_ptr<GzLineReader> reader(new GzLineReader(f, path));
  // gzread passes non-gzip input through unchanged; a backup must be gzip.
  if (gzdirect(f) == 1) return Invalid("文件 " + path + " 不是 fazhi 备份文件（不是 gzip 压缩格式）", "file");
  return reader;
}

GzLineReader::~GzLineReader() {
  if (file_) gzclose(file_);
}

Result<bool> GzLineReader::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  char chunk[64 * 1024];
  const int n = gzread(file_, chunk, sizeof chunk);
  int err = Z_OK;
  gzerror(file_, &err);
  if (n < 0 || err != Z_OK) {
    if (err == Z_BUF_ERROR)
      return Invalid("备份文件 " + path_ + " 不完整（压缩数据在中途截断），请换用完整的备份文件", "file");
    return Invalid("备份文件 " + path_ + " 已损坏（解压失败：" + GzMessage(file_) + "）", "file");
  }
  if (n == 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

Result<std::optional<std::string>> GzLineReader::Next() {
  for (;;) {
    const auto nl = buffer_.find('\n', pos_);
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(pos_, nl - pos_);
      pos_ = nl + 1;
      ++line_no_;
      return line;
    }
    if (buffer_.size() - pos_ > kMaxLineBytes)
      return Invalid("备份文件 " + path_ + " 第 " + std::to_string(line_no_ + 1) + " 行过长，文件已损坏", "file");
    const bool more = FZ_TRY(Fill());
    if (!more) {
      if (pos_ >= buffer_.size()) return std::optional<std::string>();
      // Every line the writer produces ends with '\n'; a tail without one was cut off.
      return Invalid("备份文件 " + path_ + " 不完整（最后一行被截断）", "file");
    }
  }
}

// ---- JSON lines ---------------------------------------------------------------------------------

namespace {

json ValuesJson(const RowValues& row) {
  json r = json::array();
  for (const auto& v : row) {
    if (v)
      r.push_back(*v);
    else
      r.push_back(nullptr);
  }
  return r;
}

json ManifestJson(const Manifest& m) {
  json tables = json::array();
  for (const auto& t : m.tables) tables.push_back(FZ_JSON(t, table, rows, digest));
  return Merged(FZ_JSON(m, format_version, schema_version, source_backend, created_at), {{"tables", tables}});
}

Result<Manifest> ParseManifest(const json& j) {
  if (!j.is_object()) return Invalid("结尾的 manifest 不是对象");
  Manifest m;
  try {
    m.format_version = j.at("format_version").get<int>();
    m.schema_version = j.at("schema_version").get<int>();
    m.source_backend = j.at("source_backend").get<std::string>();
    m.created_at = j.at("created_at").get<EpochSeconds>();
    for (const auto& t : j.at("tables")) {
      TableSummary s;
      s.table = t.at("table").get<std::string>();
      s.rows = t.at("rows").get<std::int64_t>();
      s.digest = t.at("digest").get<std::string>();
      m.tables.push_back(std::move(s));
    }
  } catch (const json::exception& e) {
    return Invalid(std::string("结尾的 manifest 格式错误：") + e.what());
  }
  return m;
}

}  // namespace

std::string HeaderLine(const Header& h) {
  json tables = json::array();
  for (const auto& t : h.tables) tables.push_back({{"name", t.name}, {"columns", t.columns}});
  const json j = Merged(FZ_JSON(h, schema_version, source_backend, created_at),
                        {{"fazhi_backup", h.format_version}, {"tables", tables}});
  return j.dump();
}

std::string RowLine(const std::string& table, const RowValues& row) {
  return json{{"t", table}, {"r", ValuesJson(row)}}.dump();
}

std::string FooterLine(const Manifest& m) { return json{{"manifest", ManifestJson(m)}}.dump(); }

Result<Header> ParseHeader(std::string_view line) {
  const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("fazhi_backup")) return Invalid("不是 fazhi 备份文件（缺少文件头）");
  Header h;
  try {
    h.format_version = j.at("fazhi_backup").get<int>();
    if (h.format_version > kFormatVersion)
      return Invalid("备份格式版本 " + std::to_string(h.format_version) + " 比本程序支持的版本 " +
                     std::to_string(kFormatVersion) + " 新，请用更新版本的 fazhi 恢复");
    h.schema_version = j.at("schema_version").get<int>();
    h.source_backend = j.at("source_backend").get<std::string>();
    h.created_at = j.at("created_at").get<EpochSeconds>();
    for (const auto& t : j.at("tables")) {
      TableColumns tc;
      tc.name = t.at("name").get<std::string>();
      tc.columns = t.at("columns").get<std::vector<std::string>>();
      if (tc.name.empty() || tc.columns.empty()) return Invalid("文件头中的表名或列名为空");
      h.tables.push_back(std::move(tc));
    }
  } catch (const json::exception& e) {
    return Invalid(std::string("文件头格式错误：") + e.what());
  }
  return h;
}

Result<ParsedLine> ParseBodyLine(std::string_view line) {
  const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Invalid("不是合法的 JSON 对象");
  ParsedLine out;
  if (j.contains("manifest")) {
    out.footer = FZ_TRY(ParseManifest(j.at("manifest")));
    return out;
  }
  const auto t = j.find("t");
  const auto r = j.find("r");
  if (t == j.end() || r == j.end() || !t->is_string() || !r->is_array() || j.size() != 2)
    return Invalid("数据行格式错误（应为 {\"t\":表名,\"r\":[值…]}）");
  ParsedRow row;
  row.table = t->get<std::string>();
  row.values.reserve(r->size());
  for (const auto& v : *r) {
    if (v.is_null())
      row.values.emplace_back();
    else if (v.is_string())
      row.values.emplace_back(v.get<std::string>());
    else
      return Invalid("数据行的值只能是文本或 null");
  }
  out.row = std::move(row);
  return out;
}

}  // namespace fazhi::backup
