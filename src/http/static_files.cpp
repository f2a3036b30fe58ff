#include "http/static_files.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include <fmt/format.h>

namespace fazhi::http {

namespace {

namespace fs = std::filesystem;

std::shared_ptr<const std::string> ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return nullptr;
  return std::make_shared<const std::string>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Content type by extension, and whether compressing it is worth it.
std::pair<std::string, bool> TypeOf(const std::string& ext) {
  static const std::map<std::string, std::pair<std::string, bool>, std::less<>> kTypes = {
      {".html", {"text/html; charset=utf-8", true}},
      {".js", {"text/javascript; charset=utf-8", true}},
      {".mjs", {"text/javascript; charset=utf-8", true}},
      {".css", {"text/css; charset=utf-8", true}},
      {".json", {"application/json; charset=utf-8", true}},
      {".map", {"application/json; charset=utf-8", true}},
      {".svg", {"image/svg+xml", true}},
      {".txt", {"text/plain; charset=utf-8", true}},
      {".xml", {"application/xml", true}},
      {".ico", {"image/x-icon", true}},
      {".png", {"image/png", false}},
      {".jpg", {"image/jpeg", false}},
      {".jpeg", {"image/jpeg", false}},
      {".gif", {"image/gif", false}},
      {".webp", {"image/webp", false}},
      {".woff", {"font/woff", false}},
      {".woff2", {"font/woff2", false}},
      {".ttf", {"font/ttf", true}},
      {".pdf", {"application/pdf", false}},
  };
  std::string lower = ext;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (auto it = kTypes.find(lower); it != kTypes.end()) return it->second;
  return {"application/octet-stream", false};
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

constexpr std::size_t kMinCompressBytes = 1024;

}  // namespace

bool StaticFiles::Accepts(std::string_view accept_encoding, std::string_view coding) {
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    std::string_view params;
    if (const auto semi = item.find(';'); semi != std::string_view::npos) {
      params = item.substr(semi + 1);
      item = item.substr(0, semi);
    }
    item = Trim(item);
    if (!IEquals(item, coding) && item != "*") continue;
    params = Trim(params);
    if (params.starts_with("q=") || params.starts_with("Q=")) {
      std::string_view q = Trim(params.substr(2));
      // q=0, q=0.0, q=0.000 refuse the coding.
      if (!q.empty() && q.front() == '0' && q.find_first_not_of("0.") == std::string_view::npos) return false;
    }
    return true;
  }
  return false;
}

std::string StaticFiles::Gzip(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return {};
  return out;
}

std::size_t StaticFiles::Load(const std::string& root) {
  files_.clear();
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return 0;
  const fs::path base(root);
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const fs::path& p = it->path();
    const std::string ext = p.extension().string();
    if (ext == ".br" || ext == ".gz") continue;  // variants, read with their file below
    auto plain = ReadAll(p);
    if (!plain) continue;
    auto e = std::make_unique<Entry>();
    auto [type, compressible] = TypeOf(ext);
    e->content_type = std::move(type);
    e->compressible = compressible && plain->size() >= kMinCompressBytes;
    e->etag = fmt::format("\"{:016x}-{}\"", std::hash<std::string>{}(*plain), plain->size());
    if (e->compressible) {
      if (fs::is_regular_file(p.string() + ".br", ec)) e->br = ReadAll(p.string() + ".br");
      if (fs::is_regular_file(p.string() + ".gz", ec)) e->gz = ReadAll(p.string() + ".gz");
    }
    e->plain = std::move(plain);
    files_["/" + fs::relative(p, base, ec).generic_string()] = std::move(e);
  }
  return files_.size();
}

std::optional<StaticFiles::Reply> StaticFiles::Find(std::string_view path, std::string_view accept_encoding) const {
  auto it = files_.find(path);
  if (it == files_.end()) return std::nullopt;
  const Entry& e = *it->second;
  Reply r;
  r.content_type = e.content_type;
  r.cache_control = path.starts_with("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
  r.vary = e.compressible;
  r.body = e.plain;
  r.etag = e.etag;
  if (!e.compressible) return r;
  if (e.br && Accepts(accept_encoding, "br")) {
    r.body = e.br;
    r.content_encoding = "br";
    r.etag.insert(r.etag.size() - 1, "-br");
  } else if (Accepts(accept_encoding, "gzip")) {
    // Compressed once, by the first request that wants it; every later one reuses it.
    std::call_once(e.gz_once, [&e] {
      if (!e.gz) e.gz = std::make_shared<const std::string>(Gzip(*e.plain));
    });
    if (e.gz && !e.gz->empty()) {
      r.body = e.gz;
      r.content_encoding = "gzip";
      r.etag.insert(r.etag.size() - 1, "-gz");
    }
  }
  return r;
}

}  // namespace fazhi::http
