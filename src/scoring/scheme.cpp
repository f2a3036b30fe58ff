#include "scoring/scheme.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <set>

#include "supervision/catalog.h"

namespace fazhi::scoring {

namespace {

constexpr std::array<ActInfo, 18> kActs = {{
    // Stages (以案件数量为基础). Coercive measures (拘留, 逮捕 …) are deliberately absent: they are
    // means, not results, and counting them is the 刑拘数 indicator provincial rules forbid.
    {"accept_case", "受案", ActKind::kStage, "case_stage", true},
    {"file_case", "立案", ActKind::kStage, "case_stage", true},
    {"conclude_case", "破案/查结", ActKind::kStage, "case_stage", true},
    {"transfer_prosecution", "移送起诉", ActKind::kStage, "case_stage", true},
    {"penalty_decision", "行政处罚决定", ActKind::kStage, "case_stage", true},
    {"fast_track_concluded", "快速办理结案", ActKind::kStage, "case_stage", true},
    // Quality deductions (兼顾案件办理质量).
    {"violation", "执法监督违规", ActKind::kDeduction, "violation", true},
    {"review_finding", "法制审核问题", ActKind::kDeduction, "review_finding", true},
    {"order_overdue", "督办逾期未整改", ActKind::kDeduction, "order_overdue", true},
    {"case_rating_poor", "劣质案件", ActKind::kDeduction, "case_rating", true},
    {"complaint_substantiated", "投诉查实", ActKind::kDeduction, "complaint", true},
    {"inspection_finding", "执法巡查发现问题", ActKind::kDeduction, "inspection", true},
    {"no_qualification", "无有效执法资格办案", ActKind::kDeduction, "qualification", true},
    // Bonuses.
    {"case_rating_good", "优质案件", ActKind::kBonus, "case_rating", true},
    {"case_rating_excellent", "精品案件", ActKind::kBonus, "case_rating", false},
    {"typical_case", "上级列为典型案例", ActKind::kBonus, "typical_case", false},
    // 五化巡防 (src/patrol): an unflagged 必到点 check-in, a 抓获现行 log entry.
    {"patrol_checkin", "必到点签到无异常", ActKind::kBonus, "patrol", true},
    {"patrol_catch", "巡逻抓获现行", ActKind::kBonus, "patrol", true},
}};

constexpr std::array<ForbiddenIndicator, 34> kForbidden = {{
    {"fine_amount", "罚没款金额"},
    {"fines", "罚没款金额"},
    {"fine", "罚没款金额"},
    {"confiscation_amount", "罚没款金额"},
    {"penalty_amount", "罚没款金额"},
    {"罚没款", "罚没款金额"},
    {"罚没款金额", "罚没款金额"},
    {"罚没款额", "罚没款金额"},
    {"罚款金额", "罚没款金额"},
    {"criminal_detention_count", "刑拘数"},
    {"criminal_detentions", "刑拘数"},
    {"detention_count", "刑拘数"},
    {"detain_count", "刑拘数"},
    {"刑拘数", "刑拘数"},
    {"刑拘人数", "刑拘数"},
    {"admin_detention_count", "行拘数"},
    {"admin_detentions", "行拘数"},
    {"行拘数", "行拘数"},
    {"行拘人数", "行拘数"},
    {"incident_count", "发案数"},
    {"case_incidence", "发案数"},
    {"incidence", "发案数"},
    {"发案数", "发案数"},
    {"clearance_rate", "破案率"},
    {"solve_rate", "破案率"},
    {"solved_rate", "破案率"},
    {"破案率", "破案率"},
    {"return_rate", "退查率"},
    {"supplementary_investigation_rate", "退查率"},
    {"supplementary_investigation", "退查率"},
    {"退查率", "退查率"},
    {"退查数", "退查率"},
    {"arrest_count", "刑拘数"},
    {"逮捕数", "刑拘数"},
}};

// Coercive measures and other acts that earn nothing by themselves (event ids of the engine).
constexpr std::array<std::string_view, 14> kCoercive = {"detain",
                                                        "arrest",
                                                        "admin_detention_execute",
                                                        "bail",
                                                        "residential_surveillance",
                                                        "summon_arrive",
                                                        "compel_arrive",
                                                        "admin_force",
                                                        "onsite_force",
                                                        "cq_start",
                                                        "arrest_request",
                                                        "custody_admit",
                                                        "seize",
                                                        "freeze"};

constexpr Centi kMaxAmount = 100000;  // 1000 分
constexpr Centi kMaxCap = 10000000;   // 100000 分

std::unexpected<Error> Bad(std::string msg, std::string field, std::string reason = "invalid_value") {
  return Invalid(std::move(msg), std::move(field), std::move(reason));
}

// Walks every key of the document; the first forbidden one is refused with the reason why.
std::optional<Error> FindForbiddenKey(const nlohmann::json& j, const std::string& path) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string p = path + "." + it.key();
      if (const ForbiddenIndicator* f = FindForbidden(it.key())) {
        return Error{ErrorCode::kInvalidArgument,
                     fmt::format("“{}”属于{}指标：省级公安机关执法考评规定禁止将罚没款金额、刑拘数/行拘数、发案数、"
                                 "破案率、退查率等作为考核指标，积分方案不能为其设分",
                                 it.key(), f->name_zh),
                     p, "forbidden_indicator"};
      }
      if (auto e = FindForbiddenKey(*it, p)) return e;
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      if (auto e = FindForbiddenKey(j[i], path + "[" + std::to_string(i) + "]")) return e;
  }
  return std::nullopt;
}

