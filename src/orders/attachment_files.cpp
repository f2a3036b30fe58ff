#include "orders/attachment_files.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "core/text.h"
#include "db/backend.h"

namespace fazhi::orders {

namespace fs = std::filesystem;

std::string ResolveAttachmentDir(const std::string& configured, const db::Database& db) {
  if (!configured.empty()) return configured;
  if (const char* env = std::getenv("FAZHI_ATTACHMENT_DIR"); env && *env) return env;
  return db::DirBesideData(db, "attachments");
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return ToHex(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string CleanFilename(std::string name) {
  if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
  std::string out;
  for (char ch : name)
    if (static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f && ch != '"') out += ch;
  if (!IsValidUtf8(out) || out.empty()) out = "附件";
  if (out.size() > 200) out = out.substr(out.size() - 200);
  if (!IsValidUtf8(out)) out = "附件";
  return out;
}

Result<std::vector<StoredFile>> WriteFiles(const std::string& dir, const std::vector<Upload>& files) {
  std::vector<StoredFile> stored;
  for (const auto& f : files) {
    StoredFile s;
    s.meta.filename = CleanFilename(f.filename);
    s.meta.content_type =
        f.content_type.empty() || f.content_type.size() > 100 ? "application/octet-stream" : f.content_type;
    s.meta.sha256 = Sha256Hex(f.bytes);
    s.meta.size = static_cast<std::int64_t>(f.bytes.size());
    s.rel_path = s.meta.sha256.substr(0, 2) + "/" + s.meta.sha256;
    const fs::path full = fs::path(dir) / s.rel_path;
    std::error_code ec;
    if (!fs::exists(full, ec)) {
      fs::create_directories(full.parent_path(), ec);
      const fs::path tmp = full.string() + ".tmp" + std::to_string(std::random_device{}());
      {
        std::ofstream out(tmp, std::ios::binary);
        out.write(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
        if (!out) return Internal("附件保存失败：无法写入附件目录 " + dir);
      }
      fs::rename(tmp, full, ec);
      if (ec) return Internal("附件保存失败：" + ec.message());
    }
    stored.push_back(std::move(s));
  }
  return stored;
}

Result<std::string> ReadFile(const std::string& dir, const std::string& rel_path, const Attachment& meta) {
  const auto full = fs::path(dir) / rel_path;
  std::ifstream in(full, std::ios::binary);
  if (!in) return Internal("附件文件缺失：" + meta.filename);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  if (Sha256Hex(bytes) != meta.sha256) {
    spdlog::error("attachment {} at {} fails its sha256 check", meta.id, full.string());
    return Internal("附件文件已损坏（校验值不符），请联系管理员");
  }
  return bytes;
}

}  // namespace fazhi::orders
