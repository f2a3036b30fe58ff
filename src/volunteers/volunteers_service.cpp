#include "volunteers/volunteers_service.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include <fmt/format.h>

#include "auth/password.h"
#include "auth/require.h"
#include "auth/roles.h"
#include "auth/self_service.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "files/spreadsheet.h"
#include "org/org_reads.h"
#include "volunteers/volunteers_reads.h"
#include "volunteers/volunteers_store.h"

namespace fazhi::volunteers {

using auth::Principal;

namespace {

constexpr std::string_view kRead = "volunteer.read";
constexpr std::string_view kManage = "volunteer.manage";
constexpr std::string_view kSelf = "volunteer.self";
constexpr EpochSeconds kEarlyCheckin = 30 * 60;  // a check-in this long before the start is still in time

using auth::Need;
using org::Under;

std::string Day(EpochSeconds t) { return FormatDate(LocalDateOf(t)); }
std::string Month(EpochSeconds t) { return Day(t).substr(0, 7); }

std::string JoinText(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string Trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

Result<void> CheckPosition(Position p, const std::string& field) {
  if (p.lat_e6 < -90'000'000 || p.lat_e6 > 90'000'000 || p.lon_e6 < -180'000'000 || p.lon_e6 > 180'000'000)
    return Invalid("坐标超出范围（纬度 −90～90，经度 −180～180）", field, "invalid_position");
  return {};
}

// Masks the personal data of a stored row for an answer.
Volunteer Masked(const store::VolunteerRow& row, const auth::Vault& vault) {
  Volunteer v = row.v;
  if (auto id = vault.Decrypt(row.id_enc)) v.id_number = auth::MaskIdNumber(*id);
  if (auto ph = vault.Decrypt(row.phone_enc)) v.phone = auth::MaskPhone(*ph);
  return v;
}

// How far the position lies outside the task's area or route (0 inside); the task has one or both.
double DistanceOutside(const Task& t, Position p, int place_radius_m) {
  double best = 1e18;
  if (t.area_center && t.area_radius_m) best = std::max(0.0, DistanceMeters(p, *t.area_center) - *t.area_radius_m);
  for (const auto& place : t.route) best = std::min(best, std::max(0.0, DistanceMeters(p, place.at) - place_radius_m));
  return best == 1e18 ? 0 : best;
}

struct Flags {
  std::vector<std::string> codes, notes;
  void Add(const std::string& code, const std::string& note) {
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
    notes.push_back(note);
  }
};

// The position checks of one claim: speed from the previous claim, distance from the task.
void CheckClaim(soci::session& sql, const Task& t, const Settings& s, std::int64_t volunteer_id, Position p,
                EpochSeconds now, const char* what, Flags& f) {
  if (auto last = store::LastPosition(sql, volunteer_id)) {
    const double d = DistanceMeters(last->second, p);
    const double dt = static_cast<double>(std::max<EpochSeconds>(now - last->first, 1));
    const double kmh = d / dt * 3.6;
    if (d > 200 && kmh > s.max_speed_kmh)
      f.Add("impossible_speed",
            fmt::format("{}距上次定位 {:.0f} 米、相隔 {} 秒，折合 {:.0f} 公里/小时，超过上限 {} 公里/小时", what, d,
                        now - last->first, kmh, s.max_speed_kmh));
  }
  if (const double out = DistanceOutside(t, p, s.place_radius_m); out > 0)
    f.Add("far_from_task", fmt::format("{}位置在任务区域/路线点之外 {:.0f} 米", what, out));
}

}  // namespace

double DistanceMeters(Position a, Position b) {
  constexpr double kR = 6371000.0, kDeg = std::numbers::pi / 180.0 / 1e6;
  const double la1 = a.lat_e6 * kDeg, la2 = b.lat_e6 * kDeg;
  const double dla = la2 - la1, dlo = (b.lon_e6 - a.lon_e6) * kDeg;
  const double h =
      std::sin(dla / 2) * std::sin(dla / 2) + std::cos(la1) * std::cos(la2) * std::sin(dlo / 2) * std::sin(dlo / 2);
  return 2 * kR * std::asin(std::min(1.0, std::sqrt(h)));
}

VolunteerService::VolunteerService(db::Database& db, const Clock& clock, const auth::Vault& vault)
    : db_(db), clock_(clock), vault_(vault), files_(db) {}

Result<std::int64_t> VolunteerService::BureauOf(soci::session& sql, const Principal& who) const {
  if (who.bureau_id && *who.bureau_id != 0) return *who.bureau_id;
  auto u = org::ReadUnit(sql, who.unit_id);
  if (!u || u->bureau_id == 0) return Forbidden("您的账号不属于某个分县局，无法管理志愿者", "bureau_level_required");
  return u->bureau_id;
}

// ---------------------------------------------------------------- registration and vetting

Result<Volunteer> VolunteerService::Register(const Principal& who, const audit::Actor& actor,
                                             const VolunteerInput& raw) {
  FZ_CHECK(Need(who, kManage, "登记志愿者"));
  VolunteerInput in = raw;
  in.name = Trim(in.name);
  in.id_number = Trim(in.id_number);
  in.phone = Trim(in.phone);
  if (in.name.empty()) return Invalid("请填写志愿者姓名", "name", "required");
  if (!in.id_number.empty() && in.id_number.back() == 'x') in.id_number.back() = 'X';
  if (!auth::IsValidIdNumber(in.id_number))
    return Invalid("身份证号不正确（应为 18 位，且校验位符合 GB 11643）", "id_number", "invalid_id_number");
  if (!auth::IsValidMobile(in.phone)) return Invalid("手机号不正确（应为 11 位手机号）", "phone", "invalid_phone");
  if (!in.gender.empty() && in.gender != "男" && in.gender != "女")
    return Invalid("性别只能是“男”或“女”", "gender", "invalid_gender");
  const EpochSeconds now = clock_.Now();
  const std::int64_t id = FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    auto unit = org::ReadUnit(sql, in.unit_id);
    if (!unit || !Under(unit->path, who.unit_path) || unit->bureau_id == 0)
      return Invalid("所属派出所不存在或不在您的管辖范围内", "unit_id", "unit_out_of_scope");
    if (in.team_id) {
      auto team = store::LoadTeam(sql, *in.team_id);
      if (!team || team->unit_id != in.unit_id) return Invalid("队伍不存在或不属于该派出所", "team_id", "invalid_team");
    }
    const std::string hash = vault_.BlindIndex(in.id_number);
    if (store::IdHashTaken(sql, hash)) return Conflict("该身份证号已登记为志愿者", "duplicate_registration");
    const std::int64_t vid = store::InsertVolunteer(sql, {.bureau_id = unit->bureau_id,
                                                          .unit_id = in.unit_id,
                                                          .team_id = in.team_id,
                                                          .name = in.name,
                                                          .gender = in.gender,
                                                          .id_enc = vault_.Encrypt(in.id_number),
                                                          .id_hash = hash,
                                                          .phone_enc = vault_.Encrypt(in.phone),
                                                          .skills = Trim(in.skills),
                                                          .at = now});
    audit::Append(sql, clock_, actor,
                  {"volunteer.register",
                   "volunteer",
                   std::to_string(vid),
                   "登记志愿者 " + in.name,
                   {{"after",
                     {{"name", in.name},
                      {"id_number", auth::MaskIdNumber(in.id_number)},
                      {"phone", auth::MaskPhone(in.phone)},
                      {"unit_id", in.unit_id}}}}});
    return vid;
  }));
  return FZ_TRY(Get(who, id)).v;
}

