#include "audit/audit_labels.h"

#include <functional>

#include <fmt/format.h>

#include "db/sql.h"

namespace fazhi::audit {

namespace {

using Names = std::map<std::string, std::string, std::less<>>;

// Object types (the object_type column, and the first part of an action).
const Names& ObjectNames() {
  static const Names kNames = {
      {"unit", "单位"},
      {"person", "人员"},
      {"people", "人员"},
      {"user", "账号"},
      {"session", "会话"},
      {"role", "角色"},
      {"audit", "审计日志"},
      {"auth", "登录认证"},
      {"me", "本人账号"},
      {"totp", "两步验证"},
      {"setting", "系统设置"},
      {"settings", "系统设置"},
      {"security", "安全策略"},
      {"case", "案件"},
      {"cases", "案件"},
      {"case_person", "涉案人员"},
      {"case_event", "办案环节"},
      {"incident", "警情"},
      {"property", "涉案财物"},
      {"document", "法律文书"},
      {"attachment", "附件"},
      {"review", "法制审核"},
      {"review_gates", "审核节点设置"},
      {"review_finding", "审核问题"},
      {"violation", "违规记录"},
      {"alert", "预警告警"},
      {"catalog", "监督规则目录"},
      {"calendar", "节假日日历"},
      {"rule_catalog_versions", "监督规则目录"},
      {"calendar_versions", "节假日日历"},
      {"oversight", "执法监督"},
      {"supervision_order", "督办"},
      {"scoring", "积分"},
      {"score_scheme", "积分方案"},
      {"score_month", "月度积分"},
      {"score_objection", "积分异议"},
      {"objection", "积分异议"},
      {"scheme", "积分方案"},
      {"month", "月度积分"},
      {"cap", "积分封顶"},
      {"notification", "通知"},
      {"demo", "演示数据"},
      {"job", "后台任务"},
      {"bulletin", "通报"},
      {"backup", "备份"},
      {"intake_ticket", "接报案"},
      {"intake_duty_shift", "值班表"},
      {"patrol_dispute", "矛盾纠纷"},
      {"patrol_hazard", "安全隐患"},
      {"patrol_call", "警情（巡防）"},
      {"patrol_checkin", "必到点签到"},
      {"patrol_drill", "模拟测警"},
      {"patrol_area", "巡区"},
      {"patrol_team", "巡组"},
      {"patrol_log", "巡防日志"},
      {"volunteer", "平安志愿者"},
      {"volunteer_task", "志愿者任务"},
      {"volunteer_clue", "志愿者线索"},
      {"patrol", "五化巡防"},
      {"exam", "考试"},
      {"training", "培训"},
      {"eval", "案件评查"},
      {"publicity", "普法"},
  };
  return kNames;
}

// Verbs (the last part of an action).
const Names& VerbNames() {
  static const Names kNames = {
      {"create", "新增"},
      {"update", "修改"},
      {"delete", "删除"},
      {"deactivate", "停用"},
      {"activate", "启用"},
      {"read", "查看"},
      {"read_pii", "查看身份证号和手机号"},
      {"list", "查询"},
      {"login", "登录"},
      {"login_failed", "登录失败"},
      {"logout", "退出"},
      {"account_locked", "账号被锁定"},
      {"lock", "锁定"},
      {"unlock", "解锁"},
      {"import", "导入"},
      {"export", "导出"},
      {"password_change", "修改密码"},
      {"password_reset", "重置密码"},
      {"totp_setup", "生成两步验证密钥"},
      {"totp_enable", "启用两步验证"},
      {"totp_disable", "停用两步验证"},
      {"verify", "校验"},
      {"policy", "修改安全策略"},
      {"transition", "变更状态"},
      {"review", "法制审核"},
      {"reevaluate", "重新评估"},
      {"answer", "反馈整改"},
      {"close", "审核办结"},
      {"return", "退回重新整改"},
      {"suspend", "挂起"},
      {"resume", "恢复"},
      {"accept", "采纳"},
      {"reject", "驳回"},
      {"compute", "计算"},
      {"finalize", "定稿"},
      {"publish", "发布"},
      {"rollback", "回退版本"},
      {"save", "保存新版本"},
      {"generate", "生成"},
      {"cases", "生成案件"},
      {"link", "关联人员"},
      {"approve", "审批"},
      {"dossier", "导出一案一档"},
  };
  return kNames;
}

// Actions whose name is not "object · verb" of their first and last part.
const Names& ActionNames() {
  static const Names kNames = {
      {"scoring.export", "积分·导出"},
      {"security.policy", "安全策略·修改"},
      {"security.admin_totp_required", "安全策略·三员两步验证"},
      {"demo.generate", "演示数据·生成"},
      {"demo.cases", "演示数据·生成案件"},
      {"oversight.reevaluate", "执法监督·重新评估"},
      // The modules of issues 13–15 (tests/audit/audit_action_labels_test.cpp checks the list against the code).
      {"intake.register", "接报案·登记"},
      {"intake.route", "接报案·分流"},
      {"intake.accept", "接报案·受理"},
      {"intake.decline", "接报案·不予受理"},
      {"intake.conclude", "接报案·办结"},
      {"intake.feedback", "接报案·反馈报案人"},
      {"intake.reopen", "接报案·重新办理"},
      {"intake.case", "接报案·转为案件"},
      {"intake.receipt", "接报案·出具回执"},
      {"intake.evidence", "接报案·补充材料"},
      {"intake.read_pii", "接报案·查看报案人身份信息"},
      {"intake.rules", "接报案·修改期限规则"},
      {"intake.settings", "接报案·修改设置"},
      {"intake.duty_add", "值班表·新增"},
      {"intake.duty_update", "值班表·修改"},
      {"intake.duty_delete", "值班表·删除"},
      {"intake.duty_copy", "值班表·复制"},
      {"exam.create", "考试·新建"},
      {"exam.demo", "考试·生成演示数据"},
      {"exam.mark", "考试·阅卷"},
      {"exam.paper_create", "考试·组卷"},
      {"exam.qualification_add", "执法资格·登记"},
      {"exam.qualification_import", "执法资格·导入"},
      {"exam.question_create", "题库·新增试题"},
      {"exam.question_import", "题库·导入试题"},
      {"exam.question_update", "题库·修改试题"},
      {"exam.start", "考试·开始作答"},
      {"exam.submit", "考试·交卷"},
      {"training.attendance.checkin", "培训·签到"},
      {"training.attendance.roster", "培训·导入签到名单"},
      {"training.court.create", "培训·登记旁听庭审"},
      {"training.law_report.create", "培训·登记以案释法"},
      {"training.law_report.rate", "培训·评价以案释法"},
      {"training.material.create", "培训·新增教材"},
      {"training.material.revise", "培训·修订教材"},
      {"training.plan.create", "培训·制定计划"},
      {"training.plan.link", "培训·关联计划"},
      {"training.session.create", "培训·新增课程"},
      {"training.session.files", "培训·上传课程材料"},
      {"training.session.update", "培训·修改课程"},
      {"eval.close", "案件评查·结束"},
      {"eval.mark", "案件评查·评分"},
      {"eval.round_create", "案件评查·发起"},
      {"eval.rubric_create", "案件评查·制定评分细则"},
      {"eval.rubric_revise", "案件评查·修订评分细则"},
      {"eval.select", "案件评查·抽取案件"},
      {"publicity.cycle_open", "普法·开启周期"},
      {"publicity.duty_add", "普法·新增责任"},
      {"publicity.duty_remove", "普法·删除责任"},
      {"publicity.event_add", "普法·登记活动"},
      {"publicity.files_add", "普法·上传材料"},
      {"publicity.submit", "普法·提交"},
      {"patrol.call", "五化巡防·登记警情"},
      {"patrol.checkin", "五化巡防·必到点签到"},
      {"patrol.leave", "五化巡防·必到点签退"},
      {"patrol.dispute", "五化巡防·登记矛盾纠纷"},
      {"patrol.dispute_change", "五化巡防·处置矛盾纠纷"},
      {"patrol.drill", "五化巡防·模拟测警"},
      {"patrol.hazard", "五化巡防·登记安全隐患"},
      {"patrol.hazard_change", "五化巡防·整改复查安全隐患"},
      {"patrol.import", "五化巡防·导入巡区"},
      {"patrol.log", "五化巡防·巡防日志"},
      {"patrol.stamp", "五化巡防·警情节点"},
      {"patrol.targets", "五化巡防·修改响应目标"},
      {"patrol.team", "五化巡防·巡组"},
      {"patrol.team_edit", "五化巡防·修改巡组"},
      {"patrol.area_update", "五化巡防·修改巡区"},
      {"patrol.area_delete", "五化巡防·删除巡区"},
      {"patrol.point_update", "五化巡防·修改必到点"},
      {"patrol.point_delete", "五化巡防·删除必到点"},
      {"patrol.shifts", "五化巡防·设置班次模式"},
      {"volunteer.approve", "平安志愿者·审核通过"},
      {"volunteer.reject", "平安志愿者·审核不通过"},
      {"volunteer.register", "平安志愿者·报名"},
      {"volunteer.checkin", "平安志愿者·任务签到"},
      {"volunteer.checkout", "平安志愿者·任务签退"},
      {"volunteer.clue", "平安志愿者·上报线索"},
      {"volunteer.clue_photo", "平安志愿者·线索照片"},
      {"volunteer.clue_review", "平安志愿者·线索审核"},
      {"volunteer.dispatch", "平安志愿者·派单"},
      {"volunteer.insurance", "平安志愿者·保险登记"},
      {"volunteer.join", "平安志愿者·自选任务"},
      {"volunteer.points", "平安志愿者·积分"},
      {"volunteer.read_pii", "平安志愿者·查看身份证号和手机号"},
      {"volunteer.redeem", "平安志愿者·积分兑换"},
      {"volunteer.review_attendance", "平安志愿者·审核签到"},
      {"volunteer.reward", "平安志愿者·奖品"},
      {"volunteer.settings", "平安志愿者·修改设置"},
      {"volunteer.task_create", "平安志愿者·发布任务"},
      {"volunteer.team", "平安志愿者·修改队伍"},
      {"volunteer.team_create", "平安志愿者·新建队伍"},
      {"volunteer.training", "平安志愿者·培训记录"},
  };
  return kNames;
}

const std::string* Find(const Names& names, std::string_view key) {
  auto it = names.find(key);
  return it == names.end() ? nullptr : &it->second;
}

}  // namespace

std::string ObjectTypeName(std::string_view type) {
  if (const std::string* n = Find(ObjectNames(), type)) return *n;
  return std::string(type);
}

std::string ActionName(std::string_view action) {
  if (const std::string* n = Find(ActionNames(), action)) return *n;
  const std::size_t last = action.rfind('.');
  if (last == std::string_view::npos) {
    if (const std::string* n = Find(VerbNames(), action)) return *n;
    return ObjectTypeName(action);
  }
  // The object is the part before the verb: "scoring.objection.reject" → "objection", else the
  // first part ("supervision_order.close" → "supervision_order").
  const std::string_view head = action.substr(0, last);
  const std::string_view verb = action.substr(last + 1);
  const std::size_t inner = head.rfind('.');
  const std::string_view object = inner == std::string_view::npos ? head : head.substr(inner + 1);
  const std::string* object_name = Find(ObjectNames(), object);
  if (!object_name) object_name = Find(ObjectNames(), head.substr(0, head.find('.')));
  const std::string* verb_name = Find(VerbNames(), verb);
  return fmt::format("{}·{}", object_name ? *object_name : std::string(head),
                     verb_name ? *verb_name : std::string(verb));
}

namespace {

// Ids of rows of one object type that are plain numbers.
std::vector<std::int64_t> NumericIds(const std::vector<Row>& rows, std::string_view type) {
  std::vector<std::int64_t> ids;
  for (const Row& r : rows) {
    if (r.object_type != type || r.object_id.empty() || r.object_id.size() > 18) continue;
    if (r.object_id.find_first_not_of("0123456789") != std::string::npos) continue;
    ids.push_back(std::stoll(r.object_id));
  }
  return ids;
}

// "SELECT <label columns> FROM <table> WHERE id IN (…)" for the ids of `type`.
void Describe(soci::session& sql, const std::vector<Row>& rows, std::string_view type, std::string_view query,
              const std::function<std::string(const db::Row&)>& label, std::map<std::string, std::string>& out) {
  const std::vector<std::int64_t> ids = NumericIds(rows, type);
  if (ids.empty()) return;
  db::SqlArgs a;
  std::string in;
  for (std::int64_t id : ids) in += (in.empty() ? "" : ", ") + a.Int(id);
  db::Each(sql, fmt::format("{} WHERE id IN ({})", query, in), a,
           [&](const db::Row& r) { out[fmt::format("{}:{}", type, r.Int("id"))] = label(r); });
}

}  // namespace

std::map<std::string, std::string> DescribeObjects(db::Database& db, const std::vector<Row>& rows) {
  std::map<std::string, std::string> out;
  db.Read([&](soci::session& sql) {
    Describe(
        sql, rows, "case", "SELECT id, external_id FROM cases",
        [](const db::Row& r) { return "案件 " + r.Str("external_id"); }, out);
    Describe(
        sql, rows, "person", "SELECT id, name FROM people",
        [](const db::Row& r) { return fmt::format("人员 {} #{}", r.Str("name"), r.Int("id")); }, out);
    Describe(
        sql, rows, "unit", "SELECT id, name FROM units",
        [](const db::Row& r) { return fmt::format("单位 {} #{}", r.Str("name"), r.Int("id")); }, out);
    Describe(
        sql, rows, "user", "SELECT id, username, display_name FROM users",
        [](const db::Row& r) {
          const std::string name = r.Str("display_name"), login = r.Str("username");
          return name.empty() || name == login ? "账号 " + login : fmt::format("账号 {}（{}）", name, login);
        },
        out);
    return 0;
  });
  for (const Row& r : rows) {
    if (r.object_type.empty()) continue;
    const std::string key = r.object_type + ":" + r.object_id;
    if (out.contains(key)) continue;
    out[key] = r.object_id.empty() ? ObjectTypeName(r.object_type)
                                   : fmt::format("{} #{}", ObjectTypeName(r.object_type), r.object_id);
  }
  return out;
}

Facets ListFacets(db::Database& db, const Query& scope) {
  Query q;  // the scope only: the filters list every choice
  q.scope_path = scope.scope_path;
  q.include_unscoped = scope.include_unscoped;
  db::SqlArgs a;
  const std::string where = SearchWhere(q, a);
  Facets out;
  db.Read([&](soci::session& sql) {
    db::Each(sql, "SELECT action, COUNT(*) AS n FROM audit_log" + where + " GROUP BY action ORDER BY action", a,
             [&](const db::Row& r) {
               const std::string code = r.Str("action");
               out.actions.push_back({code, ActionName(code), r.Int("n")});
             });
    db::Each(sql,
             "SELECT object_type, COUNT(*) AS n FROM audit_log" + where +
                 " AND object_type <> '' GROUP BY object_type ORDER BY object_type",
             a, [&](const db::Row& r) {
               const std::string code = r.Str("object_type");
               out.object_types.push_back({code, ObjectTypeName(code), r.Int("n")});
             });
    return 0;
  });
  return out;
}

}  // namespace fazhi::audit
