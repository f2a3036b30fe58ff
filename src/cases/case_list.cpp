// CaseService: the case list (at province scale: the query shapes below) and its export.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "auth/roles.h"
#include "cases/case_checks.h"
#include "cases/case_reads.h"
#include "cases/case_service.h"
#include "cases/case_store.h"
#include "core/local_time.h"
#include "files/attachments.h"
#include "files/spreadsheet.h"

namespace fazhi::cases {

using detail::Require;

namespace {

constexpr std::int64_t kMaxExportRows = 50000;

// The unit a case filter names. A unit of the caller's own 分局 may be named (a bound 法制员 filters
// by the 派出所 of his cases); others are answered as missing.
Result<store::UnitInfo> FilterUnit(soci::session& sql, const auth::Principal& who, std::int64_t unit_id) {
  auto unit = store::LoadUnit(sql, unit_id);
  const bool same_bureau = unit && who.bureau_id && unit->bureau_id == *who.bureau_id;
  if (!unit || (!who.InScope(unit->path) && !same_bureau)) return NotFound("单位不存在");
  return *unit;
}

// The filter terms every list shape writes the same way: officer, 法制员, acceptance time, text.
std::string OfficerTerms(db::SqlArgs& a, const CaseFilter& f) {
  std::string where;
  if (f.officer_id)
    where += fmt::format(" AND c.id IN (SELECT fo.case_id FROM case_officers fo WHERE fo.person_id = {})",
                         a.Int(*f.officer_id));  // 主办 (role lead) or 协办
  if (f.legal_officer_id) where += fmt::format(" AND c.legal_officer_id = {}", a.Int(*f.legal_officer_id));
  return where;
}
std::string TimeAndTextTerms(db::SqlArgs& a, const CaseFilter& f) {
  std::string where;
  if (f.accepted_from) where += fmt::format(" AND c.accepted_at >= {}", a.Int(*f.accepted_from));
  if (f.accepted_to) where += fmt::format(" AND c.accepted_at < {}", a.Int(*f.accepted_to));
  if (!f.ids.empty()) where += fmt::format(" AND c.id IN {}", a.IntList(f.ids));
  if (f.q && !f.q->empty()) {
    const std::string like = db::ContainsPattern(*f.q);
    where += fmt::format(
        " AND (c.external_id LIKE {} ESCAPE '\\' OR c.cause LIKE {} ESCAPE '\\' OR c.title LIKE {} ESCAPE '\\')",
        a.Str(like), a.Str(like), a.Str(like));
  }
  return where;
}

// WHERE clause (after the FROM) for a case filter; binds into `a`.
Result<std::string> CaseWhere(soci::session& sql, db::SqlArgs& a, const auth::Principal& who, const CaseFilter& f) {
  std::string where = " WHERE " + CaseVisible(a, who, "c", "u.path");
  if (f.unit_id) {
    const store::UnitInfo unit = FZ_TRY(FilterUnit(sql, who, *f.unit_id));
    where += fmt::format(" AND {}", db::PathUnder(a, "u.path", unit.path));
  }
  where += OfficerTerms(a, f);
  if (f.case_type) where += fmt::format(" AND c.case_type = {}", a.Str(*f.case_type));
  if (f.status) where += fmt::format(" AND c.status = {}", a.Str(*f.status));
  if (f.alert_state) where += fmt::format(" AND c.alert_state = {}", a.Str(*f.alert_state));
  if (f.category) where += fmt::format(" AND c.category = {}", a.Str(*f.category));
  return where + TimeAndTextTerms(a, f);
}

std::string CaseOrder(const PageRequest& page) {
  const char* dir = page.descending ? "DESC" : "ASC";
  if (page.sort == "external_id") return fmt::format(" ORDER BY c.external_id {}, c.id", dir);
  if (page.sort == "updated_at") return fmt::format(" ORDER BY c.updated_at {}, c.id {}", dir, dir);
  // Cases without an open deadline go last either way.
  if (page.sort == "next_due_at")
    return fmt::format(" ORDER BY CASE WHEN c.next_due_at IS NULL THEN 1 ELSE 0 END, c.next_due_at {}, c.id", dir);
  if (page.sort == "nearest_due_at")
    return fmt::format(" ORDER BY CASE WHEN c.nearest_due_at IS NULL THEN 1 ELSE 0 END, c.nearest_due_at {}, c.id",
                       dir);
  if (page.sort == "status") return fmt::format(" ORDER BY c.status {}, c.accepted_at DESC, c.id", dir);
  if (page.sort == "unit") return fmt::format(" ORDER BY u.path {}, c.accepted_at DESC, c.id", dir);
  return fmt::format(" ORDER BY c.accepted_at {}, c.id {}", dir, dir);
}

// ---- case list at province scale (issue 3; measured by bench/case_list_bench.sh on 1,000,000
// cases, 1,777 units) ----
//
// The list runs on every page view, so its SQL is written to give the right plan without planner
// statistics (SQLite has none unless someone runs ANALYZE) on both backends:
//  - scope and unit filter are `c.unit_id IN (ids)` (few units, read once per request) or
//    `c.unit_id IN (SELECT id FROM units WHERE path LIKE …)`, not a join on units.path, so the
//    (unit_id, accepted_at) index can drive the query;
//  - a narrow scope (a 派出所, a 分局: fewer than kBroadScopeUnits units) is read through that index —
//    OR'ed with the person's own cases (case_officers, legal_officer_id) — and the few rows are sorted.
//    Status, alert and category terms are written `(c.status || '') = …` so the planner cannot prefer
//    their indexes, which are not selective inside a small scope;
//  - a broad scope (a 市局, the 省厅) with the default order walks the cases newest first through
//    (accepted_at, unit_id), or (status|alert_state, accepted_at, unit_id) when filtered by one of
//    them, and checks the unit inside the same index: a page stops after about
//    page_size × (all cases ÷ cases in scope) index entries. There the unit term is `+c.unit_id IN …`,
//    so the planner does not read the whole scope through the per-unit index and sort it.
//  - the total counts at most kCaseListCountCap + 1 rows (kBroadCaseListCountCap + 1 over a broad scope), through the
//    per-unit index (covering without other filters) or, with a status/alert filter over a broad scope, through
//    the walk; no count is run when the ids read show the total (one person's short list read whole, a page
//    that is not full: IdsAndTotal);
//  - the page's ids come from `cases` alone; the joined names are read for those ids only.
// `+x` and `(x || '')` change no result on either backend; they only hide the column from the
// planner (the usual SQLite idiom, also valid PostgreSQL). Indexes: migrations 020 and 021.
constexpr std::size_t kBroadScopeUnits = 50;

// The units under one path: their ids when there are few (bound as a list, so the per-unit index
// drives the query and the units table is read once per request), else only the path (matched by
// a subquery), or nothing at all when the path is the only root (the whole database: a
// province-wide leader's scope needs no unit term).
struct UnitSet {
  std::string path;
  std::vector<std::int64_t> ids;
  bool broad = false;
  bool everything = false;
};

// Paths found to hold kBroadScopeUnits units or more (not the only root), remembered for a minute:
// a broad scope is matched by its path, so its list needs no read of the units and a unit added or
// removed meanwhile changes nothing it shows. Only the query's shape could be out of date — a 市局
// that lost units would be walked as a broad scope for up to a minute. The read it saves is one of
// the four statements of a 市局 list (issue 16, case list on PostgreSQL).
ExpiringSet& Broad() {
  static ExpiringSet paths(std::chrono::minutes(1));
  return paths;
}

UnitSet UnitsUnder(soci::session& sql, const std::string& path) {
  UnitSet set;
  set.path = path;
  if (Broad().Has(path)) {
    set.broad = true;
    return set;
  }
  db::SqlArgs a;
  db::Each(sql, fmt::format("SELECT id FROM units WHERE {} LIMIT {}", db::PathUnder(a, "path", path), kBroadScopeUnits),
           a, [&](const db::Row& r) { set.ids.push_back(r.Int("id")); });
  set.broad = set.ids.size() >= kBroadScopeUnits;
  if (set.broad) {
    set.ids.clear();
    // A root's path is "/id/"; it covers everything when no other root exists.
    if (std::count(path.begin(), path.end(), '/') == 2) {
      db::SqlArgs b;
      const bool other_root = db::First(sql,
                                        fmt::format("SELECT id FROM units WHERE parent_id IS NULL AND NOT {} LIMIT 1",
                                                    db::PathUnder(b, "path", path)),
                                        b, [](const db::Row&) {});
      set.everything = !other_root;
    }
    if (!set.everything) Broad().Add(path);
  }
  return set;
}

// How the list query is driven (see the comment above kBroadScopeUnits).
enum class Drive {
  kUnits,   // by the scope's units: (unit_id, accepted_at); status/alert terms hidden from the planner
  kFilter,  // by status or alert state within the units: (status|alert_state, unit_id, accepted_at)
  kWalk,    // newest first through (accepted_at|status|alert_state, …, unit_id); unit terms hidden
  kUnion,   // the caller's own cases added: a UNION of the scope's units, the cases the caller works
            // on and the cases bound to him, a status/alert filter pushed into each part
};

struct ListShape {
  UnitSet scope;                          // the caller's units
  std::optional<UnitSet> unit;            // the unit filter's subtree
  std::optional<std::int64_t> person_id;  // OR this person's own cases in: some lie outside `scope`
  Drive page = Drive::kUnits;
  Drive count = Drive::kUnits;
  std::int64_t count_cap = kCaseListCountCap;
};

std::string UnitTerm(soci::session& sql, db::SqlArgs& a, const UnitSet& set, std::string_view col, const char* alias);

// 捆绑责任 lets the people on a case see it wherever their own unit is. Usually all of a person's
// cases are inside his unit's subtree anyway (a 派出所 officer's, a leader's); then the OR term is
// left out and the query has one index to drive it. One short index lookup answers that.
bool BoundOutside(soci::session& sql, const auth::Principal& who, const UnitSet& scope) {
  if (!who.person_id) return false;
  db::SqlArgs a;
  // Two index lookups (an OR of the two would be a scan of every case on PostgreSQL).
  const std::string officer = a.Int(*who.person_id);
  const std::string outside_officer = UnitTerm(sql, a, scope, "+c.unit_id", "xu");
  const std::string legal = a.Int(*who.person_id);
  const std::string outside_legal = UnitTerm(sql, a, scope, "+l.unit_id", "yu");
  return db::First(sql,
                   fmt::format("SELECT c.id FROM case_officers vo JOIN cases c ON c.id = vo.case_id WHERE vo.person_id "
                               "= {} AND NOT ({}) UNION ALL SELECT l.id FROM cases l WHERE l.legal_officer_id = {} AND "
                               "NOT ({}) LIMIT 1",
                               officer, outside_officer, legal, outside_legal),
                   a, [](const db::Row&) {});
}

Result<ListShape> ListShapeFor(soci::session& sql, const auth::Principal& who, const CaseFilter& f,
                               const PageRequest& page) {
  ListShape shape;
  shape.scope = UnitsUnder(sql, who.unit_path);
  bool broad = shape.scope.broad;
  if (f.unit_id) {
    const store::UnitInfo unit = FZ_TRY(FilterUnit(sql, who, *f.unit_id));
    shape.unit = UnitsUnder(sql, unit.path);
    broad = broad && shape.unit->broad;
  }
  if (BoundOutside(sql, who, shape.scope)) shape.person_id = who.person_id;
  const bool person_filter = f.officer_id || f.legal_officer_id;
  if (broad) shape.count_cap = kBroadCaseListCountCap;
  const bool by_time = page.sort.empty() || page.sort == "accepted_at";
  const bool walk_page = broad && by_time && !person_filter;
  // A status or alert filter within the units reads only the matching index entries, unless the
  // caller's own cases are OR'ed in (then the planner would read the filter's index for the
  // whole database).
  const bool by_filter = (f.status || f.alert_state) && !shape.person_id && !person_filter;
  // Within a 分局 or smaller, the caller's own cases outside it are added by a UNION of three index
  // reads (an OR of them is a scan of every case on PostgreSQL, and with a filter on SQLite too).
  const bool by_union = shape.person_id && !person_filter && !f.unit_id && !broad;
  shape.page = walk_page ? Drive::kWalk : by_filter ? Drive::kFilter : by_union ? Drive::kUnion : Drive::kUnits;
  shape.count = by_filter                                  ? Drive::kFilter
                : by_union                                 ? Drive::kUnion
                : walk_page && (f.status || f.alert_state) ? Drive::kWalk
                                                           : Drive::kUnits;
  return shape;
}

// `col IN (…)` for a unit set; a col written "+c.unit_id" is not an index driver.
std::string UnitTerm(soci::session& sql, db::SqlArgs& a, const UnitSet& set, std::string_view col, const char* alias) {
  if (set.everything) return fmt::format("{} IS NOT NULL", col);
  if (!set.broad) {
    std::string in;
    for (std::int64_t id : set.ids) in += (in.empty() ? "" : ", ") + a.Int(id);
    return fmt::format("{} IN ({})", col, in.empty() ? "NULL" : in);
  }
  const std::string units = fmt::format("SELECT {}.id FROM units {} WHERE {}", alias, alias,
                                        db::PathUnder(a, std::string(alias) + ".path", set.path));
  // A hidden column (`+c.unit_id`) filters what another index walks: checked against the units
  // read once (db::InFilter). A plain one drives the query through the per-unit index.
  if (col.starts_with('+')) return db::InFilter(sql, col, units);
  return fmt::format("{} IN ({})", col, units);
}

// WHERE clause of the list over `cases c` (no join), written for the given drive.
std::string ListWhere(soci::session& sql, db::SqlArgs& a, const CaseFilter& f, const ListShape& shape, Drive drive) {
  const bool walk = drive == Drive::kWalk;
  // Units drive unless walking; of two unit terms the narrower one drives, and a broad one leaves
  // the driving to an officer filter.
  const bool person_filter = f.officer_id || f.legal_officer_id;
  const bool filter_drives = shape.unit && (!shape.unit->broad || shape.scope.broad);
  const bool scope_off = walk || filter_drives || (shape.scope.broad && person_filter);
  const bool unit_off = walk || !filter_drives || (shape.unit && shape.unit->broad && person_filter);
  std::string scope;
  if (shape.person_id && drive == Drive::kUnion) {
    // The same three sets as below, each read from its own index with the filter pushed into it:
    // as an OR the planner would read the filter's index for the whole database instead.
    std::string units = UnitTerm(sql, a, shape.scope, "uc.unit_id", "su"), legal;
    if (f.status) {
      units += fmt::format(" AND uc.status = {}", a.Str(*f.status));
      legal += fmt::format(" AND lc.status = {}", a.Str(*f.status));
    }
    if (f.alert_state) {
      units += fmt::format(" AND uc.alert_state = {}", a.Str(*f.alert_state));
      legal += fmt::format(" AND lc.alert_state = {}", a.Str(*f.alert_state));
    }
    scope = fmt::format(
        "c.id IN (SELECT uc.id FROM cases uc WHERE {} UNION ALL SELECT vo.case_id FROM case_officers vo WHERE "
        "vo.person_id = {} UNION ALL SELECT lc.id FROM cases lc WHERE lc.legal_officer_id = {}{})",
        units, a.Int(*shape.person_id), a.Int(*shape.person_id), legal);
  } else {
    scope = UnitTerm(sql, a, shape.scope, scope_off ? "+c.unit_id" : "c.unit_id", "su");
    // 捆绑责任: the people on a case see it wherever their own unit is (CaseVisible).
    if (shape.person_id)
      scope = fmt::format(
          "({} OR c.id IN (SELECT vo.case_id FROM case_officers vo WHERE vo.person_id = {}) OR "
          "c.legal_officer_id = {})",
          scope, a.Int(*shape.person_id), a.Int(*shape.person_id));
  }
  std::string where = " WHERE " + scope;
  if (shape.unit) where += " AND " + UnitTerm(sql, a, *shape.unit, unit_off ? "+c.unit_id" : "c.unit_id", "fu");
  // Text terms are disabled as `(col || '')`: PostgreSQL has no unary + for text.
  auto text_term = [&](const char* col, bool disable, const std::string& value) {
    return disable ? fmt::format(" AND (c.{} || '') = {}", col, a.Str(value))
                   : fmt::format(" AND c.{} = {}", col, a.Str(value));
  };
  where += OfficerTerms(a, f);
  if (f.case_type) where += text_term("case_type", true, *f.case_type);
  const bool hide_filters = drive == Drive::kUnits || drive == Drive::kUnion;
  if (f.status) where += text_term("status", hide_filters, *f.status);
  // With a 法制员 filter, (legal_officer_id, alert_state, status, accepted_at) answers both terms.
  if (f.alert_state) where += text_term("alert_state", hide_filters && !f.legal_officer_id, *f.alert_state);
  if (f.category) where += text_term("category", true, *f.category);
  return where + TimeAndTextTerms(a, f);
}

}  // namespace

const std::vector<std::string>& CaseSortFields() {
  static const std::vector<std::string> kFields = {"accepted_at",    "external_id", "updated_at", "next_due_at",
                                                   "nearest_due_at", "status",      "unit"};
  return kFields;
}

const std::vector<std::string>& IncidentSortFields() {
  static const std::vector<std::string> kFields = {"received_at", "external_id"};
  return kFields;
}

namespace {

// The page's ids from the cases table alone (covering indexes where possible), then their rows
// with the joined names: the joins run for page_size rows, not for every row the sort sees.
std::vector<std::int64_t> PageIds(soci::session& sql, const CaseFilter& filter, const ListShape& shape,
                                  const PageRequest& page, std::int64_t limit, std::int64_t offset) {
  std::vector<std::int64_t> ids;
  db::SqlArgs a;
  const std::string where = ListWhere(sql, a, filter, shape, shape.page);
  db::Each(sql,
           fmt::format("SELECT c.id FROM cases c{}{}{} LIMIT {} OFFSET {}",
                       page.sort == "unit" ? " JOIN units u ON u.id = c.unit_id" : "", where, CaseOrder(page), limit,
                       offset),
           a, [&](const db::Row& r) { ids.push_back(r.Int("id")); });
  return ids;
}

std::vector<CaseSummary> RowsOf(soci::session& sql, const std::vector<std::int64_t>& ids) {
  std::vector<CaseSummary> out;
  if (ids.empty()) return out;
  db::SqlArgs a;
  std::map<std::int64_t, CaseSummary> rows;
  store::CaseReader reader;
  db::Each(sql,
           fmt::format("SELECT {}{} WHERE c.id IN {}", store::kCaseColumnsById, store::kCaseFromById, a.IntList(ids)),
           a, [&](const db::Row& r) {
             CaseSummary c = reader.Read(r);
             rows.emplace(c.id, std::move(c));
           });
  for (std::int64_t id : ids)
    if (auto it = rows.find(id); it != rows.end()) out.push_back(std::move(it->second));
  return out;
}

// A statement and its bound values as one string: equal strings bind equal values (a text value
// goes with its length, so no value can pass for two).
std::string MemoKey(const std::string& statement, const db::SqlArgs& args) {
  std::string key = statement;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args.is_null(i))
      key += "|null";
    else if (args.kind(i) == db::SqlArgs::Kind::kStr || args.kind(i) == db::SqlArgs::Kind::kOptStr)
      key += fmt::format("|s{}:{}", args.str(i).size(), args.str(i));
    else
      key += fmt::format("|i{}", args.integer(i));
  }
  return key;
}

