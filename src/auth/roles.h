// Roles grant actions (permissions); a user's unit grants the org subtree they see (scope).
// The three administrator roles are separated as 等保2.0 三级 asks: nobody may hold two of them,
// so no account both administers users and reads the audit trail.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fazhi::auth {

// Permission names. Modules add theirs here so the full list is in one place.
namespace perm {
inline constexpr std::string_view kOrgRead = "org.read";
inline constexpr std::string_view kOrgWrite = "org.write";
inline constexpr std::string_view kPeopleRead = "people.read";
inline constexpr std::string_view kPeopleWrite = "people.write";
inline constexpr std::string_view kPeoplePii = "people.pii";  // see 身份证号/手机号 unmasked
inline constexpr std::string_view kUserAdmin = "user.admin";
inline constexpr std::string_view kSecurityAdmin = "security.admin";
inline constexpr std::string_view kAuditRead = "audit.read";
inline constexpr std::string_view kCaseRead = "case.read";
inline constexpr std::string_view kCaseWrite = "case.write";
inline constexpr std::string_view kCaseReview = "case.review";
inline constexpr std::string_view kRuleAdmin = "rule.admin";
inline constexpr std::string_view kScoreRead = "score.read";
inline constexpr std::string_view kScoreManage = "score.manage";
inline constexpr std::string_view kBulletinRead = "bulletin.read";        // 通报: list, read, download
inline constexpr std::string_view kBulletinWrite = "bulletin.write";      // generate drafts, edit, publish
inline constexpr std::string_view kBulletinApprove = "bulletin.approve";  // 局领导 approval
inline constexpr std::string_view kInspectionRead = "inspection.read";  // 三级执法巡查: tasks, findings, roll-up
inline constexpr std::string_view kInspectionDo = "inspection.do";      // judge the tasks of one's unit
inline constexpr std::string_view kInspectionManage = "inspection.manage";  // checklists, plans, tasks
inline constexpr std::string_view kIntakeRead = "intake.read";  // 接报案大厅: tickets, queue, statistics
inline constexpr std::string_view kIntakeDo = "intake.do";      // register, route, decide, conclude, feedback, reopen
inline constexpr std::string_view kIntakeManage = "intake.manage";  // routing rules, deadlines, duty roster
inline constexpr std::string_view kExamTake = "exam.take";          // 考试: take one's exams, see one's 执法资格
inline constexpr std::string_view kExamManage = "exam.manage";  // question bank, papers, exams, results, 执法资格
inline constexpr std::string_view kExamMark = "exam.mark";      // mark short answers (anonymous)
inline constexpr std::string_view kEvalRead = "eval.read";  // 优劣质案件评定: rubrics, rounds, results, teaching set
inline constexpr std::string_view kEvalManage = "eval.manage";  // rubrics, rounds, case selection, closing (法制大队)
inline constexpr std::string_view kEvalMark = "eval.mark";      // a panel member's marks
inline constexpr std::string_view kPublicityRead = "publicity.read";  // 谁执法谁普法: duties, plans, events, summary
inline constexpr std::string_view kPublicityManage = "publicity.manage";  // duty lists, plans, events (法制大队)
inline constexpr std::string_view kPatrolRead =
    "patrol.read";  // 五化巡防: map, logs, response times, hotspots, registers
inline constexpr std::string_view kPatrolDo = "patrol.do";  // check-ins, patrol logs, 警情 stamps, register entries
inline constexpr std::string_view kPatrolManage = "patrol.manage";  // areas and points, teams, targets, 模拟测警, 督办
inline constexpr std::string_view kVolunteerRead = "volunteer.read";  // 平安志愿者: registers, tasks, ledger, stars
inline constexpr std::string_view kVolunteerManage =
    "volunteer.manage";                                               // register, vet, tasks, clues, points, rewards
inline constexpr std::string_view kVolunteerSelf = "volunteer.self";  // a volunteer's own page (role volunteer)
inline constexpr std::string_view kTrainingRead =
    "training.read";  // 学法用法: sessions, check-in, library, 述法 rating
inline constexpr std::string_view kTrainingManage =
    "training.manage";  // organise sessions, roster, plans, library, 述法, court records
}  // namespace perm

struct RoleDef {
  std::string code;  // e.g. "sys_admin"
  std::string name;  // 中文, e.g. "系统管理员"
  std::set<std::string> permissions;
  bool separated_admin = false;  // one of the three 等保 administrator roles
};

// All roles, in display order.
const std::vector<RoleDef>& AllRoles();
const RoleDef* FindRole(std::string_view code);

// Union of the roles' permissions (unknown codes ignored).
std::set<std::string> PermissionsOf(const std::vector<std::string>& roles);

// Empty string if the combination is allowed, else a 中文 reason (unknown role, two separated
// administrator roles together, empty list).
std::string CheckRoleCombination(const std::vector<std::string>& roles);

}  // namespace fazhi::auth
