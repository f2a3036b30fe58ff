#include "inspections/inspections_store.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "core/local_time.h"
#include "db/sql.h"

namespace fazhi::inspections {

using nlohmann::json;

std::string DomainName(std::string_view d) {
  if (d == "incident") return "接处警";
  if (d == "filing") return "受立案";
  if (d == "property") return "涉案财物管理";
  if (d == "area") return "办案场所使用";
  return std::string(d);
}

std::string LevelName(std::string_view l) {
  if (l == "city_bureau") return "市巡分县局";
  if (l == "bureau_team") return "分县局巡基层科所队";
  if (l == "team_officer") return "基层科所队巡办案民警";
  return std::string(l);
}

std::string RecordKindOf(std::string_view d) {
  if (d == "incident") return "incident";
  if (d == "filing") return "case";
  if (d == "property") return "property";
  return "area_stay";
}

Checklist DefaultChecklist(const std::string& domain) {
  Checklist c;
  c.domain = domain;
  if (domain == "incident") {
    c.items = {{"bodycam", "执法记录仪全程记录并按规定上传", "调阅警情对应的执法记录仪视音频，核对起止时间", 3},
               {"feedback", "处警结果及时录入、反馈", "比对接警时间与处理结果录入情况", 2},
               {"disposal", "警情定性准确，应当受案的及时受案", "比对警情内容、处理结果与受案记录", 3}};
  } else if (domain == "filing") {
    c.items = {{"accept", "受案登记及时、信息完整", "核对受案登记表与警情记录", 3},
               {"decision", "立案或不予立案决定在法定期限内作出并告知", "核对决定时间与告知记录", 3},
               {"documents", "法律文书齐全、规范", "逐份查看案件法律文书", 2}};
  } else if (domain == "property") {
    c.items = {{"register", "涉案财物及时登记入库，一物一码", "比对扣押清单与入库记录", 3},
               {"custody", "保管、调用、移交手续完整", "查看出入库与移交记录", 3},
               {"disposal", "发还、处置经审批并有记录", "查看审批表与发还、处置凭证", 2}};
  } else {
    c.items = {{"entry", "进入办案区登记并进行人身安全检查", "查看办案区登记表与安全检查记录", 3},
               {"av", "办案区全程录音录像、无中断", "调阅办案区视频，核对起止时间", 3},
               {"duration", "在办案区滞留不超过规定时限", "比对进出办案区时间", 3}};
  }
  return c;
}

namespace {

json ItemsToJson(const std::vector<ChecklistItem>& items) {
  json a = json::array();
  for (const auto& i : items) a.push_back(FZ_JSON(i, key, text, method, weight));
  return a;
}

std::vector<ChecklistItem> ItemsFromJson(std::string_view text) {
  std::vector<ChecklistItem> out;
  const json a = json::parse(text, nullptr, false);
  if (!a.is_array()) return out;
  for (const auto& i : a)
    out.push_back({i.value("key", ""), i.value("text", ""), i.value("method", ""), i.value("weight", 0)});
  return out;
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find(',', start), s.size());
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string JoinList(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

constexpr const char* kChecklistColumns =
    "SELECT id, domain, version, items, created_by_name, created_at FROM inspection_checklists ";

Checklist ChecklistFrom(const db::Row& r) {
  Checklist x;
  FZ_READ(r, x, id, domain, version, created_by_name, created_at);
  x.items = ItemsFromJson(r.Text("items"));
  return x;
}

constexpr const char* kPlanColumns =
    "SELECT p.id AS id, p.bureau_id AS bureau_id, p.unit_id AS unit_id, u.name AS unit_name, p.level AS level, "
    "p.name AS name, p.domains AS domains, p.cadence_days AS cadence_days, p.sample_size AS sample_size, "
    "p.due_days AS due_days, p.active AS active, p.created_at AS created_at "
    "FROM inspection_plans p JOIN units u ON u.id = p.unit_id ";

Plan PlanFrom(const db::Row& r) {
  Plan x;
  FZ_READ(r, x, id, bureau_id, unit_id, unit_name, level, name, cadence_days, sample_size, due_days, active,
          created_at);
  x.domains = SplitList(r.Text("domains"));
  return x;
}

constexpr const char* kTaskColumns =
    "SELECT t.id AS id, t.bureau_id AS bureau_id, t.plan_id AS plan_id, p.name AS plan_name, t.level AS level, "
    "t.inspector_unit_id AS inspector_unit_id, iu.name AS inspector_unit_name, t.target_unit_id AS target_unit_id, "
    "tu.name AS target_unit_name, t.target_person_id AS target_person_id, tp.name AS target_person_name, "
    "t.domains AS domains, t.period_start AS period_start, t.due_at AS due_at, t.seed AS seed, "
    "t.sample_from AS sample_from, t.sample_to AS sample_to, t.status AS status, t.completed_at AS completed_at, "
    "t.completed_by_name AS completed_by_name, "
    "(SELECT COUNT(*) FROM inspection_findings f WHERE f.task_id = t.id) AS findings ";
constexpr const char* kTaskFrom =
    "FROM inspection_tasks t JOIN inspection_plans p ON p.id = t.plan_id JOIN units iu ON iu.id = t.inspector_unit_id "
    "JOIN units tu ON tu.id = t.target_unit_id LEFT JOIN people tp ON tp.id = t.target_person_id ";

Task TaskFrom(const db::Row& r, EpochSeconds now) {
  Task t;
  t.id = r.Int("id");
  t.bureau_id = r.Int("bureau_id");
  t.plan_id = r.Int("plan_id");
  t.plan_name = r.Str("plan_name");
  t.level = r.Str("level");
  t.inspector_unit_id = r.Int("inspector_unit_id");
  t.inspector_unit_name = r.Str("inspector_unit_name");
  t.target_unit_id = r.Int("target_unit_id");
  t.target_unit_name = r.Str("target_unit_name");
  t.target_person_id = r.OptInt("target_person_id");
  t.target_person_name = r.Str("target_person_name");
  t.domains = SplitList(r.Text("domains"));
  t.period_start = r.Int("period_start");
  t.due_at = r.Int("due_at");
  t.seed = r.Int("seed");
  t.sample_from = r.Int("sample_from");
  t.sample_to = r.Int("sample_to");
  t.status = r.Str("status");
  t.completed_at = r.OptInt("completed_at");
  t.completed_by_name = r.Str("completed_by_name");
  t.overdue = t.status == "open" && t.due_at < now;
  t.findings = r.Int("findings");
  return t;
}

constexpr const char* kFindingColumns =
    "SELECT f.id AS id, f.bureau_id AS bureau_id, f.task_id AS task_id, f.unit_id AS unit_id, u.name AS unit_name, "
    "f.person_id AS person_id, pe.name AS person_name, t.level AS level, f.domain AS domain, f.item_key AS item_key, "
    "f.item_text AS item_text, f.weight AS weight, f.record_label AS record_label, f.note AS note, "
    "f.order_id AS order_id, o.status AS order_status, f.deadline AS deadline, f.closed_at AS closed_at, "
    "f.on_time AS on_time, f.created_at AS created_at, f.rechecks AS rechecks, f.last_recheck_at AS last_recheck_at, "
    "f.last_recheck_passed AS last_recheck_passed "
    "FROM inspection_findings f JOIN inspection_tasks t ON t.id = f.task_id JOIN units u ON u.id = f.unit_id "
    "LEFT JOIN people pe ON pe.id = f.person_id LEFT JOIN supervision_orders o ON o.id = f.order_id ";

Finding FindingFrom(const db::Row& r) {
  Finding f;
  FZ_READ(r, f, id, bureau_id, task_id, unit_id, unit_name, person_id, person_name, level, domain, item_key, item_text,
          weight, record_label, note, order_id, order_status, deadline, closed_at, created_at, rechecks,
          last_recheck_at);
  if (auto v = r.OptInt("on_time")) f.on_time = *v != 0;
  if (auto v = r.OptInt("last_recheck_passed")) f.last_recheck_passed = *v != 0;
  return f;
}

}  // namespace

std::optional<Checklist> CurrentChecklist(soci::session& sql, const std::string& domain) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{}WHERE domain = {} ORDER BY version DESC", kChecklistColumns, a.Str(domain)), a,
                     ChecklistFrom);
}

