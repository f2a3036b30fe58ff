// A fresh, migrated database for one test: SQLite in a new temp directory by default, or — when
// FAZHI_TEST_DB holds a postgresql:// URL — a new PostgreSQL database created through that URL and
// dropped afterwards. The same tests therefore run on both backends (CI runs both).
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "db/database.h"

namespace fazhi::testing {

class TestDb {
 public:
  TestDb() {
    static std::atomic<int> counter{0};
    const int n = ++counter;
    const char* env = std::getenv("FAZHI_TEST_DB");
    dir_ =
        std::filesystem::temp_directory_path() / ("fazhi_test_" + std::to_string(::getpid()) + "_" + std::to_string(n));
    std::filesystem::create_directories(dir_);
    key_file_ = (dir_ / "test.key").string();
    if (env && std::string(env).starts_with("postgres")) {
      admin_url_ = env;
      try {
        Admin("DROP DATABASE IF EXISTS fazhi_t_" + std::to_string(::getpid()) + "_" + std::to_string(n));
        Admin("CREATE DATABASE fazhi_t_" + std::to_string(::getpid()) + "_" + std::to_string(n));
      } catch (...) {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);  // the destructor does not run when we throw
        throw;
      }
      db_name_ = "fazhi_t_" + std::to_string(::getpid()) + "_" + std::to_string(n);
      url_ = ReplaceDbName(admin_url_, db_name_);
    } else {
      url_ = "sqlite:" + (dir_ / "test.db").string();
    }
  }
  ~TestDb() {
    if (!db_name_.empty()) {
      try {
        Admin("DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
      } catch (...) {
      }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;

  const std::string& url() const { return url_; }
  const std::string& key_file() const { return key_file_; }
  const std::filesystem::path& dir() const { return dir_; }
  bool is_postgres() const { return !db_name_.empty(); }

  // Opens and migrates; throws on failure (tests only).
  std::unique_ptr<db::Database> Open(std::size_t pool = 4) const {
    auto db = db::Database::Open(url_, pool);
    if (!db) throw std::runtime_error(db.error().message);
    auto m = (*db)->Migrate();
    if (!m) throw std::runtime_error(m.error().message);
    return std::move(*db);
  }

 private:
  static std::string ReplaceDbName(const std::string& url, const std::string& name) {
    const auto scheme = url.find("://") + 3;
    const auto slash = url.find('/', scheme);
    const auto q = url.find('?', scheme);
    std::string out = slash == std::string::npos ? url + "/" : url.substr(0, slash + 1);
    out += name;
    if (q != std::string::npos) out += url.substr(q);
    return out;
  }
  void Admin(const std::string& stmt) const {
    auto db = db::Database::Open(admin_url_, 1);
    if (!db) throw std::runtime_error(db.error().message);
    (*db)->Read([&](soci::session& sql) {
      sql << stmt;
      return 0;
    });
  }

  std::filesystem::path dir_;
  std::string key_file_, url_, admin_url_, db_name_;
};

}  // namespace fazhi::testing
