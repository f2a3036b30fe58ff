#include "cases/state_machine.h"

#include "auth/roles.h"
#include "cases/case_types.h"

namespace fazhi::cases {

namespace {

constexpr std::string_view kWrite = auth::perm::kCaseWrite;
constexpr std::string_view kReview = auth::perm::kCaseReview;

struct StatusDef {
  std::string_view case_type, id, name;
  bool terminal;
};

constexpr StatusDef kStatuses[] = {
    {kCriminal, "accepted", "受案", false},
    {kCriminal, "filed", "立案", false},
    {kCriminal, "investigating", "侦查", false},
    {kCriminal, "transferred", "移送起诉", false},
    {kCriminal, "closed", "结案", true},
    {kCriminal, "declined", "不予立案", true},
    {kCriminal, "withdrawn", "撤销案件", true},
    {kCriminal, "handed_over", "移送管辖", true},
    {kAdministrative, "accepted", "受案", false},
    {kAdministrative, "investigating", "调查", false},
    {kAdministrative, "decided", "处罚决定", false},
    {kAdministrative, "closed", "结案", true},
    {kAdministrative, "handed_over", "移送管辖", true},
};

}  // namespace

const std::vector<Transition>& Transitions() {
  // 立案、不予立案、移送起诉、撤案、处罚决定 are decisions that need a reviewer's authority
  // (case.review: 法制员 / 局领导); the case officer (case.write) moves the investigation along.
  static const std::vector<Transition> kTable = {
      {kCriminal, "accepted", "filed", "立案", kReview, "file_case"},
      {kCriminal, "accepted", "declined", "不予立案", kReview, "decline_file"},
      {kCriminal, "accepted", "handed_over", "移送管辖", kReview, "case_transfer"},
      {kCriminal, "filed", "investigating", "开展侦查", kWrite, ""},
      {kCriminal, "filed", "withdrawn", "撤销案件", kReview, "case_concluded"},
      {kCriminal, "investigating", "transferred", "移送起诉", kReview, "transfer_prosecution"},
      {kCriminal, "investigating", "withdrawn", "撤销案件", kReview, "case_concluded"},
      {kCriminal, "transferred", "investigating", "退回补充侦查", kWrite, "supplementary_investigation"},
      {kCriminal, "transferred", "closed", "结案", kReview, ""},
      {kAdministrative, "accepted", "investigating", "立案调查", kWrite, "file_case"},
      {kAdministrative, "accepted", "handed_over", "移送管辖", kReview, "case_transfer"},
      {kAdministrative, "investigating", "decided", "作出处罚决定", kReview, "penalty_decision"},
      {kAdministrative, "investigating", "closed", "不予处罚/撤销案件", kReview, "case_concluded"},
      {kAdministrative, "decided", "closed", "结案", kWrite, ""},
  };
  return kTable;
}

const Transition* FindTransition(std::string_view case_type, std::string_view from, std::string_view to) {
  for (const auto& t : Transitions())
    if (t.case_type == case_type && t.from == from && t.to == to) return &t;
  return nullptr;
}

std::vector<std::string_view> Statuses(std::string_view case_type) {
  std::vector<std::string_view> out;
  for (const auto& s : kStatuses)
    if (s.case_type == case_type) out.push_back(s.id);
  return out;
}

bool IsStatus(std::string_view case_type, std::string_view status) {
  for (const auto& s : kStatuses)
    if (s.case_type == case_type && s.id == status) return true;
  return false;
}

bool IsTerminal(std::string_view case_type, std::string_view status) {
  for (const auto& s : kStatuses)
    if (s.case_type == case_type && s.id == status) return s.terminal;
  return false;
}

std::string StatusName(std::string_view case_type, std::string_view status) {
  for (const auto& s : kStatuses)
    if (s.case_type == case_type && s.id == status) return std::string(s.name);
  return std::string(status);
}

std::string CaseTypeName(std::string_view case_type) {
  if (case_type == kCriminal) return "刑事";
  if (case_type == kAdministrative) return "行政";
  return std::string(case_type);
}

std::string StatusFromEvents(std::string_view case_type, const std::vector<std::string>& event_types) {
  std::string status(kInitialStatus);
  const bool criminal = case_type == kCriminal;
  for (const auto& e : event_types) {
    if (criminal) {
      if (e == "file_case" && status == "accepted")
        status = "investigating";
      else if (e == "decline_file" && status == "accepted")
        status = "declined";
      else if (e == "case_transfer" && status == "accepted")
        status = "handed_over";
      else if (e == "transfer_prosecution")
        status = "transferred";
      else if (e == "supplementary_investigation" && status == "transferred")
        status = "investigating";
      else if (e == "case_concluded" && (status == "filed" || status == "investigating"))
        status = "withdrawn";
    } else {
      if (e == "file_case" && status == "accepted")
        status = "investigating";
      else if (e == "case_transfer" && status == "accepted")
        status = "handed_over";
      else if (e == "penalty_decision" && (status == "accepted" || status == "investigating"))
        status = "decided";
      else if (e == "case_concluded" && (status == "accepted" || status == "investigating"))
        status = "closed";
      else if ((e == "decision_served" || e == "release") && status == "decided")
        status = "closed";
    }
  }
  return status;
}

}  // namespace fazhi::cases
