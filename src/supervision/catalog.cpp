#include "supervision/catalog.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "supervision/embedded_data.h"

namespace fazhi::supervision {

std::string_view CaseTypeId(CaseType t) {
  switch (t) {
    case CaseType::kCriminal: return "criminal";
    case CaseType::kAdministrative: return "administrative";
    case CaseType::kAny: return "any";
  }
  return "any";
}

namespace {

using nlohmann::json;

constexpr std::string_view kPersonFieldIds[] = {
    "age", "female", "pregnant", "nursing_infant", "identity_unknown", "vulnerable", "in_custody", "role", "under_cq"};
constexpr std::string_view kCaseFieldIds[] = {"serious", "fast_track", "many_people"};
static_assert(std::size(kPersonFieldIds) == static_cast<std::size_t>(PersonField::kCount));
static_assert(std::size(kCaseFieldIds) == static_cast<std::size_t>(CaseField::kCount));

enum class ValueKind { kInt, kBool, kTime, kClock, kLocation, kApprover, kBasis, kRole, kReleaseMode, kText };

ValueKind KindOf(FieldRef f) {
  switch (f.source) {
    case FieldSource::kCase: return ValueKind::kBool;
    case FieldSource::kPerson:
      if (f.index == static_cast<int>(PersonField::kAge)) return ValueKind::kInt;
      if (f.index == static_cast<int>(PersonField::kRole)) return ValueKind::kRole;
      return ValueKind::kBool;
    case FieldSource::kEvent: break;
  }
  if (f.index == kEventTimeField) return ValueKind::kTime;
  if (f.index == kEventTimeOfDayField) return ValueKind::kClock;
  switch (static_cast<Attr>(f.index)) {
    case Attr::kEnd:
    case Attr::kAvStart:
    case Attr::kAvEnd:
    case Attr::kRequestedAt: return ValueKind::kTime;
    case Attr::kOfficers:
    case Attr::kNewLimit:
    case Attr::kDays:
    case Attr::kOffences:
    case Attr::kGangSize: return ValueKind::kInt;
    case Attr::kLocation: return ValueKind::kLocation;
    case Attr::kReleaseMode: return ValueKind::kReleaseMode;
    case Attr::kApproverLevel: return ValueKind::kApprover;
    case Attr::kBasis: return ValueKind::kBasis;
    case Attr::kPerson:
    case Attr::kItem:
    case Attr::kRule:
    case Attr::kNote:
    case Attr::kActor: return ValueKind::kText;
    default: return ValueKind::kBool;
  }
}

// Error collector scoped to one rule: messages name the rule id and the field.
class RuleCtx {
 public:
  RuleCtx(std::string_view source, std::string path, std::string rule_id)
      : source_(source), path_(std::move(path)), rule_id_(std::move(rule_id)) {}
  std::unexpected<Error> Fail(std::string_view field, std::string_view what) const {
    return Invalid(fmt::format("{}：规则 {} 的字段“{}”{}", source_, rule_id_, field, what),
                   fmt::format("{}.{}", path_, field), "invalid_catalog");
  }

 private:
  std::string_view source_;
  std::string path_;
  std::string rule_id_;
};

Result<std::vector<EventType>> EventList(const json& obj, const char* key, const RuleCtx& ctx, bool required) {
  std::vector<EventType> out;
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) return ctx.Fail(key, "缺失");
    return out;
  }
  if (!it->is_array()) return ctx.Fail(key, "必须是事件类型数组");
  for (const auto& v : *it) {
    if (!v.is_string()) return ctx.Fail(key, "的每一项必须是事件类型标识");
    auto t = EventTypeFromId(v.get<std::string>());
    if (!t) return ctx.Fail(key, fmt::format("含有不认识的事件类型“{}”", v.get<std::string>()));
    out.push_back(*t);
  }
  if (required && out.empty()) return ctx.Fail(key, "不能为空");
  return out;
}

Result<FieldRef> ParseFieldRef(const std::string& text, const RuleCtx& ctx, std::string_view where) {
  const auto dot = text.find('.');
  const std::string head = text.substr(0, dot == std::string::npos ? 0 : dot);
  const std::string tail = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (head == "event") {
    if (tail == "time") return FieldRef{FieldSource::kEvent, kEventTimeField};
    if (tail == "time_of_day") return FieldRef{FieldSource::kEvent, kEventTimeOfDayField};
    if (auto a = AttrFromId(tail)) return FieldRef{FieldSource::kEvent, static_cast<std::uint8_t>(*a)};
  } else if (head == "person") {
    for (size_t i = 0; i < std::size(kPersonFieldIds); ++i)
      if (kPersonFieldIds[i] == tail) return FieldRef{FieldSource::kPerson, static_cast<std::uint8_t>(i)};
  } else if (head == "case") {
    for (size_t i = 0; i < std::size(kCaseFieldIds); ++i)
      if (kCaseFieldIds[i] == tail) return FieldRef{FieldSource::kCase, static_cast<std::uint8_t>(i)};
  }
  return ctx.Fail(where, fmt::format("引用了不认识的数据项“{}”", text));
}

