#include "scoring/scoring_service.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "auth/roles.h"
#include "core/local_time.h"
#include "core/text.h"
#include "scoring/export.h"

namespace fazhi::scoring {

namespace {

using auth::Principal;

constexpr const char* kDraft = "draft";
constexpr const char* kPublished = "published";
constexpr const char* kFinal = "final";

struct UnitRow {
  std::int64_t id = 0;
  std::string name, level, path;
  std::int64_t bureau_id = 0;
};

std::optional<UnitRow> LoadUnit(soci::session& sql, std::int64_t id) {
  long long uid = id;
  soci::rowset<soci::row> rs =
      (sql.prepare << "SELECT id, name, level, path, bureau_id FROM units WHERE id = :id", soci::use(uid));
  for (const auto& r : rs) return UnitRow{db::GetInt64(r, 0), db::GetText(r, 1), db::GetText(r, 2), db::GetText(r, 3),
                                          db::GetInt64(r, 4)};
  return std::nullopt;
}

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

// A bureau's legal unit (法制大队 / 法制部门 …), by its category or, when the category is empty, its name.
bool IsLegalUnit(const std::string& name, const std::string& category) {
  static constexpr std::string_view kLegal[] = {"法制大队", "法制部门", "法制科", "法制室"};
  const std::string& what = category.empty() ? name : category;
  return std::find(std::begin(kLegal), std::end(kLegal), what) != std::end(kLegal);
}

// The bureau (分县局) an operation is about. Managing needs the bureau in scope; reading accepts the
// caller's own bureau too (an officer of a 派出所 sees his bureau's published rankings, filtered).
Result<UnitRow> ResolveBureau(soci::session& sql, const Principal& who, std::optional<std::int64_t> bureau_id,
                              bool manage) {
  std::int64_t id = 0;
  if (bureau_id) {
    id = *bureau_id;
  } else if (who.bureau_id) {
    id = *who.bureau_id;
  } else {
    return Invalid("请指定分局（bureau_id）", "bureau_id");
  }
  auto u = LoadUnit(sql, id);
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

// OpenSSL rather than libsodium here: its SHA-256 uses the CPU's SHA extensions, several times
// faster on a city month's ledger text (tens of MB).
std::string Sha256Hex(const std::string& data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return ToHex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

// SHA-256 of SerializeLedger(entries), hashed piece by piece as the text is written (the text of a
// bureau's month is tens of MB: never held whole).
// `ledger` is a compact Ledger (the text is written from its rows) or a vector of entries.
template <typename L>
std::string LedgerHash(const L& ledger) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    std::string text;
    SerializeLedger(ledger, [&](std::string_view piece) { text.append(piece); });
    return Sha256Hex(text);
  }
  SerializeLedger(ledger, [&](std::string_view piece) { EVP_DigestUpdate(ctx.get(), piece.data(), piece.size()); });
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), out, &len);
  return ToHex(std::string_view(reinterpret_cast<const char*>(out), len));
}

std::optional<EpochSeconds> OptTime(const soci::row& r, std::size_t i) {
  if (db::IsNull(r, i)) return std::nullopt;
  return db::GetInt64(r, i);
}

constexpr const char* kMonthColumns =
    "m.id, m.bureau_id, u.name, m.month, m.status, m.scheme_id, m.scheme_version, m.entry_count, m.skipped_facts, "
    "m.ledger_hash, m.computed_at, m.computed_by, m.published_at, m.published_by, m.objection_deadline, "
    "m.finalized_at, m.finalized_by, "
    "(SELECT COUNT(*) FROM score_objections o WHERE o.bureau_id = m.bureau_id AND o.month = m.month "
    "AND o.status = 'pending')";

// A month row of kMonthColumns, except objection_days (from the scheme's document: the service
// parses it once per scheme version, see ScoringService::ObjectionDays).
MonthInfo MonthFromRowExceptDays(const soci::row& r) {
  MonthInfo m;
  m.id = db::GetInt64(r, 0);
  m.bureau_id = db::GetInt64(r, 1);
  m.bureau_name = db::GetText(r, 2);
  m.month = db::GetText(r, 3);
  m.status = db::GetText(r, 4);
  m.scheme_id = db::GetInt64(r, 5);
  m.scheme_version = static_cast<int>(db::GetInt64(r, 6));
  m.entry_count = static_cast<int>(db::GetInt64(r, 7));
  m.skipped_facts = static_cast<int>(db::GetInt64(r, 8));
  m.ledger_hash = db::GetText(r, 9);
  m.computed_at = db::GetInt64(r, 10);
  m.computed_by = db::GetText(r, 11);
  m.published_at = OptTime(r, 12);
  m.published_by = db::GetText(r, 13);
  m.objection_deadline = OptTime(r, 14);
  m.finalized_at = OptTime(r, 15);
  m.finalized_by = db::GetText(r, 16);
  m.pending_objections = static_cast<int>(db::GetInt64(r, 17));
  return m;
}

SchemeVersion SchemeFromRow(const soci::row& r) {
  SchemeVersion v;
  v.id = db::GetInt64(r, 0);
  v.bureau_id = db::GetInt64(r, 1);
  v.version = static_cast<int>(db::GetInt64(r, 2));
  v.name = db::GetText(r, 3);
  v.status = db::GetText(r, 4);
  v.effective_from = db::GetText(r, 5);
  if (!db::IsNull(r, 6)) v.effective_to = db::GetText(r, 6);
  v.document = nlohmann::json::parse(db::GetText(r, 7), nullptr, false);
  if (auto s = ParseScheme(v.document)) v.scheme = *s;
  v.note = db::GetText(r, 8);
  v.created_by_name = db::GetText(r, 9);
  v.created_at = db::GetInt64(r, 10);
  return v;
}

constexpr const char* kSchemeColumns =
    "id, bureau_id, version, name, status, effective_from, effective_to, document, note, created_by_name, created_at";

std::vector<SchemeVersion> LoadSchemes(soci::session& sql, std::int64_t bureau) {
  long long b = bureau;
  std::vector<SchemeVersion> out;
  soci::rowset<soci::row> rs =
      (sql.prepare << std::string("SELECT ") + kSchemeColumns +
                          " FROM score_schemes WHERE bureau_id = :b ORDER BY version DESC",
       soci::use(b));
  for (const auto& r : rs) out.push_back(SchemeFromRow(r));
  return out;
}

SchemeVersion LoadSchemeById(soci::session& sql, std::int64_t id) {
  long long sid = id;
  soci::rowset<soci::row> rs =
      (sql.prepare << std::string("SELECT ") + kSchemeColumns + " FROM score_schemes WHERE id = :id", soci::use(sid));
  for (const auto& r : rs) return SchemeFromRow(r);
  return SchemeVersion{};
}

// The version in force for `month` (effective_from ≤ month ≤ effective_to).
std::optional<SchemeVersion> SchemeFor(soci::session& sql, std::int64_t bureau, const std::string& month) {
  for (auto& v : LoadSchemes(sql, bureau))
    if (v.effective_from <= month && (!v.effective_to || month <= *v.effective_to)) return v;
  return std::nullopt;
}

std::vector<PersonInfo> LoadPeople(soci::session& sql, const std::string& bureau_path) {
  std::string pattern = EscapeLike(bureau_path) + "%";
  std::vector<PersonInfo> out;
  soci::rowset<soci::row> rs =
      (sql.prepare << "SELECT p.id, p.name, p.badge_no, p.kind, p.unit_id, p.active FROM people p "
                      "JOIN units u ON u.id = p.unit_id WHERE u.path LIKE :p ESCAPE '\\' ORDER BY p.id",
       soci::use(pattern));
  for (const auto& r : rs)
    out.push_back({db::GetInt64(r, 0), db::GetText(r, 1), db::GetText(r, 2), db::GetText(r, 3), db::GetInt64(r, 4),
                   db::GetInt64(r, 5) != 0});
  return out;
}

std::vector<UnitInfo> LoadUnits(soci::session& sql, const std::string& bureau_path) {
  std::string pattern = EscapeLike(bureau_path) + "%";
  std::vector<UnitInfo> out;
  soci::rowset<soci::row> rs =
      (sql.prepare << "SELECT id, name, path FROM units WHERE path LIKE :p ESCAPE '\\' ORDER BY path",
       soci::use(pattern));
  for (const auto& r : rs) out.push_back({db::GetInt64(r, 0), db::GetText(r, 1), db::GetText(r, 2)});
  return out;
}