// A JSON number with at most two decimals in [min, max] → centi-points.
Result<Centi> Amount(const nlohmann::json& v, const std::string& field, Centi min, Centi max) {
  if (!v.is_number()) return Bad("“" + field + "”应为数字", field);
  const double d = v.get<double>();
  if (!std::isfinite(d)) return Bad("“" + field + "”不是有效数字", field);
  const double scaled = d * 100.0;
  const double rounded = std::round(scaled);
  if (std::fabs(scaled - rounded) > 1e-6) return Bad("“" + field + "”最多保留两位小数", field);
  if (rounded < static_cast<double>(min) || rounded > static_cast<double>(max))
    return Bad(fmt::format("“{}”应在 {} 到 {} 之间", field, FormatPoints(min), FormatPoints(max)), field);
  return static_cast<Centi>(rounded);
}

Result<int> WholeNumber(const nlohmann::json& v, const std::string& field, int min, int max) {
  if (!v.is_number_integer()) return Bad("“" + field + "”应为整数", field);
  const auto n = v.get<std::int64_t>();
  if (n < min || n > max) return Bad(fmt::format("“{}”应在 {} 到 {} 之间", field, min, max), field);
  return static_cast<int>(n);
}

std::optional<Error> RequireObject(const nlohmann::json& v, const std::string& field) {
  if (!v.is_object())
    return Error{ErrorCode::kInvalidArgument, "“" + field + "”应为对象（键值表）", field, "invalid_value"};
  return std::nullopt;
}

std::unexpected<Error> UnknownAct(std::string_view key, const std::string& field, std::string_view section) {
  for (auto c : kCoercive)
    if (c == key)
      return Bad(fmt::format("“{}”是强制措施：拘留、逮捕等强制措施本身不计分，积分只记案件办理到达的阶段和质量", key),
                 field, "coercive_measure");
  std::string allowed;
  for (const auto& a : kActs) {
    const bool fits = (section == "stages" && a.kind == ActKind::kStage) ||
                      (section == "bonuses" && a.kind == ActKind::kBonus) ||
                      (section == "deductions" && a.kind == ActKind::kDeduction);
    if (fits) allowed += (allowed.empty() ? "" : "、") + std::string(a.key) + "（" + std::string(a.name_zh) + "）";
  }
  return Bad(fmt::format("未知的计分项目“{}”；此处可用：{}", key, allowed), field, "unknown_act");
}

bool IsKnownRule(std::string_view id) { return supervision::ShippedCatalog().FindRule(id) >= 0; }

}  // namespace

std::string FormatPoints(Centi c) {
  const bool neg = c < 0;
  const std::uint64_t a = neg ? static_cast<std::uint64_t>(-(c + 1)) + 1 : static_cast<std::uint64_t>(c);
  std::string s = (neg ? "-" : "") + std::to_string(a / 100);
  const unsigned frac = static_cast<unsigned>(a % 100);
  if (frac != 0) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02u", frac);
    std::string f = buf;
    if (f.back() == '0') f.pop_back();
    s += "." + f;
  }
  return s;
}

