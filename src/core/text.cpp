#include "core/text.h"

#include <vector>

namespace fazhi {

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 if invalid.
size_t SeqLen(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  if (n == 2 && c < 0xC2) return 0;  // overlong
  return n;
}

std::vector<std::string_view> CodePoints(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    size_t n = SeqLen(s, i);
    if (n == 0) n = 1;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

std::ptrdiff_t Utf8Length(std::string_view s) {
  std::ptrdiff_t count = 0;
  for (size_t i = 0; i < s.size(); ++count) {
    const size_t n = SeqLen(s, i);
    if (n == 0) return -1;
    i += n;
  }
  return count;
}

bool IsValidUtf8(std::string_view s) { return Utf8Length(s) >= 0; }

std::string Trim(std::string_view s) {
  static constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  for (bool changed = true; changed;) {
    changed = false;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
      s.remove_prefix(1);
      changed = true;
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
      s.remove_suffix(1);
      changed = true;
    }
    if (s.starts_with(kIdeographicSpace)) {
      s.remove_prefix(kIdeographicSpace.size());
      changed = true;
    }
    if (s.ends_with(kIdeographicSpace)) {
      s.remove_suffix(kIdeographicSpace.size());
      changed = true;
    }
  }
  return std::string(s);
}

std::string MaskMiddle(std::string_view s, int keep_front, int keep_back) {
  const auto cps = CodePoints(s);
  const int n = static_cast<int>(cps.size());
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i < keep_front || i >= n - keep_back)
      out += cps[i];
    else
      out += '*';
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

std::string EscapeLike(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string Utf8Prefix(std::string_view s, int max_chars) {
  if (!IsValidUtf8(s)) return "?";
  std::string out;
  int chars = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (chars == max_chars) return out + "…";
    out.append(s.substr(i, len));
    ++chars;
    i += len;
  }
  return out;
}

}  // namespace fazhi