constexpr const char* kEntryColumns =
    "e.id, e.person_id, e.unit_id, e.points_centi, e.source, e.act, e.object_type, e.object_id, e.case_id, e.role, "
    "e.occurred_at, e.reason, e.scheme_version, e.objection_id, e.month";

Entry EntryFromRow(const soci::row& r) {
  Entry e;
  e.id = db::GetInt64(r, 0);
  e.person_id = db::GetInt64(r, 1);
  e.unit_id = db::GetInt64(r, 2);
  e.points = db::GetInt64(r, 3);
  e.source = db::GetText(r, 4);
  e.act = db::GetText(r, 5);
  e.object_type = db::GetText(r, 6);
  e.object_id = db::GetInt64(r, 7);
  e.case_id = db::GetInt64(r, 8);
  e.role = db::GetText(r, 9);
  e.occurred_at = db::GetInt64(r, 10);
  e.reason = db::GetText(r, 11);
  e.scheme_version = static_cast<int>(db::GetInt64(r, 12));
  e.objection_id = db::GetInt64(r, 13);
  return e;
}

std::vector<Entry> LoadMonthEntries(soci::session& sql, std::int64_t bureau, const std::string& month) {
  long long b = bureau;
  std::string m = month;
  std::vector<Entry> out;
  soci::rowset<soci::row> rs =
      (sql.prepare << std::string("SELECT ") + kEntryColumns +
                          " FROM score_entries e WHERE e.bureau_id = :b AND e.month = :m ORDER BY e.seq",
       soci::use(b), soci::use(m));
  for (const auto& r : rs) out.push_back(EntryFromRow(r));
  return out;
}

std::size_t EntryCount(const std::vector<Entry>& entries) { return entries.size(); }
std::size_t EntryCount(const Ledger& ledger) { return ledger.size(); }
const Entry& EntryAt(const std::vector<Entry>& entries, std::size_t i, Entry&) { return entries[i]; }
const Entry& EntryAt(const Ledger& ledger, std::size_t i, Entry& scratch) {
  scratch = ledger.EntryAt(i);
  return scratch;
}

// Inserts entries in bulk (vectors of up to 1,000 rows per statement). `entries`: a vector of
// entries or a compact Ledger (its entries are written out chunk by chunk).
template <typename L>
void StoreEntries(soci::session& sql, std::int64_t bureau, const std::string& month, const L& entries, int first_seq) {
  constexpr std::size_t kChunk = 1000;
  Entry scratch;
  for (std::size_t start = 0; start < EntryCount(entries); start += kChunk) {
    const std::size_t n = std::min(kChunk, EntryCount(entries) - start);
    std::vector<long long> bureau_v(n, bureau), seq(n), person(n), unit(n), points(n), object_id(n), case_id(n),
        occurred(n), version(n), objection(n);
    std::vector<soci::indicator> case_ind(n), objection_ind(n);
    std::vector<std::string> month_v(n, month), source(n), act(n), object_type(n), role(n), reason(n);
    for (std::size_t i = 0; i < n; ++i) {
      const Entry& e = EntryAt(entries, start + i, scratch);
      seq[i] = first_seq + static_cast<long long>(start + i);
      person[i] = e.person_id;
      unit[i] = e.unit_id;
      points[i] = e.points;
      source[i] = e.source;
      act[i] = e.act;
      object_type[i] = e.object_type;
      object_id[i] = e.object_id;
      case_id[i] = e.case_id;
      case_ind[i] = e.case_id != 0 ? soci::i_ok : soci::i_null;
      role[i] = e.role;
      occurred[i] = e.occurred_at;
      if (&e == &scratch)
        reason[i] = std::move(scratch.reason);  // written for this row only
      else
        reason[i] = e.reason;
      version[i] = e.scheme_version;
      objection[i] = e.objection_id;
      objection_ind[i] = e.objection_id != 0 ? soci::i_ok : soci::i_null;
    }
    sql << "INSERT INTO score_entries (bureau_id, month, seq, person_id, unit_id, points_centi, source, act, "
           "object_type, object_id, case_id, role, occurred_at, reason, scheme_version, objection_id) VALUES "
           "(:b, :m, :s, :p, :u, :pt, :src, :a, :ot, :oi, :c, :r, :at, :re, :v, :o)",
        soci::use(bureau_v), soci::use(month_v), soci::use(seq), soci::use(person), soci::use(unit), soci::use(points),
        soci::use(source), soci::use(act), soci::use(object_type), soci::use(object_id), soci::use(case_id, case_ind),
        soci::use(role), soci::use(occurred), soci::use(reason), soci::use(version), soci::use(objection, objection_ind);
  }
}

struct Draft {
  SchemeVersion scheme;
  Ledger ledger;
  std::vector<PersonInfo> people;
  std::vector<UnitInfo> units;
  int skipped = 0;
};

Result<Draft> ComputeDraft(soci::session& sql, const UnitRow& bureau, const MonthKey& mk, EpochSeconds as_of,
                           const std::vector<std::shared_ptr<LedgerSource>>& extra) {
  auto scheme = SchemeFor(sql, bureau.id, mk.Text());
  if (!scheme)
    return Conflict(fmt::format("{} 没有生效的积分方案，请先制定积分方案", mk.Text()), "no_scheme");
  const MonthScope scope = MakeMonthScope(bureau.id, mk, as_of);
  std::vector<RawFact> facts;
  auto sources = DefaultSources(sql);
  for (auto& s : sources)
    if (auto r = s->Collect(sql, scope, facts); !r) return std::unexpected(r.error());
  for (auto& s : extra)
    if (auto r = s->Collect(sql, scope, facts); !r) return std::unexpected(r.error());

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
    std::erase_if(f.officers, [&](const FactOfficer& o) { return !unit_of.contains(o.person_id); });
    if (f.officers.size() != before) ++d.skipped;
  }
  d.ledger = BuildLedger(d.scheme.scheme, d.scheme.version, std::move(facts));
  for (auto& r : d.ledger.rows) r.unit_id = unit_of[r.person_id];
  return d;
}

std::optional<Rankings> SnapshotOf(soci::session& sql, std::int64_t bureau, const std::string& month) {
  long long b = bureau;
  std::string m = month;
  soci::rowset<soci::row> rs =
      (sql.prepare << "SELECT status, published_snapshot, final_snapshot FROM score_months "
                      "WHERE bureau_id = :b AND month = :m",
       soci::use(b), soci::use(m));
  for (const auto& r : rs) {
    const std::string status = db::GetText(r, 0);
    std::string text;
    if (status == kFinal)
      text = db::GetText(r, 2);
    else if (status == kPublished)
      text = db::GetText(r, 1);
    if (text.empty()) return std::nullopt;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    auto rk = RankingsFromJson(j);
    if (!rk) return std::nullopt;
    return *rk;
  }
  return std::nullopt;
}

Rankings RankingsNow(soci::session& sql, const UnitRow& bureau, const std::string& month, const Scheme& scheme) {
  const auto entries = LoadMonthEntries(sql, bureau.id, month);
  const auto people = LoadPeople(sql, bureau.path);
  const auto units = LoadUnits(sql, bureau.path);
  const auto mk = ParseMonth(month);
  auto prev = SnapshotOf(sql, bureau.id, mk->Prev().Text());
  return BuildRankings(entries, people, units, scheme.per_capita_police_only, prev ? &*prev : nullptr);
}

Rankings FilterRankings(const Rankings& r, const std::string& prefix) {
  Rankings out;
  for (const auto& o : r.officers)
    if (o.unit_path.starts_with(prefix)) out.officers.push_back(o);
  for (const auto& u : r.units)
    if (u.path.starts_with(prefix)) out.units.push_back(u);
  return out;
}

// The path prefix a view is narrowed to: the caller's scope, or a unit inside it.
Result<std::string> ViewPrefix(soci::session& sql, const Principal& who, const UnitRow& bureau,
                               std::optional<std::int64_t> unit_id) {
  std::string prefix = who.InScope(bureau.path) ? bureau.path : who.unit_path;
  if (unit_id) {
    auto u = LoadUnit(sql, *unit_id);
    if (!u || !u->path.starts_with(prefix)) return NotFound("单位不存在");
    prefix = u->path;
  }
  return prefix;
}

EpochSeconds ObjectionDeadline(EpochSeconds published_at, int days) {
  // Start day not counted: published on the 2nd with 3 days → objections until the end of the 5th.
  const auto day = DaysFromCivil(LocalDateOf(published_at));
  return LocalMidnight(CivilFromDays(day + days + 1));
}

std::string Who(const audit::Actor& actor) { return actor.username.empty() ? "system" : actor.username; }

