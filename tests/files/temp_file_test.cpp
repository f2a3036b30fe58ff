#include "files/temp_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

namespace fazhi::files {
namespace {

namespace fs = std::filesystem;

// Runs the test body with TMPDIR pointing at a fresh directory, restored afterwards.
class TempFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* old = std::getenv("TMPDIR")) old_ = old;
    dir_ = fs::temp_directory_path() / ("fazhi_tempfile_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    ::setenv("TMPDIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    if (old_)
      ::setenv("TMPDIR", old_->c_str(), 1);
    else
      ::unsetenv("TMPDIR");
    fs::remove_all(dir_);
  }
  std::size_t Entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator{}));
  }
  fs::path dir_;
  std::optional<std::string> old_;
};

TEST_F(TempFileTest, PrivateUniqueAndRemoved) {
  std::set<std::string> paths;
  {
    auto a = TempFile::Create("fazhi-test", ".xlsx");
    auto b = TempFile::Create("fazhi-test", ".xlsx");
    ASSERT_TRUE(a.has_value());
    ASSERT_TRUE(b.has_value());
    EXPECT_NE(a->path(), b->path());
    EXPECT_EQ(fs::path(a->path()).parent_path(), dir_);
    EXPECT_TRUE(a->path().ends_with(".xlsx"));
    struct stat st {};
    ASSERT_EQ(::stat(a->path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_TRUE(a->Write("内容").has_value());
    EXPECT_EQ(*a->ReadAll(), "内容");
    EXPECT_EQ(Entries(), 2u);
    TempFile moved = std::move(*a);
    EXPECT_EQ(Entries(), 2u);
    paths = {moved.path(), b->path()};
  }
  EXPECT_EQ(Entries(), 0u);
  for (const auto& p : paths) EXPECT_FALSE(fs::exists(p));
}

TEST_F(TempFileTest, ReleaseKeepsTheFile) {
  std::string kept;
  {
    auto f = TempFile::Create();
    ASSERT_TRUE(f.has_value());
    kept = f->Release();
  }
  EXPECT_TRUE(fs::exists(kept));
  fs::remove(kept);
}

TEST_F(TempFileTest, DirectoryIsPrivateAndRemovedWithItsContent) {
  std::string path;
  {
    auto d = TempDir::Create("fazhi-verify");
    ASSERT_TRUE(d.has_value());
    path = d->path();
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    std::ofstream(d->File("a.db")) << "x";
    fs::create_directories(d->File("sub"));
    std::ofstream(d->File("sub/b")) << "y";
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(TempFileTest, UnusableTmpdirFallsBackToTmp) {
  ::setenv("TMPDIR", "/nonexistent/fazhi", 1);
  EXPECT_EQ(TempDirectory(), "/tmp");
  auto f = TempFile::Create();
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(f->path().starts_with("/tmp/"));
}

}  // namespace
}  // namespace fazhi::files
