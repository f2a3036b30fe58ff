#include "scoring/scoring_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "db/bulk_insert.h"
#include "db/sql.h"
#include "scoring/ledger_codec.h"

namespace fazhi::scoring::detail {

namespace {

std::optional<std::int64_t> NonZero(std::int64_t v) { return v != 0 ? std::optional<std::int64_t>(v) : std::nullopt; }

// ---- schemes

constexpr const char* kSchemeColumns =
    "id, bureau_id, version, name, status, effective_from, effective_to, document, note, created_by_name, created_at";

SchemeVersion SchemeFromRow(const db::Row& r) {
  SchemeVersion v;
  FZ_READ(r, v, id, bureau_id, version, name, status, effective_from, effective_to, note, created_by_name, created_at);
  v.document = nlohmann::json::parse(r.Text("document"), nullptr, false);
  if (auto s = ParseScheme(v.document)) v.scheme = *s;
  return v;
}

// ---- months

constexpr const char* kMonthColumns =
    "m.id, m.bureau_id, m.month, m.status, m.scheme_id, m.scheme_version, m.entry_count, m.skipped_facts, "
    "m.ledger_hash, m.computed_at, m.computed_by, m.published_at, m.published_by, m.objection_deadline, "
    "m.finalized_at, m.finalized_by, "
    "(SELECT COUNT(*) FROM score_objections o WHERE o.bureau_id = m.bureau_id AND o.month = m.month "
    "AND o.status = 'pending') AS pending_objections";

MonthInfo MonthFromRow(const db::Row& r) {
  MonthInfo m;
  FZ_READ(r, m, id, bureau_id, month, status, scheme_id, scheme_version, entry_count, skipped_facts, ledger_hash,
          computed_at, computed_by, published_at, published_by, objection_deadline, finalized_at, finalized_by,
          pending_objections);
  return m;
}

// ---- entries

constexpr const char* kEntryColumns =
    "e.id, e.person_id, e.unit_id, e.points_centi, e.source, e.act, e.object_type, e.object_id, e.case_id, e.role, "
    "e.occurred_at, e.reason, e.scheme_version, e.objection_id";

// A bureau's month is tens of thousands of entries: the columns are resolved once per query and
// read by position.
struct EntryColumns {
  explicit EntryColumns(const db::Row& r)
      : id(r.Column("id")),
        person_id(r.Column("person_id")),
        unit_id(r.Column("unit_id")),
        points(r.Column("points_centi")),
        source(r.Column("source")),
        act(r.Column("act")),
        object_type(r.Column("object_type")),
        object_id(r.Column("object_id")),
        case_id(r.Column("case_id")),
        role(r.Column("role")),
        occurred_at(r.Column("occurred_at")),
        reason(r.Column("reason")),
        scheme_version(r.Column("scheme_version")),
        objection_id(r.Column("objection_id")) {}

  Entry Read(const db::Row& r) const {
    Entry e;
    e.id = r.IntAt(id);
    e.person_id = r.IntAt(person_id);
    e.unit_id = r.IntAt(unit_id);
    e.points = r.IntAt(points);
    e.source = r.TextAt(source);
    e.act = r.TextAt(act);
    e.object_type = r.TextAt(object_type);
    e.object_id = r.IntAt(object_id);
    e.case_id = r.IntAt(case_id);
    e.role = r.TextAt(role);
    e.occurred_at = r.IntAt(occurred_at);
    e.reason = r.TextAt(reason);
    e.scheme_version = static_cast<int>(r.IntAt(scheme_version));
    e.objection_id = r.IntAt(objection_id);
    return e;
  }

