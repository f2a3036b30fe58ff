#include "inspections/inspections_demo.h"

#include <map>

#include <fmt/format.h>

#include "core/local_time.h"
#include "db/sql.h"
#include "inspections/inspections_service.h"
#include "inspections/inspections_store.h"
#include "orders/orders_store.h"
#include "org/org_reads.h"

namespace fazhi::inspections {

namespace {

constexpr std::int64_t kDay = 86400;

// What a demo inspector writes for a failed item.
std::string NoteFor(const std::string& domain, std::uint64_t r) {
  static const std::map<std::string, std::vector<std::string>> notes = {
      {"incident", {"执法记录仪视频缺失约 5 分钟", "处警结果超过 24 小时未录入", "警情定性为纠纷，应当受案未受案"}},
      {"filing", {"受案登记表缺少报案人联系方式", "立案决定超过法定期限 2 日", "询问笔录缺少告知权利义务内容"}},
      {"property", {"扣押物品未在 24 小时内入库", "调用出库无审批记录", "发还清单缺少领取人签名"}},
      {"area", {"进入办案区未做人身安全检查记录", "讯问室录像中断约 3 分钟", "候问室滞留超过 4 小时"}}};
  const auto& v = notes.at(domain);
  return v[r % v.size()];
}

struct Judged {
  int results = 0, findings = 0, closed = 0;
};

// Judges one demo task: each item passes with about 94 %; a failure is a finding with its 督办, answered
// and closed (about one in eight late) when `live` is false. A live task's 督办 stay open, about a
// third of them answered (待审核) if the answer falls before `now`.
Judged JudgeDemoTask(soci::session& sql, std::int64_t task_id, const std::map<std::string, Checklist>& lists, bool live,
                     EpochSeconds now) {
  Judged out;
  const Task t = *LoadTask(sql, task_id, 0);
  const auto samples = LoadSamples(sql, t.id);
  const std::uint64_t base = Mix(static_cast<std::uint64_t>(t.seed));
  const EpochSeconds judged = t.period_start + static_cast<EpochSeconds>(1 + base % 5) * kDay + 10 * 3600;
  std::uint64_t n = 0;
  for (const auto& d : t.domains) {
    const Checklist& c = lists.at(d);
    const Sample* sample = nullptr;
    for (const auto& s : samples)
      if (s.domain == d && !sample) sample = &s;
    for (const auto& item : c.items) {
      const std::uint64_t r = Mix(base + ++n);
      ItemResult res{.id = 0,
                     .checklist_id = c.id,
                     .domain = d,
                     .item_key = item.key,
                     .passed = r % 100 >= 6,
                     .note = {},
                     .sample_id = sample ? std::optional<std::int64_t>(sample->id) : std::nullopt,
                     .video_ref = {},
                     .judged_at = judged,
                     .files = {}};
      if (!res.passed) res.note = NoteFor(d, r >> 8);
      res.id = InsertResult(sql, t.bureau_id, t.id, res, std::nullopt);
      ++out.results;
      if (res.passed) continue;
      Finding f;
      f.bureau_id = t.bureau_id;
      f.task_id = t.id;
      f.unit_id = t.target_unit_id;
      f.person_id = sample && sample->officer_id ? sample->officer_id : t.target_person_id;
      if (!f.person_id)
        if (auto unit = org::ReadUnit(sql, t.target_unit_id))
          for (const auto& p : org::ReadPeopleUnder(sql, unit->path))
            if (p.active && p.kind == "民警" && !f.person_id) f.person_id = p.id;
      f.domain = d;
      f.item_key = item.key;
      f.item_text = item.text;
      f.weight = item.weight;
      f.record_label = sample ? sample->label : "";
      f.note = res.note;
      f.deadline = judged + 7 * kDay;
      f.created_at = judged;
      const std::int64_t fid = InsertFinding(sql, f, res.id);
      ++out.findings;
      if (!f.person_id) continue;
      orders::Order o{.bureau_id = f.bureau_id,
                      .unit_id = f.unit_id,
                      .source = "inspection",
                      .source_id = fid,
                      .title = fmt::format("巡查问题：{}·{}", DomainName(d), item.text),
                      .problem_type = DomainName(d),
                      .opinion = fmt::format("巡查发现：{}。{}。请在整改期限内整改并上传整改材料。", item.text, f.note),
                      .responsible_person_id = f.person_id,
                      .deadline = f.deadline,
                      .created_at = judged};
      const std::int64_t oid = orders::store::Insert(sql, o);
      SetFindingOrder(sql, fid, oid);
      if (live) {
        const EpochSeconds answered = judged + kDay + static_cast<EpochSeconds>((r >> 24) % 8) * 3600;
        if ((r >> 20) % 3 == 0 && answered < now) {
          orders::store::MarkAnswered(sql, oid, answered);
          orders::store::InsertStep(sql, f.bureau_id, oid, "answer", "已按要求整改，整改材料已上传，请复查。",
                                    std::nullopt, answered);
        }
        continue;
      }
      const bool late = (r >> 20) % 8 == 0;
      const EpochSeconds answered = judged + (late ? 9 : 2 + static_cast<EpochSeconds>((r >> 24) % 4)) * kDay;
      orders::store::MarkAnswered(sql, oid, answered);
      orders::store::InsertStep(sql, f.bureau_id, oid, "answer", "已按要求整改，整改材料已上传。", std::nullopt,
                                answered);
      orders::store::MarkClosed(sql, oid, answered + kDay);
      orders::store::InsertStep(sql, f.bureau_id, oid, "close", "复查通过：整改到位，同意办结。", std::nullopt,
                                answered + kDay);
      CloseFinding(sql, fid, answered + kDay, !late);
      InsertRecheck(sql, {.id = 0,
                          .bureau_id = f.bureau_id,
                          .finding_id = fid,
                          .order_id = oid,
                          .passed = true,
                          .note = "整改到位，同意办结。",
                          .new_deadline = std::nullopt,
                          .checked_by = std::nullopt,
                          .checked_by_name = "巡查员（演示）",
                          .checked_at = answered + kDay});
      ++out.closed;
    }
  }
  MarkTaskDone(sql, t.id, std::nullopt, "巡查员（演示）",
               judged + ((base >> 12) % 10 == 0 ? 5 * kDay : 0));  // about one in ten completed late
  return out;
}

std::vector<Plan> DemoPlans(soci::session& sql, EpochSeconds at) {
  std::vector<Plan> plans;
  const std::vector<std::string> all(kDomains.begin(), kDomains.end());
  for (const auto& u : org::ReadUnitsUnder(sql, "/")) {
    Plan p;
    p.unit_id = u.id;
    p.unit_name = u.name;
    p.bureau_id = u.bureau_id != 0 ? u.bureau_id : u.id;
    p.created_at = at;
    if (u.level == "city") {
      p.level = "city_bureau";
      p.domains = all;
    } else if (u.level == "bureau") {
      p.level = "bureau_team";
      p.domains = all;
    } else if (!org::IsLegalUnit(u.name, u.category)) {
      p.level = "team_officer";
      p.domains = {"incident", "filing"};
    } else {
      continue;
    }
    p.name = fmt::format("{}{}计划", u.name, LevelName(p.level));
    p.id = InsertPlan(sql, p, std::nullopt);
    plans.push_back(std::move(p));
  }
  return plans;
}

}  // namespace

Result<InspectionDemoSummary> GenerateInspectionDemo(db::Database& db, const Clock& clock, int year) {
  InspectionDemoSummary sum;
  const EpochSeconds jan1 = LocalMidnight(CivilDate{year, 1, 1});
  const EpochSeconds first = WeekStart(jan1) < jan1 ? WeekStart(jan1) + 7 * kDay : WeekStart(jan1);
  std::vector<Plan> plans;
  std::map<std::string, Checklist> lists;
  const bool fresh = db.Write([&](soci::session& sql) -> Result<bool> {
                         if (db::Count(sql, "SELECT COUNT(*) FROM inspection_plans") > 0) return false;
                         lists = EnsureChecklists(sql, first - 7 * kDay);
                         plans = DemoPlans(sql, first - 7 * kDay);
                         return true;
                       }).value_or(false);
  if (!fresh) {
    sum.already_present = true;
    return sum;
  }
  sum.plans = static_cast<int>(plans.size());
  for (int w = 0; w < 52; ++w) {
    const EpochSeconds start = first + w * 7 * kDay;
    FZ_CHECK(db.Write([&](soci::session& sql) -> Result<void> {
      for (const auto& p : plans) {
        const auto ids =
            GeneratePlanTasks(sql, p, start, Mix(static_cast<std::uint64_t>(p.unit_id) * 1000003ULL + w), start);
        for (const std::int64_t id : ids) {
          const Judged j = JudgeDemoTask(sql, id, lists, false, 0);
          ++sum.tasks;
          sum.results += j.results;
          sum.findings += j.findings;
          sum.orders_closed += j.closed;
        }
      }
      return {};
    }));
  }
  // The live demo: last week the units inspected their officers, and the findings are in 整改 now
  // (some answered, waiting for 复查); this week the bureaus' tasks are open (巡查员 and 法制员
  // judge them).
  const EpochSeconds now = clock.Now();
  const EpochSeconds last_week = WeekStart(now) - 7 * kDay;
  FZ_CHECK(db.Write([&](soci::session& sql) -> Result<void> {
    for (const auto& p : plans) {
      if (p.level == "team_officer")
        for (const std::int64_t id :
             GeneratePlanTasks(sql, p, last_week, Mix(static_cast<std::uint64_t>(p.unit_id) + last_week), last_week)) {
          const Judged j = JudgeDemoTask(sql, id, lists, true, now);
          sum.live_findings += j.findings;
        }
      if (p.level == "bureau_team") {
        // Late in the week (a weekend) this week's tasks are already due: the demo then opens next
        // week's, generated ahead, so that there is always a task to judge and none starts overdue.
        EpochSeconds period = WeekStart(now);
        if (period + p.due_days * kDay <= now + kDay) period += 7 * kDay;
        sum.open_tasks +=
            static_cast<int>(GeneratePlanTasks(sql, p, period, Mix(static_cast<std::uint64_t>(now)), now).size());
      }
    }
    return {};
  }));
  return sum;
}

}  // namespace fazhi::inspections