std::span<const ActInfo> Acts() { return kActs; }

const ActInfo* FindAct(std::string_view key) {
  for (const auto& a : kActs)
    if (a.key == key) return &a;
  return nullptr;
}

std::span<const ForbiddenIndicator> ForbiddenIndicators() { return kForbidden; }

const ForbiddenIndicator* FindForbidden(std::string_view key) {
  for (const auto& f : kForbidden)
    if (f.key == key) return &f;
  return nullptr;
}

std::string_view FindingCategoryName(std::string_view c) {
  if (c == "evidence") return "证据";
  if (c == "procedure") return "程序";
  if (c == "characterization") return "定性";
  return "其他";
}

std::string_view SeverityName(std::string_view s) { return s == "serious" ? "严重" : "一般"; }

Centi Scheme::StagePoints(std::string_view act) const {
  auto it = stages.find(std::string(act));
  return it == stages.end() ? 0 : it->second;
}
Centi Scheme::BonusPoints(std::string_view act) const {
  auto it = bonuses.find(std::string(act));
  return it == bonuses.end() ? 0 : it->second;
}
int Scheme::WeightFor(std::string_view category) const {
  auto it = category_weights.find(std::string(category));
  return it == category_weights.end() ? 100 : it->second;
}

namespace {

// The "deductions" section: per-act amounts, violations by severity or rule, review findings by
// category.
Result<void> ParseDeductions(const nlohmann::json& v, const std::string& field, Scheme& s) {
  if (auto e = RequireObject(v, field)) return std::unexpected(*e);
  for (auto p = v.begin(); p != v.end(); ++p) {
    const std::string f = field + "." + p.key();
    const ActInfo* act = FindAct(p.key());
    if (!act || act->kind != ActKind::kDeduction) return UnknownAct(p.key(), f, "deductions");
    if (p.key() == "violation") {
      if (auto e = RequireObject(*p, f)) return std::unexpected(*e);
      for (auto q = p->begin(); q != p->end(); ++q) {
        const std::string g = f + "." + q.key();
        if (q.key() == "by_rule") {
          if (auto e = RequireObject(*q, g)) return std::unexpected(*e);
          for (auto r = q->begin(); r != q->end(); ++r) {
            const std::string h = g + "." + r.key();
            if (!IsKnownRule(r.key()))
              return Bad("未知的监督规则“" + r.key() + "”（应为规则目录中的编号，如 CRIM-DETAIN-04）", h,
                         "unknown_act");
            auto a = Amount(*r, h, 0, kMaxAmount);
            if (!a) return std::unexpected(a.error());
            s.violation_rules[r.key()] = *a;
          }
        } else if (q.key() == "normal" || q.key() == "serious") {
          auto a = Amount(*q, g, 0, kMaxAmount);
          if (!a) return std::unexpected(a.error());
          s.violation_severity[q.key()] = *a;
        } else {
          return Bad("未知的违规严重程度“" + q.key() + "”，只能是 normal（一般）、serious（严重）或 by_rule（按规则）",
                     g, "unknown_act");
        }
      }
    } else if (p.key() == "review_finding") {
      if (auto e = RequireObject(*p, f)) return std::unexpected(*e);
      for (auto q = p->begin(); q != p->end(); ++q) {
        const std::string g = f + "." + q.key();
        bool known = false;
        for (auto c : kFindingCategories) known = known || c == q.key();
        if (!known)
          return Bad("未知的审核问题类别“" + q.key() +
                         "”，只能是 evidence（证据）、procedure（程序）、characterization（定性）",
                     g, "unknown_act");
        auto a = Amount(*q, g, 0, kMaxAmount);
        if (!a) return std::unexpected(a.error());
        s.finding_categories[q.key()] = *a;
      }
    } else {
      if (p->is_number() && p->get<double>() < 0) return Bad("扣分填写正数（扣几分），“" + f + "”不能为负数", f);
      auto a = Amount(*p, f, 0, kMaxAmount);
      if (!a) return std::unexpected(a.error());
      s.deductions[p.key()] = *a;
    }
  }
  return {};
}

// caps.acts: a bonus act → the most points one officer earns from it in a month.
Result<void> ParseActCaps(const nlohmann::json& v, const std::string& field, Scheme& s) {
  if (auto e = RequireObject(v, field)) return std::unexpected(*e);
  for (auto p = v.begin(); p != v.end(); ++p) {
    const std::string f = field + "." + p.key();
    const ActInfo* act = FindAct(p.key());
    if (!act || act->kind != ActKind::kBonus) return UnknownAct(p.key(), f, "bonuses");
    if (p->is_number() && p->get<double>() <= 0)
      return Bad("“" + f + "”是该项每月上限，必须大于 0（不设上限请删去此项）", f, "negative_cap");
    auto a = Amount(*p, f, 1, kMaxCap);
    if (!a) return std::unexpected(a.error());
    s.act_caps[p.key()] = *a;
  }
  return {};
}

}  // namespace