Result<VolunteerDetail> VolunteerService::Get(const Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, kRead, "查看志愿者"));
  return db_.Read([&](soci::session& sql) -> Result<VolunteerDetail> {
    auto row = store::LoadVolunteer(sql, id, clock_.Now());
    if (!row || !Under(row->unit_path, who.unit_path)) return NotFound("志愿者不存在");
    return VolunteerDetail{Masked(*row, vault_), store::ListTrainings(sql, id), store::ListInsurance(sql, id)};
  });
}

Result<Paged<Volunteer>> VolunteerService::List(const Principal& who, const VolunteerFilter& f,
                                                const PageRequest& page) const {
  FZ_CHECK(Need(who, kRead, "查看志愿者"));
  return db_.Read([&](soci::session& sql) {
    auto rows = store::ListVolunteers(sql, who.unit_path, f, page, clock_.Now());
    Paged<Volunteer> out{{}, rows.total};
    for (const auto& r : rows.items) out.items.push_back(Masked(r, vault_));
    return out;
  });
}

Result<std::string> VolunteerService::ExportXlsx(const Principal& who, const VolunteerFilter& f) const {
  const auto list = FZ_TRY(List(who, f, PageRequest{.page = 1, .page_size = 100000}));
  std::vector<std::vector<std::string>> rows = {{"编号", "姓名", "性别", "身份证号", "手机号", "派出所", "队伍",
                                                 "审核状态", "培训有效", "保险有效", "积分余额", "登记时间"}};
  for (const auto& v : list.items)
    rows.push_back({std::to_string(v.id), v.name, v.gender, v.id_number, v.phone, v.unit_name, v.team_name,
                    v.status == "approved"   ? "通过"
                    : v.status == "rejected" ? "不通过"
                                             : "待审核",
                    v.trained ? "是" : "否", v.insured ? "是" : "否", std::to_string(v.balance),
                    FormatLocalDateTime(v.registered_at)});
  return files::WriteXlsx({files::SheetData("志愿者", rows)});
}

Result<Pii> VolunteerService::ReadPii(const Principal& who, const audit::Actor& actor, std::int64_t id) {
  FZ_CHECK(Need(who, kManage, "查看志愿者身份信息"));
  return db_.Write([&](soci::session& sql) -> Result<Pii> {
    auto row = store::LoadVolunteer(sql, id, clock_.Now());
    if (!row || !Under(row->unit_path, who.unit_path)) return NotFound("志愿者不存在");
    Pii p{FZ_TRY(vault_.Decrypt(row->id_enc)), FZ_TRY(vault_.Decrypt(row->phone_enc))};
    audit::Append(
        sql, clock_, actor,
        {"volunteer.read_pii", "volunteer", std::to_string(id), "查看志愿者 " + row->v.name + " 的身份证号与手机号"});
    return p;
  });
}

Result<Approved> VolunteerService::Vet(const Principal& who, const audit::Actor& actor, std::int64_t id, bool approve,
                                       const std::string& raw_reason, const std::string& initial_password) {
  FZ_CHECK(Need(who, kManage, "审核志愿者"));
  const std::string reason = Trim(raw_reason);
  if (!approve && reason.empty()) return Invalid("不通过须写明理由", "reason", "reason_required");
  const std::string username = "zy" + std::to_string(id);
  if (approve) FZ_CHECK(auth::CheckPasswordPolicy(initial_password, username));
  const std::string hash = approve ? auth::HashPassword(initial_password) : std::string();
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    auto row = store::LoadVolunteer(sql, id, now);
    if (!row || !Under(row->unit_path, who.unit_path)) return NotFound("志愿者不存在");
    if (row->v.status != "pending") return Conflict("该登记已审核，不能重复审核", "wrong_state");
    std::optional<std::int64_t> user;
    if (approve) {
      user = FZ_TRY(auth::CreateSelfServiceAccount(sql,
                                                   {.bureau_id = row->v.bureau_id,
                                                    .unit_id = row->v.unit_id,
                                                    .username = username,
                                                    .display_name = row->v.name,
                                                    .password_hash = hash,
                                                    .must_change_password = true},
                                                   now));
    }
    store::SetVetting(sql, id, approve ? "approved" : "rejected", reason, who.user_id, now, user);
    audit::Append(sql, clock_, actor,
                  {approve ? "volunteer.approve" : "volunteer.reject", "volunteer", std::to_string(id),
                   approve ? fmt::format("志愿者 {} 审核通过，开通账号 {}", row->v.name, username)
                           : fmt::format("志愿者 {} 审核不通过：{}", row->v.name, reason)});
    return {};
  }));
  return Approved{FZ_TRY(Get(who, id)).v, approve ? username : std::string()};
}

Result<Volunteer> VolunteerService::SetTeam(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                            std::optional<std::int64_t> team_id) {
  FZ_CHECK(Need(who, kManage, "调整志愿者队伍"));
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    auto row = store::LoadVolunteer(sql, id, clock_.Now());
    if (!row || !Under(row->unit_path, who.unit_path)) return NotFound("志愿者不存在");
    if (team_id) {
      auto team = store::LoadTeam(sql, *team_id);
      if (!team || team->unit_id != row->v.unit_id)
        return Invalid("队伍不存在或不属于该派出所", "team_id", "invalid_team");
    }
    store::SetTeam(sql, id, team_id);
    audit::Append(sql, clock_, actor,
                  {"volunteer.team", "volunteer", std::to_string(id), "调整志愿者 " + row->v.name + " 的队伍"});
    return {};
  }));
  return FZ_TRY(Get(who, id)).v;
}