Result<std::int64_t> ParseValue(const json& v, ValueKind kind, const RuleCtx& ctx, std::string_view where) {
  auto from_list = [&](std::span<const VocabEntry> list, const char* what) -> Result<std::int64_t> {
    if (!v.is_string()) return ctx.Fail(where, fmt::format("的值必须是{}标识", what));
    int i = VocabIndex(list, v.get<std::string>());
    if (i < 0) return ctx.Fail(where, fmt::format("的值“{}”不是已知的{}", v.get<std::string>(), what));
    return i;
  };
  switch (kind) {
    case ValueKind::kInt:
      if (!v.is_number_integer()) return ctx.Fail(where, "的值必须是整数");
      return v.get<std::int64_t>();
    case ValueKind::kBool:
      if (!v.is_boolean()) return ctx.Fail(where, "的值必须是 true 或 false");
      return v.get<bool>() ? 1 : 0;
    case ValueKind::kLocation: return from_list(Locations(), "地点");
    case ValueKind::kApprover: return from_list(ApproverLevels(), "审批人层级");
    case ValueKind::kBasis: return from_list(Bases(), "依据");
    case ValueKind::kRole: return from_list(PersonRoles(), "人员角色");
    case ValueKind::kReleaseMode: return from_list(ReleaseModes(), "离开方式");
    case ValueKind::kClock: {
      // "HH:MM" or "HH:MM:SS", local time of day.
      const std::string t = v.is_string() ? v.get<std::string>() : std::string();
      const auto digit = [&](size_t i) { return std::isdigit(static_cast<unsigned char>(t[i])) != 0; };
      const bool ok = (t.size() == 5 || (t.size() == 8 && t[5] == ':' && digit(6) && digit(7))) && t[2] == ':' &&
                      digit(0) && digit(1) && digit(3) && digit(4);
      const int hh = ok ? (t[0] - '0') * 10 + (t[1] - '0') : -1;
      const int mm = ok ? (t[3] - '0') * 10 + (t[4] - '0') : -1;
      const int ss = ok && t.size() == 8 ? (t[6] - '0') * 10 + (t[7] - '0') : 0;
      if (!ok || hh > 23 || mm > 59 || ss > 59) return ctx.Fail(where, "的值必须是一天中的时刻“HH:MM”或“HH:MM:SS”");
      return std::int64_t{hh} * 3600 + mm * 60 + ss;
    }
    case ValueKind::kTime:
    case ValueKind::kText: break;
  }
  return ctx.Fail(where, "不能与常量比较（请用 ref 引用另一时间字段，或用 present/absent）");
}

Result<Condition> ParseCondition(const json& c, const RuleCtx& ctx, const std::string& where) {
  if (!c.is_object()) return ctx.Fail(where, "必须是条件对象");
  Condition out;
  for (auto it = c.begin(); it != c.end(); ++it) {
    static const std::set<std::string> kKnown = {"field", "op", "value", "ref", "any", "label"};
    if (!kKnown.contains(it.key())) return ctx.Fail(where, fmt::format("含有不认识的字段“{}”", it.key()));
  }
  if (auto l = c.find("label"); l != c.end()) {
    if (!l->is_string()) return ctx.Fail(where, "的 label 必须是文本");
    out.label = l->get<std::string>();
  }
  if (auto any = c.find("any"); any != c.end()) {
    if (!any->is_array() || any->empty()) return ctx.Fail(where, "的 any 必须是非空条件数组");
    if (c.contains("field") || c.contains("op")) return ctx.Fail(where, "不能同时有 any 和 field/op");
    for (size_t i = 0; i < any->size(); ++i) {
      auto sub = ParseCondition((*any)[i], ctx, fmt::format("{}.any[{}]", where, i));
      if (!sub) return std::unexpected(sub.error());
      out.any.push_back(*std::move(sub));
    }
    return out;
  }
  auto f = c.find("field");
  if (f == c.end() || !f->is_string()) return ctx.Fail(where, "缺少 field");
  auto field = ParseFieldRef(f->get<std::string>(), ctx, where);
  if (!field) return std::unexpected(field.error());
  out.field = *field;
  auto o = c.find("op");
  if (o == c.end() || !o->is_string()) return ctx.Fail(where, "缺少 op");
  static const std::pair<std::string_view, Op> kOps[] = {
      {"eq", Op::kEq}, {"ne", Op::kNe}, {"lt", Op::kLt},           {"le", Op::kLe},        {"gt", Op::kGt},
      {"ge", Op::kGe}, {"in", Op::kIn}, {"present", Op::kPresent}, {"absent", Op::kAbsent}};
  const std::string op = o->get<std::string>();
  auto op_it = std::find_if(std::begin(kOps), std::end(kOps), [&](const auto& p) { return p.first == op; });
  if (op_it == std::end(kOps)) return ctx.Fail(where, fmt::format("的 op“{}”无效", op));
  out.op = op_it->second;
  const ValueKind kind = KindOf(out.field);
  if (out.op == Op::kPresent || out.op == Op::kAbsent) {
    if (c.contains("value") || c.contains("ref")) return ctx.Fail(where, "的 present/absent 不需要 value");
    return out;
  }
  if (auto r = c.find("ref"); r != c.end()) {
    if (!r->is_string()) return ctx.Fail(where, "的 ref 必须是数据项名称");
    auto ref = ParseFieldRef(r->get<std::string>(), ctx, where);
    if (!ref) return std::unexpected(ref.error());
    if (KindOf(*ref) != kind) return ctx.Fail(where, "的 field 与 ref 类型不同");
    if (out.op == Op::kIn) return ctx.Fail(where, "的 in 不能与 ref 同用");
    out.ref = *ref;
    return out;
  }
  auto v = c.find("value");
  if (v == c.end()) return ctx.Fail(where, "缺少 value");
  if (out.op == Op::kIn) {
    if (!v->is_array() || v->empty()) return ctx.Fail(where, "的 in 需要非空数组");
    for (const auto& item : *v) {
      auto parsed = ParseValue(item, kind, ctx, where);
      if (!parsed) return std::unexpected(parsed.error());
      out.in.push_back(*parsed);
    }
    return out;
  }
  auto parsed = ParseValue(*v, kind, ctx, where);
  if (!parsed) return std::unexpected(parsed.error());
  out.value = *parsed;
  return out;
}