std::optional<Checklist> ChecklistById(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{}WHERE id = {}", kChecklistColumns, a.Int(id)), a, ChecklistFrom);
}

std::vector<Checklist> ChecklistVersions(soci::session& sql, const std::string& domain) {
  db::SqlArgs a;
  return db::AllOf(sql, fmt::format("{}WHERE domain = {} ORDER BY version DESC", kChecklistColumns, a.Str(domain)), a,
                   ChecklistFrom);
}

std::int64_t InsertChecklist(soci::session& sql, const Checklist& c, std::optional<std::int64_t> user_id) {
  db::Values vals;
  FZ_VALUES(vals, c, domain, version, created_by_name, created_at);
  vals.Str("items", ItemsToJson(c.items).dump()).OptInt("created_by", user_id);
  return db::InsertRow(sql, "inspection_checklists", vals);
}

std::map<std::string, Checklist> EnsureChecklists(soci::session& sql, EpochSeconds now) {
  std::map<std::string, Checklist> out;
  for (const auto& d : kDomains) {
    auto c = CurrentChecklist(sql, d);
    if (!c) {
      Checklist def = DefaultChecklist(d);
      def.version = 1;
      def.created_by_name = "系统";
      def.created_at = now;
      def.id = InsertChecklist(sql, def, std::nullopt);
      c = def;
    }
    out[d] = *c;
  }
  return out;
}