Result<Team> VolunteerService::AddTeam(const Principal& who, const audit::Actor& actor, std::int64_t unit_id,
                                       const std::string& raw_name) {
  FZ_CHECK(Need(who, kManage, "建立志愿者队伍"));
  const std::string name = Trim(raw_name);
  if (name.empty()) return Invalid("请填写队伍名称", "name", "required");
  return db_.Write([&](soci::session& sql) -> Result<Team> {
    auto unit = org::ReadUnit(sql, unit_id);
    if (!unit || !Under(unit->path, who.unit_path) || unit->bureau_id == 0)
      return Invalid("所属派出所不存在或不在您的管辖范围内", "unit_id", "unit_out_of_scope");
    const auto id = store::InsertTeam(sql, unit->bureau_id, unit_id, name, clock_.Now());
    audit::Append(sql, clock_, actor,
                  {"volunteer.team_create", "volunteer_team", std::to_string(id), "建立志愿者队伍 " + name});
    return *store::LoadTeam(sql, id);
  });
}

Result<std::vector<Team>> VolunteerService::Teams(const Principal& who) const {
  FZ_CHECK(Need(who, kRead, "查看志愿者队伍"));
  return db_.Read([&](soci::session& sql) { return store::ListTeams(sql, who.unit_path); });
}

Result<Training> VolunteerService::AddTraining(const Principal& who, const audit::Actor& actor, Training t) {
  FZ_CHECK(Need(who, kManage, "登记培训"));
  t.title = Trim(t.title);
  if (t.title.empty()) return Invalid("请填写培训内容", "title", "required");
  if (t.valid_until && *t.valid_until <= t.trained_at)
    return Invalid("有效期须晚于培训日期", "valid_until", "invalid_range");
  return db_.Write([&](soci::session& sql) -> Result<Training> {
    auto row = store::LoadVolunteer(sql, t.volunteer_id, clock_.Now());
    if (!row || !Under(row->unit_path, who.unit_path)) return NotFound("志愿者不存在");
    t.id = store::InsertTraining(sql, row->v.bureau_id, t, clock_.Now());
    audit::Append(sql, clock_, actor,
                  {"volunteer.training", "volunteer", std::to_string(t.volunteer_id), "登记培训：" + t.title});
    return t;
  });
}

Result<Insurance> VolunteerService::AddInsurance(const Principal& who, const audit::Actor& actor, Insurance i) {
  FZ_CHECK(Need(who, kManage, "登记保险"));
  i.insurer = Trim(i.insurer);
  i.policy_no = Trim(i.policy_no);
  if (i.insurer.empty()) return Invalid("请填写承保公司", "insurer", "required");
  if (i.policy_no.empty()) return Invalid("请填写保单号", "policy_no", "required");
  if (i.valid_until <= i.valid_from) return Invalid("保险止期须晚于起期", "valid_until", "invalid_range");
  return db_.Write([&](soci::session& sql) -> Result<Insurance> {
    auto row = store::LoadVolunteer(sql, i.volunteer_id, clock_.Now());
    if (!row || !Under(row->unit_path, who.unit_path)) return NotFound("志愿者不存在");
    i.id = store::InsertInsurance(sql, row->v.bureau_id, i, clock_.Now());
    audit::Append(sql, clock_, actor,
                  {"volunteer.insurance", "volunteer", std::to_string(i.volunteer_id), "登记保险：" + i.policy_no});
    return i;
  });
}

// ---------------------------------------------------------------- tasks

Result<Task> VolunteerService::CreateTask(const Principal& who, const audit::Actor& actor, const TaskInput& raw) {
  FZ_CHECK(Need(who, kManage, "发布志愿任务"));
  TaskInput in = raw;
  in.title = Trim(in.title);
  if (in.title.empty()) return Invalid("请填写任务名称", "title", "required");
  const bool has_area = in.area_center.has_value();
  if (!has_area && in.route.empty())
    return Invalid("任务须指定巡防路线或巡防区域（至少一项）", "route", "route_or_area_required");
  if (has_area) {
    FZ_CHECK(CheckPosition(*in.area_center, "area"));
    if (!in.area_radius_m || *in.area_radius_m < 10 || *in.area_radius_m > 20000)
      return Invalid("区域半径须在 10～20000 米之间", "area_radius_m", "invalid_radius");
  }
  for (const auto& p : in.route) {
    FZ_CHECK(CheckPosition(p.at, "route"));
    if (Trim(p.name).empty()) return Invalid("路线上的每个点位须有名称", "route", "required");
  }
  if (in.end_at <= in.start_at) return Invalid("任务结束时间须晚于开始时间", "end_at", "invalid_range");
  if (in.end_at - in.start_at > 7 * 86400) return Invalid("单个任务时段不能超过 7 天", "end_at", "invalid_range");
  if (in.points < 0 || in.points > 100) return Invalid("任务积分须在 0～100 之间", "points", "invalid_points");
  if (in.capacity < 1 || in.capacity > 500) return Invalid("任务人数须在 1～500 之间", "capacity", "invalid_capacity");
  if (in.min_stay_minutes < 0 || in.min_stay_minutes * 60 > in.end_at - in.start_at)
    return Invalid("最短在岗时长须在 0 到任务时长之间", "min_stay_minutes", "invalid_min_stay");
  if (static_cast<int>(in.volunteer_ids.size()) > in.capacity)
    return Invalid(fmt::format("派单人数 {} 超过任务人数上限 {}", in.volunteer_ids.size(), in.capacity),
                   "volunteer_ids", "task_full");
  const EpochSeconds now = clock_.Now();
  const std::int64_t id = FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    auto unit = org::ReadUnit(sql, in.unit_id);
    if (!unit || !Under(unit->path, who.unit_path) || unit->bureau_id == 0)
      return Invalid("任务单位不存在或不在您的管辖范围内", "unit_id", "unit_out_of_scope");
    const std::int64_t tid = store::InsertTask(sql, unit->bureau_id, in, who.user_id, now);
    for (auto vid : in.volunteer_ids) {
      auto v = store::LoadVolunteer(sql, vid, now);
      if (!v || !Under(v->unit_path, unit->path) || v->v.status != "approved")
        return Invalid(fmt::format("志愿者 {} 不存在、未通过审核或不属于该单位", vid), "volunteer_ids",
                       "invalid_volunteer");
      if (store::FindAssignment(sql, tid, vid)) return Invalid("派单名单有重复", "volunteer_ids", "duplicate");
      store::InsertAssignment(sql, unit->bureau_id, tid, vid, "dispatched", now);
    }
    audit::Append(sql, clock_, actor,
                  {"volunteer.task_create", "volunteer_task", std::to_string(tid), "发布志愿任务 " + in.title});
    return tid;
  }));
  return GetTask(who, id);
}

