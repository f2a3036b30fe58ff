// The modules of fazhi, in dependency order. A new module adds one line to AllModules()
// (src/app/modules.cpp) and its library to src/app/CMakeLists.txt.
#pragma once

#include <vector>

#include "kit/module.h"

namespace fazhi {

const std::vector<kit::ModuleSpec>& AllModules();

}  // namespace fazhi