std::int64_t InsertPlan(soci::session& sql, const Plan& p, std::optional<std::int64_t> user_id) {
  db::Values vals;
  FZ_VALUES(vals, p, bureau_id, unit_id, level, name, cadence_days, sample_size, due_days, active, created_at);
  vals.Str("domains", JoinList(p.domains)).OptInt("created_by", user_id).Int("updated_at", p.created_at);
  return db::InsertRow(sql, "inspection_plans", vals);
}

std::optional<Plan> LoadPlan(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{}WHERE p.id = {}", kPlanColumns, a.Int(id)), a, PlanFrom);
}

Paged<Plan> ListPlans(soci::session& sql, std::string_view unit_path, const PageRequest& page) {
  Paged<Plan> out;
  db::SqlArgs a;
  const std::string where = "WHERE " + db::PathUnder(a, "u.path", unit_path);
  out.total = db::Count(sql, "SELECT COUNT(*) FROM inspection_plans p JOIN units u ON u.id = p.unit_id " + where, a);
  db::Each(
      sql,
      fmt::format("{}{} ORDER BY u.path, p.id LIMIT {} OFFSET {}", kPlanColumns, where, page.page_size, page.Offset()),
      a, [&](const db::Row& r) { out.items.push_back(PlanFrom(r)); });
  return out;
}

std::vector<Plan> ActivePlans(soci::session& sql) {
  return db::AllOf(sql, std::string(kPlanColumns) + "WHERE p.active = 1 ORDER BY p.id", {}, PlanFrom);
}

std::optional<std::int64_t> InsertTask(soci::session& sql, const Task& t, EpochSeconds now) {
  const std::string key =
      t.target_person_id ? fmt::format("p{}", *t.target_person_id) : fmt::format("u{}", t.target_unit_id);
  {
    db::SqlArgs a;
    if (db::ScalarInt(sql,
                      fmt::format("SELECT id FROM inspection_tasks WHERE plan_id = {} AND target_key = {} AND "
                                  "period_start = {}",
                                  a.Int(t.plan_id), a.Str(key), a.Int(t.period_start)),
                      a))
      return std::nullopt;
  }
  db::Values v;
  FZ_VALUES(v, t, bureau_id, plan_id, level, inspector_unit_id, target_unit_id, target_person_id, period_start, due_at,
            seed, sample_from, sample_to);
  v.Str("target_key", key).Str("domains", JoinList(t.domains)).Sql("status", "'open'").Int("created_at", now);
  return db::InsertRow(sql, "inspection_tasks", v);
}

void InsertSample(soci::session& sql, std::int64_t bureau_id, std::int64_t task_id, const Sample& s) {
  db::Values v;
  FZ_VALUES(v, s, domain, record_kind, record_id, label, officer_id, seq);
  v.Int("bureau_id", bureau_id).Int("task_id", task_id);
  db::InsertValues(sql, "inspection_samples", v);
}

