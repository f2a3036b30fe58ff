#include "audit/audit_log.h"

#include "audit/audit_labels.h"

#include <sodium.h>

#include <fmt/format.h>

#include <map>
#include <stdexcept>

#include "core/local_time.h"
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

namespace {

// The row's fields in hash order, each length-prefixed, after the previous row's hash.
std::string HashedText(const Row& r, const std::string& prev_hash) {
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
  return s;
}

constexpr const char* kPlainAlg = "sha256";

}  // namespace

std::string ComputeHash(const Row& r, const std::string& prev_hash) { return Sha256Hex(HashedText(r, prev_hash)); }

std::string ComputeKeyedHash(const Row& r, const std::string& prev_hash, const ChainKey& key, MacAlg alg) {
  // The label and the algorithm's name come first, so a keyed hash never equals the hash of the
  // same row under another algorithm or a later version of this format.
  std::string s;
  AddField(s, "fazhi audit chain v2");
  AddField(s, AlgName(alg));
  s += HashedText(r, prev_hash);
  return key.ChainMac(alg, s);
}

void Append(soci::session& sql, const Clock& clock, const Actor& actor, const Entry& entry) {
  // Take the chain lock first (a row lock on PostgreSQL; SQLite already holds the write lock).
  db::Exec(sql, "UPDATE audit_head SET last_id = last_id WHERE id = 1");
  std::int64_t last_id = 0;
  std::string last_hash, key_check;
  db::First(sql, "SELECT last_id, last_hash, key_check FROM audit_head WHERE id = 1", {}, [&](const db::Row& h) {
    last_id = h.Int("last_id");
    last_hash = h.Str("last_hash");
    key_check = h.Str("key_check");
  });
  std::optional<RegisteredKey> key;
  if (!key_check.empty()) {
    key = FindKey(key_check);
    if (!key)
      throw std::runtime_error(
          "audit_head names an audit key this process has not loaded (--audit-key-file): refusing to write an "
          "unkeyed audit row");
  }

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
  if (key) {
    r.alg = std::string(AlgName(key->alg));
    r.hash = ComputeKeyedHash(r, last_hash, *key->key, key->alg);
  } else {
    r.alg = kPlainAlg;
    r.hash = ComputeHash(r, last_hash);
  }

  db::Values v;
  FZ_VALUES(v, r, id, bureau_id, at, user_id, username, action, object_type, object_id, summary, detail, ip, request_id,
            prev_hash, hash, alg);
  db::InsertValues(sql, "audit_log", v);
  db::SqlArgs h;
  db::Exec(sql,
           fmt::format("UPDATE audit_head SET last_id = {}, last_hash = {} WHERE id = 1", h.Int(r.id), h.Str(r.hash)),
           h);
}

std::string NamedKeyCheck(db::Database& db) {
  return db.Read([](soci::session& sql) {
    return db::ScalarText(sql, "SELECT key_check FROM audit_head WHERE id = 1").value_or("");
  });
}

Result<void> AdoptKey(db::Database& db, const ChainKey& key) {
  return db.Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    // Only where none is named yet: two instances starting together store one key, and the other
    // is refused below.
    db::Exec(sql, "UPDATE audit_head SET key_check = " + a.Str(key.CheckValue()) + " WHERE id = 1 AND key_check = ''",
             a);
    const std::string named = db::ScalarText(sql, "SELECT key_check FROM audit_head WHERE id = 1").value_or("");
    if (named != key.CheckValue())
      return Fail(ErrorCode::kConflict,
                  "审计密钥与数据库不匹配：这个数据库的审计链是用另一把审计密钥写的。请用 --audit-key-file 指向这个"
                  "数据库原来的审计密钥文件（见 docs/operations.md“审计密钥”）；不要换用新密钥",
                  "audit_key_file", "audit_key_mismatch");
    return {};
  });
}

namespace {

constexpr const char* kColumns =
    "id, bureau_id, at, user_id, username, action, object_type, object_id, summary, detail, ip, request_id, "
    "prev_hash, hash, alg";

Row FromRow(const db::Row& row) {
  Row out;
  FZ_READ(row, out, id, bureau_id, at, user_id, username, action, object_type, object_id, summary, detail, ip,
          request_id, prev_hash, hash, alg);
  return out;
}

// Walks rows in id order and remembers the first problem.
class ChainWalk {
 public:
  explicit ChainWalk(const ChainKey* key) : key_(key) {}

  // The first problem of row `r` in the chain, or empty.
  std::string Problem(const Row& r) {
    if (r.id != expected_id_) return "编号不连续（第 " + std::to_string(expected_id_) + " 条缺失）";
    if (r.prev_hash != prev_) return "前序哈希与上一条不符";
    if (r.alg == kPlainAlg) {
      // Keyed rows start at one point and never stop: a plain row after a keyed one is how someone
      // without the key would re-hash the rows after an edit.
      if (seen_keyed_) return "在带密钥的记录之后出现了不带密钥的 SHA-256 记录（有人在没有密钥的情况下重算了哈希）";
      if (ComputeHash(r, prev_) != r.hash) return "内容与哈希不符（记录被改动）";
      return {};
    }
    const auto alg = ParseAlg(r.alg);
    if (!alg) return "未知的哈希算法“" + r.alg + "”";
    seen_keyed_ = true;
    if (!key_) return "这条记录带审计密钥（" + r.alg + "），但没有加载与数据库相符的审计密钥，无法校验";
    if (*alg == MacAlg::kHmacSm3 && !Sm3Available()) return "本机的 OpenSSL 不提供 SM3，无法校验 hmac-sm3 记录";
    if (ComputeKeyedHash(r, prev_, *key_, *alg) != r.hash)
      return "内容与哈希不符（记录被改动，或哈希是用另一把密钥重算的）";
    return {};
  }
  void Advance(const Row& r) {
    prev_ = r.hash;
    expected_id_ = r.id + 1;
  }
  const std::string& prev() const { return prev_; }
  std::int64_t expected_id() const { return expected_id_; }