Result<SchemeVersion> CheckSchemeInput(soci::session& sql, const SchemeInput& in, const UnitRow& bureau,
                                       std::optional<std::int64_t>& close_id, std::string& close_to) {
  SchemeVersion v;
  v.bureau_id = bureau.id;
  v.name = Trim(in.name);
  const auto name_len = Utf8Length(v.name);
  if (name_len <= 0) return Invalid("方案名称不能为空", "name");
  if (name_len > 100) return Invalid("方案名称不能超过 100 个字", "name");
  if (in.status != kStatusTrial && in.status != kStatusFormal)
    return Invalid("方案状态只能是“试行”或“正式”", "status");
  v.status = in.status;
  auto from = RequireMonth(in.effective_from, "effective_from");
  if (!from) return std::unexpected(from.error());
  v.effective_from = from->Text();
  if (in.effective_to) {
    auto to = RequireMonth(*in.effective_to, "effective_to");
    if (!to) return std::unexpected(to.error());
    if (*to < *from) return Invalid("失效月份不能早于生效月份", "effective_to");
    v.effective_to = to->Text();
  }
  if (Utf8Length(in.note) > 500) return Invalid("说明不能超过 500 个字", "note");
  v.note = in.note;
  auto parsed = ParseScheme(in.document);
  if (!parsed) return std::unexpected(parsed.error());
  v.scheme = *parsed;
  v.document = SchemeJson(*parsed);

  const std::string f = v.effective_from;
  const std::string t = v.effective_to.value_or("9999-12");
  for (const auto& e : LoadSchemes(sql, bureau.id)) {
    const std::string et = e.effective_to.value_or("9999-12");
    const bool overlap = e.effective_from <= t && f <= et;
    if (!overlap) continue;
    if (!e.effective_to && e.effective_from < f && !close_id) {
      close_id = e.id;
      close_to = from->Prev().Text();
      continue;
    }
    return Invalid(fmt::format("生效期 {}～{} 与第 {} 版“{}”（{}～{}）重叠；同一时间只能有一个积分方案生效", f,
                               v.effective_to.value_or("长期"), e.version, e.name, e.effective_from,
                               e.effective_to.value_or("长期")),
                   "effective_from", "overlapping_dates");
  }
  // Published months are frozen: a new version may only start after them.
  long long b = bureau.id;
  std::string ff = f, tt = t;
  std::string frozen;
  soci::indicator ind = soci::i_null;
  sql << "SELECT MAX(month) FROM score_months WHERE bureau_id = :b AND month >= :f AND month <= :t "
         "AND status IN ('published', 'final')",
      soci::use(b), soci::use(ff), soci::use(tt), soci::into(frozen, ind);
  if (ind == soci::i_ok && !frozen.empty())
    return Conflict(fmt::format("{} 的积分已公示，公示过的月份不能改用新方案；新版本只能从之后的月份起生效", frozen),
                    "month_frozen");
  return v;
}

EntryView ViewOf(Entry e, const std::string& month, const std::string& person_name, const std::string& unit_name) {
  EntryView v;
  v.entry = std::move(e);
  v.month = month;
  v.person_name = person_name;
  v.unit_name = unit_name;
  return v;
}

Objection ObjectionFromRow(const soci::row& r) {
  Objection o;
  o.id = db::GetInt64(r, 0);
  o.bureau_id = db::GetInt64(r, 1);
  o.month = db::GetText(r, 2);
  o.entry_id = db::GetInt64(r, 3);
  o.person_id = db::GetInt64(r, 4);
  o.user_id = db::GetInt64(r, 5);
  o.reason = db::GetText(r, 6);
  o.status = db::GetText(r, 7);
  o.created_at = db::GetInt64(r, 8);
  o.decided_by_name = db::GetText(r, 9);
  o.decided_at = OptTime(r, 10);
  o.decision_reason = db::GetText(r, 11);
  if (!db::IsNull(r, 12)) o.adjustment = db::GetInt64(r, 12);
  if (!db::IsNull(r, 13)) o.adjustment_entry_id = db::GetInt64(r, 13);
  o.person_name = db::GetText(r, 14);
  o.entry_points = db::GetInt64(r, 15);
  o.entry_reason = db::GetText(r, 16);
  return o;
}

constexpr const char* kObjectionSelect =
    "SELECT o.id, o.bureau_id, o.month, o.entry_id, o.person_id, o.user_id, o.reason, o.status, o.created_at, "
    "o.decided_by_name, o.decided_at, o.decision_reason, o.adjustment_centi, o.adjustment_entry_id, p.name, "
    "e.points_centi, e.reason, u.path "
    "FROM score_objections o JOIN people p ON p.id = o.person_id JOIN units u ON u.id = p.unit_id "
    "JOIN score_entries e ON e.id = o.entry_id ";

std::optional<std::pair<Objection, std::string>> LoadObjection(soci::session& sql, std::int64_t id) {
  long long oid = id;
  soci::rowset<soci::row> rs = (sql.prepare << std::string(kObjectionSelect) + "WHERE o.id = :id", soci::use(oid));
  for (const auto& r : rs) return std::make_pair(ObjectionFromRow(r), db::GetText(r, 17));
  return std::nullopt;
}

}  // namespace

auth::Principal SystemPrincipal() {
  auth::Principal p;
  p.username = "system";
  p.display_name = "系统";
  p.unit_path = "/";
  p.permissions.insert(std::string(auth::perm::kScoreRead));
  p.permissions.insert(std::string(auth::perm::kScoreManage));
  return p;
}

ScoringService::ScoringService(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

// The 法制大队 / 法制部门 (the bureau's legal unit) runs the bureau's 执法积分 with the 局领导: the scheme,
// the monthly cycle and objections. Its accounts sit on the legal unit, a sibling of the 派出所 and
// 大队 they score, so the account's own subtree is not enough. Only score.manage holders whose unit is
// such a legal unit are widened, only to their own bureau and only inside scoring; everybody else
// keeps the account's scope.
Principal ScoringService::ScoringScope(const Principal& who) {
  if (!who.Has(auth::perm::kScoreManage) || who.unit_id == 0) return who;
  auto bureau_path = db_.Read([&](soci::session& sql) -> Result<std::string> {
    long long uid = who.unit_id;
    std::string level, name, category, path;
    soci::indicator cat_ind = soci::i_null, path_ind = soci::i_null;
    sql << "SELECT u.level, u.name, u.category, b.path FROM units u LEFT JOIN units b ON b.id = u.bureau_id "
           "AND b.level = 'bureau' WHERE u.id = :id",
        soci::use(uid), soci::into(level), soci::into(name), soci::into(category, cat_ind), soci::into(path, path_ind);
    if (!sql.got_data() || level != "team" || path_ind != soci::i_ok || path.empty()) return std::string();
    if (cat_ind != soci::i_ok) category.clear();
    return IsLegalUnit(name, category) ? path : std::string();
  });
  // Not a legal unit, or the account already sees the bureau: unchanged.
  if (!bureau_path || bureau_path->empty() || who.InScope(*bureau_path) || !who.unit_path.starts_with(*bureau_path))
    return who;
  Principal widened = who;
  widened.unit_path = *bureau_path;
  return widened;
}

int ScoringService::ObjectionDays(soci::session& sql, std::int64_t scheme_id) {
  {
    std::lock_guard lock(scheme_days_mu_);
    if (auto it = scheme_days_.find(scheme_id); it != scheme_days_.end()) return it->second;
  }
  long long sid = scheme_id;
  std::string document;
  soci::indicator ind = soci::i_null;
  sql << "SELECT document FROM score_schemes WHERE id = :id", soci::use(sid), soci::into(document, ind);
  if (!sql.got_data() || ind != soci::i_ok) return MonthInfo{}.objection_days;  // months reference their scheme
  int days = MonthInfo{}.objection_days;
  auto doc = nlohmann::json::parse(document, nullptr, false);
  if (doc.is_object() && doc.contains("objection_days") && doc["objection_days"].is_number_integer())
    days = doc["objection_days"].get<int>();
  std::lock_guard lock(scheme_days_mu_);
  scheme_days_[scheme_id] = days;
  return days;
}


std::optional<MonthInfo> ScoringService::LoadMonth(soci::session& sql, std::int64_t bureau, const std::string& month) {
  long long b = bureau;
  std::string m = month;
  soci::rowset<soci::row> rs =
      (sql.prepare << std::string("SELECT ") + kMonthColumns +
                          " FROM score_months m JOIN units u ON u.id = m.bureau_id "
                          "WHERE m.bureau_id = :b AND m.month = :m",
       soci::use(b), soci::use(m));
  std::optional<MonthInfo> out;
  for (const auto& r : rs) out = MonthFromRowExceptDays(r);
  // After the rowset is read: ObjectionDays may query the same session.
  if (out) out->objection_days = ObjectionDays(sql, out->scheme_id);
  return out;
}

void ScoringService::AddSource(std::shared_ptr<LedgerSource> source) { extra_sources_.push_back(std::move(source)); }

// ---- schemes ----

Result<std::vector<SchemeVersion>> ScoringService::ListSchemes(const Principal& caller,
                                                               std::optional<std::int64_t> bureau_id) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireRead(who); !ok) return std::unexpected(ok.error());
  return db_.Read([&](soci::session& sql) -> Result<std::vector<SchemeVersion>> {
    auto b = ResolveBureau(sql, who, bureau_id, false);
    if (!b) return std::unexpected(b.error());
    return LoadSchemes(sql, b->id);
  });
}

