#include "scoring/ledger.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>
#include <tuple>
#include <unordered_map>

namespace fazhi::scoring {

namespace {

// a / b rounded half away from zero (b > 0).
std::int64_t DivRound(std::int64_t a, std::int64_t b) {
  if (a >= 0) return (a + b / 2) / b;
  return -((-a + b / 2) / b);
}

std::string Percent(int p) { return FormatPoints(p) ; }

std::string CaseText(const RawFact& f) {
  if (f.case_id == 0) return {};
  return f.case_label.empty() ? fmt::format("案件 #{}", f.case_id) : "案件 " + f.case_label;
}

struct Share {
  std::int64_t person_id;
  std::string role;
  Centi points;
  std::string how;  // 中文 explanation of the share
};

// Divides `part` equally among `people` (sorted by id); the remaining hundredths go to the first ones.
void ShareEqually(Centi part, const std::vector<std::int64_t>& people, const std::string& role,
                  const std::string& label, std::vector<Share>& out) {
  if (people.empty()) return;
  const auto n = static_cast<std::int64_t>(people.size());
  const Centi each = part / n;
  Centi rest = part - each * n;
  const std::string how = n > 1 ? fmt::format("{} ÷ {} 人", label, n) : label;
  for (std::int64_t id : people) {
    Centi p = each;
    if (rest > 0) {
      ++p;
      --rest;
    }
    out.push_back({id, role, p, how});
  }
}

// 主办/协办 split of a case's points (STYLE: integer arithmetic only).
std::vector<Share> Split(Centi total, const std::vector<FactOfficer>& officers, const Scheme& s) {
  std::vector<std::int64_t> leads, assists;
  for (const auto& o : officers) (o.lead ? leads : assists).push_back(o.person_id);
  std::vector<Share> out;
  if (leads.empty() && assists.empty()) return out;
  if (assists.empty()) {
    ShareEqually(total, leads, "lead", leads.size() > 1 ? "主办" : "主办（无协办，独得）", out);
  } else if (leads.empty()) {
    ShareEqually(total, assists, "assist", "协办（无主办）", out);
  } else {
    const Centi lead_part = DivRound(total * s.lead_percent, 100);
    ShareEqually(lead_part, leads, "lead", fmt::format("主办 {}%", s.lead_percent), out);
    ShareEqually(total - lead_part, assists, "assist", fmt::format("协办 {}%", s.assist_percent), out);
  }
  return out;
}

Centi DeductionFor(const Scheme& s, const RawFact& f, std::string& basis) {
  if (f.act == "violation") {
    if (auto it = s.violation_rules.find(f.rule_id); it != s.violation_rules.end()) {
      basis = "按规则 " + f.rule_id;
      return it->second;
    }
    const std::string sev = f.variant == "serious" ? "serious" : "normal";
    basis = std::string(SeverityName(sev));
    auto it = s.violation_severity.find(sev);
    return it == s.violation_severity.end() ? 0 : it->second;
  }
  if (f.act == "review_finding") {
    basis = std::string(FindingCategoryName(f.variant));
    auto it = s.finding_categories.find(f.variant);
    return it == s.finding_categories.end() ? 0 : it->second;
  }
  auto it = s.deductions.find(f.act);
  return it == s.deductions.end() ? 0 : it->second;
}

int SourceRank(const std::string& source) { return source == "cap" ? 2 : source == "adjustment" ? 3 : 1; }

nlohmann::json Points(Centi c) {
  if (c % 100 == 0) return c / 100;
  return static_cast<double>(c) / 100.0;
}

Centi FromPoints(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>() * 100;
  if (v.is_number()) return static_cast<Centi>(std::llround(v.get<double>() * 100.0));
  return 0;
}

nlohmann::json OptInt(const std::optional<int>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

}  // namespace

std::vector<Entry> ComputeLedger(const Scheme& scheme, int scheme_version, std::vector<RawFact> facts) {
  // Input order must not matter: sort facts and each fact's officers first.
  for (auto& f : facts) {
    std::sort(f.officers.begin(), f.officers.end(), [](const FactOfficer& a, const FactOfficer& b) {
      return std::make_pair(a.person_id, !a.lead) < std::make_pair(b.person_id, !b.lead);
    });
    // A person listed twice keeps the first (lead) role.
    f.officers.erase(std::unique(f.officers.begin(), f.officers.end(),
                                 [](const FactOfficer& a, const FactOfficer& b) { return a.person_id == b.person_id; }),
                     f.officers.end());
  }
  // Sort an index, not the facts (each holds several strings).
  std::vector<std::uint32_t> order(facts.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    const RawFact& a = facts[x];
    const RawFact& b = facts[y];
    if (a.object_id != b.object_id) return a.object_id < b.object_id;
    return std::tie(a.act, a.object_type, a.case_id, a.at, a.variant, a.rule_id) <
           std::tie(b.act, b.object_type, b.case_id, b.at, b.variant, b.rule_id);
  });

