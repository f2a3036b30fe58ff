#include "files/temp_file.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace fazhi::files {

namespace {

void RemoveFile(const std::string& path) {
  if (path.empty()) return;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    spdlog::warn("files: cannot remove temporary file {}: {}", path, std::strerror(errno));
}

void RemoveDir(const std::string& path) {
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) spdlog::warn("files: cannot remove temporary directory {}: {}", path, ec.message());
}

}  // namespace

std::string TempDirectory() {
  if (const char* env = std::getenv("TMPDIR"); env && *env) {
    struct stat st {};
    if (::stat(env, &st) == 0 && S_ISDIR(st.st_mode)) return env;
  }
  return "/tmp";
}

Result<TempFile> TempFile::Create(std::string_view prefix, std::string_view suffix) {
  std::string templ = TempDirectory() + "/" + std::string(prefix) + "-XXXXXX" + std::string(suffix);
  // mkstemps opens with O_EXCL and mode 0600.
  const int fd = ::mkstemps(templ.data(), static_cast<int>(suffix.size()));
  if (fd < 0) {
    spdlog::error("files: cannot create a temporary file in {}: {}", TempDirectory(), std::strerror(errno));
    return Internal("无法创建临时文件");
  }
  ::close(fd);
  return TempFile(std::move(templ));
}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    RemoveFile(path_);
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempFile::~TempFile() { RemoveFile(path_); }

Result<std::string> TempFile::ReadAll() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return Internal("无法读取临时文件");
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) return Internal("无法读取临时文件");
  return bytes;
}

Result<void> TempFile::Write(std::string_view bytes) const {
  std::ofstream out(path_, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Internal("无法写入临时文件");
  return {};
}

std::string TempFile::Release() {
  std::string p = std::move(path_);
  path_.clear();
  return p;
}

Result<TempDir> TempDir::Create(std::string_view prefix) {
  std::string templ = TempDirectory() + "/" + std::string(prefix) + "-XXXXXX";
  // mkdtemp creates the directory with mode 0700.
  if (!::mkdtemp(templ.data())) {
    spdlog::error("files: cannot create a temporary directory in {}: {}", TempDirectory(), std::strerror(errno));
    return Internal("无法创建临时目录");
  }
  return TempDir(std::move(templ));
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    RemoveDir(path_);
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempDir::~TempDir() { RemoveDir(path_); }

}  // namespace fazhi::files
