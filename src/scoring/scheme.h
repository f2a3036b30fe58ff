// Scoring schemes (积分方案) as data: what each act a case reaches is worth, how points are split
// between 主办 and 协办, case-category weights, quality deductions and bonuses, monthly caps, the
// objection window. Pure code: parsing and validation only, no database, no clock. (The month a
// ledger is about, points::MonthKey, lives in points/month.h.)
//
// Points are held as integer hundredths (centi-points, "2.5 分" = 250) everywhere, so that the
// ledger never drifts by floating-point rounding and recomputation is byte-for-byte repeatable.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fazhi::scoring {

// Hundredths of a point.
using Centi = std::int64_t;

// "2.5" for 250, "-0.35" for -35, "3" for 300 (no trailing zeros).
std::string FormatPoints(Centi c);

// How an act earns or costs points.
enum class ActKind : std::uint8_t {
  kStage,      // a stage a case reaches: positive, category-weighted, split 主办/协办
  kDeduction,  // a quality problem: negative, charged to the responsible officer(s)
  kBonus,      // a quality distinction: positive, split 主办/协办, not weighted
};

// One act a scheme may give points to. The list is closed: a scheme naming anything else is refused.
struct ActInfo {
  std::string_view key;      // stable identifier used in scheme documents and ledger entries
  std::string_view name_zh;  // 中文 name
  ActKind kind;
  std::string_view source;  // the ledger source that produces facts for it (points::LedgerSource::id)
  bool wired;               // false: the source belongs to a module not written yet (no facts so far)
};
std::span<const ActInfo> Acts();
const ActInfo* FindAct(std::string_view key);

// An indicator provincial rules forbid as a target (考核指标): 罚没款金额, 刑拘数/行拘数, 发案数, 破案率, 退查率.
struct ForbiddenIndicator {
  std::string_view key;      // one spelling, e.g. "fine_amount" or "罚没款金额"
  std::string_view name_zh;  // the indicator it belongs to, e.g. "罚没款金额"
};
std::span<const ForbiddenIndicator> ForbiddenIndicators();
// The indicator `key` spells, or nullptr.
const ForbiddenIndicator* FindForbidden(std::string_view key);

// Review-finding categories (审核问题类别) and violation severities the tables use.
inline constexpr std::string_view kFindingCategories[] = {"evidence", "procedure", "characterization"};
inline constexpr std::string_view kSeverities[] = {"normal", "serious"};
std::string_view FindingCategoryName(std::string_view category);  // 证据 / 程序 / 定性
std::string_view SeverityName(std::string_view severity);         // 一般 / 严重

// A parsed, validated scheme document. Every amount is in centi-points; weights and split shares
// are percentages (150 = ×1.5).
struct Scheme {
  int objection_days = 3;                           // 复核 window after publication, in days (start day not counted)
  int lead_percent = 70;                            // 主办 share of a case's points
  int assist_percent = 30;                          // 协办 share, divided equally among the case's 协办
  std::map<std::string, Centi> stages;              // stage act → points
  std::map<std::string, int> category_weights;      // cases.category → percent (absent = 100)
  std::map<std::string, Centi> violation_severity;  // "normal"/"serious" → deduction (positive number)
  std::map<std::string, Centi> violation_rules;     // supervision rule id → deduction, overrides severity
  std::map<std::string, Centi> finding_categories;  // evidence/procedure/characterization → deduction
  std::map<std::string, Centi> deductions;          // other deduction acts → deduction (positive number)
  std::map<std::string, Centi> bonuses;             // bonus act → points
  std::optional<Centi> cap_positive;                // most positive points per officer per month
  std::optional<Centi> cap_negative;                // most deducted points per officer per month (positive number)
  std::map<std::string, Centi> act_caps;            // caps.acts: bonus act → most points per officer per month
  bool per_capita_police_only = true;               // unit per-capita over 民警 (true) or 民警+辅警

  // Points of a stage / bonus act, 0 if not configured.
  Centi StagePoints(std::string_view act) const;
  Centi BonusPoints(std::string_view act) const;
  // Weight in percent for a case category (100 when not listed).
  int WeightFor(std::string_view category) const;
};

// Parses and validates a scheme document (the JSON object described in docs/scoring.md). Errors
// (InvalidArgument; `field` is the JSON path of the offending item, e.g. "document.stages.detain"):
//   reason forbidden_indicator — a key naming an indicator provincial rules forbid (罚没款金额 …);
//   reason coercive_measure    — a coercive measure (拘留, 逮捕 …) given points by itself;
//   reason unknown_act         — a stage/bonus/deduction key that is not in Acts(), an unknown rule id;
//   reason negative_cap        — a cap below zero (or zero);
//   reason invalid_value       — a wrong type, an amount out of range or with more than two decimals,
//                                split shares not adding up to 100, an unknown key.
// Forbidden keys are searched for anywhere in the document first, so that message always wins.
Result<Scheme> ParseScheme(const nlohmann::json& document);

// The canonical JSON form of a scheme (keys sorted, amounts as numbers with at most two decimals).
// ParseScheme(SchemeJson(s)) == s.
nlohmann::json SchemeJson(const Scheme& s);

// The default scheme installed by the demo (试行), in the document format.
nlohmann::json DefaultSchemeDocument();

}  // namespace fazhi::scoring
