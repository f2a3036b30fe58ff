// Members as JSON under their own names: FZ_JSON(plan, id, unit_id, name) is the object
// {"id": plan.id, "unit_id": plan.unit_id, "name": plan.name}. Each name is written once, so a key
// cannot drift from the member it shows. An empty std::optional is null.
//
// Keys a member does not give (a label, a nested list) join with Merged:
//   return Merged(FZ_JSON(p, id, name), {{"level_name", LevelName(p.level)}});
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "core/for_each.h"

namespace fazhi {

template <typename T>
nlohmann::json JsonOf(const T& v) {
  return nlohmann::json(v);
}
template <typename T>
nlohmann::json JsonOf(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

// `base` with the members of `more` added (an object literal such as {{"key", value}}).
inline nlohmann::json Merged(nlohmann::json base, const nlohmann::json& more) {
  base.update(more);
  return base;
}

}  // namespace fazhi

#define FZ_JSON(obj, ...)                                    \
  ([&] {                                                     \
    nlohmann::json fz_json_ = nlohmann::json::object();      \
    FZ_FOR_EACH(FZ_JSON_MEMBER_, obj, fz_json_, __VA_ARGS__) \
    return fz_json_;                                         \
  }())
#define FZ_JSON_MEMBER_(obj, out, name) out[#name] = ::fazhi::JsonOf((obj).name);