  std::vector<Entry> out;
  out.reserve(facts.size() * 2);
  for (const std::uint32_t fi : order) {
    const RawFact& f = facts[fi];
    const ActInfo* info = FindAct(f.act);
    if (!info || f.officers.empty()) continue;
    const std::string case_text = CaseText(f);
    auto make = [&](std::int64_t person, Centi points, std::string role, std::string reason) {
      Entry e;
      e.person_id = person;
      e.points = points;
      e.source = std::string(info->source);
      e.act = f.act;
      e.object_type = f.object_type;
      e.object_id = f.object_id;
      e.case_id = f.case_id;
      e.role = std::move(role);
      e.occurred_at = f.at;
      e.reason = std::move(reason);
      e.scheme_version = scheme_version;
      out.push_back(std::move(e));
    };
    switch (info->kind) {
      case ActKind::kStage:
      case ActKind::kBonus: {
        const bool stage = info->kind == ActKind::kStage;
        const Centi base = stage ? scheme.StagePoints(f.act) : scheme.BonusPoints(f.act);
        if (base == 0) break;
        const int weight = stage ? scheme.WeightFor(f.case_category) : 100;
        const Centi total = DivRound(base * weight, 100);
        std::string formula = fmt::format("基础 {} 分", FormatPoints(base));
        if (weight != 100)
          formula += fmt::format(" × 类别系数 {}（{}）= {} 分", Percent(weight), f.case_category, FormatPoints(total));
        // Built with appends: this runs once per entry of a city month.
        std::string head;
        head.reserve(128 + case_text.size() + formula.size());
        head.append(info->name_zh).append("：").append(case_text).append("；").append(formula).append("，");
        for (const Share& sh : Split(total, f.officers, scheme)) {
          std::string reason;
          reason.reserve(head.size() + sh.how.size() + 24);
          reason.append(head).append(sh.how).append("，得 ").append(FormatPoints(sh.points)).append(" 分");
          make(sh.person_id, sh.points, sh.role, std::move(reason));
        }
        break;
      }
      case ActKind::kDeduction: {
        std::string basis;
        const Centi d = DeductionFor(scheme, f, basis);
        if (d == 0) break;
        std::string head = std::string(info->name_zh);
        if (!basis.empty()) head += "（" + basis + "）";
        std::string reason = fmt::format("{}扣 {} 分", head, FormatPoints(d));
        if (!f.note.empty()) reason += "：" + f.note;
        if (!case_text.empty()) reason += "；" + case_text;
        for (const auto& o : f.officers) make(o.person_id, -d, "responsible", reason);
        break;
      }
    }
  }

