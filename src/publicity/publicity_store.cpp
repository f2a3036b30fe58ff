#include "publicity/publicity_store.h"

#include <fmt/format.h>

#include "core/local_time.h"
#include "db/sql.h"

namespace fazhi::publicity::store {

namespace {

constexpr EpochSeconds kWarnDays = 7 * 86400;

const char* const kDutyColumns =
    "SELECT d.id, d.bureau_id, d.unit_id, u.name AS unit_name, u.path AS unit_path, d.law, d.audience, d.note, "
    "d.created_at FROM pub_duties d JOIN units u ON u.id = d.unit_id ";

Duty DutyFrom(const db::Row& r) {
  Duty out;
  FZ_READ(r, out, id, bureau_id, unit_id, unit_name, law, audience, note, created_at);
  return out;
}

const char* const kCycleColumns =
    "SELECT c.id, c.bureau_id, c.unit_id, u.name AS unit_name, u.path AS unit_path, c.year, c.stage, c.due_at, "
    "c.content, c.submitted_at, c.order_id FROM pub_cycle_items c JOIN units u ON u.id = c.unit_id ";

CycleItem CycleFrom(const db::Row& r, EpochSeconds now) {
  CycleItem c;
  FZ_READ(r, c, id, bureau_id, unit_id, unit_name, stage, content, year, due_at, submitted_at, order_id);
  c.status = "";
  c.status = c.submitted_at                ? "submitted"
             : now >= c.due_at             ? "overdue"
             : now + kWarnDays >= c.due_at ? "due_soon"
                                           : "pending";
  return c;
}

const char* const kEventColumns =
    "SELECT e.id, e.bureau_id, e.unit_id, u.name AS unit_name, u.path AS unit_path, e.campaign, e.title, e.held_at, "
    "e.place, e.audience, e.laws, e.summary FROM pub_events e JOIN units u ON u.id = e.unit_id ";

Event EventFrom(const db::Row& r) {
  Event out;
  FZ_READ(r, out, id, bureau_id, unit_id, unit_name, campaign, title, place, laws, summary, held_at, audience);
  out.files = {};
  return out;
}

}  // namespace

std::int64_t InsertDuty(soci::session& sql, const Duty& d, std::optional<std::int64_t> user_id, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, d, bureau_id, unit_id, law, audience, note);
  v.OptInt("created_by", user_id).Int("created_at", now);
  return db::InsertRow(sql, "pub_duties", v);
}

bool HasDuty(soci::session& sql, std::int64_t unit_id, const std::string& law) {
  db::SqlArgs a;
  return db::ScalarInt(
             sql,
             fmt::format("SELECT COUNT(*) FROM pub_duties WHERE unit_id = {} AND law = {}", a.Int(unit_id), a.Str(law)),
             a)
             .value_or(0) > 0;
}

std::optional<std::pair<Duty, std::string>> LoadDuty(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{} WHERE d.id = {}", kDutyColumns, a.Int(id)), a,
                     [](const db::Row& r) { return std::make_pair(DutyFrom(r), r.Str("unit_path")); });
}

void DeleteDuty(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("DELETE FROM pub_duties WHERE id = {}", a.Int(id)), a);
}

std::vector<Duty> ListDuties(soci::session& sql, const std::string& reach_path, std::optional<std::int64_t> unit_id) {
  db::SqlArgs a;
  std::string q = fmt::format("{} WHERE {}", kDutyColumns, db::PathUnder(a, "u.path", reach_path));
  if (unit_id) q += fmt::format(" AND d.unit_id = {}", a.Int(*unit_id));
  q += " ORDER BY u.path, d.id";
  return db::AllOf(sql, q, a, DutyFrom);
}

