#include "scoring/scoring_internal.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "auth/roles.h"
#include "core/local_time.h"
#include "core/text.h"
#include "db/sql.h"
#include "scoring/scoring_store.h"

namespace fazhi::scoring::detail {

using auth::Principal;

Result<void> RequireRead(const Principal& who) {
  if (!who.Has(auth::perm::kScoreRead) && !who.Has(auth::perm::kScoreManage))
    return Forbidden("没有查看执法积分的权限");
  return {};
}

Result<void> RequireManage(const Principal& who) {
  if (!who.Has(auth::perm::kScoreManage)) return Forbidden("没有管理执法积分的权限（需法制员或局领导）");
  return {};
}

bool IsManager(const Principal& who) { return who.Has(auth::perm::kScoreManage); }

bool IsLegalUnit(const std::string& name, const std::string& category) { return org::IsLegalUnit(name, category); }

Result<org::UnitRef> ResolveBureau(soci::session& sql, const Principal& who, std::optional<std::int64_t> bureau_id,
                                   bool manage) {
  std::int64_t id = 0;
  if (bureau_id) {
    id = *bureau_id;
  } else if (who.bureau_id) {
    id = *who.bureau_id;
  } else {
    return Invalid("请指定分局（bureau_id）", "bureau_id");
  }
  auto u = org::ReadUnit(sql, id);
  if (!u) return NotFound("分局不存在");
  if (u->level != "bureau") {
    if (!bureau_id) return Invalid("请指定要查看的分局（bureau_id）", "bureau_id", "bureau_required");
    return NotFound("分局不存在");
  }
  const bool in_scope = who.InScope(u->path);
  const bool own = who.bureau_id && *who.bureau_id == u->id;
  if (manage ? !in_scope : !(in_scope || own)) return NotFound("分局不存在");
  return *u;
}

Result<std::string> ViewPrefix(soci::session& sql, const Principal& who, const org::UnitRef& bureau,
                               std::optional<std::int64_t> unit_id) {
  std::string prefix = who.InScope(bureau.path) ? bureau.path : who.unit_path;
  if (unit_id) {
    auto u = org::ReadUnit(sql, *unit_id);
    if (!u || !u->path.starts_with(prefix)) return NotFound("单位不存在");
    prefix = u->path;
  }
  return prefix;
}

Rankings FilterRankings(const Rankings& r, const std::string& prefix) {
  Rankings out;
  for (const auto& o : r.officers)
    if (o.unit_path.starts_with(prefix)) out.officers.push_back(o);
  for (const auto& u : r.units)
    if (u.path.starts_with(prefix)) out.units.push_back(u);
  return out;
}

std::vector<PersonInfo> LoadPeople(soci::session& sql, const std::string& bureau_path) {
  std::vector<PersonInfo> out;
  for (auto& p : org::ReadPeopleUnder(sql, bureau_path))
    out.push_back({p.id, std::move(p.name), std::move(p.badge_no), std::move(p.kind), p.unit_id, p.active});
  return out;
}

std::vector<UnitInfo> LoadUnits(soci::session& sql, const std::string& bureau_path) {
  std::vector<UnitInfo> out;
  for (auto& u : org::ReadUnitsUnder(sql, bureau_path)) out.push_back({u.id, std::move(u.name), std::move(u.path)});
  return out;
}

Result<Draft> ComputeDraft(soci::session& sql, const org::UnitRef& bureau, const points::MonthKey& month,
                           EpochSeconds as_of, const LedgerSources& sources) {
  auto scheme = SchemeFor(sql, bureau.id, month.Text());
  if (!scheme) return Conflict(fmt::format("{} 没有生效的积分方案，请先制定积分方案", month.Text()), "no_scheme");
  const points::MonthScope scope = points::MakeMonthScope(bureau.id, month, as_of);
  std::vector<points::RawFact> facts;
  for (const auto& s : sources) FZ_CHECK(s->Collect(sql, scope, facts));

  Draft d;
  d.scheme = std::move(*scheme);
  d.people = LoadPeople(sql, bureau.path);
  d.units = LoadUnits(sql, bureau.path);
  std::unordered_map<std::int64_t, std::int64_t> unit_of;
  unit_of.reserve(d.people.size());
  for (const auto& p : d.people) unit_of[p.id] = p.unit_id;
  // Officers from outside the bureau (cross-bureau help) are not credited here: counted as skipped.
  for (auto& f : facts) {
    if (f.officers.empty()) continue;
    const auto before = f.officers.size();
    std::erase_if(f.officers, [&](const points::FactOfficer& o) { return !unit_of.contains(o.person_id); });
    if (f.officers.size() != before) ++d.skipped;
  }
  d.ledger = BuildLedger(d.scheme.scheme, d.scheme.version, std::move(facts));
  for (auto& r : d.ledger.rows) r.unit_id = unit_of[r.person_id];
  return d;
}

// OpenSSL rather than libsodium here: its SHA-256 uses the CPU's SHA extensions, several times
// faster on a city month's ledger text (tens of MB), which is never held whole.
std::string LedgerHash(const Ledger& ledger) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    std::string text;
    SerializeLedger(ledger, [&](std::string_view piece) { text.append(piece); });
    unsigned char out[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out);
    return ToHex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
  }
  SerializeLedger(ledger, [&](std::string_view piece) { EVP_DigestUpdate(ctx.get(), piece.data(), piece.size()); });
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), out, &len);
  return ToHex(std::string_view(reinterpret_cast<const char*>(out), len));
}

Rankings RankingsNow(soci::session& sql, const org::UnitRef& bureau, const std::string& month, const Scheme& scheme) {
  const auto entries = LoadMonthEntries(sql, bureau.id, month);
  const auto people = LoadPeople(sql, bureau.path);
  const auto units = LoadUnits(sql, bureau.path);
  const auto prev = LoadSnapshot(sql, bureau.id, points::ParseMonth(month)->Prev().Text());
  return BuildRankings(entries, people, units, scheme.per_capita_police_only, prev ? &*prev : nullptr);
}

EpochSeconds ObjectionDeadline(EpochSeconds published_at, int days) {
  // Start day not counted: published on the 2nd with 3 days → objections until the end of the 5th.
  const auto day = DaysFromCivil(LocalDateOf(published_at));
  return LocalMidnight(CivilFromDays(day + days + 1));
}

std::string Who(soci::session& sql, const audit::Actor& actor) {
  if (!actor.user_id) return "系统";
  db::SqlArgs a;
  std::string name = actor.username;
  db::First(sql,
            fmt::format("SELECT COALESCE(p.name, NULLIF(u.display_name, ''), u.username) AS name FROM users u "
                        "LEFT JOIN people p ON p.id = u.person_id WHERE u.id = {}",
                        a.Int(*actor.user_id)),
            a, [&](const db::Row& r) { name = r.Str("name"); });
  return name;
}

}  // namespace fazhi::scoring::detail
