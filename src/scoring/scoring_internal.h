// Internal to the scoring module: what the service's files share — permission and scope checks,
// the officer directory as the ledger sees it, computing a month from the ledger sources.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "core/clock.h"
#include "core/error.h"
#include "db/soci.h"
#include "org/org_reads.h"
#include "points/month.h"
#include "scoring/scoring_types.h"

namespace fazhi::scoring::detail {

Result<void> RequireRead(const auth::Principal& who);
Result<void> RequireManage(const auth::Principal& who);
bool IsManager(const auth::Principal& who);

// A bureau's legal unit (法制大队 / 法制部门 …), by its category or, when the category is empty, its name.
bool IsLegalUnit(const std::string& name, const std::string& category);

// The bureau (分县局) an operation is about: `bureau_id`, else the caller's own. Managing needs the
// bureau in scope; reading accepts the caller's own bureau too (an officer of a 派出所 sees his
// bureau's published rankings, filtered). NotFound when it is not a bureau the caller may use;
// InvalidArgument when none is given and the caller has no bureau of his own.
Result<org::UnitRef> ResolveBureau(soci::session& sql, const auth::Principal& who,
                                   std::optional<std::int64_t> bureau_id, bool manage);
// The path prefix a view is narrowed to: the caller's scope, or a unit inside it (NotFound otherwise).
Result<std::string> ViewPrefix(soci::session& sql, const auth::Principal& who, const org::UnitRef& bureau,
                               std::optional<std::int64_t> unit_id);
// The officers and units of `r` under the path prefix (ranks stay bureau-wide).
Rankings FilterRankings(const Rankings& r, const std::string& prefix);

// The bureau's people and units as the ledger and the rankings take them.
std::vector<PersonInfo> LoadPeople(soci::session& sql, const std::string& bureau_path);
std::vector<UnitInfo> LoadUnits(soci::session& sql, const std::string& bureau_path);

// A month computed in memory: the scheme in force, the compact ledger (unit of every row filled in)
// and the directory it was computed against.
struct Draft {
  SchemeVersion scheme;
  Ledger ledger;
  std::vector<PersonInfo> people;
  std::vector<UnitInfo> units;
  int skipped = 0;  // facts that named an officer from outside the bureau (not credited)
};
// Collects the facts of (bureau, month) from every source and computes the ledger. Conflict
// (no_scheme) when no scheme covers the month; a source's error as it is.
Result<Draft> ComputeDraft(soci::session& sql, const org::UnitRef& bureau, const points::MonthKey& month,
                           EpochSeconds as_of, const LedgerSources& sources);
// SHA-256 (hex) of the canonical ledger text, hashed piece by piece as it is written.
std::string LedgerHash(const Ledger& ledger);
// Rankings of a month from its stored entries (drafts, and the snapshots of publish/finalise).
Rankings RankingsNow(soci::session& sql, const org::UnitRef& bureau, const std::string& month, const Scheme& scheme);

// End of the objection window: `days` after publication, start day not counted, at local midnight.
EpochSeconds ObjectionDeadline(EpochSeconds published_at, int days);
// Who acted, as people read it in computed_by / published_by / decided_by: the name of the account's
// person, else its display name, else its login name; "系统" for background work without an account.
std::string Who(soci::session& sql, const audit::Actor& actor);

}  // namespace fazhi::scoring::detail