  int id, person_id, unit_id, points, source, act, object_type, object_id, case_id, role, occurred_at, reason,
      scheme_version, objection_id;
};

// Runs an entries query and appends its rows to `out`.
void EachEntry(soci::session& sql, const std::string& q, const db::SqlArgs& a, std::vector<Entry>& out) {
  std::optional<EntryColumns> c;
  db::Each(sql, q, a, [&](const db::Row& r) {
    if (!c) c.emplace(r);
    out.push_back(c->Read(r));
  });
}

std::size_t EntryCount(const std::vector<Entry>& entries) { return entries.size(); }
std::size_t EntryCount(const Ledger& ledger) { return ledger.size(); }
const Entry& EntryAt(const std::vector<Entry>& entries, std::size_t i, Entry&) { return entries[i]; }
const Entry& EntryAt(const Ledger& ledger, std::size_t i, Entry& scratch) {
  scratch = ledger.EntryAt(i);
  return scratch;
}

// A city month is ~550,000 entries: written by db::BulkInsert (one prepared INSERT run over a batch
// on SQLite, one unnest INSERT per batch on PostgreSQL) instead of multi-row VALUES with 16 bound
// parameters per row.
template <typename L>
void InsertEntries(soci::session& sql, std::int64_t bureau, const std::string& month, const L& entries, int first_seq) {
  using B = db::BulkInsert;
  B ins("score_entries", {{"bureau_id", B::kInt},
                          {"month", B::kText},
                          {"seq", B::kInt},
                          {"person_id", B::kInt},
                          {"unit_id", B::kInt},
                          {"points_centi", B::kInt},
                          {"source", B::kText},
                          {"act", B::kText},
                          {"object_type", B::kText},
                          {"object_id", B::kInt},
                          {"case_id", B::kInt},
                          {"role", B::kText},
                          {"occurred_at", B::kInt},
                          {"reason", B::kText},
                          {"scheme_version", B::kInt},
                          {"objection_id", B::kInt}});
  Entry scratch;
  for (std::size_t i = 0; i < EntryCount(entries); ++i) {
    const Entry& e = EntryAt(entries, i, scratch);
    // A compact ledger's reason was written for this row only: moved, not copied.
    std::string reason = &e == &scratch ? std::move(scratch.reason) : e.reason;
    ins.Int(bureau)
        .Text(month)
        .Int(first_seq + static_cast<std::int64_t>(i))
        .Int(e.person_id)
        .Int(e.unit_id)
        .Int(e.points)
        .Text(e.source)
        .Text(e.act)
        .Text(e.object_type)
        .Int(e.object_id)
        .OptInt(NonZero(e.case_id))
        .Text(e.role)
        .Int(e.occurred_at)
        .Text(std::move(reason))
        .Int(e.scheme_version)
        .OptInt(NonZero(e.objection_id))
        .End(sql);
  }
  ins.Flush(sql);
}

// ---- objections

constexpr const char* kObjectionSelect =
    "SELECT o.id, o.bureau_id, o.month, o.entry_id, o.person_id, o.user_id, o.reason, o.status, o.created_at, "
    "o.decided_by_name, o.decided_at, o.decision_reason, o.adjustment_centi, o.adjustment_entry_id, "
    "e.points_centi AS entry_points, e.reason AS entry_reason "
    "FROM score_objections o JOIN score_entries e ON e.id = o.entry_id ";

Objection ObjectionFromRow(const db::Row& r) {
  Objection o;
  FZ_READ(r, o, id, bureau_id, month, entry_id, person_id, user_id, reason, status, created_at, decided_by_name,
          decided_at, decision_reason, adjustment_entry_id, entry_points, entry_reason);
  o.adjustment = r.OptInt("adjustment_centi");
  return o;
}

}  // namespace

// ---------------------------------------------------------------- schemes

std::vector<SchemeVersion> LoadSchemes(soci::session& sql, std::int64_t bureau) {
  db::SqlArgs a;
  const std::string q = fmt::format("SELECT {} FROM score_schemes WHERE bureau_id = {} ORDER BY version DESC",
                                    kSchemeColumns, a.Int(bureau));
  return db::AllOf(sql, q, a, SchemeFromRow);
}

std::optional<SchemeVersion> LoadScheme(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  const std::string q = fmt::format("SELECT {} FROM score_schemes WHERE id = {}", kSchemeColumns, a.Int(id));
  return db::FirstOf(sql, q, a, SchemeFromRow);
}

std::optional<SchemeVersion> SchemeFor(soci::session& sql, std::int64_t bureau, const std::string& month) {
  for (auto& v : LoadSchemes(sql, bureau))
    if (v.effective_from <= month && (!v.effective_to || month <= *v.effective_to)) return v;
  return std::nullopt;
}

std::optional<std::string> SchemeDocument(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::ScalarText(sql, fmt::format("SELECT document FROM score_schemes WHERE id = {}", a.Int(id)), a);
}

std::optional<std::string> LatestFrozenMonth(soci::session& sql, std::int64_t bureau, const std::string& from,
                                             const std::string& to) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT MAX(month) FROM score_months WHERE bureau_id = {} AND month >= {} AND month <= {} "
      "AND status IN ('published', 'final')",
      a.Int(bureau), a.Str(from), a.Str(to));
  auto m = db::ScalarText(sql, q, a);
  if (m && m->empty()) return std::nullopt;
  return m;
}

