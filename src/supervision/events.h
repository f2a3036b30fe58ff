// Event vocabulary of the supervision engine (执法监督事件): the closed list of procedural acts a
// case timeline may hold, their stable snake_case identifiers and 中文 names, and the closed value
// lists of their attributes. docs/events.md documents the same list for people.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace fazhi::supervision {

// One procedural act. The numeric values are internal; the stable identifier is EventTypeId().
enum class EventType : std::uint8_t {
  kReport,                      // report 接报
  kIncident,                    // incident 现场处警
  kAcceptCase,                  // accept_case 受案
  kFileCase,                    // file_case 立案
  kDeclineFile,                 // decline_file 不予立案决定
  kDeclineNoticeServed,         // decline_notice_served 不予立案通知书送达
  kReconsiderationRequest,      // reconsideration_request 复议申请
  kReconsiderationDecision,     // reconsideration_decision 复议决定
  kJurisdictionMismatch,        // jurisdiction_mismatch 发现不属于本机关管辖
  kCaseTransfer,                // case_transfer 移送管辖
  kAdminTransferReceived,       // admin_transfer_received 收到行政执法机关移送案件
  kTransferReviewDone,          // transfer_review_done 移送案件审查决定
  kSupplementNotice,            // supplement_notice 通知补充材料
  kSummonArrive,                // summon_arrive 传唤到案
  kCompelArrive,                // compel_arrive 拘传到案
  kSummonEnd,                   // summon_end 传唤/拘传结束
  kCqStart,                     // cq_start 带至公安机关继续盘问
  kCqEnd,                       // cq_end 继续盘问结束
  kAreaEnter,                   // area_enter 进入办案区
  kAreaExit,                    // area_exit 离开办案区
  kDetain,                      // detain 拘留执行
  kCustodyAdmit,                // custody_admit 送押看守所
  kNotifyFamily,                // notify_family 通知家属
  kNotifyExempt,                // notify_exempt 不通知家属决定（无法通知/有碍侦查）
  kInterrogate,                 // interrogate 讯问
  kInquire,                     // inquire 询问
  kArrestRequest,               // arrest_request 提请批准逮捕
  kProcuratorateReceive,        // procuratorate_receive 检察院收到提请
  kProcuratorateDecision,       // procuratorate_decision 检察院批捕决定
  kNonArrestReceipt,            // non_arrest_receipt 不批准逮捕执行回执
  kArrest,                      // arrest 逮捕执行
  kArrestReceipt,               // arrest_receipt 逮捕执行回执
  kExtensionApproved,           // extension_approved 延长审批
  kNewCrimeFound,               // new_crime_found 发现另有重要罪行
  kIdentityEstablished,         // identity_established 查清身份
  kBail,                        // bail 取保候审
  kResidentialSurveillance,     // residential_surveillance 监视居住
  kMeasureEnd,                  // measure_end 解除/变更强制措施
  kMeasureChangeRequest,        // measure_change_request 申请变更强制措施
  kMeasureChangeDecision,       // measure_change_decision 变更强制措施申请答复
  kTransferProsecution,         // transfer_prosecution 移送起诉
  kSupplementaryInvestigation,  // supplementary_investigation 退回补充侦查
  kRelease,                     // release 释放
  kSeize,                       // seize 扣押/扣留
  kSeal,                        // seal 查封
  kFreeze,                      // freeze 冻结
  kRegisterPreserve,            // register_preserve 先行登记保存
  kPreserveDecision,            // preserve_decision 先行登记保存处理决定
  kSeizeEnd,                    // seize_end 解除扣押/查封/冻结
  kPropertyUnrelated,           // property_unrelated 发现财物与案件无关
  kPropertyReturn,              // property_return 解除/退还无关财物
  kPropertyExtract,             // property_extract 提取涉案财物
  kReturnToUnit,                // return_to_unit 返回单位
  kPropertyHandover,            // property_handover 移交入库
  kPropertyDisposed,            // property_disposed 24小时内已依法处置
  kPropertyRegister,            // property_register 管理人员登记
  kSupervisionFiling,           // supervision_filing 督察备案
  kAppraisalStart,              // appraisal_start 委托鉴定
  kAppraisalEnd,                // appraisal_end 收到鉴定意见
  kHearingStart,                // hearing_start 听证开始
  kHearingEnd,                  // hearing_end 听证结束
  kAdminForce,                  // admin_force 行政强制措施（限制人身自由）
  kOnsiteForce,                 // onsite_force 当场采取行政强制措施
  kForceApproved,               // force_approved 补办批准
  kMediationFailed,             // mediation_failed 调解不成/不履行
  kPenaltyDecision,             // penalty_decision 处罚决定
  kCaseConcluded,               // case_concluded 其他处理决定（不予处罚、撤销案件等）
  kDecisionServed,              // decision_served 决定书送达
  kVictimCopy,                  // victim_copy 抄送被侵害人
  kPenaltyFiled,                // penalty_filed 当场处罚备案
  kAdminDetentionExecute,       // admin_detention_execute 行政拘留执行（收拘）
  kSuspensionRequest,           // suspension_request 暂缓执行申请
  kSuspensionDecision,          // suspension_decision 暂缓执行决定
  kWaitingRoomEnter,            // waiting_room_enter 进入候问室
  kWaitingRoomExit,             // waiting_room_exit 离开候问室
  kExtensionRequest,            // extension_request 提请延长（送请批准延长期限）
  kCount
};
inline constexpr int kEventTypeCount = static_cast<int>(EventType::kCount);

