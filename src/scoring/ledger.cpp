#include "scoring/ledger.h"
#include "core/json_fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <set>
#include <span>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace fazhi::scoring {

using points::FactOfficer;
using points::RawFact;

namespace {

// a / b rounded half away from zero (b > 0).
std::int64_t DivRound(std::int64_t a, std::int64_t b) {
  if (a >= 0) return (a + b / 2) / b;
  return -((-a + b / 2) / b);
}

// Where reason texts and ledger lines are written. Both outputs take literal pieces (never escaped:
// the literals of this file hold no quote, backslash or control character), text from the data
// (escaped in JSON), integers and points.
//
// Plain text, for Entry::reason.
class TextOut {
 public:
  explicit TextOut(std::string& s) : s_(s) {}
  void Lit(std::string_view v) { s_.append(v); }
  void Text(std::string_view v) { s_.append(v); }
  void Int(std::int64_t v) {
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    s_.append(buf, p);
  }

 private:
  std::string& s_;
};

// True when one of the 8 bytes of `x` is below 0x20, '"' or '\\' (bit tricks from "Bit Twiddling
// Hacks": a byte-wise "has less than" and "has zero"; bytes ≥ 0x80 never match).
bool AnyToEscape(std::uint64_t x) {
  constexpr std::uint64_t k01 = 0x0101010101010101ull, k80 = 0x8080808080808080ull;
  const auto has_zero = [&](std::uint64_t v) { return (v - k01) & ~v & k80; };
  return (((x - k01 * 0x20) & ~x & k80) | has_zero(x ^ (k01 * '"')) | has_zero(x ^ (k01 * '\\'))) != 0;
}

// JSON lines into a growing buffer: pieces are copied straight to a cursor (no per-append capacity
// logic of std::string), text is escaped as a JSON string body (UTF-8 passes through; quotes,
// backslashes and control characters escaped), scanned eight bytes at a time.
class JsonOut {
 public:
  explicit JsonOut(std::size_t capacity) : buf_(capacity, '\0') {}
  // Makes room for `n` more bytes (every write calls it: one well-predicted compare).
  void Reserve(std::size_t n) {
    if (buf_.size() - n_ < n) [[unlikely]]
      Grow(n);
  }
  template <std::size_t N>
  void Lit(const char (&s)[N]) {
    Reserve(N - 1);
    std::memcpy(buf_.data() + n_, s, N - 1);
    n_ += N - 1;
  }
  void Lit(std::string_view v) {
    Reserve(v.size());
    std::memcpy(buf_.data() + n_, v.data(), v.size());
    n_ += v.size();
  }
  void Int(std::int64_t v) {
    Reserve(24);
    auto [p, ec] = std::to_chars(buf_.data() + n_, buf_.data() + buf_.size(), v);
    n_ = static_cast<std::size_t>(p - buf_.data());
  }
  // Escaped body of a JSON string (reserves its own room).
  void Text(std::string_view s) {
    Reserve(s.size() * 6);
    char* out = buf_.data() + n_;
    std::size_t run = 0, i = 0;
    auto flush = [&](std::size_t upto) {
      std::memcpy(out, s.data() + run, upto - run);
      out += upto - run;
    };
    while (i < s.size()) {
      if (i + 8 <= s.size()) {
        std::uint64_t x;
        std::memcpy(&x, s.data() + i, 8);
        if (!AnyToEscape(x)) {
          i += 8;
          continue;
        }
      }
      const std::size_t end = std::min(i + 8, s.size());
      for (; i < end; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        flush(i);
        run = i + 1;
        *out++ = '\\';
        switch (c) {
          case '"': *out++ = '"'; break;
          case '\\': *out++ = '\\'; break;
          case '\n': *out++ = 'n'; break;
          case '\r': *out++ = 'r'; break;
          case '\t': *out++ = 't'; break;
          default: {
            static constexpr char kHex[] = "0123456789abcdef";
            *out++ = 'u';
            *out++ = '0';
            *out++ = '0';
            *out++ = kHex[c >> 4];
            *out++ = kHex[c & 15];
          }
        }
      }
    }
    flush(s.size());
    n_ = static_cast<std::size_t>(out - buf_.data());
  }
  // A whole JSON string literal: "…".
  void Quote(std::string_view s) {
    Reserve(s.size() * 6 + 2);
    buf_[n_++] = '"';
    Text(s);
    buf_[n_++] = '"';
  }
  std::size_t size() const { return n_; }
  std::string_view View() const { return {buf_.data(), n_}; }
  void Clear() { n_ = 0; }

