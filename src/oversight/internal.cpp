#include "oversight/internal.h"

#include <openssl/evp.h>

#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/local_time.h"
#include "supervision/events.h"

namespace fazhi::oversight::detail {

std::int64_t QueryInt(soci::session& sql, const std::string& query, Args& args) {
  std::int64_t out = 0;
  ForEachRow(sql, query, args, [&](const soci::row& r) { out = db::GetInt64(r, 0); });
  return out;
}

Result<std::string> UnitPathInScope(soci::session& sql, const auth::Principal& who, std::int64_t unit_id) {
  std::string path;
  soci::indicator ind = soci::i_null;
  long long id = unit_id;
  sql << "SELECT path FROM units WHERE id = :id", soci::use(id), soci::into(path, ind);
  if (!sql.got_data() || ind != soci::i_ok || !who.InScope(path)) return NotFound("单位不存在或不在您的管辖范围内");
  return path;
}

namespace {

constexpr const char* kCaseColumns =
    "SELECT c.id, c.bureau_id, c.unit_id, u.path, c.case_type, c.title, c.external_id, c.status, c.serious, "
    "c.fast_track, c.lead_officer_id, c.legal_officer_id, c.alert_state, c.next_due_at, c.clock_digest "
    "FROM cases c JOIN units u ON u.id = c.unit_id WHERE c.id = :p1";

}  // namespace

Result<CaseRow> LoadCase(soci::session& sql, std::int64_t case_id) {
  Args a;
  a.Int(case_id);
  std::optional<CaseRow> out;
  ForEachRow(sql, kCaseColumns, a, [&](const soci::row& r) {
    CaseRow c;
    c.id = db::GetInt64(r, 0);
    c.bureau_id = db::GetInt64(r, 1);
    c.unit_id = db::GetInt64(r, 2);
    c.unit_path = db::GetText(r, 3);
    c.case_type = db::GetText(r, 4);
    c.title = db::GetText(r, 5);
    c.external_id = db::GetText(r, 6);
    c.status = db::GetText(r, 7);
    c.serious = db::GetInt64(r, 8) != 0;
    c.fast_track = db::GetInt64(r, 9) != 0;
    c.lead_officer_id = OptInt(r, 10);
    c.legal_officer_id = OptInt(r, 11);
    c.alert_state = db::GetText(r, 12);
    c.next_due_at = OptInt(r, 13);
    c.clock_digest = OptInt(r, 14);
    out = std::move(c);
  });
  if (!out) return NotFound(fmt::format("案件 {} 不存在", case_id));
  return *out;
}

Result<CaseRow> LoadCaseInScope(soci::session& sql, const auth::Principal& who, std::int64_t case_id) {
  auto c = LoadCase(sql, case_id);
  if (!c) return NotFound("案件不存在或不在您的管辖范围内");
  if (who.InScope(c->unit_path)) return c;
  // 捆绑责任: the bound 法制员 and the case's officers see it wherever their own unit is (the same
  // rule as the case list in src/cases).
  if (who.person_id) {
    if (c->legal_officer_id == who.person_id || c->lead_officer_id == who.person_id) return c;
    long long cid = case_id, pid = *who.person_id, n = 0;
    sql << "SELECT COUNT(*) FROM case_officers WHERE case_id = :c AND person_id = :p", soci::use(cid), soci::use(pid),
        soci::into(n);
    if (n > 0) return c;
  }
  return NotFound("案件不存在或不在您的管辖范围内");
}

cases::StoredTimeline StoredHead(const CaseRow& c) {
  cases::StoredTimeline t;
  t.case_id = c.id;
  t.case_type = c.case_type;
  t.serious = c.serious;
  t.fast_track = c.fast_track;
  return t;
}

Result<supervision::CaseTimeline> BuildTimeline(const CaseRow& c, const cases::StoredTimeline& rows,
                                                const supervision::Catalog& catalog) {
  auto tl = cases::BuildTimeline(rows, &catalog);
  if (!tl) {
    Error e = tl.error();
    e.message = fmt::format("案件 {} 的事件记录未通过校验：{}", c.external_id.empty() ? std::to_string(c.id) : c.external_id,
                            e.message);
    return std::unexpected(e);
  }
  return tl;
}

Result<supervision::CaseTimeline> LoadTimeline(soci::session& sql, const CaseRow& c,
                                               const supervision::Catalog& catalog) {
  std::vector<cases::StoredTimeline> one{StoredHead(c)};
  cases::LoadStoredRows(sql, one);
  return BuildTimeline(c, one[0], catalog);
}

std::vector<std::int64_t> UsersOfPerson(soci::session& sql, std::int64_t person_id) {
  std::vector<std::int64_t> out;
  Args a;
  a.Int(person_id);
  ForEachRow(sql, "SELECT id FROM users WHERE person_id = :p1 AND active = 1 ORDER BY id", a,
             [&](const soci::row& r) { out.push_back(db::GetInt64(r, 0)); });
  return out;
}

std::vector<std::int64_t> UnitHeadUsers(soci::session& sql, std::int64_t unit_id) {
  std::vector<std::int64_t> out;
  {
    Args a;
    a.Int(unit_id);
    ForEachRow(sql,
               "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'leader' "
               "WHERE u.unit_id = :p1 AND u.active = 1 ORDER BY u.id",
               a, [&](const soci::row& r) { out.push_back(db::GetInt64(r, 0)); });
  }
  if (!out.empty()) return out;
  Args a;
  a.Int(unit_id);
  ForEachRow(sql,
             "SELECT u.id FROM users u JOIN people p ON p.id = u.person_id WHERE p.unit_id = :p1 AND u.active = 1 "
             "AND p.active = 1 AND (p.position LIKE '%所长%' OR p.position LIKE '%队长%' OR p.position LIKE '%主任%' "
             "OR p.position LIKE '%负责人%') ORDER BY u.id",
             a, [&](const soci::row& r) { out.push_back(db::GetInt64(r, 0)); });
  return out;
}

bool Notify(soci::session& sql, std::int64_t bureau_id, std::int64_t user_id, std::optional<std::int64_t> case_id,
            const std::string& kind, const std::string& title, const std::string& body,
            const std::string& dedup_key, std::int64_t now) {
  long long b = bureau_id, u = user_id, t = now;
  db::NullableInt c(case_id);
  soci::statement st = (sql.prepare << "INSERT INTO notifications (bureau_id, user_id, case_id, kind, title, body, "
                                       "dedup_key, created_at) VALUES (:b, :u, :c, :k, :t, :body, :d, :at) "
                                       "ON CONFLICT (user_id, dedup_key) DO NOTHING",
                        soci::use(b), soci::use(u), soci::use(c.value, c.ind), soci::use(kind), soci::use(title),
                        soci::use(body), soci::use(dedup_key), soci::use(t));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return ToHex(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string StageZh(std::string_view s) {
  if (s == "accept") return "受案";
  if (s == "file") return "立案";
  if (s == "coercive") return "强制措施";
  if (s == "prosecution") return "移送起诉";
  return std::string(s);
}
std::string VerdictZh(std::string_view v) {
  if (v == "pass") return "通过";
  if (v == "fix_required") return "需整改";
  if (v == "reject") return "不通过";
  return std::string(v);
}
std::string CategoryZh(std::string_view c) {
  if (c == "evidence") return "证据";
  if (c == "procedure") return "程序";
  if (c == "characterization") return "定性";
  return std::string(c);
}
std::string OrderStatusZh(std::string_view s) {
  if (s == "open") return "待整改";
  if (s == "answered") return "已反馈待审核";
  if (s == "closed") return "已办结";
  if (s == "returned") return "已退回重新整改";
  if (s == "suspended") return "已挂起";
  return std::string(s);
}

std::optional<std::pair<std::int64_t, std::int64_t>> MonthRange(std::string_view month) {
  if (month.size() != 7 || month[4] != '-') return std::nullopt;
  auto d = ParseDate(std::string(month) + "-01");
  if (!d) return std::nullopt;
  CivilDate next = *d;
  next.month += 1;
  if (next.month > 12) {
    next.month = 1;
    next.year += 1;
  }
  return std::make_pair(LocalMidnight(*d), LocalMidnight(next));
}

}  // namespace fazhi::oversight::detail
