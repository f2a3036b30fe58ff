#include "audit/audit_log.h"

#include "audit/audit_labels.h"

#include <sodium.h>

#include <fmt/format.h>

#include "core/text.h"
#include "db/sql.h"

namespace fazhi::audit {

namespace {

std::string Sha256Hex(const std::string& data) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return ToHex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

std::string OptInt(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "-"; }

// Length-prefixed fields so no value can shift into its neighbour.
void AddField(std::string& s, std::string_view v) {
  s += std::to_string(v.size());
  s += ':';
  s += v;
  s += '|';
}

}  // namespace

std::string ComputeHash(const Row& r, const std::string& prev_hash) {
  std::string s;
  AddField(s, prev_hash);
  AddField(s, std::to_string(r.id));
  AddField(s, OptInt(r.bureau_id));
  AddField(s, std::to_string(r.at));
  AddField(s, OptInt(r.user_id));
  AddField(s, r.username);
  AddField(s, r.action);
  AddField(s, r.object_type);
  AddField(s, r.object_id);
  AddField(s, r.summary);
  AddField(s, r.detail);
  AddField(s, r.ip);
  AddField(s, r.request_id);
  return Sha256Hex(s);
}

void Append(soci::session& sql, const Clock& clock, const Actor& actor, const Entry& entry) {
  // Take the chain lock first (a row lock on PostgreSQL; SQLite already holds the write lock).
  db::Exec(sql, "UPDATE audit_head SET last_id = last_id WHERE id = 1");
  std::int64_t last_id = 0;
  std::string last_hash;
  db::First(sql, "SELECT last_id, last_hash FROM audit_head WHERE id = 1", {}, [&](const db::Row& h) {
    last_id = h.Int("last_id");
    last_hash = h.Str("last_hash");
  });

  Row r;
  r.id = last_id + 1;
  r.bureau_id = actor.bureau_id;
  r.at = clock.Now();
  r.user_id = actor.user_id;
  r.username = actor.username;
  r.action = entry.action;
  r.object_type = entry.object_type;
  r.object_id = entry.object_id;
  r.summary = entry.summary;
  r.detail = entry.detail.dump();
  r.ip = actor.ip;
  r.request_id = actor.request_id;
  r.prev_hash = last_hash;
  r.hash = ComputeHash(r, last_hash);

  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("INSERT INTO audit_log (id, bureau_id, at, user_id, username, action, object_type, object_id, "
                       "summary, detail, ip, request_id, prev_hash, hash) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, "
                       "{}, {}, {}, {}, {})",
                       a.Int(r.id), a.OptInt(r.bureau_id), a.Int(r.at), a.OptInt(r.user_id), a.Str(r.username),
                       a.Str(r.action), a.Str(r.object_type), a.Str(r.object_id), a.Str(r.summary), a.Str(r.detail),
                       a.Str(r.ip), a.Str(r.request_id), a.Str(r.prev_hash), a.Str(r.hash)),
           a);
  db::SqlArgs h;
  db::Exec(sql,
           fmt::format("UPDATE audit_head SET last_id = {}, last_hash = {} WHERE id = 1", h.Int(r.id), h.Str(r.hash)),
           h);
}

namespace {

constexpr const char* kColumns =
    "id, bureau_id, at, user_id, username, action, object_type, object_id, summary, detail, ip, request_id, "
    "prev_hash, hash";

Row FromRow(const db::Row& row) {
  return Row{.id = row.Int("id"),
             .bureau_id = row.OptInt("bureau_id"),
             .at = row.Int("at"),
             .user_id = row.OptInt("user_id"),
             .username = row.Str("username"),
             .action = row.Str("action"),
             .object_type = row.Str("object_type"),
             .object_id = row.Str("object_id"),
             .summary = row.Str("summary"),
             .detail = row.Str("detail"),
             .ip = row.Str("ip"),
             .request_id = row.Str("request_id"),
             .prev_hash = row.Str("prev_hash"),
             .hash = row.Str("hash")};
}

// The first problem of row `r` in the chain, or empty.
std::string ChainProblem(const Row& r, std::int64_t expected_id, const std::string& prev) {
  if (r.id != expected_id) return "编号不连续（第 " + std::to_string(expected_id) + " 条缺失）";
  if (r.prev_hash != prev) return "前序哈希与上一条不符";
  if (ComputeHash(r, prev) != r.hash) return "内容与哈希不符（记录被改动）";
  return {};
}

}  // namespace

