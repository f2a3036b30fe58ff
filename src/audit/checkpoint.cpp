#include "audit/checkpoint.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "core/local_time.h"
#include "db/sql.h"

namespace fazhi::audit {

namespace {

void AddField(std::string& s, std::string_view v) {
  s += std::to_string(v.size());
  s += ':';
  s += v;
  s += '|';
}

std::string FileFor(const std::string& dir, EpochSeconds at) {
  const CivilDate d = CivilFromDays(at >= 0 ? at / 86400 : (at - 86399) / 86400);
  return (std::filesystem::path(dir) / fmt::format("checkpoints-{:04d}{:02d}.jsonl", d.year, d.month)).string();
}

// Writes all of `text` to fd (a short write is continued, EINTR retried).
bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<Checkpoint> FromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("v") || j["v"] != 1) return std::nullopt;
  const char* ints[] = {"last_id", "rows", "at"};
  for (const char* k : ints)
    if (!j.contains(k) || !j[k].is_number_integer()) return std::nullopt;
  const char* strings[] = {"hash", "alg", "sig_alg", "sig"};
  for (const char* k : strings)
    if (!j.contains(k) || !j[k].is_string()) return std::nullopt;
  return Checkpoint{.last_id = j["last_id"].get<std::int64_t>(),
                    .hash = j["hash"].get<std::string>(),
                    .alg = j["alg"].get<std::string>(),
                    .rows = j["rows"].get<std::int64_t>(),
                    .at = j["at"].get<std::int64_t>(),
                    .sig_alg = j["sig_alg"].get<std::string>(),
                    .sig = j["sig"].get<std::string>()};
}

}  // namespace

std::string SignedText(const Checkpoint& cp) {
  std::string s;
  AddField(s, "fazhi audit checkpoint v1");
  AddField(s, std::to_string(cp.last_id));
  AddField(s, cp.hash);
  AddField(s, cp.alg);
  AddField(s, std::to_string(cp.rows));
  AddField(s, std::to_string(cp.at));
  AddField(s, cp.sig_alg);
  return s;
}

void Sign(Checkpoint& cp, const ChainKey& key, MacAlg alg) {
  cp.sig_alg = std::string(AlgName(alg));
  cp.sig = key.CheckpointMac(alg, SignedText(cp));
}

bool SignatureValid(const Checkpoint& cp, const ChainKey& key) {
  const auto alg = ParseAlg(cp.sig_alg);
  if (!alg || (*alg == MacAlg::kHmacSm3 && !Sm3Available())) return false;
  const std::string expected = key.CheckpointMac(*alg, SignedText(cp));
  // Constant time is not needed (the verifier holds the key; nobody probes it), but it costs nothing.
  return expected.size() == cp.sig.size() && CRYPTO_memcmp(expected.data(), cp.sig.data(), expected.size()) == 0;
}

std::string ToJsonLine(const Checkpoint& cp) {
  nlohmann::ordered_json j =
      Merged(FZ_JSON(cp, last_id, hash, alg, rows, at, sig_alg, sig), {{"v", 1}, {"time", FormatLocalIso(cp.at)}});
  return j.dump();
}

std::optional<Checkpoint> TakeCheckpoint(db::Database& db, const Clock& clock, const ChainKey& key, MacAlg alg) {
  auto cp = db.Read([&](soci::session& sql) {
    std::optional<Checkpoint> out;
    db::First(sql, "SELECT id, hash, alg FROM audit_log ORDER BY id DESC LIMIT 1", {}, [&](const db::Row& r) {
      out = Checkpoint{.last_id = r.Int("id"), .hash = r.Str("hash"), .alg = r.Str("alg")};
    });
    if (out) out->rows = db::Count(sql, "SELECT COUNT(*) FROM audit_log");
    return out;
  });
  if (!cp) return cp;
  cp->at = clock.Now();
  Sign(*cp, key, alg);
  return cp;
}