Result<SchemeVersion> ScoringService::GetScheme(const Principal& caller, std::int64_t id) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireRead(who); !ok) return std::unexpected(ok.error());
  return db_.Read([&](soci::session& sql) -> Result<SchemeVersion> {
    long long sid = id;
    soci::rowset<soci::row> rs =
        (sql.prepare << std::string("SELECT ") + kSchemeColumns + " FROM score_schemes WHERE id = :id", soci::use(sid));
    for (const auto& r : rs) {
      SchemeVersion v = SchemeFromRow(r);
      if (!ResolveBureau(sql, who, v.bureau_id, false)) return NotFound("积分方案不存在");
      return v;
    }
    return NotFound("积分方案不存在");
  });
}

Result<SchemeVersion> ScoringService::ValidateScheme(const Principal& caller, const SchemeInput& in) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireManage(who); !ok) return std::unexpected(ok.error());
  return db_.Read([&](soci::session& sql) -> Result<SchemeVersion> {
    auto b = ResolveBureau(sql, who, in.bureau_id, true);
    if (!b) return std::unexpected(b.error());
    std::optional<std::int64_t> close_id;
    std::string close_to;
    return CheckSchemeInput(sql, in, *b, close_id, close_to);
  });
}

Result<SchemeVersion> ScoringService::CreateScheme(const Principal& caller, const audit::Actor& actor,
                                                   const SchemeInput& in) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireManage(who); !ok) return std::unexpected(ok.error());
  return db_.Write([&](soci::session& sql) -> Result<SchemeVersion> {
    auto b = ResolveBureau(sql, who, in.bureau_id, true);
    if (!b) return std::unexpected(b.error());
    std::optional<std::int64_t> close_id;
    std::string close_to;
    auto v = CheckSchemeInput(sql, in, *b, close_id, close_to);
    if (!v) return std::unexpected(v.error());
    long long bid = b->id, version = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT MAX(version) FROM score_schemes WHERE bureau_id = :b", soci::use(bid), soci::into(version, ind);
    v->version = static_cast<int>((ind == soci::i_ok ? version : 0) + 1);
    if (close_id) {
      long long cid = *close_id;
      sql << "UPDATE score_schemes SET effective_to = :t WHERE id = :id", soci::use(close_to), soci::use(cid);
    }
    long long ver = v->version, now = clock_.Now(), id = 0;
    const std::string doc = v->document.dump();
    db::NullableInt created_by(actor.user_id);
    std::string to = v->effective_to.value_or("");
    soci::indicator to_ind = v->effective_to ? soci::i_ok : soci::i_null;
    const std::string by = Who(actor);
    sql << "INSERT INTO score_schemes (bureau_id, version, name, status, effective_from, effective_to, document, note, "
           "created_by, created_by_name, created_at) VALUES (:b, :v, :n, :s, :f, :t, :d, :note, :cb, :cbn, :at) "
           "RETURNING id",
        soci::use(bid), soci::use(ver), soci::use(v->name), soci::use(v->status), soci::use(v->effective_from),
        soci::use(to, to_ind), soci::use(doc), soci::use(v->note), soci::use(created_by.value, created_by.ind),
        soci::use(by), soci::use(now), soci::into(id);
    v->id = id;
    v->created_at = now;
    v->created_by_name = by;
    nlohmann::json detail = {{"version", v->version},
                             {"effective_from", v->effective_from},
                             {"effective_to", v->effective_to ? nlohmann::json(*v->effective_to) : nlohmann::json()},
                             {"status", v->status},
                             {"document", v->document}};
    if (close_id) detail["closed_previous"] = {{"id", *close_id}, {"effective_to", close_to}};
    audit::Append(sql, clock_, actor,
                  {"scoring.scheme.create", "score_scheme", std::to_string(id),
                   fmt::format("新建积分方案第 {} 版“{}”（{}，{} 起生效）", v->version, v->name, v->status,
                               v->effective_from),
                   detail});
    return *v;
  });
}

// ---- months ----

Result<std::vector<MonthInfo>> ScoringService::ListMonths(const Principal& caller, std::optional<std::int64_t> bureau_id,
                                                          std::optional<int> year) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireRead(who); !ok) return std::unexpected(ok.error());
  return db_.Read([&](soci::session& sql) -> Result<std::vector<MonthInfo>> {
    auto b = ResolveBureau(sql, who, bureau_id, false);
    if (!b) return std::unexpected(b.error());
    long long bid = b->id;
    std::string lo = year ? fmt::format("{:04d}-01", *year) : "0000-00";
    std::string hi = year ? fmt::format("{:04d}-12", *year) : "9999-12";
    std::vector<MonthInfo> out;
    soci::rowset<soci::row> rs =
        (sql.prepare << std::string("SELECT ") + kMonthColumns +
                            " FROM score_months m JOIN units u ON u.id = m.bureau_id "
                            "WHERE m.bureau_id = :b AND m.month >= :lo "
                            "AND m.month <= :hi ORDER BY m.month DESC",
         soci::use(bid), soci::use(lo), soci::use(hi));
    const bool manager = IsManager(who);
    for (const auto& r : rs) {
      MonthInfo m = MonthFromRowExceptDays(r);
      if (m.status == kDraft && !manager) continue;
      out.push_back(std::move(m));
    }
    for (auto& m : out) m.objection_days = ObjectionDays(sql, m.scheme_id);
    return out;
  });
}

Result<MonthInfo> ScoringService::GetMonth(const Principal& caller, std::optional<std::int64_t> bureau_id,
                                           const std::string& month) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireRead(who); !ok) return std::unexpected(ok.error());
  auto mk = RequireMonth(month, "month");
  if (!mk) return std::unexpected(mk.error());
  return db_.Read([&](soci::session& sql) -> Result<MonthInfo> {
    auto b = ResolveBureau(sql, who, bureau_id, false);
    if (!b) return std::unexpected(b.error());
    auto m = LoadMonth(sql, b->id, mk->Text());
    if (!m || (m->status == kDraft && !IsManager(who))) return NotFound(mk->Text() + " 的积分尚未公示");
    return *m;
  });
}

Result<MonthInfo> ScoringService::ComputeMonth(const Principal& caller, const audit::Actor& actor,
                                               std::optional<std::int64_t> bureau_id, const std::string& month) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireManage(who); !ok) return std::unexpected(ok.error());
  auto mk = RequireMonth(month, "month");
  if (!mk) return std::unexpected(mk.error());
  return db_.Write([&](soci::session& sql) -> Result<MonthInfo> {
    auto b = ResolveBureau(sql, who, bureau_id, true);
    if (!b) return std::unexpected(b.error());
    const std::string m = mk->Text();
    auto existing = LoadMonth(sql, b->id, m);
    if (existing && existing->status == kFinal)
      return Conflict(m + " 的积分已定稿，不能再重新计算", "month_final");
    if (existing && existing->status == kPublished)
      return Conflict(m + " 的积分已公示，公示后的积分冻结，不能重新计算（有异议请走复核）", "month_frozen");
    const EpochSeconds now = clock_.Now();
    auto draft = ComputeDraft(sql, *b, *mk, now, extra_sources_);
    if (!draft) return std::unexpected(draft.error());
    long long bid = b->id;
    std::string mm = m;
    sql << "DELETE FROM score_entries WHERE bureau_id = :b AND month = :m", soci::use(bid), soci::use(mm);
    StoreEntries(sql, b->id, m, draft->ledger, 0);
    const std::string hash = LedgerHash(draft->ledger);
    long long scheme_id = draft->scheme.id, version = draft->scheme.version,
              count = static_cast<long long>(draft->ledger.size()), skipped = draft->skipped, t = now;
    const std::string by = Who(actor);
    if (existing) {
      long long mid = existing->id;
      sql << "UPDATE score_months SET scheme_id = :s, scheme_version = :v, entry_count = :c, skipped_facts = :k, "
             "ledger_hash = :h, computed_at = :t, computed_by = :by, updated_at = :u WHERE id = :id",
          soci::use(scheme_id), soci::use(version), soci::use(count), soci::use(skipped), soci::use(hash), soci::use(t),
          soci::use(by), soci::use(t), soci::use(mid);
    } else {
      sql << "INSERT INTO score_months (bureau_id, month, status, scheme_id, scheme_version, entry_count, "
             "skipped_facts, ledger_hash, computed_at, computed_by, updated_at) "
             "VALUES (:b, :m, 'draft', :s, :v, :c, :k, :h, :t, :by, :u)",
          soci::use(bid), soci::use(mm), soci::use(scheme_id), soci::use(version), soci::use(count), soci::use(skipped),
          soci::use(hash), soci::use(t), soci::use(by), soci::use(t);
    }
    audit::Append(sql, clock_, actor,
                  {"scoring.month.compute", "score_month", fmt::format("{}:{}", b->id, m),
                   fmt::format("计算{} {} 执法积分（草稿，第 {} 版方案，{} 条）", b->name, m, version, count),
                   {{"bureau_id", b->id},
                    {"month", m},
                    {"scheme_version", version},
                    {"entries", count},
                    {"skipped_facts", skipped},
                    {"ledger_hash", hash}}});
    return *LoadMonth(sql, b->id, m);
  });
}