// One person's cases (a 民警's "my cases", a 法制员's bound ones) are few: when the page lies within
// the first kWholeListRows of them, they are read whole and their number is the total — one statement
// fewer than a count and a page. Other lists are read a page at a time (a scope's cases are many;
// a walk's cost grows with the rows it returns).
constexpr std::int64_t kWholeListRows = 200;

// The page's ids and, when they show it, the total: a person's list read whole, or a page that is
// not full (after at least one row, or the first page).
struct PageRead {
  std::vector<std::int64_t> ids;
  std::optional<std::int64_t> total;
};

PageRead IdsAndTotal(soci::session& sql, const CaseFilter& filter, const ListShape& shape, const PageRequest& page) {
  const std::int64_t offset = page.Offset(), size = page.page_size;
  const bool person_list = filter.officer_id || filter.legal_officer_id;
  PageRead read;
  if (person_list && shape.page != Drive::kWalk && offset + size <= kWholeListRows) {
    const std::vector<std::int64_t> all = PageIds(sql, filter, shape, page, kWholeListRows + 1, 0);
    const auto n = static_cast<std::int64_t>(all.size());
    if (n <= kWholeListRows) read.total = n;
    read.ids.assign(all.begin() + std::min(offset, n), all.begin() + std::min(offset + size, n));
    return read;
  }
  read.ids = PageIds(sql, filter, shape, page, size, offset);
  const auto n = static_cast<std::int64_t>(read.ids.size());
  if (n < size && (n > 0 || offset == 0)) read.total = offset + n;
  return read;
}

}  // namespace

