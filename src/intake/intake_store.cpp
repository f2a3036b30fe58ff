#include "intake/intake_store.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "org/org_reads.h"

namespace fazhi::intake::store {

namespace {

constexpr const char* kTicketColumns =
    "SELECT t.id, t.bureau_id, t.ticket_no, t.query_index, t.query_code_enc, t.kind, t.case_type, t.category, "
    "t.reporter_name_enc, t.reporter_id_enc, t.reporter_phone_enc, t.summary, t.occurred_at, t.place, "
    "t.subject_person_id, sp.name AS subject_name, t.duty_person_id, dp.name AS duty_name, t.desk_unit_id, "
    "du.name AS desk_name, du.path AS desk_path, t.unit_id, ru.name AS unit_name, ru.path AS unit_path, "
    "t.route_rule_id, t.route_reason, t.routed_at, t.due_at, t.deadline_basis, t.status, t.accepted, t.accept_note, "
    "t.decided_at, t.outcome, t.concluded_at, t.feedback_method, t.feedback_at, t.feedback_text, t.satisfaction, "
    "t.reopen_count, t.receipt_at, t.case_id, t.incident_id, t.order_id, t.substantiated, t.received_at, "
    "cu.display_name AS clerk_display, cu.username AS clerk_username "
    "FROM intake_tickets t JOIN units du ON du.id = t.desk_unit_id LEFT JOIN units ru ON ru.id = t.unit_id "
    "LEFT JOIN people sp ON sp.id = t.subject_person_id LEFT JOIN people dp ON dp.id = t.duty_person_id "
    "LEFT JOIN users cu ON cu.id = t.clerk_user_id ";

std::optional<bool> OptBool(const db::Row& r, std::string_view name) {
  auto v = r.OptInt(name);
  if (!v) return std::nullopt;
  return *v != 0;
}

bool IsOpen(const std::string& status) { return status != "concluded" && status != "closed"; }

// Still waiting for what its deadline is about: a 报案's decision (受案/立案), the other kinds' outcome.
constexpr const char* kWaiting =
    "((t.kind = 'report' AND t.status IN ('registered', 'routed')) OR (t.kind <> 'report' AND t.status NOT IN "
    "('concluded', 'closed')))";

TicketRow MapRow(const db::Row& r, EpochSeconds now) {
  TicketRow row;
  Ticket& t = row.t;
  FZ_READ(r, t, id, bureau_id, ticket_no, kind, case_type, category, summary, occurred_at, place, subject_person_id,
          duty_person_id, desk_unit_id, unit_id, unit_name, route_rule_id, route_reason, routed_at, due_at,
          deadline_basis, status, accept_note, decided_at, outcome, concluded_at, feedback_method, feedback_at,
          feedback_text, reopen_count, receipt_at, case_id, incident_id, order_id, received_at);
  FZ_READ(r, row, query_index, query_code_enc, desk_path, unit_path);
  row.name_enc = r.Str("reporter_name_enc");
  row.id_enc = r.Str("reporter_id_enc");
  row.phone_enc = r.Str("reporter_phone_enc");
  t.subject_person_name = r.Str("subject_name");
  t.duty_person_name = r.Str("duty_name");
  t.desk_unit_name = r.Str("desk_name");
  t.accepted = OptBool(r, "accepted");
  if (auto s = r.OptInt("satisfaction")) t.satisfaction = static_cast<int>(*s);
  t.substantiated = OptBool(r, "substantiated");
  t.clerk_name = r.Str("clerk_display");
  if (t.clerk_name.empty()) t.clerk_name = r.Str("clerk_username");
  // A ticket is overdue while its decision (报案: 受案/立案) or, for the other kinds, its outcome is
  // still missing after the due time.
  const bool waiting = t.kind == "report" ? (t.status == "registered" || t.status == "routed") : IsOpen(t.status);
  t.overdue = waiting && t.due_at && *t.due_at < now;
  t.due_soon = waiting && !t.overdue && t.due_at && now > 0 && *t.due_at - WarnLead(t.kind) <= now;
  return row;
}

}  // namespace

EpochSeconds WarnLead(std::string_view kind) {
  if (kind == "report") return 2 * 3600;
  if (kind == "complaint") return 24 * 3600;
  if (kind == "consult") return 4 * 3600;
  return 2 * 3600;
}

std::int64_t InsertTicket(soci::session& sql, const TicketRow& row, EpochSeconds now) {
  const Ticket& t = row.t;
  db::Values v;
  FZ_VALUES(v, t, bureau_id, ticket_no, kind, case_type, category, summary, occurred_at, place, subject_person_id,
            duty_person_id, desk_unit_id, received_at);
  v.Str("query_index", row.query_index)
      .Str("query_code_enc", row.query_code_enc)
      .Str("reporter_name_enc", row.name_enc)
      .Str("reporter_id_enc", row.id_enc)
      .Str("reporter_phone_enc", row.phone_enc)
      .OptInt("clerk_user_id", row.clerk_user_id)
      .Sql("status", "'registered'")
      .Int("created_at", now)
      .Int("updated_at", now);
  return db::InsertRow(sql, "intake_tickets", v);
}

std::optional<TicketRow> LoadTicket(soci::session& sql, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  std::optional<TicketRow> out;
  db::First(sql, fmt::format("{} WHERE t.id = {}", kTicketColumns, a.Int(id)), a,
            [&](const db::Row& r) { out = MapRow(r, now); });
  return out;
}

std::optional<TicketRow> LoadByQueryIndex(soci::session& sql, const std::string& query_index) {
  db::SqlArgs a;
  std::optional<TicketRow> out;
  db::First(sql, fmt::format("{} WHERE t.query_index = {}", kTicketColumns, a.Str(query_index)), a,
            [&](const db::Row& r) { out = MapRow(r, 0); });
  return out;
}

void LockTicket(soci::session& sql, std::int64_t id) { db::LockRowForUpdate(sql, "intake_tickets", id); }

std::string NextTicketNo(soci::session& sql, std::int64_t bureau_id, EpochSeconds received_at) {
  const CivilDate d = LocalDateOf(received_at);
  const std::string prefix = fmt::format("JB{:04}{:02}{:02}", d.year, d.month, d.day);
  db::SqlArgs a;
  // Longest first: past 9999 a day the serial has five digits, and "…10000" sorts before "…9999" as text.
  const auto last = db::ScalarText(sql,
                                   fmt::format("SELECT ticket_no FROM intake_tickets WHERE bureau_id = {} AND "
                                               "ticket_no LIKE {} ORDER BY LENGTH(ticket_no) DESC, ticket_no DESC "
                                               "LIMIT 1",
                                               a.Int(bureau_id), a.Str(prefix + "%")),
                                   a);
  int serial = 1;
  if (last && last->size() > prefix.size()) serial = std::stoi(last->substr(prefix.size())) + 1;
  return fmt::format("{}{:04}", prefix, serial);
}

void SetRoute(soci::session& sql, std::int64_t id, std::int64_t unit_id, std::optional<std::int64_t> rule_id,
              const std::string& reason, EpochSeconds routed_at, std::optional<EpochSeconds> due_at,
              const std::string& basis, const std::string& status, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format("UPDATE intake_tickets SET unit_id = {}, route_rule_id = {}, route_reason = {}, routed_at = {}, "
                  "due_at = {}, deadline_basis = {}, status = {}, overdue_notified_at = NULL, warn_notified_at = NULL, "
                  "updated_at = {} "
                  "WHERE id = {}",
                  a.Int(unit_id), a.OptInt(rule_id), a.Str(reason), a.Int(routed_at), a.OptInt(due_at), a.Str(basis),
                  a.Str(status), a.Int(now), a.Int(id)),
      a);
}