Result<Task> VolunteerService::GetTask(const Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, kRead, "查看志愿任务"));
  return db_.Read([&](soci::session& sql) -> Result<Task> {
    auto row = store::LoadTask(sql, id);
    if (!row || !Under(row->unit_path, who.unit_path)) return NotFound("任务不存在");
    return row->t;
  });
}

Result<Paged<Task>> VolunteerService::ListTasks(const Principal& who, const PageRequest& page) const {
  FZ_CHECK(Need(who, kRead, "查看志愿任务"));
  return db_.Read([&](soci::session& sql) { return store::ListTasks(sql, who.unit_path, page); });
}

Result<std::vector<Assignment>> VolunteerService::Dispatch(const Principal& who, const audit::Actor& actor,
                                                           std::int64_t task_id, const std::vector<std::int64_t>& ids) {
  FZ_CHECK(Need(who, kManage, "派单"));
  if (ids.empty()) return Invalid("请选择要派单的志愿者", "volunteer_ids", "required");
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    auto task = store::LoadTask(sql, task_id);
    if (!task || !Under(task->unit_path, who.unit_path)) return NotFound("任务不存在");
    db::LockRowForUpdate(sql, "volunteer_tasks", task_id);
    if (task->t.end_at <= now) return Conflict("任务已结束，不能再派单", "wrong_state");
    std::int64_t count = store::CountAssignments(sql, task_id);
    for (auto vid : ids) {
      auto v = store::LoadVolunteer(sql, vid, now);
      if (!v || !Under(v->unit_path, task->unit_path) || v->v.status != "approved")
        return Invalid(fmt::format("志愿者 {} 不存在、未通过审核或不属于该单位", vid), "volunteer_ids",
                       "invalid_volunteer");
      if (store::FindAssignment(sql, task_id, vid)) continue;
      if (++count > task->t.capacity)
        return Conflict(fmt::format("任务人数已满（上限 {} 人）", task->t.capacity), "task_full");
      store::InsertAssignment(sql, task->t.bureau_id, task_id, vid, "dispatched", now);
    }
    audit::Append(sql, clock_, actor,
                  {"volunteer.dispatch", "volunteer_task", std::to_string(task_id),
                   fmt::format("任务 {} 派单 {} 人", task->t.title, ids.size())});
    return {};
  }));
  AssignmentFilter f;
  f.task_id = task_id;
  return FZ_TRY(ListAssignments(who, f, PageRequest{.page = 1, .page_size = 200})).items;
}

Result<Paged<Assignment>> VolunteerService::ListAssignments(const Principal& who, const AssignmentFilter& f,
                                                            const PageRequest& page) const {
  FZ_CHECK(Need(who, kRead, "查看签到记录"));
  return db_.Read([&](soci::session& sql) { return store::ListAssignments(sql, who.unit_path, f, page); });
}

namespace {

// Credits points with the caps: InvalidArgument naming the cap when the day or month would pass it.
Result<std::int64_t> Credit(soci::session& sql, const Settings& s, LedgerEntry e) {
  if (e.points > 0) {
    store::LockVolunteer(sql, e.volunteer_id);
    const std::int64_t day = store::EarnedOnDay(sql, e.volunteer_id, e.day);
    if (day + e.points > s.day_cap)
      return Invalid(
          fmt::format("超出每日积分上限 {} 分：{} 当日已得 {} 分，本次 {} 分", s.day_cap, e.day, day, e.points),
          "points", "over_day_cap");
    const std::int64_t month = store::EarnedInMonth(sql, e.volunteer_id, e.month);
    if (month + e.points > s.month_cap)
      return Invalid(
          fmt::format("超出每月积分上限 {} 分：{} 当月已得 {} 分，本次 {} 分", s.month_cap, e.month, month, e.points),
          "points", "over_month_cap");
  }
  return store::AppendPoints(sql, e);
}

}  // namespace

Result<Assignment> VolunteerService::ReviewAssignment(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                                      bool accept, const std::string& raw_note) {
  FZ_CHECK(Need(who, kManage, "核定签到异常"));
  const std::string note = Trim(raw_note);
  if (note.empty()) return Invalid("请写明核定意见", "note", "required");
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    auto row = store::LoadAssignment(sql, id);
    if (!row || !Under(row->unit_path, who.unit_path)) return NotFound("签到记录不存在");
    if (row->a.state != "flagged") return Conflict("只有异常待核的记录需要核定", "wrong_state");
    if (accept && row->a.task_points > 0) {
      const Settings s = store::LoadSettings(sql, row->a.bureau_id);
      const EpochSeconds at = row->a.checkout_at.value_or(now);
      FZ_TRY(Credit(sql, s,
                    {.bureau_id = row->a.bureau_id,
                     .volunteer_id = row->a.volunteer_id,
                     .points = row->a.task_points,
                     .source = "task",
                     .source_id = id,
                     .approver_id = who.user_id,
                     .reason = fmt::format("完成任务「{}」（异常经核定：{}）", row->a.task_title, note),
                     .day = Day(at),
                     .month = Month(at),
                     .at = now}));
    }
    store::SetAssignmentReview(sql, id, accept ? "done" : "rejected", note, who.user_id);
    audit::Append(sql, clock_, actor,
                  {"volunteer.review_attendance", "volunteer_assignment", std::to_string(id),
                   fmt::format("{} {} 的任务「{}」签到异常：{}", accept ? "认定" : "不予认定", row->a.volunteer_name,
                               row->a.task_title, note)});
    return {};
  }));
  return db_.Read([&](soci::session& sql) { return store::LoadAssignment(sql, id)->a; });
}

// ---------------------------------------------------------------- the volunteer himself

namespace {
Result<store::VolunteerRow> Myself(soci::session& sql, const Principal& who, EpochSeconds now) {
  auto row = store::LoadVolunteerOfUser(sql, who.user_id, now);
  if (!row) return NotFound("未找到与您的账号关联的志愿者");
  return *row;
}
}  // namespace

