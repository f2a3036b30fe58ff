#include "supervision/timeline.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_input.h"
#include "core/local_time.h"

namespace fazhi::supervision {
namespace {

using nlohmann::json;

std::string EventLabel(size_t index, const std::string& id) {
  return id.empty() ? fmt::format("第 {} 个事件", index + 1) : fmt::format("第 {} 个事件（{}）", index + 1, id);
}

std::unexpected<Error> EventError(size_t index, const std::string& id, const std::string& key, std::string_view what) {
  return Invalid(fmt::format("{}{}", EventLabel(index, id), what),
                 key.empty() ? fmt::format("events[{}]", index) : fmt::format("events[{}].{}", index, key),
                 "invalid_event");
}

std::optional<EpochSeconds> ParseTime(const json& v) {
  if (!v.is_string()) return std::nullopt;
  return ParseLocalDateTime(v.get<std::string>());
}

Result<Person> ParsePerson(const json& obj, size_t index) {
  JsonInput in = JsonInput::FromJson(obj);
  Person p;
  p.id = in.String("id", "人员编号", {.required = true, .min_chars = 1, .max_chars = 64}).value_or("");
  p.name = in.String("name", "姓名", {.max_chars = 64}).value_or("");
  auto role = in.Enum("role", "人员角色", {"suspect", "victim", "witness", "other"});
  if (role) p.role = static_cast<std::int8_t>(VocabIndex(PersonRoles(), *role));
  p.age = static_cast<std::int16_t>(in.Int("age", "年龄", {.min = 0, .max = 150}).value_or(-1));
  p.female = in.Bool("female", "女性").value_or(false);
  p.pregnant = in.Bool("pregnant", "怀孕").value_or(false);
  p.nursing_infant = in.Bool("nursing_infant", "哺乳未满一周岁婴儿").value_or(false);
  p.identity_unknown = in.Bool("identity_unknown", "身份不明").value_or(false);
  if (auto err = in.Finish()) {
    err->message = fmt::format("第 {} 个人员：{}", index + 1, err->message);
    err->field = fmt::format("persons[{}].{}", index, err->field);
    return std::unexpected(*err);
  }
  return p;
}

Result<Event> ParseEvent(const json& obj, size_t index, CaseTimeline& tl, const Catalog* catalog) {
  Event e;
  e.input_index = static_cast<std::int32_t>(index);
  if (!obj.is_object()) return EventError(index, "", "", "必须是 JSON 对象");
  if (auto id = obj.find("id"); id != obj.end()) {
    if (!id->is_string() || id->get<std::string>().empty() || id->get<std::string>().size() > 64)
      return EventError(index, "", "id", "的编号必须是 1–64 字符的文本");
    e.id = id->get<std::string>();
  }
  const std::string& id = e.id;
  auto type_it = obj.find("type");
  if (type_it == obj.end() || !type_it->is_string()) return EventError(index, id, "type", "缺少事件类型 type");
  auto type = EventTypeFromId(type_it->get<std::string>());
  if (!type)
    return EventError(index, id, "type",
                      fmt::format("的事件类型“{}”不认识（见 docs/events.md）", type_it->get<std::string>()));
  e.type = *type;
  auto time_it = obj.find("time");
  if (time_it == obj.end()) return EventError(index, id, "time", "缺少时间 time");
  auto time = ParseTime(*time_it);
  if (!time)
    return EventError(index, id, "time",
                      fmt::format("的时间 {} 格式不对，应为“2024-03-04 22:30”或带时区的 ISO 时间", time_it->dump()));
  e.time = *time;
  if (e.id.empty()) e.id = fmt::format("#{}", index + 1);

  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& key = it.key();
    if (key == "id" || key == "type" || key == "time") continue;
    auto attr = AttrFromId(key);
    if (!attr) return EventError(index, id, key, fmt::format("含有不认识的字段“{}”", key));
    if (!Admits(e.type, *attr))
      return EventError(index, id, key, fmt::format("的类型 {} 不接受属性“{}”", EventTypeId(e.type), key));
    if (auto what = SetAttribute(e, tl, *attr, it.value(), catalog)) return EventError(index, id, key, *what);
  }
  if (auto what = CheckEventSpans(e)) return EventError(index, id, what->first, what->second);
  return e;
}

bool SameSubject(const Event& a, const Event& b) {
  if (a.person >= 0 && b.person >= 0 && a.person != b.person) return false;
  if (a.item >= 0 && b.item >= 0 && a.item != b.item) return false;
  return true;
}

}  // namespace