int NextSchemeVersion(soci::session& sql, std::int64_t bureau) {
  db::SqlArgs a;
  const std::string q = fmt::format("SELECT MAX(version) FROM score_schemes WHERE bureau_id = {}", a.Int(bureau));
  return static_cast<int>(db::ScalarInt(sql, q, a).value_or(0) + 1);
}

void CloseScheme(soci::session& sql, std::int64_t id, const std::string& effective_to) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("UPDATE score_schemes SET effective_to = {} WHERE id = {}", a.Str(effective_to), a.Int(id)),
           a);
}

std::int64_t InsertScheme(soci::session& sql, const SchemeVersion& v, std::optional<std::int64_t> created_by,
                          EpochSeconds now) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "INSERT INTO score_schemes (bureau_id, version, name, status, effective_from, effective_to, document, note, "
      "created_by, created_by_name, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
      a.Int(v.bureau_id), a.Int(v.version), a.Str(v.name), a.Str(v.status), a.Str(v.effective_from),
      a.OptStr(v.effective_to), a.Str(v.document.dump()), a.Str(v.note), a.OptInt(created_by), a.Str(v.created_by_name),
      a.Int(now));
  return db::Insert(sql, q, a);
}

// ---------------------------------------------------------------- months

std::optional<MonthInfo> LoadMonthRow(soci::session& sql, std::int64_t bureau, const std::string& month) {
  db::SqlArgs a;
  const std::string q = fmt::format("SELECT {} FROM score_months m WHERE m.bureau_id = {} AND m.month = {}",
                                    kMonthColumns, a.Int(bureau), a.Str(month));
  return db::FirstOf(sql, q, a, MonthFromRow);
}

std::vector<MonthInfo> LoadMonthRows(soci::session& sql, std::int64_t bureau, const std::string& lo,
                                     const std::string& hi) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT {} FROM score_months m WHERE m.bureau_id = {} AND m.month >= {} AND m.month <= {} "
      "ORDER BY m.month DESC",
      kMonthColumns, a.Int(bureau), a.Str(lo), a.Str(hi));
  return db::AllOf(sql, q, a, MonthFromRow);
}

void SaveComputedMonth(soci::session& sql, std::optional<std::int64_t> id, std::int64_t bureau,
                       const std::string& month, const ComputedMonth& c) {
  db::SqlArgs a;
  if (id) {
    db::Exec(
        sql,
        fmt::format("UPDATE score_months SET scheme_id = {}, scheme_version = {}, entry_count = {}, "
                    "skipped_facts = {}, ledger_hash = {}, computed_at = {}, computed_by = {}, updated_at = {} "
                    "WHERE id = {}",
                    a.Int(c.scheme_id), a.Int(c.scheme_version), a.Int(c.entry_count), a.Int(c.skipped_facts),
                    a.Str(c.ledger_hash), a.Int(c.computed_at), a.Str(c.computed_by), a.Int(c.computed_at), a.Int(*id)),
        a);
    return;
  }
  db::Values vals;
  FZ_VALUES(vals, c, scheme_id, scheme_version, entry_count, skipped_facts, ledger_hash, computed_at, computed_by);
  vals.Int("bureau_id", bureau).Str("month", month).Sql("status", "'draft'").Int("updated_at", c.computed_at);
  db::InsertValues(sql, "score_months", vals);
}

