#include "app/key_rotation.h"

#include <fmt/format.h>

#include <set>

#include "audit/audit_log.h"
#include "core/json_fields.h"
#include "db/sql.h"

namespace fazhi {

namespace {
constexpr std::string_view kKeyCheckText = "fazhi key check v1";
}  // namespace

std::string KeyCheckValue(const auth::Vault& vault) { return vault.BlindIndex(kKeyCheckText); }

Result<KeyRotation> RotateKey(db::Database& db, const Clock& clock, const auth::Vault& current,
                              const auth::Vault& next) {
  return db.Write([&](soci::session& sql) -> Result<KeyRotation> {
    KeyRotation out;
    std::set<std::pair<std::string, std::string>> hashes;
    for (auto& c : db::ColumnsEndingWith(sql, db.backend(), "_hash")) hashes.insert(std::move(c));
    for (const auto& [table, column] : db::ColumnsEndingWith(sql, db.backend(), "_enc")) {
      out.columns.push_back(table + "." + column);
      const std::string base = column.substr(0, column.size() - 4);
      const bool indexed = hashes.contains({table, base + "_hash"});
      struct Value {
        std::int64_t id;
        std::string sealed;
      };
      std::vector<Value> values;
      // Table and column names come from the database's own catalogue, never from input.
      db::Each(
          sql,
          fmt::format("SELECT id, {0} AS v FROM {1} WHERE {0} IS NOT NULL AND {0} <> '' ORDER BY id", column, table),
          {}, [&](const db::Row& r) {
            values.push_back({r.Int("id"), r.Str("v")});
          });
      for (const auto& v : values) {
        auto plain = current.Decrypt(v.sealed);
        if (!plain)
          return Invalid(
              fmt::format("{} 表第 {} 行的 {} 无法用当前密钥解密，未做任何更改（数据可能被篡改，或曾用过别的密钥）",
                          table, v.id, column),
              "key-file", "key_rotation_undecryptable");
        db::SqlArgs a;
        std::string set = fmt::format("{} = {}", column, a.Str(next.Encrypt(*plain)));
        if (indexed) {
          set += fmt::format(", {}_hash = {}", base, a.Str(next.BlindIndex(*plain)));
          ++out.indexes;
        }
        db::Exec(sql, fmt::format("UPDATE {} SET {} WHERE id = {}", table, set, a.Int(v.id)), a);
        ++out.values;
      }
    }
    db::SqlArgs a;
    db::Exec(sql, "UPDATE key_check SET check_value = " + a.Str(KeyCheckValue(next)) + " WHERE id = 1", a);
    audit::Append(
        sql, clock, audit::Actor{},
        audit::Entry{"key.rotate", "key", "personal_data",
                     fmt::format("更换个人信息加密密钥：重新加密 {} 项，重算索引 {} 项", out.values, out.indexes),
                     FZ_JSON(out, values, indexes, columns)});
    return out;
  });
}

}  // namespace fazhi
