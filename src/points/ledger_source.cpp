#include "points/ledger_source.h"

namespace fazhi::points {

std::string CaseLabel(std::string_view external_id, std::string_view title) {
  std::string out(external_id);
  if (!title.empty()) out.append("（").append(title).append("）");
  return out;
}

}  // namespace fazhi::points