VerifyReport Verify(db::Database& db) {
  return db.Read([&](soci::session& sql) {
    VerifyReport rep;
    std::string prev(64, '0');
    std::int64_t expected_id = 1;
    // Read in batches by id so memory stays flat on long chains.
    constexpr std::int64_t kBatch = 5000;
    for (std::int64_t after = 0;;) {
      db::SqlArgs a;
      const std::string q =
          fmt::format("SELECT {} FROM audit_log WHERE id > {} ORDER BY id LIMIT {}", kColumns, a.Int(after), kBatch);
      std::int64_t n = 0;
      db::Each(sql, q, a, [&](const db::Row& row) {
        ++n;
        const Row r = FromRow(row);
        after = r.id;
        if (rep.ok) {
          if (const std::string problem = ChainProblem(r, expected_id, prev); !problem.empty()) {
            rep.ok = false;
            rep.first_bad_id = r.id;
            rep.message = "审计链在第 " + std::to_string(r.id) + " 条处断裂：" + problem;
          }
        }
        prev = r.hash;
        expected_id = r.id + 1;
        ++rep.rows;
      });
      if (n < kBatch) break;
    }
    if (!rep.ok) return rep;
    std::int64_t last_id = 0;
    std::string last_hash;
    db::First(sql, "SELECT last_id, last_hash FROM audit_head WHERE id = 1", {}, [&](const db::Row& h) {
      last_id = h.Int("last_id");
      last_hash = h.Str("last_hash");
    });
    if (last_id != expected_id - 1 || last_hash != prev) {
      rep.ok = false;
      rep.first_bad_id = expected_id;
      rep.message = "审计链末尾的记录被删除：链头记录到第 " + std::to_string(last_id) + " 条，表中只到第 " +
                    std::to_string(expected_id - 1) + " 条";
    } else {
      rep.message = "审计链完整，共 " + std::to_string(rep.rows) + " 条记录";
    }
    return rep;
  });
}

std::string SearchWhere(const Query& q, db::SqlArgs& a) {
  std::string where = " WHERE 1=1";
  if (q.username) where += " AND username = " + a.Str(*q.username);
  if (q.user_id) where += " AND user_id = " + a.Int(*q.user_id);
  if (q.object_type) where += " AND object_type = " + a.Str(*q.object_type);
  if (q.object_id) where += " AND object_id = " + a.Str(*q.object_id);
  // A prefix of the action name ("person."): LIKE, not a byte range, since audit_log.action has the
  // database's default collation.
  if (q.action) where += " AND action LIKE " + a.Str(EscapeLike(*q.action) + "%") + " ESCAPE '\\'";
  if (q.from) where += " AND at >= " + a.Int(*q.from);
  if (q.to) where += " AND at < " + a.Int(*q.to);
  if (!q.scope_path.empty()) {
    const std::string in_scope =
        "bureau_id IN (SELECT id FROM units WHERE " + db::PathUnder(a, "path", q.scope_path) + ")";
    where += q.include_unscoped ? " AND (bureau_id IS NULL OR " + in_scope + ")" : " AND " + in_scope;
  }
  return where;
}

Page Search(db::Database& db, const Query& q) {
  db::SqlArgs a;
  const std::string where = SearchWhere(q, a);
  return db.Read([&](soci::session& sql) {
    Page page;
    page.total = db::Count(sql, "SELECT COUNT(*) FROM audit_log" + where, a);
    db::SqlArgs pa = a;
    const std::string q_rows =
        fmt::format("SELECT {} FROM audit_log{} ORDER BY id DESC LIMIT {} OFFSET {}", kColumns, where,
                    pa.Int(q.page_size), pa.Int(static_cast<std::int64_t>(q.page - 1) * q.page_size));
    db::Each(sql, q_rows, pa, [&](const db::Row& row) { page.items.push_back(FromRow(row)); });
    return page;
  });
}

std::vector<Row> After(db::Database& db, std::int64_t after_id, int limit) {
  return db.Read([&](soci::session& sql) {
    std::vector<Row> rows;
    db::SqlArgs a;
    const std::string q = fmt::format("SELECT {} FROM audit_log WHERE id > {} ORDER BY id LIMIT {}", kColumns,
                                      a.Int(after_id), a.Int(limit));
    db::Each(sql, q, a, [&](const db::Row& row) { rows.push_back(FromRow(row)); });
    return rows;
  });
}

}  // namespace fazhi::audit