// `prefix` places the list inside the rule ("extensions[1]." → "extensions[1].requires[0]").
Result<std::vector<Condition>> Conditions(const json& obj, const char* key, const RuleCtx& ctx,
                                          std::string_view prefix = "") {
  std::vector<Condition> out;
  auto it = obj.find(key);
  if (it == obj.end()) return out;
  if (!it->is_array()) return ctx.Fail(fmt::format("{}{}", prefix, key), "必须是条件数组");
  for (size_t i = 0; i < it->size(); ++i) {
    auto c = ParseCondition((*it)[i], ctx, fmt::format("{}{}[{}]", prefix, key, i));
    if (!c) return std::unexpected(c.error());
    out.push_back(*std::move(c));
  }
  return out;
}

Result<Period> ParsePeriod(const json& v, const RuleCtx& ctx, const char* key, std::optional<Attr>* from_attr) {
  if (!v.is_object()) return ctx.Fail(key, "必须是 {\"value\": 数字, \"unit\": \"hours|days|months\"}");
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it.key() != "value" && it.key() != "unit" && !(from_attr && it.key() == "from_attr"))
      return ctx.Fail(key, fmt::format("含有不认识的字段“{}”", it.key()));
  Period p;
  auto u = v.find("unit");
  if (u == v.end() || !u->is_string()) return ctx.Fail(key, "缺少 unit（hours/days/months）");
  auto unit = TimeUnitFromId(u->get<std::string>());
  if (!unit) return ctx.Fail(key, fmt::format("的 unit“{}”无效，应为 hours、days 或 months", u->get<std::string>()));
  p.unit = *unit;
  if (from_attr) {
    if (auto fa = v.find("from_attr"); fa != v.end()) {
      auto a = fa->is_string() ? AttrFromId(fa->get<std::string>()) : std::nullopt;
      if (!a || KindOf({FieldSource::kEvent, static_cast<std::uint8_t>(*a)}) != ValueKind::kInt)
        return ctx.Fail(key, "的 from_attr 必须是整数型事件属性（如 days）");
      if (v.contains("value")) return ctx.Fail(key, "不能同时有 value 和 from_attr");
      *from_attr = *a;
      return p;
    }
  }
  auto val = v.find("value");
  if (val == v.end() || !val->is_number_integer()) return ctx.Fail(key, "的 value 必须是正整数");
  const auto n = val->get<std::int64_t>();
  if (n <= 0 || n > 10000) return ctx.Fail(key, fmt::format("的 value {} 超出范围（1..10000）", n));
  p.value = static_cast<std::int32_t>(n);
  return p;
}

// Event attributes a list of conditions reads (bit set of Attr).
std::uint64_t EventAttrsRead(const std::vector<Condition>& conds) {
  std::uint64_t bits = 0;
  for (const auto& c : conds) {
    bits |= EventAttrsRead(c.any);
    for (const FieldRef* f : {&c.field, c.ref ? &*c.ref : nullptr})
      if (f && f->source == FieldSource::kEvent && f->index < kAttrCount) bits |= std::uint64_t{1} << f->index;
  }
  return bits;
}

Result<std::vector<std::int8_t>> VocabList(const json& obj, const char* key, std::span<const VocabEntry> list,
                                           const RuleCtx& ctx, const std::string& where) {
  std::vector<std::int8_t> out;
  auto it = obj.find(key);
  if (it == obj.end()) return out;
  if (!it->is_array()) return ctx.Fail(where, fmt::format("的 {} 必须是数组", key));
  for (const auto& v : *it) {
    const int i = v.is_string() ? VocabIndex(list, v.get<std::string>()) : -1;
    if (i < 0) return ctx.Fail(where, fmt::format("的 {} 含有不认识的值 {}", key, v.dump()));
    out.push_back(static_cast<std::int8_t>(i));
  }
  return out;
}