Result<MonthInfo> ScoringService::PublishMonth(const Principal& caller, const audit::Actor& actor,
                                               std::optional<std::int64_t> bureau_id, const std::string& month) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireManage(who); !ok) return std::unexpected(ok.error());
  auto mk = RequireMonth(month, "month");
  if (!mk) return std::unexpected(mk.error());
  return db_.Write([&](soci::session& sql) -> Result<MonthInfo> {
    auto b = ResolveBureau(sql, who, bureau_id, true);
    if (!b) return std::unexpected(b.error());
    const std::string m = mk->Text();
    auto existing = LoadMonth(sql, b->id, m);
    if (!existing) return Conflict(m + " 的积分尚未计算，请先计算再公示", "not_computed");
    if (existing->status == kFinal) return Conflict(m + " 的积分已定稿，不能再公示", "month_final");
    if (existing->status == kPublished) return Conflict(m + " 的积分已经公示", "month_frozen");
    const Scheme sc = LoadSchemeById(sql, existing->scheme_id).scheme;
    const Rankings r = RankingsNow(sql, *b, m, sc);
    const std::string snapshot = RankingsJson(r).dump();
    const EpochSeconds now = clock_.Now();
    long long t = now, deadline = ObjectionDeadline(now, existing->objection_days), mid = existing->id;
    const std::string by = Who(actor);
    sql << "UPDATE score_months SET status = 'published', published_at = :t, published_by = :by, "
           "objection_deadline = :d, published_snapshot = :s, updated_at = :u WHERE id = :id",
        soci::use(t), soci::use(by), soci::use(deadline), soci::use(snapshot), soci::use(t), soci::use(mid);
    audit::Append(sql, clock_, actor,
                  {"scoring.month.publish", "score_month", fmt::format("{}:{}", b->id, m),
                   fmt::format("公示{} {} 执法积分，复核截止 {}", b->name, m, FormatLocalDateTime(deadline)),
                   {{"bureau_id", b->id},
                    {"month", m},
                    {"ledger_hash", existing->ledger_hash},
                    {"objection_deadline", deadline}}});
    return *LoadMonth(sql, b->id, m);
  });
}

Result<MonthInfo> ScoringService::FinalizeMonth(const Principal& caller, const audit::Actor& actor,
                                                std::optional<std::int64_t> bureau_id, const std::string& month) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireManage(who); !ok) return std::unexpected(ok.error());
  auto mk = RequireMonth(month, "month");
  if (!mk) return std::unexpected(mk.error());
  return db_.Write([&](soci::session& sql) -> Result<MonthInfo> {
    auto b = ResolveBureau(sql, who, bureau_id, true);
    if (!b) return std::unexpected(b.error());
    const std::string m = mk->Text();
    auto existing = LoadMonth(sql, b->id, m);
    if (!existing) return Conflict(m + " 的积分尚未计算", "not_computed");
    if (existing->status == kFinal) return Conflict(m + " 的积分已定稿，不能重复定稿", "month_final");
    if (existing->status == kDraft) return Conflict(m + " 的积分尚未公示，须先公示并经过复核期", "month_not_published");
    const EpochSeconds now = clock_.Now();
    if (existing->objection_deadline && now < *existing->objection_deadline)
      return Conflict(fmt::format("复核期尚未结束（截止 {}），不能定稿", FormatLocalDateTime(*existing->objection_deadline)),
                      "objection_window_open");
    if (existing->pending_objections > 0)
      return Conflict(fmt::format("还有 {} 条复核申请未处理，处理完才能定稿", existing->pending_objections),
                      "objections_pending");
    const Scheme sc = LoadSchemeById(sql, existing->scheme_id).scheme;
    const Rankings r = RankingsNow(sql, *b, m, sc);
    const std::string snapshot = RankingsJson(r).dump();
    long long t = now, mid = existing->id;
    const std::string by = Who(actor);
    sql << "UPDATE score_months SET status = 'final', finalized_at = :t, finalized_by = :by, final_snapshot = :s, "
           "updated_at = :u WHERE id = :id",
        soci::use(t), soci::use(by), soci::use(snapshot), soci::use(t), soci::use(mid);
    audit::Append(sql, clock_, actor,
                  {"scoring.month.finalize", "score_month", fmt::format("{}:{}", b->id, m),
                   fmt::format("{} {} 执法积分定稿", b->name, m),
                   {{"bureau_id", b->id}, {"month", m}}});
    return *LoadMonth(sql, b->id, m);
  });
}

// ---- views ----

Result<RankingView> ScoringService::GetRankings(const Principal& caller, std::optional<std::int64_t> bureau_id,
                                                const std::string& month, std::optional<std::int64_t> unit_id) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireRead(who); !ok) return std::unexpected(ok.error());
  auto mk = RequireMonth(month, "month");
  if (!mk) return std::unexpected(mk.error());
  return db_.Read([&](soci::session& sql) -> Result<RankingView> {
    auto b = ResolveBureau(sql, who, bureau_id, false);
    if (!b) return std::unexpected(b.error());
    auto prefix = ViewPrefix(sql, who, *b, unit_id);
    if (!prefix) return std::unexpected(prefix.error());
    auto m = LoadMonth(sql, b->id, mk->Text());
    if (!m || (m->status == kDraft && !IsManager(who))) return NotFound(mk->Text() + " 的积分尚未公示");
    RankingView v;
    v.month = *m;
    v.phase = m->status;
    if (m->status == kDraft) {
      v.rankings = RankingsNow(sql, *b, m->month, LoadSchemeById(sql, m->scheme_id).scheme);
      v.rankings = FilterRankings(v.rankings, *prefix);
    } else {
      auto snap = FrozenRankings(sql, *m);
      if (!snap) return Internal("排名快照缺失或损坏");
      v.rankings = FilterRankings(*snap, *prefix);
      const EpochSeconds stamp = m->status == kFinal ? m->finalized_at.value_or(0) : m->published_at.value_or(0);
      v.frozen_key = fmt::format("{}|{}|{}|{}|{}", m->id, m->status, stamp, m->ledger_hash, *prefix);
    }
    return v;
  });
}

std::shared_ptr<const Rankings> ScoringService::FrozenRankings(soci::session& sql, const MonthInfo& m) {
  const EpochSeconds stamp = m.status == kFinal ? m.finalized_at.value_or(0) : m.published_at.value_or(0);
  {
    std::lock_guard lock(snapshots_mu_);
    if (auto it = snapshots_.find(m.id);
        it != snapshots_.end() && it->second.status == m.status && it->second.stamp == stamp)
      return it->second.rankings;
  }
  auto snap = SnapshotOf(sql, m.bureau_id, m.month);
  if (!snap) return nullptr;
  auto shared = std::make_shared<const Rankings>(std::move(*snap));
  std::lock_guard lock(snapshots_mu_);
  snapshots_[m.id] = CachedSnapshot{m.status, stamp, shared};
  return shared;
}

