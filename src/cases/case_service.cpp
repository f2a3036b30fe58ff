#include "cases/case_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "auth/roles.h"
#include "cases/case_store.h"
#include "core/local_time.h"
#include "core/text.h"
#include "files/spreadsheet.h"
#include "supervision/events.h"

namespace fazhi::cases {

using namespace detail;

namespace {

constexpr std::int64_t kMaxExportRows = 50000;
constexpr EpochSeconds kFutureTolerance = 600;  // clocks of clients drift; an act can't be later than this

Result<void> Require(const auth::Principal& who, std::string_view permission) {
  if (who.Has(permission)) return {};
  return Forbidden(fmt::format("没有权限执行此操作（需要 {} 权限）", permission), "permission_denied");
}

Result<std::string> CheckText(const std::optional<std::string>& value, const char* label, const char* field,
                              int max_chars, bool required) {
  const std::string v = value ? Trim(*value) : std::string();
  const auto len = Utf8Length(v);
  if (len < 0) return Invalid(fmt::format("{}含有无效字符", label), field);
  if (required && len == 0) return Invalid(fmt::format("{}不能为空", label), field, "missing_field");
  if (len > max_chars) return Invalid(fmt::format("{}不能超过 {} 个字", label, max_chars), field, "too_long");
  for (unsigned char c : v)
    if (c < 0x20) return Invalid(fmt::format("{}含有无效字符", label), field);
  return v;
}

CaseHooks* Hooks(const std::atomic<CaseHooks*>& h) { return h.load(std::memory_order_acquire); }

Result<void> Changed(CaseHooks* hooks, soci::session& sql, std::int64_t case_id) {
  if (!hooks) return {};
  return hooks->OnCaseChanged(sql, case_id);
}

void TouchCase(soci::session& sql, std::int64_t case_id, EpochSeconds now) {
  SqlArgs a;
  Exec(sql, fmt::format("UPDATE cases SET updated_at = {} WHERE id = {}", a.Int(now), a.Int(case_id)), a);
}

// A unique placeholder for an external id generated from the row id after the insert.
std::string PendingExternalId(EpochSeconds now) {
  static std::atomic<std::uint64_t> seq{0};
  return fmt::format("~pending-{}-{}", now, seq.fetch_add(1));
}

// ---- incidents ----

constexpr const char* kIncidentColumns =
    "i.id, i.bureau_id, i.unit_id, u.name, i.external_id, i.received_at, i.category, i.summary, i.address, i.result, "
    "i.body_camera, i.officer_id, op.name, op.badge_no, i.case_id, ic.external_id, i.created_at, i.updated_at, ou.name";
constexpr const char* kIncidentFrom =
    " FROM incidents i JOIN units u ON u.id = i.unit_id LEFT JOIN people op ON op.id = i.officer_id "
    "LEFT JOIN units ou ON ou.id = op.unit_id LEFT JOIN cases ic ON ic.id = i.case_id";

Incident IncidentFromRow(const soci::row& r) {
  Incident i;
  i.id = db::GetInt64(r, 0);
  i.bureau_id = db::GetInt64(r, 1);
  i.unit_id = db::GetInt64(r, 2);
  i.unit_name = db::GetText(r, 3);
  i.external_id = db::GetText(r, 4);
  i.received_at = db::GetInt64(r, 5);
  i.category = db::GetText(r, 6);
  i.summary = db::GetText(r, 7);
  i.address = db::GetText(r, 8);
  i.result = db::GetText(r, 9);
  i.body_camera = db::GetInt64(r, 10) != 0;
  if (!db::IsNull(r, 11)) i.officer = OfficerRef{db::GetInt64(r, 11), db::GetText(r, 12), db::GetText(r, 13), db::GetText(r, 18)};
  if (!db::IsNull(r, 14)) {
    i.case_id = db::GetInt64(r, 14);
    i.case_external_id = db::GetText(r, 15);
  }
  i.created_at = db::GetInt64(r, 16);
  i.updated_at = db::GetInt64(r, 17);
  return i;
}

std::optional<Incident> LoadIncident(soci::session& sql, std::int64_t id, const std::string* scope_like) {
  SqlArgs a;
  std::string q = fmt::format("SELECT {}{} WHERE i.id = {}", kIncidentColumns, kIncidentFrom, a.Int(id));
  if (scope_like) q += fmt::format(" AND u.path LIKE {} ESCAPE '\\'", a.Str(*scope_like));
  std::optional<Incident> out;
  ForEachRow(sql, q, a, [&](const soci::row& r) { out = IncidentFromRow(r); });
  return out;
}

std::string ScopeLike(const auth::Principal& who) { return EscapeLike(who.unit_path) + "%"; }

// ---- case detail ----

Result<CaseDetail> LoadDetail(soci::session& sql, const auth::Vault& vault, std::int64_t id, bool pii) {
  auto header = LoadCase(sql, id, nullptr);
  if (!header) return NotFound("案件不存在");
  CaseDetail d;
  d.header = std::move(*header);
  {
    SqlArgs a;
    const std::string q = fmt::format(
        "SELECT p.id, p.name, p.badge_no, u.name FROM case_officers co JOIN people p ON p.id = co.person_id "
        "JOIN units u ON u.id = p.unit_id WHERE co.case_id = {} AND co.role = 'assist' ORDER BY p.badge_no",
        a.Int(id));
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      d.assist_officers.push_back({db::GetInt64(r, 0), db::GetText(r, 1), db::GetText(r, 2), db::GetText(r, 3)});
    });
  }
  {
    SqlArgs a;
    const std::string q = fmt::format(
        "SELECT id, ref, name, role, age, female, pregnant, nursing_infant, identity_unknown, id_number_enc, "
        "created_at FROM case_persons WHERE case_id = {} ORDER BY id",
        a.Int(id));
    std::optional<Error> failure;
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      CasePerson p;
      p.id = db::GetInt64(r, 0);
      p.ref = db::GetText(r, 1);
      p.name = db::GetText(r, 2);
      p.role = db::GetText(r, 3);
      if (!db::IsNull(r, 4)) p.age = static_cast<int>(db::GetInt64(r, 4));
      p.female = db::GetInt64(r, 5) != 0;
      p.pregnant = db::GetInt64(r, 6) != 0;
      p.nursing_infant = db::GetInt64(r, 7) != 0;
      p.identity_unknown = db::GetInt64(r, 8) != 0;
      if (!db::IsNull(r, 9) && !db::GetText(r, 9).empty()) {
        auto plain = vault.Decrypt(db::GetText(r, 9));
        if (!plain) {
          failure = Error{ErrorCode::kInternal, "涉案人员身份证号无法解密：数据库与密钥文件不匹配"};
        } else {
          p.id_number = pii ? *plain : auth::MaskIdNumber(*plain);
        }
      }
      p.pii_visible = pii;
      p.created_at = db::GetInt64(r, 10);
      d.persons.push_back(std::move(p));
    });
    if (failure) return std::unexpected(*failure);
  }
  {
    SqlArgs a;
    const std::string q = fmt::format(
        "SELECT id, code, name, quantity, status, created_at, updated_at FROM property_items WHERE case_id = {} "
        "ORDER BY id",
        a.Int(id));
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      d.property.push_back({db::GetInt64(r, 0), db::GetText(r, 1), db::GetText(r, 2), db::GetText(r, 3),
                            db::GetText(r, 4), db::GetInt64(r, 5), db::GetInt64(r, 6)});
    });
  }
  if (d.header.incident_id) d.incident = LoadIncident(sql, *d.header.incident_id, nullptr);
  {
    SqlArgs a;
    ForEachRow(sql, fmt::format("SELECT COUNT(*) FROM case_events WHERE case_id = {}", a.Int(id)), a,
               [&](const soci::row& r) { d.event_count = db::GetInt64(r, 0); });
  }
  return d;
}

bool HasIdNumbers(const CaseDetail& d) {
  return std::any_of(d.persons.begin(), d.persons.end(), [](const CasePerson& p) { return !p.id_number.empty(); });
}