Result<ExtensionSpec> ParseExtension(const json& e, const RuleCtx& ctx, const std::string& where, const Rule& rule) {
  if (!e.is_object()) return ctx.Fail(where, "必须是对象");
  static const std::set<std::string> kKnown = {
      "name",      "approver_levels",   "bases", "for_triggers", "from_limit", "new_limit", "add", "max_times",
      "rebase_on", "request_lead_days", "unit",  "requires",     "facts_label"};
  for (auto it = e.begin(); it != e.end(); ++it)
    if (!kKnown.contains(it.key())) return ctx.Fail(where, fmt::format("含有不认识的字段“{}”", it.key()));
  ExtensionSpec x;
  if (auto n = e.find("name"); n != e.end() && n->is_string()) x.name = n->get<std::string>();
  if (x.name.empty()) return ctx.Fail(where, "缺少中文名称 name");
  auto approvers = VocabList(e, "approver_levels", ApproverLevels(), ctx, where);
  if (!approvers) return std::unexpected(approvers.error());
  x.approver_levels = *approvers;
  auto bases = VocabList(e, "bases", Bases(), ctx, where);
  if (!bases) return std::unexpected(bases.error());
  x.bases = *bases;
  auto triggers = EventList(e, "for_triggers", ctx, false);
  if (!triggers) return ctx.Fail(where, triggers.error().message);
  for (EventType t : *triggers)
    if (std::find(rule.triggers.begin(), rule.triggers.end(), t) == rule.triggers.end())
      return ctx.Fail(where, fmt::format("的 for_triggers 含有不是本规则触发事件的“{}”", EventTypeId(t)));
  x.for_triggers = *triggers;
  auto int_member = [&](const char* key, std::int32_t lo, std::int32_t hi) -> Result<std::optional<std::int32_t>> {
    auto it = e.find(key);
    if (it == e.end()) return std::optional<std::int32_t>{};
    if (!it->is_number_integer() || it->get<std::int64_t>() < lo || it->get<std::int64_t>() > hi)
      return ctx.Fail(where, fmt::format("的 {} 必须是 {} 到 {} 之间的整数", key, lo, hi));
    return std::optional<std::int32_t>(static_cast<std::int32_t>(it->get<std::int64_t>()));
  };
  auto from = int_member("from_limit", 1, 10000);
  auto set = int_member("new_limit", 1, 10000);
  auto add = int_member("add", 1, 10000);
  auto times = int_member("max_times", 1, 100);
  auto lead = int_member("request_lead_days", 1, 366);
  for (auto* r : {&from, &set, &add, &times, &lead})
    if (!*r) return std::unexpected(r->error());
  x.from_limit = *from;
  x.new_limit = set->value_or(0);
  x.add = add->value_or(0);
  x.max_times = times->value_or(1);
  x.request_lead_days = lead->value_or(0);
  if (auto rb = e.find("rebase_on"); rb != e.end()) {
    auto t = rb->is_string() ? EventTypeFromId(rb->get<std::string>()) : std::nullopt;
    if (!t) return ctx.Fail(where, fmt::format("的 rebase_on 不是已知事件类型：{}", rb->dump()));
    x.rebase_on = *t;
  }
  const int modes = (x.new_limit > 0) + (x.add > 0) + x.rebase_on.has_value();
  if (modes != 1) return ctx.Fail(where, "必须且只能有 new_limit、add、rebase_on 之一");
  if (auto u = e.find("unit"); u != e.end()) {
    auto unit = u->is_string() ? TimeUnitFromId(u->get<std::string>()) : std::nullopt;
    if (!unit) return ctx.Fail(where, fmt::format("的 unit {} 无效，应为 hours、days 或 months", u->dump()));
    if (x.new_limit == 0) return ctx.Fail(where, "的 unit 只能与 new_limit 同用");
    if (*unit != rule.limit.unit) x.unit = *unit;
  }
  const TimeUnit unit = x.unit.value_or(rule.limit.unit);
  if (x.new_limit > 0 && !rule.limit_from &&
      ApproxHours(x.new_limit, unit) <= ApproxHours(rule.limit.value, rule.limit.unit))
    return ctx.Fail(where, fmt::format("的 new_limit {}{} 不长于基本期限 {}{}", x.new_limit, TimeUnitZh(unit),
                                       rule.limit.value, TimeUnitZh(rule.limit.unit)));
  auto facts = Conditions(e, "requires", ctx, where + ".");
  if (!facts) return std::unexpected(facts.error());
  x.requires_ = *std::move(facts);
  for (size_t i = 0; i < x.requires_.size(); ++i)
    if (x.requires_[i].label.empty()) return ctx.Fail(fmt::format("{}.requires[{}]", where, i), "缺少中文说明 label");
  if (x.requires_.size() > 64) return ctx.Fail(where, "的 requires 最多 64 项");
  x.facts_attrs = EventAttrsRead(x.requires_);
  if (auto fl = e.find("facts_label"); fl != e.end()) {
    if (!fl->is_string() || fl->get<std::string>().empty()) return ctx.Fail(where, "的 facts_label 必须是非空文本");
    x.facts_label = fl->get<std::string>();
  }
  return x;
}