void SetDecision(soci::session& sql, std::int64_t id, bool accepted, const std::string& note, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE intake_tickets SET accepted = {}, accept_note = {}, decided_at = {}, status = {}, "
                       "updated_at = {} WHERE id = {}",
                       a.Bool(accepted), a.Str(note), a.Int(now), a.Str(accepted ? "accepted" : "declined"), a.Int(now),
                       a.Int(id)),
           a);
}

void SetOutcome(soci::session& sql, std::int64_t id, const std::string& outcome, std::optional<bool> substantiated,
                EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE intake_tickets SET outcome = {}, substantiated = {}, concluded_at = {}, status = "
                       "'concluded', updated_at = {} WHERE id = {}",
                       a.Str(outcome),
                       a.OptInt(substantiated ? std::optional<std::int64_t>(*substantiated ? 1 : 0) : std::nullopt),
                       a.Int(now), a.Int(now), a.Int(id)),
           a);
}

void SetFeedback(soci::session& sql, std::int64_t id, const std::string& method, EpochSeconds at,
                 const std::string& text, std::optional<int> satisfaction, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE intake_tickets SET feedback_method = {}, feedback_at = {}, feedback_text = {}, "
                       "satisfaction = {}, status = 'closed', updated_at = {} WHERE id = {}",
                       a.Str(method), a.Int(at), a.Str(text),
                       a.OptInt(satisfaction ? std::optional<std::int64_t>(*satisfaction) : std::nullopt), a.Int(now),
                       a.Int(id)),
           a);
}

