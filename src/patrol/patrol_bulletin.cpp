#include "patrol/patrol_bulletin.h"

#include <fmt/format.h>

#include "db/sql.h"
#include "patrol/patrol_service.h"
#include "patrol/patrol_store.h"
#include "volunteers/volunteers_reads.h"

namespace fazhi::patrol {

namespace {

std::int64_t Scalar(soci::session& sql, const std::string& q, const db::SqlArgs& a) {
  return db::ScalarInt(sql, q, a).value_or(0);
}

struct Checkins {
  std::int64_t total = 0, flagged = 0;
};
Checkins CountCheckins(soci::session& sql, const std::string& path, EpochSeconds from, EpochSeconds to) {
  Checkins c;
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN c.flags <> '' THEN 1 ELSE 0 END), 0) AS flagged "
                       "FROM patrol_checkins c JOIN units u ON u.id = c.unit_id WHERE c.arrived_at >= {} AND "
                       "c.arrived_at < {} AND {}",
                       a.Int(from), a.Int(to), db::PathUnder(a, "u.path", path)),
           a, [&](const db::Row& r) {
             c.total = r.Int("n");
             c.flagged = r.Int("flagged");
           });
  return c;
}

// A register's movement in the period: opened in it, closed in it, still open at its end, and of
// those the overdue ones (回访 / 整改 date before the period's end).
struct Register {
  std::int64_t opened = 0, closed = 0, open = 0, overdue = 0;
};
Register CountDisputes(soci::session& sql, const std::string& path, EpochSeconds from, EpochSeconds to) {
  const auto q = [&](const std::string& cond) {
    db::SqlArgs a;
    const std::string where = db::PathUnder(a, "u.path", path);
    return Scalar(sql,
                  fmt::format("SELECT COUNT(*) FROM patrol_disputes d JOIN units u ON u.id = d.unit_id WHERE {} AND {}",
                              where, fmt::format(fmt::runtime(cond), a.Int(from), a.Int(to))),
                  a);
  };
  // Open at the end: created before it and not closed before it.
  const std::string open_at_end = "d.created_at < {1} AND NOT (d.status = 'closed' AND d.closed_at < {1})";
  return {.opened = q("d.created_at >= {0} AND d.created_at < {1}"),
          .closed = q("d.status = 'closed' AND d.closed_at >= {0} AND d.closed_at < {1}"),
          .open = q(open_at_end),
          .overdue = q(open_at_end + " AND d.revisit_at < {1}")};
}
Register CountHazards(soci::session& sql, const std::string& path, EpochSeconds from, EpochSeconds to) {
  const auto q = [&](const std::string& cond) {
    db::SqlArgs a;
    const std::string where = db::PathUnder(a, "u.path", path);
    return Scalar(sql,
                  fmt::format("SELECT COUNT(*) FROM patrol_hazards h JOIN units u ON u.id = h.unit_id WHERE {} AND {}",
                              where, fmt::format(fmt::runtime(cond), a.Int(from), a.Int(to))),
                  a);
  };
  // Closed = re-checked and closed (recheck_at); open at the end: not closed before it.
  const std::string open_at_end = "h.created_at < {1} AND NOT (h.status = 'closed' AND h.recheck_at < {1})";
  return {.opened = q("h.created_at >= {0} AND h.created_at < {1}"),
          .closed = q("h.status = 'closed' AND h.recheck_at >= {0} AND h.recheck_at < {1}"),
          .open = q(open_at_end),
          .overdue = q(open_at_end + " AND h.fix_due < {1} AND (h.fixed_at IS NULL OR h.fixed_at >= {1})")};
}

std::string Minutes(std::int64_t seconds) { return fmt::format("{:.1f} 分钟", static_cast<double>(seconds) / 60.0); }

kit::BulletinTable ResponseTable(const ResponseReport& r, const std::string& src) {
  kit::BulletinTable t{.caption = "各单位警情到达用时",
                       .header = {"单位", "警情", "有到达记录", "按时到达", "按时率", "到达用时中位数"},
                       .rows = {},
                       .numeric = {false, true, true, true, true, true},
                       .source = src};
  for (const Bucket& b : r.by_unit)
    t.rows.push_back({b.unit_name, std::to_string(b.calls), std::to_string(b.arrived_n), std::to_string(b.arrive_ok),
                      kit::RatioText(b.arrive_ok, b.arrived_n), b.arrived_n ? Minutes(b.arrive_median_s) : "—"});
  return t;
}