 private:
  [[gnu::noinline]] void Grow(std::size_t n) { buf_.resize(std::max(buf_.size() * 2, n_ + n)); }

  std::string buf_;
  std::size_t n_ = 0;
};

// FormatPoints(c), without a temporary string: runs several times per entry.
template <typename Out>
void WritePoints(Out& out, Centi c) {
  const bool neg = c < 0;
  const std::uint64_t a = neg ? static_cast<std::uint64_t>(-(c + 1)) + 1 : static_cast<std::uint64_t>(c);
  char buf[32];
  char* p = buf;
  if (neg) *p++ = '-';
  p = std::to_chars(p, buf + sizeof buf, a / 100).ptr;
  const unsigned frac = static_cast<unsigned>(a % 100);
  if (frac != 0) {
    *p++ = '.';
    *p++ = static_cast<char>('0' + frac / 10);
    if (frac % 10 != 0) *p++ = static_cast<char>('0' + frac % 10);
  }
  out.Lit(std::string_view(buf, static_cast<std::size_t>(p - buf)));
}

// "案件 …" of a fact's reason (nothing when it is not about a case).
template <typename Out>
void WriteCaseText(Out& out, const RawFact& f) {
  if (f.case_id == 0) return;
  if (f.case_label.empty()) {
    out.Lit("案件 #");
    out.Int(f.case_id);
  } else {
    out.Lit("案件 ");
    out.Text(f.case_label);
  }
}

// The 主办/协办 split of a case's points (integer arithmetic only): `part` divided equally among
// `people` (sorted by id); the remaining hundredths go to the first ones.
void ShareEqually(Centi part, std::span<const std::int64_t> people, ShareLabel label, LedgerRow row,
                  std::vector<LedgerRow>& out) {
  if (people.empty()) return;
  const auto n = static_cast<std::int64_t>(people.size());
  const Centi each = part / n;
  Centi rest = part - each * n;
  row.label = label;
  row.share_count = static_cast<std::uint32_t>(n);
  for (std::int64_t id : people) {
    Centi p = each;
    if (rest > 0) {
      ++p;
      --rest;
    }
    row.person_id = id;
    row.points = p;
    out.push_back(row);
  }
}

void Split(Centi total, const std::vector<FactOfficer>& officers, const Scheme& s, const LedgerRow& row,
           std::vector<std::int64_t>& people, std::vector<LedgerRow>& out) {
  // Leads first, then assists, each in officer (person id) order.
  people.clear();
  for (const auto& o : officers)
    if (o.lead) people.push_back(o.person_id);
  const std::size_t leads = people.size();
  for (const auto& o : officers)
    if (!o.lead) people.push_back(o.person_id);
  const std::span<const std::int64_t> lead_ids(people.data(), leads);
  const std::span<const std::int64_t> assist_ids(people.data() + leads, people.size() - leads);
  if (people.empty()) return;
  if (assist_ids.empty()) {
    ShareEqually(total, lead_ids, leads > 1 ? ShareLabel::kLeads : ShareLabel::kLeadAlone, row, out);
  } else if (lead_ids.empty()) {
    ShareEqually(total, assist_ids, ShareLabel::kAssistsOnly, row, out);
  } else {
    const Centi lead_part = DivRound(total * s.lead_percent, 100);
    ShareEqually(lead_part, lead_ids, ShareLabel::kLeadPercent, row, out);
    ShareEqually(total - lead_part, assist_ids, ShareLabel::kAssistPercent, row, out);
  }
}

Centi DeductionFor(const Scheme& s, const RawFact& f, DeductionBasis& basis) {
  if (f.act == "violation") {
    if (auto it = s.violation_rules.find(f.rule_id); it != s.violation_rules.end()) {
      basis = DeductionBasis::kRule;
      return it->second;
    }
    basis = DeductionBasis::kSeverity;
    auto it = s.violation_severity.find(f.variant == "serious" ? "serious" : "normal");
    return it == s.violation_severity.end() ? 0 : it->second;
  }
  if (f.act == "review_finding") {
    basis = DeductionBasis::kFindingCategory;
    auto it = s.finding_categories.find(f.variant);
    return it == s.finding_categories.end() ? 0 : it->second;
  }
  basis = f.units == 1 ? DeductionBasis::kNone : DeductionBasis::kUnits;
  auto it = s.deductions.find(f.act);
  return it == s.deductions.end() ? 0 : it->second * f.units;
}

std::string_view RoleOf(const LedgerRow& r) {
  switch (r.kind) {
    case RowKind::kShare:
      return r.label == ShareLabel::kAssistsOnly || r.label == ShareLabel::kAssistPercent ? "assist" : "lead";
    case RowKind::kDeduction: return "responsible";
    default: return "";
  }
}

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

namespace {

// Input order must not matter: each fact's officers sorted by person id; a person listed twice
// keeps the first (lead) role.
void NormalizeOfficers(std::vector<RawFact>& facts) {
  for (auto& f : facts) {
    std::sort(f.officers.begin(), f.officers.end(), [](const FactOfficer& a, const FactOfficer& b) {
      return std::make_pair(a.person_id, !a.lead) < std::make_pair(b.person_id, !b.lead);
    });
    f.officers.erase(std::unique(f.officers.begin(), f.officers.end(),
                                 [](const FactOfficer& a, const FactOfficer& b) { return a.person_id == b.person_id; }),
                     f.officers.end());
  }
}

// A fact's place in the canonical order: object id, then the act's rank among the month's
// distinct act names (the same order as comparing the names), then the fact's index.
struct FactKey {
  std::int64_t object_id;
  std::uint32_t act;
  std::uint32_t index;
};

// The facts in canonical order (object id, act, object type, case, time, variant, rule). Sorts
// small keys, not the facts (each holds several strings). Fills `act_of` (FindAct per fact) and
// `base_of` (act rank → stage/bonus points), looking each distinct act name up once.
std::vector<FactKey> CanonicalOrder(const std::vector<RawFact>& facts, const Scheme& scheme,
                                    std::vector<const ActInfo*>& act_of, std::vector<Centi>& base_of) {
  std::map<std::string_view, std::uint32_t> act_rank;
  for (const auto& f : facts) act_rank.emplace(f.act, 0);
  std::uint32_t next_rank = 0;
  for (auto& [name, rank] : act_rank) rank = next_rank++;
  std::vector<FactKey> order(facts.size());
  act_of.resize(facts.size());
  std::vector<const ActInfo*> info_of(act_rank.size());
  base_of.assign(act_rank.size(), 0);
  for (const auto& [name, rank] : act_rank) {
    info_of[rank] = FindAct(name);
    const ActInfo* info = info_of[rank];
    if (info && info->kind != ActKind::kDeduction)
      base_of[rank] = info->kind == ActKind::kStage ? scheme.StagePoints(name) : scheme.BonusPoints(name);
  }
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    const std::uint32_t rank = act_rank.find(facts[i].act)->second;
    order[i] = {facts[i].object_id, rank, i};
    act_of[i] = info_of[rank];
  }
  std::sort(order.begin(), order.end(), [&](const FactKey& x, const FactKey& y) {
    if (x.object_id != y.object_id) return x.object_id < y.object_id;
    if (x.act != y.act) return x.act < y.act;
    const RawFact& a = facts[x.index];
    const RawFact& b = facts[y.index];
    return std::tie(a.object_type, a.case_id, a.at, a.variant, a.rule_id) <
           std::tie(b.object_type, b.case_id, b.at, b.variant, b.rule_id);
  });
  return order;
}

// A bonus act with a monthly cap of its own (scheme caps.acts): the rows from `first` on earn what
// is left of the officer's cap for the act this month; a row left with nothing is dropped (facts
// in canonical order, so which ones earn is repeatable).
void ClipToActCap(Centi cap, std::uint32_t act, std::size_t first,
                  std::map<std::pair<std::int64_t, std::uint32_t>, Centi>& sums, std::vector<LedgerRow>& out) {
  for (std::size_t i = first; i < out.size(); ++i) {
    Centi& sum = sums[{out[i].person_id, act}];
    out[i].points = std::min(out[i].points, std::max<Centi>(cap - sum, 0));
    sum += out[i].points;
  }
  out.erase(std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                           [](const LedgerRow& r) { return r.points == 0; }),
            out.end());
}

