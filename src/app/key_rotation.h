// Rotating the personal-data key (`fazhi key rotate`, docs/operations.md §4): every encrypted
// column (a column whose name ends in _enc, in any table, so that a module's new column is never
// missed) is decrypted with the current key and encrypted with a new one, its blind index (the
// column of the same name ending in _hash) recomputed, and the key check value replaced — in one
// write transaction, so a failure leaves the database on the old key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/vault.h"
#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi {

struct KeyRotation {
  std::int64_t values = 0;           // encrypted values re-encrypted
  std::int64_t indexes = 0;          // blind indexes recomputed
  std::vector<std::string> columns;  // "table.column" of every encrypted column
};

// The check value stored in key_check for `vault`'s key (compared at every start).
std::string KeyCheckValue(const auth::Vault& vault);

// Re-encrypts everything from `current` to `next` and stores next's check value. Errors:
// InvalidArgument naming table, column and row when a value does not decrypt with `current`
// (nothing is changed then); database failures throw.
// Audited as key.rotate (the counts, never a key).
Result<KeyRotation> RotateKey(db::Database& db, const Clock& clock, const auth::Vault& current,
                              const auth::Vault& next);

}  // namespace fazhi