std::optional<Task> LoadTask(soci::session& sql, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  std::optional<Task> out;
  db::First(sql, fmt::format("{}{}WHERE t.id = {}", kTaskColumns, kTaskFrom, a.Int(id)), a,
            [&](const db::Row& r) { out = TaskFrom(r, now); });
  return out;
}

std::vector<Sample> LoadSamples(soci::session& sql, std::int64_t task_id) {
  db::SqlArgs a;
  std::vector<Sample> out;
  db::Each(sql,
           fmt::format("SELECT id, domain, record_kind, record_id, label, officer_id, seq FROM inspection_samples "
                       "WHERE task_id = {} ORDER BY seq, id",
                       a.Int(task_id)),
           a, [&](const db::Row& r) {
             out.push_back({.id = r.Int("id"),
                            .domain = r.Str("domain"),
                            .record_kind = r.Str("record_kind"),
                            .record_id = r.Int("record_id"),
                            .label = r.Str("label"),
                            .officer_id = r.OptInt("officer_id"),
                            .seq = static_cast<int>(r.Int("seq"))});
           });
  return out;
}

std::vector<ItemResult> LoadResults(soci::session& sql, std::int64_t task_id) {
  db::SqlArgs a;
  std::vector<ItemResult> out;
  db::Each(sql,
           fmt::format("SELECT id, checklist_id, domain, item_key, passed, note, sample_id, video_ref, judged_at "
                       "FROM inspection_results WHERE task_id = {} ORDER BY id",
                       a.Int(task_id)),
           a, [&](const db::Row& r) {
             ItemResult x;
             FZ_READ(r, x, id, checklist_id, domain, item_key, passed, note, sample_id, video_ref, judged_at);
             out.push_back(std::move(x));
           });
  return out;
}

Paged<Task> ListTasks(soci::session& sql, std::string_view path, std::optional<std::int64_t> mine_unit,
                      const std::optional<std::string>& unit_path_filter, const TaskFilter& f, EpochSeconds now,
                      const PageRequest& page) {
  Paged<Task> out;
  db::SqlArgs a;
  std::string where =
      fmt::format("WHERE ({} OR {})", db::PathUnder(a, "tu.path", path), db::PathUnder(a, "iu.path", path));
  if (mine_unit) where += fmt::format(" AND t.inspector_unit_id = {}", a.Int(*mine_unit));
  if (unit_path_filter) where += " AND " + db::PathUnder(a, "tu.path", *unit_path_filter);
  if (f.status == "overdue")
    where += fmt::format(" AND t.status = 'open' AND t.due_at < {}", a.Int(now));
  else if (f.status)
    where += fmt::format(" AND t.status = {}", a.Str(*f.status));
  if (f.level) where += fmt::format(" AND t.level = {}", a.Str(*f.level));
  if (f.from) where += fmt::format(" AND t.period_start >= {}", a.Int(*f.from));
  if (f.to) where += fmt::format(" AND t.period_start < {}", a.Int(*f.to));
  out.total = db::Count(sql, std::string("SELECT COUNT(*) ") + kTaskFrom + where, a);
  const char* order = page.sort == "due_at" ? (page.descending ? "t.due_at DESC, t.id DESC" : "t.due_at, t.id")
                                            : (page.descending ? "t.period_start, t.id" : "t.period_start DESC, t.id");
  db::Each(sql,
           fmt::format("{}{}{} ORDER BY {} LIMIT {} OFFSET {}", kTaskColumns, kTaskFrom, where, order, page.page_size,
                       page.Offset()),
           a, [&](const db::Row& r) { out.items.push_back(TaskFrom(r, now)); });
  return out;
}

