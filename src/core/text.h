// Small text utilities that know about UTF-8 (Chinese names count as one character each).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fazhi {

// Number of Unicode code points; -1 if the bytes are not valid UTF-8.
std::ptrdiff_t Utf8Length(std::string_view s);
bool IsValidUtf8(std::string_view s);
// Removes ASCII white space and U+3000 (全角空格) at both ends.
std::string Trim(std::string_view s);
// Masks all but the first `keep_front` and last `keep_back` code points with '*'.
std::string MaskMiddle(std::string_view s, int keep_front, int keep_back);
// At most `max_chars` code points of `s` (cut at a character boundary, "…" appended when cut);
// invalid UTF-8 is shown as "?" so the result is always safe to put in a message.
std::string Utf8Prefix(std::string_view s, int max_chars);
// Lower-case hex of bytes.
std::string ToHex(std::string_view bytes);
// Escapes % and _ (and the escape char \) for use in LIKE ... ESCAPE '\'.
std::string EscapeLike(std::string_view s);

}  // namespace fazhi