Result<MyPage> VolunteerService::Me(const Principal& who) const {
  FZ_CHECK(Need(who, kSelf, "使用志愿者页面"));
  return db_.Read([&](soci::session& sql) -> Result<MyPage> {
    const EpochSeconds now = clock_.Now();
    const auto row = FZ_TRY(Myself(sql, who, now));
    MyPage p;
    p.v = Masked(row, vault_);
    p.assignments = store::AssignmentsOfVolunteer(sql, row.v.id);
    for (auto& t : store::OpenTasks(sql, row.unit_path, now))
      if (!store::FindAssignment(sql, t.id, row.v.id)) p.open_tasks.push_back(std::move(t));
    p.clues = store::CluesOfVolunteer(sql, row.v.id);
    p.ledger = store::ListLedger(sql, "/", row.v.id, PageRequest{.page = 1, .page_size = 50}).items;
    p.rewards = store::ListRewards(sql, row.v.bureau_id, true);
    return p;
  });
}

Result<Assignment> VolunteerService::Join(const Principal& who, const audit::Actor& actor, std::int64_t task_id) {
  FZ_CHECK(Need(who, kSelf, "领取任务"));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Assignment> {
    const auto me = FZ_TRY(Myself(sql, who, now));
    auto task = store::LoadTask(sql, task_id);
    if (!task || task->t.mode != "open" || !Under(me.unit_path, task->unit_path)) return NotFound("任务不存在");
    db::LockRowForUpdate(sql, "volunteer_tasks", task_id);
    if (task->t.end_at <= now) return Conflict("任务已结束", "wrong_state");
    if (store::FindAssignment(sql, task_id, me.v.id)) return Conflict("您已领取该任务", "already_joined");
    if (store::CountAssignments(sql, task_id) >= task->t.capacity)
      return Conflict(fmt::format("任务人数已满（上限 {} 人）", task->t.capacity), "task_full");
    const auto id = store::InsertAssignment(sql, task->t.bureau_id, task_id, me.v.id, "chosen", now);
    audit::Append(
        sql, clock_, actor,
        {"volunteer.join", "volunteer_task", std::to_string(task_id), me.v.name + " 领取任务 " + task->t.title});
    return store::LoadAssignment(sql, id)->a;
  });
}

Result<Assignment> VolunteerService::CheckIn(const Principal& who, const audit::Actor& actor, std::int64_t task_id,
                                             Position p, std::optional<int> accuracy) {
  FZ_CHECK(Need(who, kSelf, "签到"));
  FZ_CHECK(CheckPosition(p, "lat"));
  if (accuracy && (*accuracy < 0 || *accuracy > 100000))
    return Invalid("定位精度不合理", "accuracy_m", "invalid_accuracy");
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Assignment> {
    const auto me = FZ_TRY(Myself(sql, who, now));
    auto a = store::FindAssignment(sql, task_id, me.v.id);
    auto task = store::LoadTask(sql, task_id);
    if (!a || !task) return NotFound("任务不存在");
    db::LockRowForUpdate(sql, "volunteer_assignments", a->a.id);
    if (a->a.state != "joined") return Conflict("该任务已签到，不能重复签到", "wrong_state");
    const Settings s = store::LoadSettings(sql, me.v.bureau_id);
    Flags f;
    CheckClaim(sql, task->t, s, me.v.id, p, now, "签到", f);
    if (now < task->t.start_at - kEarlyCheckin || now > task->t.end_at)
      f.Add("outside_window", fmt::format("签到时间 {} 不在任务时段 {}～{} 内", FormatLocalDateTime(now),
                                          FormatLocalDateTime(task->t.start_at), FormatLocalDateTime(task->t.end_at)));
    store::SetCheckin(sql, a->a.id, now, p, accuracy, JoinText(f.codes, ","), JoinText(f.notes, "；"));
    audit::Append(sql, clock_, actor,
                  {"volunteer.checkin", "volunteer_assignment", std::to_string(a->a.id),
                   fmt::format("{} 签到任务「{}」{}", me.v.name, task->t.title, f.codes.empty() ? "" : "（有异常）")});
    return store::LoadAssignment(sql, a->a.id)->a;
  });
}

Result<Assignment> VolunteerService::CheckOut(const Principal& who, const audit::Actor& actor, std::int64_t task_id,
                                              Position p) {
  FZ_CHECK(Need(who, kSelf, "签退"));
  FZ_CHECK(CheckPosition(p, "lat"));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Assignment> {
    const auto me = FZ_TRY(Myself(sql, who, now));
    auto a = store::FindAssignment(sql, task_id, me.v.id);
    auto task = store::LoadTask(sql, task_id);
    if (!a || !task) return NotFound("任务不存在");
    db::LockRowForUpdate(sql, "volunteer_assignments", a->a.id);
    if (a->a.state != "checked_in") return Conflict("尚未签到或已签退", "wrong_state");
    const Settings s = store::LoadSettings(sql, me.v.bureau_id);
    Flags f;
    f.codes = a->a.flags;
    if (!a->a.flag_notes.empty()) f.notes.push_back(a->a.flag_notes);
    CheckClaim(sql, task->t, s, me.v.id, p, now, "签退", f);
    const EpochSeconds stay = now - *a->a.checkin_at;
    const int min_stay = EffectiveMinStayMinutes(task->t);
    if (stay < min_stay * 60LL)
      f.Add("short_stay",
            task->t.min_stay_minutes > 0
                ? fmt::format("在岗 {} 分钟，少于最短 {} 分钟", stay / 60, min_stay)
                : fmt::format("在岗 {} 分钟，少于默认最短在岗 {} 分钟（任务未设最短在岗时长）", stay / 60, min_stay));
    // Unflagged: the task's points at once, unless a cap stands in the way (then the coordinator decides).
    if (f.codes.empty() && task->t.points > 0) {
      LedgerEntry e{.bureau_id = me.v.bureau_id,
                    .volunteer_id = me.v.id,
                    .points = task->t.points,
                    .source = "task",
                    .source_id = a->a.id,
                    .approver_id = task->t.created_by,
                    .reason = fmt::format("完成任务「{}」（在岗 {} 分钟）", task->t.title, stay / 60),
                    .day = Day(now),
                    .month = Month(now),
                    .at = now};
      if (auto credited = Credit(sql, s, e); !credited) f.Add("over_cap", credited.error().message);
    }
    store::SetCheckout(sql, a->a.id, now, p, f.codes.empty() ? "done" : "flagged", JoinText(f.codes, ","),
                       JoinText(f.notes, "；"));
    audit::Append(
        sql, clock_, actor,
        {"volunteer.checkout", "volunteer_assignment", std::to_string(a->a.id),
         fmt::format("{} 签退任务「{}」{}", me.v.name, task->t.title, f.codes.empty() ? "" : "（有异常，待核定）")});
    return store::LoadAssignment(sql, a->a.id)->a;
  });
}