struct Totals {
  std::int64_t calls = 0, arrived = 0, on_time = 0;
};
Totals Sum(const ResponseReport& r) {
  Totals t;
  for (const Bucket& b : r.by_unit) {
    t.calls += b.calls;
    t.arrived += b.arrived_n;
    t.on_time += b.arrive_ok;
  }
  return t;
}

// The quarter's 巡防之星, one line per star, month by month.
std::vector<std::string> StarItems(soci::session& sql, const kit::BulletinPeriod& period, const std::string& path) {
  std::vector<std::string> items;
  for (const std::string& month : period.Months()) {
    const auto m = kit::ParseBulletinPeriod(month);
    if (!m) continue;
    for (const auto& s : volunteers::RankStars(sql, path, month, m->from, m->to, volunteers::StarCriteria{}))
      if (s.star)
        items.push_back(fmt::format("{}：{}（{}{}），{}", m->Label(), s.name, s.unit_name,
                                    s.team_name.empty() ? "" : "·" + s.team_name, s.reasons));
  }
  return items;
}

class PatrolSection final : public kit::BulletinSectionProvider {
 public:
  std::string_view id() const override { return "patrol"; }
  int order() const override { return 48; }
  // 五化巡防 and the volunteers belong to the quarterly 执法规范化建设通报.
  bool InKind(std::string_view kind) const override { return kind == "standardization"; }

  Result<kit::BulletinSection> Compute(soci::session& sql, const kit::BulletinPeriod& period,
                                       const kit::BulletinScope& scope) const override;
};