// Name, legal basis, kind, case type, status, scope, enabled.
Result<void> ParseRuleBasics(const json& r, const RuleCtx& ctx, Rule& rule) {
  auto text = [&](const char* key, bool required, std::string& out) -> std::optional<Error> {
    auto it = r.find(key);
    if (it == r.end() || (it->is_string() && it->get<std::string>().empty())) {
      if (required) return ctx.Fail(key, "缺失或为空").error();
      return std::nullopt;
    }
    if (!it->is_string()) return ctx.Fail(key, "必须是文本").error();
    out = it->get<std::string>();
    return std::nullopt;
  };
  if (auto e = text("name", true, rule.name)) return std::unexpected(*e);
  if (auto e = text("legal_basis", true, rule.legal_basis)) return std::unexpected(*e);
  if (auto e = text("note", false, rule.note)) return std::unexpected(*e);
  if (auto e = text("spec_id", false, rule.spec_id)) return std::unexpected(*e);
  auto choice = [&](const char* key, std::initializer_list<std::string_view> allowed,
                    int& out) -> std::optional<Error> {
    auto it = r.find(key);
    if (it == r.end() || !it->is_string()) return ctx.Fail(key, "缺失或不是文本").error();
    int i = 0;
    for (auto a : allowed) {
      if (a == it->get<std::string>()) {
        out = i;
        return std::nullopt;
      }
      ++i;
    }
    return ctx.Fail(key, fmt::format("的值“{}”无效", it->get<std::string>())).error();
  };
  int kind = 0, case_type = 0, scope = 0, status = 0;
  if (auto e = choice("kind", {"deadline", "requirement", "presence", "reference", "request"}, kind))
    return std::unexpected(*e);
  if (auto e = choice("case_type", {"criminal", "administrative", "any"}, case_type)) return std::unexpected(*e);
  if (auto e = choice("status", {"V", "S", "U"}, status)) return std::unexpected(*e);
  rule.kind = static_cast<RuleKind>(kind);
  rule.case_type = static_cast<CaseType>(case_type);
  rule.status = static_cast<RuleStatus>(status);
  if (r.contains("scope")) {
    if (auto e = choice("scope", {"case", "person", "item"}, scope)) return std::unexpected(*e);
    rule.scope = static_cast<Scope>(scope);
  }
  auto en = r.find("enabled");
  if (en == r.end() || !en->is_boolean()) return ctx.Fail("enabled", "必须是 true 或 false");
  rule.enabled = en->get<bool>();
  return {};
}

// The events that start, stop, exempt and restart a clock, and its conditions.
Result<void> ParseRuleEvents(const json& r, const RuleCtx& ctx, Rule& rule) {
  const bool evaluated = rule.kind != RuleKind::kReference;
  auto triggers = EventList(r, "trigger", ctx, evaluated);
  if (!triggers) return std::unexpected(triggers.error());
  rule.triggers = *triggers;
  auto stops = EventList(r, "stop", ctx, rule.kind == RuleKind::kDeadline || rule.kind == RuleKind::kRequirement);
  if (!stops) return std::unexpected(stops.error());
  rule.stops = *stops;
  auto exempts = EventList(r, "exempt", ctx, false);
  if (!exempts) return std::unexpected(exempts.error());
  rule.exempts = *exempts;
  auto restarts = EventList(r, "restart", ctx, false);
  if (!restarts) return std::unexpected(restarts.error());
  rule.restarts = *restarts;
  for (EventType t : rule.stops)
    if (std::find(rule.triggers.begin(), rule.triggers.end(), t) != rule.triggers.end())
      return ctx.Fail("stop", fmt::format("的事件“{}”同时是触发事件", EventTypeId(t)));
  auto when = Conditions(r, "when", ctx);
  if (!when) return std::unexpected(when.error());
  rule.when = *std::move(when);
  auto req = Conditions(r, "requires", ctx);
  if (!req) return std::unexpected(req.error());
  rule.requires_ = *std::move(req);
  if (rule.kind == RuleKind::kPresence && rule.requires_.empty())
    return ctx.Fail("requires", "在场类规则必须有要求条件");
  if (rule.kind != RuleKind::kPresence && !rule.requires_.empty()) return ctx.Fail("requires", "只用于 presence 规则");
  if (rule.requires_.size() > 64) return ctx.Fail("requires", "最多 64 项");
  return {};
}

// The period of a deadline rule, fixed or chosen by conditions (limit_when).
Result<void> ParseRuleLimit(const json& r, const RuleCtx& ctx, Rule& rule) {
  if (auto l = r.find("limit"); l != r.end()) {
    if (rule.kind != RuleKind::kDeadline) return ctx.Fail("limit", "只用于 deadline 规则");
    auto p = ParsePeriod(*l, ctx, "limit", &rule.limit_from);
    if (!p) return std::unexpected(p.error());
    rule.limit = *p;
  } else if (rule.kind == RuleKind::kDeadline) {
    return ctx.Fail("limit", "缺失（期限类规则必须有期限）");
  }
  if (auto lw = r.find("limit_when"); lw != r.end()) {
    if (rule.kind != RuleKind::kDeadline || rule.limit_from)
      return ctx.Fail("limit_when", "只用于有固定期限的 deadline 规则");
    if (!lw->is_array() || lw->empty()) return ctx.Fail("limit_when", "必须是非空数组");
    for (size_t i = 0; i < lw->size(); ++i) {
      const json& item = (*lw)[i];
      const std::string where = fmt::format("limit_when[{}]", i);
      if (!item.is_object()) return ctx.Fail(where, "必须是对象（when、value、label）");
      for (auto it = item.begin(); it != item.end(); ++it)
        if (it.key() != "when" && it.key() != "value" && it.key() != "label")
          return ctx.Fail(where, fmt::format("含有不认识的字段“{}”", it.key()));
      LimitCase lc;
      auto conds = Conditions(item, "when", ctx, where + ".");
      if (!conds) return std::unexpected(conds.error());
      lc.when = *std::move(conds);
      if (lc.when.empty()) return ctx.Fail(where, "的 when 不能为空");
      auto v = item.find("value");
      if (v == item.end() || !v->is_number_integer() || v->get<std::int64_t>() < 1 || v->get<std::int64_t>() > 10000)
        return ctx.Fail(where, "的 value 必须是 1 到 10000 之间的整数（单位同 limit）");
      lc.value = static_cast<std::int32_t>(v->get<std::int64_t>());
      if (auto l = item.find("label"); l != item.end()) {
        if (!l->is_string()) return ctx.Fail(where, "的 label 必须是文本");
        lc.label = l->get<std::string>();
      }
      rule.limit_when.push_back(std::move(lc));
    }
  }
  return {};
}