std::optional<std::string> SetAttribute(Event& e, CaseTimeline& tl, Attr attr, const nlohmann::json& v,
                                        const Catalog* catalog, bool stored) {
  const std::string_view key = AttrId(attr);
  auto& slot = e.attrs[static_cast<int>(attr)];
  auto need_string = [&](size_t max) -> std::optional<std::string> {
    if (!v.is_string() || v.get_ref<const std::string&>().empty() || v.get_ref<const std::string&>().size() > max)
      return fmt::format("的“{}”必须是非空文本（不超过 {} 字节）", key, max);
    return std::nullopt;
  };
  switch (attr) {
    case Attr::kPerson: {
      if (auto err = need_string(64)) return err;
      const std::string& pid = v.get_ref<const std::string&>();
      auto p = std::find_if(tl.persons.begin(), tl.persons.end(), [&](const Person& x) { return x.id == pid; });
      if (p == tl.persons.end()) return fmt::format("引用的人员“{}”未在 persons 中登记", pid);
      e.person = static_cast<std::int32_t>(p - tl.persons.begin());
      return std::nullopt;
    }
    case Attr::kItem: {
      if (auto err = need_string(64)) return err;
      e.item = ItemIndex(tl, v.get_ref<const std::string&>());
      return std::nullopt;
    }
    case Attr::kRule: {
      if (auto err = need_string(64)) return err;
      e.rule = v.get<std::string>();
      // A rule id, or the spec id of versioned rules (ADM-TERM-01 → the version in force on the act).
      if (catalog && !catalog->Extensible(e.rule)) {
        const bool known =
            catalog->FindRule(e.rule) >= 0 || std::any_of(catalog->rules.begin(), catalog->rules.end(),
                                                          [&](const Rule& r) { return r.spec_id == e.rule; });
        if (!known) return fmt::format("延长审批所指的规则“{}”不在规则目录中", e.rule);
        return fmt::format("延长审批所指的规则“{}”没有可延长的期限", e.rule);
      }
      return std::nullopt;
    }
    case Attr::kNote:
    case Attr::kActor: return need_string(2000);
    case Attr::kEnd:
    case Attr::kAvStart:
    case Attr::kAvEnd:
    case Attr::kRequestedAt: {
      // Text as in the input format; stored rows may also hold UTC epoch seconds.
      if (stored && v.is_number_integer()) {
        slot = v.get<std::int64_t>();
        return std::nullopt;
      }
      auto t = ParseTime(v);
      if (!t) return fmt::format("的时间“{}”格式不对", key);
      slot = *t;
      return std::nullopt;
    }
    case Attr::kOfficers:
    case Attr::kNewLimit:
    case Attr::kDays:
    case Attr::kOffences:
    case Attr::kGangSize:
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 10000)
        return fmt::format("的“{}”必须是 0 到 10000 之间的整数", key);
      slot = v.get<std::int64_t>();
      return std::nullopt;
    case Attr::kLocation:
    case Attr::kApproverLevel:
    case Attr::kBasis:
    case Attr::kReleaseMode: {
      const auto list = attr == Attr::kLocation        ? Locations()
                        : attr == Attr::kApproverLevel ? ApproverLevels()
                        : attr == Attr::kReleaseMode   ? ReleaseModes()
                                                       : Bases();
      const int i = v.is_string() ? VocabIndex(list, v.get_ref<const std::string&>()) : -1;
      if (i < 0) {
        std::string allowed;
        for (const auto& entry : list) allowed += (allowed.empty() ? "" : "、") + std::string(entry.id);
        return fmt::format("的“{}”取值 {} 无效，可选：{}", key, v.dump(), allowed);
      }
      slot = i;
      return std::nullopt;
    }
    default:
      if (!v.is_boolean()) return fmt::format("的“{}”必须是 true 或 false", key);
      slot = v.get<bool>() ? 1 : 0;
      return std::nullopt;
  }
}

