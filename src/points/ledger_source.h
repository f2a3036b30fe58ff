// Ledger sources (积分来源): the interface through which a module earns or costs officers points.
// Each kind of fact a module owns (a case reaching a stage, a supervision violation, a review
// finding, an overdue 督办; later case evaluations, complaints, inspection findings, training
// results) sits behind one LedgerSource that reads the module's own tables and turns rows into
// RawFacts. A source never computes points: that is the scoring module's job, with the scheme in
// force (scoring/ledger.h).
//
// A module registers its sources in kit::Module::AddLedgerSources; the scoring module collects
// them from every module at startup. This library is small on purpose: a module links it, not
// scoring.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "db/soci.h"
#include "points/month.h"

namespace fazhi::points {

// One officer attached to a fact: for stage and bonus facts the case's 主办 and 协办, for quality
// facts the responsible officer.
struct FactOfficer {
  std::int64_t person_id = 0;
  bool lead = false;
  friend bool operator==(const FactOfficer&, const FactOfficer&) = default;
};

// Something that happened in a month and may earn or cost points, as a ledger source reads it.
struct RawFact {
  std::string act;          // an act key of the scoring schemes: "accept_case", "violation", "review_finding", …
  std::string variant;      // violation: severity; review_finding: category; else empty
  std::string rule_id;      // violation: the supervision rule id
  std::string object_type;  // what the entry links to: "case", "violation", "review_finding", "supervision_order", …
  std::int64_t object_id = 0;
  std::int64_t case_id = 0;   // 0 = not about a case
  std::string case_label;     // 案件编号 and title, for the reason text (CaseLabel)
  std::string case_category;  // cases.category (打击类别), for the weight
  EpochSeconds at = 0;        // when it happened (its month is the ledger month)
  std::vector<FactOfficer> officers;
  std::string note;  // short 中文 detail for the reason (rule message, finding text …)
  // How many times the act's points it counts (an inspection finding: its checklist item's 分值);
  // used by acts without a variant or rule basis.
  int units = 1;
};

// How a fact names its case in reasons: the case number, then the title in full-width brackets
// ("A123（某某盗窃案）"); the number alone when the title is empty.
std::string CaseLabel(std::string_view external_id, std::string_view title);

class LedgerSource {
 public:
  virtual ~LedgerSource() = default;
  // Stable identifier, e.g. "case_stage"; the act keys it produces name it as their source.
  virtual std::string_view id() const = 0;
  // 中文 name for listings.
  virtual std::string_view name_zh() const = 0;
  // Appends the facts of `scope` to `out`, in any order (the ledger orders them). Runs inside the
  // caller's transaction or read session and must not borrow another session. Called from several
  // threads at once (request threads, a city month's bureaus in parallel): a source keeps no
  // mutable state. Errors: Internal on a failure it detects; database errors throw
  // (soci::soci_error) and reach the caller's boundary.
  virtual Result<void> Collect(soci::session& sql, const MonthScope& scope, std::vector<RawFact>& out) const = 0;
};

}  // namespace fazhi::points