Result<Clue> VolunteerService::ReportClue(const Principal& who, const audit::Actor& actor,
                                          std::optional<std::int64_t> task_id, const std::string& raw_text,
                                          std::optional<Position> at) {
  FZ_CHECK(Need(who, kSelf, "报告线索"));
  const std::string text = Trim(raw_text);
  if (text.empty()) return Invalid("请描述线索内容", "text", "required");
  if (at) FZ_CHECK(CheckPosition(*at, "lat"));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Clue> {
    const auto me = FZ_TRY(Myself(sql, who, now));
    Clue c;
    c.bureau_id = me.v.bureau_id;
    c.volunteer_id = me.v.id;
    c.unit_id = me.v.unit_id;
    c.text = text;
    c.at = at;
    c.created_at = now;
    if (task_id) {
      auto a = store::FindAssignment(sql, *task_id, me.v.id);
      if (!a) return NotFound("任务不存在");
      c.task_id = task_id;
      c.unit_id = store::LoadTask(sql, *task_id)->t.unit_id;
    }
    const auto id = store::InsertClue(sql, c);
    audit::Append(sql, clock_, actor,
                  {"volunteer.clue", "volunteer_clue", std::to_string(id), me.v.name + " 报告线索"});
    return store::LoadClue(sql, id)->c;
  });
}

Result<Clue> VolunteerService::AddCluePhoto(const Principal& who, const audit::Actor& actor, std::int64_t clue_id,
                                            const std::vector<files::Upload>& uploads) {
  FZ_CHECK(Need(who, kSelf, "上传线索照片"));
  if (uploads.empty()) return Invalid("请选择照片", "file", "required");
  FZ_CHECK(files::CheckUploads(uploads));
  for (const auto& u : uploads) {
    const std::string type = files::SniffType(u.bytes);
    if (!type.starts_with("image/")) return Invalid("线索照片须为图片（JPEG、PNG 等）", "file", "not_an_image");
  }
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Clue> {
    const auto me = FZ_TRY(Myself(sql, who, now));
    auto c = store::LoadClue(sql, clue_id);
    if (!c || c->c.volunteer_id != me.v.id) return NotFound("线索不存在");
    if (c->c.status != "pending") return Conflict("线索已审核，不能再添加照片", "wrong_state");
    for (const auto& u : uploads)
      FZ_TRY(
          files_.Put(sql, u, {.type = "volunteer_clue", .id = clue_id, .bureau_id = c->c.bureau_id}, who.user_id, now));
    audit::Append(sql, clock_, actor,
                  {"volunteer.clue_photo", "volunteer_clue", std::to_string(clue_id), "上传线索照片"});
    return store::LoadClue(sql, clue_id)->c;
  });
}

Result<Redemption> VolunteerService::Redeem(const Principal& who, const audit::Actor& actor, std::int64_t reward_id) {
  FZ_CHECK(Need(who, kSelf, "兑换奖励"));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Redemption> {
    const auto me = FZ_TRY(Myself(sql, who, now));
    auto reward = store::LoadReward(sql, reward_id);
    if (!reward || reward->bureau_id != me.v.bureau_id || !reward->active) return NotFound("奖励不存在");
    const auto sold_out = [&] {
      return Invalid(fmt::format("「{}」库存不足，已兑完", reward->name), "reward_id", "out_of_stock");
    };
    // Nothing left to take says so whatever the balance; the stock itself is taken atomically below.
    if (reward->stock <= 0) return sold_out();
    store::LockVolunteer(sql, me.v.id);  // the balance read below sees every earlier redemption
    const std::int64_t balance = store::Balance(sql, me.v.id);
    if (balance < reward->cost)
      return Invalid(
          fmt::format("积分余额不足：当前余额 {} 分，兑换「{}」需要 {} 分", balance, reward->name, reward->cost),
          "reward_id", "insufficient_balance");
    if (!store::TakeStock(sql, reward_id)) return sold_out();
    Redemption r{
        .volunteer_id = me.v.id, .reward_id = reward_id, .reward_name = reward->name, .cost = reward->cost, .at = now};
    r.ledger_id = store::AppendPoints(sql, {.bureau_id = me.v.bureau_id,
                                            .volunteer_id = me.v.id,
                                            .points = -reward->cost,
                                            .source = "redeem",
                                            .source_id = reward_id,
                                            .reason = "兑换「" + reward->name + "」",
                                            .day = Day(now),
                                            .month = Month(now),
                                            .at = now});
    r.id = store::InsertRedemption(sql, me.v.bureau_id, r);
    r.balance_after = balance - reward->cost;
    audit::Append(sql, clock_, actor,
                  {"volunteer.redeem", "volunteer_reward", std::to_string(reward_id),
                   fmt::format("{} 兑换「{}」，扣 {} 分", me.v.name, reward->name, reward->cost)});
    return r;
  });
}

Result<std::vector<ServiceRecord>> VolunteerService::MyServiceRecords(const Principal& who) const {
  FZ_CHECK(Need(who, kSelf, "查看服务记录"));
  const std::int64_t id = FZ_TRY(db_.Read(
      [&](soci::session& sql) -> Result<std::int64_t> { return FZ_TRY(Myself(sql, who, clock_.Now())).v.id; }));
  Principal inner = who;
  inner.unit_path = "/";
  inner.permissions.insert(std::string(kRead));
  return ServiceRecords(inner, id);
}

// ---------------------------------------------------------------- clues, ledger, rewards

Result<Paged<Clue>> VolunteerService::ListClues(const Principal& who, std::optional<std::string> status,
                                                const PageRequest& page) const {
  FZ_CHECK(Need(who, kRead, "查看线索"));
  return db_.Read([&](soci::session& sql) { return store::ListClues(sql, who.unit_path, status, page); });
}