// How the period is counted: holidays, excluded time, extensions, deferred start, pre-warning, law version dates.
Result<void> ParseRuleTiming(const json& r, const RuleCtx& ctx, Rule& rule) {
  if (auto h = r.find("holiday_roll"); h != r.end()) {
    if (!h->is_boolean()) return ctx.Fail("holiday_roll", "必须是 true 或 false");
    rule.holiday_roll = h->get<bool>();
  }
  if (auto x = r.find("exclude"); x != r.end()) {
    if (!x->is_array()) return ctx.Fail("exclude", "必须是数组（appraisal、hearing）");
    for (const auto& v : *x) {
      if (v == "appraisal")
        rule.exclude_appraisal = true;
      else if (v == "hearing")
        rule.exclude_hearing = true;
      else
        return ctx.Fail("exclude", fmt::format("含有不认识的值 {}", v.dump()));
    }
  }
  if (auto xs = r.find("extensions"); xs != r.end()) {
    if (rule.kind != RuleKind::kDeadline) return ctx.Fail("extensions", "只用于 deadline 规则");
    if (!xs->is_array()) return ctx.Fail("extensions", "必须是数组");
    if (xs->size() > kMaxExtensions) return ctx.Fail("extensions", fmt::format("最多 {} 项", kMaxExtensions));
    for (size_t i = 0; i < xs->size(); ++i) {
      auto x = ParseExtension((*xs)[i], ctx, fmt::format("extensions[{}]", i), rule);
      if (!x) return std::unexpected(x.error());
      rule.extensions.push_back(*std::move(x));
    }
  }
  if (auto d = r.find("defer_start"); d != r.end()) {
    if (!d->is_object()) return ctx.Fail("defer_start", "必须是对象 {\"event\":…, \"when\":[…]}");
    for (auto it = d->begin(); it != d->end(); ++it)
      if (it.key() != "event" && it.key() != "when")
        return ctx.Fail("defer_start", fmt::format("含有不认识的字段“{}”", it.key()));
    auto ev = d->find("event");
    auto t = ev != d->end() && ev->is_string() ? EventTypeFromId(ev->get<std::string>()) : std::nullopt;
    if (!t) return ctx.Fail("defer_start", "的 event 不是已知事件类型");
    rule.defer_event = *t;
    auto dw = Conditions(*d, "when", ctx);
    if (!dw) return std::unexpected(dw.error());
    rule.defer_when = *std::move(dw);
  }
  if (auto p = r.find("pre_warn"); p != r.end()) {
    auto lead = ParsePeriod(*p, ctx, "pre_warn", nullptr);
    if (!lead) return std::unexpected(lead.error());
    rule.pre_warn_lead = *lead;
  }
  for (const char* key : {"effective_from", "effective_until"}) {
    auto it = r.find(key);
    if (it == r.end()) continue;
    auto d = it->is_string() ? ParseDate(it->get<std::string>()) : std::nullopt;
    if (!d) return ctx.Fail(key, fmt::format("不是合法日期（YYYY-MM-DD）：{}", it->dump()));
    (std::string_view(key) == "effective_from" ? rule.effective_from : rule.effective_until) = *d;
  }
  if (rule.effective_from && rule.effective_until && *rule.effective_until < *rule.effective_from)
    return ctx.Fail("effective_until", "早于 effective_from");
  return {};
}

Result<Rule> ParseRule(const json& r, size_t index, std::string_view source) {
  const std::string path = fmt::format("rules[{}]", index);
  std::string id = r.is_object() && r.contains("id") && r["id"].is_string() ? r["id"].get<std::string>() : "";
  RuleCtx ctx(source, path, id.empty() ? path : id);
  if (!r.is_object()) return ctx.Fail("-", "必须是对象");
  if (id.empty()) return ctx.Fail("id", "缺失或为空");
  static const std::set<std::string> kKnown = {
      "id",           "name",    "kind",       "case_type",   "scope",      "status",         "enabled",
      "trigger",      "when",    "stop",       "exempt",      "restart",    "requires",       "limit",
      "holiday_roll", "exclude", "extensions", "defer_start", "pre_warn",   "effective_from", "effective_until",
      "legal_basis",  "note",    "spec_id",    "limit_when",  "request_for"};
  for (auto it = r.begin(); it != r.end(); ++it)
    if (!kKnown.contains(it.key())) return ctx.Fail(it.key(), "是不认识的字段");
  Rule rule;
  rule.id = id;
  FZ_CHECK(ParseRuleBasics(r, ctx, rule));

  if (rule.kind == RuleKind::kRequest) {
    // A request clock has no events of its own: it follows the clock of `request_for` (resolved once
    // every rule is read) and the extension_request events naming that rule.
    for (const char* key : {"trigger", "stop", "exempt", "restart", "when", "requires", "limit", "holiday_roll",
                            "exclude", "extensions", "defer_start", "limit_when", "effective_from", "effective_until"})
      if (r.contains(key)) return ctx.Fail(key, "不用于 request 规则（提请期限随 request_for 所指规则的期限计算）");
    auto target = r.find("request_for");
    if (target == r.end() || !target->is_string() || target->get<std::string>().empty())
      return ctx.Fail("request_for", "缺失或为空");
    rule.request_for = target->get<std::string>();
    if (auto p = r.find("pre_warn"); p != r.end()) {
      auto lead = ParsePeriod(*p, ctx, "pre_warn", nullptr);
      if (!lead) return std::unexpected(lead.error());
      rule.pre_warn_lead = *lead;
    }
    rule.limit.unit = TimeUnit::kDays;
    return rule;
  }
  if (r.contains("request_for")) return ctx.Fail("request_for", "只用于 request 规则");
  FZ_CHECK(ParseRuleEvents(r, ctx, rule));
  FZ_CHECK(ParseRuleLimit(r, ctx, rule));
  FZ_CHECK(ParseRuleTiming(r, ctx, rule));
  return rule;
}

