#include "cases/case_store.h"

#include <fmt/format.h>

#include "core/local_time.h"
#include "core/text.h"
#include "db/database.h"
#include "org/org_types.h"

namespace fazhi::cases::detail {

std::optional<UnitInfo> LoadUnit(soci::session& sql, std::int64_t id) {
  SqlArgs a;
  const std::string q =
      fmt::format("SELECT id, bureau_id, name, level, path FROM units WHERE id = {}", a.Int(id));
  std::optional<UnitInfo> out;
  ForEachRow(sql, q, a, [&](const soci::row& r) {
    out = UnitInfo{db::GetInt64(r, 0), db::GetInt64(r, 1), db::GetText(r, 2), db::GetText(r, 3), db::GetText(r, 4)};
  });
  return out;
}

namespace {

constexpr const char* kPersonSelect =
    "SELECT p.id, p.bureau_id, p.unit_id, p.name, p.badge_no, p.kind, u.name, p.is_legal_officer, p.active "
    "FROM people p JOIN units u ON u.id = p.unit_id WHERE ";

PersonInfo PersonFromRow(const soci::row& r) {
  PersonInfo p;
  p.id = db::GetInt64(r, 0);
  p.bureau_id = db::GetInt64(r, 1);
  p.unit_id = db::GetInt64(r, 2);
  p.name = db::GetText(r, 3);
  p.badge_no = db::GetText(r, 4);
  p.kind = db::GetText(r, 5);
  p.unit_name = db::GetText(r, 6);
  p.legal = db::GetInt64(r, 7) != 0;
  p.active = db::GetInt64(r, 8) != 0;
  return p;
}

}  // namespace

std::optional<PersonInfo> LoadPerson(soci::session& sql, std::int64_t id) {
  SqlArgs a;
  const std::string q = fmt::format("{}p.id = {}", kPersonSelect, a.Int(id));
  std::optional<PersonInfo> out;
  ForEachRow(sql, q, a, [&](const soci::row& r) { out = PersonFromRow(r); });
  return out;
}

std::optional<PersonInfo> FindPersonByBadge(soci::session& sql, const std::string& badge_no) {
  SqlArgs a;
  const std::string q = fmt::format("{}p.badge_no = {}", kPersonSelect, a.Str(badge_no));
  std::optional<PersonInfo> out;
  ForEachRow(sql, q, a, [&](const soci::row& r) { out = PersonFromRow(r); });
  return out;
}

std::string VisibleCondition(SqlArgs& a, const auth::Principal& who) {
  std::string cond = db::PathUnder(a, "u.path", who.unit_path);
  if (who.person_id) {
    // 捆绑责任: the people on a case see it wherever their own unit is. The 主办 is always in
    // case_officers too. A non-correlated subquery (evaluated once, by index) rather than a
    // per-row EXISTS keeps large lists cheap.
    const std::string pid = a.Int(*who.person_id);
    const std::string pid2 = a.Int(*who.person_id);
    cond = fmt::format(
        "({} OR c.id IN (SELECT vo.case_id FROM case_officers vo WHERE vo.person_id = {} UNION SELECT vl.id FROM "
        "cases vl WHERE vl.legal_officer_id = {}))",
        cond, pid, pid2);
  }
  return cond;
}

const char* const kCaseColumns =
    "c.id, c.bureau_id, c.unit_id, u.name, u.path, c.external_id, c.case_type, c.cause, c.category, c.title, "
    "c.status, c.lead_officer_id, lp.name, lp.badge_no, c.legal_officer_id, gp.name, gp.badge_no, c.incident_id, "
    "c.serious, c.fast_track, c.accepted_at, c.closed_at, c.alert_state, c.next_due_at, c.created_at, c.updated_at, "
    "lu.name, gu.name";
const char* const kCaseFrom =
    " FROM cases c JOIN units u ON u.id = c.unit_id LEFT JOIN people lp ON lp.id = c.lead_officer_id "
    "LEFT JOIN units lu ON lu.id = lp.unit_id LEFT JOIN people gp ON gp.id = c.legal_officer_id "
    "LEFT JOIN units gu ON gu.id = gp.unit_id";

CaseSummary CaseFromRow(const soci::row& r) {
  CaseSummary c;
  c.id = db::GetInt64(r, 0);
  c.bureau_id = db::GetInt64(r, 1);
  c.unit_id = db::GetInt64(r, 2);
  c.unit_name = db::GetText(r, 3);
  c.unit_path = db::GetText(r, 4);
  c.external_id = db::GetText(r, 5);
  c.case_type = db::GetText(r, 6);
  c.cause = db::GetText(r, 7);
  c.category = db::GetText(r, 8);
  c.title = db::GetText(r, 9);
  c.status = db::GetText(r, 10);
  if (!db::IsNull(r, 11)) c.lead_officer = OfficerRef{db::GetInt64(r, 11), db::GetText(r, 12), db::GetText(r, 13), db::GetText(r, 26)};
  if (!db::IsNull(r, 14)) c.legal_officer = OfficerRef{db::GetInt64(r, 14), db::GetText(r, 15), db::GetText(r, 16), db::GetText(r, 27)};
  if (!db::IsNull(r, 17)) c.incident_id = db::GetInt64(r, 17);
  c.serious = db::GetInt64(r, 18) != 0;
  c.fast_track = db::GetInt64(r, 19) != 0;
  c.accepted_at = db::GetInt64(r, 20);
  if (!db::IsNull(r, 21)) c.closed_at = db::GetInt64(r, 21);
  c.alert_state = db::GetText(r, 22);
  if (!db::IsNull(r, 23)) c.next_due_at = db::GetInt64(r, 23);
  c.created_at = db::GetInt64(r, 24);
  c.updated_at = db::GetInt64(r, 25);
  return c;
}

std::optional<CaseSummary> LoadCase(soci::session& sql, std::int64_t id, const auth::Principal* who) {
  SqlArgs a;
  std::string q = fmt::format("SELECT {}{} WHERE c.id = {}", kCaseColumns, kCaseFrom, a.Int(id));
  if (who) q += " AND " + VisibleCondition(a, *who);
  std::optional<CaseSummary> out;
  ForEachRow(sql, q, a, [&](const soci::row& r) { out = CaseFromRow(r); });
  return out;
}

void LockCase(soci::session& sql, std::int64_t id) {
  if (sql.get_backend_name() != "postgresql") return;
  long long case_id = id, got = 0;
  sql << "SELECT id FROM cases WHERE id = :id FOR UPDATE", soci::use(case_id), soci::into(got);
}

Result<void> CheckOfficers(soci::session& sql, std::int64_t bureau_id, std::optional<std::int64_t> lead,
                           const std::vector<std::int64_t>& assists, std::optional<std::int64_t> legal) {
  if (lead) {
    auto p = LoadPerson(sql, *lead);
    if (!p || p->bureau_id != bureau_id) return Invalid("主办民警不存在或不属于本分局", "lead_officer_id");
    if (!p->active) return Invalid(fmt::format("主办民警 {} 已停用", p->name), "lead_officer_id");
    if (p->kind != org::kKindPolice)
      return Invalid(fmt::format("{} 是辅警，不能担任主办民警", p->name), "lead_officer_id", "not_police");
  }
  for (std::int64_t id : assists) {
    auto p = LoadPerson(sql, id);
    if (!p || p->bureau_id != bureau_id)
      return Invalid(fmt::format("协办民警（编号 {}）不存在或不属于本分局", id), "assist_officer_ids");
    if (!p->active) return Invalid(fmt::format("协办民警 {} 已停用", p->name), "assist_officer_ids");
    if (lead && id == *lead) return Invalid("主办民警不能同时是协办民警", "assist_officer_ids");
  }
  if (legal) {
    auto p = LoadPerson(sql, *legal);
    if (!p || p->bureau_id != bureau_id) return Invalid("法制员不存在或不属于本分局", "legal_officer_id");
    if (!p->active) return Invalid(fmt::format("法制员 {} 已停用", p->name), "legal_officer_id");
    if (!p->legal)
      return Invalid(fmt::format("{} 不是法制员（请先在人员管理中标记为法制员）", p->name), "legal_officer_id",
                     "not_legal_officer");
  }
  return {};
}

std::int64_t InsertEvent(soci::session& sql, const EventRow& e) {
  SqlArgs a;
  const std::string q = fmt::format(
      "INSERT INTO case_events (bureau_id, case_id, type, at, person_ref, item_code, attrs, external_id, source, "
      "recorded_by, recorded_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
      a.Int(e.bureau_id), a.Int(e.case_id), a.Str(e.type), a.Int(e.at),
      a.OptStr(e.person_ref.empty() ? std::nullopt : std::optional<std::string>(e.person_ref)),
      a.OptStr(e.item_code.empty() ? std::nullopt : std::optional<std::string>(e.item_code)), a.Str(e.attrs.dump()),
      a.OptStr(e.external_id.empty() ? std::nullopt : std::optional<std::string>(e.external_id)), a.Str(e.source),
      a.OptInt(e.recorded_by), a.Int(e.recorded_at));
  std::int64_t id = 0;
  ForEachRow(sql, q, a, [&](const soci::row& r) { id = db::GetInt64(r, 0); });
  return id;
}

EventRow EventRowFrom(const nlohmann::json& object, EpochSeconds at) {
  EventRow e;
  e.at = at;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& k = it.key();
    if (k == "id" || k == "external_id" || k == "time") continue;
    if (k == "type") e.type = it->get<std::string>();
    else if (k == "person") e.person_ref = it->get<std::string>();
    else if (k == "item") e.item_code = it->get<std::string>();
    else e.attrs[k] = *it;
  }
  return e;
}

