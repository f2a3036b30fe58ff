// Internal to the org module: what the service (org_service.cpp) and the roster import/export
// (org_roster.cpp) share besides SQL — the permission check, audit diffs, the unique-index
// conflict, and a person's PII: sealing it for storage, unsealing it for the caller (masked unless
// people.pii) and what the audit trail keeps of it (always masked).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "auth/vault.h"
#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"
#include "org/org_store.h"
#include "org/org_types.h"
#include "org/person_rules.h"

namespace fazhi::org::detail {

// Forbidden unless the caller holds `permission`.
Result<void> Require(const auth::Principal& who, std::string_view permission);

// {"before":{changed fields}, "after":{changed fields}} of two flat JSON objects.
nlohmann::json Diff(const nlohmann::json& before, const nlohmann::json& after);

// Runs fn; a unique-index violation (two writers raced past the explicit check) becomes Conflict
// with `message`. Every other exception goes on to the request boundary.
template <typename F>
auto CatchUnique(F&& fn, const char* message) -> decltype(fn()) {
  try {
    return fn();
  } catch (const soci::soci_error& e) {
    if (db::IsUniqueViolation(e)) return Conflict(message, "duplicate");
    throw;
  }
}

// The stored person's plaintext fields. Internal when the PII cannot be decrypted (wrong key file).
Result<PersonDraft> DraftOf(const auth::Vault& vault, const PersonRow& row);
// The person as a caller sees them: PII plain when `pii`, masked otherwise.
Result<Person> ToPerson(const auth::Vault& vault, const PersonRow& row, bool pii);
// The row to write for `d` in unit `unit_id` of 分县局 `bureau_id`. PII is sealed; unchanged
// plaintext keeps the old ciphertext (`old` / `old_plain`, when updating), so a no-op update stays
// a no-op. `old` also gives the id.
PersonRow SealedRow(const auth::Vault& vault, const PersonDraft& d, std::int64_t unit_id, std::int64_t bureau_id,
                    bool active, const PersonRow* old = nullptr, const PersonDraft* old_plain = nullptr);
// The people of `rows` as the caller sees them; the ids whose PII is shown unmasked are appended
// to `unmasked_ids` (for the person.read_pii audit row).
Result<std::vector<Person>> ToPeople(const auth::Vault& vault, const std::vector<PersonRow>& rows, bool pii,
                                     std::vector<std::int64_t>& unmasked_ids);
// The store's query for a people filter in the caller's scope. NotFound (field unit_id) when
// filter.unit_id is outside the scope.
Result<PeopleQuery> PeopleQueryFor(soci::session& sql, const auth::Principal& who, const PersonFilter& filter);
// What the audit trail keeps of a person: never plaintext PII, only masked values.
nlohmann::json PersonAuditJson(const PersonDraft& d, std::int64_t unit_id, bool active);
// Appends the person.read_pii row for unmasked data about to be returned (nothing for no ids).
Result<void> AuditPiiRead(db::Database& db, const Clock& clock, const audit::Actor& actor,
                          const std::vector<std::int64_t>& ids, std::string_view via);

}  // namespace fazhi::org::detail
