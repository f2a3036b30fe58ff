// 中文 names of the audit trail's codes: actions ("supervision_order.close" → "督办·审核办结") and
// object types ("score_objection" → "积分异议"), and the readable description of the objects of a
// page of rows (a case by its 案件编号, a person or an account by name). The one label source of
// the audit page: the rows carry these names and GET /api/audit/facets lists them for the filters.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/audit_log.h"
#include "db/database.h"
#include "db/sql.h"

namespace fazhi::audit {

// The 中文 name of an action; an action not in the table is named from its parts (object · verb),
// and only a part with no name at all is shown as it is.
std::string ActionName(std::string_view action);
// The 中文 name of an object type, or the code when unknown.
std::string ObjectTypeName(std::string_view type);

// What a person reads for the object of each row: "案件 A3705…" / "人员 张伟 #12" / "单位 东街派出所 #3" /
// "账号 王强（wangq）";
// rows whose object has no better description get "<type name> #<id>". Keyed by "type:id".
std::map<std::string, std::string> DescribeObjects(db::Database& db, const std::vector<Row>& rows);

// The " WHERE …" clause of Search (the filters and the scope of `q`), its values added to `a`
// (audit_log.cpp).
std::string SearchWhere(const Query& q, db::SqlArgs& a);

struct Facet {
  std::string code, name;
  std::int64_t count = 0;
};
struct Facets {
  std::vector<Facet> actions, object_types;
};
// Every action and object type the chain holds (within the same scope as Search), with names.
Facets ListFacets(db::Database& db, const Query& scope);

}  // namespace fazhi::audit