std::int32_t ItemIndex(CaseTimeline& tl, const std::string& code) {
  auto found = std::find(tl.items.begin(), tl.items.end(), code);
  if (found != tl.items.end()) return static_cast<std::int32_t>(found - tl.items.begin());
  tl.items.push_back(code);
  return static_cast<std::int32_t>(tl.items.size() - 1);
}

std::optional<std::pair<std::string, std::string>> CheckEventSpans(const Event& e) {
  if (e.Get(Attr::kEnd) != kAbsent && e.Get(Attr::kEnd) < e.time) return std::pair{"end", "的结束时间早于开始时间"};
  if (e.Get(Attr::kAvStart) != kAbsent && e.Get(Attr::kAvEnd) != kAbsent && e.Get(Attr::kAvEnd) < e.Get(Attr::kAvStart))
    return std::pair{"av_end", "的录音录像结束时间早于开始时间"};
  if (e.Get(Attr::kRequestedAt) != kAbsent && e.Get(Attr::kRequestedAt) > e.time)
    return std::pair{"requested_at", "的申请时间晚于批准时间"};
  if ((e.type == EventType::kExtensionApproved || e.type == EventType::kExtensionRequest) && e.rule.empty())
    return std::pair{"rule", fmt::format("（{}）必须用 rule 指明延长的是哪条规则", EventTypeName(e.type))};
  return std::nullopt;
}

namespace {

std::string VersionRange(const Rule& r) {
  if (r.effective_from && r.effective_until)
    return fmt::format("{} 至 {} 的行为", FormatDate(*r.effective_from), FormatDate(*r.effective_until));
  if (r.effective_from) return fmt::format("{} 起的行为", FormatDate(*r.effective_from));
  return fmt::format("{} 及以前的行为", FormatDate(*r.effective_until));
}

// An extension (or request) naming rule `r` exactly must fit the act it extends: the case type, and
// the law version in force on the date of the trigger act for the same person/item.
Result<void> CheckExtensionFits(const CaseTimeline& tl, const Catalog& catalog, size_t i) {
  const Event& e = tl.events[i];
  const int ri = catalog.FindRule(e.rule);
  if (ri < 0) return {};  // a spec id: the engine picks the version by date
  const Rule& r = catalog.rules[ri];
  if (r.case_type != CaseType::kAny && r.case_type != tl.case_type)
    return EventError(static_cast<size_t>(e.input_index), e.id, "rule",
                      fmt::format("{}所指的规则“{}”只适用于{}案件", EventTypeName(e.type), r.id,
                                  r.case_type == CaseType::kCriminal ? "刑事" : "行政"));
  if (!r.effective_from && !r.effective_until) return {};
  bool fits = false;
  const Event* act = nullptr;   // an earlier act of the clock that the version does not fit
  const Rule* other = nullptr;  // the version that fits that act
  for (size_t j = 0; j < i; ++j) {
    const Event& t = tl.events[j];
    if (!SameSubject(e, t)) continue;
    if (std::find(r.triggers.begin(), r.triggers.end(), t.type) != r.triggers.end()) {
      if (InForce(r, t.time))
        fits = true;
      else if (!act)
        act = &t;
    }
    if (r.spec_id.empty()) continue;
    for (const Rule& s : catalog.rules) {
      if (&s == &r || s.spec_id != r.spec_id || s.extensions.empty()) continue;
      if (std::find(s.triggers.begin(), s.triggers.end(), t.type) != s.triggers.end() && InForce(s, t.time)) {
        act = &t;
        other = &s;
      }
    }
  }
  if (fits || !act) return {};
  std::string what = fmt::format("{}所指的规则“{}”只适用于{}，与本案 {} 的{}不符", EventTypeName(e.type), r.id,
                                 VersionRange(r), FormatDate(LocalDateOf(act->time)), EventTypeName(act->type));
  if (other) what += fmt::format("（应适用“{}”）", other->id);
  if (!r.spec_id.empty()) what += fmt::format("；请写规范编号“{}”，由系统按行为日期选择法律版本", r.spec_id);
  return EventError(static_cast<size_t>(e.input_index), e.id, "rule", what);
}

}  // namespace

