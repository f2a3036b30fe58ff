#include "oversight/internal.h"

#include <fmt/format.h>

#include "cases/case_reads.h"
#include "core/local_time.h"

namespace fazhi::oversight::detail {

Result<std::string> UnitPathInScope(soci::session& sql, const auth::Principal& who, std::int64_t unit_id) {
  db::SqlArgs a;
  auto path = db::ScalarText(sql, fmt::format("SELECT path FROM units WHERE id = {}", a.Int(unit_id)), a);
  if (!path) return NotFound("单位不存在或不在您的管辖范围内");
  if (who.InScope(*path)) return *path;
  db::SqlArgs b;
  const std::string bound = fmt::format(
      "SELECT COUNT(*) FROM (SELECT c.id FROM cases c JOIN units u ON u.id = c.unit_id WHERE {} AND {} LIMIT 1) x",
      db::PathUnder(b, "u.path", *path), cases::CaseVisible(b, who, "c", "u.path"));
  if (who.person_id && db::Count(sql, bound, b) > 0) return *path;
  return NotFound("单位不存在或不在您的管辖范围内");
}

namespace {

// The case columns CaseRow holds, and its reader (LoadCase and the bulk path's StoredCases).
constexpr const char* kCaseRowSelect =
    "SELECT c.id, c.bureau_id, c.unit_id, u.path AS unit_path, c.case_type, c.title, c.external_id, c.status, "
    "c.serious, c.fast_track, c.many_people, c.lead_officer_id, c.legal_officer_id, c.alert_state, c.next_due_at, "
    "c.nearest_due_at, c.clock_digest, c.updated_at "
    "FROM cases c JOIN units u ON u.id = c.unit_id ";

CaseRow CaseRowFrom(const db::Row& r) {
  CaseRow out;
  FZ_READ(r, out, id, bureau_id, unit_id, unit_path, case_type, title, external_id, status, serious, fast_track,
          many_people, lead_officer_id, legal_officer_id, alert_state, next_due_at, nearest_due_at, clock_digest);
  return out;
}

}  // namespace

Result<CaseRow> LoadCase(soci::session& sql, std::int64_t case_id) {
  db::SqlArgs a;
  auto out = db::FirstOf(sql, fmt::format("{}WHERE c.id = {}", kCaseRowSelect, a.Int(case_id)), a, CaseRowFrom);
  if (!out) return NotFound(fmt::format("案件 {} 不存在", case_id));
  return *std::move(out);
}

std::unordered_map<std::int64_t, StoredCase> LoadStoredCases(soci::session& sql, std::int64_t lo, std::int64_t hi) {
  std::unordered_map<std::int64_t, StoredCase> out;
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("{}WHERE c.id >= {} AND c.id <= {} ORDER BY c.id{}", kCaseRowSelect, a.Int(lo), a.Int(hi),
                       db::ForUpdateOf(sql, "c")),
           a, [&](const db::Row& r) {
             StoredCase sc{.row = CaseRowFrom(r), .updated_at = r.Int("updated_at"), .clocks = {}};
             out.emplace(sc.row.id, std::move(sc));
           });
  db::SqlArgs b;
  db::Each(sql,
           fmt::format("SELECT case_id, {} FROM alerts WHERE case_id >= {} AND case_id <= {} AND rule_id <> {}",
                       kStoredClockColumns, b.Int(lo), b.Int(hi), b.Str(kQualificationRule)),
           b, [&](const db::Row& r) {
             if (auto it = out.find(r.Int("case_id")); it != out.end()) AddStoredClock(r, it->second.clocks);
           });
  return out;
}

Result<CaseRow> LoadCaseInScope(soci::session& sql, const auth::Principal& who, std::int64_t case_id) {
  auto c = LoadCase(sql, case_id);
  if (!c) return NotFound("案件不存在或不在您的管辖范围内");
  if (who.InScope(c->unit_path)) return c;
  // 捆绑责任: the bound 法制员 and the case's officers see it wherever their own unit is (the same
  // rule as the case list in src/cases).
  if (who.person_id) {
    if (c->legal_officer_id == who.person_id || c->lead_officer_id == who.person_id) return c;
    db::SqlArgs a;
    if (db::Count(sql,
                  fmt::format("SELECT COUNT(*) FROM case_officers WHERE case_id = {} AND person_id = {}",
                              a.Int(case_id), a.Int(*who.person_id)),
                  a) > 0)
      return c;
  }
  return NotFound("案件不存在或不在您的管辖范围内");
}

cases::StoredTimeline StoredHead(const CaseRow& c) {
  cases::StoredTimeline t;
  t.case_id = c.id;
  t.case_type = c.case_type;
  t.serious = c.serious;
  t.fast_track = c.fast_track;
  t.many_people = c.many_people;
  return t;
}

Result<supervision::CaseTimeline> BuildTimeline(const CaseRow& c, const cases::StoredTimeline& rows,
                                                const supervision::Catalog& catalog) {
  auto tl = cases::BuildTimeline(rows, &catalog);
  if (!tl) {
    Error e = tl.error();
    e.message = fmt::format("案件 {} 的事件记录未通过校验：{}",
                            c.external_id.empty() ? std::to_string(c.id) : c.external_id, e.message);
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

std::string StageZh(std::string_view s) {
  if (s == "accept") return "受案";
  if (s == "file") return "立案";
  if (s == "coercive") return "强制措施";
  if (s == "prosecution") return "移送起诉";
  return std::string(s);
}
std::string ClockStateZh(std::string_view s) {
  if (s == "running") return "计时中";
  if (s == "pre_warn") return "预警";
  if (s == "overdue") return "告警";
  if (s == "done_late") return "超期办结";
  if (s == "done") return "已完成";
  if (s == "missing") return "缺少要求";
  return std::string(s);
}
std::string CategoryZh(std::string_view c) {
  if (c == "evidence") return "证据";
  if (c == "procedure") return "程序";
  if (c == "characterization") return "定性";
  return std::string(c);
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
