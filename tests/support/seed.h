// Seeding for tests in plain SQL, so that a module's tests do not depend on other modules'
// services: units (path and bureau as the org module computes them), accounts with one role and
// people of the roster.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "db/database.h"
#include "db/sql.h"

namespace fazhi::testing::seed {

// A unit under `parent` (a root when nullopt). A team (科所队) belongs to its parent's bureau; any
// other level is its own bureau.
inline std::int64_t Unit(db::Database& database, std::optional<std::int64_t> parent, const std::string& name,
                         const std::string& level, EpochSeconds now, const std::string& category = "") {
  return database
      .Write([&](soci::session& sql) -> Result<std::int64_t> {
        db::SqlArgs a;
        const std::int64_t id = db::Insert(
            sql,
            fmt::format("INSERT INTO units (parent_id, name, level, category, code, path, created_at, updated_at) "
                        "VALUES ({}, {}, {}, {}, '', '', {}, {}) RETURNING id",
                        a.OptInt(parent), a.Str(name), a.Str(level), a.Str(category), a.Int(now), a.Int(now)),
            a);
        std::string parent_path = "/";
        std::int64_t bureau = id;
        if (parent) {
          db::SqlArgs q;
          db::First(sql, "SELECT path, bureau_id FROM units WHERE id = " + q.Int(*parent), q, [&](const db::Row& r) {
            parent_path = r.Str("path");
            if (level == "team") bureau = r.OptInt("bureau_id").value_or(*parent);
          });
        }
        db::SqlArgs u;
        db::Exec(sql,
                 fmt::format("UPDATE units SET path = {}, bureau_id = {} WHERE id = {}",
                             u.Str(parent_path + std::to_string(id) + "/"), u.Int(bureau), u.Int(id)),
                 u);
        return id;
      })
      .value();
}

// An account in `unit` with one role, optionally linked to a person of the roster.
inline std::int64_t User(db::Database& database, const std::string& username, const std::string& password_hash,
                         std::int64_t unit, const std::string& role, EpochSeconds now,
                         std::optional<std::int64_t> person = std::nullopt) {
  return database
      .Write([&](soci::session& sql) -> Result<std::int64_t> {
        db::SqlArgs a;
        const std::int64_t id = db::Insert(
            sql,
            fmt::format("INSERT INTO users (username, display_name, password_hash, unit_id, person_id, created_at, "
                        "updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}) RETURNING id",
                        a.Str(username), a.Str(username), a.Str(password_hash), a.Int(unit), a.OptInt(person),
                        a.Int(now), a.Int(now)),
            a);
        db::SqlArgs r;
        db::Exec(sql, fmt::format("INSERT INTO user_roles (user_id, role) VALUES ({}, {})", r.Int(id), r.Str(role)), r);
        return id;
      })
      .value();
}

// A 民警 of the roster in `unit` (of `bureau`).
inline std::int64_t Person(db::Database& database, std::int64_t bureau, std::int64_t unit, const std::string& name,
                           const std::string& badge, EpochSeconds now) {
  return database
      .Write([&](soci::session& sql) -> Result<std::int64_t> {
        db::SqlArgs a;
        return db::Insert(sql,
                          fmt::format("INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, created_at, "
                                      "updated_at) VALUES ({}, {}, {}, {}, '民警', {}, {}) RETURNING id",
                                      a.Int(bureau), a.Int(unit), a.Str(name), a.Str(badge), a.Int(now), a.Int(now)),
                          a);
      })
      .value();
}

}  // namespace fazhi::testing::seed
