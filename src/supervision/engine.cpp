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

// One running clock (or one presence check, or one extension request) of one rule.
struct Instance {
  std::uint16_t rule = 0;
  std::int32_t person = -1;
  std::int32_t item = -1;
  std::int32_t trigger = -1;
  EpochSeconds trigger_time = 0;
  EpochSeconds start = kNoTime;          // kNoTime while waiting for a deferred start or a rebase
  std::optional<EventType> waiting_for;  // the event that will start the clock
  std::int32_t limit = 0;
  TimeUnit unit = TimeUnit::kHours;  // the rule's unit, unless an extension changed it
  std::int32_t base_limit = 0;       // the limit before extensions (rule or limit_when)
  std::int8_t limit_case = -1;       // the limit_when entry that set base_limit
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
  std::int8_t note_spec = -1;
  std::uint8_t note_specs = 0;
  EpochSeconds note_due = kNoTime;
  std::uint64_t failed = 0;
  std::int32_t next = -1;  // next instance of the same rule (per-rule chain), -1 = last
  // Extension requests. On a clock: its current request instance and when the request for the
  // current stage was made. On a request instance: the clock, the lead in days, and the due time
  // fixed once its stage ended (an extension was granted or the clock restarted).
  std::int32_t request = -1;
  EpochSeconds stage_request = kNoTime;
  std::int32_t parent = -1;
  EpochSeconds request_due = kNoTime;
};

struct Ctx {
  const CaseTimeline& tl;
  const Catalog& catalog;
  const Calendar& calendar;
  const std::vector<std::uint8_t>& in_custody;  // per person, at the event being processed
  const std::vector<std::uint8_t>& under_cq;    // per person, at the event being processed
};