Result<RankingView> ScoringService::PreviewMonth(const Principal& caller, std::int64_t bureau_id, const std::string& month,
                                                std::optional<std::int64_t> unit_id) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireManage(who); !ok) return std::unexpected(ok.error());
  auto mk = RequireMonth(month, "month");
  if (!mk) return std::unexpected(mk.error());
  return db_.Read([&](soci::session& sql) -> Result<RankingView> {
    auto b = ResolveBureau(sql, who, bureau_id, true);
    if (!b) return std::unexpected(b.error());
    auto prefix = ViewPrefix(sql, who, *b, unit_id);
    if (!prefix) return std::unexpected(prefix.error());
    auto draft = ComputeDraft(sql, *b, *mk, clock_.Now(), extra_sources_);
    if (!draft) return std::unexpected(draft.error());
    RankingView v;
    v.phase = "preview";
    v.month.bureau_id = b->id;
    v.month.bureau_name = b->name;
    v.month.month = mk->Text();
    v.month.status = "preview";
    v.month.scheme_id = draft->scheme.id;
    v.month.scheme_version = draft->scheme.version;
    v.month.entry_count = static_cast<int>(draft->ledger.size());
    v.month.skipped_facts = draft->skipped;
    v.month.ledger_hash = LedgerHash(draft->ledger);
    v.month.computed_at = clock_.Now();
    auto prev = SnapshotOf(sql, b->id, mk->Prev().Text());
    v.rankings = BuildRankings(draft->ledger, draft->people, draft->units, draft->scheme.scheme.per_capita_police_only,
                               prev ? &*prev : nullptr);
    v.rankings = FilterRankings(v.rankings, *prefix);
    return v;
  });
}

std::vector<Result<RankingView>> ScoringService::PreviewMonths(const Principal& who,
                                                               const std::vector<std::int64_t>& bureau_ids,
                                                               const std::string& month,
                                                               std::optional<std::int64_t> unit_id, unsigned threads) {
  std::vector<std::optional<Result<RankingView>>> slots(bureau_ids.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < bureau_ids.size(); i = next++) {
      try {
        slots[i] = PreviewMonth(who, bureau_ids[i], month, unit_id);
      } catch (const std::exception& e) {
        slots[i] = Result<RankingView>(Internal(std::string("积分预览失败：") + e.what()));
      }
    }
  };
  const std::size_t n = std::min<std::size_t>(std::max(1u, threads), bureau_ids.size());
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < n; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  std::vector<Result<RankingView>> out;
  out.reserve(slots.size());
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

Result<OfficerMonth> ScoringService::GetOfficerMonth(const Principal& caller, std::optional<std::int64_t> person_id,
                                                     const std::string& month) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireRead(who); !ok) return std::unexpected(ok.error());
  auto mk = RequireMonth(month, "month");
  if (!mk) return std::unexpected(mk.error());
  if (!person_id && !who.person_id) return Forbidden("当前账号没有关联民警信息，无法查看个人积分", "no_person");
  const std::int64_t pid = person_id.value_or(who.person_id.value_or(0));
  return db_.Read([&](soci::session& sql) -> Result<OfficerMonth> {
    OfficerMonth out;
    std::string unit_path;
    std::int64_t bureau = 0;
    {
      long long p = pid;
      soci::rowset<soci::row> rs =
          (sql.prepare << "SELECT p.id, p.name, p.badge_no, p.kind, p.unit_id, p.active, u.name, u.path, u.bureau_id "
                          "FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = :id",
           soci::use(p));
      bool found = false;
      for (const auto& r : rs) {
        found = true;
        out.person = {db::GetInt64(r, 0), db::GetText(r, 1), db::GetText(r, 2), db::GetText(r, 3), db::GetInt64(r, 4),
                      db::GetInt64(r, 5) != 0};
        out.unit_name = db::GetText(r, 6);
        unit_path = db::GetText(r, 7);
        bureau = db::GetInt64(r, 8);
      }
      if (!found) return NotFound("人员不存在");
    }
    const bool own = who.person_id && *who.person_id == pid;
    if (!own && !(IsManager(who) && who.InScope(unit_path))) return NotFound("人员不存在");
    out.month = mk->Text();
    auto m = LoadMonth(sql, bureau, out.month);
    const bool visible = m && (m->status != kDraft || IsManager(who));
    out.status = m ? (visible ? m->status : "none") : "none";
    if (visible) {
      long long b = bureau, p = pid;
      std::string mm = out.month;
      std::vector<Entry> entries;
      soci::rowset<soci::row> rs =
          (sql.prepare << std::string("SELECT ") + kEntryColumns +
                              " FROM score_entries e WHERE e.bureau_id = :b AND e.month = :m AND e.person_id = :p "
                              "ORDER BY e.seq",
           soci::use(b), soci::use(mm), soci::use(p));
      for (const auto& r : rs) entries.push_back(EntryFromRow(r));
      std::unordered_map<std::int64_t, std::pair<std::int64_t, std::string>> objections;  // entry → (id, status)
      soci::rowset<soci::row> os =
          (sql.prepare << "SELECT entry_id, id, status FROM score_objections WHERE bureau_id = :b AND month = :m "
                          "AND person_id = :p ORDER BY id",
           soci::use(b), soci::use(mm), soci::use(p));
      for (const auto& r : os) objections[db::GetInt64(r, 0)] = {db::GetInt64(r, 1), db::GetText(r, 2)};
      for (auto& e : entries) {
        out.total += e.points;
        out.by_source[e.source] += e.points;
        out.by_act[e.act] += e.points;
        EntryView v = ViewOf(std::move(e), out.month, out.person.name, out.unit_name);
        if (auto it = objections.find(v.entry.id); it != objections.end()) {
          v.objection_id = it->second.first;
          v.objection_status = it->second.second;
        }
        out.entries.push_back(std::move(v));
      }
      if (auto snap = SnapshotOf(sql, bureau, out.month)) {
        for (const auto& o : snap->officers)
          if (o.person_id == pid) {
            out.rank_bureau = o.rank_bureau;
            out.rank_unit = o.rank_unit;
            out.movement = o.movement;
          }
      }
    }
    // Trend and year total: published/final months only.
    MonthKey first = *mk;
    for (int i = 0; i < 11; ++i) first = first.Prev();
    const MonthKey year_first{mk->year, 1};
    const MonthKey lo = std::min(first, year_first);
    std::map<std::string, Centi> totals;
    {
      long long b = bureau, p = pid;
      std::string from = lo.Text(), to = fmt::format("{:04d}-12", mk->year);
      soci::rowset<soci::row> rs =
          (sql.prepare << "SELECT m.month, COALESCE(SUM(e.points_centi), 0) FROM score_months m "
                          "LEFT JOIN score_entries e ON e.bureau_id = m.bureau_id AND e.month = m.month "
                          "AND e.person_id = :p WHERE m.bureau_id = :b AND m.month >= :f AND m.month <= :t "
                          "AND m.status IN ('published', 'final') GROUP BY m.month",
           soci::use(p), soci::use(b), soci::use(from), soci::use(to));
      for (const auto& r : rs) totals[db::GetText(r, 0)] = db::GetInt64(r, 1);
    }
    for (MonthKey k = first;; k = k.Next()) {
      auto it = totals.find(k.Text());
      out.trend.push_back({k.Text(), it == totals.end() ? std::nullopt : std::optional<Centi>(it->second)});
      if (k == *mk) break;
    }
    for (const auto& [mon, total] : totals)
      if (mon.starts_with(fmt::format("{:04d}-", mk->year))) out.year_total += total;
    return out;
  });
}

