#include "supervision/engine.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/local_time.h"

namespace fazhi::supervision {

std::string_view RuleStateId(RuleState s) {
  switch (s) {
    case RuleState::kNotStarted: return "not_started";
    case RuleState::kRunning: return "running";
    case RuleState::kPreWarn: return "pre_warn";
    case RuleState::kOverdue: return "overdue";
    case RuleState::kDoneLate: return "done_late";
    case RuleState::kDone: return "done";
    case RuleState::kMissing: return "missing";
    case RuleState::kNotApplicable: return "not_applicable";
  }
  return "not_started";
}

std::string_view RuleStateZh(RuleState s) {
  switch (s) {
    case RuleState::kNotStarted: return "未开始";
    case RuleState::kRunning: return "计时中";
    case RuleState::kPreWarn: return "预警";
    case RuleState::kOverdue: return "告警（已超期）";
    case RuleState::kDoneLate: return "超期办结";
    case RuleState::kDone: return "已完成";
    case RuleState::kMissing: return "缺少要求";
    case RuleState::kNotApplicable: return "不适用";
  }
  return "";
}

namespace {

// One running clock (or one presence check) of one rule.
struct Instance {
  std::uint16_t rule = 0;
  std::int32_t person = -1;
  std::int32_t item = -1;
  std::int32_t trigger = -1;
  EpochSeconds trigger_time = 0;
  EpochSeconds start = kNoTime;          // kNoTime while waiting for a deferred start or a rebase
  std::optional<EventType> waiting_for;  // the event that will start the clock
  std::int32_t limit = 0;
  bool limit_missing = false;
  std::int64_t excluded_days = 0;
  EpochSeconds exclusion_open = kNoTime;  // start of a 鉴定/听证 in progress
  bool closed = false;
  bool exempt = false;
  EpochSeconds closed_at = kNoTime;
  std::int32_t closing = -1;
  std::array<std::uint8_t, kMaxExtensions> ext_used{};
  ResultNote note = ResultNote::kNone;
  std::int32_t note_event = -1;
  std::uint64_t failed = 0;
  std::int32_t next = -1;  // next instance of the same rule (per-rule chain), -1 = last
};

struct Ctx {
  const CaseTimeline& tl;
  const Catalog& catalog;
  const Calendar& calendar;
  const std::vector<std::uint8_t>& in_custody;  // per person, at the event being processed
};

std::int64_t FieldValue(FieldRef f, const Event& e, const Ctx& ctx) {
  switch (f.source) {
    case FieldSource::kEvent:
      if (f.index == kEventTimeField) return e.time;
      return e.attrs[f.index];
    case FieldSource::kCase:
      if (f.index == static_cast<int>(CaseField::kSerious)) return ctx.tl.serious ? 1 : 0;
      return ctx.tl.fast_track ? 1 : 0;
    case FieldSource::kPerson: break;
  }
  if (e.person < 0) return kAbsent;
  const Person& p = ctx.tl.persons[e.person];
  switch (static_cast<PersonField>(f.index)) {
    case PersonField::kAge: return p.age < 0 ? kAbsent : p.age;
    case PersonField::kFemale: return p.female;
    case PersonField::kPregnant: return p.pregnant;
    case PersonField::kNursingInfant: return p.nursing_infant;
    case PersonField::kIdentityUnknown: return p.identity_unknown;
    case PersonField::kVulnerable:
      // CQ §11: 怀孕或者正在哺乳未满一周岁婴儿的妇女、不满十六周岁的未成年人、已满七十周岁的老年人.
      return p.pregnant || p.nursing_infant || (p.age >= 0 && (p.age < 16 || p.age >= 70));
    case PersonField::kInCustody: return ctx.in_custody[e.person];
    case PersonField::kRole: return p.role < 0 ? kAbsent : p.role;
    case PersonField::kCount: break;
  }
  return kAbsent;
}

bool Holds(const Condition& c, const Event& e, const Ctx& ctx) {
  if (!c.any.empty()) {
    for (const auto& sub : c.any)
      if (Holds(sub, e, ctx)) return true;
    return false;
  }
  const std::int64_t v = FieldValue(c.field, e, ctx);
  if (c.op == Op::kPresent) return v != kAbsent;
  if (c.op == Op::kAbsent) return v == kAbsent;
  if (v == kAbsent) return false;
  if (c.op == Op::kIn) return std::find(c.in.begin(), c.in.end(), v) != c.in.end();
  const std::int64_t rhs = c.ref ? FieldValue(*c.ref, e, ctx) : c.value;
  if (rhs == kAbsent) return false;
  switch (c.op) {
    case Op::kEq: return v == rhs;
    case Op::kNe: return v != rhs;
    case Op::kLt: return v < rhs;
    case Op::kLe: return v <= rhs;
    case Op::kGt: return v > rhs;
    case Op::kGe: return v >= rhs;
    default: return false;
  }
}

bool AllHold(const std::vector<Condition>& conds, const Event& e, const Ctx& ctx) {
  for (const auto& c : conds)
    if (!Holds(c, e, ctx)) return false;
  return true;
}

bool SubjectMatches(const Rule& r, const Instance& in, const Event& e) {
  switch (r.scope) {
    case Scope::kCase: return true;
    case Scope::kPerson: return e.person < 0 || in.person < 0 || e.person == in.person;
    case Scope::kItem: return e.item < 0 || in.item < 0 || e.item == in.item;
  }
  return true;
}

bool CaseTypeMatches(const Rule& r, CaseType t) { return r.case_type == CaseType::kAny || r.case_type == t; }

// Due instant of an instance, or kNoTime while its clock is not running (waiting or suspended).
EpochSeconds DueOf(const Instance& in, const Rule& r, const Ctx& ctx) {
  if (in.start == kNoTime || in.exclusion_open != kNoTime || in.limit_missing) return kNoTime;
  // CALC-01 proviso / CALC-02: custody periods (holiday_roll = false) never roll.
  return ComputeDue(in.start, Period{in.limit, r.limit.unit}, in.excluded_days, r.holiday_roll,
                    ctx.catalog.settings.hour_reading, ctx.calendar);
}

bool InForce(const Rule& r, EpochSeconds act) {
  if (!r.effective_from && !r.effective_until) return true;
  const CivilDate d = LocalDateOf(act);
  if (r.effective_from && d < *r.effective_from) return false;
  if (r.effective_until && d > *r.effective_until) return false;
  return true;
}

// §1 convention 6 / §5: an extension counts only if recorded no later than the current due time
// and it matches an allowed stage (approver level, basis, current limit, number of uses).
void ApplyExtension(Instance& in, const Rule& r, const Event& e, std::int32_t event_index, const Ctx& ctx) {
  const EpochSeconds due = DueOf(in, r, ctx);
  if (due != kNoTime && e.time > due) {
    in.note = ResultNote::kExtensionLate;
    in.note_event = event_index;
    return;
  }
  const EventType trigger_type = ctx.tl.events[in.trigger].type;
  const std::int64_t approver = e.Get(Attr::kApproverLevel);
  const std::int64_t basis = e.Get(Attr::kBasis);
  const std::int64_t requested = e.Get(Attr::kNewLimit);
  for (size_t i = 0; i < r.extensions.size() && i < in.ext_used.size(); ++i) {
    const ExtensionSpec& x = r.extensions[i];
    if (in.ext_used[i] >= x.max_times) continue;
    if (!x.for_triggers.empty() &&
        std::find(x.for_triggers.begin(), x.for_triggers.end(), trigger_type) == x.for_triggers.end())
      continue;
    if (!x.approver_levels.empty() &&
        (approver == kAbsent ||
         std::find(x.approver_levels.begin(), x.approver_levels.end(), approver) == x.approver_levels.end()))
      continue;
    if (!x.bases.empty() && (basis == kAbsent || std::find(x.bases.begin(), x.bases.end(), basis) == x.bases.end()))
      continue;
    if (x.from_limit && *x.from_limit != in.limit) continue;
    // CPL §158 (CRIM-ARREST-02): the request is due "期限届满七日前"; whether day −7 itself is in time
    // is a setting (spec §5, U). A late request is reported; the approval itself still stands.
    if (x.request_lead_days > 0 && due != kNoTime && e.Get(Attr::kRequestedAt) != kAbsent) {
      const std::int64_t last_day = DaysFromCivil(LocalDateOf(due)) - x.request_lead_days;
      const std::int64_t asked = DaysFromCivil(LocalDateOf(e.Get(Attr::kRequestedAt)));
      const bool in_time = ctx.catalog.settings.request_lead_inclusive ? asked <= last_day : asked < last_day;
      if (!in_time) {
        in.note = ResultNote::kExtensionRequestLate;
        in.note_event = event_index;
      }
    }
    if (x.new_limit > 0) {
      const std::int64_t target = requested == kAbsent ? x.new_limit : requested;
      if (target <= in.limit || target > x.new_limit) continue;
      in.limit = static_cast<std::int32_t>(target);
    } else if (x.add > 0) {
      in.limit += x.add;
    } else if (x.rebase_on) {
      // PROP-01: the clock restarts when the approved work (鉴定) is done. If it is already on
      // record (finished before the approval was logged), restart from it.
      in.start = kNoTime;
      in.waiting_for = x.rebase_on;
      for (std::int32_t j = event_index - 1; j > in.trigger; --j) {
        const Event& prior = ctx.tl.events[j];
        if (prior.type == *x.rebase_on && SubjectMatches(r, in, prior)) {
          in.start = prior.time;
          in.waiting_for.reset();
          break;
        }
      }
    }
    ++in.ext_used[i];
    return;
  }
  in.note = ResultNote::kExtensionMismatch;
  in.note_event = event_index;
}

void StartInstance(std::vector<Instance>& out, std::uint16_t rule_index, const Rule& r, const Event& e,
                   std::int32_t event_index, const Ctx& ctx) {
  Instance in;
  in.rule = rule_index;
  in.trigger = event_index;
  in.trigger_time = e.time;
  if (r.scope == Scope::kPerson) in.person = e.person;
  if (r.scope == Scope::kItem) in.item = e.item;
  in.start = e.time;
  in.limit = r.limit.value;
  if (r.limit_from) {
    const std::int64_t v = e.Get(*r.limit_from);
    if (v == kAbsent || v <= 0) {
      in.limit_missing = true;
      in.note = ResultNote::kMissingLimit;
    } else {
      in.limit = static_cast<std::int32_t>(v);
    }
  }
  if (r.defer_event && AllHold(r.defer_when, e, ctx)) {
    in.start = kNoTime;
    in.waiting_for = r.defer_event;
  }
  if (r.kind == RuleKind::kPresence) {
    for (size_t i = 0; i < r.requires_.size(); ++i)
      if (!Holds(r.requires_[i], e, ctx)) in.failed |= std::uint64_t{1} << i;
    in.closed = true;
    in.closed_at = e.time;
  }
  out.push_back(in);
}

RuleResult Finish(const Instance& in, const Rule& r, EpochSeconds at, const Ctx& ctx) {
  RuleResult res;
  res.rule = &r;
  res.person = in.person;
  res.item = in.item;
  res.trigger_event = in.trigger;
  res.closing_event = in.closing;
  res.note = in.note;
  res.note_event = in.note_event;
  res.start = in.start;
  res.limit = Period{in.limit, r.limit.unit};
  if (r.kind == RuleKind::kPresence) {
    res.failed = in.failed;
    res.state = in.failed ? RuleState::kMissing : RuleState::kDone;
    res.since = in.trigger_time;
    return res;
  }
  if (in.exempt) {
    res.state = RuleState::kNotApplicable;
    res.note = ResultNote::kExempted;
    res.since = in.closed_at;
    return res;
  }
  if (r.kind == RuleKind::kRequirement) {
    res.state = in.closed ? RuleState::kDone : RuleState::kMissing;
    res.since = in.closed ? in.closed_at : in.trigger_time;
    return res;
  }
  if (in.limit_missing) {
    res.state = RuleState::kMissing;
    res.since = in.trigger_time;
    return res;
  }
  const EpochSeconds due = DueOf(in, r, ctx);
  if (due == kNoTime) {
    // The clock is not running: it has not started yet, or a 鉴定/听证 suspends it.
    if (in.closed) {
      res.state = RuleState::kDone;
      res.since = in.closed_at;
    } else {
      res.state = RuleState::kRunning;
      res.since = in.exclusion_open != kNoTime ? in.exclusion_open : in.trigger_time;
      if (res.note == ResultNote::kNone)
        res.note = in.exclusion_open != kNoTime ? ResultNote::kSuspended : ResultNote::kAwaitingStart;
    }
    return res;
  }
  res.due = due;
  res.pre_warn = ComputePreWarn(due, r.limit.unit, ctx.catalog.settings, r.pre_warn_lead);
  if (in.closed) {
    // CALC-05: 以内 includes the stated number, so an act at the due instant is on time.
    res.state = in.closed_at <= due ? RuleState::kDone : RuleState::kDoneLate;
    res.since = in.closed_at;
  } else if (at > due) {
    res.state = RuleState::kOverdue;
    res.since = due;
  } else if (at >= res.pre_warn) {
    res.state = RuleState::kPreWarn;
    res.since = res.pre_warn;
  } else {
    res.state = RuleState::kRunning;
    res.since = in.start;
  }
  return res;
}

}  // namespace

std::vector<RuleResult> Evaluate(const CaseTimeline& tl, EpochSeconds at, const Catalog& catalog,
                                 const Calendar& calendar) {
  std::vector<RuleResult> results;
  Evaluate(tl, at, catalog, calendar, results);
  return results;
}

void Evaluate(const CaseTimeline& tl, EpochSeconds at, const Catalog& catalog, const Calendar& calendar,
              std::vector<RuleResult>& results) {
  // Scratch buffers reused across calls on the same thread (evaluation is allocation-light).
  thread_local std::vector<Instance> instances;
  thread_local std::vector<std::uint8_t> in_custody;
  thread_local std::vector<std::int32_t> version_blocked;
  // Per-rule chains of instances, so each event and the final collection only touch the clocks of
  // the rules concerned.
  thread_local std::vector<std::int32_t> head, tail;
  instances.clear();
  in_custody.assign(tl.persons.size(), 0);
  version_blocked.assign(catalog.rules.size(), -1);
  head.assign(catalog.rules.size(), -1);
  tail.assign(catalog.rules.size(), -1);
  const Ctx ctx{tl, catalog, calendar, in_custody};

  for (size_t ei = 0; ei < tl.events.size(); ++ei) {
    const Event& e = tl.events[ei];
    if (e.time > at) break;  // the timeline as known at `at`
    const auto event_index = static_cast<std::int32_t>(ei);
    for (const RuleRef& ref : catalog.by_event[static_cast<int>(e.type)]) {
      const Rule& r = catalog.rules[ref.rule];
      if (!CaseTypeMatches(r, tl.case_type)) continue;
      if (ref.roles & ~kRoleTrigger) {
        for (std::int32_t k = head[ref.rule]; k >= 0; k = instances[k].next) {
          Instance& in = instances[k];
          if (in.closed || !SubjectMatches(r, in, e) || e.time < in.trigger_time) continue;
          if ((ref.roles & kRoleExtension) && e.rule == r.id) ApplyExtension(in, r, e, event_index, ctx);
          if ((ref.roles & kRoleExcludeStart) && in.start != kNoTime && in.exclusion_open == kNoTime) {
            const EpochSeconds due = DueOf(in, r, ctx);
            if (due != kNoTime && e.time <= due) in.exclusion_open = e.time;
          }
          if ((ref.roles & kRoleExcludeEnd) && in.exclusion_open != kNoTime) {
            // §1 convention 5: excluded days = receipt date − commissioning date.
            in.excluded_days += LocalDaysBetween(in.exclusion_open, e.time);
            in.exclusion_open = kNoTime;
          }
          if ((ref.roles & kRoleRestart) && in.start != kNoTime) {
            // e.g. CRIM-ARREST-02, CPL §160: 另有重要罪行 / 查清身份 → the period restarts.
            in.start = e.time;
            in.limit = r.limit.value;
            in.ext_used.fill(0);
            in.excluded_days = 0;
          }
          if ((ref.roles & (kRoleDefer | kRoleRebase)) && in.waiting_for == e.type) {
            in.start = e.time;
            in.waiting_for.reset();
          }
          if (ref.roles & kRoleExempt) {
            in.closed = in.exempt = true;
            in.closed_at = e.time;
            in.closing = event_index;
          } else if (ref.roles & kRoleStop) {
            in.closed = true;
            in.closed_at = e.time;
            in.closing = event_index;
            if (in.exclusion_open != kNoTime) {
              in.excluded_days += LocalDaysBetween(in.exclusion_open, e.time);
              in.exclusion_open = kNoTime;
            }
          }
        }
      }
      if (ref.roles & kRoleTrigger) {
        if (!AllHold(r.when, e, ctx)) continue;
        if (!InForce(r, e.time)) {
          // Law version by the date of the act (e.g. PSAL12 vs PSAL25, switch 2026-01-01).
          if (version_blocked[ref.rule] < 0) version_blocked[ref.rule] = event_index;
          continue;
        }
        StartInstance(instances, ref.rule, r, e, event_index, ctx);
        const auto k = static_cast<std::int32_t>(instances.size() - 1);
        if (tail[ref.rule] >= 0) instances[tail[ref.rule]].next = k;
        else head[ref.rule] = k;
        tail[ref.rule] = k;
      }
    }
    // Custody state for later events (CRIM-INT-01: once in the 看守所, questioning happens there).
    if (e.person >= 0) {
      if (e.type == EventType::kCustodyAdmit) in_custody[e.person] = 1;
      if (e.type == EventType::kRelease || e.type == EventType::kBail ||
          e.type == EventType::kResidentialSurveillance)
        in_custody[e.person] = 0;
    }
  }

  results.clear();
  results.reserve(catalog.rules.size() + instances.size());
  for (size_t ri = 0; ri < catalog.rules.size(); ++ri) {
    const Rule& r = catalog.rules[ri];
    if (!r.enabled || r.kind == RuleKind::kReference) continue;
    if (!CaseTypeMatches(r, tl.case_type)) {
      RuleResult res;
      res.rule = &r;
      res.state = RuleState::kNotApplicable;
      res.note = ResultNote::kCaseTypeMismatch;
      results.push_back(res);
      continue;
    }
    if (head[ri] >= 0) {
      for (std::int32_t k = head[ri]; k >= 0; k = instances[k].next) results.push_back(Finish(instances[k], r, at, ctx));
      continue;
    }
    RuleResult res;
    res.rule = &r;
    if (version_blocked[ri] >= 0) {
      res.state = RuleState::kNotApplicable;
      res.note = ResultNote::kVersionNotInForce;
      res.trigger_event = version_blocked[ri];
    }
    results.push_back(res);
  }
}

std::string ResultMessage(const RuleResult& res, const CaseTimeline& tl) {
  const Rule& r = *res.rule;
  std::string who;
  if (res.person >= 0) {
    const Person& p = tl.persons[res.person];
    who = fmt::format("（{}）", p.name.empty() ? p.id : p.name);
  } else if (res.item >= 0) {
    who = fmt::format("（财物 {}）", tl.items[res.item]);
  }
  const std::string due = res.due == kNoTime ? std::string() : FormatLocalDateTime(res.due);
  std::string msg;
  switch (res.state) {
    case RuleState::kNotStarted: msg = fmt::format("未开始：{}，尚无触发事件", r.name); break;
    case RuleState::kRunning:
      if (res.note == ResultNote::kSuspended)
        msg = fmt::format("计时中止：{}{}，鉴定/听证期间不计入期限", r.name, who);
      else if (res.note == ResultNote::kAwaitingStart)
        msg = fmt::format("待起算：{}{}，期限自{}起计算", r.name, who,
                          res.rule->defer_event ? EventTypeName(*res.rule->defer_event) : "后续事件");
      else
        msg = fmt::format("计时中：{}{}，期限 {}", r.name, who, due);
      break;
    case RuleState::kPreWarn: msg = fmt::format("预警：{}{}即将到期，期限 {}", r.name, who, due); break;
    case RuleState::kOverdue: msg = fmt::format("告警：{}{}已超期，期限 {}，尚未办理", r.name, who, due); break;
    case RuleState::kDoneLate:
      msg = fmt::format("超期办结：{}{}，期限 {}，实际 {}", r.name, who, due, FormatLocalDateTime(res.since));
      break;
    case RuleState::kDone: msg = fmt::format("已办结：{}{}", r.name, who); break;
    case RuleState::kMissing:
      if (r.kind == RuleKind::kPresence) {
        std::string what;
        for (size_t i = 0; i < r.requires_.size(); ++i)
          if ((res.failed >> i) & 1u) what += (what.empty() ? "" : "；") + r.requires_[i].label;
        msg = fmt::format("缺少要求：{}{}：{}", r.name, who, what);
      } else if (res.note == ResultNote::kMissingLimit) {
        msg = fmt::format("缺少要求：{}{}，触发事件缺少期限天数", r.name, who);
      } else {
        msg = fmt::format("缺少要求：{}{}，尚无记录", r.name, who);
      }
      break;
    case RuleState::kNotApplicable:
      switch (res.note) {
        case ResultNote::kCaseTypeMismatch: msg = fmt::format("不适用：{}仅适用于其他案件类型", r.name); break;
        case ResultNote::kVersionNotInForce: msg = fmt::format("不适用：{}所依据的法律版本在行为日期不适用", r.name); break;
        case ResultNote::kExempted: msg = fmt::format("不适用：{}{}，已记录免除事由", r.name, who); break;
        default: msg = fmt::format("不适用：{}", r.name); break;
      }
      break;
  }
  if (res.note == ResultNote::kExtensionLate && res.note_event >= 0)
    msg += fmt::format("；延长审批 {} 晚于当时期限，不予认可", tl.events[res.note_event].id);
  if (res.note == ResultNote::kExtensionRequestLate && res.note_event >= 0)
    msg += fmt::format("；延长审批 {} 的申请未在期限届满{}日前提出", tl.events[res.note_event].id,
                       [&] {
                         for (const auto& x : r.extensions)
                           if (x.request_lead_days > 0) return x.request_lead_days;
                         return 0;
                       }());
  if (res.note == ResultNote::kExtensionMismatch && res.note_event >= 0)
    msg += fmt::format("；延长审批 {} 的审批层级、依据或阶段不符合规定，不予认可", tl.events[res.note_event].id);
  return msg;
}

}  // namespace fazhi::supervision