// Cross-rule checks once every rule is read: request rules point at a deadline rule with a request
// lead, at most one each; rules an extension may name by the same spec_id never apply to the same
// act (their law versions do not overlap).
std::optional<Error> LinkRules(Catalog& catalog, std::string_view source) {
  auto fail = [&](size_t i, std::string_view field, std::string_view what) {
    return Error{ErrorCode::kInvalidArgument,
                 fmt::format("{}：规则 {} 的字段“{}”{}", source, catalog.rules[i].id, field, what),
                 fmt::format("rules[{}].{}", i, field), "invalid_catalog"};
  };
  std::vector<int> watched(catalog.rules.size(), -1);
  for (size_t i = 0; i < catalog.rules.size(); ++i) {
    Rule& r = catalog.rules[i];
    if (!r.spec_id.empty() && r.spec_id != r.id && catalog.FindRule(r.spec_id) >= 0)
      return fail(i, "spec_id", fmt::format("“{}”与另一条规则的编号相同", r.spec_id));
    if (r.kind != RuleKind::kRequest) continue;
    const int p = catalog.FindRule(r.request_for);
    if (p < 0) return fail(i, "request_for", fmt::format("所指的规则“{}”不存在", r.request_for));
    const Rule& parent = catalog.rules[p];
    const bool lead = std::any_of(parent.extensions.begin(), parent.extensions.end(),
                                  [](const ExtensionSpec& x) { return x.request_lead_days > 0; });
    if (parent.kind != RuleKind::kDeadline || !lead)
      return fail(i, "request_for",
                  fmt::format("所指的规则“{}”没有规定提请期限（request_lead_days）的延长", r.request_for));
    if (watched[p] >= 0)
      return fail(i, "request_for",
                  fmt::format("所指的规则“{}”已由规则 {} 计算提请期限", r.request_for, catalog.rules[watched[p]].id));
    if (r.case_type != parent.case_type) return fail(i, "case_type", "应与 request_for 所指规则相同");
    watched[p] = static_cast<int>(i);
    r.request_parent = p;
    r.scope = parent.scope;
  }
  for (size_t i = 0; i < catalog.rules.size(); ++i) {
    const Rule& a = catalog.rules[i];
    if (a.spec_id.empty() || a.extensions.empty()) continue;
    for (size_t j = i + 1; j < catalog.rules.size(); ++j) {
      const Rule& b = catalog.rules[j];
      if (b.spec_id != a.spec_id || b.extensions.empty()) continue;
      const bool disjoint = (a.effective_until && b.effective_from && *a.effective_until < *b.effective_from) ||
                            (b.effective_until && a.effective_from && *b.effective_until < *a.effective_from);
      if (!disjoint)
        return fail(
            j, "spec_id",
            fmt::format("与规则 {} 相同（“{}”），但两者适用的行为日期重叠，延长审批无法确定版本", a.id, a.spec_id));
    }
  }
  return std::nullopt;
}

}  // namespace

bool InForce(const Rule& r, EpochSeconds act) {
  if (!r.effective_from && !r.effective_until) return true;
  const CivilDate d = LocalDateOf(act);
  if (r.effective_from && d < *r.effective_from) return false;
  if (r.effective_until && d > *r.effective_until) return false;
  return true;
}

void Catalog::BuildIndex() {
  for (auto& v : by_event) v.clear();
  request_rule_of.assign(rules.size(), -1);
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    if (r.enabled && r.kind == RuleKind::kRequest && r.request_parent >= 0 &&
        static_cast<size_t>(r.request_parent) < rules.size())
      request_rule_of[r.request_parent] = static_cast<std::int32_t>(i);
  }
  auto add = [&](EventType t, std::uint16_t rule, std::uint16_t role) {
    auto& refs = by_event[static_cast<int>(t)];
    for (auto& ref : refs) {
      if (ref.rule == rule) {
        ref.roles |= role;
        return;
      }
    }
    refs.push_back({rule, role});
  };
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    if (!r.enabled || r.kind == RuleKind::kReference) continue;
    const auto idx = static_cast<std::uint16_t>(i);
    for (EventType t : r.triggers) add(t, idx, kRoleTrigger);
    for (EventType t : r.stops) add(t, idx, kRoleStop);
    for (EventType t : r.exempts) add(t, idx, kRoleExempt);
    for (EventType t : r.restarts) add(t, idx, kRoleRestart);
    if (r.defer_event) add(*r.defer_event, idx, kRoleDefer);
    for (const auto& x : r.extensions)
      if (x.rebase_on) add(*x.rebase_on, idx, kRoleRebase);
    if (!r.extensions.empty()) add(EventType::kExtensionApproved, idx, kRoleExtension);
    if (request_rule_of[i] >= 0) add(EventType::kExtensionRequest, idx, kRoleRequest);
    if (r.exclude_appraisal) {
      add(EventType::kAppraisalStart, idx, kRoleExcludeStart);
      add(EventType::kAppraisalEnd, idx, kRoleExcludeEnd);
    }
    if (r.exclude_hearing) {
      add(EventType::kHearingStart, idx, kRoleExcludeStart);
      add(EventType::kHearingEnd, idx, kRoleExcludeEnd);
    }
  }
}