Result<YearTotals> ScoringService::GetYearTotals(const Principal& caller, std::optional<std::int64_t> bureau_id, int year,
                                                 std::optional<std::int64_t> unit_id) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireRead(who); !ok) return std::unexpected(ok.error());
  if (year < 2000 || year > 2100) return Invalid("年份无效", "year");
  return db_.Read([&](soci::session& sql) -> Result<YearTotals> {
    auto b = ResolveBureau(sql, who, bureau_id, false);
    if (!b) return std::unexpected(b.error());
    auto prefix = ViewPrefix(sql, who, *b, unit_id);
    if (!prefix) return std::unexpected(prefix.error());
    YearTotals out;
    out.bureau_id = b->id;
    out.year = year;
    long long bid = b->id;
    std::string lo = fmt::format("{:04d}-01", year), hi = fmt::format("{:04d}-12", year);
    std::set<std::string> counted;
    {
      soci::rowset<soci::row> rs =
          (sql.prepare << "SELECT month FROM score_months WHERE bureau_id = :b AND month >= :lo AND month <= :hi "
                          "AND status IN ('published', 'final')",
           soci::use(bid), soci::use(lo), soci::use(hi));
      for (const auto& r : rs) counted.insert(db::GetText(r, 0));
    }
    out.months_counted = static_cast<int>(counted.size());
    std::map<std::int64_t, std::map<int, Centi>> sums;
    {
      soci::rowset<soci::row> rs =
          (sql.prepare << "SELECT e.person_id, e.month, SUM(e.points_centi) FROM score_entries e "
                          "JOIN score_months m ON m.bureau_id = e.bureau_id AND m.month = e.month "
                          "WHERE e.bureau_id = :b AND e.month >= :lo AND e.month <= :hi "
                          "AND m.status IN ('published', 'final') GROUP BY e.person_id, e.month",
           soci::use(bid), soci::use(lo), soci::use(hi));
      for (const auto& r : rs)
        sums[db::GetInt64(r, 0)][ParseMonth(db::GetText(r, 1))->month] = db::GetInt64(r, 2);
    }
    const auto people = LoadPeople(sql, b->path);
    std::unordered_map<std::int64_t, const UnitInfo*> units;
    const auto unit_list = LoadUnits(sql, b->path);
    for (const auto& u : unit_list) units[u.id] = &u;
    for (const auto& p : people) {
      auto it_u = units.find(p.unit_id);
      if (it_u == units.end() || !it_u->second->path.starts_with(*prefix)) continue;
      auto it = sums.find(p.id);
      if (!p.active && it == sums.end()) continue;
      YearRow row;
      row.person_id = p.id;
      row.name = p.name;
      row.badge_no = p.badge_no;
      row.unit_id = p.unit_id;
      row.unit_name = it_u->second->name;
      row.months.assign(12, std::nullopt);
      for (int mo = 1; mo <= 12; ++mo) {
        if (!counted.contains(fmt::format("{:04d}-{:02d}", year, mo))) continue;
        Centi v = 0;
        if (it != sums.end())
          if (auto f = it->second.find(mo); f != it->second.end()) v = f->second;
        row.months[mo - 1] = v;
        row.total += v;
      }
      out.officers.push_back(std::move(row));
    }
    std::sort(out.officers.begin(), out.officers.end(), [](const YearRow& a, const YearRow& b) {
      return a.total != b.total ? a.total > b.total : a.person_id < b.person_id;
    });
    for (std::size_t i = 0; i < out.officers.size(); ++i)
      out.officers[i].rank = (i > 0 && out.officers[i - 1].total == out.officers[i].total) ? out.officers[i - 1].rank
                                                                                           : static_cast<int>(i) + 1;
    return out;
  });
}

Result<Paged<EntryView>> ScoringService::ListEntries(const Principal& caller, std::optional<std::int64_t> bureau_id,
                                                     const std::string& month, std::optional<std::int64_t> unit_id,
                                                     const PageRequest& page) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireManage(who); !ok) return std::unexpected(ok.error());
  auto mk = RequireMonth(month, "month");
  if (!mk) return std::unexpected(mk.error());
  return db_.Read([&](soci::session& sql) -> Result<Paged<EntryView>> {
    auto b = ResolveBureau(sql, who, bureau_id, false);
    if (!b) return std::unexpected(b.error());
    auto prefix = ViewPrefix(sql, who, *b, unit_id);
    if (!prefix) return std::unexpected(prefix.error());
    long long bid = b->id, limit = page.page_size, offset = page.Offset();
    std::string m = mk->Text(), pattern = EscapeLike(*prefix) + "%";
    Paged<EntryView> out;
    sql << "SELECT COUNT(*) FROM score_entries e JOIN units u ON u.id = e.unit_id "
           "WHERE e.bureau_id = :b AND e.month = :m AND u.path LIKE :p ESCAPE '\\'",
        soci::use(bid), soci::use(m), soci::use(pattern), soci::into(out.total);
    soci::rowset<soci::row> rs =
        (sql.prepare << std::string("SELECT ") + kEntryColumns +
                            ", p.name, u.name FROM score_entries e JOIN units u ON u.id = e.unit_id "
                            "JOIN people p ON p.id = e.person_id "
                            "WHERE e.bureau_id = :b AND e.month = :m AND u.path LIKE :p ESCAPE '\\' "
                            "ORDER BY e.person_id, e.seq LIMIT :l OFFSET :o",
         soci::use(bid), soci::use(m), soci::use(pattern), soci::use(limit), soci::use(offset));
    for (const auto& r : rs) out.items.push_back(ViewOf(EntryFromRow(r), m, db::GetText(r, 15), db::GetText(r, 16)));
    return out;
  });
}

Result<FileDownload> ScoringService::ExportMonth(const Principal& who, const audit::Actor& actor,
                                                 std::optional<std::int64_t> bureau_id, const std::string& month,
                                                 std::optional<std::int64_t> unit_id) {
  auto view = GetRankings(who, bureau_id, month, unit_id);
  if (!view) return std::unexpected(view.error());
  std::vector<EntryView> entries;
  if (IsManager(who)) {
    PageRequest all;
    all.page_size = 1000000;
    auto e = ListEntries(who, view->month.bureau_id, month, unit_id, all);
    if (!e) return std::unexpected(e.error());
    entries = std::move(e->items);
  }
  auto bytes = WriteMonthXlsx(*view, entries);
  if (!bytes) return std::unexpected(bytes.error());
  auto logged = db_.Write([&](soci::session& sql) -> Result<bool> {
    audit::Append(sql, clock_, actor,
                  {"scoring.export", "score_month", fmt::format("{}:{}", view->month.bureau_id, view->month.month),
                   fmt::format("导出{} {} 执法积分（{} 名民警，{} 条明细）", view->month.bureau_name, view->month.month,
                               view->rankings.officers.size(), entries.size()),
                   {{"unit_id", unit_id ? nlohmann::json(*unit_id) : nlohmann::json()},
                    {"officers", view->rankings.officers.size()},
                    {"entries", entries.size()}}});
    return true;
  });
  if (!logged) return std::unexpected(logged.error());
  return FileDownload{std::move(*bytes), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      fmt::format("执法积分_{}_{}.xlsx", view->month.bureau_name, view->month.month)};
}

// ---- objections ----

Result<Objection> ScoringService::FileObjection(const Principal& who, const audit::Actor& actor, std::int64_t entry_id,
                                                const std::string& reason_in) {
  if (auto ok = RequireRead(who); !ok) return std::unexpected(ok.error());
  if (!who.person_id) return Forbidden("当前账号没有关联民警信息，不能申请复核", "no_person");
  const std::string reason = Trim(reason_in);
  const auto len = Utf8Length(reason);
  if (len < 2) return Invalid("请写明复核理由", "reason");
  if (len > 500) return Invalid("复核理由不能超过 500 个字", "reason");
  return db_.Write([&](soci::session& sql) -> Result<Objection> {
    long long eid = entry_id;
    std::optional<Entry> entry;
    std::int64_t bureau = 0;
    std::string month;
    soci::rowset<soci::row> rs = (sql.prepare << std::string("SELECT ") + kEntryColumns +
                                                     ", e.bureau_id FROM score_entries e WHERE e.id = :id",
                                  soci::use(eid));
    for (const auto& r : rs) {
      entry = EntryFromRow(r);
      month = db::GetText(r, 14);
      bureau = db::GetInt64(r, 15);
    }
    if (!entry) return NotFound("积分条目不存在");
    if (entry->person_id != *who.person_id)
      return Forbidden("只能对本人的积分条目申请复核，不能对其他民警的积分提出异议", "not_own_entry");
    auto m = LoadMonth(sql, bureau, month);
    if (!m || m->status == kDraft) return Conflict(month + " 的积分尚未公示，公示后才能申请复核", "month_not_published");
    if (m->status == kFinal) return Conflict(month + " 的积分已定稿，不能再申请复核", "month_final");
    const EpochSeconds now = clock_.Now();
    if (m->objection_deadline && now >= *m->objection_deadline)
      return Conflict(fmt::format("{} 积分的复核期已于 {} 截止（公示后 {} 日内），不能再申请复核", month,
                                  FormatLocalDateTime(*m->objection_deadline), m->objection_days),
                      "objection_window_closed");
    if (entry->source == "adjustment") return Conflict("复核调整条目不能再申请复核", "adjustment_entry");
    long long pending = 0;
    sql << "SELECT COUNT(*) FROM score_objections WHERE entry_id = :e AND status = 'pending'", soci::use(eid),
        soci::into(pending);
    if (pending > 0) return Conflict("该积分条目已有复核申请正在处理", "objection_pending");
    long long b = bureau, person = entry->person_id, user = who.user_id, t = now, id = 0;
    std::string mm = month, rr = reason;
    sql << "INSERT INTO score_objections (bureau_id, month, entry_id, person_id, user_id, reason, status, created_at) "
           "VALUES (:b, :m, :e, :p, :u, :r, 'pending', :t) RETURNING id",
        soci::use(b), soci::use(mm), soci::use(eid), soci::use(person), soci::use(user), soci::use(rr), soci::use(t),
        soci::into(id);
    audit::Append(sql, clock_, actor,
                  {"scoring.objection.create", "score_objection", std::to_string(id),
                   fmt::format("对 {} 积分条目 #{}（{} 分）申请复核", month, entry_id, FormatPoints(entry->points)),
                   {{"entry_id", entry_id}, {"month", month}, {"reason", reason}}});
    return LoadObjection(sql, id)->first;
  });
}