void Reopen(soci::session& sql, std::int64_t id, std::optional<EpochSeconds> due_at, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format(
          "UPDATE intake_tickets SET status = 'routed', accepted = NULL, accept_note = '', decided_at = "
          "NULL, outcome = '', substantiated = NULL, concluded_at = NULL, feedback_method = '', "
          "feedback_at = NULL, feedback_text = '', satisfaction = NULL, reopen_count = reopen_count + 1, "
          "routed_at = {}, due_at = {}, overdue_notified_at = NULL, warn_notified_at = NULL, updated_at = {} WHERE "
          "id = {}",
          a.Int(now), a.OptInt(due_at), a.Int(now), a.Int(id)),
      a);
}

void SetReceiptAt(soci::session& sql, std::int64_t id, EpochSeconds at) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE intake_tickets SET receipt_at = COALESCE(receipt_at, {}) WHERE id = {}", a.Int(at),
                       a.Int(id)),
           a);
}

void SetLinks(soci::session& sql, std::int64_t id, std::optional<std::int64_t> case_id,
              std::optional<std::int64_t> incident_id, std::optional<std::int64_t> order_id, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE intake_tickets SET case_id = COALESCE({}, case_id), incident_id = COALESCE({}, "
                       "incident_id), order_id = COALESCE({}, order_id), updated_at = {} WHERE id = {}",
                       a.OptInt(case_id), a.OptInt(incident_id), a.OptInt(order_id), a.Int(now), a.Int(id)),
           a);
}

void AddHistory(soci::session& sql, const Ticket& t, std::optional<std::int64_t> user_id, const std::string& user_name,
                const std::string& action, const std::string& status, const std::string& note, EpochSeconds at) {
  db::Values v;
  v.Int("bureau_id", t.bureau_id)
      .Int("ticket_id", t.id)
      .Int("at", at)
      .OptInt("user_id", user_id)
      .Str("user_name", user_name)
      .Str("action", action)
      .Str("status", status)
      .Str("note", note);
  db::InsertValues(sql, "intake_history", v);
}

std::vector<HistoryEntry> LoadHistory(soci::session& sql, std::int64_t ticket_id) {
  db::SqlArgs a;
  std::vector<HistoryEntry> out;
  db::Each(sql,
           fmt::format("SELECT id, at, user_name, action, status, note FROM intake_history WHERE ticket_id = {} "
                       "ORDER BY id",
                       a.Int(ticket_id)),
           a, [&](const db::Row& r) {
             out.push_back({.id = r.Int("id"),
                            .at = r.Int("at"),
                            .user_name = r.Str("user_name"),
                            .action = r.Str("action"),
                            .status = r.Str("status"),
                            .note = r.Str("note")});
           });
  return out;
}

std::int64_t InsertEvidence(soci::session& sql, std::int64_t bureau_id, std::int64_t ticket_id,
                            const std::string& description, std::optional<std::int64_t> user_id, EpochSeconds now) {
  db::Values v;
  v.Int("bureau_id", bureau_id)
      .Int("ticket_id", ticket_id)
      .Str("description", description)
      .OptInt("created_by", user_id)
      .Int("created_at", now);
  return db::InsertRow(sql, "intake_evidence", v);
}