std::int64_t SaveResult(soci::session& sql, std::int64_t bureau_id, std::int64_t task_id, const ItemResult& r,
                        std::optional<std::int64_t> user_id) {
  db::SqlArgs k;
  const auto existing = db::ScalarInt(
      sql,
      fmt::format("SELECT id FROM inspection_results WHERE task_id = {} AND domain = {} AND item_key = {}",
                  k.Int(task_id), k.Str(r.domain), k.Str(r.item_key)),
      k);
  db::SqlArgs a;
  if (existing) {
    db::Exec(sql,
             fmt::format("UPDATE inspection_results SET checklist_id = {}, passed = {}, note = {}, sample_id = {}, "
                         "video_ref = {}, judged_by = {}, judged_at = {} WHERE id = {}",
                         a.Int(r.checklist_id), a.Bool(r.passed), a.Str(r.note), a.OptInt(r.sample_id),
                         a.Str(r.video_ref), a.OptInt(user_id), a.Int(r.judged_at), a.Int(*existing)),
             a);
    return *existing;
  }
  return InsertResult(sql, bureau_id, task_id, r, user_id);
}

std::int64_t InsertResult(soci::session& sql, std::int64_t bureau_id, std::int64_t task_id, const ItemResult& r,
                          std::optional<std::int64_t> user_id) {
  db::Values v;
  FZ_VALUES(v, r, checklist_id, domain, item_key, passed, note, sample_id, video_ref, judged_at);
  v.Int("bureau_id", bureau_id).Int("task_id", task_id).OptInt("judged_by", user_id);
  return db::InsertRow(sql, "inspection_results", v);
}

void MarkTaskDone(soci::session& sql, std::int64_t id, std::optional<std::int64_t> user_id, const std::string& name,
                  EpochSeconds at) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE inspection_tasks SET status = 'done', completed_at = {}, completed_by = {}, "
                       "completed_by_name = {} WHERE id = {}",
                       a.Int(at), a.OptInt(user_id), a.Str(name), a.Int(id)),
           a);
}

std::vector<Task> OverdueUnnotified(soci::session& sql, EpochSeconds now) {
  db::SqlArgs a;
  std::vector<Task> out;
  db::Each(sql,
           fmt::format("{}{}WHERE t.status = 'open' AND t.due_at < {} AND t.overdue_notified = 0 ORDER BY t.due_at, "
                       "t.id",
                       kTaskColumns, kTaskFrom, a.Int(now)),
           a, [&](const db::Row& r) { out.push_back(TaskFrom(r, now)); });
  return out;
}

void MarkOverdueNotified(soci::session& sql, std::int64_t task_id) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("UPDATE inspection_tasks SET overdue_notified = 1 WHERE id = {}", a.Int(task_id)), a);
}

std::int64_t InsertFinding(soci::session& sql, const Finding& f, std::int64_t result_id) {
  db::Values v;
  FZ_VALUES(v, f, bureau_id, task_id, unit_id, person_id, domain, item_key, item_text, weight, record_label, note,
            deadline, created_at);
  v.Int("result_id", result_id);
  return db::InsertRow(sql, "inspection_findings", v);
}

void SetFindingOrder(soci::session& sql, std::int64_t finding_id, std::int64_t order_id) {
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format("UPDATE inspection_findings SET order_id = {} WHERE id = {}", a.Int(order_id), a.Int(finding_id)), a);
}

void CloseFinding(soci::session& sql, std::int64_t finding_id, EpochSeconds at, bool on_time) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE inspection_findings SET closed_at = {}, on_time = {} WHERE id = {}", a.Int(at),
                       a.Bool(on_time), a.Int(finding_id)),
           a);
}

std::optional<Finding> LoadFinding(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{}WHERE f.id = {}", kFindingColumns, a.Int(id)), a, FindingFrom);
}

std::int64_t InsertRecheck(soci::session& sql, const Recheck& r) {
  db::Values v;
  FZ_VALUES(v, r, bureau_id, finding_id, order_id, passed, note, new_deadline, checked_by, checked_by_name, checked_at);
  const std::int64_t id = db::InsertRow(sql, "inspection_rechecks", v);
  db::SqlArgs b;
  db::Exec(sql,
           fmt::format("UPDATE inspection_findings SET rechecks = rechecks + 1, last_recheck_at = {}, "
                       "last_recheck_passed = {} WHERE id = {}",
                       b.Int(r.checked_at), b.Bool(r.passed), b.Int(r.finding_id)),
           b);
  return id;
}