void MarkPublished(soci::session& sql, std::int64_t id, EpochSeconds at, const std::string& by, EpochSeconds deadline,
                   const std::string& snapshot) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE score_months SET status = 'published', published_at = {}, published_by = {}, "
                       "objection_deadline = {}, published_snapshot = {}, updated_at = {} WHERE id = {}",
                       a.Int(at), a.Str(by), a.Int(deadline), a.Str(snapshot), a.Int(at), a.Int(id)),
           a);
}

void MarkFinal(soci::session& sql, std::int64_t id, EpochSeconds at, const std::string& by,
               const std::string& snapshot) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE score_months SET status = 'final', finalized_at = {}, finalized_by = {}, "
                       "final_snapshot = {}, updated_at = {} WHERE id = {}",
                       a.Int(at), a.Str(by), a.Str(snapshot), a.Int(at), a.Int(id)),
           a);
}

void CountAdjustment(soci::session& sql, std::int64_t month_id, EpochSeconds at) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE score_months SET entry_count = entry_count + 1, updated_at = {} WHERE id = {}",
                       a.Int(at), a.Int(month_id)),
           a);
}

std::optional<Rankings> LoadSnapshot(soci::session& sql, std::int64_t bureau, const std::string& month) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT status, published_snapshot, final_snapshot FROM score_months WHERE bureau_id = {} AND month = {}",
      a.Int(bureau), a.Str(month));
  std::string text;
  db::First(sql, q, a, [&](const db::Row& r) {
    const std::string_view status = r.Text("status");
    if (status == kFinal)
      text = r.Str("final_snapshot");
    else if (status == kPublished)
      text = r.Str("published_snapshot");
  });
  if (text.empty()) return std::nullopt;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  auto rk = RankingsFromJson(j);
  if (!rk) return std::nullopt;
  return *rk;
}

std::set<std::string> FrozenMonths(soci::session& sql, std::int64_t bureau, const std::string& lo,
                                   const std::string& hi) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT month FROM score_months WHERE bureau_id = {} AND month >= {} AND month <= {} "
      "AND status IN ('published', 'final')",
      a.Int(bureau), a.Str(lo), a.Str(hi));
  std::set<std::string> out;
  db::Each(sql, q, a, [&](const db::Row& r) { out.insert(r.Str("month")); });
  return out;
}

// ---------------------------------------------------------------- entries

namespace {

constexpr std::int64_t kDraftSeqBits = 26;

// Entry `i` of a stored draft, with the id it is shown under.
Entry DraftEntry(const DraftLedger& d, std::size_t i) {
  Entry e = d.ledger.EntryAt(i);
  e.id = kDraftEntryIdBase + (d.id << kDraftSeqBits) + static_cast<std::int64_t>(i);
  return e;
}

// The stored draft's rows of units `unit_ids`, by person then seq.
std::vector<std::size_t> DraftUnitRows(const DraftLedger& d, std::span<const std::int64_t> unit_ids) {
  const std::set<std::int64_t> units(unit_ids.begin(), unit_ids.end());
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < d.ledger.rows.size(); ++i)
    if (units.contains(d.ledger.rows[i].unit_id)) out.push_back(i);
  std::stable_sort(out.begin(), out.end(), [&](std::size_t x, std::size_t y) {
    return d.ledger.rows[x].person_id < d.ledger.rows[y].person_id;
  });
  return out;
}

std::optional<DraftLedger> DraftFromRow(const db::Row& r) {
  auto ledger = DecodeLedger(r.TextAt(r.Column("ledger")));
  // A damaged stored draft is a database failure, not "no draft" (which would show no entries).
  if (!ledger) throw soci::soci_error(fmt::format("score_draft_ledgers {}: 无法解码台账", r.Int("id")));
  return DraftLedger{.id = r.Int("id"), .ledger = std::move(*ledger)};
}

}  // namespace