std::vector<Evidence> LoadEvidence(soci::session& sql, std::int64_t ticket_id) {
  db::SqlArgs a;
  std::vector<Evidence> out;
  db::Each(
      sql,
      fmt::format("SELECT id, description, created_at FROM intake_evidence WHERE ticket_id = {} ORDER BY id",
                  a.Int(ticket_id)),
      a, [&](const db::Row& r) {
        out.push_back(
            {.id = r.Int("id"), .description = r.Str("description"), .created_at = r.Int("created_at"), .files = {}});
      });
  return out;
}

std::optional<std::int64_t> EvidenceTicket(soci::session& sql, std::int64_t evidence_id) {
  db::SqlArgs a;
  return db::ScalarInt(sql, fmt::format("SELECT ticket_id FROM intake_evidence WHERE id = {}", a.Int(evidence_id)), a);
}

Paged<Ticket> ListTickets(soci::session& sql, const std::string& reach_path, const TicketFilter& f,
                          const PageRequest& page, EpochSeconds now) {
  db::SqlArgs a;
  std::string where = fmt::format(" WHERE ({} OR (ru.id IS NOT NULL AND {}))", db::PathUnder(a, "du.path", reach_path),
                                  db::PathUnder(a, "ru.path", reach_path));
  if (f.kind) where += fmt::format(" AND t.kind = {}", a.Str(*f.kind));
  if (f.status && !f.status->empty()) where += fmt::format(" AND t.status IN {}", a.StrList(*f.status));
  if (f.unit_id) where += fmt::format(" AND t.unit_id = {}", a.Int(*f.unit_id));
  if (f.open)
    where += *f.open ? " AND t.status NOT IN ('concluded', 'closed')" : " AND t.status IN ('concluded', 'closed')";
  if (f.overdue && *f.overdue) where += fmt::format(" AND t.due_at < {} AND {}", a.Int(now), kWaiting);
  if (f.due_soon && *f.due_soon)
    // The leads are our constants, written into the text (a bound value in a CASE has no type on PostgreSQL).
    where += fmt::format(
        " AND t.due_at >= {} AND t.due_at - CASE t.kind WHEN 'report' THEN {} WHEN 'complaint' THEN {} WHEN 'consult' "
        "THEN {} ELSE {} END <= {} AND {}",
        a.Int(now), WarnLead("report"), WarnLead("complaint"), WarnLead("consult"), WarnLead("help"), a.Int(now),
        kWaiting);
  if (f.from) where += fmt::format(" AND t.received_at >= {}", a.Int(*f.from));
  if (f.to) where += fmt::format(" AND t.received_at < {}", a.Int(*f.to));
  if (!f.q.empty()) {
    const std::string pattern = db::ContainsPattern(f.q);
    where += fmt::format(" AND (t.ticket_no LIKE {} ESCAPE '\\' OR t.summary LIKE {} ESCAPE '\\')", a.Str(pattern),
                         a.Str(pattern));
  }
  Paged<Ticket> out;
  out.total = db::Count(
      sql,
      fmt::format("SELECT COUNT(*) FROM intake_tickets t JOIN units du ON du.id = t.desk_unit_id LEFT JOIN units ru "
                  "ON ru.id = t.unit_id{}",
                  where),
      a);
  // "urgency": the tickets still waiting for what their deadline is about, by due time (so 超期 first,
  // then 即将超期), then the rest (an accepted 报案 waiting for its outcome, one not routed yet).
  const std::string urgency = fmt::format("CASE WHEN {} AND t.due_at IS NOT NULL THEN 0 ELSE 1 END", kWaiting);
  const std::string order =
      page.sort == "urgency"  ? fmt::format("{}, CASE WHEN t.due_at IS NULL THEN 1 ELSE 0 END, t.due_at, t.id", urgency)
      : page.sort == "due_at" ? std::string(page.descending ? "t.due_at DESC, t.id DESC" : "t.due_at, t.id")
                              : std::string(page.descending ? "t.received_at, t.id" : "t.received_at DESC, t.id DESC");
  db::Each(
      sql,
      fmt::format("{}{} ORDER BY {} LIMIT {} OFFSET {}", kTicketColumns, where, order, page.page_size, page.Offset()),
      a, [&](const db::Row& r) { out.items.push_back(MapRow(r, now).t); });
  return out;
}