Result<void> FinishTimeline(CaseTimeline& tl, const Catalog* catalog) {
  std::stable_sort(tl.events.begin(), tl.events.end(), [](const Event& a, const Event& b) { return a.time < b.time; });
  // Impossible orders: each event whose type has prerequisites needs one of them earlier (or at
  // the same instant) for the same person/item.
  for (size_t i = 0; i < tl.events.size(); ++i) {
    const Event& e = tl.events[i];
    const EventTypeSet& prior = Info(e.type).requires_prior;
    if (prior.Empty()) continue;
    bool found = false;
    for (size_t j = 0; j < i && !found; ++j) {
      const Event& p = tl.events[j];
      found = prior.Has(p.type) && SameSubject(e, p);
    }
    if (!found) {
      std::string names;
      for (int t = 0; t < kEventTypeCount; ++t)
        if (prior.Has(static_cast<EventType>(t)))
          names += (names.empty() ? "" : "/") + std::string(EventTypeName(static_cast<EventType>(t)));
      return EventError(static_cast<size_t>(e.input_index), e.id, "time",
                        fmt::format("（{}，{}）之前没有对应的{}，时间顺序不可能", EventTypeName(e.type),
                                    FormatLocalDateTime(e.time), names));
    }
  }
  if (catalog) {
    for (size_t i = 0; i < tl.events.size(); ++i) {
      const Event& e = tl.events[i];
      if ((e.type == EventType::kExtensionApproved || e.type == EventType::kExtensionRequest) && !e.rule.empty())
        if (auto ok = CheckExtensionFits(tl, *catalog, i); !ok) return ok;
    }
  }
  return {};
}

Result<CaseTimeline> ParseTimeline(std::string_view json_text, const Catalog* catalog) {
  JsonInput in(json_text);
  CaseTimeline tl;
  tl.case_id = in.String("case_id", "案件编号", {.max_chars = 64}).value_or("");
  in.String("description", "说明", {.max_chars = 2000});
  auto type = in.Enum("case_type", "案件类型", {"criminal", "administrative"}, /*required=*/true);
  if (type) tl.case_type = *type == "criminal" ? CaseType::kCriminal : CaseType::kAdministrative;
  tl.serious = in.Bool("serious", "可能判处无期徒刑、死刑或重大犯罪").value_or(false);
  tl.fast_track = in.Bool("fast_track", "快速办理").value_or(false);
  tl.many_people = in.Bool("many_people", "涉案人数众多").value_or(false);
  auto persons = in.Raw("persons", "人员");
  auto events = in.Raw("events", "事件", /*required=*/true);
  if (auto err = in.Finish()) return std::unexpected(*err);

  if (persons) {
    if (!persons->is_array()) return Invalid("“persons”必须是数组", "persons", "wrong_type");
    std::set<std::string> ids;
    for (size_t i = 0; i < persons->size(); ++i) {
      auto p = ParsePerson((*persons)[i], i);
      if (!p) return std::unexpected(p.error());
      if (!ids.insert(p->id).second)
        return Invalid(fmt::format("第 {} 个人员的编号“{}”重复", i + 1, p->id), fmt::format("persons[{}].id", i),
                       "duplicate_id");
      tl.persons.push_back(*std::move(p));
    }
  }
  if (!events->is_array()) return Invalid("“events”必须是数组", "events", "wrong_type");
  if (events->size() > 100000) return Invalid("事件过多（最多 100000 个）", "events", "too_long");
  std::set<std::string> event_ids;
  tl.events.reserve(events->size());
  for (size_t i = 0; i < events->size(); ++i) {
    auto e = ParseEvent((*events)[i], i, tl, catalog);
    if (!e) return std::unexpected(e.error());
    if (!event_ids.insert(e->id).second) return EventError(i, e->id, "id", "的编号与前面的事件重复");
    tl.events.push_back(*std::move(e));
  }
  if (auto ok = FinishTimeline(tl, catalog); !ok) return std::unexpected(ok.error());
  return tl;
}

}  // namespace fazhi::supervision
