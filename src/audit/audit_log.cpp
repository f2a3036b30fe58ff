#include "audit/audit_log.h"

#include <sodium.h>

#include "core/text.h"

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
  sql << "UPDATE audit_head SET last_id = last_id WHERE id = 1";
  long long last_id = 0;
  std::string last_hash;
  sql << "SELECT last_id, last_hash FROM audit_head WHERE id = 1", soci::into(last_id), soci::into(last_hash);

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

  long long id = r.id, at = r.at;
  db::NullableInt bureau(r.bureau_id), user(r.user_id);
  sql << "INSERT INTO audit_log (id, bureau_id, at, user_id, username, action, object_type, object_id, summary, "
         "detail, ip, request_id, prev_hash, hash) VALUES (:id, :b, :at, :u, :un, :a, :ot, :oi, :s, :d, :ip, :rq, "
         ":ph, :h)",
      soci::use(id), soci::use(bureau.value, bureau.ind), soci::use(at), soci::use(user.value, user.ind),
      soci::use(r.username), soci::use(r.action), soci::use(r.object_type), soci::use(r.object_id),
      soci::use(r.summary), soci::use(r.detail), soci::use(r.ip), soci::use(r.request_id), soci::use(r.prev_hash),
      soci::use(r.hash);
  sql << "UPDATE audit_head SET last_id = :id, last_hash = :h WHERE id = 1", soci::use(id), soci::use(r.hash);
}

namespace {

constexpr const char* kColumns =
    "id, bureau_id, at, user_id, username, action, object_type, object_id, summary, detail, ip, request_id, "
    "prev_hash, hash";

Row FromRow(const soci::row& row) {
  Row r;
  r.id = db::GetInt64(row, 0);
  if (!db::IsNull(row, 1)) r.bureau_id = db::GetInt64(row, 1);
  r.at = db::GetInt64(row, 2);
  if (!db::IsNull(row, 3)) r.user_id = db::GetInt64(row, 3);
  r.username = db::GetText(row, 4);
  r.action = db::GetText(row, 5);
  r.object_type = db::GetText(row, 6);
  r.object_id = db::GetText(row, 7);
  r.summary = db::GetText(row, 8);
  r.detail = db::GetText(row, 9);
  r.ip = db::GetText(row, 10);
  r.request_id = db::GetText(row, 11);
  r.prev_hash = db::GetText(row, 12);
  r.hash = db::GetText(row, 13);
  return r;
}

}  // namespace

VerifyReport Verify(db::Database& db) {
  return db.Read([&](soci::session& sql) {
    VerifyReport rep;
    std::string prev(64, '0');
    std::int64_t expected_id = 1;
    // Read in batches by id so memory stays flat on long chains.
    for (std::int64_t after = 0;;) {
      soci::rowset<soci::row> rs = (sql.prepare << "SELECT " << kColumns
                                                << " FROM audit_log WHERE id > :a ORDER BY id LIMIT 5000",
                                    soci::use(after));
      std::int64_t n = 0;
      for (const auto& row : rs) {
        ++n;
        Row r = FromRow(row);
        after = r.id;
        if (rep.ok) {
          std::string problem;
          if (r.id != expected_id)
            problem = "编号不连续（第 " + std::to_string(expected_id) + " 条缺失）";
          else if (r.prev_hash != prev)
            problem = "前序哈希与上一条不符";
          else if (ComputeHash(r, prev) != r.hash)
            problem = "内容与哈希不符（记录被改动）";
          if (!problem.empty()) {
            rep.ok = false;
            rep.first_bad_id = r.id;
            rep.message = "审计链在第 " + std::to_string(r.id) + " 条处断裂：" + problem;
          }
        }
        prev = r.hash;
        expected_id = r.id + 1;
        ++rep.rows;
      }
      if (n < 5000) break;
    }
    if (rep.ok) {
      long long last_id = 0;
      std::string last_hash;
      sql << "SELECT last_id, last_hash FROM audit_head WHERE id = 1", soci::into(last_id), soci::into(last_hash);
      if (last_id != expected_id - 1 || last_hash != prev) {
        rep.ok = false;
        rep.first_bad_id = expected_id;
        rep.message = "审计链末尾的记录被删除：链头记录到第 " + std::to_string(last_id) + " 条，表中只到第 " +
                      std::to_string(expected_id - 1) + " 条";
      } else {
        rep.message = "审计链完整，共 " + std::to_string(rep.rows) + " 条记录";
      }
    }
    return rep;
  });
}

Page Search(db::Database& db, const Query& q) {
  std::string where = " WHERE 1=1";
  std::vector<std::string> texts;
  std::vector<long long> ints;
  // SOCI binds by position when names are unique; build the clause and bind in the same order.
  if (q.username) where += " AND username = :un";
  if (q.user_id) where += " AND user_id = :uid";
  if (q.object_type) where += " AND object_type = :ot";
  if (q.object_id) where += " AND object_id = :oi";
  if (q.action) where += " AND action LIKE :ac ESCAPE '\\'";
  if (q.from) where += " AND at >= :f";
  if (q.to) where += " AND at < :t";
  if (!q.scope_pattern.empty())
    where += q.include_unscoped
                 ? " AND (bureau_id IS NULL OR bureau_id IN (SELECT id FROM units WHERE path LIKE :scope))"
                 : " AND bureau_id IN (SELECT id FROM units WHERE path LIKE :scope)";
  const std::string action_like = q.action ? EscapeLike(*q.action) + "%" : "";
  const long long uid = q.user_id.value_or(0), from = q.from.value_or(0), to = q.to.value_or(0);
  const long long limit = q.page_size, offset = static_cast<long long>(q.page - 1) * q.page_size;

  auto bind = [&](soci::details::prepare_temp_type& st) {
    if (q.username) st, soci::use(*q.username);
    if (q.user_id) st, soci::use(uid);
    if (q.object_type) st, soci::use(*q.object_type);
    if (q.object_id) st, soci::use(*q.object_id);
    if (q.action) st, soci::use(action_like);
    if (q.from) st, soci::use(from);
    if (q.to) st, soci::use(to);
    if (!q.scope_pattern.empty()) st, soci::use(q.scope_pattern);
  };

  return db.Read([&](soci::session& sql) {
    Page page;
    {
      long long total = 0;
      auto st = (sql.prepare << "SELECT COUNT(*) FROM audit_log" << where);
      bind(st);
      st, soci::into(total);
      soci::statement stmt(st);
      stmt.execute(true);
      page.total = total;
    }
    auto st = (sql.prepare << "SELECT " << kColumns << " FROM audit_log" << where
                           << " ORDER BY id DESC LIMIT :lim OFFSET :off");
    bind(st);
    st, soci::use(limit), soci::use(offset);
    soci::rowset<soci::row> rs(st);
    for (const auto& row : rs) page.items.push_back(FromRow(row));
    return page;
  });
}

}  // namespace fazhi::audit
