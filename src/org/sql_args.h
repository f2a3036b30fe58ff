// The SQL helpers of db/sql.h under the names the org and cases modules use.
#pragma once

#include "db/sql.h"

namespace fazhi::org::detail {

using db::Exec;
using db::ForEachRow;
using db::SqlArgs;

}  // namespace fazhi::org::detail