  // Monthly caps per officer, as visible entries.
  if (scheme.cap_positive || scheme.cap_negative) {
    std::map<std::int64_t, std::pair<Centi, Centi>> sums;  // person → (positive, deducted)
    for (const auto& e : out) {
      auto& s = sums[e.person_id];
      (e.points > 0 ? s.first : s.second) += e.points > 0 ? e.points : -e.points;
    }
    for (const auto& [person, s] : sums) {
      auto cap_entry = [&, person = person](Centi points, std::string act, std::string reason) {
        Entry e;
        e.person_id = person;
        e.points = points;
        e.source = "cap";
        e.act = std::move(act);
        e.object_type = "cap";
        e.reason = std::move(reason);
        e.scheme_version = scheme_version;
        out.push_back(std::move(e));
      };
      if (scheme.cap_positive && s.first > *scheme.cap_positive) {
        const Centi over = s.first - *scheme.cap_positive;
        cap_entry(-over, "cap_positive",
                  fmt::format("本月加分 {} 分超过月加分上限 {} 分，超出的 {} 分不计", FormatPoints(s.first),
                              FormatPoints(*scheme.cap_positive), FormatPoints(over)));
      }
      if (scheme.cap_negative && s.second > *scheme.cap_negative) {
        const Centi over = s.second - *scheme.cap_negative;
        cap_entry(over, "cap_negative",
                  fmt::format("本月扣分 {} 分超过月扣分上限 {} 分，超出的 {} 分不扣", FormatPoints(s.second),
                              FormatPoints(*scheme.cap_negative), FormatPoints(over)));
      }
    }
  }
  // Final order: by officer, computed entries before caps, then the (already canonical) fact order.
  // Sorting small integer keys and permuting once is much cheaper than comparing entries.
  struct Key {
    std::int64_t person;
    int rank;
    std::uint32_t index;
  };
  std::vector<Key> keys(out.size());
  for (std::uint32_t i = 0; i < keys.size(); ++i) keys[i] = {out[i].person_id, SourceRank(out[i].source), i};
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return std::tie(a.person, a.rank, a.index) < std::tie(b.person, b.rank, b.index);
  });
  std::vector<Entry> sorted;
  sorted.reserve(out.size());
  for (const Key& k : keys) sorted.push_back(std::move(out[k.index]));
  return sorted;
}

namespace {

// JSON string literal of `s` (UTF-8 passes through; quotes, backslashes and control characters
// escaped). Hand-written because this runs once per entry on every computation: plain runs are
// appended whole, only the rare escaped character goes one by one.
void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void AppendInt(std::string& out, std::int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, p);
}

void AppendEntry(std::string& out, const Entry& e) {
  out += "{\"person_id\":";
  AppendInt(out, e.person_id);
  out += ",\"unit_id\":";
  AppendInt(out, e.unit_id);
  out += ",\"points\":";
  AppendInt(out, e.points);
  out += ",\"source\":";
  AppendJsonString(out, e.source);
  out += ",\"act\":";
  AppendJsonString(out, e.act);
  out += ",\"object_type\":";
  AppendJsonString(out, e.object_type);
  out += ",\"object_id\":";
  AppendInt(out, e.object_id);
  out += ",\"case_id\":";
  AppendInt(out, e.case_id);
  out += ",\"role\":";
  AppendJsonString(out, e.role);
  out += ",\"occurred_at\":";
  AppendInt(out, e.occurred_at);
  out += ",\"scheme_version\":";
  AppendInt(out, e.scheme_version);
  out += ",\"objection_id\":";
  AppendInt(out, e.objection_id);
  out += ",\"reason\":";
  AppendJsonString(out, e.reason);
  out += "}\n";
}

}  // namespace

std::string SerializeLedger(const std::vector<Entry>& entries) {
  std::string out;
  out.reserve(entries.size() * 260);
  for (const auto& e : entries) AppendEntry(out, e);
  return out;
}

void SerializeLedger(const std::vector<Entry>& entries, const std::function<void(std::string_view)>& sink) {
  // A buffer that stays in the CPU caches, instead of a city month's text (~190 MB) in memory.
  constexpr std::size_t kChunk = 256 * 1024;
  std::string buf;
  buf.reserve(kChunk + 4096);
  for (const auto& e : entries) {
    AppendEntry(buf, e);
    if (buf.size() >= kChunk) {
      sink(buf);
      buf.clear();
    }
  }
  if (!buf.empty()) sink(buf);
}