nlohmann::json CaseAuditJson(const CaseSummary& c, const std::vector<std::int64_t>& assists) {
  return {{"external_id", c.external_id},
          {"case_type", c.case_type},
          {"cause", c.cause},
          {"category", c.category},
          {"title", c.title},
          {"unit_id", c.unit_id},
          {"status", c.status},
          {"lead_officer_id", c.lead_officer ? nlohmann::json(c.lead_officer->id) : nlohmann::json()},
          {"assist_officer_ids", assists},
          {"legal_officer_id", c.legal_officer ? nlohmann::json(c.legal_officer->id) : nlohmann::json()},
          {"serious", c.serious},
          {"fast_track", c.fast_track},
          {"accepted_at", c.accepted_at}};
}

std::vector<std::int64_t> AssistIds(soci::session& sql, std::int64_t case_id) {
  SqlArgs a;
  std::vector<std::int64_t> out;
  ForEachRow(sql,
             fmt::format("SELECT person_id FROM case_officers WHERE case_id = {} AND role = 'assist' ORDER BY person_id",
                         a.Int(case_id)),
             a, [&](const soci::row& r) { out.push_back(db::GetInt64(r, 0)); });
  return out;
}

void ReplaceOfficers(soci::session& sql, std::int64_t bureau_id, std::int64_t case_id, std::optional<std::int64_t> lead,
                     const std::vector<std::int64_t>& assists) {
  SqlArgs d;
  Exec(sql, fmt::format("DELETE FROM case_officers WHERE case_id = {}", d.Int(case_id)), d);
  std::set<std::int64_t> seen;
  auto add = [&](std::int64_t person, const char* role) {
    if (!seen.insert(person).second) return;
    SqlArgs a;
    Exec(sql,
         fmt::format("INSERT INTO case_officers (case_id, person_id, role, bureau_id) VALUES ({}, {}, {}, {})",
                     a.Int(case_id), a.Int(person), a.Str(role), a.Int(bureau_id)),
         a);
  };
  if (lead) add(*lead, "lead");
  for (std::int64_t p : assists) add(p, "assist");
}

// ---- case list ----

// The unit a case filter names. A unit of the caller's own 分局 may be named (a bound 法制员 filters
// by the 派出所 of his cases); others are answered as missing.
Result<UnitInfo> FilterUnit(soci::session& sql, const auth::Principal& who, std::int64_t unit_id) {
  auto unit = LoadUnit(sql, unit_id);
  const bool same_bureau = unit && who.bureau_id && unit->bureau_id == *who.bureau_id;
  if (!unit || (!who.InScope(unit->path) && !same_bureau)) return NotFound("单位不存在");
  return *unit;
}

// The filter terms every list shape writes the same way: officer, 法制员, acceptance time, text.
std::string OfficerTerms(SqlArgs& a, const CaseFilter& f) {
  std::string where;
  if (f.officer_id)
    where += fmt::format(" AND c.id IN (SELECT fo.case_id FROM case_officers fo WHERE fo.person_id = {})",
                         a.Int(*f.officer_id));  // 主办 (role lead) or 协办
  if (f.legal_officer_id) where += fmt::format(" AND c.legal_officer_id = {}", a.Int(*f.legal_officer_id));
  return where;
}
std::string TimeAndTextTerms(SqlArgs& a, const CaseFilter& f) {
  std::string where;
  if (f.accepted_from) where += fmt::format(" AND c.accepted_at >= {}", a.Int(*f.accepted_from));
  if (f.accepted_to) where += fmt::format(" AND c.accepted_at < {}", a.Int(*f.accepted_to));
  if (f.q && !f.q->empty()) {
    const std::string like = "%" + EscapeLike(*f.q) + "%";
    where += fmt::format(
        " AND (c.external_id LIKE {} ESCAPE '\\' OR c.cause LIKE {} ESCAPE '\\' OR c.title LIKE {} ESCAPE '\\')",
        a.Str(like), a.Str(like), a.Str(like));
  }
  return where;
}