// The rows of every fact, in canonical fact order: stage and bonus points split among the
// officers, deductions charged to each of them. Facts without officers or points give none.
std::vector<LedgerRow> FactRows(const std::vector<FactKey>& order, const std::vector<RawFact>& facts,
                                const std::vector<const ActInfo*>& act_of, const std::vector<Centi>& base_of,
                                const Scheme& scheme) {
  std::vector<LedgerRow> out;
  out.reserve(facts.size() * 2);
  std::vector<std::int64_t> people;
  std::map<std::pair<std::int64_t, std::uint32_t>, Centi> act_sums;  // (officer, act rank) → points so far
  std::unordered_map<std::string_view, int> weight_of;               // category weights, looked up once per category
  for (const FactKey& key : order) {
    const RawFact& f = facts[key.index];
    const ActInfo* info = act_of[key.index];
    if (!info || f.officers.empty()) continue;
    LedgerRow row;
    row.fact = key.index;
    if (info->kind == ActKind::kDeduction) {
      const Centi d = DeductionFor(scheme, f, row.basis);
      if (d == 0) continue;
      row.kind = RowKind::kDeduction;
      row.a = d;
      row.points = -d;
      for (const auto& o : f.officers) {
        row.person_id = o.person_id;
        out.push_back(row);
      }
      continue;
    }
    const Centi base = base_of[key.act];
    if (base == 0) continue;
    int weight = 100;
    if (info->kind == ActKind::kStage) {
      auto [w, fresh] = weight_of.try_emplace(f.case_category, 0);
      if (fresh) w->second = scheme.WeightFor(f.case_category);
      weight = w->second;
    }
    row.kind = RowKind::kShare;
    row.a = base;
    row.b = weight;
    const std::size_t first = out.size();
    Split(DivRound(base * weight, 100), f.officers, scheme, row, people, out);
    if (auto cap = scheme.act_caps.find(f.act); cap != scheme.act_caps.end())
      ClipToActCap(cap->second, key.act, first, act_sums, out);
  }
  return out;
}

