#include "patrol/patrol_points.h"

#include <fmt/format.h>

#include "core/local_time.h"
#include "db/sql.h"

namespace fazhi::patrol {

namespace {

class PatrolSource final : public points::LedgerSource {
 public:
  std::string_view id() const override { return "patrol"; }
  std::string_view name_zh() const override { return "五化巡防"; }
  Result<void> Collect(soci::session& sql, const points::MonthScope& s,
                       std::vector<points::RawFact>& out) const override {
    db::SqlArgs a;
    db::Each(sql,
             fmt::format("SELECT c.id, c.arrived_at, p.name AS point_name, us.person_id FROM patrol_checkins c JOIN "
                         "patrol_points p ON p.id = c.point_id JOIN users us ON us.id = c.user_id WHERE c.bureau_id "
                         "= {} AND c.arrived_at >= {} AND c.arrived_at < {} AND c.flags = '' AND c.left_at IS NOT "
                         "NULL AND us.person_id IS NOT NULL",
                         a.Int(s.bureau_id), a.Int(s.from), a.Int(s.to)),
             a, [&](const db::Row& r) {
               points::RawFact f;
               f.act = "patrol_checkin";
               f.object_type = "patrol_checkin";
               f.object_id = r.Int("id");
               f.at = r.Int("arrived_at");
               f.officers = {{r.Int("person_id"), true}};
               f.note = fmt::format("{}（{}）", r.Str("point_name"), FormatLocalDateTime(f.at));
               out.push_back(std::move(f));
             });
    db::SqlArgs b;
    db::Each(sql,
             fmt::format("SELECT l.id, l.at, l.place, l.result, us.person_id FROM patrol_logs l JOIN users us ON "
                         "us.id = l.user_id WHERE l.bureau_id = {} AND l.kind = 'catch' AND l.at >= {} AND l.at < {} "
                         "AND us.person_id IS NOT NULL",
                         b.Int(s.bureau_id), b.Int(s.from), b.Int(s.to)),
             b, [&](const db::Row& r) {
               points::RawFact f;
               f.act = "patrol_catch";
               f.object_type = "patrol_log";
               f.object_id = r.Int("id");
               f.at = r.Int("at");
               f.officers = {{r.Int("person_id"), true}};
               const std::string place = r.Str("place"), result = r.Str("result");
               f.note = fmt::format("{}{}{}（{}）", place.empty() ? "巡逻中" : place, result.empty() ? "" : "，",
                                    result, FormatLocalDateTime(f.at));
               out.push_back(std::move(f));
             });
    return {};
  }
};

}  // namespace

std::unique_ptr<points::LedgerSource> MakeLedgerSource() { return std::make_unique<PatrolSource>(); }

}  // namespace fazhi::patrol
