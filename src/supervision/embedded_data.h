// Data files embedded in the library at build time (generated from embedded_data.cpp.in by CMake,
// see CMakeLists.txt), so the binary works from any directory.
#pragma once

#include <string_view>

namespace fazhi::supervision {

extern const std::string_view kEmbeddedCalendarJson;  // data/calendar.json
extern const std::string_view kEmbeddedCatalogJson;   // data/catalog.json

}  // namespace fazhi::supervision