// Monthly caps per officer, as visible rows appended after the computed ones.
void AddCaps(const Scheme& scheme, std::vector<LedgerRow>& out) {
  if (!scheme.cap_positive && !scheme.cap_negative) return;
  std::map<std::int64_t, std::pair<Centi, Centi>> sums;  // person → (positive, deducted)
  for (const auto& e : out) {
    auto& s = sums[e.person_id];
    (e.points > 0 ? s.first : s.second) += e.points > 0 ? e.points : -e.points;
  }
  for (const auto& [person, s] : sums) {
    LedgerRow cap;
    cap.person_id = person;
    if (scheme.cap_positive && s.first > *scheme.cap_positive) {
      cap.kind = RowKind::kCapPositive;
      cap.points = -(s.first - *scheme.cap_positive);
      cap.a = s.first;
      cap.b = *scheme.cap_positive;
      out.push_back(cap);
    }
    if (scheme.cap_negative && s.second > *scheme.cap_negative) {
      cap.kind = RowKind::kCapNegative;
      cap.points = s.second - *scheme.cap_negative;
      cap.a = s.second;
      cap.b = *scheme.cap_negative;
      out.push_back(cap);
    }
  }
}

// Final order: by officer, computed rows before caps, then the (already canonical) fact order.
// Caps were appended after every computed row, so a stable counting sort by officer gives it.
std::vector<LedgerRow> ByOfficer(const std::vector<LedgerRow>& out) {
  std::unordered_map<std::int64_t, std::uint32_t> slot;  // person → dense index
  for (const auto& r : out) slot.emplace(r.person_id, 0);
  std::vector<std::int64_t> persons;
  persons.reserve(slot.size());
  for (const auto& [person, unused] : slot) persons.push_back(person);
  std::sort(persons.begin(), persons.end());
  std::vector<std::size_t> start(persons.size() + 1, 0);
  for (std::uint32_t k = 0; k < persons.size(); ++k) slot[persons[k]] = k;
  std::vector<std::uint32_t> row_slot(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    row_slot[i] = slot.find(out[i].person_id)->second;
    ++start[row_slot[i] + 1];
  }
  for (std::size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
  std::vector<LedgerRow> rows(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) rows[start[row_slot[i]]++] = out[i];
  return rows;
}

}  // namespace

Ledger BuildLedger(const Scheme& scheme, int scheme_version, std::vector<RawFact> facts) {
  Ledger l;
  l.scheme_version = scheme_version;
  l.lead_percent = scheme.lead_percent;
  l.assist_percent = scheme.assist_percent;
  NormalizeOfficers(facts);
  std::vector<Centi> base_of;  // act rank → stage/bonus points
  const std::vector<FactKey> order = CanonicalOrder(facts, scheme, l.act, base_of);
  std::vector<LedgerRow> out = FactRows(order, facts, l.act, base_of, scheme);
  AddCaps(scheme, out);
  l.rows = ByOfficer(out);
  l.facts = std::move(facts);
  return l;
}