// WHERE clause (after the FROM) for a case filter; binds into `a`.
Result<std::string> CaseWhere(soci::session& sql, SqlArgs& a, const auth::Principal& who, const CaseFilter& f) {
  std::string where = " WHERE " + VisibleCondition(a, who);
  if (f.unit_id) {
    auto unit = FilterUnit(sql, who, *f.unit_id);
    if (!unit) return std::unexpected(unit.error());
    where += fmt::format(" AND {}", db::PathUnder(a, "u.path", unit->path));
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
//  - the total counts at most kCaseListCountCap + 1 rows (kBroadCaseListCountCap + 1 over a broad scope), through the per-unit index (covering without
//    other filters) or, with a status/alert filter over a broad scope, through the walk;
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

UnitSet UnitsUnder(soci::session& sql, const std::string& path) {
  UnitSet set;
  set.path = path;
  SqlArgs a;
  ForEachRow(sql,
             fmt::format("SELECT id FROM units WHERE {} LIMIT {}", db::PathUnder(a, "path", path), kBroadScopeUnits),
             a, [&](const soci::row& r) { set.ids.push_back(db::GetInt64(r, 0)); });
  set.broad = set.ids.size() >= kBroadScopeUnits;
  if (set.broad) {
    set.ids.clear();
    // A root's path is "/id/"; it covers everything when no other root exists.
    if (std::count(path.begin(), path.end(), '/') == 2) {
      SqlArgs b;
      bool other_root = false;
      ForEachRow(sql, fmt::format("SELECT id FROM units WHERE parent_id IS NULL AND NOT {} LIMIT 1",
                                  db::PathUnder(b, "path", path)),
                 b, [&](const soci::row&) { other_root = true; });
      set.everything = !other_root;
    }
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
  UnitSet scope;                 // the caller's units
  std::optional<UnitSet> unit;   // the unit filter's subtree
  std::optional<std::int64_t> person_id;  // OR this person's own cases in: some lie outside `scope`
  Drive page = Drive::kUnits;
  Drive count = Drive::kUnits;
  std::int64_t count_cap = kCaseListCountCap;
};

std::string UnitTerm(SqlArgs& a, const UnitSet& set, std::string_view col, const char* alias);

// 捆绑责任 lets the people on a case see it wherever their own unit is. Usually all of a person's
// cases are inside his unit's subtree anyway (a 派出所 officer's, a leader's); then the OR term is
// left out and the query has one index to drive it. One short index lookup answers that.
bool BoundOutside(soci::session& sql, const auth::Principal& who, const UnitSet& scope) {
  if (!who.person_id) return false;
  SqlArgs a;
  bool outside = false;
  // Two index lookups (an OR of the two would be a scan of every case on PostgreSQL).
  const std::string officer = a.Int(*who.person_id);
  const std::string outside_officer = UnitTerm(a, scope, "+c.unit_id", "xu");
  const std::string legal = a.Int(*who.person_id);
  const std::string outside_legal = UnitTerm(a, scope, "+l.unit_id", "yu");
  ForEachRow(sql,
             fmt::format("SELECT c.id FROM case_officers vo JOIN cases c ON c.id = vo.case_id WHERE vo.person_id = {} "
                         "AND NOT ({}) UNION ALL SELECT l.id FROM cases l WHERE l.legal_officer_id = {} AND NOT ({}) "
                         "LIMIT 1",
                         officer, outside_officer, legal, outside_legal),
             a, [&](const soci::row&) { outside = true; });
  return outside;
}

Result<ListShape> ListShapeFor(soci::session& sql, const auth::Principal& who, const CaseFilter& f,
                               const PageRequest& page) {
  ListShape shape;
  shape.scope = UnitsUnder(sql, who.unit_path);
  bool broad = shape.scope.broad;
  if (f.unit_id) {
    auto unit = FilterUnit(sql, who, *f.unit_id);
    if (!unit) return std::unexpected(unit.error());
    shape.unit = UnitsUnder(sql, unit->path);
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
  shape.count = by_filter                                    ? Drive::kFilter
                : by_union                                   ? Drive::kUnion
                : walk_page && (f.status || f.alert_state) ? Drive::kWalk
                                                             : Drive::kUnits;
  return shape;
}

// `col IN (…)` for a unit set; a col written "+c.unit_id" is not an index driver.
std::string UnitTerm(SqlArgs& a, const UnitSet& set, std::string_view col, const char* alias) {
  if (set.everything) return fmt::format("{} IS NOT NULL", col);
  if (!set.broad) {
    std::string in;
    for (std::int64_t id : set.ids) in += (in.empty() ? "" : ", ") + a.Int(id);
    return fmt::format("{} IN ({})", col, in.empty() ? "NULL" : in);
  }
  return fmt::format("{} IN (SELECT {}.id FROM units {} WHERE {})", col, alias, alias,
                     db::PathUnder(a, std::string(alias) + ".path", set.path));
}

// WHERE clause of the list over `cases c` (no join), written for the given drive.
std::string ListWhere(SqlArgs& a, const CaseFilter& f, const ListShape& shape, Drive drive) {
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
    std::string units = UnitTerm(a, shape.scope, "uc.unit_id", "su"), legal;
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
    scope = UnitTerm(a, shape.scope, scope_off ? "+c.unit_id" : "c.unit_id", "su");
    // 捆绑责任: the people on a case see it wherever their own unit is (VisibleCondition).
    if (shape.person_id)
      scope = fmt::format("({} OR c.id IN (SELECT vo.case_id FROM case_officers vo WHERE vo.person_id = {}) OR "
                          "c.legal_officer_id = {})",
                          scope, a.Int(*shape.person_id), a.Int(*shape.person_id));
  }
  std::string where = " WHERE " + scope;
  if (shape.unit) where += " AND " + UnitTerm(a, *shape.unit, unit_off ? "+c.unit_id" : "c.unit_id", "fu");
  // Text terms are disabled as `(col || '')`: PostgreSQL has no unary + for text.
  auto text_term = [&](const char* col, bool disable, const std::string& value) {
    return disable ? fmt::format(" AND (c.{} || '') = {}", col, a.Str(value)) : fmt::format(" AND c.{} = {}", col, a.Str(value));
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

std::string AlertStateName(const std::string& s) {
  if (s == "none") return "正常";
  if (s == "pre_warn") return "预警";
  if (s == "overdue") return "告警";
  if (s == "violation") return "违规";
  return s;
}

}  // namespace

const std::vector<std::string>& CaseSortFields() {
  static const std::vector<std::string> kFields = {"accepted_at", "external_id", "updated_at",
                                                   "next_due_at", "status",      "unit"};
  return kFields;
}

const std::vector<std::string>& IncidentSortFields() {
  static const std::vector<std::string> kFields = {"received_at", "external_id"};
  return kFields;
}

CaseService::CaseService(db::Database& db, const Clock& clock, const auth::Vault& vault)
    : db_(db), clock_(clock), vault_(vault) {}

CaseService::~CaseService() {
  std::vector<std::pair<std::shared_ptr<JobSlot>, std::thread>> threads;
  {
    std::lock_guard lock(jobs_mu_);
    threads.swap(job_threads_);
  }
  for (auto& [slot, t] : threads)
    if (t.joinable()) t.join();
}

void CaseService::SetHooks(CaseHooks* hooks) { hooks_.store(hooks, std::memory_order_release); }

// ============================================================================================
// Incidents

Result<Incident> CaseService::CreateIncident(const auth::Principal& who, const audit::Actor& actor,
                                             const IncidentInput& in) {
  if (auto r = Require(who, auth::perm::kCaseWrite); !r) return std::unexpected(r.error());
  auto ext = CheckText(in.external_id, "警情编号", "external_id", 64, false);
  if (!ext) return std::unexpected(ext.error());
  auto category = CheckText(in.category, "警情类别", "category", 32, true);
  if (!category) return std::unexpected(category.error());
  auto summary = CheckText(in.summary, "简要情况", "summary", 2000, false);
  if (!summary) return std::unexpected(summary.error());
  auto address = CheckText(in.address, "地址", "address", 200, false);
  if (!address) return std::unexpected(address.error());
  auto result = CheckText(in.result, "处理结果", "result", 200, false);
  if (!result) return std::unexpected(result.error());
  const EpochSeconds now = clock_.Now();
  if (in.received_at <= 0) return Invalid("接警时间不能为空", "received_at", "missing_field");
  if (in.received_at > now + kFutureTolerance) return Invalid("接警时间不能晚于当前时间", "received_at");

  return db_.Write([&](soci::session& sql) -> Result<Incident> {
    auto unit = LoadUnit(sql, in.unit_id);
    if (!unit || !who.InScope(unit->path)) return NotFound("单位不存在");
    if (unit->level == "city") return Invalid("警情必须属于分县局或科所队", "unit_id");
    if (in.officer_id) {
      auto p = LoadPerson(sql, *in.officer_id);
      if (!p || p->bureau_id != unit->bureau_id || !p->active)
        return Invalid("处警民警不存在、已停用或不属于本分局", "officer_id");
    }
    if (!ext->empty()) {
      SqlArgs a;
      bool exists = false;
      ForEachRow(sql,
                 fmt::format("SELECT id FROM incidents WHERE bureau_id = {} AND external_id = {}", a.Int(unit->bureau_id),
                             a.Str(*ext)),
                 a, [&](const soci::row&) { exists = true; });
      if (exists) return Conflict(fmt::format("警情编号“{}”已存在", *ext), "duplicate_external_id");
    }
    SqlArgs a;
    const std::string q = fmt::format(
        "INSERT INTO incidents (bureau_id, unit_id, external_id, received_at, category, summary, address, result, "
        "body_camera, officer_id, created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
        "RETURNING id",
        a.Int(unit->bureau_id), a.Int(unit->id), a.Str(ext->empty() ? PendingExternalId(now) : *ext),
        a.Int(in.received_at), a.Str(*category), a.Str(*summary), a.Str(*address), a.Str(*result),
        a.Int(in.body_camera ? 1 : 0), a.OptInt(in.officer_id), a.Int(now), a.Int(now));
    std::int64_t id = 0;
    ForEachRow(sql, q, a, [&](const soci::row& r) { id = db::GetInt64(r, 0); });
    if (ext->empty()) {
      const CivilDate d = LocalDateOf(in.received_at);
      SqlArgs b;
      Exec(sql,
           fmt::format("UPDATE incidents SET external_id = {} WHERE id = {}",
                       b.Str(fmt::format("J{:04}{:02}{:02}{:06}", d.year, d.month, d.day, id)), b.Int(id)),
           b);
    }
    auto inc = LoadIncident(sql, id, nullptr);
    audit::Append(sql, clock_, actor,
                  {"incident.create", "incident", std::to_string(id),
                   fmt::format("登记警情 {}（{}，{}）", inc->external_id, inc->category, unit->name),
                   {{"after",
                     {{"external_id", inc->external_id},
                      {"unit_id", unit->id},
                      {"received_at", in.received_at},
                      {"category", *category},
                      {"body_camera", in.body_camera}}}}});
    return *inc;
  });
}

Result<Paged<Incident>> CaseService::ListIncidents(const auth::Principal& who, const IncidentFilter& f,
                                                   const PageRequest& page) const {
  if (auto r = Require(who, auth::perm::kCaseRead); !r) return std::unexpected(r.error());
  return db_.Read([&](soci::session& sql) -> Result<Paged<Incident>> {
    auto build = [&](SqlArgs& a) -> Result<std::string> {
      std::string where = fmt::format(" WHERE {}", db::PathUnder(a, "u.path", who.unit_path));
      if (f.unit_id) {
        auto unit = LoadUnit(sql, *f.unit_id);
        if (!unit || !who.InScope(unit->path)) return NotFound("单位不存在");
        where += fmt::format(" AND {}", db::PathUnder(a, "u.path", unit->path));
      }
      if (f.from) where += fmt::format(" AND i.received_at >= {}", a.Int(*f.from));
      if (f.to) where += fmt::format(" AND i.received_at < {}", a.Int(*f.to));
      if (f.body_camera) where += fmt::format(" AND i.body_camera = {}", a.Int(*f.body_camera ? 1 : 0));
      if (f.has_case) where += *f.has_case ? " AND i.case_id IS NOT NULL" : " AND i.case_id IS NULL";
      if (f.q && !f.q->empty()) {
        const std::string like = "%" + EscapeLike(*f.q) + "%";
        where += fmt::format(
            " AND (i.external_id LIKE {} ESCAPE '\\' OR i.category LIKE {} ESCAPE '\\' OR i.summary LIKE {} ESCAPE '\\')",
            a.Str(like), a.Str(like), a.Str(like));
      }
      return where;
    };
    Paged<Incident> out;
    SqlArgs c;
    auto wc = build(c);
    if (!wc) return std::unexpected(wc.error());
    ForEachRow(sql, "SELECT COUNT(*)" + std::string(kIncidentFrom) + *wc, c,
               [&](const soci::row& r) { out.total = db::GetInt64(r, 0); });
    SqlArgs a;
    auto w = build(a);
    const char* dir = page.descending ? "DESC" : "ASC";
    const std::string order = page.sort == "external_id" ? fmt::format(" ORDER BY i.external_id {}, i.id", dir)
                                                         : fmt::format(" ORDER BY i.received_at {}, i.id {}", dir, dir);
    ForEachRow(sql,
               fmt::format("SELECT {}{}{}{} LIMIT {} OFFSET {}", kIncidentColumns, kIncidentFrom, *w, order,
                           page.page_size, page.Offset()),
               a, [&](const soci::row& r) { out.items.push_back(IncidentFromRow(r)); });
    return out;
  });
}

Result<Incident> CaseService::GetIncident(const auth::Principal& who, std::int64_t id) const {
  if (auto r = Require(who, auth::perm::kCaseRead); !r) return std::unexpected(r.error());
  return db_.Read([&](soci::session& sql) -> Result<Incident> {
    const std::string scope = ScopeLike(who);
    auto inc = LoadIncident(sql, id, &scope);
    if (!inc) return NotFound("警情不存在");
    return *inc;
  });
}

// ============================================================================================
// Cases

Result<CaseDetail> CaseService::CreateCase(const auth::Principal& who, const audit::Actor& actor, const CaseInput& in) {
  if (auto r = Require(who, auth::perm::kCaseWrite); !r) return std::unexpected(r.error());
  if (!in.case_type || (*in.case_type != kCriminal && *in.case_type != kAdministrative))
    return Invalid("案件类型只能是 criminal（刑事）或 administrative（行政）", "case_type", "invalid_value");
  auto cause = CheckText(in.cause, "案由", "cause", 64, true);
  if (!cause) return std::unexpected(cause.error());
  auto category = CheckText(in.category, "打击类别", "category", 32, false);
  if (!category) return std::unexpected(category.error());
  auto title = CheckText(in.title, "案件名称", "title", 200, false);
  if (!title) return std::unexpected(title.error());
  auto ext = CheckText(in.external_id, "案件编号", "external_id", 64, false);
  if (!ext) return std::unexpected(ext.error());
  if (!in.unit_id) return Invalid("办案单位不能为空", "unit_id", "missing_field");
  if (!in.lead_officer_id) return Invalid("主办民警不能为空", "lead_officer_id", "missing_field");
  const EpochSeconds now = clock_.Now();
  const EpochSeconds accepted_at = in.accepted_at.value_or(now);
  if (accepted_at > now + kFutureTolerance) return Invalid("受案时间不能晚于当前时间", "accepted_at");
  std::vector<std::int64_t> assists = in.assist_officer_ids.value_or(std::vector<std::int64_t>{});
  std::optional<std::int64_t> legal = in.legal_officer_id;
  if (legal && *legal == 0) legal.reset();

  return db_.Write([&](soci::session& sql) -> Result<CaseDetail> {
    auto unit = LoadUnit(sql, *in.unit_id);
    if (!unit || !who.InScope(unit->path)) return NotFound("办案单位不存在");
    if (unit->level == "city") return Invalid("案件必须属于分县局或科所队", "unit_id");
    if (auto r = CheckOfficers(sql, unit->bureau_id, in.lead_officer_id, assists, legal); !r)
      return std::unexpected(r.error());
    if (!ext->empty()) {
      SqlArgs a;
      bool exists = false;
      ForEachRow(sql,
                 fmt::format("SELECT id FROM cases WHERE bureau_id = {} AND external_id = {}", a.Int(unit->bureau_id),
                             a.Str(*ext)),
                 a, [&](const soci::row&) { exists = true; });
      if (exists) return Conflict(fmt::format("案件编号“{}”已存在", *ext), "duplicate_external_id");
    }
    std::optional<Incident> incident;
    if (in.incident_id) {
      const std::string scope = ScopeLike(who);
      incident = LoadIncident(sql, *in.incident_id, &scope);
      if (!incident || incident->bureau_id != unit->bureau_id) return Invalid("关联的警情不存在", "incident_id");
      if (incident->case_id)
        return Conflict(fmt::format("警情 {} 已关联案件 {}", incident->external_id, incident->case_external_id.value_or("")),
                        "incident_has_case");
      if (accepted_at < incident->received_at) return Invalid("受案时间早于接警时间", "accepted_at");
    }

    // The opening acts, validated by the engine like any other event.
    std::vector<PendingEvent> pending;
    if (incident) {
      pending.push_back({{{"id", "new:report"}, {"type", "report"}, {"time", FormatLocalIso(incident->received_at)}},
                         "接报事件"});
      pending.push_back({{{"id", "new:incident"},
                          {"type", "incident"},
                          {"time", FormatLocalIso(incident->received_at)},
                          {"body_camera", incident->body_camera}},
                         "现场处警事件"});
    }
    pending.push_back({{{"id", "new:accept"}, {"type", "accept_case"}, {"time", FormatLocalIso(accepted_at)}}, "受案事件"});
    TimelineDoc base{EmptyTimelineDoc("new", *in.case_type, in.serious.value_or(false), in.fast_track.value_or(false)), {}};
    if (auto tl = ValidateTimeline(base, pending); !tl) return std::unexpected(tl.error());

    SqlArgs a;
    const std::string q = fmt::format(
        "INSERT INTO cases (bureau_id, unit_id, external_id, case_type, cause, category, title, status, "
        "lead_officer_id, legal_officer_id, incident_id, serious, fast_track, accepted_at, alert_state, created_at, "
        "updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 'none', {}, {}) RETURNING id",
        a.Int(unit->bureau_id), a.Int(unit->id), a.Str(ext->empty() ? PendingExternalId(now) : *ext),
        a.Str(*in.case_type), a.Str(*cause), a.Str(*category), a.Str(title->empty() ? *cause : *title),
        a.Str(std::string(kInitialStatus)), a.OptInt(in.lead_officer_id), a.OptInt(legal), a.OptInt(in.incident_id),
        a.Int(in.serious.value_or(false) ? 1 : 0), a.Int(in.fast_track.value_or(false) ? 1 : 0), a.Int(accepted_at),
        a.Int(now), a.Int(now));
    std::int64_t id = 0;
    ForEachRow(sql, q, a, [&](const soci::row& r) { id = db::GetInt64(r, 0); });
    if (ext->empty()) {
      // 案件编号 when the case did not come from the 警综 system: A (刑事) / B (行政) + date + id.
      const CivilDate d = LocalDateOf(accepted_at);
      SqlArgs b;
      Exec(sql,
           fmt::format("UPDATE cases SET external_id = {} WHERE id = {}",
                       b.Str(fmt::format("{}{:04}{:02}{:02}{:06}", *in.case_type == kCriminal ? "A" : "B", d.year,
                                         d.month, d.day, id)),
                       b.Int(id)),
           b);
    }
    ReplaceOfficers(sql, unit->bureau_id, id, in.lead_officer_id, assists);
    if (incident) {
      SqlArgs b;
      Exec(sql, fmt::format("UPDATE incidents SET case_id = {}, updated_at = {} WHERE id = {}", b.Int(id), b.Int(now),
                            b.Int(incident->id)),
           b);
    }
    for (const auto& p : pending) {
      EventRow row = EventRowFrom(p.object, *ParseLocalDateTime(p.object["time"].get<std::string>()));
      row.bureau_id = unit->bureau_id;
      row.case_id = id;
      row.source = p.object["type"] == "accept_case" ? "api" : "incident";
      row.recorded_by = who.user_id;
      row.recorded_at = now;
      InsertEvent(sql, row);
    }
    auto detail = LoadDetail(sql, vault_, id, false);
    if (!detail) return std::unexpected(detail.error());
    audit::Append(sql, clock_, actor,
                  {"case.create", "case", std::to_string(id),
                   fmt::format("受案：{}（{}，{}，{}）", detail->header.external_id, CaseTypeName(*in.case_type), *cause,
                               unit->name),
                   {{"after", CaseAuditJson(detail->header, assists)}}});
    if (auto r = Changed(Hooks(hooks_), sql, id); !r) return std::unexpected(r.error());
    return LoadDetail(sql, vault_, id, false);
  });
}

Result<CaseDetail> CaseService::UpdateCase(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                           const CaseInput& in) {
  if (auto r = Require(who, auth::perm::kCaseWrite); !r) return std::unexpected(r.error());
  if (in.case_type || in.unit_id || in.external_id || in.incident_id || in.accepted_at)
    return Invalid("案件类型、办案单位、案件编号、关联警情和受案时间不能修改", "case", "immutable_field");
  std::optional<std::string> cause, category, title;
  if (in.cause) {
    auto v = CheckText(in.cause, "案由", "cause", 64, true);
    if (!v) return std::unexpected(v.error());
    cause = *v;
  }
  if (in.category) {
    auto v = CheckText(in.category, "打击类别", "category", 32, false);
    if (!v) return std::unexpected(v.error());
    category = *v;
  }
  if (in.title) {
    auto v = CheckText(in.title, "案件名称", "title", 200, true);
    if (!v) return std::unexpected(v.error());
    title = *v;
  }
  const EpochSeconds now = clock_.Now();
  auto result = db_.Write([&](soci::session& sql) -> Result<bool> {
    LockCase(sql, id);
    auto cur = LoadCase(sql, id, &who);
    if (!cur) return NotFound("案件不存在");
    const std::vector<std::int64_t> old_assists = AssistIds(sql, id);
    std::optional<std::int64_t> lead = in.lead_officer_id;
    if (!lead && cur->lead_officer) lead = cur->lead_officer->id;
    std::vector<std::int64_t> assists = in.assist_officer_ids.value_or(old_assists);
    std::optional<std::int64_t> legal = cur->legal_officer ? std::optional<std::int64_t>(cur->legal_officer->id) : std::nullopt;
    if (in.legal_officer_id) legal = *in.legal_officer_id == 0 ? std::nullopt : in.legal_officer_id;
    if (auto r = CheckOfficers(sql, cur->bureau_id, in.lead_officer_id ? lead : std::nullopt,
                               in.assist_officer_ids ? assists : std::vector<std::int64_t>{},
                               in.legal_officer_id ? legal : std::nullopt);
        !r)
      return std::unexpected(r.error());
    if (in.assist_officer_ids && lead && std::find(assists.begin(), assists.end(), *lead) != assists.end())
      return Invalid("主办民警不能同时是协办民警", "assist_officer_ids");

    SqlArgs a;
    const std::string q = fmt::format(
        "UPDATE cases SET cause = {}, category = {}, title = {}, lead_officer_id = {}, legal_officer_id = {}, "
        "serious = {}, fast_track = {}, updated_at = {} WHERE id = {}",
        a.Str(cause.value_or(cur->cause)), a.Str(category.value_or(cur->category)), a.Str(title.value_or(cur->title)),
        a.OptInt(lead), a.OptInt(legal), a.Int(in.serious.value_or(cur->serious) ? 1 : 0),
        a.Int(in.fast_track.value_or(cur->fast_track) ? 1 : 0), a.Int(now), a.Int(id));
    Exec(sql, q, a);
    ReplaceOfficers(sql, cur->bureau_id, id, lead, assists);
    auto after = LoadCase(sql, id, nullptr);
    const auto before_json = CaseAuditJson(*cur, old_assists);
    const auto after_json = CaseAuditJson(*after, AssistIds(sql, id));
    if (before_json == after_json) return true;
    // serious/fast_track change which rules apply: re-validate the timeline under the new header.
    auto doc = LoadTimelineDoc(sql, id);
    if (!doc) return std::unexpected(doc.error());
    if (auto tl = ValidateTimeline(*doc, {}); !tl) return std::unexpected(tl.error());
    nlohmann::json before = nlohmann::json::object(), changed = nlohmann::json::object();
    for (auto it = after_json.begin(); it != after_json.end(); ++it)
      if (before_json[it.key()] != *it) {
        before[it.key()] = before_json[it.key()];
        changed[it.key()] = *it;
      }
    audit::Append(sql, clock_, actor,
                  {"case.update", "case", std::to_string(id), fmt::format("修改案件 {} 的基本信息", cur->external_id),
                   {{"before", before}, {"after", changed}}});
    if (auto r = Changed(Hooks(hooks_), sql, id); !r) return std::unexpected(r.error());
    return true;
  });
  if (!result) return std::unexpected(result.error());
  return LoadDetailFor(who, actor, id);
}

Result<CaseList> CaseService::ListCases(const auth::Principal& who, const CaseFilter& filter,
                                        const PageRequest& page) const {
  if (auto r = Require(who, auth::perm::kCaseRead); !r) return std::unexpected(r.error());
  return db_.Read([&](soci::session& sql) -> Result<CaseList> {
    CaseList out;
    auto shape = ListShapeFor(sql, who, filter, page);
    if (!shape) return std::unexpected(shape.error());
    // Total, counting at most count_cap + 1 rows: an exact COUNT(*) over a 市局 or the 省厅 reads
    // every case in scope on every page view.
    {
      SqlArgs c;
      const std::string where = ListWhere(c, filter, *shape, shape->count);
      ForEachRow(sql,
                 fmt::format("SELECT COUNT(*) FROM (SELECT 1 FROM cases c{} LIMIT {}) t", where, shape->count_cap + 1), c,
                 [&](const soci::row& r) { out.total = db::GetInt64(r, 0); });
      if (out.total > shape->count_cap) {
        out.total = shape->count_cap;
        out.total_capped = true;
      }
    }
    // The page's ids from the cases table alone (covering indexes where possible), then their rows
    // with the joined names: the joins run for page_size rows, not for every row the sort sees.
    std::vector<std::int64_t> ids;
    {
      SqlArgs a;
      const std::string where = ListWhere(a, filter, *shape, shape->page);
      ForEachRow(sql,
                 fmt::format("SELECT c.id FROM cases c{}{}{} LIMIT {} OFFSET {}",
                             page.sort == "unit" ? " JOIN units u ON u.id = c.unit_id" : "", where, CaseOrder(page),
                             page.page_size, page.Offset()),
                 a, [&](const soci::row& r) { ids.push_back(db::GetInt64(r, 0)); });
    }
    if (ids.empty()) return out;
    SqlArgs a;
    std::string in;
    for (std::int64_t id : ids) in += (in.empty() ? "" : ", ") + a.Int(id);
    std::map<std::int64_t, CaseSummary> rows;
    ForEachRow(sql, fmt::format("SELECT {}{} WHERE c.id IN ({})", kCaseColumns, kCaseFrom, in), a,
               [&](const soci::row& r) {
                 CaseSummary c = CaseFromRow(r);
                 rows.emplace(c.id, std::move(c));
               });
    for (std::int64_t id : ids)
      if (auto it = rows.find(id); it != rows.end()) out.items.push_back(std::move(it->second));
    return out;
  });
}

Result<CaseDetail> CaseService::LoadDetailFor(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  const bool pii = who.Has(auth::perm::kPeoplePii);
  auto detail = db_.Read([&](soci::session& sql) -> Result<CaseDetail> {
    if (!LoadCase(sql, id, &who)) return NotFound("案件不存在");
    return LoadDetail(sql, vault_, id, pii);
  });
  if (!detail) return detail;
  if (pii && HasIdNumbers(*detail)) {
    // Reading personal data in clear is itself recorded (全程留痕).
    std::vector<std::int64_t> ids;
    for (const auto& p : detail->persons)
      if (!p.id_number.empty()) ids.push_back(p.id);
    auto logged = db_.Write([&](soci::session& sql) -> Result<bool> {
      audit::Append(sql, clock_, actor,
                    {"case_person.read_pii", "case", std::to_string(id),
                     fmt::format("查看案件 {} 涉案人员身份证号（{} 人）", detail->header.external_id, ids.size()),
                     {{"case_person_ids", ids}}});
      return true;
    });
    if (!logged) return std::unexpected(logged.error());
  }
  return detail;
}

Result<CaseDetail> CaseService::GetCase(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  if (auto r = Require(who, auth::perm::kCaseRead); !r) return std::unexpected(r.error());
  return LoadDetailFor(who, actor, id);
}

std::vector<const Transition*> CaseService::AllowedTransitions(const auth::Principal& who, const CaseSummary& c) const {
  std::vector<const Transition*> out;
  for (const auto& t : Transitions())
    if (t.case_type == c.case_type && t.from == c.status && who.Has(t.permission)) out.push_back(&t);
  return out;
}

Result<FileDownload> CaseService::ExportCases(const auth::Principal& who, const audit::Actor& actor,
                                              const CaseFilter& filter, bool xlsx) {
  if (auto r = Require(who, auth::perm::kCaseRead); !r) return std::unexpected(r.error());
  std::vector<std::vector<std::string>> rows = {{"案件编号", "案件类型", "案由", "打击类别", "案件名称", "办案单位",
                                                 "主办民警", "协办民警", "法制员", "状态", "受案时间", "结案时间",
                                                 "预警状态", "最近期限"}};
  auto loaded = db_.Read([&](soci::session& sql) -> Result<std::int64_t> {
    SqlArgs c;
    auto wc = CaseWhere(sql, c, who, filter);
    if (!wc) return std::unexpected(wc.error());
    std::int64_t total = 0;
    ForEachRow(sql, "SELECT COUNT(*) FROM cases c JOIN units u ON u.id = c.unit_id" + *wc, c,
               [&](const soci::row& r) { total = db::GetInt64(r, 0); });
    if (total > kMaxExportRows)
      return Invalid(fmt::format("符合条件的案件有 {} 件，超过单次导出上限 {} 件，请缩小筛选范围", total, kMaxExportRows),
                     "filter", "too_many_rows");
    // 协办民警 of the exported cases, in one query.
    std::map<std::int64_t, std::string> assists;
    SqlArgs s;
    auto ws = CaseWhere(sql, s, who, filter);
    ForEachRow(sql,
               "SELECT co.case_id, p.name FROM case_officers co JOIN people p ON p.id = co.person_id WHERE co.role = "
               "'assist' AND co.case_id IN (SELECT c.id FROM cases c JOIN units u ON u.id = c.unit_id" +
                   *ws + ") ORDER BY co.case_id, p.badge_no",
               s, [&](const soci::row& r) {
                 auto& names = assists[db::GetInt64(r, 0)];
                 names += (names.empty() ? "" : "、") + db::GetText(r, 1);
               });
    SqlArgs a;
    auto w = CaseWhere(sql, a, who, filter);
    PageRequest order;
    order.sort = "accepted_at";
    order.descending = true;
    ForEachRow(sql, fmt::format("SELECT {}{}{}{}", kCaseColumns, kCaseFrom, *w, CaseOrder(order)), a,
               [&](const soci::row& r) {
                 const CaseSummary c = CaseFromRow(r);
                 rows.push_back({c.external_id, CaseTypeName(c.case_type), c.cause, c.category, c.title, c.unit_name,
                                 c.lead_officer ? c.lead_officer->name : "", assists[c.id],
                                 c.legal_officer ? c.legal_officer->name : "", StatusName(c.case_type, c.status),
                                 FormatLocalDateTime(c.accepted_at), c.closed_at ? FormatLocalDateTime(*c.closed_at) : "",
                                 AlertStateName(c.alert_state), c.next_due_at ? FormatLocalDateTime(*c.next_due_at) : ""});
               });
    return total;
  });
  if (!loaded) return std::unexpected(loaded.error());
  FileDownload f;
  const CivilDate d = LocalDateOf(clock_.Now());
  const std::string base = fmt::format("案件列表_{:04}{:02}{:02}", d.year, d.month, d.day);
  if (xlsx) {
    auto bytes = files::WriteXlsx({{"案件", rows, {24, 6, 16, 12, 30, 16, 10, 20, 10, 10, 20, 20, 8, 20}}});
    if (!bytes) return std::unexpected(bytes.error());
    f = {std::move(*bytes), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", base + ".xlsx"};
  } else {
    f = {files::WriteCsv(rows), "text/csv; charset=utf-8", base + ".csv"};
  }
  auto logged = db_.Write([&](soci::session& sql) -> Result<bool> {
    nlohmann::json filter_json = nlohmann::json::object();
    if (filter.unit_id) filter_json["unit_id"] = *filter.unit_id;
    if (filter.officer_id) filter_json["officer_id"] = *filter.officer_id;
    if (filter.legal_officer_id) filter_json["legal_officer_id"] = *filter.legal_officer_id;
    if (filter.case_type) filter_json["case_type"] = *filter.case_type;
    if (filter.status) filter_json["status"] = *filter.status;
    if (filter.alert_state) filter_json["alert_state"] = *filter.alert_state;
    if (filter.category) filter_json["category"] = *filter.category;
    if (filter.q) filter_json["q"] = *filter.q;
    audit::Append(sql, clock_, actor,
                  {"case.export", "case", "", fmt::format("导出案件列表（{} 件）", *loaded),
                   {{"rows", *loaded}, {"format", xlsx ? "xlsx" : "csv"}, {"filter", filter_json}}});
    return true;
  });
  if (!logged) return std::unexpected(logged.error());
  return f;
}

// ============================================================================================
// Persons and property

Result<CasePerson> CaseService::AddPerson(const auth::Principal& who, const audit::Actor& actor, std::int64_t case_id,
                                          const CasePersonInput& in) {
  if (auto r = Require(who, auth::perm::kCaseWrite); !r) return std::unexpected(r.error());
  auto name = CheckText(in.name, "姓名", "name", 32, false);
  if (!name) return std::unexpected(name.error());
  auto ref = CheckText(in.ref, "人员编号", "ref", 32, false);
  if (!ref) return std::unexpected(ref.error());
  if (supervision::VocabIndex(supervision::PersonRoles(), in.role) < 0)
    return Invalid("人员角色只能是 suspect（嫌疑人/违法行为人）、victim（被害人）、witness（证人）或 other（其他）", "role",
                   "invalid_value");
  if (in.age && (*in.age < 0 || *in.age > 150)) return Invalid("年龄必须在 0 到 150 之间", "age");
  const std::string id_number = Trim(in.id_number);
  if (!id_number.empty() && !auth::IsValidIdNumber(id_number))
    return Invalid("身份证号格式或校验位不正确", "id_number", "invalid_id_number");
  const EpochSeconds now = clock_.Now();
  auto id = db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    LockCase(sql, case_id);
    auto c = LoadCase(sql, case_id, &who);
    if (!c) return NotFound("案件不存在");
    std::set<std::string> refs;
    {
      SqlArgs a;
      ForEachRow(sql, fmt::format("SELECT ref FROM case_persons WHERE case_id = {}", a.Int(case_id)), a,
                 [&](const soci::row& r) { refs.insert(db::GetText(r, 0)); });
    }
    std::string use_ref = *ref;
    if (use_ref.empty()) {
      for (int n = static_cast<int>(refs.size()) + 1;; ++n)
        if (!refs.contains("p" + std::to_string(n))) {
          use_ref = "p" + std::to_string(n);
          break;
        }
    } else if (refs.contains(use_ref)) {
      return Invalid(fmt::format("人员编号“{}”在本案中已存在", use_ref), "ref", "duplicate_ref");
    }
    SqlArgs a;
    const std::string q = fmt::format(
        "INSERT INTO case_persons (bureau_id, case_id, ref, name, role, age, female, pregnant, nursing_infant, "
        "identity_unknown, id_number_enc, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
        "RETURNING id",
        a.Int(c->bureau_id), a.Int(case_id), a.Str(use_ref), a.Str(*name), a.Str(in.role),
        a.OptInt(in.age ? std::optional<std::int64_t>(*in.age) : std::nullopt), a.Int(in.female), a.Int(in.pregnant),
        a.Int(in.nursing_infant), a.Int(in.identity_unknown),
        a.OptStr(id_number.empty() ? std::nullopt : std::optional<std::string>(vault_.Encrypt(id_number))), a.Int(now));
    std::int64_t pid = 0;
    ForEachRow(sql, q, a, [&](const soci::row& r) { pid = db::GetInt64(r, 0); });
    TouchCase(sql, case_id, now);
    audit::Append(sql, clock_, actor,
                  {"case_person.create", "case", std::to_string(case_id),
                   fmt::format("案件 {} 登记涉案人员 {}（{}）", c->external_id, use_ref, name->empty() ? "未填姓名" : *name),
                   {{"after",
                     {{"ref", use_ref},
                      {"role", in.role},
                      {"age", in.age ? nlohmann::json(*in.age) : nlohmann::json()},
                      {"id_number", auth::MaskIdNumber(id_number)}}}}});
    if (auto r = Changed(Hooks(hooks_), sql, case_id); !r) return std::unexpected(r.error());
    return pid;
  });
  if (!id) return std::unexpected(id.error());
  auto detail = LoadDetailFor(who, actor, case_id);
  if (!detail) return std::unexpected(detail.error());
  for (auto& p : detail->persons)
    if (p.id == *id) return p;
  return Internal("新登记的人员未找到");
}

Result<PropertyItem> CaseService::AddProperty(const auth::Principal& who, const audit::Actor& actor,
                                              std::int64_t case_id, const PropertyInput& in) {
  if (auto r = Require(who, auth::perm::kCaseWrite); !r) return std::unexpected(r.error());
  auto code = CheckText(in.code, "财物编号", "code", 64, true);
  if (!code) return std::unexpected(code.error());
  auto name = CheckText(in.name, "财物名称", "name", 64, true);
  if (!name) return std::unexpected(name.error());
  auto qty = CheckText(in.quantity, "数量", "quantity", 32, false);
  if (!qty) return std::unexpected(qty.error());
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<PropertyItem> {
    LockCase(sql, case_id);
    auto c = LoadCase(sql, case_id, &who);
    if (!c) return NotFound("案件不存在");
    SqlArgs a;
    std::optional<std::int64_t> owner;
    ForEachRow(sql,
               fmt::format("SELECT case_id FROM property_items WHERE bureau_id = {} AND code = {}", a.Int(c->bureau_id),
                           a.Str(*code)),
               a, [&](const soci::row& r) { owner = db::GetInt64(r, 0); });
    if (owner) return Conflict(fmt::format("财物编号“{}”已登记（一物一码）", *code), "duplicate_code");
    SqlArgs b;
    const std::string q = fmt::format(
        "INSERT INTO property_items (bureau_id, case_id, code, name, quantity, status, created_at, updated_at) "
        "VALUES ({}, {}, {}, {}, {}, 'extracted', {}, {}) RETURNING id",
        b.Int(c->bureau_id), b.Int(case_id), b.Str(*code), b.Str(*name), b.Str(*qty), b.Int(now), b.Int(now));
    PropertyItem item{0, *code, *name, *qty, "extracted", now, now};
    ForEachRow(sql, q, b, [&](const soci::row& r) { item.id = db::GetInt64(r, 0); });
    TouchCase(sql, case_id, now);
    audit::Append(sql, clock_, actor,
                  {"property.create", "case", std::to_string(case_id),
                   fmt::format("案件 {} 登记涉案财物 {}（{}）", c->external_id, *code, *name),
                   {{"after", {{"code", *code}, {"name", *name}, {"quantity", *qty}}}}});
    if (auto r = Changed(Hooks(hooks_), sql, case_id); !r) return std::unexpected(r.error());
    return item;
  });
}

// ============================================================================================
// Event log

namespace {

// The events of a case (or only event `only`) as the API shows them, with person and recorder names.
std::vector<CaseEvent> ReadEvents(soci::session& sql, std::int64_t case_id, std::optional<std::int64_t> only) {
  std::map<std::string, std::string> names;
  {
    SqlArgs a;
    ForEachRow(sql, fmt::format("SELECT ref, name FROM case_persons WHERE case_id = {}", a.Int(case_id)), a,
               [&](const soci::row& r) { names[db::GetText(r, 0)] = db::GetText(r, 1); });
  }
  std::vector<CaseEvent> out;
  SqlArgs a;
  std::string q = fmt::format(
      "SELECT e.id, e.type, e.at, e.person_ref, e.item_code, e.attrs, e.external_id, e.source, e.recorded_by, "
      "us.display_name, e.recorded_at FROM case_events e LEFT JOIN users us ON us.id = e.recorded_by "
      "WHERE e.case_id = {}",
      a.Int(case_id));
  if (only) q += fmt::format(" AND e.id = {}", a.Int(*only));
  q += " ORDER BY e.at, e.id";
  ForEachRow(sql, q, a, [&](const soci::row& r) {
    CaseEvent e;
    e.id = db::GetInt64(r, 0);
    e.type = db::GetText(r, 1);
    const auto t = supervision::EventTypeFromId(e.type);
    e.type_name = t ? std::string(supervision::EventTypeName(*t)) : e.type;
    e.at = db::GetInt64(r, 2);
    e.person_ref = db::GetText(r, 3);
    if (!e.person_ref.empty()) e.person_name = names[e.person_ref];
    e.item_code = db::GetText(r, 4);
    e.attrs = nlohmann::json::parse(db::GetText(r, 5), nullptr, false);
    if (!e.attrs.is_object()) e.attrs = nlohmann::json::object();
    e.external_id = db::GetText(r, 6);
    e.source = db::GetText(r, 7);
    if (!db::IsNull(r, 8)) e.recorded_by = db::GetInt64(r, 8);
    e.recorded_by_name = db::GetText(r, 9);
    e.recorded_at = db::GetInt64(r, 10);
    out.push_back(std::move(e));
  });
  return out;
}

}  // namespace

Result<std::vector<CaseEvent>> CaseService::ListEvents(const auth::Principal& who, std::int64_t case_id) const {
  if (auto r = Require(who, auth::perm::kCaseRead); !r) return std::unexpected(r.error());
  return db_.Read([&](soci::session& sql) -> Result<std::vector<CaseEvent>> {
    if (!LoadCase(sql, case_id, &who)) return NotFound("案件不存在");
    return ReadEvents(sql, case_id, std::nullopt);
  });
}

namespace {

// Inserts validated pending events of one case (with their parsed times from `tl`), registers and
// refreshes their property items. Returns the new ids in `pending` order.
Result<std::vector<std::int64_t>> StorePending(soci::session& sql, const CaseSummary& c,
                                               const std::vector<PendingEvent>& pending,
                                               const std::vector<std::string>& external_ids,
                                               const supervision::CaseTimeline& tl, const std::string& source,
                                               std::optional<std::int64_t> user, EpochSeconds now) {
  std::map<std::string, EpochSeconds> times;
  for (const auto& e : tl.events) times[e.id] = e.time;
  std::vector<std::int64_t> ids;
  std::set<std::string> items;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const auto& obj = pending[i].object;
    EventRow row = EventRowFrom(obj, times[obj["id"].get<std::string>()]);
    row.bureau_id = c.bureau_id;
    row.case_id = c.id;
    row.external_id = i < external_ids.size() ? external_ids[i] : "";
    row.source = source;
    row.recorded_by = user;
    row.recorded_at = now;
    if (!row.item_code.empty()) {
      if (auto r = EnsureProperty(sql, c.bureau_id, c.id, row.item_code, now); !r) {
        Error e = r.error();
        e.message = pending[i].label + "：" + e.message;
        return std::unexpected(e);
      }
      items.insert(row.item_code);
    }
    ids.push_back(InsertEvent(sql, row));
  }
  for (const auto& code : items) RefreshPropertyStatus(sql, c.id, code, now);
  return ids;
}

}  // namespace

Result<CaseEvent> CaseService::AddEvent(const auth::Principal& who, const audit::Actor& actor, std::int64_t case_id,
                                        const EventInput& in) {
  if (auto r = Require(who, auth::perm::kCaseWrite); !r) return std::unexpected(r.error());
  std::string external_id;
  auto object = NormaliseEventObject(in.object, &external_id);
  if (!object) return std::unexpected(object.error());
  const EpochSeconds now = clock_.Now();
  // The stored event is read back inside the transaction (one row), not with a second session.
  auto one = [&](soci::session& sql, std::int64_t id) -> Result<CaseEvent> {
    auto rows = ReadEvents(sql, case_id, id);
    if (rows.empty()) return Internal("新登记的事件未找到");
    return std::move(rows.front());
  };
  return db_.Write([&](soci::session& sql) -> Result<CaseEvent> {
    LockCase(sql, case_id);
    auto c = LoadCase(sql, case_id, &who);
    if (!c) return NotFound("案件不存在");
    auto base = LoadTimelineDoc(sql, case_id);
    if (!base) return std::unexpected(base.error());
    nlohmann::json obj = *object;
    obj["id"] = "new:1";
    const std::string type = obj.contains("type") && obj["type"].is_string() ? obj["type"].get<std::string>() : "";
    const auto known = supervision::EventTypeFromId(type);
    const std::string label =
        known ? fmt::format("新事件（{}）", supervision::EventTypeName(*known)) : std::string("新事件");
    std::vector<PendingEvent> pending = {{obj, label}};
    auto tl = ValidateTimeline(*base, pending);
    if (!tl) return std::unexpected(tl.error());
    const auto& parsed = *std::find_if(tl->events.begin(), tl->events.end(),
                                       [](const supervision::Event& e) { return e.id == "new:1"; });
    if (parsed.time > now + kFutureTolerance)
      return Invalid(fmt::format("{}的时间 {} 晚于当前时间", label, FormatLocalDateTime(parsed.time)), "time",
                     "future_time");
    if (!external_id.empty()) {
      // Re-sending the same event (a retry) is answered with the stored one; a different event
      // under the same number is a conflict.
      SqlArgs a;
      std::optional<std::int64_t> existing;
      EventRow stored;
      ForEachRow(sql,
                 fmt::format("SELECT id, type, at, person_ref, item_code, attrs FROM case_events WHERE case_id = {} "
                             "AND external_id = {}",
                             a.Int(case_id), a.Str(external_id)),
                 a, [&](const soci::row& r) {
                   existing = db::GetInt64(r, 0);
                   stored.type = db::GetText(r, 1);
                   stored.at = db::GetInt64(r, 2);
                   stored.person_ref = db::GetText(r, 3);
                   stored.item_code = db::GetText(r, 4);
                   stored.attrs = nlohmann::json::parse(db::GetText(r, 5), nullptr, false);
                 });
      if (existing) {
        const EventRow mine = EventRowFrom(obj, parsed.time);
        if (mine.type == stored.type && mine.at == stored.at && mine.person_ref == stored.person_ref &&
            mine.item_code == stored.item_code && mine.attrs == stored.attrs)
          return one(sql, *existing);
        return Conflict(fmt::format("事件编号“{}”已登记为另一事件", external_id), "duplicate_external_id");
      }
    }
    auto ids = StorePending(sql, *c, pending, {external_id}, *tl, "api", who.user_id, now);
    if (!ids) return std::unexpected(ids.error());
    TouchCase(sql, case_id, now);
    audit::Append(sql, clock_, actor,
                  {"case_event.create", "case", std::to_string(case_id),
                   fmt::format("案件 {} 登记事件：{}（{}）", c->external_id,
                               supervision::EventTypeName(parsed.type), FormatLocalDateTime(parsed.time)),
                   {{"event_id", ids->front()}, {"event", *object}}});
    if (auto r = Changed(Hooks(hooks_), sql, case_id); !r) return std::unexpected(r.error());
    return one(sql, ids->front());
  });
}

// ============================================================================================
// State machine

Result<CaseDetail> CaseService::ChangeStatus(const auth::Principal& who, const audit::Actor& actor,
                                           std::int64_t case_id, const TransitionInput& in) {
  // Moves need case.write or case.review; each move then checks its own permission.
  if (!who.Has(auth::perm::kCaseWrite) && !who.Has(auth::perm::kCaseReview))
    return Forbidden("没有权限办理案件状态变更", "permission_denied");
  if (!in.event_attrs.is_object()) return Invalid("event 必须是 JSON 对象", "event", "wrong_type");
  for (const char* k : {"type", "time", "id", "external_id"})
    if (in.event_attrs.contains(k))
      return Invalid(fmt::format("event 中不能指定“{}”（由状态流转决定）", k), std::string("event.") + k, "unknown_field");
  const EpochSeconds now = clock_.Now();
  const EpochSeconds at = in.at.value_or(now);
  if (at > now + kFutureTolerance) return Invalid("办理时间不能晚于当前时间", "at", "future_time");
  auto done = db_.Write([&](soci::session& sql) -> Result<bool> {
    LockCase(sql, case_id);
    auto c = LoadCase(sql, case_id, &who);
    if (!c) return NotFound("案件不存在");
    if (!IsStatus(c->case_type, in.to))
      return Invalid(fmt::format("“{}”不是{}案件的状态", in.to, CaseTypeName(c->case_type)), "to", "invalid_value");
    const Transition* t = FindTransition(c->case_type, c->status, in.to);
    if (!t)
      return Conflict(fmt::format("案件当前状态为“{}”，不能变更为“{}”", StatusName(c->case_type, c->status),
                                  StatusName(c->case_type, in.to)),
                      "invalid_transition");
    if (!who.Has(t->permission))
      return Forbidden(fmt::format("“{}”需要审核权限（{}）", t->name_zh, t->permission), "permission_denied");
    if (CaseHooks* hooks = Hooks(hooks_)) {
      if (auto r = hooks->CheckTransition(sql, case_id, c->status, in.to); !r) return std::unexpected(r.error());
    }
    std::optional<std::int64_t> event_id;
    if (!t->event.empty()) {
      auto base = LoadTimelineDoc(sql, case_id);
      if (!base) return std::unexpected(base.error());
      nlohmann::json obj = in.event_attrs;
      obj["id"] = "new:1";
      obj["type"] = std::string(t->event);
      obj["time"] = FormatLocalIso(at);
      if (!in.note.empty() && !obj.contains("note")) obj["note"] = in.note;
      const auto type = supervision::EventTypeFromId(t->event);
      std::vector<PendingEvent> pending = {
          {obj, fmt::format("“{}”的{}事件", t->name_zh, type ? supervision::EventTypeName(*type) : t->event)}};
      auto tl = ValidateTimeline(*base, pending);
      if (!tl) return std::unexpected(tl.error());
      auto ids = StorePending(sql, *c, pending, {}, *tl, "transition", who.user_id, now);
      if (!ids) return std::unexpected(ids.error());
      event_id = ids->front();
    }
    const bool terminal = IsTerminal(c->case_type, in.to);
    SqlArgs a;
    Exec(sql,
         fmt::format("UPDATE cases SET status = {}, closed_at = {}, updated_at = {} WHERE id = {}", a.Str(in.to),
                     a.OptInt(terminal ? std::optional<std::int64_t>(at) : std::nullopt), a.Int(now), a.Int(case_id)),
         a);
    audit::Append(sql, clock_, actor,
                  {"case.transition", "case", std::to_string(case_id),
                   fmt::format("案件 {}：{}（{} → {}）", c->external_id, t->name_zh, StatusName(c->case_type, c->status),
                               StatusName(c->case_type, in.to)),
                   {{"from", c->status},
                    {"to", in.to},
                    {"at", at},
                    {"event_id", event_id ? nlohmann::json(*event_id) : nlohmann::json()},
                    {"note", in.note}}});
    if (auto r = Changed(Hooks(hooks_), sql, case_id); !r) return std::unexpected(r.error());
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return LoadDetailFor(who, actor, case_id);
}

}  // namespace fazhi::cases