int Catalog::FindRule(std::string_view id) const {
  for (size_t i = 0; i < rules.size(); ++i)
    if (rules[i].id == id) return static_cast<int>(i);
  return -1;
}

bool Catalog::Extensible(std::string_view name) const {
  for (const Rule& r : rules)
    if (r.NamedBy(name) && !r.extensions.empty()) return true;
  return false;
}

Result<Catalog> ParseCatalog(std::string_view json_text, std::string_view source) {
  const auto doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return Invalid(fmt::format("{}不是合法的 JSON 对象", source), "", "invalid_catalog");
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (it.key() != "version" && it.key() != "settings" && it.key() != "rules" && it.key() != "description")
      return Invalid(fmt::format("{}含有不认识的字段“{}”", source, it.key()), it.key(), "invalid_catalog");
  Catalog catalog;
  if (auto s = doc.find("settings"); s != doc.end()) {
    if (!s->is_object()) return Invalid(fmt::format("{}的 settings 必须是对象", source), "settings", "invalid_catalog");
    for (auto it = s->begin(); it != s->end(); ++it) {
      const std::string field = "settings." + it.key();
      auto bad = [&](std::string_view what) {
        return Invalid(fmt::format("{}的“{}”{}", source, field, what), field, "invalid_catalog");
      };
      if (it.key() == "request_lead_inclusive" || it.key() == "extension_facts_required") {
        if (!it->is_boolean()) return bad("必须是 true 或 false");
        (it.key() == "request_lead_inclusive" ? catalog.settings.request_lead_inclusive
                                              : catalog.settings.extension_facts_required) = it->get<bool>();
        continue;
      }
      if (it.key() == "request_lapse") {
        if (*it == "pre_warn")
          catalog.settings.request_lapse = RequestLapse::kPreWarn;
        else if (*it == "overdue")
          catalog.settings.request_lapse = RequestLapse::kOverdue;
        else if (*it == "not_applicable")
          catalog.settings.request_lapse = RequestLapse::kNotApplicable;
        else
          return bad("必须是 pre_warn、overdue 或 not_applicable");
        continue;
      }
      if (it.key() == "hour_reading") {
        if (*it == "exact")
          catalog.settings.hour_reading = HourReading::kExact;
        else if (*it == "next_full_hour")
          catalog.settings.hour_reading = HourReading::kNextFullHour;
        else
          return bad("必须是 exact 或 next_full_hour");
        continue;
      }
      std::int32_t* target = it.key() == "pre_warn_hours"        ? &catalog.settings.pre_warn_hours
                             : it.key() == "pre_warn_day_days"   ? &catalog.settings.pre_warn_day_days
                             : it.key() == "pre_warn_month_days" ? &catalog.settings.pre_warn_month_days
                                                                 : nullptr;
      if (!target) return bad("是不认识的设置");
      if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > 366)
        return bad("必须是 0 到 366 之间的整数");
      *target = static_cast<std::int32_t>(it->get<std::int64_t>());
    }
  }
  auto rules = doc.find("rules");
  if (rules == doc.end() || !rules->is_array())
    return Invalid(fmt::format("{}缺少 rules 数组", source), "rules", "invalid_catalog");
  if (rules->size() > 60000) return Invalid(fmt::format("{}规则过多", source), "rules", "invalid_catalog");
  std::set<std::string> ids;
  for (size_t i = 0; i < rules->size(); ++i) {
    auto rule = ParseRule((*rules)[i], i, source);
    if (!rule) return std::unexpected(rule.error());
    if (!ids.insert(rule->id).second)
      return Invalid(fmt::format("{}：规则 {} 重复出现", source, rule->id), fmt::format("rules[{}].id", i),
                     "invalid_catalog");
    catalog.rules.push_back(*std::move(rule));
  }
  if (auto err = LinkRules(catalog, source)) return std::unexpected(*err);
  catalog.BuildIndex();
  return catalog;
}

std::string_view ShippedCatalogJson() { return kEmbeddedCatalogJson; }

const Catalog& ShippedCatalog() {
  static const Catalog catalog = [] {
    auto parsed = ParseCatalog(kEmbeddedCatalogJson, "内置规则目录");
    if (!parsed) {
      // The shipped file is checked by the unit tests; reaching this is a build defect.
      fmt::print(stderr, "内置规则目录无效：{}\n", parsed.error().message);
      std::abort();
    }
    return *std::move(parsed);
  }();
  return catalog;
}

}  // namespace fazhi::supervision
