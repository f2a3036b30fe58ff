// 法制审核 as a work queue: the cases in the caller's scope that wait for a stage review — a review
// gate stands before a status the case can move to next, and the latest review of the gate's stage
// is not 通过 — first, by the nearest deadline of their live clocks (cases.nearest_due_at, the case
// list's 最近期限, kept by ApplyPlan); each with the last review given on it. The gates are the ones
// CheckTransition enforces (settings oversight.review_gates), so the queue lists exactly the cases
// that cannot move on without a review.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cases/case_reads.h"
#include "cases/case_types.h"
#include "files/spreadsheet.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

namespace {

// SQL: the stage a case `c` waits for, NULL when none. A gate (type, to, stage) applies to the
// statuses with a move to `to`; it is open while the latest review of `stage` is not 'pass'.
std::string PendingStageSql(db::SqlArgs& a, const std::vector<ReviewGate>& gates, bool target) {
  std::string whens;
  for (const auto& g : gates) {
    std::vector<std::string> from;
    for (const auto& t : cases::Transitions())
      if (t.case_type == g.case_type && t.to == g.to) from.push_back(a.Str(std::string(t.from)));
    if (from.empty()) continue;
    whens += fmt::format(
        " WHEN c.case_type = {} AND c.status IN ({}) AND COALESCE((SELECT r.verdict FROM case_reviews r WHERE "
        "r.case_id = c.id AND r.stage = {} ORDER BY r.created_at DESC, r.id DESC LIMIT 1), '') <> 'pass' THEN {}",
        a.Str(g.case_type), fmt::join(from, ", "), a.Str(g.stage), a.Str(target ? g.to : g.stage));
  }
  return whens.empty() ? "CAST(NULL AS TEXT)" : "CASE" + whens + " END";
}

// SQL condition: the case is concluded (a terminal status of its type).
std::string ConcludedSql(db::SqlArgs& a) {
  std::vector<std::string> parts;
  for (const std::string_view type : {cases::kCriminal, cases::kAdministrative}) {
    std::vector<std::string> done;
    for (const auto status : cases::Statuses(type))
      if (cases::IsTerminal(type, status)) done.push_back(a.Str(std::string(status)));
    parts.push_back(
        fmt::format("(c.case_type = {} AND c.status IN ({}))", a.Str(std::string(type)), fmt::join(done, ", ")));
  }
  return "(" + fmt::format("{}", fmt::join(parts, " OR ")) + ")";
}

Result<void> CheckFilter(const auth::Principal& who, const ReviewQueueFilter& f) {
  if (f.state != "pending" && f.state != "open" && f.state != "all")
    return Invalid("“显示”应为待审核（pending）、未结案件（open）或全部（all）", "state");
  if (f.case_type && *f.case_type != cases::kCriminal && *f.case_type != cases::kAdministrative)
    return Invalid("案件类型应为 criminal（刑事）或 administrative（行政）", "case_type");
  if (f.mine && !who.person_id) return Invalid("当前账号没有关联民警信息，无法列出捆绑本人的案件", "mine", "no_person");
  return {};
}

// The inner query: one row per case in scope matching the filter, with the computed columns.
std::string QueueRows(soci::session& sql, db::SqlArgs& a, const auth::Principal& who, const ReviewQueueFilter& f,
                      const std::string& unit_path) {
  const auto gates = detail::ReviewGates(sql);
  std::string w = fmt::format(" WHERE {}", cases::CaseVisible(a, who, "c", "u.path"));
  if (f.mine) w += fmt::format(" AND c.legal_officer_id = {}", a.Int(*who.person_id));
  if (f.state != "all") w += fmt::format(" AND NOT {}", ConcludedSql(a));
  if (f.case_type) w += fmt::format(" AND c.case_type = {}", a.Str(*f.case_type));
  if (!unit_path.empty()) w += fmt::format(" AND {}", db::PathUnder(a, "u.path", unit_path));
  if (f.q) {
    const std::string like = a.Str(db::ContainsPattern(*f.q));
    w += fmt::format(
        " AND (c.external_id LIKE {0} ESCAPE '\\' OR c.cause LIKE {0} ESCAPE '\\' OR c.title LIKE {0} "
        "ESCAPE '\\')",
        like);
  }
  return fmt::format(
      "SELECT c.id AS case_id, c.external_id, c.title, c.case_type, c.cause, c.status, c.alert_state, c.unit_id, "
      "u.name AS unit_name, COALESCE(lp.name, '') AS lead_officer_name, COALESCE(gp.name, '') AS legal_officer_name, "
      "c.accepted_at, {} AS pending_stage, {} AS pending_to, "
      "c.nearest_due_at AS next_due_at, "
      "lr.stage AS last_stage, lr.verdict AS last_verdict, COALESCE(rp.name, ru.display_name, '') AS "
      "last_reviewer_name, lr.created_at AS last_reviewed_at "
      "FROM cases c JOIN units u ON u.id = c.unit_id "
      "LEFT JOIN people lp ON lp.id = c.lead_officer_id LEFT JOIN people gp ON gp.id = c.legal_officer_id "
      "LEFT JOIN case_reviews lr ON lr.id = (SELECT r2.id FROM case_reviews r2 WHERE r2.case_id = c.id "
      "ORDER BY r2.created_at DESC, r2.id DESC LIMIT 1) "
      "LEFT JOIN people rp ON rp.id = lr.reviewer_person_id LEFT JOIN users ru ON ru.id = lr.reviewer_user_id{}",
      PendingStageSql(a, gates, false), PendingStageSql(a, gates, true), w);
}

ReviewQueueItem ItemFrom(const db::Row& r) {
  ReviewQueueItem out;
  FZ_READ(r, out, case_id, external_id, title, case_type, cause, status, alert_state, unit_id, unit_name,
          lead_officer_name, legal_officer_name, pending_stage, pending_to, next_due_at, last_stage, last_verdict,
          last_reviewer_name, last_reviewed_at);
  out.accepted_at = r.OptInt("accepted_at").value_or(0);
  return out;
}

}  // namespace