std::string PropertyStatusAfter(const std::string& t) {
  if (t == "property_extract") return "extracted";
  if (t == "seize" || t == "seal" || t == "freeze" || t == "register_preserve" || t == "onsite_force") return "seized";
  if (t == "property_handover" || t == "property_register") return "in_storage";
  if (t == "property_return" || t == "seize_end") return "returned";
  if (t == "property_disposed") return "disposed";
  return {};
}

Result<void> EnsureProperty(soci::session& sql, std::int64_t bureau_id, std::int64_t case_id, const std::string& code,
                            EpochSeconds now) {
  SqlArgs a;
  const std::string q = fmt::format("SELECT case_id FROM property_items WHERE bureau_id = {} AND code = {}",
                                    a.Int(bureau_id), a.Str(code));
  std::optional<std::int64_t> owner;
  ForEachRow(sql, q, a, [&](const soci::row& r) { owner = db::GetInt64(r, 0); });
  if (owner && *owner != case_id)
    return Invalid(fmt::format("财物编号“{}”已登记在其他案件中（一物一码）", code), "item", "item_of_other_case");
  if (!owner) {
    SqlArgs b;
    const std::string ins = fmt::format(
        "INSERT INTO property_items (bureau_id, case_id, code, name, quantity, status, created_at, updated_at) "
        "VALUES ({}, {}, {}, '', '', 'extracted', {}, {})",
        b.Int(bureau_id), b.Int(case_id), b.Str(code), b.Int(now), b.Int(now));
    Exec(sql, ins, b);
  }
  return {};
}