// Attributes an event may carry (bit positions). Each event type admits a subset of them.
enum class Attr : std::uint8_t {
  kPerson,               // person: id of a person declared in "persons"
  kItem,                 // item: property code (一物一码)
  kEnd,                  // end: end time of a session
  kOfficers,             // officers: number of officers present
  kLocation,             // location: where it took place (closed list, LocationId)
  kAvStart,              // av_start: start of the audio/video recording
  kAvEnd,                // av_end: end of the audio/video recording
  kGuardianPresent,      // guardian_present: 法定代理人或其他合适成年人到场
  kFemaleStaffPresent,   // female_staff_present: 女工作人员在场
  kBodyCamera,           // body_camera: 执法记录仪视音频 present
  kRule,                 // rule: the rule id an extension approval is for
  kApproverLevel,        // approver_level: closed list, ApproverLevelId
  kBasis,                // basis: closed list, BasisId
  kNewLimit,             // new_limit: requested total limit, in the rule's unit
  kRemote,               // remote: 异地/偏远 extraction
  kDesignated,           // designated: 指定居所
  kApproved,             // approved: 批准 (true) or 不批准 (false)
  kOnsite,               // onsite: 当场
  kAvRecorded,           // av_recorded: the act was recorded on audio/video
  kMaterialsIncomplete,  // materials_incomplete: 移送材料不全
  kAdminDetention,       // admin_detention: the penalty includes 行政拘留
  kHasVictim,            // has_victim: there is a 被侵害人
  kHasComplainant,       // has_complainant: there is a 控告人
  kDays,                 // days: number of days (行政拘留天数)
  kNote,                 // note: free text
  kActor,                // actor: who did it (badge number or name), free text
  kRequestedAt,          // requested_at: when the extension was requested (提请延长)
  kReleaseMode,          // release_mode: how the person left (closed list, ReleaseModes)
  kOffences,             // offences: 作案次数 (facts of a CRIM-DETAIN-04 30-day extension)
  kGangSize,             // gang_size: 共同作案人数，含本人 (结伙作案: 二人以上)
  kRoving,               // roving: 流窜作案
  kMajorSuspect,         // major_suspect: 重大嫌疑分子
  kCount
};
inline constexpr int kAttrCount = static_cast<int>(Attr::kCount);
static_assert(kAttrCount <= 64, "EventTypeInfo::attrs is a 64-bit set");

// A set of event types (the list has more than 64 members, so two words).
struct EventTypeSet {
  std::uint64_t bits[2] = {0, 0};
  constexpr void Add(EventType t) { bits[static_cast<int>(t) / 64] |= std::uint64_t{1} << (static_cast<int>(t) % 64); }
  constexpr bool Has(EventType t) const { return (bits[static_cast<int>(t) / 64] >> (static_cast<int>(t) % 64)) & 1u; }
  constexpr bool Empty() const { return bits[0] == 0 && bits[1] == 0; }
};

// Static facts about one event type.
struct EventTypeInfo {
  EventType type;
  std::string_view id;       // stable snake_case identifier used in files and the API
  std::string_view name_zh;  // 中文 name
  std::uint64_t attrs;       // bit set of Attr the type admits
  // Kinds that must precede this event for the same person/item (empty: none). An event whose
  // type lists prerequisites but has none before it is an impossible order (e.g. release before
  // any detention of that person).
  EventTypeSet requires_prior;
};

// Facts for `type`. `type` must be a real type (not kCount).
const EventTypeInfo& Info(EventType type);
// The type whose identifier is `id`; nullopt if unknown.
std::optional<EventType> EventTypeFromId(std::string_view id);
inline std::string_view EventTypeId(EventType t) { return Info(t).id; }
inline std::string_view EventTypeName(EventType t) { return Info(t).name_zh; }
inline bool Admits(EventType t, Attr a) { return (Info(t).attrs >> static_cast<int>(a)) & 1u; }

std::string_view AttrId(Attr a);
std::optional<Attr> AttrFromId(std::string_view id);

// Closed value lists. Index 0 is never "unset"; an absent value is -1 in the event struct.
struct VocabEntry {
  std::string_view id;
  std::string_view name_zh;
};
// 审批人层级: department_head 办案部门负责人, duty_head 县局值班负责人, supervising_head 县局主管负责人,
// county_head 县级以上公安机关负责人, superior_bureau 上一级公安机关, superior_procuratorate 上一级检察院,
// provincial_procuratorate 省级检察院.
std::span<const VocabEntry> ApproverLevels();
// 延长/批准依据.
std::span<const VocabEntry> Bases();
// 地点.
std::span<const VocabEntry> Locations();
// 人员角色: suspect 犯罪嫌疑人/违法行为人, victim 被害人/被侵害人, witness 证人, other 其他.
std::span<const VocabEntry> PersonRoles();
// 离开方式 (release_mode): self 自行离开, family_pickup 通知家属或监护人领回, escorted_home 护送至住地,
// handed_over 移交其他机关或监管场所, other 其他.
std::span<const VocabEntry> ReleaseModes();
// Index of `id` in `list`, or -1.
int VocabIndex(std::span<const VocabEntry> list, std::string_view id);

}  // namespace fazhi::supervision