Stats ComputeStats(soci::session& sql, const std::string& reach_path, EpochSeconds from, EpochSeconds to,
                   EpochSeconds now) {
  Stats st;
  st.from = from;
  st.to = to;
  std::map<std::string, std::int64_t> kinds;
  std::map<std::string, StatsUnitRow> units;
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("SELECT t.kind, t.received_at, t.due_at, t.decided_at, t.concluded_at, t.satisfaction, "
                       "ru.name AS unit_name FROM intake_tickets t JOIN units du ON du.id = t.desk_unit_id LEFT JOIN "
                       "units ru ON ru.id = t.unit_id WHERE ({} OR (ru.id IS NOT NULL AND {})) AND t.received_at >= "
                       "{} AND t.received_at < {}",
                       db::PathUnder(a, "du.path", reach_path), db::PathUnder(a, "ru.path", reach_path), a.Int(from),
                       a.Int(to)),
           a, [&](const db::Row& r) {
             ++st.total;
             const std::string kind = r.Str("kind");
             ++kinds[kind];
             const EpochSeconds at = r.Int("received_at");
             const std::int64_t local = at + 8 * 3600;
             ++st.by_hour[static_cast<std::size_t>((local % 86400 + 86400) % 86400 / 3600)];
             // 1970-01-01 was a Thursday (index 3 with Monday = 0).
             ++st.by_weekday[static_cast<std::size_t>(((local / 86400) % 7 + 7 + 3) % 7)];
             std::string unit = r.Str("unit_name");
             if (unit.empty()) unit = "未分流";
             auto& u = units[unit];
             u.unit_name = unit;
             ++u.total;
             const auto due = r.OptInt("due_at");
             const auto done = kind == "report" ? r.OptInt("decided_at") : r.OptInt("concluded_at");
             if (due) {
               if (done && *done <= *due) {
                 ++st.met, ++u.met;
               } else if (done || *due < now) {
                 ++st.late, ++u.late;
               } else {
                 ++st.pending;
               }
             }
             if (auto sat = r.OptInt("satisfaction"); sat && *sat >= 1 && *sat <= 5)
               ++st.satisfaction[static_cast<std::size_t>(*sat - 1)];
           });
  for (const auto& k : kKinds) st.by_kind.emplace_back(k, kinds[k]);
  for (auto& [name, row] : units) st.by_unit.push_back(std::move(row));
  std::stable_sort(st.by_unit.begin(), st.by_unit.end(),
                   [](const auto& x, const auto& y) { return x.total > y.total; });
  return st;
}

std::vector<RoutingRule> ListRules(soci::session& sql, std::int64_t bureau_id) {
  db::SqlArgs a;
  std::vector<RoutingRule> out;
  db::Each(sql,
           fmt::format("SELECT r.id, r.bureau_id, r.kind, r.category, r.place, r.unit_id, u.name AS unit_name, "
                       "r.priority FROM intake_routing_rules r JOIN units u ON u.id = r.unit_id WHERE r.bureau_id = {} "
                       "ORDER BY r.priority, r.id",
                       a.Int(bureau_id)),
           a, [&](const db::Row& r) {
             out.push_back({.id = r.Int("id"),
                            .bureau_id = r.Int("bureau_id"),
                            .kind = r.Str("kind"),
                            .category = r.Str("category"),
                            .place = r.Str("place"),
                            .unit_id = r.Int("unit_id"),
                            .unit_name = r.Str("unit_name"),
                            .priority = static_cast<int>(r.Int("priority"))});
           });
  return out;
}

