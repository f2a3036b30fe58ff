// Numbered schema migrations (src/db/migrations/NNN_name.sql), compiled into the binary.
//
// File syntax, so one file serves both backends:
//   - statements end with ';' at the end of a line (a ';' inside a line does not split);
//   - `@ID@` becomes the auto-increment primary key of the backend;
//   - lines after `-- @sqlite` apply to SQLite only, after `-- @postgresql` to PostgreSQL only,
//     after `-- @all` to both again.
// Number ranges by module: 001–009 foundation, 010–019 org/people, 020–039 cases/supervision,
// 040–049 scoring.
#pragma once

#include <string>
#include <vector>

#include "db/database.h"

namespace fazhi::db {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// All migrations compiled in, sorted by version.
const std::vector<Migration>& AllMigrations();

// The statements of one migration for a backend, in order (exposed for tests).
std::vector<std::string> SplitMigration(const std::string& sql, Backend backend);

}  // namespace fazhi::db