std::optional<DraftLedger> LoadDraftLedger(soci::session& sql, std::int64_t bureau, const std::string& month) {
  db::SqlArgs a;
  std::optional<DraftLedger> out;
  db::First(sql,
            fmt::format("SELECT id, ledger FROM score_draft_ledgers WHERE bureau_id = {} AND month = {}", a.Int(bureau),
                        a.Str(month)),
            a, [&](const db::Row& r) { out = DraftFromRow(r); });
  return out;
}

void StoreDraftLedger(soci::session& sql, std::int64_t bureau, const std::string& month, const Ledger& ledger,
                      EpochSeconds now) {
  db::Values v;
  v.Int("bureau_id", bureau)
      .Str("month", month)
      .Int("entry_count", static_cast<std::int64_t>(ledger.size()))
      .Str("ledger", EncodeLedger(ledger))
      .Int("created_at", now);
  db::InsertValues(sql, "score_draft_ledgers", v);
}

bool MaterializeDraft(soci::session& sql, std::int64_t bureau, const std::string& month) {
  const auto draft = LoadDraftLedger(sql, bureau, month);
  if (!draft) return false;
  InsertEntries(sql, bureau, month, draft->ledger, 0);
  db::SqlArgs a;
  db::Exec(sql, fmt::format("DELETE FROM score_draft_ledgers WHERE id = {}", a.Int(draft->id)), a);
  return true;
}

std::optional<StoredEntry> LoadEntry(soci::session& sql, std::int64_t id) {
  if (id >= kDraftEntryIdBase) {
    const std::int64_t draft_id = (id - kDraftEntryIdBase) >> kDraftSeqBits;
    const auto seq = static_cast<std::size_t>((id - kDraftEntryIdBase) & ((std::int64_t{1} << kDraftSeqBits) - 1));
    db::SqlArgs a;
    std::optional<StoredEntry> out;
    db::First(
        sql, fmt::format("SELECT id, bureau_id, month, ledger FROM score_draft_ledgers WHERE id = {}", a.Int(draft_id)),
        a, [&](const db::Row& r) {
          const auto d = DraftFromRow(r);
          if (seq < d->ledger.size())
            out = StoredEntry{.entry = DraftEntry(*d, seq), .month = r.Str("month"), .bureau_id = r.Int("bureau_id")};
        });
    return out;
  }
  db::SqlArgs a;
  const std::string q =
      fmt::format("SELECT {}, e.month, e.bureau_id FROM score_entries e WHERE e.id = {}", kEntryColumns, a.Int(id));
  std::optional<StoredEntry> out;
  db::First(sql, q, a, [&](const db::Row& r) {
    out = StoredEntry{.entry = EntryColumns(r).Read(r), .month = r.Str("month"), .bureau_id = r.Int("bureau_id")};
  });
  return out;
}

std::vector<Entry> LoadMonthEntries(soci::session& sql, std::int64_t bureau, const std::string& month,
                                    std::optional<std::int64_t> person) {
  std::vector<Entry> out;
  if (const auto d = LoadDraftLedger(sql, bureau, month)) {
    for (std::size_t i = 0; i < d->ledger.size(); ++i)
      if (!person || d->ledger.rows[i].person_id == *person) out.push_back(DraftEntry(*d, i));
    return out;
  }
  db::SqlArgs a;
  std::string q = fmt::format("SELECT {} FROM score_entries e WHERE e.bureau_id = {} AND e.month = {}", kEntryColumns,
                              a.Int(bureau), a.Str(month));
  if (person) q += fmt::format(" AND e.person_id = {}", a.Int(*person));
  q += " ORDER BY e.seq";
  EachEntry(sql, q, a, out);
  return out;
}