Result<CaseList> CaseService::ListCases(const auth::Principal& who, const CaseFilter& filter,
                                        const PageRequest& page) const {
  FZ_CHECK(Require(who, auth::perm::kCaseRead));
  return db_.Read([&](soci::session& sql) -> Result<CaseList> {
    CaseList out;
    const ListShape shape = FZ_TRY(ListShapeFor(sql, who, filter, page));
    const PageRead read = IdsAndTotal(sql, filter, shape, page);
    if (read.total) {
      out.total = *read.total;
    } else {
      // Counting at most count_cap + 1 rows: an exact COUNT(*) over a 市局 or the 省厅 reads every
      // case in scope on every page view.
      db::SqlArgs c;
      const std::string where = ListWhere(sql, c, filter, shape, shape.count);
      const std::string count =
          fmt::format("SELECT COUNT(*) FROM (SELECT 1 FROM cases c{} LIMIT {}) t", where, shape.count_cap + 1);
      const bool broad = shape.count_cap == kBroadCaseListCountCap;
      const std::string key = broad ? MemoKey(count, c) : std::string();
      if (broad && capped_counts_.Has(key)) {
        out.total = shape.count_cap + 1;
      } else {
        out.total = db::Count(sql, count, c);
        if (broad && out.total > shape.count_cap) capped_counts_.Add(key);
      }
    }
    if (out.total > shape.count_cap) {
      out.total = shape.count_cap;
      out.total_capped = true;
    }
    out.items = RowsOf(sql, read.ids);
    return out;
  });
}