namespace {

// "立案：案件 …；基础 2 分 × 类别系数 1.5（…）= 3 分，主办 70% ÷ 2 人，得 1.05 分".
template <typename Out>
void WriteShareReason(const Ledger& l, const LedgerRow& r, Out& out) {
  const RawFact& f = l.facts[r.fact];
  const Centi base = r.a;
  const int weight = static_cast<int>(r.b);
  out.Lit(l.act[r.fact]->name_zh);
  out.Lit("：");
  if (f.case_id == 0)
    out.Text(f.note);  // a fact about no case (a patrol check-in) says what it was
  else
    WriteCaseText(out, f);
  out.Lit("；基础 ");
  WritePoints(out, base);
  out.Lit(" 分");
  if (weight != 100) {
    out.Lit(" × 类别系数 ");
    WritePoints(out, weight);
    out.Lit("（");
    out.Text(f.case_category);
    out.Lit("）= ");
    WritePoints(out, DivRound(base * weight, 100));
    out.Lit(" 分");
  }
  const bool plain = f.case_id == 0 && r.label == ShareLabel::kLeadAlone;  // no case, one officer: no split
  if (!plain) out.Lit("，");
  switch (r.label) {
    case ShareLabel::kLeadAlone:
      if (!plain) out.Lit("主办（无协办，独得）");
      break;
    case ShareLabel::kLeads: out.Lit("主办"); break;
    case ShareLabel::kAssistsOnly: out.Lit("协办（无主办）"); break;
    case ShareLabel::kLeadPercent:
      out.Lit("主办 ");
      out.Int(l.lead_percent);
      out.Lit("%");
      break;
    case ShareLabel::kAssistPercent:
      out.Lit("协办 ");
      out.Int(l.assist_percent);
      out.Lit("%");
      break;
  }
  if (r.share_count > 1) {
    out.Lit(" ÷ ");
    out.Int(r.share_count);
    out.Lit(" 人");
  }
  out.Lit("，得 ");
  WritePoints(out, r.points);
  out.Lit(" 分");
}

// "执法监督违规（按规则 …）扣 6 分：…；案件 …".
template <typename Out>
void WriteDeductionReason(const Ledger& l, const LedgerRow& r, Out& out) {
  const RawFact& f = l.facts[r.fact];
  out.Lit(l.act[r.fact]->name_zh);
  switch (r.basis) {
    case DeductionBasis::kNone: break;
    case DeductionBasis::kRule:
      out.Lit("（按规则 ");
      out.Text(f.rule_id);
      out.Lit("）");
      break;
    case DeductionBasis::kSeverity:
      out.Lit("（");
      out.Lit(SeverityName(f.variant == "serious" ? "serious" : "normal"));
      out.Lit("）");
      break;
    case DeductionBasis::kFindingCategory:
      out.Lit("（");
      out.Lit(FindingCategoryName(f.variant));
      out.Lit("）");
      break;
    case DeductionBasis::kUnits:
      out.Lit("（分值 ");
      out.Text(std::to_string(f.units));
      out.Lit("）");
      break;
  }
  out.Lit("扣 ");
  WritePoints(out, r.a);
  out.Lit(" 分");
  if (!f.note.empty()) {
    out.Lit("：");
    out.Text(f.note);
  }
  if (f.case_id != 0) {
    out.Lit("；");
    WriteCaseText(out, f);
  }
}

// "本月加分 160 分超过月加分上限 150 分，超出的 10 分不计".
template <typename Out>
void WriteCapReason(const LedgerRow& r, Out& out) {
  const bool positive = r.kind == RowKind::kCapPositive;
  out.Lit(positive ? "本月加分 " : "本月扣分 ");
  WritePoints(out, r.a);
  out.Lit(positive ? " 分超过月加分上限 " : " 分超过月扣分上限 ");
  WritePoints(out, r.b);
  out.Lit(" 分，超出的 ");
  WritePoints(out, r.a - r.b);
  out.Lit(positive ? " 分不计" : " 分不扣");
}

// The reason text of row `i` (the same words ComputeLedger always wrote).
template <typename Out>
void WriteReason(const Ledger& l, std::size_t i, Out& out) {
  const LedgerRow& r = l.rows[i];
  switch (r.kind) {
    case RowKind::kShare: WriteShareReason(l, r, out); break;
    case RowKind::kDeduction: WriteDeductionReason(l, r, out); break;
    case RowKind::kCapPositive:
    case RowKind::kCapNegative: WriteCapReason(r, out); break;
  }
}

}  // namespace