UnitEntryPage LoadUnitEntries(soci::session& sql, std::int64_t bureau, const std::string& month,
                              std::span<const std::int64_t> unit_ids, std::int64_t limit, std::int64_t offset) {
  UnitEntryPage out;
  if (const auto d = LoadDraftLedger(sql, bureau, month)) {  // decoded once for the count and the page
    const auto rows = DraftUnitRows(*d, unit_ids);
    out.total = std::ssize(rows);
    const auto first = static_cast<std::size_t>(std::clamp<std::int64_t>(offset, 0, out.total));
    const auto last = static_cast<std::size_t>(std::clamp<std::int64_t>(offset + limit, 0, out.total));
    for (std::size_t k = first; k < last; ++k) out.entries.push_back(DraftEntry(*d, rows[k]));
    return out;
  }
  const std::vector<std::int64_t> units(unit_ids.begin(), unit_ids.end());
  db::SqlArgs c;
  out.total = db::Count(sql,
                        fmt::format("SELECT COUNT(*) FROM score_entries e WHERE e.bureau_id = {} AND e.month = {} AND "
                                    "e.unit_id IN {}",
                                    c.Int(bureau), c.Str(month), c.IntList(units)),
                        c);
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT {} FROM score_entries e WHERE e.bureau_id = {} AND e.month = {} AND e.unit_id IN {} "
      "ORDER BY e.person_id, e.seq LIMIT {} OFFSET {}",
      kEntryColumns, a.Int(bureau), a.Str(month), a.IntList(units), a.Int(limit), a.Int(offset));
  EachEntry(sql, q, a, out.entries);
  return out;
}

void DeleteMonthEntries(soci::session& sql, std::int64_t bureau, const std::string& month) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("DELETE FROM score_entries WHERE bureau_id = {} AND month = {}", a.Int(bureau), a.Str(month)),
           a);
  db::SqlArgs b;
  db::Exec(
      sql,
      fmt::format("DELETE FROM score_draft_ledgers WHERE bureau_id = {} AND month = {}", b.Int(bureau), b.Str(month)),
      b);
}

void StoreEntries(soci::session& sql, std::int64_t bureau, const std::string& month, const Ledger& ledger,
                  int first_seq) {
  InsertEntries(sql, bureau, month, ledger, first_seq);
}

void StoreEntries(soci::session& sql, std::int64_t bureau, const std::string& month, const std::vector<Entry>& entries,
                  int first_seq) {
  InsertEntries(sql, bureau, month, entries, first_seq);
}

int MaxSeq(soci::session& sql, std::int64_t bureau, const std::string& month) {
  db::SqlArgs a;
  const std::string q = fmt::format("SELECT MAX(seq) FROM score_entries WHERE bureau_id = {} AND month = {}",
                                    a.Int(bureau), a.Str(month));
  return static_cast<int>(db::ScalarInt(sql, q, a).value_or(0));
}

std::map<std::string, Centi> PersonMonthTotals(soci::session& sql, std::int64_t bureau, std::int64_t person,
                                               const std::string& from, const std::string& to) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT m.month AS month, COALESCE(SUM(e.points_centi), 0) AS total FROM score_months m "
      "LEFT JOIN score_entries e ON e.bureau_id = m.bureau_id AND e.month = m.month AND e.person_id = {} "
      "WHERE m.bureau_id = {} AND m.month >= {} AND m.month <= {} AND m.status IN ('published', 'final') "
      "GROUP BY m.month",
      a.Int(person), a.Int(bureau), a.Str(from), a.Str(to));
  std::map<std::string, Centi> out;
  db::Each(sql, q, a, [&](const db::Row& r) { out[r.Str("month")] = r.Int("total"); });
  return out;
}

std::map<std::int64_t, std::map<int, Centi>> PersonMonthSums(soci::session& sql, std::int64_t bureau,
                                                             const std::string& lo, const std::string& hi) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT e.person_id AS person_id, e.month AS month, SUM(e.points_centi) AS total FROM score_entries e "
      "JOIN score_months m ON m.bureau_id = e.bureau_id AND m.month = e.month "
      "WHERE e.bureau_id = {} AND e.month >= {} AND e.month <= {} AND m.status IN ('published', 'final') "
      "GROUP BY e.person_id, e.month",
      a.Int(bureau), a.Str(lo), a.Str(hi));
  std::map<std::int64_t, std::map<int, Centi>> out;
  db::Each(sql, q, a, [&](const db::Row& r) {
    if (auto m = points::ParseMonth(r.Text("month"))) out[r.Int("person_id")][m->month] = r.Int("total");
  });
  return out;
}

