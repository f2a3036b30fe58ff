// Escaping text for XML and HTML (DOCX parts, print pages, the points publicity sheet).
#pragma once

#include <string>
#include <string_view>

namespace fazhi {

// Escapes & < > " ' for XML and HTML text and attribute values.
std::string EscapeXml(std::string_view s);

}  // namespace fazhi