void Ledger::AppendReason(std::size_t i, std::string& out) const {
  TextOut o(out);
  WriteReason(*this, i, o);
}

Entry Ledger::EntryAt(std::size_t i) const {
  const LedgerRow& r = rows[i];
  Entry e;
  e.person_id = r.person_id;
  e.unit_id = r.unit_id;
  e.points = r.points;
  e.scheme_version = scheme_version;
  e.role = std::string(RoleOf(r));
  if (r.kind == RowKind::kCapPositive || r.kind == RowKind::kCapNegative) {
    e.source = "cap";
    e.act = r.kind == RowKind::kCapPositive ? "cap_positive" : "cap_negative";
    e.object_type = "cap";
  } else {
    const RawFact& f = facts[r.fact];
    e.source = std::string(act[r.fact]->source);
    e.act = f.act;
    e.object_type = f.object_type;
    e.object_id = f.object_id;
    e.case_id = f.case_id;
    e.occurred_at = f.at;
  }
  AppendReason(i, e.reason);
  return e;
}

std::vector<Entry> Ledger::Entries() const {
  std::vector<Entry> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(EntryAt(i));
  return out;
}

std::vector<Entry> ComputeLedger(const Scheme& scheme, int scheme_version, std::vector<RawFact> facts) {
  return BuildLedger(scheme, scheme_version, std::move(facts)).Entries();
}

namespace {

// One ledger line: a JSON object with the keys in this fixed order.
struct EntryText {
  std::int64_t person_id, unit_id;
  Centi points;
  std::string_view source, act, object_type;
  std::int64_t object_id, case_id;
  std::string_view role;
  EpochSeconds occurred_at;
  int scheme_version;
  std::int64_t objection_id;
};

// Writes `e`; `reason(out)` writes the reason's escaped text.
template <typename Reason>
void WriteEntry(JsonOut& out, const EntryText& e, Reason&& reason) {
  out.Lit("{\"person_id\":");
  out.Int(e.person_id);
  out.Lit(",\"unit_id\":");
  out.Int(e.unit_id);
  out.Lit(",\"points\":");
  out.Int(e.points);
  out.Lit(",\"source\":");
  out.Quote(e.source);
  out.Lit(",\"act\":");
  out.Quote(e.act);
  out.Lit(",\"object_type\":");
  out.Quote(e.object_type);
  out.Lit(",\"object_id\":");
  out.Int(e.object_id);
  out.Lit(",\"case_id\":");
  out.Int(e.case_id);
  out.Lit(",\"role\":");
  out.Quote(e.role);
  out.Lit(",\"occurred_at\":");
  out.Int(e.occurred_at);
  out.Lit(",\"scheme_version\":");
  out.Int(e.scheme_version);
  out.Lit(",\"objection_id\":");
  out.Int(e.objection_id);
  out.Lit(",\"reason\":\"");
  reason(out);
  out.Lit("\"}\n");
}

void WriteEntry(JsonOut& out, const Entry& e) {
  WriteEntry(out,
             EntryText{e.person_id, e.unit_id, e.points, e.source, e.act, e.object_type, e.object_id, e.case_id, e.role,
                       e.occurred_at, e.scheme_version, e.objection_id},
             [&](JsonOut& o) { o.Text(e.reason); });
}

// Row `i` of a compact ledger, its reason written straight into the line (escaping only the
// fact's texts: the same bytes as escaping the whole reason).
void WriteRow(JsonOut& out, const Ledger& l, std::size_t i) {
  const LedgerRow& r = l.rows[i];
  const auto reason = [&](JsonOut& o) { WriteReason(l, i, o); };
  if (r.kind == RowKind::kCapPositive || r.kind == RowKind::kCapNegative) {
    WriteEntry(out,
               EntryText{r.person_id, r.unit_id, r.points, "cap",
                         r.kind == RowKind::kCapPositive ? "cap_positive" : "cap_negative", "cap", 0, 0, "", 0,
                         l.scheme_version, 0},
               reason);
    return;
  }
  const RawFact& f = l.facts[r.fact];
  WriteEntry(out,
             EntryText{r.person_id, r.unit_id, r.points, l.act[r.fact]->source, f.act, f.object_type, f.object_id,
                       f.case_id, RoleOf(r), f.at, l.scheme_version, 0},
             reason);
}

// Pieces of about this size go to the sink: a buffer that stays in the CPU caches, instead of a
// city month's text (~190 MB) in memory.
constexpr std::size_t kChunk = 256 * 1024;

template <typename Write>
void Stream(std::size_t n, Write&& write, const std::function<void(std::string_view)>& sink) {
  JsonOut out(kChunk + 64 * 1024);
  for (std::size_t i = 0; i < n; ++i) {
    write(out, i);
    if (out.size() >= kChunk) {
      sink(out.View());
      out.Clear();
    }
  }
  if (out.size() > 0) sink(out.View());
}

}  // namespace