// ============================================================================================
// Export

namespace {

const std::vector<std::string> kExportHeader = {"案件编号", "案件类型", "案由",     "打击类别", "案件名称",
                                                "办案单位", "主办民警", "协办民警", "法制员",   "状态",
                                                "受案时间", "结案时间", "预警状态", "最近期限"};

// The visible cases matching the filter as export rows (header first), newest first. Returns the
// number of cases; InvalidArgument beyond kMaxExportRows.
Result<std::int64_t> ExportRows(soci::session& sql, const auth::Principal& who, const CaseFilter& filter,
                                std::vector<std::vector<std::string>>& rows) {
  constexpr const char* kFromUnits = "FROM cases c JOIN units u ON u.id = c.unit_id";
  db::SqlArgs c;
  const std::string wc = FZ_TRY(CaseWhere(sql, c, who, filter));
  const std::int64_t total = db::Count(sql, fmt::format("SELECT COUNT(*) {}{}", kFromUnits, wc), c);
  if (total > kMaxExportRows)
    return Invalid(fmt::format("符合条件的案件有 {} 件，超过单次导出上限 {} 件，请缩小筛选范围", total, kMaxExportRows),
                   "filter", "too_many_rows");
  // 协办民警 of the exported cases, in one query.
  std::map<std::int64_t, std::string> assists;
  db::SqlArgs s;
  const std::string ws = FZ_TRY(CaseWhere(sql, s, who, filter));
  db::Each(sql,
           fmt::format("SELECT co.case_id, p.name FROM case_officers co JOIN people p ON p.id = co.person_id WHERE "
                       "co.role = 'assist' AND co.case_id IN (SELECT c.id {}{}) ORDER BY co.case_id, p.badge_no",
                       kFromUnits, ws),
           s, [&](const db::Row& r) {
             auto& names = assists[r.Int("case_id")];
             names += (names.empty() ? "" : "、") + r.Str("name");
           });
  db::SqlArgs a;
  const std::string w = FZ_TRY(CaseWhere(sql, a, who, filter));
  PageRequest order;
  order.sort = "accepted_at";
  order.descending = true;
  rows.push_back(kExportHeader);
  store::CaseReader reader;
  db::Each(
      sql, fmt::format("SELECT {}{}{}{}", store::kCaseColumns, store::kCaseFrom, w, CaseOrder(order)), a,
      [&](const db::Row& r) {
        const CaseSummary c = reader.Read(r);
        rows.push_back({c.external_id, CaseTypeName(c.case_type), c.cause, c.category, c.title, c.unit_name,
                        c.lead_officer ? c.lead_officer->name : "", assists[c.id],
                        c.legal_officer ? c.legal_officer->name : "", StatusName(c.case_type, c.status),
                        FormatLocalDateTime(c.accepted_at), c.closed_at ? FormatLocalDateTime(*c.closed_at) : "",
                        AlertStateName(c.alert_state), c.nearest_due_at ? FormatLocalDateTime(*c.nearest_due_at) : ""});
      });
  return total;
}

nlohmann::json FilterJson(const CaseFilter& filter) {
  nlohmann::json j = nlohmann::json::object();
  if (filter.unit_id) j["unit_id"] = *filter.unit_id;
  if (filter.officer_id) j["officer_id"] = *filter.officer_id;
  if (filter.legal_officer_id) j["legal_officer_id"] = *filter.legal_officer_id;
  if (filter.case_type) j["case_type"] = *filter.case_type;
  if (filter.status) j["status"] = *filter.status;
  if (!filter.ids.empty()) j["ids"] = filter.ids;
  if (filter.alert_state) j["alert_state"] = *filter.alert_state;
  if (filter.category) j["category"] = *filter.category;
  if (filter.q) j["q"] = *filter.q;
  return j;
}

}  // namespace