Result<std::string> WriteCheckpoint(const std::string& dir, const Checkpoint& cp) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) return Internal("无法创建审计检查点目录 " + dir + "：" + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  const std::string path = FileFor(dir, cp.at);
  // O_APPEND: each line goes to the end in one write, also when two instances share the directory.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("无法写入审计检查点文件 " + path + "：" + std::strerror(errno));
  const bool ok = WriteAll(fd, ToJsonLine(cp) + "\n") && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) return Internal("无法写入审计检查点文件 " + path + "：" + std::strerror(saved));
  return path;
}

Result<std::optional<Checkpoint>> WriteAndLogCheckpoint(db::Database& db, const Clock& clock, const ChainKey& key,
                                                        MacAlg alg, const std::string& dir) {
  auto cp = TakeCheckpoint(db, clock, key, alg);
  if (!cp) return cp;
  FZ_TRY(WriteCheckpoint(dir, *cp));
  // One line, recognisable by its first word, for journald → rsyslog → a remote log server
  // (docs/operations.md §9): a copy the database administrator cannot reach.
  spdlog::info("audit_checkpoint {}", ToJsonLine(*cp));
  return cp;
}

std::vector<LoadedCheckpoint> ReadCheckpoints(const std::string& dir, const ChainKey* key) {
  namespace fs = std::filesystem;
  std::vector<LoadedCheckpoint> out;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return out;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with("checkpoints-") && name.ends_with(".jsonl")) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    if (!in) {
      out.push_back({.where = f.string(), .problem = "无法读取检查点文件"});
      continue;
    }
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.empty()) continue;
      LoadedCheckpoint lc{.where = fmt::format("{} 第 {} 行", f.string(), n)};
      const auto cp = FromJson(nlohmann::json::parse(line, nullptr, false));
      if (!cp) {
        lc.problem = "检查点格式错误（不是本程序写出的检查点）";
      } else {
        lc.cp = *cp;
        if (!key)
          lc.problem = "未加载审计密钥，无法核对检查点签名";
        else if (!SignatureValid(*cp, *key))
          lc.problem = "检查点签名不符：检查点是伪造的或被改动过（或签名用的是另一把审计密钥）";
      }
      out.push_back(std::move(lc));
    }
  }
  return out;
}

CheckpointTimer::CheckpointTimer(db::Database& db, const Clock& clock, std::shared_ptr<const ChainKey> key, MacAlg alg,
                                 std::string dir, std::chrono::seconds interval)
    : db_(db),
      clock_(clock),
      key_(std::move(key)),
      alg_(alg),
      dir_(std::move(dir)),
      // A checkpoint at start, one per interval when the chain grew, and the head at shutdown.
      task_("audit checkpoint", interval, [this] { Tick(); }, {.run_at_start = true, .run_at_stop = true}) {}

CheckpointTimer::~CheckpointTimer() { Stop(); }

void CheckpointTimer::Start() {
  if (key_) task_.Start();
}

void CheckpointTimer::Stop() { task_.Stop(); }

int CheckpointTimer::written() const {
  std::lock_guard lock(mu_);
  return written_;
}

void CheckpointTimer::Tick() {
  try {
    // Skip when nothing was appended since the last one: the newest row id is enough to tell.
    const auto newest =
        db_.Read([](soci::session& sql) { return db::ScalarInt(sql, "SELECT MAX(id) FROM audit_log").value_or(0); });
    if (newest == 0 || newest == last_written_id_) return;
    auto cp = WriteAndLogCheckpoint(db_, clock_, *key_, alg_, dir_);
    if (!cp) {
      spdlog::error("审计检查点未写出：{}", cp.error().message);
      return;
    }
    if (*cp) {
      last_written_id_ = (*cp)->last_id;
      std::lock_guard lock(mu_);
      ++written_;
    }
  } catch (const std::exception& e) {
    spdlog::error("审计检查点未写出：{}", e.what());
  }
}

}  // namespace fazhi::audit
