// Temporary files and directories that clean up after themselves. Every writer that needs a path
// (libxlsxwriter writes to a file, a verification restore needs a scratch database, …) uses these
// instead of building names by hand:
//
//   auto tmp = FZ_TRY(files::TempFile::Create("fazhi-export", ".xlsx"));
//   lxw_workbook* wb = workbook_new(tmp.path().c_str());
//   …
//   return tmp.ReadAll();            // the file is removed when `tmp` goes out of scope
//
// Names are unique (mkstemps/mkdtemp) under $TMPDIR, or /tmp when it is unset or unusable; files are
// created with mode 0600 and directories with 0700, so no other local user can read what a request
// wrote. Not thread-safe per object; distinct objects may be used from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace fazhi::files {

// The directory temporary files go in: $TMPDIR when it names a directory, else /tmp.
std::string TempDirectory();

class TempFile {
 public:
  // Creates an empty file "<dir>/<prefix>-XXXXXX<suffix>" (suffix such as ".xlsx"; a writer that
  // checks the extension gets it). Internal error when the directory is not writable.
  static Result<TempFile> Create(std::string_view prefix = "fazhi", std::string_view suffix = "");

  TempFile(TempFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  // Removes the file (errors are ignored: the name is unique and private).
  ~TempFile();

  const std::string& path() const { return path_; }
  // The whole content. Internal error when the file cannot be read.
  Result<std::string> ReadAll() const;
  // Replaces the content. Internal error when it cannot be written.
  Result<void> Write(std::string_view bytes) const;
  // Hands the file over to the caller: it is no longer removed. Returns its path.
  std::string Release();

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

class TempDir {
 public:
  // Creates the directory "<dir>/<prefix>-XXXXXX" with mode 0700. Internal error when it cannot.
  static Result<TempDir> Create(std::string_view prefix = "fazhi");

  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Removes the directory and everything in it.
  ~TempDir();

  const std::string& path() const { return path_; }
  // `name` inside the directory.
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace fazhi::files