 private:
  const ChainKey* key_;
  std::string prev_ = std::string(64, '0');
  std::int64_t expected_id_ = 1;
  bool seen_keyed_ = false;
};

std::string DescribeCheckpoint(const LoadedCheckpoint& c) {
  return fmt::format("检查点（{}，{}）", FormatLocalDateTime(c.cp.at), c.where);
}

}  // namespace

VerifyReport Verify(db::Database& db) { return Verify(db, VerifyOptions{}); }

VerifyReport Verify(db::Database& db, const VerifyOptions& options) {
  return db.Read([&](soci::session& sql) {
    VerifyReport rep;
    std::int64_t last_id = 0;
    std::string last_hash, key_check;
    db::First(sql, "SELECT last_id, last_hash, key_check FROM audit_head WHERE id = 1", {}, [&](const db::Row& h) {
      last_id = h.Int("last_id");
      last_hash = h.Str("last_hash");
      key_check = h.Str("key_check");
    });
    std::shared_ptr<const ChainKey> key = options.key;
    if (!key && !key_check.empty())
      if (auto found = FindKey(key_check)) key = found->key;
    std::string key_note;
    if (key && !key_check.empty() && key->CheckValue() != key_check)
      key_note = "；注意：数据库记录的审计密钥校验值与所用密钥不符";

    // The hashes the checkpoints name, collected on the way.
    std::map<std::int64_t, std::string> wanted;
    for (const auto& c : options.checkpoints)
      if (c.problem.empty()) wanted.emplace(c.cp.last_id, std::string());

    ChainWalk walk(key.get());
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
          if (const std::string problem = walk.Problem(r); !problem.empty()) {
            rep.ok = false;
            rep.first_bad_id = r.id;
            rep.message = "审计链在第 " + std::to_string(r.id) + " 条处断裂：" + problem;
          }
        }
        if (r.alg != kPlainAlg) ++rep.keyed_rows;
        if (auto it = wanted.find(r.id); it != wanted.end()) it->second = r.hash;
        walk.Advance(r);
        ++rep.rows;
      });
      if (n < kBatch) break;
    }
    const std::int64_t chain_end = walk.expected_id() - 1;
    if (rep.ok && (last_id != chain_end || last_hash != walk.prev())) {
      rep.ok = false;
      rep.first_bad_id = walk.expected_id();
      rep.message = "审计链末尾的记录被删除：链头记录到第 " + std::to_string(last_id) + " 条，表中只到第 " +
                    std::to_string(chain_end) + " 条";
    }

    // Checkpoints: a row that is gone or whose hash changed, or a chain with fewer rows, is what a
    // database administrator's truncation or re-hashing leaves behind.
    for (const auto& c : options.checkpoints) {
      ++rep.checkpoints;
      if (!rep.newest_checkpoint_at || c.cp.at > *rep.newest_checkpoint_at) rep.newest_checkpoint_at = c.cp.at;
      std::string problem = c.problem;
      if (problem.empty()) {
        const auto it = wanted.find(c.cp.last_id);
        if (c.cp.last_id > chain_end || it == wanted.end() || it->second.empty())
          problem = fmt::format("审计链被截断：检查点记录到第 {} 条（共 {} 条），表中只到第 {} 条", c.cp.last_id,
                                c.cp.rows, chain_end);
        else if (it->second != c.cp.hash)
          problem = fmt::format("第 {} 条记录的哈希与检查点记下的不同：这条记录或它之前的记录被改写、哈希被重算",
                                c.cp.last_id);
        else if (rep.rows < c.cp.rows)
          problem = fmt::format("审计记录比检查点时少：检查点时共 {} 条，现在只有 {} 条", c.cp.rows, rep.rows);
      }
      if (!problem.empty()) rep.checkpoint_problems.push_back(DescribeCheckpoint(c) + "：" + problem);
    }

    if (rep.ok) {
      rep.message = "审计链完整，共 " + std::to_string(rep.rows) + " 条记录";
      if (rep.keyed_rows > 0)
        rep.message +=
            fmt::format("（{} 条带审计密钥，{} 条为升级前的 SHA-256）", rep.keyed_rows, rep.rows - rep.keyed_rows);
    }
    if (!rep.checkpoint_problems.empty()) {
      rep.message = rep.ok ? "审计链与检查点不符：" + rep.checkpoint_problems.front()
                           : rep.message + "；另有 " + std::to_string(rep.checkpoint_problems.size()) + " 个检查点不符";
      rep.ok = false;
    } else if (rep.checkpoints > 0) {
      rep.message += fmt::format("；{} 个检查点全部相符（最新 {}）", rep.checkpoints,
                                 FormatLocalDateTime(*rep.newest_checkpoint_at));
    }
    rep.message += key_note;
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