std::vector<Recheck> LoadRechecks(soci::session& sql, std::int64_t finding_id) {
  std::vector<Recheck> out;
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("SELECT id, bureau_id, finding_id, order_id, passed, note, new_deadline, checked_by, "
                       "checked_by_name, checked_at FROM inspection_rechecks WHERE finding_id = {} ORDER BY "
                       "checked_at, id",
                       a.Int(finding_id)),
           a, [&](const db::Row& r) {
             out.push_back({.id = r.Int("id"),
                            .bureau_id = r.Int("bureau_id"),
                            .finding_id = r.Int("finding_id"),
                            .order_id = r.Int("order_id"),
                            .passed = r.Int("passed") != 0,
                            .note = r.Str("note"),
                            .new_deadline = r.OptInt("new_deadline"),
                            .checked_by = r.OptInt("checked_by"),
                            .checked_by_name = r.Str("checked_by_name"),
                            .checked_at = r.Int("checked_at")});
           });
  return out;
}

std::optional<std::string> TaskInspectorPath(soci::session& sql, std::int64_t task_id) {
  db::SqlArgs a;
  return db::ScalarText(
      sql,
      fmt::format("SELECT u.path FROM inspection_tasks t JOIN units u ON u.id = t.inspector_unit_id WHERE t.id = {}",
                  a.Int(task_id)),
      a);
}

Paged<Finding> ListFindings(soci::session& sql, std::string_view path,
                            const std::optional<std::string>& unit_path_filter, const FindingFilter& f,
                            const PageRequest& page) {
  Paged<Finding> out;
  db::SqlArgs a;
  std::string where = fmt::format("WHERE ({} OR t.inspector_unit_id IN (SELECT iu.id FROM units iu WHERE {}))",
                                  db::PathUnder(a, "u.path", path), db::PathUnder(a, "iu.path", path));
  if (f.id) where += fmt::format(" AND f.id = {}", a.Int(*f.id));
  if (f.domain) where += fmt::format(" AND f.domain = {}", a.Str(*f.domain));
  if (f.awaiting_recheck) where += " AND o.status = 'answered'";
  if (f.closed) where += *f.closed ? " AND f.closed_at IS NOT NULL" : " AND f.closed_at IS NULL";
  if (f.from) where += fmt::format(" AND f.created_at >= {}", a.Int(*f.from));
  if (f.to) where += fmt::format(" AND f.created_at < {}", a.Int(*f.to));
  if (unit_path_filter) where += " AND " + db::PathUnder(a, "u.path", *unit_path_filter);
  out.total = db::Count(sql,
                        "SELECT COUNT(*) FROM inspection_findings f JOIN inspection_tasks t ON t.id = f.task_id "
                        "JOIN units u ON u.id = f.unit_id LEFT JOIN supervision_orders o ON o.id = f.order_id " +
                            where,
                        a);
  db::Each(sql,
           fmt::format("{}{} ORDER BY f.created_at DESC, f.id DESC LIMIT {} OFFSET {}", kFindingColumns, where,
                       page.page_size, page.Offset()),
           a, [&](const db::Row& r) { out.items.push_back(FindingFrom(r)); });
  return out;
}

namespace {

// The id of the child of `path` on the way to `target` ("/1/2/" and "/1/2/10/" → 10); 0 when target
// is path itself.
std::int64_t ChildUnder(std::string_view path, std::string_view target) {
  if (target.size() <= path.size()) return 0;
  const std::string_view rest = target.substr(path.size());
  return std::stoll(std::string(rest.substr(0, rest.find('/'))));
}

std::string WeekOf(EpochSeconds t) {
  const std::int64_t days = DaysFromCivil(LocalDateOf(t));
  return FormatDate(CivilFromDays(days - ((days + 3) % 7)));
}

}  // namespace

