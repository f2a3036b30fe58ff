#include "intake/intake_demo.h"

#include <map>

#include <fmt/format.h>

#include "core/demo_random.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "intake/intake_store.h"
#include "org/org_reads.h"

namespace fazhi::intake {

namespace {

// Relative intake by local hour (a 24-hour hall: quiet from 2 to 6, busy late morning and evening).
constexpr int kHourWeight[24] = {4, 3, 1, 1, 1, 1, 2, 4, 8, 11, 12, 11, 9, 8, 9, 10, 10, 10, 11, 12, 10, 8, 6, 5};
// Relative intake by weekday, Monday first.
constexpr int kDayWeight[7] = {12, 10, 10, 10, 11, 8, 7};

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"};
const std::vector<std::string> kGiven = {"伟", "芳", "娜", "敏", "静", "强", "磊",
                                         "军", "洋", "勇", "艳", "杰", "涛", "明"};
struct Topic {
  const char* kind;
  const char* category;
  const char* summary;
};
const std::vector<Topic> kTopics = {
    {"report", "盗窃", "电动车在小区楼下被盗"},
    {"report", "盗窃", "店内收银台现金被盗"},
    {"report", "诈骗", "接到冒充客服电话被骗转账"},
    {"report", "诈骗", "网络刷单被骗"},
    {"report", "纠纷", "与邻居因噪音发生争执"},
    {"report", "殴打他人", "在饭店与他人发生口角后被打"},
    {"report", "损毁财物", "停放的车辆被划伤"},
    {"complaint", "执法态度", "对民警出警时的态度不满"},
    {"complaint", "办案进度", "报案后长时间未告知进展"},
    {"consult", "户籍", "咨询子女落户所需材料"},
    {"consult", "出入境", "咨询护照办理流程"},
    {"consult", "法律", "咨询劳动纠纷如何维权"},
    {"help", "求助", "老人走失请求帮助寻找"},
    {"help", "求助", "钥匙锁在屋内求助开锁"},
};
const std::vector<std::string> kStreets = {"东街", "西街", "南街", "北街", "钟家庄"};

std::string IdFor(DemoRandom& r, int year) {
  const int birth = year - static_cast<int>(r.Range(18, 75));
  const std::string first17 =
      fmt::format("140502{:04}{:02}{:02}{:03}", birth, r.Range(1, 12), r.Range(1, 28), r.Range(100, 999));
  return first17 + auth::IdNumberCheckChar(first17);
}

// The hall's roster for the local days [first, last): 白班 08:00–20:00 and 夜班 20:00–08:00, two
// people each, four consecutive people of the pool a day counted from 1970 so that the rotation
// runs on across ranges (with 8 or more people nobody works two shifts in a row). Skipped when the
// hall already has shifts in the range; returns the shifts written.
int WriteRoster(soci::session& sql, std::int64_t bureau_id, std::int64_t hall_id, const std::vector<std::int64_t>& pool,
                CivilDate first, CivilDate last, std::optional<std::int64_t> user, EpochSeconds now) {
  if (pool.size() < 8) return 0;
  if (!store::ListShifts(sql, hall_id, LocalMidnight(first), LocalMidnight(last)).empty()) return 0;
  int written = 0;
  const std::int64_t n = static_cast<std::int64_t>(pool.size());
  for (std::int64_t day = DaysFromCivil(first); day < DaysFromCivil(last); ++day) {
    const EpochSeconds midnight = LocalMidnight(first) + (day - DaysFromCivil(first)) * 86400;
    const auto at = [&](std::int64_t k) { return pool[static_cast<std::size_t>((day * 4 + k) % n)]; };
    for (int half = 0; half < 2; ++half) {
      const EpochSeconds start = midnight + (half == 0 ? 8 : 20) * 3600;
      const DutyShift s{.id = 0,
                        .bureau_id = bureau_id,
                        .hall_unit_id = hall_id,
                        .name = half == 0 ? "白班" : "夜班",
                        .start_at = start,
                        .end_at = start + 12 * 3600,
                        .people = {}};
      store::InsertShift(sql, s, {at(half * 2), at(half * 2 + 1)}, user, now);
      ++written;
    }
  }
  return written;
}

// The hall's 值班表 (the bureau itself: the demo's window account sits there) for the demo year and
// for this week and the next, from the 指挥情报中心's officers. Returns the shifts written.
int WriteDemoRosters(soci::session& sql, std::int64_t bureau_id, int year, EpochSeconds now) {
  db::SqlArgs p;
  const std::vector<std::int64_t> pool =
      db::IntColumn(sql,
                    fmt::format("SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id WHERE u.bureau_id = {} AND "
                                "u.name = {} AND p.kind = '民警' AND p.active = 1 ORDER BY p.id",
                                p.Int(bureau_id), p.Str("指挥情报中心")),
                    p, "id");
  const CivilDate today = LocalDateOf(now);
  const int weekday = static_cast<int>(((DaysFromCivil(today) % 7) + 7 + 3) % 7);
  const CivilDate monday = LocalDateOf(LocalMidnight(today) - weekday * 86400LL);
  const EpochSeconds start = LocalMidnight(CivilDate{year, 1, 1});
  const int year_shifts = WriteRoster(sql, bureau_id, bureau_id, pool, LocalDateOf(start - 86400),
                                      CivilDate{year + 1, 1, 1}, std::nullopt, now);
  return year_shifts + WriteRoster(sql, bureau_id, bureau_id, pool, monday,
                                   LocalDateOf(LocalMidnight(monday) + 14 * 86400), std::nullopt, now);
}

}  // namespace

Result<IntakeDemoSummary> GenerateIntakeDemo(db::Database& db, const auth::Vault& vault, const IntakeService& service,
                                             int year) {
  IntakeDemoSummary sum;
  const EpochSeconds start = LocalMidnight(CivilDate{year, 1, 1});
  const EpochSeconds end = LocalMidnight(CivilDate{year + 1, 1, 1});
  return db.Write([&](soci::session& sql) -> Result<IntakeDemoSummary> {
    db::SqlArgs a;
    const auto bureau_id = db::ScalarInt(
        sql, fmt::format("SELECT id FROM units WHERE name = {} AND level = 'bureau'", a.Str("城区分局")), a);
    if (!bureau_id) return sum;  // no demo organisation
    // 值班表 of the hall before the tickets that take their 值班民警 from it.
    sum.shifts += WriteDemoRosters(sql, *bureau_id, year, service.clock().Now());
    db::SqlArgs b;
    if (db::Count(sql,
                  fmt::format("SELECT COUNT(*) FROM intake_tickets WHERE bureau_id = {} AND received_at >= {} AND "
                              "received_at < {}",
                              b.Int(*bureau_id), b.Int(start), b.Int(end)),
                  b) > 0) {
      sum.already_present = true;
      return sum;
    }
    const auto bureau = org::ReadUnit(sql, *bureau_id);
    std::vector<org::UnitRef> stations;
    std::optional<org::UnitRef> legal;
    for (auto& u : org::ReadUnitsUnder(sql, bureau->path)) {
      if (u.level != "team") continue;
      if (org::IsLegalUnit(u.name, u.category)) legal = u;
      if (u.name.find("派出所") != std::string::npos) stations.push_back(u);
    }
    if (stations.empty()) return sum;
    db::SqlArgs c;
    const auto clerk = db::ScalarInt(sql, fmt::format("SELECT id FROM users WHERE username = {}", c.Str("jiebao")), c);
    const IntakeSettings settings = store::LoadSettings(sql);
    DemoRandom r(0x1A7A6E0000ULL + static_cast<std::uint64_t>(year));
    std::map<int, int> serial;
    for (EpochSeconds day = start; day < end; day += 86400) {
      const CivilDate d = LocalDateOf(day);
      const int weekday = static_cast<int>(((DaysFromCivil(d) % 7) + 7 + 3) % 7);
      const int n = static_cast<int>(r.Range(4, 10)) * kDayWeight[weekday] / 10;
      for (int i = 0; i < n; ++i) {
        // The hour by weight.
        int pick = r.Below(167), hour = 0;  // 167 = the sum of kHourWeight
        while (pick >= kHourWeight[hour]) pick -= kHourWeight[hour++];
        const EpochSeconds received = day + hour * 3600 + r.Range(0, 3599);
        const Topic& topic = kTopics[static_cast<std::size_t>(r.Below(static_cast<int>(kTopics.size())))];
        const std::string kind = topic.kind;
        const std::size_t street = static_cast<std::size_t>(r.Below(static_cast<int>(kStreets.size())));
        const org::UnitRef& station = stations[street % stations.size()];
        const org::UnitRef unit = kind == "complaint" && legal ? *legal : station;
        store::TicketRow row;
        Ticket& t = row.t;
        t.bureau_id = *bureau_id;
        const int key = d.month * 100 + d.day;
        t.ticket_no = fmt::format("JB{:04}{:02}{:02}{:04}", d.year, d.month, d.day, ++serial[key]);
        t.kind = kind;
        t.case_type = kind == "report" ? (topic.category == std::string("诈骗") || topic.category == std::string("盗窃")
                                              ? "criminal"
                                              : "administrative")
                                       : "";
        t.category = topic.category;
        t.summary = topic.summary;
        t.occurred_at = received - r.Range(600, 36000);
        t.place = kStreets[street] + fmt::format("{}号附近", r.Range(1, 300));
        t.desk_unit_id = *bureau_id;
        t.received_at = received;
        if (auto shift = store::ShiftAt(sql, *bureau_id, received); shift && !shift->people.empty())
          t.duty_person_id = shift->people.front().person_id;
        row.clerk_user_id = clerk;
        const std::string code = NewQueryCode();
        row.query_index = vault.BlindIndex(code);
        row.query_code_enc = vault.Encrypt(code);
        row.name_enc = vault.Encrypt(r.Pick(kSurnames) + r.Pick(kGiven) + (r.Chance(0.5) ? r.Pick(kGiven) : ""));
        row.id_enc = r.Chance(0.8) ? vault.Encrypt(IdFor(r, year)) : "";
        row.phone_enc = vault.Encrypt(fmt::format("13{}{:08}", r.Range(3, 9), r.Range(0, 99999999)));
        t.id = store::InsertTicket(sql, row, received);
        store::AddHistory(sql, t, clerk, "接报案窗口", "register", "registered", "登记", received);
        store::SetReceiptAt(sql, t.id, received + r.Range(30, 240));
        const auto [due, basis] = service.DueFor(kind, t.case_type, received, settings);
        store::SetRoute(sql, t.id, unit.id, std::nullopt, "", received + 60, due, basis, "routed", received + 60);
        store::AddHistory(sql, t, clerk, "接报案窗口", "route", "routed", "分流至" + unit.name, received + 60);
        ++sum.tickets;
        (kind == "report"      ? sum.reports
         : kind == "complaint" ? sum.complaints
         : kind == "consult"   ? sum.consults
                               : sum.helps)++;
        // Most are decided in time; a few late; the last fortnight partly still open.
        const bool late = r.Chance(0.07);
        const EpochSeconds span = due - received;
        const EpochSeconds decided =
            received + (late ? span + r.Range(3600, 86400) : r.Range(span / 10, span * 9 / 10));
        if (decided > end - 14 * 86400 && r.Chance(0.5)) continue;
        if (kind == "report") {
          store::SetDecision(sql, t.id, !r.Chance(0.08), "", decided);
          store::AddHistory(sql, t, std::nullopt, unit.name, "accept", "accepted", "", decided);
        }
        const EpochSeconds concluded = kind == "report" ? decided + r.Range(86400, 20 * 86400) : decided;
        const std::optional<bool> subst = kind == "complaint" ? std::optional<bool>(r.Chance(0.2)) : std::nullopt;
        store::SetOutcome(sql, t.id,
                          kind == "consult" ? "已当面解答"
                          : kind == "help"  ? "已协助处理"
                                            : "已依法处理",
                          subst, concluded);
        store::AddHistory(sql, t, std::nullopt, unit.name, "conclude", "concluded", "", concluded);
        if (!late && (kind == "report" ? true : concluded <= due)) ++sum.on_time;
        const std::optional<int> sat =
            r.Chance(0.7) ? std::optional<int>(r.Chance(0.8) ? 5 : static_cast<int>(r.Range(2, 4))) : std::nullopt;
        if (sat) ++sum.rated;
        store::SetFeedback(sql, t.id, r.Chance(0.7) ? "phone" : "sms", concluded + 3600, "已告知办理结果", sat,
                           concluded + 3600);
        store::AddHistory(sql, t, clerk, "接报案窗口", "feedback", "closed", "", concluded + 3600);
      }
    }
    return sum;
  });
}

}  // namespace fazhi::intake