Result<FileDownload> CaseService::ExportCases(const auth::Principal& who, const audit::Actor& actor,
                                              const CaseFilter& filter, bool xlsx) {
  FZ_CHECK(Require(who, auth::perm::kCaseRead));
  std::vector<std::vector<std::string>> rows;
  const std::int64_t total = FZ_TRY(db_.Read([&](soci::session& sql) { return ExportRows(sql, who, filter, rows); }));
  FileDownload f;
  const CivilDate d = LocalDateOf(clock_.Now());
  const std::string base = fmt::format("案件列表_{:04}{:02}{:02}", d.year, d.month, d.day);
  if (xlsx) {
    auto bytes = FZ_TRY(files::WriteXlsx({{"案件", rows, {24, 6, 16, 12, 30, 16, 10, 20, 10, 10, 20, 20, 8, 20}}}));
    f = {std::move(bytes), files::kXlsx, base + ".xlsx"};
  } else {
    f = {files::WriteCsv(rows), "text/csv; charset=utf-8", base + ".csv"};
  }
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<bool> {
    audit::Append(sql, clock_, actor,
                  {"case.export",
                   "case",
                   "",
                   fmt::format("导出案件列表（{} 件）", total),
                   {{"rows", total}, {"format", xlsx ? "xlsx" : "csv"}, {"filter", FilterJson(filter)}}});
    return true;
  }));
  return f;
}

}  // namespace fazhi::cases