Rankings BuildRankings(const std::vector<Entry>& entries, const std::vector<PersonInfo>& people,
                       const std::vector<UnitInfo>& units, bool per_capita_police_only, const Rankings* previous) {
  std::unordered_map<std::int64_t, const UnitInfo*> unit_by_id;
  for (const auto& u : units) unit_by_id[u.id] = &u;
  std::map<std::int64_t, OfficerTotal> by_person;
  std::unordered_map<std::int64_t, int> members;
  for (const auto& p : people) {
    if (!p.active) continue;
    OfficerTotal& o = by_person[p.id];
    o.person_id = p.id;
    if (!per_capita_police_only || p.kind == "民警") ++members[p.unit_id];
  }
  for (const auto& e : entries) {
    OfficerTotal& o = by_person[e.person_id];
    o.person_id = e.person_id;
    if (o.unit_id == 0) o.unit_id = e.unit_id;
    o.total += e.points;
    (e.points >= 0 ? o.positive : o.negative) += e.points;
    ++o.entries;
  }
  std::unordered_map<std::int64_t, const PersonInfo*> person_by_id;
  for (const auto& p : people) person_by_id[p.id] = &p;
  Rankings r;
  r.officers.reserve(by_person.size());
  for (auto& [id, o] : by_person) {
    if (auto it = person_by_id.find(id); it != person_by_id.end()) {
      o.name = it->second->name;
      o.badge_no = it->second->badge_no;
      o.unit_id = it->second->unit_id;
    } else {
      o.name = "（未知人员）";
    }
    if (auto it = unit_by_id.find(o.unit_id); it != unit_by_id.end()) {
      o.unit_name = it->second->name;
      o.unit_path = it->second->path;
    }
    r.officers.push_back(std::move(o));
  }
  std::sort(r.officers.begin(), r.officers.end(), [](const OfficerTotal& a, const OfficerTotal& b) {
    return a.total != b.total ? a.total > b.total : a.person_id < b.person_id;
  });
  std::unordered_map<std::int64_t, std::pair<int, Centi>> unit_seen;  // unit → (count so far, last total)
  std::unordered_map<std::int64_t, int> unit_rank;
  for (std::size_t i = 0; i < r.officers.size(); ++i) {
    OfficerTotal& o = r.officers[i];
    o.rank_bureau = (i > 0 && r.officers[i - 1].total == o.total) ? r.officers[i - 1].rank_bureau
                                                                  : static_cast<int>(i) + 1;
    auto& [count, last] = unit_seen[o.unit_id];
    ++count;
    if (count > 1 && last == o.total)
      o.rank_unit = unit_rank[o.unit_id];
    else
      o.rank_unit = count;
    unit_rank[o.unit_id] = o.rank_unit;
    last = o.total;
  }

  std::map<std::int64_t, UnitTotal> by_unit;
  for (const auto& [uid, n] : members) by_unit[uid].members = n;
  for (const auto& o : r.officers) {
    if (o.entries == 0 && !members.contains(o.unit_id)) continue;
    by_unit[o.unit_id].total += o.total;
  }
  for (auto& [uid, u] : by_unit) {
    u.unit_id = uid;
    if (auto it = unit_by_id.find(uid); it != unit_by_id.end()) {
      u.name = it->second->name;
      u.path = it->second->path;
    }
    u.per_capita = u.members > 0 ? DivRound(u.total, u.members) : 0;
    r.units.push_back(u);
  }
  std::sort(r.units.begin(), r.units.end(), [](const UnitTotal& a, const UnitTotal& b) {
    if (a.per_capita != b.per_capita) return a.per_capita > b.per_capita;
    if (a.total != b.total) return a.total > b.total;
    return a.unit_id < b.unit_id;
  });
  for (std::size_t i = 0; i < r.units.size(); ++i) {
    UnitTotal& u = r.units[i];
    const bool tie = i > 0 && r.units[i - 1].per_capita == u.per_capita && r.units[i - 1].total == u.total;
    u.rank = tie ? r.units[i - 1].rank : static_cast<int>(i) + 1;
  }

  if (previous) {
    std::unordered_map<std::int64_t, int> prev_officer, prev_unit;
    for (const auto& o : previous->officers) prev_officer[o.person_id] = o.rank_bureau;
    for (const auto& u : previous->units) prev_unit[u.unit_id] = u.rank;
    for (auto& o : r.officers)
      if (auto it = prev_officer.find(o.person_id); it != prev_officer.end()) {
        o.prev_rank_bureau = it->second;
        o.movement = it->second - o.rank_bureau;
      }
    for (auto& u : r.units)
      if (auto it = prev_unit.find(u.unit_id); it != prev_unit.end()) {
        u.prev_rank = it->second;
        u.movement = it->second - u.rank;
      }
  }
  return r;
}

