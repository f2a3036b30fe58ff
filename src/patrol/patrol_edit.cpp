// Editing one 巡区 or 必到点 drawn on the map page (issue 15 item 1): update and delete, scope = the
// caller's unit subtree (outside answers 404 like a missing id). The geometry arrives as one GeoJSON
// Feature and goes through ParseGeoJson, so a drawn polygon is checked exactly like an imported one.
#include <algorithm>

#include <fmt/format.h>

#include "auth/roles.h"
#include "org/org_reads.h"
#include "patrol/patrol_geo.h"
#include "patrol/patrol_service.h"
#include "patrol/patrol_store.h"

namespace fazhi::patrol {

using nlohmann::json;

namespace {

audit::Entry EditAudit(std::string action, std::string type, std::int64_t id, std::string summary) {
  return {std::move(action), std::move(type), std::to_string(id), std::move(summary), json::object()};
}

Result<void> NeedManage(const auth::Principal& who) {
  if (!who.Has(auth::perm::kPatrolManage)) return Forbidden("没有执行该操作的权限", "forbidden");
  return {};
}

// The one feature of `type` in `feature`, parsed as in an import.
Result<ImportResult> ParseOne(const json& feature, std::string_view type) {
  if (!feature.is_object() || !feature.contains("geometry") || !feature["geometry"].is_object() ||
      feature["geometry"].value("type", "") != type)
    return Invalid(fmt::format("应提交一个 {} 要素", type == "Polygon" ? "Polygon（巡区）" : "Point（必到点）"),
                   "feature", "invalid_geojson");
  return ParseGeoJson(json{{"type", "FeatureCollection"}, {"features", json::array({feature})}});
}

}  // namespace

Result<Area> PatrolService::UpdateArea(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                       const json& feature) {
  FZ_CHECK(NeedManage(who));
  const ImportResult parsed = FZ_TRY(ParseOne(feature, "Polygon"));
  return db_.Write([&](soci::session& sql) -> Result<Area> {
    auto a = FindArea(sql, id, who.unit_path);
    if (!a) return NotFound("巡区不存在");
    a->name = parsed.areas[0].name;
    a->ring = parsed.areas[0].ring;
    a->in_town = parsed.areas[0].in_town;
    patrol::UpdateArea(sql, *a);
    audit::Append(sql, clock_, actor, EditAudit("patrol.area_update", "patrol_area", id, "修改巡区：" + a->name));
    return *a;
  });
}

Result<void> PatrolService::DeleteArea(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  FZ_CHECK(NeedManage(who));
  return db_.Write([&](soci::session& sql) -> Result<void> {
    auto a = FindArea(sql, id, who.unit_path);
    if (!a) return NotFound("巡区不存在");
    patrol::DeleteArea(sql, id);
    audit::Append(sql, clock_, actor, EditAudit("patrol.area_delete", "patrol_area", id, "删除巡区：" + a->name));
    return {};
  });
}

Result<Point> PatrolService::UpdatePoint(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                         const json& feature) {
  FZ_CHECK(NeedManage(who));
  const ImportResult parsed = FZ_TRY(ParseOne(feature, "Point"));
  return db_.Write([&](soci::session& sql) -> Result<Point> {
    auto p = FindPoint(sql, id, who.unit_path);
    if (!p) return NotFound("必到点不存在");
    const Point& n = parsed.points[0];
    p->name = n.name;
    p->at = n.at;
    p->radius_m = n.radius_m;
    p->min_stay_s = n.min_stay_s;
    // Moved: filed again under the first area of its unit that holds it (as on import).
    p->area_id.reset();
    p->area_name.clear();
    if (auto u = org::ReadUnit(sql, p->unit_id))
      for (const auto& a : ListAreas(sql, u->path))
        if (a.unit_id == p->unit_id && Contains(a.ring, p->at)) {
          p->area_id = a.id;
          p->area_name = a.name;
          break;
        }
    patrol::UpdatePoint(sql, *p);
    audit::Append(sql, clock_, actor, EditAudit("patrol.point_update", "patrol_point", id, "修改必到点：" + p->name));
    return *p;
  });
}

Result<void> PatrolService::DeletePoint(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  FZ_CHECK(NeedManage(who));
  return db_.Write([&](soci::session& sql) -> Result<void> {
    auto p = FindPoint(sql, id, who.unit_path);
    if (!p) return NotFound("必到点不存在");
    if (const auto n = CountCheckinsAt(sql, id); n > 0)
      return Conflict(fmt::format("必到点“{}”已有 {} 次签到记录，不能删除（可修改名称或位置）", p->name, n),
                      "has_checkins");
    patrol::DeletePoint(sql, id);
    audit::Append(sql, clock_, actor, EditAudit("patrol.point_delete", "patrol_point", id, "删除必到点：" + p->name));
    return {};
  });
}

}  // namespace fazhi::patrol