std::string SerializeLedger(const std::vector<Entry>& entries) {
  std::string text;
  SerializeLedger(entries, [&](std::string_view piece) { text.append(piece); });
  return text;
}

void SerializeLedger(const std::vector<Entry>& entries, const std::function<void(std::string_view)>& sink) {
  Stream(
      entries.size(), [&](JsonOut& out, std::size_t i) { WriteEntry(out, entries[i]); }, sink);
}

void SerializeLedger(const Ledger& ledger, const std::function<void(std::string_view)>& sink) {
  // Rows go by officer, their facts lie by case: fetch the fact a few rows ahead, and its label.
  constexpr std::size_t kAhead = 8;
  const auto fact_of = [&](std::size_t i) -> const RawFact* {
    const LedgerRow& r = ledger.rows[i];
    return r.kind == RowKind::kCapPositive || r.kind == RowKind::kCapNegative ? nullptr : &ledger.facts[r.fact];
  };
  Stream(
      ledger.rows.size(),
      [&](JsonOut& out, std::size_t i) {
        if (i + kAhead < ledger.rows.size())
          if (const RawFact* f = fact_of(i + kAhead)) __builtin_prefetch(f);
        if (i + kAhead / 2 < ledger.rows.size())
          if (const RawFact* f = fact_of(i + kAhead / 2)) __builtin_prefetch(f->case_label.data());
        WriteRow(out, ledger, i);
      },
      sink);
}

namespace {

// Every active person of the directory (0 points if no entry) and anyone with entries, with
// totals, names and units; not yet ordered. `members` gets the head count per unit.
template <typename Rows>
std::vector<OfficerTotal> OfficerTotals(const Rows& entries, const std::vector<PersonInfo>& people,
                                        const std::unordered_map<std::int64_t, const UnitInfo*>& unit_by_id,
                                        bool per_capita_police_only, std::unordered_map<std::int64_t, int>& members) {
  std::map<std::int64_t, OfficerTotal> by_person;
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
  std::vector<OfficerTotal> out;
  out.reserve(by_person.size());
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
    out.push_back(std::move(o));
  }
  return out;
}

// Orders officers by total (then person id) and gives competition ranks in the bureau and the unit.
void RankOfficers(std::vector<OfficerTotal>& officers) {
  std::sort(officers.begin(), officers.end(), [](const OfficerTotal& a, const OfficerTotal& b) {
    return a.total != b.total ? a.total > b.total : a.person_id < b.person_id;
  });
  std::unordered_map<std::int64_t, std::pair<int, Centi>> unit_seen;  // unit → (count so far, last total)
  std::unordered_map<std::int64_t, int> unit_rank;
  for (std::size_t i = 0; i < officers.size(); ++i) {
    OfficerTotal& o = officers[i];
    o.rank_bureau = (i > 0 && officers[i - 1].total == o.total) ? officers[i - 1].rank_bureau : static_cast<int>(i) + 1;
    auto& [count, last] = unit_seen[o.unit_id];
    ++count;
    if (count > 1 && last == o.total)
      o.rank_unit = unit_rank[o.unit_id];
    else
      o.rank_unit = count;
    unit_rank[o.unit_id] = o.rank_unit;
    last = o.total;
  }
}

