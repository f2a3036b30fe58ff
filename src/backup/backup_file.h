// The backup file itself, without a database: gzip line I/O, the JSON of the header, row and
// footer lines, and the per-table digest. Internal to src/backup (used by backup.cpp and tests).
#pragma once

#include <sodium.h>
#include <zlib.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backup/backup.h"

namespace fazhi::backup {

// One value as stored in a backup: canonical text, or nullopt for SQL NULL.
using Value = std::optional<std::string>;
using RowValues = std::vector<Value>;

// A table's name and column names, in the order its values appear in row lines.
struct TableColumns {
  std::string name;
  std::vector<std::string> columns;
};

// The first line of a backup file.
struct Header {
  int format_version = kFormatVersion;
  int schema_version = 0;
  std::string source_backend;
  EpochSeconds created_at = 0;
  std::vector<TableColumns> tables;
};

// SHA-256 over a table's rows in canonical order. Each value is encoded unambiguously —
// NULL as "N;", text as "S<byte length>:<bytes>;" — and each row ends with "\n", so no value can
// shift into its neighbour or the next row.
class TableDigest {
 public:
  TableDigest() { crypto_hash_sha256_init(&state_); }
  void Add(const RowValues& row);
  std::int64_t rows() const { return rows_; }
  // Lower-case hex. Call once.
  std::string Finish();

 private:
  crypto_hash_sha256_state state_;
  std::int64_t rows_ = 0;
};

// Writes lines to a gzip file created with mode 0600 (truncated if it exists). Not copyable;
// closes (discarding errors) on destruction.
class GzLineWriter {
 public:
  // Errors: Internal naming the file when it cannot be created.
  static Result<std::unique_ptr<GzLineWriter>> Open(const std::string& path);
  ~GzLineWriter();
  GzLineWriter(const GzLineWriter&) = delete;
  GzLineWriter& operator=(const GzLineWriter&) = delete;

  // Appends `line` and a newline. Errors: Internal naming the file (disk full, …).
  Result<void> WriteLine(std::string_view line);
  // Flushes and closes; the file is complete only when this succeeds.
  Result<void> Close();

 private:
  GzLineWriter(gzFile f, int sync_fd, std::string path) : file_(f), sync_fd_(sync_fd), path_(std::move(path)) {}
  gzFile file_;
  int sync_fd_;  // a dup of the file's descriptor, for fsync after gzclose
  std::string path_;
};

// Reads lines from a gzip file, detecting truncation and corruption.
class GzLineReader {
 public:
  // Errors: NotFound when the file does not exist; InvalidArgument when it is not gzip.
  static Result<std::unique_ptr<GzLineReader>> Open(const std::string& path);
  ~GzLineReader();
  GzLineReader(const GzLineReader&) = delete;
  GzLineReader& operator=(const GzLineReader&) = delete;

  // Next line without its newline; nullopt at the clean end of the stream.
  // Errors: InvalidArgument naming the file when the gzip stream is truncated or corrupted, or a
  // line is longer than kMaxLineBytes.
  Result<std::optional<std::string>> Next();
  // 1-based number of the line last returned.
  std::int64_t line_no() const { return line_no_; }

  static constexpr std::size_t kMaxLineBytes = 256u << 20;

 private:
  GzLineReader(gzFile f, std::string path) : file_(f), path_(std::move(path)) {}
  Result<bool> Fill();  // reads one more chunk; false at end of stream

  gzFile file_;
  std::string path_;
  std::string buffer_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  std::int64_t line_no_ = 0;
};

// Line encoders. Throw nlohmann::json::exception on text that is not UTF-8.
std::string HeaderLine(const Header& header);
std::string RowLine(const std::string& table, const RowValues& row);
std::string FooterLine(const Manifest& manifest);

// Line decoders. The error message says what is wrong with the line (the caller adds file and line).
Result<Header> ParseHeader(std::string_view line);
// A parsed row line: the table name and its values.
struct ParsedRow {
  std::string table;
  RowValues values;
};
// A line is either a row or the footer.
struct ParsedLine {
  std::optional<ParsedRow> row;
  std::optional<Manifest> footer;
};
Result<ParsedLine> ParseBodyLine(std::string_view line);

}  // namespace fazhi::backup