Result<Scheme> ParseScheme(const nlohmann::json& doc) {
  const std::string root = "document";
  if (!doc.is_object()) return Bad("积分方案应为 JSON 对象", root);
  if (auto e = FindForbiddenKey(doc, root)) return std::unexpected(*e);

  Scheme s;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    const nlohmann::json& v = *it;
    const std::string field = root + "." + key;
    if (key == "objection_days") {
      auto d = WholeNumber(v, field, 1, 30);
      if (!d) return std::unexpected(d.error());
      s.objection_days = *d;
    } else if (key == "split") {
      if (auto e = RequireObject(v, field)) return std::unexpected(*e);
      for (auto p = v.begin(); p != v.end(); ++p) {
        const std::string f = field + "." + p.key();
        auto n = WholeNumber(*p, f, 0, 100);
        if (!n) return std::unexpected(n.error());
        if (p.key() == "lead_percent")
          s.lead_percent = *n;
        else if (p.key() == "assist_percent")
          s.assist_percent = *n;
        else
          return Bad("未知的分配项“" + p.key() + "”，只能是 lead_percent（主办）或 assist_percent（协办）", f);
      }
      if (s.lead_percent + s.assist_percent != 100)
        return Bad(fmt::format("主办与协办的分配比例之和应为 100（现为 {} + {}）", s.lead_percent, s.assist_percent),
                   field);
    } else if (key == "stages" || key == "bonuses") {
      if (auto e = RequireObject(v, field)) return std::unexpected(*e);
      const ActKind kind = key == "stages" ? ActKind::kStage : ActKind::kBonus;
      for (auto p = v.begin(); p != v.end(); ++p) {
        const std::string f = field + "." + p.key();
        const ActInfo* act = FindAct(p.key());
        if (!act || act->kind != kind) return UnknownAct(p.key(), f, key);
        auto a = Amount(*p, f, 0, kMaxAmount);
        if (!a) return std::unexpected(a.error());
        (kind == ActKind::kStage ? s.stages : s.bonuses)[p.key()] = *a;
      }
    } else if (key == "category_weights") {
      if (auto e = RequireObject(v, field)) return std::unexpected(*e);
      for (auto p = v.begin(); p != v.end(); ++p) {
        const std::string f = field + "." + p.key();
        if (p.key().empty() || p.key().size() > 96) return Bad("案件类别名称不能为空或过长", f);
        auto w = Amount(*p, f, 1, 1000);  // ×0.01 .. ×10
        if (!w) return std::unexpected(w.error());
        s.category_weights[p.key()] = static_cast<int>(*w);
      }
    } else if (key == "deductions") {
      if (auto r = ParseDeductions(v, field, s); !r) return std::unexpected(r.error());
    } else if (key == "caps") {
      if (auto e = RequireObject(v, field)) return std::unexpected(*e);
      for (auto p = v.begin(); p != v.end(); ++p) {
        const std::string f = field + "." + p.key();
        if (p.key() == "acts") {
          if (auto r = ParseActCaps(*p, f, s); !r) return std::unexpected(r.error());
          continue;
        }
        if (p.key() != "monthly_positive" && p.key() != "monthly_negative")
          return Bad(
              "未知的上限“" + p.key() +
                  "”，只能是 monthly_positive（月加分上限）、monthly_negative（月扣分上限）或 acts（单项月上限）",
              f);
        if (!p->is_null()) {
          if (p->is_number() && p->get<double>() <= 0)
            return Bad("“" + f + "”是每月上限，必须大于 0（不设上限请删去此项）", f, "negative_cap");
          auto a = Amount(*p, f, 1, kMaxCap);
          if (!a) return std::unexpected(a.error());
          (p.key() == "monthly_positive" ? s.cap_positive : s.cap_negative) = *a;
        }
      }
    } else if (key == "per_capita") {
      if (v != "police" && v != "all")
        return Bad("“per_capita”只能是 police（按民警人数）或 all（按民警和辅警人数）", field);
      s.per_capita_police_only = v == "police";
    } else {
      return Bad("积分方案中有未知项目“" + key + "”", field, "unknown_act");
    }
  }
  return s;
}

