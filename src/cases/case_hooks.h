// Contract between the case file (src/cases) and supervision in the running system (src/oversight).
// The cases module calls these hooks; the oversight module implements them. Both run inside the
// caller's transaction (`sql` comes from Database::Write), so an event and the alerts it
// causes commit together or not at all.
#pragma once

#include <cstdint>
#include <string>

#include "auth/principal.h"
#include "core/error.h"
#include "db/soci.h"
#include "files/document.h"

namespace fazhi::cases {

class CaseHooks {
 public:
  virtual ~CaseHooks() = default;

  // The case's event log, persons or header changed (event added/imported, case created or
  // edited). Re-evaluates the case's rule clocks and stores alerts, violations and notifications.
  // An error rolls back the whole change.
  virtual Result<void> OnCaseChanged(soci::session& sql, std::int64_t case_id) = 0;

  // Called before the case moves from status `from` to `to`. Returns Conflict (with a 中文 message
  // naming the missing review) when a gated stage has no passing 法制员 review.
  virtual Result<void> CheckTransition(soci::session& sql, std::int64_t case_id, const std::string& from,
                                       const std::string& to) = 0;

  // 一案一档 (CaseService::Dossier): appends the sections supervision keeps about the case — its
  // clocks with their legal basis, the 法制员 reviews, the 督办 — after the case file's own
  // sections of `doc`. Runs inside the caller's transaction; the case exists and is visible to
  // `who`. An error aborts the document. Default: adds nothing.
  virtual Result<void> AddDossierSections(soci::session& sql, const auth::Principal& who, std::int64_t case_id,
                                          files::Document& doc) {
    (void)sql, (void)who, (void)case_id, (void)doc;
    return {};
  }
};

}  // namespace fazhi::cases