Result<Objection> ScoringService::DecideObjection(const Principal& caller, const audit::Actor& actor, std::int64_t id,
                                                  const Decision& d) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireManage(who); !ok) return std::unexpected(ok.error());
  const std::string reason = Trim(d.reason);
  const auto len = Utf8Length(reason);
  if (len < 2) return Invalid("请写明处理理由", "reason");
  if (len > 500) return Invalid("处理理由不能超过 500 个字", "reason");
  if (d.adjustment && (*d.adjustment == 0 || *d.adjustment > 100000 || *d.adjustment < -100000))
    return Invalid("调整分值应在 -1000 到 1000 之间且不为 0", "adjustment");
  return db_.Write([&](soci::session& sql) -> Result<Objection> {
    auto loaded = LoadObjection(sql, id);
    if (!loaded || !who.InScope(loaded->second)) return NotFound("复核申请不存在");
    Objection o = loaded->first;
    if (o.status != "pending") return Conflict("该复核申请已经处理过", "objection_decided");
    auto m = LoadMonth(sql, o.bureau_id, o.month);
    if (!m || m->status == kFinal) return Conflict(o.month + " 的积分已定稿，不能再处理复核", "month_final");
    const EpochSeconds now = clock_.Now();
    long long t = now, oid = id;
    db::NullableInt decided_by(actor.user_id);
    const std::string by = Who(actor);
    std::string rr = reason;
    if (d.accept) {
      long long eid = o.entry_id;
      std::optional<Entry> entry;
      soci::rowset<soci::row> rs =
          (sql.prepare << std::string("SELECT ") + kEntryColumns + " FROM score_entries e WHERE e.id = :id",
           soci::use(eid));
      for (const auto& r : rs) entry = EntryFromRow(r);
      const Centi adj = d.adjustment.value_or(-entry->points);
      long long b = o.bureau_id, max_seq = 0;
      std::string mm = o.month;
      soci::indicator ind = soci::i_null;
      sql << "SELECT MAX(seq) FROM score_entries WHERE bureau_id = :b AND month = :m", soci::use(b), soci::use(mm),
          soci::into(max_seq, ind);
      Entry a;
      a.person_id = entry->person_id;
      a.unit_id = entry->unit_id;
      a.points = adj;
      a.source = "adjustment";
      a.act = "adjustment";
      a.object_type = "objection";
      a.object_id = id;
      a.case_id = entry->case_id;
      a.role = "";
      a.occurred_at = now;
      a.reason = fmt::format("复核调整 {} 分：{}（原条目：{}）", FormatPoints(adj), reason, entry->reason);
      a.scheme_version = entry->scheme_version;
      a.objection_id = id;
      StoreEntries(sql, o.bureau_id, o.month, std::vector<Entry>{a},
                   static_cast<int>((ind == soci::i_ok ? max_seq : 0) + 1));
      long long adj_id = 0, adj_points = adj;
      sql << "SELECT id FROM score_entries WHERE objection_id = :o AND source = 'adjustment'", soci::use(oid),
          soci::into(adj_id);
      sql << "UPDATE score_objections SET status = 'accepted', decided_by = :u, decided_by_name = :n, decided_at = :t, "
             "decision_reason = :r, adjustment_centi = :a, adjustment_entry_id = :ae WHERE id = :id",
          soci::use(decided_by.value, decided_by.ind), soci::use(by), soci::use(t), soci::use(rr), soci::use(adj_points),
          soci::use(adj_id), soci::use(oid);
      long long mid = m->id;
      sql << "UPDATE score_months SET entry_count = entry_count + 1, updated_at = :t WHERE id = :id", soci::use(t),
          soci::use(mid);
      audit::Append(sql, clock_, actor,
                    {"scoring.objection.accept", "score_objection", std::to_string(id),
                     fmt::format("采纳 {} 的复核申请 #{}，调整 {} 分：{}", o.person_name, id, FormatPoints(adj), reason),
                     {{"entry_id", o.entry_id}, {"adjustment_centi", adj}, {"adjustment_entry_id", adj_id}}});
    } else {
      sql << "UPDATE score_objections SET status = 'rejected', decided_by = :u, decided_by_name = :n, decided_at = :t, "
             "decision_reason = :r WHERE id = :id",
          soci::use(decided_by.value, decided_by.ind), soci::use(by), soci::use(t), soci::use(rr), soci::use(oid);
      audit::Append(sql, clock_, actor,
                    {"scoring.objection.reject", "score_objection", std::to_string(id),
                     fmt::format("驳回 {} 的复核申请 #{}：{}", o.person_name, id, reason),
                     {{"entry_id", o.entry_id}, {"reason", reason}}});
    }
    return LoadObjection(sql, id)->first;
  });
}

Result<std::vector<Objection>> ScoringService::ListObjections(const Principal& caller, const ObjectionFilter& f) {
  const Principal who = ScoringScope(caller);
  if (auto ok = RequireRead(who); !ok) return std::unexpected(ok.error());
  if (f.month)
    if (auto mk = RequireMonth(*f.month, "month"); !mk) return std::unexpected(mk.error());
  if (f.status && *f.status != "pending" && *f.status != "accepted" && *f.status != "rejected")
    return Invalid("状态只能是 pending、accepted 或 rejected", "status");
  return db_.Read([&](soci::session& sql) -> Result<std::vector<Objection>> {
    std::string q = kObjectionSelect;
    q += "WHERE 1 = 1";
    long long bid = 0, pid = 0;
    std::string month = f.month.value_or(""), status = f.status.value_or(""),
                pattern = EscapeLike(who.unit_path) + "%";
    const bool manager = IsManager(who);
    if (manager) {
      q += " AND u.path LIKE :scope ESCAPE '\\'";
    } else {
      if (!who.person_id) return std::vector<Objection>{};
      pid = *who.person_id;
      q += " AND o.person_id = :pid";
    }
    if (f.bureau_id) {
      bid = *f.bureau_id;
      q += " AND o.bureau_id = :bid";
    }
    if (f.month) q += " AND o.month = :month";
    if (f.status) q += " AND o.status = :status";
    q += " ORDER BY o.id DESC";
    soci::statement st(sql);
    soci::row row;
    st.alloc();
    st.prepare(q);
    st.exchange(soci::into(row));
    if (manager)
      st.exchange(soci::use(pattern, "scope"));
    else
      st.exchange(soci::use(pid, "pid"));
    if (f.bureau_id) st.exchange(soci::use(bid, "bid"));
    if (f.month) st.exchange(soci::use(month, "month"));
    if (f.status) st.exchange(soci::use(status, "status"));
    st.define_and_bind();
    std::vector<Objection> out;
    if (st.execute(true)) {
      do {
        out.push_back(ObjectionFromRow(row));
      } while (st.fetch());
    }
    return out;
  });
}

Result<std::vector<std::int64_t>> ScoringService::BureausFor(std::optional<std::int64_t> unit_id) {
  return db_.Read([&](soci::session& sql) -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> out;
    std::string pattern = "%";
    if (unit_id) {
      auto u = LoadUnit(sql, *unit_id);
      if (!u) return NotFound(fmt::format("单位 {} 不存在", *unit_id));
      if (u->level == "team") return std::vector<std::int64_t>{u->bureau_id};
      if (u->level == "bureau") return std::vector<std::int64_t>{u->id};
      pattern = EscapeLike(u->path) + "%";
    }
    soci::rowset<soci::row> rs =
        (sql.prepare << "SELECT id FROM units WHERE level = 'bureau' AND path LIKE :p ESCAPE '\\' ORDER BY path",
         soci::use(pattern));
    for (const auto& r : rs) out.push_back(db::GetInt64(r, 0));
    return out;
  });
}

}  // namespace fazhi::scoring