Rollup ComputeRollup(soci::session& sql, std::int64_t unit_id, const std::string& unit_name,
                     const std::string& unit_level, std::string_view path, EpochSeconds from, EpochSeconds to) {
  Rollup out;
  out.unit_id = unit_id;
  out.unit_name = unit_name;
  out.from = from;
  out.to = to;
  const bool by_person = unit_level == "team";
  out.row_kind = unit_level == "city" ? "bureaus" : by_person ? "officers" : "units";
  std::map<std::int64_t, RollupRow> rows;
  std::map<std::string, RollupWeek> weeks;
  std::map<std::int64_t, std::string> names;
  {
    db::SqlArgs a;
    db::Each(sql, fmt::format("SELECT id, name FROM units WHERE {}", db::PathUnder(a, "path", path)), a,
             [&](const db::Row& r) { names[r.Int("id")] = r.Str("name"); });
  }
  auto row_for = [&](std::string_view target_path, std::optional<std::int64_t> person,
                     const std::string& person_name) -> RollupRow& {
    const std::int64_t key = by_person ? person.value_or(0) : ChildUnder(path, target_path);
    RollupRow& row = rows[key];
    if (row.key.empty()) {
      row.key = std::to_string(key);
      row.name = key == 0 ? (by_person ? "本单位" : unit_name + "（本级）") : by_person ? person_name : names[key];
    }
    return row;
  };
  {
    db::SqlArgs a;
    db::Each(sql,
             fmt::format("SELECT tu.path AS path, t.target_person_id AS person, tp.name AS person_name, t.status AS "
                         "status, t.completed_at AS completed_at, t.due_at AS due_at, t.period_start AS period_start "
                         "FROM inspection_tasks t JOIN units tu ON tu.id = t.target_unit_id LEFT JOIN people tp ON "
                         "tp.id = t.target_person_id WHERE {} AND t.period_start >= {} AND t.period_start < {}",
                         db::PathUnder(a, "tu.path", path), a.Int(from), a.Int(to)),
             a, [&](const db::Row& r) {
               RollupRow& row = row_for(r.Text("path"), r.OptInt("person"), r.Str("person_name"));
               const bool done = r.Text("status") == "done";
               const bool on_time = done && r.Int("completed_at") <= r.Int("due_at");
               for (RollupRow* x : {&row, &out.total}) {
                 ++x->tasks;
                 x->done += done ? 1 : 0;
                 x->done_on_time += on_time ? 1 : 0;
               }
               RollupWeek& w = weeks[WeekOf(r.Int("period_start"))];
               ++w.tasks;
               w.done += done ? 1 : 0;
             });
  }
  std::map<std::pair<std::string, std::string>, RollupItem> items;
  {
    db::SqlArgs a;
    db::Each(sql,
             fmt::format("SELECT tu.path AS path, t.target_person_id AS person, tp.name AS person_name, f.domain AS "
                         "domain, f.item_key AS item_key, f.item_text AS item_text, f.closed_at AS closed_at, "
                         "f.on_time AS on_time, t.period_start AS period_start FROM inspection_findings f JOIN "
                         "inspection_tasks t ON t.id = f.task_id JOIN units tu ON tu.id = t.target_unit_id LEFT JOIN "
                         "people tp ON tp.id = t.target_person_id WHERE {} AND t.period_start >= {} AND "
                         "t.period_start < {}",
                         db::PathUnder(a, "tu.path", path), a.Int(from), a.Int(to)),
             a, [&](const db::Row& r) {
               RollupRow& row = row_for(r.Text("path"), r.OptInt("person"), r.Str("person_name"));
               const bool closed = !r.IsNull("closed_at");
               const bool on_time = closed && r.Int("on_time") != 0;
               for (RollupRow* x : {&row, &out.total}) {
                 ++x->findings;
                 x->closed += closed ? 1 : 0;
                 x->closed_on_time += on_time ? 1 : 0;
               }
               RollupItem& item = items[{r.Str("domain"), r.Str("item_key")}];
               FZ_READ(r, item, domain, item_key, item_text);
               ++item.findings;
               ++weeks[WeekOf(r.Int("period_start"))].findings;
             });
  }
  for (auto& [k, v] : rows) out.rows.push_back(std::move(v));
  std::sort(out.rows.begin(), out.rows.end(), [](const RollupRow& x, const RollupRow& y) { return x.name < y.name; });
  for (auto& [k, v] : items) out.items.push_back(std::move(v));
  std::stable_sort(out.items.begin(), out.items.end(),
                   [](const RollupItem& x, const RollupItem& y) { return x.findings > y.findings; });
  for (auto& [k, v] : weeks) {
    v.week = k;
    out.weeks.push_back(std::move(v));
  }
  return out;
}

}  // namespace fazhi::inspections
