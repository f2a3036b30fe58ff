// Finding a unit by the name a roster or a case export writes for it (docs/org.md "单位的写法"),
// for the imports of org and cases. A unit is named by its 全称 (刑事侦查大队) or 简称 (刑侦大队),
// either one preceded by the names of up to three of its ancestors, written one after the other
// (城区分局东街派出所) or as a path (城区分局/东街派出所), or by its 单位编码. Whitespace is
// ignored and ／ or \ read as /. A name matches only when exactly one unit in scope has it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "db/soci.h"

namespace fazhi::org {

class UnitNames {
 public:
  // One stored unit (every unit is needed, not only those in scope: ancestors name the others).
  struct Entry {
    std::int64_t id = 0;
    std::string name, short_name, code;
    std::string path;  // "/1/2/5/"
  };

  // Indexes the units of `all` whose path starts with `scope_path`.
  UnitNames(const std::vector<Entry>& all, std::string_view scope_path);

  // The id of the unit in scope that `text` names. InvalidArgument with a 中文 message when none
  // does, or when more than one does (the message names the candidates as paths).
  Result<std::int64_t> Find(std::string_view text) const;

 private:
  std::unordered_map<std::string, std::vector<std::int64_t>> by_key_, by_code_;
  std::unordered_map<std::int64_t, std::string> display_;  // id → "城区分局/东街派出所"
};

// Reads every unit and indexes those under `scope_path`. Throws soci::soci_error.
UnitNames LoadUnitNames(soci::session& sql, std::string_view scope_path);

}  // namespace fazhi::org