nlohmann::json RankingsJson(const Rankings& r) {
  nlohmann::json officers = nlohmann::json::array(), units = nlohmann::json::array();
  for (const auto& o : r.officers)
    officers.push_back({{"person_id", o.person_id},
                        {"name", o.name},
                        {"badge_no", o.badge_no},
                        {"unit_id", o.unit_id},
                        {"unit_name", o.unit_name},
                        {"unit_path", o.unit_path},
                        {"total", Points(o.total)},
                        {"positive", Points(o.positive)},
                        {"negative", Points(o.negative)},
                        {"entries", o.entries},
                        {"rank_bureau", o.rank_bureau},
                        {"rank_unit", o.rank_unit},
                        {"prev_rank_bureau", OptInt(o.prev_rank_bureau)},
                        {"movement", OptInt(o.movement)}});
  for (const auto& u : r.units)
    units.push_back({{"unit_id", u.unit_id},
                     {"name", u.name},
                     {"path", u.path},
                     {"members", u.members},
                     {"total", Points(u.total)},
                     {"per_capita", Points(u.per_capita)},
                     {"rank", u.rank},
                     {"prev_rank", OptInt(u.prev_rank)},
                     {"movement", OptInt(u.movement)}});
  nlohmann::json out = nlohmann::json::object();
  out["officers"] = std::move(officers);  // moved: a braced list would copy every row
  out["units"] = std::move(units);
  return out;
}

Result<Rankings> RankingsFromJson(const nlohmann::json& j) {
  try {
    Rankings r;
    auto opt = [](const nlohmann::json& v) -> std::optional<int> {
      if (v.is_null()) return std::nullopt;
      return v.get<int>();
    };
    for (const auto& o : j.at("officers")) {
      OfficerTotal t;
      t.person_id = o.at("person_id").get<std::int64_t>();
      t.name = o.at("name").get<std::string>();
      t.badge_no = o.at("badge_no").get<std::string>();
      t.unit_id = o.at("unit_id").get<std::int64_t>();
      t.unit_name = o.at("unit_name").get<std::string>();
      t.unit_path = o.at("unit_path").get<std::string>();
      t.total = FromPoints(o.at("total"));
      t.positive = FromPoints(o.at("positive"));
      t.negative = FromPoints(o.at("negative"));
      t.entries = o.at("entries").get<int>();
      t.rank_bureau = o.at("rank_bureau").get<int>();
      t.rank_unit = o.at("rank_unit").get<int>();
      t.prev_rank_bureau = opt(o.at("prev_rank_bureau"));
      t.movement = opt(o.at("movement"));
      r.officers.push_back(std::move(t));
    }
    for (const auto& u : j.at("units")) {
      UnitTotal t;
      t.unit_id = u.at("unit_id").get<std::int64_t>();
      t.name = u.at("name").get<std::string>();
      t.path = u.at("path").get<std::string>();
      t.members = u.at("members").get<int>();
      t.total = FromPoints(u.at("total"));
      t.per_capita = FromPoints(u.at("per_capita"));
      t.rank = u.at("rank").get<int>();
      t.prev_rank = opt(u.at("prev_rank"));
      t.movement = opt(u.at("movement"));
      r.units.push_back(std::move(t));
    }
    return r;
  } catch (const std::exception& e) {
    return Invalid(std::string("排名快照格式错误：") + e.what());
  }
}

}  // namespace fazhi::scoring
