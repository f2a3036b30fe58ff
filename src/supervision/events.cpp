#include "supervision/events.h"

#include <array>
#include <initializer_list>

namespace fazhi::supervision {
namespace {

using A = Attr;
using E = EventType;

constexpr std::uint64_t Bit(Attr a) { return std::uint64_t{1} << static_cast<int>(a); }
constexpr std::uint64_t Attrs(std::initializer_list<Attr> list) {
  // note and actor are allowed on every event.
  std::uint64_t bits = Bit(A::kNote) | Bit(A::kActor);
  for (Attr a : list) bits |= Bit(a);
  return bits;
}
constexpr EventTypeSet Prior(std::initializer_list<EventType> list) {
  EventTypeSet set;
  for (EventType t : list) set.Add(t);
  return set;
}

constexpr auto kSession = {A::kPerson,    A::kEnd,   A::kOfficers,        A::kLocation,
                           A::kAvStart,   A::kAvEnd, A::kGuardianPresent, A::kFemaleStaffPresent,
                           A::kAvRecorded};

// Detention-like holds a release can end (release before any of them is impossible).
constexpr EventTypeSet kHolds = Prior({E::kSummonArrive, E::kCompelArrive, E::kCqStart, E::kDetain, E::kArrest,
                                       E::kAdminForce, E::kOnsiteForce, E::kAdminDetentionExecute});

const std::array<EventTypeInfo, kEventTypeCount> kInfo = {{
    {E::kReport, "report", "接报", Attrs({}), {}},
    {E::kIncident, "incident", "现场处警", Attrs({A::kBodyCamera, A::kOfficers}), {}},
    {E::kAcceptCase, "accept_case", "受案", Attrs({}), {}},
    {E::kFileCase, "file_case", "立案", Attrs({}), {}},
    {E::kDeclineFile, "decline_file", "不予立案决定", Attrs({A::kHasComplainant}), {}},
    {E::kDeclineNoticeServed, "decline_notice_served", "不予立案通知书送达", Attrs({}), Prior({E::kDeclineFile})},
    {E::kReconsiderationRequest, "reconsideration_request", "复议申请", Attrs({}), {}},
    {E::kReconsiderationDecision, "reconsideration_decision", "复议决定", Attrs({}),
     Prior({E::kReconsiderationRequest})},
    {E::kJurisdictionMismatch, "jurisdiction_mismatch", "发现不属于本机关管辖", Attrs({}), {}},
    {E::kCaseTransfer, "case_transfer", "移送管辖", Attrs({}), {}},
    {E::kAdminTransferReceived,
     "admin_transfer_received",
     "收到行政执法机关移送案件",
     Attrs({A::kMaterialsIncomplete}),
     {}},
    {E::kTransferReviewDone, "transfer_review_done", "移送案件审查决定", Attrs({}), {}},
    {E::kSupplementNotice, "supplement_notice", "通知补充材料", Attrs({}), {}},
    {E::kSummonArrive, "summon_arrive", "传唤到案", Attrs({A::kPerson}), {}},
    {E::kCompelArrive, "compel_arrive", "拘传到案", Attrs({A::kPerson}), {}},
    {E::kSummonEnd, "summon_end", "传唤/拘传结束", Attrs({A::kPerson}), Prior({E::kSummonArrive, E::kCompelArrive})},
    {E::kCqStart, "cq_start", "带至公安机关继续盘问", Attrs({A::kPerson}), {}},
    {E::kCqEnd, "cq_end", "继续盘问结束", Attrs({A::kPerson}), Prior({E::kCqStart})},
    {E::kAreaEnter, "area_enter", "进入办案区", Attrs({A::kPerson, A::kAvStart, A::kAvEnd}), {}},
    {E::kAreaExit, "area_exit", "离开办案区", Attrs({A::kPerson, A::kAvStart, A::kAvEnd}), Prior({E::kAreaEnter})},
    {E::kDetain, "detain", "拘留执行", Attrs({A::kPerson}), {}},
    {E::kCustodyAdmit, "custody_admit", "送押看守所", Attrs({A::kPerson}), Prior({E::kDetain, E::kArrest})},
    {E::kNotifyFamily, "notify_family", "通知家属", Attrs({A::kPerson}), {}},
    {E::kNotifyExempt, "notify_exempt", "不通知家属决定", Attrs({A::kPerson}), {}},
    {E::kInterrogate, "interrogate", "讯问", Attrs(kSession), {}},
    {E::kInquire, "inquire", "询问", Attrs(kSession), {}},
    {E::kArrestRequest, "arrest_request", "提请批准逮捕", Attrs({A::kPerson}), {}},
    {E::kProcuratorateReceive, "procuratorate_receive", "检察院收到提请", Attrs({A::kPerson}), {}},
    {E::kProcuratorateDecision, "procuratorate_decision", "检察院批捕决定", Attrs({A::kPerson, A::kApproved}),
     Prior({E::kArrestRequest, E::kProcuratorateReceive})},
    {E::kNonArrestReceipt, "non_arrest_receipt", "不批准逮捕执行回执", Attrs({A::kPerson}),
     Prior({E::kProcuratorateDecision})},
    {E::kArrest, "arrest", "逮捕执行", Attrs({A::kPerson}), {}},
    {E::kArrestReceipt, "arrest_receipt", "逮捕执行回执", Attrs({A::kPerson}), Prior({E::kArrest})},
    {E::kExtensionApproved,
     "extension_approved",
     "延长审批",
     Attrs({A::kPerson, A::kItem, A::kRule, A::kApproverLevel, A::kBasis, A::kNewLimit, A::kRequestedAt, A::kOffences,
            A::kGangSize, A::kRoving, A::kMajorSuspect}),
     {}},
    {E::kNewCrimeFound, "new_crime_found", "发现另有重要罪行", Attrs({A::kPerson}), {}},
    {E::kIdentityEstablished, "identity_established", "查清身份", Attrs({A::kPerson}), {}},
    {E::kBail, "bail", "取保候审", Attrs({A::kPerson}), {}},
    {E::kResidentialSurveillance, "residential_surveillance", "监视居住", Attrs({A::kPerson, A::kDesignated}), {}},
    {E::kMeasureEnd, "measure_end", "解除/变更强制措施", Attrs({A::kPerson}),
     Prior({E::kBail, E::kResidentialSurveillance})},
    {E::kMeasureChangeRequest, "measure_change_request", "申请变更强制措施", Attrs({A::kPerson}), {}},
    {E::kMeasureChangeDecision, "measure_change_decision", "变更强制措施申请答复", Attrs({A::kPerson}),
     Prior({E::kMeasureChangeRequest})},
    {E::kTransferProsecution, "transfer_prosecution", "移送起诉", Attrs({A::kPerson}), {}},
    {E::kSupplementaryInvestigation, "supplementary_investigation", "退回补充侦查", Attrs({}), {}},
    {E::kRelease, "release", "释放", Attrs({A::kPerson, A::kReleaseMode}), kHolds},
    {E::kSeize, "seize", "扣押/扣留", Attrs({A::kItem, A::kOnsite, A::kAvRecorded, A::kOfficers}), {}},
    {E::kSeal, "seal", "查封", Attrs({A::kItem, A::kOnsite, A::kAvRecorded, A::kOfficers}), {}},
    {E::kFreeze, "freeze", "冻结", Attrs({A::kItem}), {}},
    {E::kRegisterPreserve, "register_preserve", "先行登记保存", Attrs({A::kItem}), {}},
    {E::kPreserveDecision, "preserve_decision", "先行登记保存处理决定", Attrs({A::kItem}),
     Prior({E::kRegisterPreserve})},
    {E::kSeizeEnd, "seize_end", "解除扣押/查封/冻结", Attrs({A::kItem}), Prior({E::kSeize, E::kSeal, E::kFreeze})},
    {E::kPropertyUnrelated, "property_unrelated", "发现财物与案件无关", Attrs({A::kItem}), {}},
    {E::kPropertyReturn, "property_return", "解除/退还无关财物", Attrs({A::kItem}), {}},
    {E::kPropertyExtract, "property_extract", "提取涉案财物", Attrs({A::kItem, A::kRemote}), {}},
    {E::kReturnToUnit, "return_to_unit", "返回单位", Attrs({}), {}},
    {E::kPropertyHandover, "property_handover", "移交入库", Attrs({A::kItem}), {}},
    {E::kPropertyDisposed, "property_disposed", "24小时内已依法处置", Attrs({A::kItem}), {}},
    {E::kPropertyRegister, "property_register", "管理人员登记", Attrs({A::kItem}), {}},
    {E::kSupervisionFiling, "supervision_filing", "督察备案", Attrs({A::kItem}), {}},
    {E::kAppraisalStart, "appraisal_start", "委托鉴定", Attrs({A::kItem, A::kPerson}), {}},
    {E::kAppraisalEnd, "appraisal_end", "收到鉴定意见", Attrs({A::kItem, A::kPerson}), Prior({E::kAppraisalStart})},
    {E::kHearingStart, "hearing_start", "听证开始", Attrs({A::kPerson}), {}},
    {E::kHearingEnd, "hearing_end", "听证结束", Attrs({A::kPerson}), Prior({E::kHearingStart})},
    {E::kAdminForce, "admin_force", "行政强制措施（限制人身自由）", Attrs({A::kPerson}), {}},
    {E::kOnsiteForce, "onsite_force", "当场采取行政强制措施", Attrs({A::kPerson, A::kItem}), {}},
    {E::kForceApproved, "force_approved", "补办批准", Attrs({A::kPerson, A::kItem}), Prior({E::kOnsiteForce})},
    {E::kMediationFailed, "mediation_failed", "调解不成/不履行", Attrs({}), {}},
    {E::kPenaltyDecision,
     "penalty_decision",
     "处罚决定",
     Attrs({A::kPerson, A::kOnsite, A::kAdminDetention, A::kHasVictim}),
     {}},
    {E::kCaseConcluded, "case_concluded", "其他处理决定（不予处罚、撤销案件等）", Attrs({A::kPerson}), {}},
    {E::kDecisionServed, "decision_served", "决定书送达", Attrs({A::kPerson}), Prior({E::kPenaltyDecision})},
    {E::kVictimCopy, "victim_copy", "抄送被侵害人", Attrs({A::kPerson}), Prior({E::kPenaltyDecision})},
    {E::kPenaltyFiled, "penalty_filed", "当场处罚备案", Attrs({A::kPerson}), Prior({E::kPenaltyDecision})},
    {E::kAdminDetentionExecute, "admin_detention_execute", "行政拘留执行（收拘）", Attrs({A::kPerson, A::kDays}), {}},
    {E::kSuspensionRequest, "suspension_request", "暂缓执行申请", Attrs({A::kPerson}), {}},
    {E::kSuspensionDecision, "suspension_decision", "暂缓执行决定", Attrs({A::kPerson}),
     Prior({E::kSuspensionRequest})},
    {E::kWaitingRoomEnter, "waiting_room_enter", "进入候问室", Attrs({A::kPerson}), Prior({E::kAreaEnter})},
    {E::kWaitingRoomExit, "waiting_room_exit", "离开候问室", Attrs({A::kPerson}), Prior({E::kWaitingRoomEnter})},
    {E::kExtensionRequest,
     "extension_request",
     "提请延长",
     Attrs({A::kPerson, A::kItem, A::kRule, A::kBasis, A::kNewLimit}),
     {}},
}};

constexpr std::array<std::string_view, kAttrCount> kAttrIds = {"person",
                                                               "item",
                                                               "end",
                                                               "officers",
                                                               "location",
                                                               "av_start",
                                                               "av_end",
                                                               "guardian_present",
                                                               "female_staff_present",
                                                               "body_camera",
                                                               "rule",
                                                               "approver_level",
                                                               "basis",
                                                               "new_limit",
                                                               "remote",
                                                               "designated",
                                                               "approved",
                                                               "onsite",
                                                               "av_recorded",
                                                               "materials_incomplete",
                                                               "admin_detention",
                                                               "has_victim",
                                                               "has_complainant",
                                                               "days",
                                                               "note",
                                                               "actor",
                                                               "requested_at",
                                                               "release_mode",
                                                               "offences",
                                                               "gang_size",
                                                               "roving",
                                                               "major_suspect"};

constexpr VocabEntry kApprovers[] = {
    {"department_head", "办案部门负责人"},
    {"duty_head", "县（市）公安局/分局值班负责人"},
    {"supervising_head", "县（市）公安局/分局主管负责人"},
    {"county_head", "县级以上公安机关负责人"},
    {"superior_bureau", "上一级公安机关"},
    {"superior_procuratorate", "上一级人民检察院"},
    {"provincial_procuratorate", "省级人民检察院"},
};
constexpr VocabEntry kBases[] = {
    {"need_detention_or_arrest", "案情特别重大、复杂，需要采取拘留、逮捕措施"},
    {"special_circumstance", "特殊情况"},
    {"roving", "流窜作案"},
    {"repeated", "多次作案"},
    {"gang", "结伙作案"},
    {"clue_verification", "线索需要查证"},
    {"major_complex", "重大疑难复杂"},
    {"complex_may_detain", "情况复杂，可能适用行政拘留"},
    {"many_people", "涉案人数众多"},
    {"identity_unknown", "身份不明"},
    {"investigation_complex", "案情复杂，期限届满不能终结"},
    {"cpl158", "刑事诉讼法第158条所列案件"},
    {"ten_years", "可能判处十年有期徒刑以上刑罚"},
    {"appraisal", "鉴定、辨认、检验"},
    {"complex", "疑难复杂"},
    {"case_need", "案件需要"},
};
constexpr VocabEntry kLocations[] = {
    {"interrogation_room", "执法办案场所讯问室"},
    {"inquiry_room", "执法办案场所询问室"},
    {"case_area", "执法办案场所（办案区）"},
    {"detention_center", "看守所讯问室"},
    {"scene", "现场（紧急情况）"},
    {"residence", "住处"},
    {"hospital", "医院"},
    {"workplace", "工作单位"},
    {"station_other", "公安机关内办案场所以外的地点"},
    {"other", "其他地点"},
};

constexpr VocabEntry kReleaseModes[] = {
    {"self", "自行离开"},
    {"family_pickup", "通知家属或监护人领回"},
    {"escorted_home", "护送至住地"},
    {"handed_over", "移交其他机关或监管场所"},
    {"other", "其他"},
};

constexpr VocabEntry kRoles[] = {
    {"suspect", "犯罪嫌疑人/违法行为人"}, {"victim", "被害人/被侵害人"}, {"witness", "证人"}, {"other", "其他"}};

}  // namespace

const EventTypeInfo& Info(EventType type) { return kInfo[static_cast<int>(type)]; }

std::optional<EventType> EventTypeFromId(std::string_view id) {
  for (const auto& info : kInfo)
    if (info.id == id) return info.type;
  return std::nullopt;
}

std::string_view AttrId(Attr a) { return kAttrIds[static_cast<int>(a)]; }

std::optional<Attr> AttrFromId(std::string_view id) {
  for (int i = 0; i < kAttrCount; ++i)
    if (kAttrIds[i] == id) return static_cast<Attr>(i);
  return std::nullopt;
}

std::span<const VocabEntry> ApproverLevels() { return kApprovers; }
std::span<const VocabEntry> Bases() { return kBases; }
std::span<const VocabEntry> Locations() { return kLocations; }
std::span<const VocabEntry> PersonRoles() { return kRoles; }
std::span<const VocabEntry> ReleaseModes() { return kReleaseModes; }

int VocabIndex(std::span<const VocabEntry> list, std::string_view id) {
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].id == id) return static_cast<int>(i);
  return -1;
}

// The table must list every type in enum order; checked once at start-up of any binary.
static_assert(static_cast<int>(EventType::kCount) == 76, "update kInfo when adding an event type");

}  // namespace fazhi::supervision
