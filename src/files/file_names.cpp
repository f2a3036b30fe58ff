#include "files/file_names.h"

namespace fazhi::files {

std::string LowerExtension(std::string_view filename) {
  const auto slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  const auto dot = filename.rfind('.');
  if (dot == std::string_view::npos) return {};
  std::string ext(filename.substr(dot + 1));
  for (char& c : ext)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return ext;
}

}  // namespace fazhi::files
