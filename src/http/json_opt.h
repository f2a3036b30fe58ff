// An optional value as JSON for route answers: the value, or null when absent. The same rule as
// FZ_JSON's members (core/json_fields.h), whose JsonOf it is.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "core/json_fields.h"

namespace fazhi::http {

template <typename T>
nlohmann::json OptJson(const std::optional<T>& v) {
  return JsonOf(v);
}

}  // namespace fazhi::http
