// Paging and sorting, the same for every list endpoint:
// ?page=1&page_size=20&sort=<field>&order=asc|desc → {"items":[…],"total":N,"page":1,"page_size":20}.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fazhi {

struct PageRequest {
  int page = 1;        // 1-based
  int page_size = 20;  // 1..200
  std::string sort;    // a field from the endpoint's whitelist, or empty for its default
  bool descending = false;

  std::int64_t Offset() const { return static_cast<std::int64_t>(page - 1) * page_size; }
};

template <typename T>
struct Paged {
  std::vector<T> items;
  std::int64_t total = 0;
};

}  // namespace fazhi
