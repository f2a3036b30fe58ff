// File-name helpers shared by the spreadsheet reader and the attachment store.
#pragma once

#include <string>
#include <string_view>

namespace fazhi::files {

// The lower-case extension of a file name ("报表.XLSX" → "xlsx"), folders in front ignored; empty
// when there is none.
std::string LowerExtension(std::string_view filename);

}  // namespace fazhi::files