Result<Clue> VolunteerService::ReviewClue(const Principal& who, const audit::Actor& actor, std::int64_t id, bool accept,
                                          int points, const std::string& raw_note) {
  FZ_CHECK(Need(who, kManage, "审核线索"));
  const std::string note = Trim(raw_note);
  if (!accept && note.empty()) return Invalid("不采纳须写明理由", "note", "reason_required");
  if (!accept) points = 0;
  if (points < 0 || points > 100) return Invalid("线索奖励积分须在 0～100 之间", "points", "invalid_points");
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    auto c = store::LoadClue(sql, id);
    if (!c || !Under(c->unit_path, who.unit_path)) return NotFound("线索不存在");
    if (c->c.status != "pending") return Conflict("线索已审核，不能重复审核", "wrong_state");
    if (accept && points > 0) {
      const Settings s = store::LoadSettings(sql, c->c.bureau_id);
      FZ_TRY(Credit(sql, s,
                    {.bureau_id = c->c.bureau_id,
                     .volunteer_id = c->c.volunteer_id,
                     .points = points,
                     .source = "clue",
                     .source_id = id,
                     .approver_id = who.user_id,
                     .reason = "线索采纳" + (note.empty() ? std::string() : "：" + note),
                     .day = Day(now),
                     .month = Month(now),
                     .at = now}));
    }
    store::SetClueReview(sql, id, accept ? "accepted" : "rejected", note, points, who.user_id, now);
    audit::Append(sql, clock_, actor,
                  {"volunteer.clue_review", "volunteer_clue", std::to_string(id),
                   fmt::format("线索{}（{} 分）", accept ? "采纳" : "不采纳", points)});
    return {};
  }));
  return db_.Read([&](soci::session& sql) { return store::LoadClue(sql, id)->c; });
}

Result<FileDownload> VolunteerService::ReadFile(const Principal& who, std::int64_t file_id) const {
  if (!who.Has(kRead) && !who.Has(kSelf)) return Forbidden("没有查看线索照片的权限", "forbidden");
  return db_.Read([&](soci::session& sql) -> Result<FileDownload> {
    auto f = files_.Get(sql, file_id);
    if (!f || f->owner_type != "volunteer_clue") return NotFound("附件不存在");
    auto c = store::LoadClue(sql, f->owner_id);
    if (!c) return NotFound("附件不存在");
    bool ok = who.Has(kRead) && Under(c->unit_path, who.unit_path);
    if (!ok && who.Has(kSelf)) {
      auto me = store::LoadVolunteerOfUser(sql, who.user_id, clock_.Now());
      ok = me && me->v.id == c->c.volunteer_id;
    }
    if (!ok) return NotFound("附件不存在");
    return FileDownload{FZ_TRY(files_.Read(sql, *f)), f->content_type, f->filename};
  });
}

Result<Paged<LedgerEntry>> VolunteerService::Ledger(const Principal& who, std::optional<std::int64_t> volunteer_id,
                                                    const PageRequest& page) const {
  FZ_CHECK(Need(who, kRead, "查看积分台账"));
  return db_.Read([&](soci::session& sql) { return store::ListLedger(sql, who.unit_path, volunteer_id, page); });
}

Result<LedgerEntry> VolunteerService::Award(const Principal& who, const audit::Actor& actor, std::int64_t volunteer_id,
                                            int points, const std::string& raw_reason,
                                            std::optional<std::int64_t> corrects) {
  FZ_CHECK(Need(who, kManage, "记录积分"));
  const std::string reason = Trim(raw_reason);
  if (reason.empty()) return Invalid("请写明加分或更正的理由", "reason", "reason_required");
  if (points == 0) return Invalid("积分不能为 0", "points", "invalid_points");
  if (!corrects && points < 0) return Invalid("人工加分须为正数；扣减请以更正方式记录", "points", "invalid_points");
  if (points > 100 || points < -1000) return Invalid("单次积分须在 −1000～100 之间", "points", "invalid_points");
  const EpochSeconds now = clock_.Now();
  const std::int64_t id = FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    auto row = store::LoadVolunteer(sql, volunteer_id, now);
    if (!row || !Under(row->unit_path, who.unit_path)) return NotFound("志愿者不存在");
    if (row->v.status != "approved") return Conflict("只能为审核通过的志愿者记分", "wrong_state");
    if (corrects) {
      auto e = store::LoadEntry(sql, *corrects);
      if (!e || e->volunteer_id != volunteer_id)
        return Invalid("被更正的台账条目不存在或不属于该志愿者", "corrects", "invalid_entry");
    }
    const Settings s = store::LoadSettings(sql, row->v.bureau_id);
    const std::int64_t eid = FZ_TRY(Credit(sql, s,
                                           {.bureau_id = row->v.bureau_id,
                                            .volunteer_id = volunteer_id,
                                            .points = points,
                                            .source = corrects ? "correction" : "manual",
                                            .source_id = corrects,
                                            .approver_id = who.user_id,
                                            .reason = reason,
                                            .day = Day(now),
                                            .month = Month(now),
                                            .at = now}));
    audit::Append(sql, clock_, actor,
                  {"volunteer.points", "volunteer", std::to_string(volunteer_id),
                   fmt::format("{} {} {} 分：{}", corrects ? "更正" : "加分", row->v.name, points, reason)});
    return eid;
  }));
  return db_.Read([&](soci::session& sql) { return *store::LoadEntry(sql, id); });
}

Result<Settings> VolunteerService::GetSettings(const Principal& who) const {
  FZ_CHECK(Need(who, kRead, "查看积分设置"));
  return db_.Read(
      [&](soci::session& sql) -> Result<Settings> { return store::LoadSettings(sql, FZ_TRY(BureauOf(sql, who))); });
}

Result<Settings> VolunteerService::SaveSettings(const Principal& who, const audit::Actor& actor, const Settings& s) {
  FZ_CHECK(Need(who, kManage, "修改积分设置"));
  if (s.day_cap < 1 || s.day_cap > 1000) return Invalid("每日上限须在 1～1000 之间", "day_cap", "invalid_cap");
  if (s.month_cap < s.day_cap || s.month_cap > 10000)
    return Invalid("每月上限须不小于每日上限且不超过 10000", "month_cap", "invalid_cap");
  if (s.max_speed_kmh < 5 || s.max_speed_kmh > 1000)
    return Invalid("速度上限须在 5～1000 公里/小时之间", "max_speed_kmh", "invalid_speed");
  if (s.place_radius_m < 10 || s.place_radius_m > 5000)
    return Invalid("点位半径须在 10～5000 米之间", "place_radius_m", "invalid_radius");
  return db_.Write([&](soci::session& sql) -> Result<Settings> {
    const std::int64_t bureau = FZ_TRY(BureauOf(sql, who));
    store::SaveSettings(sql, bureau, s, clock_.Now());
    audit::Append(sql, clock_, actor,
                  {"volunteer.settings", "volunteer_settings", std::to_string(bureau),
                   fmt::format("志愿者积分上限：每日 {} 分、每月 {} 分", s.day_cap, s.month_cap)});
    return s;
  });
}