void ReplaceRules(soci::session& sql, std::int64_t bureau_id, const std::vector<RoutingRule>& rules,
                  std::optional<std::int64_t> user_id, EpochSeconds now) {
  {
    db::SqlArgs a;
    db::Exec(sql, fmt::format("DELETE FROM intake_routing_rules WHERE bureau_id = {}", a.Int(bureau_id)), a);
  }
  for (const auto& r : rules) {
    db::Values v;
    FZ_VALUES(v, r, kind, category, place, unit_id, priority);
    v.Int("bureau_id", bureau_id).OptInt("created_by", user_id).Int("created_at", now);
    db::InsertValues(sql, "intake_routing_rules", v);
  }
}

IntakeSettings LoadSettings(soci::session& sql) {
  IntakeSettings s;
  db::SqlArgs a;
  const auto text =
      db::ScalarText(sql, fmt::format("SELECT value FROM settings WHERE key = {}", a.Str("intake.settings")), a);
  if (!text) return s;
  const auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return s;
  s.complaint_days = j.value("complaint_days", s.complaint_days);
  s.consult_days = j.value("consult_days", s.consult_days);
  s.help_days = j.value("help_days", s.help_days);
  s.hall_phone = j.value("hall_phone", s.hall_phone);
  s.public_url = j.value("public_url", s.public_url);
  return s;
}

void SaveSettings(soci::session& sql, const IntakeSettings& s, EpochSeconds now) {
  const nlohmann::json j = FZ_JSON(s, complaint_days, consult_days, help_days, hall_phone, public_url);
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("INSERT INTO settings (key, value, updated_at) VALUES ({}, {}, {}) ON CONFLICT (key) DO UPDATE "
                       "SET value = excluded.value, updated_at = excluded.updated_at",
                       a.Str("intake.settings"), a.Str(j.dump()), a.Int(now)),
           a);
}

// ---- 值班表 ----

namespace {

void InsertDutyPeople(soci::session& sql, std::int64_t bureau_id, std::int64_t shift_id, EpochSeconds start_at,
                      EpochSeconds end_at, const std::vector<std::int64_t>& person_ids) {
  for (std::size_t i = 0; i < person_ids.size(); ++i) {
    db::Values v;
    v.Int("bureau_id", bureau_id)
        .Int("shift_id", shift_id)
        .Int("person_id", person_ids[i])
        .Int("position", static_cast<std::int64_t>(i))
        .Int("start_at", start_at)
        .Int("end_at", end_at);
    db::InsertValues(sql, "intake_duty_people", v);
  }
}

// The shifts of `where` (on s.) with their people, by start.
std::vector<DutyShift> LoadShifts(soci::session& sql, const std::string& where, db::SqlArgs& a) {
  std::vector<DutyShift> out;
  db::Each(sql,
           fmt::format("SELECT s.id, s.bureau_id, s.hall_unit_id, s.name, s.start_at, s.end_at FROM "
                       "intake_duty_shifts s WHERE {} ORDER BY s.start_at, s.id",
                       where),
           a, [&](const db::Row& r) {
             out.push_back({.id = r.Int("id"),
                            .bureau_id = r.Int("bureau_id"),
                            .hall_unit_id = r.Int("hall_unit_id"),
                            .name = r.Str("name"),
                            .start_at = r.Int("start_at"),
                            .end_at = r.Int("end_at"),
                            .people = {}});
           });
  if (out.empty()) return out;
  std::vector<std::int64_t> ids;
  std::map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < out.size(); ++i) {
    ids.push_back(out[i].id);
    index[out[i].id] = i;
  }
  db::SqlArgs b;
  db::Each(
      sql,
      fmt::format("SELECT d.shift_id, d.person_id, p.name, p.badge_no, u.name AS unit_name FROM intake_duty_people "
                  "d JOIN people p ON p.id = d.person_id JOIN units u ON u.id = p.unit_id WHERE d.shift_id IN {} "
                  "ORDER BY d.shift_id, d.position, d.id",
                  b.IntList(ids)),
      b, [&](const db::Row& r) {
        out[index[r.Int("shift_id")]].people.push_back({.person_id = r.Int("person_id"),
                                                        .name = r.Str("name"),
                                                        .badge_no = r.Str("badge_no"),
                                                        .unit_name = r.Str("unit_name")});
      });
  return out;
}

}  // namespace

