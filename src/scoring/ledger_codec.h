// A draft ledger stored compactly (issue 16, docs/scoring.md 第五轮): instead of one score_entries
// row per entry (~250 bytes with its indexes, half a million rows for a city month), a computed
// draft is kept as one text per bureau and month — the compact Ledger (its rows and the facts they
// refer to) in a small binary form, deflated (zlib) and base64-encoded. Decoding gives back a Ledger
// whose Entries() and SerializeLedger are byte for byte those of the encoded one, so the entries,
// the reasons and the ledger hash of a stored draft are the computed ones. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scoring/ledger.h"

namespace fazhi::scoring {

// The stored text of `ledger` (ASCII; only the facts its rows refer to are kept).
std::string EncodeLedger(const Ledger& ledger);
// The ledger of a text EncodeLedger wrote; nullopt when the text is damaged or of another format.
std::optional<Ledger> DecodeLedger(std::string_view text);

}  // namespace fazhi::scoring