Result<std::vector<Reward>> VolunteerService::Rewards(const Principal& who) const {
  FZ_CHECK(Need(who, kRead, "查看奖励目录"));
  return db_.Read([&](soci::session& sql) -> Result<std::vector<Reward>> {
    return store::ListRewards(sql, FZ_TRY(BureauOf(sql, who)), false);
  });
}

Result<Reward> VolunteerService::SaveReward(const Principal& who, const audit::Actor& actor, Reward r) {
  FZ_CHECK(Need(who, kManage, "维护奖励目录"));
  r.name = Trim(r.name);
  if (r.name.empty()) return Invalid("请填写奖励名称", "name", "required");
  if (r.cost < 1 || r.cost > 100000) return Invalid("兑换所需积分须在 1～100000 之间", "cost", "invalid_cost");
  if (r.stock < 0 || r.stock > 100000) return Invalid("库存须在 0～100000 之间", "stock", "invalid_stock");
  return db_.Write([&](soci::session& sql) -> Result<Reward> {
    const std::int64_t bureau = FZ_TRY(BureauOf(sql, who));
    if (r.id) {
      auto old = store::LoadReward(sql, r.id);
      if (!old || old->bureau_id != bureau) return NotFound("奖励不存在");
      r.bureau_id = bureau;
      store::UpdateReward(sql, r);
    } else {
      r.bureau_id = bureau;
      r.id = store::InsertReward(sql, r, clock_.Now());
    }
    audit::Append(sql, clock_, actor,
                  {"volunteer.reward", "volunteer_reward", std::to_string(r.id),
                   fmt::format("奖励「{}」：{} 分，库存 {}", r.name, r.cost, r.stock)});
    return *store::LoadReward(sql, r.id);
  });
}

// ---------------------------------------------------------------- 巡防之星, service records

Result<Stars> VolunteerService::MonthlyStars(const Principal& who, const std::string& month) const {
  FZ_CHECK(Need(who, kRead, "查看巡防之星"));
  const auto first = ParseDate(month + "-01");
  if (month.size() != 7 || !first) return Invalid("月份格式应为 YYYY-MM", "month", "invalid_month");
  CivilDate next = *first;
  next.month = next.month == 12 ? 1 : next.month + 1;
  if (next.month == 1) ++next.year;
  const EpochSeconds from = LocalMidnight(*first), to = LocalMidnight(next);
  Stars out;
  out.month = month;
  const StarCriteria& c = out.criteria;
  out.criteria_text = fmt::format(
      "《平安志愿者积分奖励办法》巡防之星评选：每月按“当月所得积分 ×{} + 完成任务次数 ×{} + 线索被采纳条数 "
      "×{}”计算得分，"
      "每个派出所得分最高的 {} 名审核通过的志愿者当选；得分相同者按完成任务次数、再按登记先后排列；得分为 0 者不评。",
      c.points_weight, c.task_weight, c.clue_weight, c.stars_per_unit);
  out.candidates = FZ_TRY(db_.Read([&](soci::session& sql) -> Result<std::vector<StarCandidate>> {
    return RankStars(sql, who.unit_path, month, from, to, c);
  }));
  return out;
}

Result<std::vector<ServiceRecord>> VolunteerService::ServiceRecords(const Principal& who,
                                                                    std::int64_t volunteer_id) const {
  FZ_CHECK(Need(who, kRead, "查看志愿服务记录"));
  return db_.Read([&](soci::session& sql) -> Result<std::vector<ServiceRecord>> {
    auto row = store::LoadVolunteer(sql, volunteer_id, clock_.Now());
    if (!row || !Under(row->unit_path, who.unit_path)) return NotFound("志愿者不存在");
    const Volunteer v = Masked(*row, vault_);
    std::vector<ServiceRecord> out;
    for (const auto& a : store::DoneAssignments(sql, volunteer_id)) {
      auto task = store::LoadTask(sql, a.task_id);
      std::vector<std::string> places;
      if (!task->t.area_name.empty()) places.push_back(task->t.area_name);
      for (const auto& p : task->t.route) places.push_back(p.name);
      ServiceRecord r;
      r.assignment_id = a.id;
      r.volunteer_name = v.name;
      r.id_number_masked = v.id_number;
      r.content = task->t.title + (task->t.content.empty() ? "" : "：" + task->t.content);
      r.place = JoinText(places, "、");
      r.organiser = task->t.unit_name;
      r.recorder = a.review_note.empty() ? "系统自动记录（签到签退）" : "志愿者管理员核定";
      r.start_at = *a.checkin_at;
      r.end_at = *a.checkout_at;
      r.hours = std::round((r.end_at - r.start_at) / 360.0) / 10.0;
      out.push_back(std::move(r));
    }
    return out;
  });
}

Result<files::Document> VolunteerService::Certificate(const Principal& who, std::int64_t volunteer_id) const {
  const auto records = FZ_TRY(ServiceRecords(who, volunteer_id));
  const auto detail = FZ_TRY(Get(who, volunteer_id));
  double total = 0;
  for (const auto& r : records) total += r.hours;
  files::Document doc;
  doc.title = "志愿服务证明";
  doc.AddParagraph(fmt::format(
      "兹证明 {}（身份证号 {}）系{}平安志愿者（凤城蓝卫），{}审核通过。截至出具之日，"
      "经签到签退记录的志愿服务共 {} 次，累计服务时长 {:.1f} 小时。",
      detail.v.name, detail.v.id_number, detail.v.unit_name,
      detail.v.vetted_at ? FormatDate(LocalDateOf(*detail.v.vetted_at)) : std::string(), records.size(), total));
  files::Table t;
  t.caption = "志愿服务记录";
  t.columns = {{2.2}, {3}, {2}, {1.2, files::Align::kRight}, {1.6}, {1.6}};
  t.rows.push_back({"服务时间", "服务内容", "服务地点", "服务时长（小时）", "组织单位", "记录方式"});
  for (const auto& r : records)
    t.rows.push_back(
        {FormatLocalDateTime(r.start_at).substr(0, 16) + "～" + FormatLocalDateTime(r.end_at).substr(11, 5), r.content,
         r.place, fmt::format("{:.1f}", r.hours), r.organiser, r.recorder});
  t.source_note = "依据《志愿服务记录与证明出具办法》记录：服务时间、服务内容、服务地点、服务时长、组织单位。";
  doc.AddTable(std::move(t));
  const auto today = LocalDateOf(clock_.Now());
  doc.signature = files::Signature{.organ = detail.v.unit_name,
                                   .date = fmt::format("{}年{}月{}日", today.year, today.month, today.day)};
  return doc;
}

}  // namespace fazhi::volunteers