void RefreshPropertyStatus(soci::session& sql, std::int64_t case_id, const std::string& code, EpochSeconds now) {
  SqlArgs a;
  const std::string q = fmt::format(
      "SELECT type FROM case_events WHERE case_id = {} AND item_code = {} ORDER BY at, id", a.Int(case_id), a.Str(code));
  std::string status;
  ForEachRow(sql, q, a, [&](const soci::row& r) {
    if (auto s = PropertyStatusAfter(db::GetText(r, 0)); !s.empty()) status = s;
  });
  if (status.empty()) return;
  SqlArgs b;
  const std::string up = fmt::format(
      "UPDATE property_items SET status = {}, updated_at = {} WHERE case_id = {} AND code = {} AND status <> {}",
      b.Str(status), b.Int(now), b.Int(case_id), b.Str(code), b.Str(status));
  Exec(sql, up, b);
}

Result<nlohmann::json> NormaliseEventObject(const nlohmann::json& in, std::string* external_id) {
  if (!in.is_object()) return Invalid("事件必须是 JSON 对象", "event", "wrong_type");
  nlohmann::json out = in;
  if (out.contains("id"))
    return Invalid("事件不能带 id 字段；来源系统的事件编号请放在 external_id", "id", "unknown_field");
  if (auto it = out.find("external_id"); it != out.end()) {
    if (it->is_null()) {
      out.erase(it);
    } else {
      if (!it->is_string()) return Invalid("事件编号 external_id 必须是文本", "external_id", "wrong_type");
      const std::string ext = Trim(it->get<std::string>());
      const auto len = Utf8Length(ext);
      if (len < 0 || len > 64) return Invalid("事件编号 external_id 不能超过 64 个字", "external_id", "too_long");
      if (external_id) *external_id = ext;
      out.erase("external_id");
    }
  }
  if (auto it = out.find("time"); it != out.end() && it->is_number_integer())
    *it = FormatLocalIso(it->get<std::int64_t>());
  return out;
}

}  // namespace fazhi::cases::detail