Result<kit::BulletinSection> PatrolSection::Compute(soci::session& sql, const kit::BulletinPeriod& period,
                                                    const kit::BulletinScope& scope) const {
  kit::BulletinSection s;
  s.id = "patrol";
  s.title = "五化巡防与平安志愿者";
  s.empty_text = fmt::format("本期（{}）无巡防与平安志愿者数据。", period.Label());
  const std::string& path = scope.unit_path;
  const auto where = fmt::format("{}，{}（含下级单位）", period.RangeText(), scope.unit_name);
  const Checkins ck = CountCheckins(sql, path, period.from, period.to);
  const Targets targets = ReadTargets(sql, scope.bureau_id);
  const ResponseReport real = BuildResponse(ListCalls(sql, path, period.from, period.to, false), targets);
  const ResponseReport test = BuildResponse(ListCalls(sql, path, period.from, period.to, true), targets);
  const Totals rt = Sum(real), tt = Sum(test);
  const Register disputes = CountDisputes(sql, path, period.from, period.to);
  const Register hazards = CountHazards(sql, path, period.from, period.to);
  const auto vol = volunteers::FiguresOfPeriod(sql, path, period.from, period.to);
  s.items = StarItems(sql, period, path);
  if (ck.total + rt.calls + tt.calls + disputes.opened + disputes.open + hazards.opened + hazards.open + vol.active +
          vol.clues_accepted ==
      0)
    return s;
  s.has_data = true;
  const kit::BulletinPeriod prev = period.Previous();
  const Checkins ck_prev = CountCheckins(sql, path, prev.from, prev.to);
  const auto src_ck = fmt::format("数据来源：必到点签到 patrol_checkins，签到于 {}", where);
  const auto src_calls = fmt::format("数据来源：警情 patrol_calls（非测试），接警于 {}；到达时限城区 {} 秒、农村 {} 秒",
                                     where, targets.arrive_town_s, targets.arrive_rural_s);
  const auto src_test = fmt::format("数据来源：模拟测警 patrol_calls（is_test = 1），接警于 {}", where);
  const auto src_d = fmt::format("数据来源：矛盾纠纷 patrol_disputes，{}；在办为期末未化解", where);
  const auto src_h = fmt::format("数据来源：安全隐患 patrol_hazards，{}；在办为期末未复查销号", where);
  const auto src_v = fmt::format(
      "数据来源：平安志愿者 volunteers、任务 volunteer_assignments（已完成、签到于本期）、线索 volunteer_clues，{}",
      where);
  s.figures = {
      {"checkins", "必到点签到", ck.total, std::nullopt, ck_prev.total, "次", src_ck},
      {"checkins_flagged", "异常签到", ck.flagged, ck.total, std::nullopt, "", src_ck},
      {"calls", "警情", rt.calls, std::nullopt, std::nullopt, "起", src_calls},
      {"arrive_on_time", "按时到达", rt.on_time, rt.arrived, std::nullopt, "", src_calls},
      {"drill_calls", "模拟测警", tt.calls, std::nullopt, std::nullopt, "起", src_test},
      {"drill_on_time", "测警按时到达", tt.on_time, tt.arrived, std::nullopt, "", src_test},
      {"disputes_opened", "新增矛盾纠纷", disputes.opened, std::nullopt, std::nullopt, "件", src_d},
      {"disputes_closed", "化解矛盾纠纷", disputes.closed, std::nullopt, std::nullopt, "件", src_d},
      {"disputes_open", "在办矛盾纠纷", disputes.open, std::nullopt, std::nullopt, "件", src_d},
      {"disputes_overdue", "超期未回访", disputes.overdue, std::nullopt, std::nullopt, "件", src_d},
      {"hazards_opened", "新增安全隐患", hazards.opened, std::nullopt, std::nullopt, "处", src_h},
      {"hazards_closed", "销号安全隐患", hazards.closed, std::nullopt, std::nullopt, "处", src_h},
      {"hazards_open", "在办安全隐患", hazards.open, std::nullopt, std::nullopt, "处", src_h},
      {"hazards_overdue", "逾期未整改", hazards.overdue, std::nullopt, std::nullopt, "处", src_h},
      {"volunteers_active", "参与服务的志愿者", vol.active, std::nullopt, std::nullopt, "人", src_v},
      {"service_hours", "志愿服务时长", (vol.service_seconds + 1800) / 3600, std::nullopt, std::nullopt, "小时", src_v},
      {"clues_accepted", "采纳志愿者线索", vol.clues_accepted, std::nullopt, std::nullopt, "条", src_v}};
  if (!real.by_unit.empty()) s.tables.push_back(ResponseTable(real, src_calls));
  s.items_title = "本季度巡防之星";
  s.items_source = "数据来源：《平安志愿者积分奖励办法》巡防之星评选（每月每个派出所一名）";
  std::string slow;
  for (const Bucket& b : real.slowest)
    slow += fmt::format("{}{}（{}）", slow.empty() ? "" : "、", b.unit_name, kit::RatioText(b.arrive_ok, b.arrived_n));
  s.summary = fmt::format(
      "{}，必到点签到 {} 次，其中异常 {} 次（{}）；警情 {} 起，按时到达率 {}{}；组织模拟测警 {} 起，按时到达率 "
      "{}。新增矛盾纠纷 {} 件、化解 {} 件，期末在办 {} 件（超期未回访 {} 件）；新增安全隐患 {} 处、销号 {} "
      "处，期末在办 {} 处（逾期未整改 {} 处）。平安志愿者 {} 人参与服务，累计 {} 小时，线索被采纳 {} 条。",
      period.Label(), ck.total, ck.flagged, kit::RatioText(ck.flagged, ck.total), rt.calls,
      kit::RatioText(rt.on_time, rt.arrived), slow.empty() ? "" : "，按时率最低的单位：" + slow, tt.calls,
      kit::RatioText(tt.on_time, tt.arrived), disputes.opened, disputes.closed, disputes.open, disputes.overdue,
      hazards.opened, hazards.closed, hazards.open, hazards.overdue, vol.active, (vol.service_seconds + 1800) / 3600,
      vol.clues_accepted);
  return s;
}

}  // namespace

std::unique_ptr<kit::BulletinSectionProvider> MakeBulletinSection() { return std::make_unique<PatrolSection>(); }

}  // namespace fazhi::patrol