bool InsertCycleItem(soci::session& sql, std::int64_t bureau_id, std::int64_t unit_id, int year,
                     const std::string& stage, EpochSeconds due_at, EpochSeconds now) {
  db::SqlArgs q;
  if (db::ScalarInt(sql,
                    fmt::format("SELECT COUNT(*) FROM pub_cycle_items WHERE unit_id = {} AND year = {} AND stage = {}",
                                q.Int(unit_id), q.Int(year), q.Str(stage)),
                    q)
          .value_or(0) > 0)
    return false;
  db::Values v;
  v.Int("bureau_id", bureau_id)
      .Int("unit_id", unit_id)
      .Int("year", year)
      .Str("stage", stage)
      .Int("due_at", due_at)
      .Int("created_at", now);
  db::InsertValues(sql, "pub_cycle_items", v);
  return true;
}

std::optional<std::pair<CycleItem, std::string>> LoadCycleItem(soci::session& sql, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{} WHERE c.id = {}", kCycleColumns, a.Int(id)), a,
                     [&](const db::Row& r) { return std::make_pair(CycleFrom(r, now), r.Str("unit_path")); });
}

void SubmitCycleItem(soci::session& sql, std::int64_t id, const std::string& content,
                     std::optional<std::int64_t> user_id, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE pub_cycle_items SET content = {}, submitted_at = {}, submitted_by = {} WHERE id = {}",
                       a.Str(content), a.Int(now), a.OptInt(user_id), a.Int(id)),
           a);
}

std::vector<CycleItem> ListCycle(soci::session& sql, const std::string& reach_path, int year, EpochSeconds now) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   fmt::format("{} WHERE {} AND c.year = {} ORDER BY u.path, c.due_at", kCycleColumns,
                               db::PathUnder(a, "u.path", reach_path), a.Int(year)),
                   a, [&](const db::Row& r) { return CycleFrom(r, now); });
}

std::vector<CycleItem> DueForAlert(soci::session& sql, bool overdue, EpochSeconds now, EpochSeconds warn_before) {
  db::SqlArgs a;
  const std::string cond =
      overdue ? fmt::format("c.overdue_at IS NULL AND c.due_at <= {}", a.Int(now))
              : fmt::format("c.warned_at IS NULL AND c.due_at > {} AND c.due_at <= {}", a.Int(now), a.Int(warn_before));
  return db::AllOf(sql, fmt::format("{} WHERE c.submitted_at IS NULL AND {} ORDER BY c.id", kCycleColumns, cond), a,
                   [&](const db::Row& r) { return CycleFrom(r, now); });
}

void MarkAlerted(soci::session& sql, std::int64_t id, bool overdue, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE pub_cycle_items SET {} = {} WHERE id = {}", overdue ? "overdue_at" : "warned_at",
                       a.Int(now), a.Int(id)),
           a);
}

std::vector<std::int64_t> OverdueWithoutOrder(soci::session& sql, EpochSeconds now) {
  db::SqlArgs a;
  return db::IntColumn(sql,
                       fmt::format("SELECT id FROM pub_cycle_items WHERE submitted_at IS NULL AND order_id IS NULL "
                                   "AND due_at <= {} ORDER BY id",
                                   a.Int(now)),
                       a, "id");
}

bool ClaimForOrder(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::Exec(sql,
                  fmt::format("UPDATE pub_cycle_items SET order_id = 0 WHERE id = {} AND order_id IS NULL AND "
                              "submitted_at IS NULL",
                              a.Int(id)),
                  a) == 1;
}

void SetOrder(soci::session& sql, std::int64_t id, std::int64_t order_id) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("UPDATE pub_cycle_items SET order_id = {} WHERE id = {}", a.Int(order_id), a.Int(id)), a);
}

std::optional<std::int64_t> StageResponsible(soci::session& sql, std::int64_t unit_id) {
  db::SqlArgs a;
  const std::string unit = a.Int(unit_id);
  return db::FirstOf(
      sql,
      fmt::format("SELECT id FROM people WHERE unit_id = {} AND active = 1 AND (is_legal_officer = 1 OR position IN "
                  "('所长', '大队长', '主任')) ORDER BY is_legal_officer DESC, id LIMIT 1",
                  unit),
      a, [](const db::Row& r) { return r.Int("id"); });
}

// The names of a bureau's legal unit, as org::IsLegalUnit knows them (category, or the name without one).
constexpr const char* kLegalNames = "('法制大队', '法制部门', '法制科', '法制室')";

