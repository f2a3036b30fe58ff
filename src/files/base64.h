#pragma once
// Base64 (RFC 4648, standard alphabet, padded) through libsodium: the one place fazhi encodes bytes
// as text, for attachments stored in the database, data: URLs in pages and the compact score ledger.
#include <optional>
#include <string>
#include <string_view>

namespace fazhi::files {

std::string Base64(std::string_view bytes);
// nullopt when `text` is not padded standard base64.
std::optional<std::string> FromBase64(std::string_view text);

}  // namespace fazhi::files