std::int64_t FieldValue(FieldRef f, const Event& e, const Ctx& ctx) {
  switch (f.source) {
    case FieldSource::kEvent:
      if (f.index == kEventTimeField) return e.time;
      if (f.index == kEventTimeOfDayField) return ((e.time + kChinaOffsetSeconds) % 86400 + 86400) % 86400;
      return e.attrs[f.index];
    case FieldSource::kCase:
      switch (static_cast<CaseField>(f.index)) {
        case CaseField::kSerious: return ctx.tl.serious ? 1 : 0;
        case CaseField::kFastTrack: return ctx.tl.fast_track ? 1 : 0;
        case CaseField::kManyPeople: return ctx.tl.many_people ? 1 : 0;
        case CaseField::kCount: break;
      }
      return kAbsent;
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
      // CQ §10: 怀孕或者正在哺乳自己不满一周岁婴儿的妇女、不满十六周岁的未成年人、已满七十周岁的老年人.
      return p.pregnant || p.nursing_infant || (p.age >= 0 && (p.age < 16 || p.age >= 70));
    case PersonField::kInCustody: return ctx.in_custody[e.person];
    case PersonField::kRole: return p.role < 0 ? kAbsent : p.role;
    case PersonField::kUnderCq: return ctx.under_cq[e.person];
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
  return ComputeDue(in.start, Period{in.limit, in.unit}, in.excluded_days, r.holiday_roll,
                    ctx.catalog.settings.hour_reading, ctx.calendar);
}

// Last moment to request the extension of a clock due at `parent_due`: the end of the day `lead`
// days before the due date (CR §148 "期限届满七日前"); with request_lead_inclusive = false, the day
// before that.
EpochSeconds RequestDue(EpochSeconds parent_due, std::int32_t lead, const CountingSettings& s) {
  const std::int64_t day = DaysFromCivil(LocalDateOf(parent_due)) - lead - (s.request_lead_inclusive ? 0 : 1);
  return EndOfLocalDay(CivilFromDays(day));
}

// Lead in days of the extensions still open to the clock's current stage (0: no request to time).
std::int32_t RequestLead(const Instance& in, const Rule& r, const Ctx& ctx) {
  const EventType trigger_type = ctx.tl.events[in.trigger].type;
  std::int32_t lead = 0;
  for (size_t i = 0; i < r.extensions.size() && i < in.ext_used.size(); ++i) {
    const ExtensionSpec& x = r.extensions[i];
    if (x.request_lead_days <= 0 || in.ext_used[i] >= x.max_times) continue;
    if (!x.for_triggers.empty() &&
        std::find(x.for_triggers.begin(), x.for_triggers.end(), trigger_type) == x.for_triggers.end())
      continue;
    if (x.from_limit && (*x.from_limit != in.limit || in.unit != r.limit.unit)) continue;
    lead = std::max(lead, x.request_lead_days);
  }
  return lead;
}

// The checks an extension must pass, in the order a refusal names the first one failed.
enum ExtCheck : int {
  kCheckTrigger,
  kCheckStage,
  kCheckTimes,
  kCheckApprover,
  kCheckBasis,
  kCheckFacts,
  kCheckLimit,
  kCheckCount
};
constexpr ResultNote kCheckNote[kCheckCount] = {ResultNote::kExtensionTrigger, ResultNote::kExtensionStage,
                                                ResultNote::kExtensionTooMany, ResultNote::kExtensionApprover,
                                                ResultNote::kExtensionBasis,   ResultNote::kExtensionFacts,
                                                ResultNote::kExtensionLimit};

// How one extension spec judges one extension_approved event.
struct Verdict {
  bool pass[kCheckCount] = {};
  std::uint64_t facts_failed = 0;  // requires_ not met
  bool facts_unrecorded = false;   // none of the facts' attributes is recorded
  bool no_op = false;              // asks exactly the current limit (already granted, e.g. by law)
  std::int64_t target = 0;         // new_limit mode: the limit asked for
  int FirstFail() const {
    for (int c = 0; c < kCheckCount; ++c)
      if (!pass[c]) return c;
    return kCheckCount;
  }
  int Passed() const { return static_cast<int>(std::count(std::begin(pass), std::end(pass), true)); }
};

Verdict Judge(const ExtensionSpec& x, std::size_t index, const Instance& in, const Rule& r, const Event& e,
              const Ctx& ctx) {
  Verdict v;
  const EventType trigger_type = ctx.tl.events[in.trigger].type;
  const std::int64_t approver = e.Get(Attr::kApproverLevel);
  const std::int64_t basis = e.Get(Attr::kBasis);
  v.pass[kCheckTrigger] = x.for_triggers.empty() ||
                          std::find(x.for_triggers.begin(), x.for_triggers.end(), trigger_type) != x.for_triggers.end();
  v.pass[kCheckStage] = !x.from_limit || (*x.from_limit == in.limit && in.unit == r.limit.unit);
  v.pass[kCheckTimes] = in.ext_used[index] < x.max_times;
  v.pass[kCheckApprover] =
      x.approver_levels.empty() || (approver != kAbsent && std::find(x.approver_levels.begin(), x.approver_levels.end(),
                                                                     approver) != x.approver_levels.end());
  v.pass[kCheckBasis] =
      x.bases.empty() || (basis != kAbsent && std::find(x.bases.begin(), x.bases.end(), basis) != x.bases.end());
  for (size_t i = 0; i < x.requires_.size(); ++i)
    if (!Holds(x.requires_[i], e, ctx)) v.facts_failed |= std::uint64_t{1} << i;
  bool recorded = false;
  for (int a = 0; a < kAttrCount && !recorded; ++a) recorded = ((x.facts_attrs >> a) & 1u) && e.attrs[a] != kAbsent;
  v.facts_unrecorded = !x.requires_.empty() && !recorded;
  v.pass[kCheckFacts] = v.facts_failed == 0 || (v.facts_unrecorded && !ctx.catalog.settings.extension_facts_required);
  v.pass[kCheckLimit] = true;
  if (x.new_limit > 0) {
    const std::int64_t requested = e.Get(Attr::kNewLimit);
    const TimeUnit unit = x.unit.value_or(r.limit.unit);
    v.target = requested == kAbsent ? x.new_limit : requested;
    const std::int64_t asked = ApproxHours(v.target, unit), now = ApproxHours(in.limit, in.unit);
    v.no_op = v.target <= x.new_limit && unit == in.unit && v.target == in.limit;
    v.pass[kCheckLimit] = v.no_op || (v.target <= x.new_limit && asked > now);
  }
  return v;
}

// §1 convention 6 / §5: an extension counts only if recorded no later than the current due time
// and it matches an allowed stage (approver level, basis, facts, current limit, number of uses).
// Returns true when the clock's stage changed (an extension was granted).
bool ApplyExtension(Instance& in, const Rule& r, const Event& e, std::int32_t event_index, const Ctx& ctx) {
  const EpochSeconds due = DueOf(in, r, ctx);
  if (due != kNoTime && e.time > due) {
    in.note = ResultNote::kExtensionLate;
    in.note_event = event_index;
    in.note_due = due;
    return false;
  }
  const std::int64_t requested = e.Get(Attr::kNewLimit);
  // The refusal names the extension the approver most plausibly meant: the one whose new_limit is the
  // limit asked for, then the one that fails latest in the check order, then the one passing most.
  int best = -1;
  std::array<int, 3> best_key{};
  std::uint8_t tied = 0;
  std::uint64_t best_facts = 0;
  bool no_op = false;
  for (size_t i = 0; i < r.extensions.size() && i < in.ext_used.size(); ++i) {
    const ExtensionSpec& x = r.extensions[i];
    const Verdict v = Judge(x, i, in, r, e, ctx);
    if (v.FirstFail() == kCheckCount) {
      if (v.no_op) {  // asks what the clock already has (e.g. the 12 h PSAL25 gives by law)
        no_op = true;
        continue;
      }
      // CPL §158 / CR §148: the request is due "期限届满七日前"; whether day −7 itself is in time is a
      // setting (spec §5, U). A late request is reported; the approval itself still stands.
      const std::int64_t asked_at = e.Get(Attr::kRequestedAt) != kAbsent ? e.Get(Attr::kRequestedAt) : in.stage_request;
      if (x.request_lead_days > 0 && due != kNoTime && asked_at != kAbsent && asked_at != kNoTime &&
          asked_at > RequestDue(due, x.request_lead_days, ctx.catalog.settings)) {
        in.note = ResultNote::kExtensionRequestLate;
        in.note_event = event_index;
        in.note_spec = static_cast<std::int8_t>(i);
      } else if (v.facts_unrecorded && !x.requires_.empty()) {
        in.note = ResultNote::kExtensionFactsMissing;
        in.note_event = event_index;
        in.note_spec = static_cast<std::int8_t>(i);
      }
      if (x.new_limit > 0) {
        in.limit = static_cast<std::int32_t>(v.target);
        in.unit = x.unit.value_or(r.limit.unit);
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
      return true;
    }
    const std::array<int, 3> key = {requested != kAbsent && x.new_limit == requested ? 1 : 0, v.FirstFail(),
                                    v.Passed()};
    if (best < 0 || key > best_key) {
      best = static_cast<int>(i);
      best_key = key;
      tied = static_cast<std::uint8_t>(1u << i);
      best_facts = v.facts_failed;
    } else if (key == best_key) {
      tied |= static_cast<std::uint8_t>(1u << i);
    }
  }
  if (no_op) return false;
  in.note = best >= 0 ? kCheckNote[best_key[1]] : ResultNote::kExtensionMismatch;
  in.note_event = event_index;
  in.note_spec = static_cast<std::int8_t>(best);
  in.note_specs = tied;
  in.failed = best_facts;
  return false;
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
  in.unit = r.limit.unit;
  // Limits set by law under conditions, without approval (PSAL25 §97: 身份不明、涉案人数众多 → 12 h).
  for (size_t i = 0; i < r.limit_when.size(); ++i) {
    if (AllHold(r.limit_when[i].when, e, ctx)) {
      in.limit = r.limit_when[i].value;
      in.limit_case = static_cast<std::int8_t>(i);
      break;
    }
  }
  if (r.limit_from) {
    const std::int64_t v = e.Get(*r.limit_from);
    if (v == kAbsent || v <= 0) {
      in.limit_missing = true;
      in.note = ResultNote::kMissingLimit;
    } else {
      in.limit = static_cast<std::int32_t>(v);
    }
  }
  in.base_limit = in.limit;
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

RuleResult FinishRequest(const Instance& in, const Rule& r, EpochSeconds at, const std::vector<Instance>& all,
                         const Ctx& ctx) {
  RuleResult res;
  res.rule = &r;
  res.person = in.person;
  res.item = in.item;
  res.trigger_event = in.trigger;
  res.closing_event = in.closing;
  res.start = in.start;
  res.limit = Period{in.limit, TimeUnit::kDays};
  if (in.exempt) {
    res.state = RuleState::kNotApplicable;
    res.note = ResultNote::kRequestNotNeeded;
    res.since = in.closed_at;
    return res;
  }
  EpochSeconds due = in.request_due;
  if (due == kNoTime) {
    const Instance& clock = all[in.parent];
    const EpochSeconds clock_due = DueOf(clock, ctx.catalog.rules[clock.rule], ctx);
    if (clock_due != kNoTime) due = RequestDue(clock_due, in.limit, ctx.catalog.settings);
  }
  if (due == kNoTime) {  // the clock is suspended or not started: so is the request's deadline
    res.state = in.closed ? RuleState::kDone : RuleState::kRunning;
    res.since = in.closed ? in.closed_at : in.start;
    return res;
  }
  res.due = due;
  res.pre_warn = ComputePreWarn(due, TimeUnit::kDays, ctx.catalog.settings, r.pre_warn_lead);
  if (in.closed) {
    res.state = in.closed_at <= due ? RuleState::kDone : RuleState::kDoneLate;
    res.since = in.closed_at;
  } else if (at > due) {
    // A request is needed only if the clock must be extended: what a lapse shows is a setting.
    res.note = ResultNote::kRequestLapsed;
    res.since = due;
    switch (ctx.catalog.settings.request_lapse) {
      case RequestLapse::kPreWarn: res.state = RuleState::kPreWarn; break;
      case RequestLapse::kOverdue: res.state = RuleState::kOverdue; break;
      case RequestLapse::kNotApplicable: res.state = RuleState::kNotApplicable; break;
    }
  } else if (at >= res.pre_warn) {
    res.state = RuleState::kPreWarn;
    res.since = res.pre_warn;
  } else {
    res.state = RuleState::kRunning;
    res.since = in.start;
  }
  return res;
}

RuleResult Finish(const Instance& in, const Rule& r, EpochSeconds at, const std::vector<Instance>& all,
                  const Ctx& ctx) {
  if (r.kind == RuleKind::kRequest) return FinishRequest(in, r, at, all, ctx);
  RuleResult res;
  res.rule = &r;
  res.person = in.person;
  res.item = in.item;
  res.trigger_event = in.trigger;
  res.closing_event = in.closing;
  res.note = in.note;
  res.note_event = in.note_event;
  res.note_spec = in.note_spec;
  res.note_specs = in.note_specs;
  res.note_due = in.note_due;
  res.limit_case = in.limit_case;
  res.start = in.start;
  res.limit = Period{in.limit, in.unit};
  if (r.kind == RuleKind::kPresence) {
    res.failed = in.failed;
    res.state = in.failed ? RuleState::kMissing : RuleState::kDone;
    res.since = in.trigger_time;
    return res;
  }
  res.failed = in.failed;
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
  res.pre_warn = ComputePreWarn(due, in.unit, ctx.catalog.settings, r.pre_warn_lead);
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

namespace {

// Scratch buffers reused across calls on the same thread (evaluation is allocation-light).
struct Scratch {
  std::vector<Instance> instances;
  std::vector<std::uint8_t> in_custody, under_cq;
  std::vector<std::int32_t> version_blocked, version_named;
  // Per-rule chains of instances, so each event and the final collection only touch the clocks of
  // the rules concerned.
  std::vector<std::int32_t> head, tail;
  // Clocks whose stage changed at the current event (an extension granted, a restart): they get a
  // new request instance once the event is processed. (parent instance, event)
  std::vector<std::pair<std::int32_t, std::int32_t>> new_stage;
};

// One evaluation: walks the events in order, opening, moving and closing clock instances, then
// turns the instances into results.
class Evaluation {
 public:
  Evaluation(const CaseTimeline& tl, const Catalog& catalog, const Calendar& calendar, Scratch& s)
      : tl_(tl),
        catalog_(catalog),
        s_(s),
        ctx_{tl, catalog, calendar, s.in_custody, s.under_cq},
        indexed_(catalog.request_rule_of.size() == catalog.rules.size()) {
    s_.instances.clear();
    s_.in_custody.assign(tl.persons.size(), 0);
    s_.under_cq.assign(tl.persons.size(), 0);
    s_.version_blocked.assign(catalog.rules.size(), -1);
    s_.version_named.assign(catalog.rules.size(), -1);
    s_.head.assign(catalog.rules.size(), -1);
    s_.tail.assign(catalog.rules.size(), -1);
  }

  void Run(EpochSeconds at, std::vector<RuleResult>& results) {
    for (size_t ei = 0; ei < tl_.events.size(); ++ei) {
      if (tl_.events[ei].time > at) break;  // the timeline as known at `at`
      OnEvent(static_cast<std::int32_t>(ei));
    }
    Collect(at, results);
  }

 private:
  void Link(std::uint16_t rule) {
    const auto k = static_cast<std::int32_t>(s_.instances.size() - 1);
    if (s_.tail[rule] >= 0)
      s_.instances[s_.tail[rule]].next = k;
    else
      s_.head[rule] = k;
    s_.tail[rule] = k;
  }

  // A request instance for the current stage of clock `k`, when an extension with a request lead is
  // still open to it (CRIM-ARREST-02: 提请延长 before each further month).
  void OpenRequest(std::int32_t k, std::int32_t event_index) {
    const Instance& clock = s_.instances[k];
    if (!indexed_) return;
    const std::int32_t req_rule = catalog_.request_rule_of[clock.rule];
    if (req_rule < 0 || clock.closed) return;
    const std::int32_t lead = RequestLead(clock, catalog_.rules[clock.rule], ctx_);
    if (lead <= 0) return;
    Instance rq;
    rq.rule = static_cast<std::uint16_t>(req_rule);
    rq.person = clock.person;
    rq.item = clock.item;
    rq.trigger = event_index;
    rq.trigger_time = tl_.events[event_index].time;
    rq.start = rq.trigger_time;
    rq.limit = lead;
    rq.unit = TimeUnit::kDays;
    rq.parent = k;
    s_.instances.push_back(rq);
    Link(static_cast<std::uint16_t>(req_rule));
    s_.instances[k].request = static_cast<std::int32_t>(s_.instances.size() - 1);
    s_.instances[k].stage_request = kNoTime;
  }

  static void CloseRequest(Instance& rq, EpochSeconds when, std::int32_t event_index, bool exempt) {
    rq.closed = true;
    if (exempt) rq.exempt = true;
    rq.closed_at = when;
    rq.closing = event_index;
  }

  void OnEvent(std::int32_t event_index) {
    const Event& e = tl_.events[event_index];
    s_.new_stage.clear();
    for (const RuleRef& ref : catalog_.by_event[static_cast<int>(e.type)]) {
      const Rule& r = catalog_.rules[ref.rule];
      if (!CaseTypeMatches(r, tl_.case_type)) continue;
      // An extension naming a law version that was never in force for this clock (the engine
      // still evaluates; ParseTimeline with a catalog refuses such input).
      if ((ref.roles & kRoleExtension) && e.rule == r.id && s_.version_blocked[ref.rule] >= 0 &&
          s_.head[ref.rule] < 0 && s_.version_named[ref.rule] < 0)
        s_.version_named[ref.rule] = event_index;
      if (ref.roles & ~kRoleTrigger) {
        for (std::int32_t k = s_.head[ref.rule]; k >= 0; k = s_.instances[k].next) {
          Instance& in = s_.instances[k];
          if (in.closed || !SubjectMatches(r, in, e) || e.time < in.trigger_time) continue;
          ApplyRoles(ref.roles, r, k, e, event_index);
        }
      }
      if (ref.roles & kRoleTrigger) Trigger(ref.rule, r, e, event_index);
    }
    for (const auto& [k, at_event] : s_.new_stage) OpenRequest(k, at_event);
    TrackPerson(e);
  }

  // What event `e` does to the running instance `k` of rule `r`, by the roles it plays for the rule.
  void ApplyRoles(std::uint16_t roles, const Rule& r, std::int32_t k, const Event& e, std::int32_t event_index) {
    Instance& in = s_.instances[k];
    if ((roles & kRoleExtension) && e.type == EventType::kExtensionApproved && r.NamedBy(e.rule)) {
      const EpochSeconds due_before = DueOf(in, r, ctx_);
      if (ApplyExtension(in, r, e, event_index, ctx_)) {
        // The stage the request was for has ended: fix its deadline; a granted extension is
        // proof of a request no later than the approval (or at requested_at).
        if (in.request >= 0) {
          Instance& rq = s_.instances[in.request];
          if (due_before != kNoTime && rq.request_due == kNoTime)
            rq.request_due = RequestDue(due_before, rq.limit, catalog_.settings);
          if (!rq.closed) {
            const std::int64_t asked = e.Get(Attr::kRequestedAt);
            CloseRequest(rq, asked != kAbsent ? asked : e.time, event_index, false);
          }
        }
        s_.new_stage.emplace_back(k, event_index);
      }
    }
    if ((roles & kRoleRequest) && e.type == EventType::kExtensionRequest && r.NamedBy(e.rule)) {
      if (in.stage_request == kNoTime) in.stage_request = e.time;
      if (in.request >= 0 && !s_.instances[in.request].closed)
        CloseRequest(s_.instances[in.request], e.time, event_index, false);
    }
    if ((roles & kRoleExcludeStart) && in.start != kNoTime && in.exclusion_open == kNoTime) {
      const EpochSeconds due = DueOf(in, r, ctx_);
      if (due != kNoTime && e.time <= due) in.exclusion_open = e.time;
    }
    if ((roles & kRoleExcludeEnd) && in.exclusion_open != kNoTime) {
      // §1 convention 5: excluded days = receipt date − commissioning date.
      in.excluded_days += LocalDaysBetween(in.exclusion_open, e.time);
      in.exclusion_open = kNoTime;
    }
    if ((roles & kRoleRestart) && in.start != kNoTime) Restart(k, r, e, event_index);
    if ((roles & (kRoleDefer | kRoleRebase)) && in.waiting_for == e.type) {
      in.start = e.time;
      in.waiting_for.reset();
    }
    if (roles & (kRoleExempt | kRoleStop)) {
      in.closed = true;
      in.closed_at = e.time;
      in.closing = event_index;
      if (roles & kRoleExempt) {
        in.exempt = true;
      } else if (in.exclusion_open != kNoTime) {
        in.excluded_days += LocalDaysBetween(in.exclusion_open, e.time);
        in.exclusion_open = kNoTime;
      }
      // The clock is over: a request to extend it is no longer needed.
      if (in.request >= 0 && !s_.instances[in.request].closed)
        CloseRequest(s_.instances[in.request], e.time, event_index, true);
    }
  }

  // e.g. CRIM-ARREST-02, CPL §160: 另有重要罪行 / 查清身份 → the period restarts.
  void Restart(std::int32_t k, const Rule& r, const Event& e, std::int32_t event_index) {
    Instance& in = s_.instances[k];
    const EpochSeconds due_before = DueOf(in, r, ctx_);
    in.start = e.time;
    in.limit = in.base_limit;
    in.unit = r.limit.unit;
    in.ext_used.fill(0);
    in.excluded_days = 0;
    // The new period gets its own request deadline. A request already made for the old period
    // stays as it was; one not yet made is no longer needed.
    if (in.request >= 0) {
      Instance& rq = s_.instances[in.request];
      if (!rq.closed)
        CloseRequest(rq, e.time, event_index, true);
      else if (due_before != kNoTime && rq.request_due == kNoTime)
        rq.request_due = RequestDue(due_before, rq.limit, catalog_.settings);
    }
    s_.new_stage.emplace_back(k, event_index);
  }

  void Trigger(std::uint16_t rule, const Rule& r, const Event& e, std::int32_t event_index) {
    if (!AllHold(r.when, e, ctx_)) return;
    if (!InForce(r, e.time)) {
      // Law version by the date of the act (e.g. PSAL12 vs PSAL25, switch 2026-01-01).
      if (s_.version_blocked[rule] < 0) s_.version_blocked[rule] = event_index;
      return;
    }
    StartInstance(s_.instances, rule, r, e, event_index, ctx_);
    Link(rule);
    if (r.kind == RuleKind::kDeadline) OpenRequest(static_cast<std::int32_t>(s_.instances.size() - 1), event_index);
  }

  // Person states for later events: in the 看守所 (CRIM-INT-01: questioning happens there), under
  // 继续盘问 (CQ §10: special persons).
  void TrackPerson(const Event& e) {
    if (e.person < 0) return;
    switch (e.type) {
      case EventType::kCustodyAdmit: s_.in_custody[e.person] = 1; break;
      case EventType::kCqStart: s_.under_cq[e.person] = 1; break;
      case EventType::kRelease:
      case EventType::kBail:
      case EventType::kResidentialSurveillance:
        s_.in_custody[e.person] = 0;
        s_.under_cq[e.person] = 0;
        break;
      case EventType::kDetain:
      case EventType::kArrest:
      case EventType::kAdminDetentionExecute: s_.under_cq[e.person] = 0; break;
      default: break;
    }
  }

  void Collect(EpochSeconds at, std::vector<RuleResult>& results) const {
    results.clear();
    results.reserve(catalog_.rules.size() + s_.instances.size());
    for (size_t ri = 0; ri < catalog_.rules.size(); ++ri) {
      const Rule& r = catalog_.rules[ri];
      if (!r.enabled || r.kind == RuleKind::kReference) continue;
      if (!CaseTypeMatches(r, tl_.case_type)) {
        RuleResult res;
        res.rule = &r;
        res.state = RuleState::kNotApplicable;
        res.note = ResultNote::kCaseTypeMismatch;
        results.push_back(res);
        continue;
      }
      if (s_.head[ri] >= 0) {
        for (std::int32_t k = s_.head[ri]; k >= 0; k = s_.instances[k].next)
          results.push_back(Finish(s_.instances[k], r, at, s_.instances, ctx_));
        continue;
      }
      results.push_back(Unstarted(r, ri));
    }
  }

  // A rule none of whose clocks started: not applicable when its law version was not in force.
  RuleResult Unstarted(const Rule& r, size_t ri) const {
    RuleResult res;
    res.rule = &r;
    // A request rule follows its clock's law version.
    const std::int32_t blocked = r.kind == RuleKind::kRequest && r.request_parent >= 0
                                     ? s_.version_blocked[r.request_parent]
                                     : s_.version_blocked[ri];
    if (blocked >= 0) {
      res.state = RuleState::kNotApplicable;
      res.note = ResultNote::kVersionNotInForce;
      res.trigger_event = blocked;
      if (s_.version_named[ri] >= 0) {
        res.note = ResultNote::kExtensionWrongVersion;
        res.note_event = s_.version_named[ri];
      }
    }
    return res;
  }

  const CaseTimeline& tl_;
  const Catalog& catalog_;
  Scratch& s_;
  const Ctx ctx_;
  const bool indexed_;
};

}  // namespace

void Evaluate(const CaseTimeline& tl, EpochSeconds at, const Catalog& catalog, const Calendar& calendar,
              std::vector<RuleResult>& results) {
  thread_local Scratch scratch;
  Evaluation(tl, catalog, calendar, scratch).Run(at, results);
}

namespace {

// "A、B或C" (quoted with “” when `quote`).
std::string JoinOr(const std::vector<std::string_view>& items, bool quote) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? "或" : "、";
    out += quote ? fmt::format("“{}”", items[i]) : std::string(items[i]);
  }
  return out;
}

std::string_view CountZh(std::int32_t n) {
  static constexpr std::string_view kZh[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
  return n >= 0 && n <= 10 ? kZh[n] : std::string_view();
}

// Police approver levels roughly ordered by rank; procuratorates are another hierarchy.
int ApproverRank(std::int64_t level) {
  static constexpr int kRank[] = {1, 2, 2, 2, 3, 10, 11};
  return level >= 0 && level < static_cast<std::int64_t>(std::size(kRank)) ? kRank[level] : 0;
}

// Why an extension was refused (or flagged), naming the condition.
std::string ExtensionNote(const RuleResult& res, const CaseTimeline& tl) {
  const Rule& r = *res.rule;
  const Event& ev = tl.events[res.note_event];
  const std::string& id = ev.id;
  const ExtensionSpec* x = res.note_spec >= 0 && static_cast<size_t>(res.note_spec) < r.extensions.size()
                               ? &r.extensions[res.note_spec]
                               : nullptr;
  // The allowed values of every extension equally close to the event (its union).
  auto allowed = [&](auto member, std::span<const VocabEntry> vocab) {
    std::vector<std::int8_t> ids;
    for (size_t i = 0; i < r.extensions.size(); ++i) {
      if (!((res.note_specs >> i) & 1u) && static_cast<int>(i) != res.note_spec) continue;
      for (std::int8_t v : r.extensions[i].*member)
        if (std::find(ids.begin(), ids.end(), v) == ids.end()) ids.push_back(v);
    }
    std::vector<std::string_view> names;
    for (std::int8_t v : ids) names.push_back(vocab[v].name_zh);
    return names;
  };
  auto recorded = [&](Attr a, std::span<const VocabEntry> vocab) -> std::string {
    const std::int64_t v = ev.Get(a);
    return v == kAbsent ? std::string("未记录") : fmt::format("记录为{}", vocab[static_cast<size_t>(v)].name_zh);
  };
  auto labels = [&](std::uint64_t bits) {
    std::string out;
    for (size_t i = 0; x && i < x->requires_.size(); ++i)
      if ((bits >> i) & 1u) out += (out.empty() ? "" : "；") + x->requires_[i].label;
    return out;
  };
  const std::string facts = x && !x->facts_label.empty() ? x->facts_label : "所需事实";
  switch (res.note) {
    case ResultNote::kExtensionLate:
      return fmt::format("；延长审批 {} 晚于当时期限{}，不予认可（须在期限届满前批准）", id,
                         res.note_due == kNoTime ? std::string() : " " + FormatLocalDateTime(res.note_due));
    case ResultNote::kExtensionRequestLate:
      return fmt::format("；延长审批 {} 的申请未在期限届满{}日前提出", id, x ? x->request_lead_days : 0);
    case ResultNote::kExtensionMismatch:
      return fmt::format("；延长审批 {} 的审批层级、依据或阶段不符合规定，不予认可", id);
    case ResultNote::kExtensionTrigger:
      return fmt::format("；延长审批 {} 不予认可：{}不适用于{}开始的期限", id, x ? x->name : r.name,
                         EventTypeName(tl.events[res.trigger_event].type));
    case ResultNote::kExtensionStage:
      return fmt::format("；延长审批 {} 不予认可：{}只能在期限为{}{}时批准，当前期限为{}{}（不得越级延长）", id,
                         x ? x->name : r.name, x && x->from_limit ? *x->from_limit : 0, TimeUnitZh(r.limit.unit),
                         res.limit.value, TimeUnitZh(res.limit.unit));
    case ResultNote::kExtensionTooMany: {
      const std::int32_t n = x ? x->max_times : 0;
      return fmt::format("；延长审批 {} 不予认可：延长以{}次为限（{}）", id,
                         CountZh(n).empty() ? fmt::format("{}", n) : std::string(CountZh(n)), x ? x->name : r.name);
    }
    case ResultNote::kExtensionApprover: {
      const std::int64_t level = ev.Get(Attr::kApproverLevel);
      bool lower = level != kAbsent;
      if (x)
        for (std::int8_t a : x->approver_levels)
          lower =
              lower && (ApproverRank(level) < 10) == (ApproverRank(a) < 10) && ApproverRank(level) < ApproverRank(a);
      return fmt::format("；延长审批 {} 的审批层级{}：应由{}批准，{}，不予认可", id,
                         level == kAbsent ? "未记录"
                         : lower          ? "不足"
                                          : "不符",
                         JoinOr(allowed(&ExtensionSpec::approver_levels, ApproverLevels()), false),
                         recorded(Attr::kApproverLevel, ApproverLevels()));
    }
    case ResultNote::kExtensionBasis:
      return fmt::format("；延长审批 {} 的依据不符：应为{}，{}，不予认可", id,
                         JoinOr(allowed(&ExtensionSpec::bases, Bases()), true), [&] {
                           const std::int64_t b = ev.Get(Attr::kBasis);
                           return b == kAbsent ? std::string("未记录依据")
                                               : fmt::format("记录为“{}”", Bases()[static_cast<size_t>(b)].name_zh);
                         }());
    case ResultNote::kExtensionFacts: {
      bool unrecorded = true;
      for (int a = 0; x && a < kAttrCount && unrecorded; ++a)
        unrecorded = !(((x->facts_attrs >> a) & 1u) && ev.attrs[a] != kAbsent);
      if (unrecorded)
        return fmt::format("；延长审批 {} 未记录{}（{}），不予认可", id, facts, labels(~std::uint64_t{0}));
      return fmt::format("；延长审批 {} 所记录的{}不符合条件（{}），不予认可", id, facts, labels(res.failed));
    }
    case ResultNote::kExtensionLimit: {
      const std::int64_t asked = ev.Get(Attr::kNewLimit);
      const TimeUnit unit = x && x->unit ? *x->unit : r.limit.unit;
      if (x && asked != kAbsent && asked > x->new_limit)
        return fmt::format("；延长审批 {} 不予认可：申请的期限{}{}超过{}允许的{}{}", id, asked, TimeUnitZh(unit),
                           x->name, x->new_limit, TimeUnitZh(unit));
      return fmt::format("；延长审批 {} 不予认可：申请的期限不长于当前期限{}{}", id, res.limit.value,
                         TimeUnitZh(res.limit.unit));
    }
    case ResultNote::kExtensionFactsMissing:
      return fmt::format("；延长审批 {} 未记录{}（{}），请补录", id, facts, labels(~std::uint64_t{0}));
    case ResultNote::kExtensionWrongVersion:
      return fmt::format("；延长审批 {} 所指的法律版本与行为日期不符，未计入{}", id,
                         r.spec_id.empty() ? std::string() : fmt::format("（请改写为规范编号 {}）", r.spec_id));
    default: return std::string();
  }
}

}  // namespace

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
  // A limit set by law under conditions (limit_when) says which.
  const std::string by_law = res.limit_case >= 0 && static_cast<size_t>(res.limit_case) < r.limit_when.size() &&
                                     !r.limit_when[res.limit_case].label.empty()
                                 ? fmt::format("（{}）", r.limit_when[res.limit_case].label)
                                 : std::string();
  std::string msg;
  switch (res.state) {
    case RuleState::kNotStarted: msg = fmt::format("未开始：{}，尚无触发事件", r.name); break;
    case RuleState::kRunning:
      if (res.note == ResultNote::kSuspended)
        msg = fmt::format("计时中止：{}{}，鉴定/听证期间不计入期限", r.name, who);
      else if (res.note == ResultNote::kAwaitingStart)
        msg = fmt::format("待起算：{}{}，期限自{}起计算", r.name, who,
                          res.rule->defer_event ? EventTypeName(*res.rule->defer_event) : "后续事件");
      else if (res.due == kNoTime)
        msg = fmt::format("计时中：{}{}，期限待定", r.name, who);
      else
        msg = fmt::format("计时中：{}{}，期限 {}{}", r.name, who, due, by_law);
      break;
    case RuleState::kPreWarn:
      if (res.note == ResultNote::kRequestLapsed)
        msg = fmt::format("预警：{}{}的期限 {} 已过，尚未提请延长", r.name, who, due);
      else
        msg = fmt::format("预警：{}{}即将到期，期限 {}{}", r.name, who, due, by_law);
      break;
    case RuleState::kOverdue:
      if (res.note == ResultNote::kRequestLapsed)
        msg = fmt::format("告警：{}{}的期限 {} 已过，尚未提请延长", r.name, who, due);
      else
        msg = fmt::format("告警：{}{}已超期，期限 {}{}，尚未办理", r.name, who, due, by_law);
      break;
    case RuleState::kDoneLate:
      msg = fmt::format("超期办结：{}{}，期限 {}{}，实际 {}", r.name, who, due, by_law, FormatLocalDateTime(res.since));
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
        case ResultNote::kVersionNotInForce:
        case ResultNote::kExtensionWrongVersion:
          msg = fmt::format("不适用：{}所依据的法律版本在行为日期不适用", r.name);
          break;
        case ResultNote::kExempted:
          msg = fmt::format("不适用：{}{}，已记录免除事由{}", r.name, who,
                            res.closing_event >= 0
                                ? fmt::format("（{}）", EventTypeName(tl.events[res.closing_event].type))
                                : std::string());
          break;
        case ResultNote::kRequestNotNeeded:
          msg = fmt::format("不适用：{}{}，{}后无需按原期限提请延长", r.name, who,
                            res.closing_event >= 0 ? EventTypeName(tl.events[res.closing_event].type) : "期限结束");
          break;
        case ResultNote::kRequestLapsed:
          msg = fmt::format("不适用：{}{}的期限 {} 已过，未提请延长", r.name, who, due);
          break;
        default: msg = fmt::format("不适用：{}", r.name); break;
      }
      break;
  }
  if (res.note_event >= 0 && res.note_event < static_cast<std::int32_t>(tl.events.size()))
    msg += ExtensionNote(res, tl);
  return msg;
}

}  // namespace fazhi::supervision