std::optional<std::pair<std::int64_t, std::int64_t>> LegalUnitIssuer(soci::session& sql, std::int64_t bureau_id) {
  db::SqlArgs a;
  return db::FirstOf(
      sql,
      fmt::format("SELECT us.id, us.unit_id FROM users us JOIN units u ON u.id = us.unit_id JOIN "
                  "user_roles r ON r.user_id = us.id AND r.role = 'legal_officer' WHERE us.active = 1 "
                  "AND u.bureau_id = {} AND (u.category IN {} OR (COALESCE(u.category, '') = '' AND u.name IN "
                  "{})) ORDER BY us.id LIMIT 1",
                  a.Int(bureau_id), kLegalNames, kLegalNames),
      a, [](const db::Row& r) { return std::make_pair(r.Int("id"), r.Int("unit_id")); });
}

std::vector<std::int64_t> UnitUsers(soci::session& sql, std::int64_t unit_id) {
  db::SqlArgs a;
  return db::IntColumn(
      sql, fmt::format("SELECT id FROM users WHERE unit_id = {} AND active = 1 ORDER BY id", a.Int(unit_id)), a, "id");
}

std::int64_t InsertEvent(soci::session& sql, const Event& e, std::optional<std::int64_t> user_id, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, e, bureau_id, unit_id, campaign, title, held_at, place, audience, laws, summary);
  v.OptInt("created_by", user_id).Int("created_at", now);
  return db::InsertRow(sql, "pub_events", v);
}

std::optional<std::pair<Event, std::string>> LoadEvent(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{} WHERE e.id = {}", kEventColumns, a.Int(id)), a,
                     [](const db::Row& r) { return std::make_pair(EventFrom(r), r.Str("unit_path")); });
}

Paged<Event> ListEvents(soci::session& sql, const std::string& reach_path, const EventFilter& f,
                        const PageRequest& page) {
  db::SqlArgs a;
  std::string where = fmt::format(" WHERE {}", db::PathUnder(a, "u.path", reach_path));
  if (f.campaign == "none")
    where += " AND e.campaign = ''";
  else if (!f.campaign.empty())
    where += fmt::format(" AND e.campaign = {}", a.Str(f.campaign));
  if (f.unit_id) where += fmt::format(" AND e.unit_id = {}", a.Int(*f.unit_id));
  if (f.year) {
    const EpochSeconds from = LocalMidnight(CivilDate{*f.year, 1, 1}), to = LocalMidnight(CivilDate{*f.year + 1, 1, 1});
    where += fmt::format(" AND e.held_at >= {} AND e.held_at < {}", a.Int(from), a.Int(to));
  }
  Paged<Event> out;
  out.total =
      db::ScalarInt(sql, fmt::format("SELECT COUNT(*) FROM pub_events e JOIN units u ON u.id = e.unit_id{}", where), a)
          .value_or(0);
  const std::string order = page.sort == "audience" ? "e.audience" : "e.held_at";
  out.items = db::AllOf(sql,
                        fmt::format("{}{} ORDER BY {} {}, e.id LIMIT {} OFFSET {}", kEventColumns, where, order,
                                    page.descending ? "DESC" : "ASC", page.page_size, page.Offset()),
                        a, EventFrom);
  return out;
}

std::vector<EventCount> YearEvents(soci::session& sql, const std::string& reach_path, EpochSeconds from,
                                   EpochSeconds to) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   fmt::format("SELECT e.campaign, e.unit_id, u.name AS unit_name, e.audience FROM pub_events e JOIN "
                               "units u ON u.id = e.unit_id WHERE {} AND e.held_at >= {} AND e.held_at < {} ORDER BY "
                               "u.path, e.id",
                               db::PathUnder(a, "u.path", reach_path), a.Int(from), a.Int(to)),
                   a, [](const db::Row& r) {
                     return EventCount{r.Str("campaign"), r.Str("unit_name"), r.Int("unit_id"), r.Int("audience")};
                   });
}

}  // namespace fazhi::publicity::store
