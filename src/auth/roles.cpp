#include "auth/roles.h"

namespace fazhi::auth {

namespace {

std::set<std::string> P(std::initializer_list<std::string_view> list) {
  std::set<std::string> out;
  for (auto p : list) out.emplace(p);
  return out;
}

}  // namespace

const std::vector<RoleDef>& AllRoles() {
  using namespace perm;
  static const std::vector<RoleDef> kRoles = {
      {"sys_admin", "系统管理员", P({kOrgRead, kOrgWrite, kPeopleRead, kPeopleWrite, kUserAdmin}), true},
      {"sec_admin", "安全管理员", P({kOrgRead, kSecurityAdmin}), true},
      {"audit_admin", "审计管理员", P({kOrgRead, kAuditRead}), true},
      {"leader", "局领导",
       P({kOrgRead, kPeopleRead, kPeoplePii, kCaseRead, kCaseReview, kScoreRead, kScoreManage, kBulletinRead,
          kBulletinApprove, kInspectionRead, kIntakeRead, kExamTake, kEvalRead, kPublicityRead, kPatrolRead,
          kPatrolManage, kTrainingRead, kTrainingManage}),
       false},
      {"legal_officer", "法制员",
       P({kOrgRead,          kPeopleRead,  kCaseRead,     kCaseWrite,     kCaseReview,     kRuleAdmin,
          kScoreRead,        kScoreManage, kBulletinRead, kBulletinWrite, kInspectionRead, kInspectionDo,
          kInspectionManage, kIntakeRead,  kIntakeDo,     kIntakeManage,  kExamTake,       kExamManage,
          kExamMark,         kEvalRead,    kEvalManage,   kEvalMark,      kPublicityRead,  kPublicityManage,
          kPatrolRead,       kPatrolDo,    kPatrolManage, kTrainingRead,  kTrainingManage}),
       false},
      {"case_officer", "办案民警",
       P({kOrgRead, kPeopleRead, kCaseRead, kCaseWrite, kScoreRead, kIntakeRead, kIntakeDo, kExamTake, kEvalRead,
          kPublicityRead, kPatrolRead, kPatrolDo, kTrainingRead}),
       false},
      {"inspector", "巡查员",
       P({kOrgRead, kPeopleRead, kCaseRead, kInspectionRead, kInspectionDo, kExamTake, kTrainingRead}), false},
      {"intake", "接报案窗口", P({kOrgRead, kIntakeRead, kIntakeDo, kExamTake, kTrainingRead}), false},
      {"volunteer_admin", "志愿者管理员", P({kOrgRead, kVolunteerRead, kVolunteerManage}), false},
      {"volunteer", "平安志愿者", P({kVolunteerSelf}), false},
  };
  return kRoles;
}

const RoleDef* FindRole(std::string_view code) {
  for (const auto& r : AllRoles())
    if (r.code == code) return &r;
  return nullptr;
}

std::set<std::string> PermissionsOf(const std::vector<std::string>& roles) {
  std::set<std::string> out;
  for (const auto& code : roles)
    if (const RoleDef* r = FindRole(code)) out.insert(r->permissions.begin(), r->permissions.end());
  return out;
}

std::string CheckRoleCombination(const std::vector<std::string>& roles) {
  if (roles.empty()) return "至少需要一个角色";
  int admins = 0;
  for (const auto& code : roles) {
    const RoleDef* r = FindRole(code);
    if (!r) return "未知角色“" + code + "”";
    if (r->separated_admin) ++admins;
  }
  if (admins > 1) return "系统管理员、安全管理员、审计管理员三员分立，同一账号只能担任其中一个";
  if (admins == 1 && roles.size() > 1) return "三员（系统/安全/审计管理员）账号不能兼任业务角色";
  return {};
}

}  // namespace fazhi::auth