// ---------------------------------------------------------------- objections

std::optional<Objection> LoadObjection(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  const std::string q = fmt::format("{}WHERE o.id = {}", kObjectionSelect, a.Int(id));
  return db::FirstOf(sql, q, a, ObjectionFromRow);
}

std::vector<Objection> LoadObjections(soci::session& sql, const ObjectionFilter& f,
                                      std::optional<std::int64_t> person) {
  db::SqlArgs a;
  std::string q = std::string(kObjectionSelect) + "WHERE 1 = 1";
  if (person) q += fmt::format(" AND o.person_id = {}", a.Int(*person));
  if (f.bureau_id) q += fmt::format(" AND o.bureau_id = {}", a.Int(*f.bureau_id));
  if (f.month) q += fmt::format(" AND o.month = {}", a.Str(*f.month));
  if (f.status) q += fmt::format(" AND o.status = {}", a.Str(*f.status));
  q += " ORDER BY o.id DESC";
  return db::AllOf(sql, q, a, ObjectionFromRow);
}

std::map<std::int64_t, std::pair<std::int64_t, std::string>> ObjectionsByEntry(soci::session& sql, std::int64_t bureau,
                                                                               const std::string& month,
                                                                               std::int64_t person) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT entry_id, id, status FROM score_objections WHERE bureau_id = {} AND month = {} AND person_id = {} "
      "ORDER BY id",
      a.Int(bureau), a.Str(month), a.Int(person));
  std::map<std::int64_t, std::pair<std::int64_t, std::string>> out;
  db::Each(sql, q, a, [&](const db::Row& r) { out[r.Int("entry_id")] = {r.Int("id"), r.Str("status")}; });
  return out;
}

bool HasPendingObjection(soci::session& sql, std::int64_t entry_id) {
  db::SqlArgs a;
  return db::Count(sql,
                   fmt::format("SELECT COUNT(*) FROM score_objections WHERE entry_id = {} AND status = 'pending'",
                               a.Int(entry_id)),
                   a) > 0;
}

std::int64_t InsertObjection(soci::session& sql, const Objection& o) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "INSERT INTO score_objections (bureau_id, month, entry_id, person_id, user_id, reason, status, created_at) "
      "VALUES ({}, {}, {}, {}, {}, {}, 'pending', {}) RETURNING id",
      a.Int(o.bureau_id), a.Str(o.month), a.Int(o.entry_id), a.Int(o.person_id), a.Int(o.user_id), a.Str(o.reason),
      a.Int(o.created_at));
  return db::Insert(sql, q, a);
}

void DecideObjectionRow(soci::session& sql, std::int64_t id, const std::string& status,
                        std::optional<std::int64_t> decided_by, const std::string& decided_by_name, EpochSeconds at,
                        const std::string& reason, std::optional<std::pair<Centi, std::int64_t>> adjustment) {
  db::SqlArgs a;
  std::string q = fmt::format(
      "UPDATE score_objections SET status = {}, decided_by = {}, decided_by_name = {}, decided_at = {}, "
      "decision_reason = {}",
      a.Str(status), a.OptInt(decided_by), a.Str(decided_by_name), a.Int(at), a.Str(reason));
  if (adjustment)
    q += fmt::format(", adjustment_centi = {}, adjustment_entry_id = {}", a.Int(adjustment->first),
                     a.Int(adjustment->second));
  q += fmt::format(" WHERE id = {}", a.Int(id));
  db::Exec(sql, q, a);
}

std::int64_t AdjustmentEntryId(soci::session& sql, std::int64_t objection_id) {
  db::SqlArgs a;
  return db::Count(sql,
                   fmt::format("SELECT id FROM score_entries WHERE objection_id = {} AND source = 'adjustment'",
                               a.Int(objection_id)),
                   a);
}

}  // namespace fazhi::scoring::detail