std::int64_t InsertShift(soci::session& sql, const DutyShift& s, const std::vector<std::int64_t>& person_ids,
                         std::optional<std::int64_t> user_id, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, s, bureau_id, hall_unit_id, name, start_at, end_at);
  v.OptInt("created_by", user_id).Int("created_at", now).Int("updated_at", now);
  const std::int64_t id = db::InsertRow(sql, "intake_duty_shifts", v);
  InsertDutyPeople(sql, s.bureau_id, id, s.start_at, s.end_at, person_ids);
  return id;
}

void UpdateShift(soci::session& sql, std::int64_t id, const std::string& name, EpochSeconds start_at,
                 EpochSeconds end_at, const std::vector<std::int64_t>& person_ids, EpochSeconds now) {
  const auto shift = LoadShift(sql, id);
  if (!shift) return;
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE intake_duty_shifts SET name = {}, start_at = {}, end_at = {}, updated_at = {} WHERE id "
                       "= {}",
                       a.Str(name), a.Int(start_at), a.Int(end_at), a.Int(now), a.Int(id)),
           a);
  db::SqlArgs b;
  db::Exec(sql, fmt::format("DELETE FROM intake_duty_people WHERE shift_id = {}", b.Int(id)), b);
  InsertDutyPeople(sql, shift->bureau_id, id, start_at, end_at, person_ids);
}

void DeleteShift(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("DELETE FROM intake_duty_people WHERE shift_id = {}", a.Int(id)), a);
  db::SqlArgs b;
  db::Exec(sql, fmt::format("DELETE FROM intake_duty_shifts WHERE id = {}", b.Int(id)), b);
}

std::optional<DutyShift> LoadShift(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  auto list = LoadShifts(sql, fmt::format("s.id = {}", a.Int(id)), a);
  if (list.empty()) return std::nullopt;
  return std::move(list.front());
}

std::vector<DutyShift> ListShifts(soci::session& sql, std::int64_t hall_unit_id, EpochSeconds from, EpochSeconds to) {
  db::SqlArgs a;
  return LoadShifts(sql,
                    fmt::format("s.hall_unit_id = {} AND s.start_at < {} AND s.end_at > {}", a.Int(hall_unit_id),
                                a.Int(to), a.Int(from)),
                    a);
}

std::optional<DutyShift> ShiftAt(soci::session& sql, std::int64_t hall_unit_id, EpochSeconds at) {
  // A shift lasts at most a day (the service refuses longer ones), so the start is within a day.
  db::SqlArgs a;
  auto list = LoadShifts(sql,
                         fmt::format("s.hall_unit_id = {} AND s.start_at <= {} AND s.start_at > {} AND s.end_at > {}",
                                     a.Int(hall_unit_id), a.Int(at), a.Int(at - 86400), a.Int(at)),
                         a);
  if (list.empty()) return std::nullopt;
  return std::move(list.back());  // by start: the latest start wins
}

std::optional<DutyClash> FindClash(soci::session& sql, std::int64_t bureau_id,
                                   const std::vector<std::int64_t>& person_ids, EpochSeconds start_at,
                                   EpochSeconds end_at, std::optional<std::int64_t> except) {
  if (person_ids.empty()) return std::nullopt;
  db::SqlArgs a;
  std::string q = fmt::format(
      "SELECT p.name AS person_name, s.name AS shift_name, u.name AS hall_name, s.start_at, s.end_at FROM "
      "intake_duty_people d JOIN intake_duty_shifts s ON s.id = d.shift_id JOIN people p ON p.id = d.person_id JOIN "
      "units u ON u.id = s.hall_unit_id WHERE d.bureau_id = {} AND d.person_id IN {} AND d.start_at < {} AND "
      "d.end_at > {}",
      a.Int(bureau_id), a.IntList(person_ids), a.Int(end_at), a.Int(start_at));
  if (except) q += fmt::format(" AND d.shift_id <> {}", a.Int(*except));
  q += " ORDER BY s.start_at, d.id";
  std::optional<DutyClash> out;
  db::First(sql, q, a, [&](const db::Row& r) {
    out = DutyClash{.person_name = r.Str("person_name"),
                    .shift_name = r.Str("shift_name"),
                    .hall_name = r.Str("hall_name"),
                    .start_at = r.Int("start_at"),
                    .end_at = r.Int("end_at")};
  });
  return out;
}

