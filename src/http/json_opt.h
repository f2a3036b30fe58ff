// An optional value as JSON for route answers: the value, or null when absent.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

namespace fazhi::http {

template <typename T>
nlohmann::json OptJson(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

}  // namespace fazhi::http