Result<ReviewQueuePage> OversightService::ReviewQueue(const auth::Principal& who, const ReviewQueueFilter& f,
                                                      const PageRequest& page) const {
  FZ_CHECK(CheckFilter(who, f));
  return db_.Read([&](soci::session& sql) -> Result<ReviewQueuePage> {
    const std::string unit_path = f.unit_id ? FZ_TRY(detail::UnitPathInScope(sql, who, *f.unit_id)) : "";
    db::SqlArgs a;
    const std::string rows = QueueRows(sql, a, who, f, unit_path);
    ReviewQueuePage out;
    db::First(sql,
              "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN q.pending_stage IS NULL THEN 0 ELSE 1 END), 0) AS pending "
              "FROM (" +
                  rows + ") q",
              a, [&](const db::Row& r) {
                out.pending_total = r.Int("pending");
                out.total = f.state == "pending" ? out.pending_total : r.Int("n");
              });
    const std::string q = fmt::format(
        "SELECT * FROM ({}) q{} ORDER BY CASE WHEN q.pending_stage IS NULL THEN 1 ELSE 0 END, "
        "CASE WHEN q.next_due_at IS NULL THEN 1 ELSE 0 END, q.next_due_at, q.accepted_at DESC, q.case_id DESC "
        "LIMIT {} OFFSET {}",
        rows, f.state == "pending" ? " WHERE q.pending_stage IS NOT NULL" : "", a.Int(page.page_size),
        a.Int(page.Offset()));
    db::Each(sql, q, a, [&](const db::Row& r) { out.items.push_back(ItemFrom(r)); });
    return out;
  });
}

Result<std::string> OversightService::ReviewQueueXlsx(const auth::Principal& who, const ReviewQueueFilter& f) const {
  const auto list = FZ_TRY(ReviewQueue(who, f, PageRequest{.page = 1, .page_size = 10000}));
  auto time = [](const std::optional<EpochSeconds>& t) { return t ? FormatLocalDateTime(*t) : std::string(); };
  files::SheetData sheet{"法制审核", {}, {22, 24, 8, 16, 16, 10, 10, 14, 18, 20, 10, 10, 20}};
  sheet.rows.push_back({"案件编号", "案件名称", "类型", "案由", "办案单位", "主办民警", "状态", "待审核环节",
                        "最近期限", "最近一次审核", "结论", "审核人", "审核时间"});
  for (const auto& i : list.items)
    sheet.rows.push_back({i.external_id, i.title, cases::CaseTypeName(i.case_type), i.cause, i.unit_name,
                          i.lead_officer_name, cases::StatusName(i.case_type, i.status),
                          i.pending_stage.empty() ? "—" : ReviewStageName(i.pending_stage), time(i.next_due_at),
                          i.last_stage.empty() ? "未审核" : ReviewStageName(i.last_stage),
                          i.last_verdict.empty() ? "" : ReviewVerdictName(i.last_verdict), i.last_reviewer_name,
                          time(i.last_reviewed_at)});
  return files::WriteXlsx({std::move(sheet)});
}

}  // namespace fazhi::oversight