nlohmann::json SchemeJson(const Scheme& s) {
  auto num = [](Centi c) -> nlohmann::json {
    if (c % 100 == 0) return c / 100;
    return static_cast<double>(c) / 100.0;
  };
  nlohmann::json j = nlohmann::json::object();
  j["objection_days"] = s.objection_days;
  j["split"] = {{"lead_percent", s.lead_percent}, {"assist_percent", s.assist_percent}};
  nlohmann::json stages = nlohmann::json::object(), bonuses = nlohmann::json::object(),
                 weights = nlohmann::json::object(), ded = nlohmann::json::object();
  for (const auto& [k, v] : s.stages) stages[k] = num(v);
  for (const auto& [k, v] : s.bonuses) bonuses[k] = num(v);
  for (const auto& [k, v] : s.category_weights) weights[k] = num(v);
  if (!s.violation_severity.empty() || !s.violation_rules.empty()) {
    nlohmann::json vio = nlohmann::json::object();
    for (const auto& [k, v] : s.violation_severity) vio[k] = num(v);
    if (!s.violation_rules.empty()) {
      nlohmann::json rules = nlohmann::json::object();
      for (const auto& [k, v] : s.violation_rules) rules[k] = num(v);
      vio["by_rule"] = rules;
    }
    ded["violation"] = vio;
  }
  if (!s.finding_categories.empty()) {
    nlohmann::json f = nlohmann::json::object();
    for (const auto& [k, v] : s.finding_categories) f[k] = num(v);
    ded["review_finding"] = f;
  }
  for (const auto& [k, v] : s.deductions) ded[k] = num(v);
  j["stages"] = stages;
  j["bonuses"] = bonuses;
  j["category_weights"] = weights;
  j["deductions"] = ded;
  nlohmann::json caps = nlohmann::json::object();
  if (s.cap_positive) caps["monthly_positive"] = num(*s.cap_positive);
  if (s.cap_negative) caps["monthly_negative"] = num(*s.cap_negative);
  if (!s.act_caps.empty()) {
    nlohmann::json acts = nlohmann::json::object();
    for (const auto& [k, v] : s.act_caps) acts[k] = num(v);
    caps["acts"] = acts;
  }
  j["caps"] = caps;
  j["per_capita"] = s.per_capita_police_only ? "police" : "all";
  return j;
}

nlohmann::json DefaultSchemeDocument() {
  return nlohmann::json::parse(R"({
    "objection_days": 3,
    "split": {"lead_percent": 70, "assist_percent": 30},
    "stages": {"accept_case": 1, "file_case": 2, "conclude_case": 3, "transfer_prosecution": 5,
               "penalty_decision": 2, "fast_track_concluded": 2},
    "category_weights": {"电信网络诈骗": 1.5, "涉黑涉恶": 2, "拐卖": 2, "经济犯罪": 1.3, "毒品": 1.2},
    "deductions": {
      "violation": {"normal": 2, "serious": 5},
      "review_finding": {"evidence": 2, "procedure": 1, "characterization": 3},
      "order_overdue": 2,
      "case_rating_poor": 10,
      "complaint_substantiated": 5,
      "inspection_finding": 1,
      "no_qualification": 2
    },
    "bonuses": {"case_rating_good": 5, "case_rating_excellent": 10, "typical_case": 8, "patrol_checkin": 0.1,
                "patrol_catch": 1},
    "caps": {"monthly_positive": 150, "monthly_negative": 60, "acts": {"patrol_checkin": 2}},
    "per_capita": "police"
  })");
}

}  // namespace fazhi::scoring
