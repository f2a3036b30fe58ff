// The built web app (web/dist) held in memory and sent without compressing per request.
//
// Every file under the web root is read once when the server starts, with the X.br / X.gz files
// the web build writes next to it (web/vite.config.ts). A client that accepts br or gzip gets those
// bytes as they are; a text file that has no .gz is gzip-compressed once, on its first request,
// and kept. Hashed assets (/assets/…) are cached by browsers for a year, everything else
// (index.html) is revalidated on each visit (no-cache) by its ETag.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace fazhi::http {

class StaticFiles {
 public:
  // One file as sent: the bytes, and the headers that go with them.
  struct Reply {
    std::shared_ptr<const std::string> body;
    std::string content_type;
    std::string content_encoding;  // "", "br" or "gzip"
    std::string cache_control;
    std::string etag;
    bool vary = false;  // the file has compressed forms: Vary: Accept-Encoding
  };

  // Reads every file under `root` (X.br / X.gz are variants of X, not files of their own).
  // Returns the number of files; 0 when the folder is missing or empty.
  std::size_t Load(const std::string& root);

  bool empty() const { return files_.empty(); }

  // The file at URL `path` ("/assets/x.js", "/" is not a file) in the best encoding that
  // `accept_encoding` allows; nullopt when there is no such file.
  std::optional<Reply> Find(std::string_view path, std::string_view accept_encoding) const;

  // A gzip stream of `data` (zlib, level 6).
  static std::string Gzip(std::string_view data);
  // Whether an Accept-Encoding header value accepts `coding` (q=0 refuses it).
  static bool Accepts(std::string_view accept_encoding, std::string_view coding);

 private:
  struct Entry {
    std::shared_ptr<const std::string> plain, br;
    mutable std::shared_ptr<const std::string> gz;  // computed once on demand when absent
    mutable std::once_flag gz_once;
    std::string content_type;
    std::string etag;
    bool compressible = false;
  };
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> files_;
};

}  // namespace fazhi::http