std::vector<PersonOption> PeopleUnder(soci::session& sql, const std::string& reach_path, std::int64_t hall_unit_id,
                                      const std::string& q, int limit) {
  db::SqlArgs a;
  std::string where = fmt::format("p.active = 1 AND {}", db::PathUnder(a, "u.path", reach_path));
  if (!q.empty()) {
    const std::string pattern = db::ContainsPattern(q);
    where += fmt::format(" AND (p.name LIKE {} ESCAPE '\\' OR p.badge_no LIKE {} ESCAPE '\\')", a.Str(pattern),
                         a.Str(pattern));
  }
  std::vector<PersonOption> out;
  db::Each(
      sql,
      fmt::format("SELECT p.id, p.name, p.badge_no, u.name AS unit_name FROM people p JOIN units u ON u.id = "
                  "p.unit_id WHERE {} ORDER BY CASE WHEN p.unit_id = {} THEN 0 ELSE 1 END, u.path, p.id LIMIT {}",
                  where, a.Int(hall_unit_id), a.Int(limit)),
      a, [&](const db::Row& r) {
        out.push_back(
            {.id = r.Int("id"), .name = r.Str("name"), .badge_no = r.Str("badge_no"), .unit_name = r.Str("unit_name")});
      });
  return out;
}

// ---- deadline alerts ----

std::vector<std::int64_t> OverdueUnnotified(soci::session& sql, EpochSeconds now, int limit) {
  db::SqlArgs a;
  return db::IntColumn(sql,
                       fmt::format("SELECT t.id FROM intake_tickets t WHERE t.due_at IS NOT NULL AND t.due_at < {} AND "
                                   "t.overdue_notified_at IS NULL AND {} ORDER BY t.due_at, t.id LIMIT {}",
                                   a.Int(now), kWaiting, a.Int(limit)),
                       a, "id");
}

std::vector<std::int64_t> DueSoonUnwarned(soci::session& sql, EpochSeconds now, int limit) {
  // The longest lead (a complaint's day) bounds the read; each kind's own lead is applied here.
  db::SqlArgs a;
  std::vector<std::int64_t> out;
  db::Each(sql,
           fmt::format("SELECT t.id, t.kind, t.due_at FROM intake_tickets t WHERE t.due_at IS NOT NULL AND t.due_at >= "
                       "{} AND t.due_at <= {} AND t.warn_notified_at IS NULL AND t.overdue_notified_at IS NULL AND {} "
                       "ORDER BY t.due_at, t.id LIMIT {}",
                       a.Int(now), a.Int(now + WarnLead("complaint")), kWaiting, a.Int(limit)),
           a, [&](const db::Row& r) {
             if (r.Int("due_at") - WarnLead(r.Str("kind")) <= now) out.push_back(r.Int("id"));
           });
  return out;
}

bool MarkOverdueNotified(soci::session& sql, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  return db::Exec(sql,
                  fmt::format("UPDATE intake_tickets SET overdue_notified_at = {} WHERE id = {} AND "
                              "overdue_notified_at IS NULL",
                              a.Int(now), a.Int(id)),
                  a) > 0;
}

bool MarkWarned(soci::session& sql, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  return db::Exec(sql,
                  fmt::format("UPDATE intake_tickets SET warn_notified_at = {} WHERE id = {} AND warn_notified_at IS "
                              "NULL",
                              a.Int(now), a.Int(id)),
                  a) > 0;
}

std::vector<std::int64_t> DeadlineUsers(soci::session& sql, std::int64_t desk_unit_id,
                                        std::optional<std::int64_t> unit_id) {
  std::vector<std::int64_t> out;
  if (unit_id) {
    out = org::UnitHeadUsers(sql, *unit_id);
    if (out.empty()) out = org::UnitRoleUsers(sql, *unit_id, {"legal_officer"});
  }
  const std::vector<std::int64_t> desk = org::UnitRoleUsers(sql, desk_unit_id, {"intake"});
  out.insert(out.end(), desk.begin(), desk.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace fazhi::intake::store