// Units with members or entries: totals, per-capita, ranks (per-capita, then total, then id).
std::vector<UnitTotal> UnitTotals(const std::vector<OfficerTotal>& officers,
                                  const std::unordered_map<std::int64_t, int>& members,
                                  const std::unordered_map<std::int64_t, const UnitInfo*>& unit_by_id) {
  std::map<std::int64_t, UnitTotal> by_unit;
  for (const auto& [uid, n] : members) by_unit[uid].members = n;
  for (const auto& o : officers) {
    if (o.entries == 0 && !members.contains(o.unit_id)) continue;
    by_unit[o.unit_id].total += o.total;
  }
  std::vector<UnitTotal> out;
  for (auto& [uid, u] : by_unit) {
    u.unit_id = uid;
    if (auto it = unit_by_id.find(uid); it != unit_by_id.end()) {
      u.name = it->second->name;
      u.path = it->second->path;
    }
    u.per_capita = u.members > 0 ? DivRound(u.total, u.members) : 0;
    out.push_back(u);
  }
  std::sort(out.begin(), out.end(), [](const UnitTotal& a, const UnitTotal& b) {
    if (a.per_capita != b.per_capita) return a.per_capita > b.per_capita;
    if (a.total != b.total) return a.total > b.total;
    return a.unit_id < b.unit_id;
  });
  for (std::size_t i = 0; i < out.size(); ++i) {
    UnitTotal& u = out[i];
    const bool tie = i > 0 && out[i - 1].per_capita == u.per_capita && out[i - 1].total == u.total;
    u.rank = tie ? out[i - 1].rank : static_cast<int>(i) + 1;
  }
  return out;
}

// Last month's ranks and the movement since.
void ApplyPrevious(Rankings& r, const Rankings& previous) {
  std::unordered_map<std::int64_t, int> prev_officer, prev_unit;
  for (const auto& o : previous.officers) prev_officer[o.person_id] = o.rank_bureau;
  for (const auto& u : previous.units) prev_unit[u.unit_id] = u.rank;
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

// BuildRankings over Entry or LedgerRow (person_id, unit_id and points are all it reads).
template <typename Rows>
Rankings RankingsOf(const Rows& entries, const std::vector<PersonInfo>& people, const std::vector<UnitInfo>& units,
                    bool per_capita_police_only, const Rankings* previous) {
  std::unordered_map<std::int64_t, const UnitInfo*> unit_by_id;
  for (const auto& u : units) unit_by_id[u.id] = &u;
  std::unordered_map<std::int64_t, int> members;
  Rankings r;
  r.officers = OfficerTotals(entries, people, unit_by_id, per_capita_police_only, members);
  // Only units the scheme scores are ranked: those with an entry this month (the units that handle
  // cases). A 分局 office, 法制大队 or 指挥中心 whose people earn nothing is not ranked last with 0, and
  // neither are its people.
  std::unordered_set<std::int64_t> scored;
  for (const auto& o : r.officers)
    if (o.entries > 0) scored.insert(o.unit_id);
  std::erase_if(r.officers, [&](const OfficerTotal& o) { return !scored.contains(o.unit_id); });
  std::erase_if(members, [&](const auto& m) { return !scored.contains(m.first); });
  RankOfficers(r.officers);
  r.units = UnitTotals(r.officers, members, unit_by_id);
  if (previous) ApplyPrevious(r, *previous);
  return r;
}

}  // namespace

Rankings BuildRankings(const std::vector<Entry>& entries, const std::vector<PersonInfo>& people,
                       const std::vector<UnitInfo>& units, bool per_capita_police_only, const Rankings* previous) {
  return RankingsOf(entries, people, units, per_capita_police_only, previous);
}

Rankings BuildRankings(const Ledger& ledger, const std::vector<PersonInfo>& people, const std::vector<UnitInfo>& units,
                       bool per_capita_police_only, const Rankings* previous) {
  return RankingsOf(ledger.rows, people, units, per_capita_police_only, previous);
}

nlohmann::json RankingsJson(const Rankings& r) {
  nlohmann::json officers = nlohmann::json::array(), units = nlohmann::json::array();
  for (const auto& o : r.officers)
    officers.push_back(
        Merged(FZ_JSON(o, person_id, name, badge_no, unit_id, unit_name, unit_path, entries, rank_bureau, rank_unit),
               {{"total", Points(o.total)},
                {"positive", Points(o.positive)},
                {"negative", Points(o.negative)},
                {"prev_rank_bureau", OptInt(o.prev_rank_bureau)},
                {"movement", OptInt(o.movement)}}));
  for (const auto& u : r.units)
    units.push_back(Merged(FZ_JSON(u, unit_id, name, path, members, rank), {{"total", Points(u.total)},
                                                                            {"per_capita", Points(u.per_capita)},
                                                                            {"prev_rank", OptInt(u.prev_rank)},
                                                                            {"movement", OptInt(u.movement)}}));
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
