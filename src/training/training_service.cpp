#include "training/training_service.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/local_time.h"
#include "core/text.h"
#include "db/sql.h"
#include "files/qr_png.h"
#include "files/spreadsheet.h"
#include "notify/notify.h"
#include "org/org_reads.h"
#include "training/training_reads.h"
#include "training/training_store.h"

namespace fazhi::training {

using auth::Principal;

std::string KindName(const std::string& kind) {
  if (kind == "weekly") return "法制每周一学";
  if (kind == "night_school") return "法制夜校";
  if (kind == "lecture") return "行政执法大讲堂";
  if (kind == "liaison") return "法制员例会";
  if (kind == "joint") return "联合培训";
  if (kind == "center_group") return "党委中心组学法";
  if (kind == "pre_meeting") return "会前学法";
  return kind;
}

std::string FormatName(const std::string& format) {
  if (format == "case_study") return "以案说法";
  if (format == "fix_errors") return "挑错改错";
  if (format == "qa") return "现场答疑";
  return format;
}

namespace {

struct Reach {
  std::int64_t unit_id = 0, bureau_id = 0;
  std::string path;
  bool bureau_wide = false;
};

// His unit subtree; on a bureau's legal unit, the whole bureau.
Reach ReachOf(soci::session& sql, const Principal& who) {
  Reach r{who.unit_id, who.bureau_id.value_or(0), who.unit_path, false};
  auto own = who.unit_id ? org::ReadUnit(sql, who.unit_id) : std::nullopt;
  if (!own) return r;
  r.bureau_id = own->level == "bureau" ? own->id : own->bureau_id;
  r.bureau_wide = org::ActsForWholeBureau(sql, who.unit_id);
  if (own->level == "team" && own->bureau_id != 0 && org::IsLegalUnit(own->name, own->category))
    if (auto bureau = org::ReadUnit(sql, own->bureau_id)) r.path = bureau->path;
  return r;
}

using org::Under;

Result<std::string> Text(const std::string& raw, const char* label, const char* field, int max_chars, bool required) {
  std::string v = Trim(raw);
  if (required && v.empty()) return Invalid(fmt::format("{}不能为空", label), field, "required");
  if (!IsValidUtf8(v)) return Invalid(fmt::format("{}含有无效字符", label), field, "invalid_text");
  if (Utf8Length(v) > max_chars) return Invalid(fmt::format("{}不能超过 {} 个字", label, max_chars), field, "too_long");
  return v;
}

bool IsMonth(const std::string& m) {
  if (m.size() != 7 || m[4] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6})
    if (m[i] < '0' || m[i] > '9') return false;
  const int month = std::stoi(m.substr(5));
  return month >= 1 && month <= 12;
}

std::string MonthOf(EpochSeconds t) {
  const CivilDate d = LocalDateOf(t);
  return fmt::format("{:04}-{:02}", d.year, d.month);
}

std::string Hm(EpochSeconds t) { return FormatLocalDateTime(t).substr(0, 16); }

audit::Entry Audit(const std::string& action, const std::string& type, std::int64_t id, std::string summary) {
  return {"training." + action, type, std::to_string(id), std::move(summary), nlohmann::json::object()};
}

Result<org::UnitRef> UnitInReach(soci::session& sql, const Reach& reach, std::int64_t id, const char* field) {
  auto u = org::ReadUnit(sql, id);
  if (!u || !Under(u->path, reach.path) || u->bureau_id == 0)
    return Fail(ErrorCode::kNotFound, "单位不存在或不在您的管辖范围内", field, "not_found");
  return *u;
}

Result<void> CheckSessionInput(soci::session& sql, const Reach& reach, SessionInput& in, std::int64_t bureau_id) {
  if (std::find(kKinds.begin(), kKinds.end(), in.kind) == kKinds.end())
    return Invalid("培训类型不正确", "kind", "invalid_kind");
  in.topic = FZ_TRY(Text(in.topic, "培训主题", "topic", 200, true));
  in.place = FZ_TRY(Text(in.place, "培训地点", "place", 200, false));
  in.online_url = FZ_TRY(Text(in.online_url, "线上链接", "online_url", 500, false));
  in.speaker_name = FZ_TRY(Text(in.speaker_name, "主讲人", "speaker_name", 50, false));
  in.speaker_title = FZ_TRY(Text(in.speaker_title, "主讲人职务职称", "speaker_title", 100, false));
  in.minutes = FZ_TRY(Text(in.minutes, "培训纪要", "minutes", 20000, false));
  if (in.end_at <= in.start_at) return Invalid("结束时间应晚于开始时间", "end_at", "end_before_start");
  if (in.end_at - in.start_at > 3 * 86400) return Invalid("一次培训不能超过 3 天", "end_at", "too_long");
  if (!in.online_url.empty() && !in.online_url.starts_with("http://") && !in.online_url.starts_with("https://"))
    return Invalid("线上链接应以 http:// 或 https:// 开头", "online_url", "invalid_url");
  if (in.kind == "lecture" && in.online_url.empty())
    return Invalid("行政执法大讲堂为线上培训，请填写线上链接", "online_url", "required");
  if (in.place.empty() && in.online_url.empty()) return Invalid("请填写培训地点或线上链接", "place", "required");
  if (!in.format.empty() &&
      (in.kind != "night_school" || std::find(kFormats.begin(), kFormats.end(), in.format) == kFormats.end()))
    return Invalid("培训形式只用于法制夜校（以案说法、挑错改错、现场答疑）", "format", "invalid_format");
  if (in.speaker_kind == "internal") {
    if (!in.speaker_person_id) return Invalid("内聘主讲人请选择本局民警", "speaker_person_id", "required");
    auto p = org::ReadPerson(sql, *in.speaker_person_id);
    if (!p || p->bureau_id != bureau_id)
      return Fail(ErrorCode::kNotFound, "主讲人不存在或不在本分局", "speaker_person_id", "not_found");
    in.speaker_name = p->name;
  } else if (in.speaker_kind == "invited") {
    if (in.speaker_name.empty()) return Invalid("外请专家请填写姓名", "speaker_name", "required");
    in.speaker_person_id.reset();
  } else if (in.speaker_kind.empty()) {
    in.speaker_person_id.reset();
  } else {
    return Invalid("主讲人类型应为内聘（internal）或外请（invited）", "speaker_kind", "invalid_kind");
  }
  if (in.target_unit_ids.size() > 200) return Invalid("参训单位过多", "target_unit_ids", "too_many");
  if (in.target_unit_ids.empty()) in.target_unit_ids.push_back(in.unit_id);
  std::set<std::int64_t> seen;
  std::vector<std::int64_t> targets;
  for (std::int64_t id : in.target_unit_ids) {
    const org::UnitRef u = FZ_TRY(UnitInReach(sql, reach, id, "target_unit_ids"));
    if (u.bureau_id != bureau_id)
      return Fail(ErrorCode::kNotFound, "参训单位不在本分局", "target_unit_ids", "not_found");
    if (seen.insert(id).second) targets.push_back(id);
  }
  in.target_unit_ids = std::move(targets);
  return {};
}

// The session when it is visible (manage = its organiser within reach); NotFound otherwise.
Result<Session> SessionFor(soci::session& sql, const Reach& reach, std::int64_t id, bool manage) {
  auto s = store::LoadSession(sql, id);
  if (!s) return NotFound("培训不存在");
  if (manage ? !Under(s->unit_path, reach.path) : !store::SessionVisible(sql, *s, reach.path))
    return NotFound("培训不存在");
  return *s;
}

std::vector<SessionFile> FilesOf(soci::session& sql, const files::AttachmentStore& store, std::int64_t id) {
  std::vector<SessionFile> out;
  for (const char* role : {"material", "photo"})
    for (const auto& f : store.List(sql, std::string("training_") + role, {id}))
      out.push_back({f.id, role, f.filename, f.content_type, f.size});
  return out;
}

std::string TokenSignature(const auth::Vault& vault, std::int64_t id, EpochSeconds exp) {
  return vault.BlindIndex(fmt::format("training-checkin:{}:{}", id, exp)).substr(0, 32);
}

struct Token {
  std::int64_t session_id = 0;
  EpochSeconds expires_at = 0;
};

std::optional<Token> ParseToken(const auth::Vault& vault, const std::string& token) {
  const auto a = token.find('.');
  const auto b = a == std::string::npos ? a : token.find('.', a + 1);
  if (b == std::string::npos || token.size() > 100) return std::nullopt;
  Token t;
  const std::string id = token.substr(0, a), exp = token.substr(a + 1, b - a - 1);
  if (id.empty() || exp.empty() || id.size() > 18 || exp.size() > 18) return std::nullopt;
  for (char c : id + exp)
    if (c < '0' || c > '9') return std::nullopt;
  t.session_id = std::stoll(id);
  t.expires_at = std::stoll(exp);
  if (token.substr(b + 1) != TokenSignature(vault, t.session_id, t.expires_at)) return std::nullopt;
  return t;
}

}  // namespace

TrainingService::TrainingService(db::Database& db, const Clock& clock, const auth::Vault& vault)
    : db_(db), clock_(clock), vault_(vault), files_(db) {}

// ---- sessions ----

Result<SessionDetail> TrainingService::CreateSession(const Principal& who, const audit::Actor& actor, SessionInput in) {
  const EpochSeconds now = clock_.Now();
  const std::int64_t id = FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    const Reach reach = ReachOf(sql, who);
    if (in.unit_id == 0) in.unit_id = who.unit_id;
    const org::UnitRef unit = FZ_TRY(UnitInReach(sql, reach, in.unit_id, "unit_id"));
    FZ_CHECK(CheckSessionInput(sql, reach, in, unit.bureau_id));
    const std::int64_t id = store::InsertSession(sql, unit.bureau_id, in, who.user_id, now);
    audit::Append(sql, clock_, actor,
                  Audit("session.create", "training_session", id,
                        fmt::format("新建培训：{}「{}」（{}）", KindName(in.kind), in.topic, Hm(in.start_at))));
    return id;
  }));
  return GetSession(who, id);
}

Result<SessionDetail> TrainingService::UpdateSession(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                                     SessionInput in) {
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    const Reach reach = ReachOf(sql, who);
    const Session s = FZ_TRY(SessionFor(sql, reach, id, true));
    in.unit_id = s.unit_id;
    FZ_CHECK(CheckSessionInput(sql, reach, in, s.bureau_id));
    store::UpdateSession(sql, id, in, now);
    audit::Append(sql, clock_, actor,
                  Audit("session.update", "training_session", id, fmt::format("修改培训「{}」", in.topic)));
    return {};
  }));
  return GetSession(who, id);
}

Result<SessionDetail> TrainingService::GetSession(const Principal& who, std::int64_t id) const {
  return db_.Read([&](soci::session& sql) -> Result<SessionDetail> {
    const Reach reach = ReachOf(sql, who);
    SessionDetail d;
    d.session = FZ_TRY(SessionFor(sql, reach, id, false));
    d.files = FilesOf(sql, files_, id);
    d.can_manage = who.Has("training.manage") && Under(d.session.unit_path, reach.path);
    return d;
  });
}

Result<Paged<Session>> TrainingService::ListSessions(const Principal& who, const SessionFilter& f,
                                                     const PageRequest& page) const {
  return db_.Read([&](soci::session& sql) -> Result<Paged<Session>> {
    return store::ListSessions(sql, ReachOf(sql, who).path, f, page);
  });
}

Result<FileDownload> TrainingService::ExportSessions(const Principal& who, const SessionFilter& f) const {
  PageRequest page;
  page.page_size = 5000;
  const auto list = FZ_TRY(ListSessions(who, f, page));
  std::vector<files::CellRow> rows = {{"类型", "主题", "开始时间", "结束时间", "地点/线上链接", "主讲人", "形式",
                                       "组织单位", "参训单位", "应到", "实到", "到课率"}};
  for (const auto& s : list.items) {
    std::string targets;
    for (const auto& t : s.targets) targets += (targets.empty() ? "" : "、") + t.name;
    const std::string speaker =
        s.speaker_title.empty() ? s.speaker_name : fmt::format("{}（{}）", s.speaker_name, s.speaker_title);
    rows.push_back(
        {KindName(s.kind), s.topic, FormatLocalDateTime(s.start_at).substr(0, 16),
         FormatLocalDateTime(s.end_at).substr(0, 16), s.place.empty() ? s.online_url : s.place, speaker,
         FormatName(s.format), s.unit_name, targets, files::Cell::Int(s.expected), files::Cell::Int(s.attended),
         s.expected ? files::Cell::Number(static_cast<double>(s.attended) / s.expected, "0.0%") : files::Cell()});
  }
  auto bytes = FZ_TRY(files::WriteXlsx(
      {files::SheetData("培训记录", std::move(rows), {14, 36, 18, 18, 24, 18, 10, 16, 30, 8, 8, 10})}));
  return FileDownload{std::move(bytes), files::kXlsx, "培训记录.xlsx"};
}

Result<std::vector<SessionFile>> TrainingService::AddFiles(const Principal& who, const audit::Actor& actor,
                                                           std::int64_t id, const std::string& role,
                                                           const std::vector<files::Upload>& uploads) {
  if (role != "material" && role != "photo")
    return Invalid("附件类别应为 material（培训材料）或 photo（现场照片）", "role", "invalid_role");
  if (uploads.empty()) return Invalid("请选择要上传的文件", "file", "required");
  files::AttachmentLimits limits;
  if (role == "photo") limits.allowed_types = {files::kJpeg, files::kPng, files::kGif, files::kWebp};
  FZ_CHECK(files::CheckUploads(uploads, limits));
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    const Session s = FZ_TRY(SessionFor(sql, ReachOf(sql, who), id, true));
    for (const auto& u : uploads)
      FZ_TRY(files_.Put(sql, u, {.type = "training_" + role, .id = id, .bureau_id = s.bureau_id}, who.user_id, now,
                        limits));
    audit::Append(sql, clock_, actor,
                  Audit("session.files", "training_session", id,
                        fmt::format("培训「{}」上传{} {} 个", s.topic, role == "photo" ? "现场照片" : "培训材料",
                                    uploads.size())));
    return {};
  }));
  return db_.Read([&](soci::session& sql) { return FilesOf(sql, files_, id); });
}

Result<FileDownload> TrainingService::ReadFile(const Principal& who, std::int64_t file_id) const {
  return db_.Read([&](soci::session& sql) -> Result<FileDownload> {
    auto f = files_.Get(sql, file_id);
    if (!f || (f->owner_type != "training_material" && f->owner_type != "training_photo"))
      return NotFound("附件不存在");
    if (!SessionFor(sql, ReachOf(sql, who), f->owner_id, false)) return NotFound("附件不存在");
    auto bytes = FZ_TRY(files_.Read(sql, *f));
    return FileDownload{std::move(bytes), f->content_type, f->filename};
  });
}

// ---- attendance ----

Result<Attendance> TrainingService::GetAttendance(const Principal& who, std::int64_t id) const {
  return db_.Read([&](soci::session& sql) -> Result<Attendance> {
    const Session s = FZ_TRY(SessionFor(sql, ReachOf(sql, who), id, false));
    return store::LoadAttendance(sql, s);
  });
}

Result<Attendance> TrainingService::SetRoster(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                              const std::vector<std::int64_t>& person_ids) {
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    const Session s = FZ_TRY(SessionFor(sql, ReachOf(sql, who), id, true));
    db::LockRowForUpdate(sql, "training_sessions", id);
    const auto people = org::ReadPeople(sql, person_ids);
    std::set<std::int64_t> wanted;
    for (const auto& p : people)
      if (p.bureau_id == s.bureau_id) wanted.insert(p.id);
    for (std::int64_t pid : person_ids)
      if (!wanted.contains(pid))
        return Fail(ErrorCode::kNotFound, fmt::format("人员 {} 不存在或不在本分局", pid), "person_ids", "not_found");
    int added = 0, removed = 0;
    for (const auto& line : store::LoadAttendance(sql, s).lines)
      if (line.attended && !wanted.contains(line.person_id)) {
        store::RemoveAttendance(sql, id, line.person_id);
        ++removed;
      }
    for (const auto& p : people)
      if (store::AddAttendance(sql, s.bureau_id, id, p.id, p.unit_id, "roster", now, who.user_id)) ++added;
    audit::Append(sql, clock_, actor,
                  Audit("attendance.roster", "training_session", id,
                        fmt::format("培训「{}」点名：新增 {} 人，取消 {} 人", s.topic, added, removed)));
    return {};
  }));
  return GetAttendance(who, id);
}

Result<CheckinToken> TrainingService::IssueToken(const Principal& who, std::int64_t id,
                                                 const std::string& base_url) const {
  const EpochSeconds now = clock_.Now();
  const Session s = FZ_TRY(db_.Read([&](soci::session& sql) { return SessionFor(sql, ReachOf(sql, who), id, true); }));
  CheckinToken t;
  t.expires_at = now + kTokenLifetime;
  t.token = fmt::format("{}.{}.{}", id, t.expires_at, TokenSignature(vault_, id, t.expires_at));
  t.url = base_url + "/training/checkin?t=" + t.token;
  t.open = now >= s.start_at - kCheckinOpensBefore && now <= s.end_at + kCheckinGrace;
  int px = 0;
  t.png = FZ_TRY(files::QrPng(t.url, 6, &px));
  return t;
}

Result<CheckinResult> TrainingService::CheckIn(const Principal& who, const audit::Actor& actor,
                                               const std::string& token) {
  if (!who.person_id) return Forbidden("您的账号未关联民警信息，无法签到，请联系管理员关联人员档案", "no_person");
  const auto t = ParseToken(vault_, Trim(token));
  if (!t) return Invalid("签到码无效，请扫描培训现场显示的二维码", "token", "invalid_token");
  const EpochSeconds now = clock_.Now();
  // A repeated scan is answered from a read, without queueing for the write lock.
  auto seen = db_.Read([&](soci::session& sql) -> std::optional<CheckinResult> {
    auto at = store::AttendedAt(sql, t->session_id, *who.person_id);
    auto s = at ? store::LoadSession(sql, t->session_id, false) : std::nullopt;
    if (!s) return std::nullopt;
    return CheckinResult{s->id, s->topic, s->kind, *at, true};
  });
  if (seen) return *seen;
  return db_.Write([&](soci::session& sql) -> Result<CheckinResult> {
    auto s = store::LoadSession(sql, t->session_id, false);
    auto person = org::ReadPerson(sql, *who.person_id);
    if (!s || !person || person->bureau_id != s->bureau_id) return NotFound("培训不存在");
    if (now < s->start_at - kCheckinOpensBefore)
      return Fail(ErrorCode::kConflict,
                  fmt::format("签到尚未开始：本次培训 {} 开始，开始前 30 分钟开放签到", Hm(s->start_at)), "token",
                  "checkin_not_open");
    if (now > s->end_at + kCheckinGrace)
      return Fail(ErrorCode::kConflict,
                  fmt::format("本次培训已于 {} 结束，签到已截止（结束后 30 分钟内可签到）", Hm(s->end_at)), "token",
                  "checkin_closed");
    if (now > t->expires_at)
      return Invalid("签到二维码已过期，请重新扫描培训现场显示的二维码", "token", "token_expired");
    CheckinResult r{s->id, s->topic, s->kind, now, false};
    if (store::AddAttendance(sql, s->bureau_id, s->id, person->id, person->unit_id, "qr", now, who.user_id)) {
      audit::Append(sql, clock_, actor,
                    Audit("attendance.checkin", "training_session", s->id,
                          fmt::format("{} 扫码签到培训「{}」", person->name, s->topic)));
    } else {
      r.already = true;
      r.checked_at = store::AttendedAt(sql, s->id, person->id).value_or(now);
    }
    return r;
  });
}

// ---- monthly plans ----

Result<std::vector<PlanItem>> TrainingService::ListPlans(const Principal& who, const std::string& from_month,
                                                         const std::string& to_month,
                                                         std::optional<std::int64_t> unit_id) const {
  if (!IsMonth(from_month)) return Invalid("起始月份格式应为 2023-01", "from", "invalid_month");
  if (!IsMonth(to_month)) return Invalid("截止月份格式应为 2023-12", "to", "invalid_month");
  const EpochSeconds now = clock_.Now();
  return db_.Read([&](soci::session& sql) -> Result<std::vector<PlanItem>> {
    return store::ListPlanItems(sql, ReachOf(sql, who).path, from_month, to_month, unit_id, now);
  });
}

Result<PlanItem> TrainingService::AddPlan(const Principal& who, const audit::Actor& actor, std::int64_t unit_id,
                                          const std::string& month, const std::string& kind,
                                          const std::string& topic_raw) {
  if (!IsMonth(month)) return Invalid("计划月份格式应为 2023-03", "month", "invalid_month");
  if (std::find(kKinds.begin(), kKinds.end(), kind) == kKinds.end())
    return Invalid("培训类型不正确", "kind", "invalid_kind");
  const std::string topic = FZ_TRY(Text(topic_raw, "学习内容", "topic", 200, true));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<PlanItem> {
    const org::UnitRef u = FZ_TRY(UnitInReach(sql, ReachOf(sql, who), unit_id, "unit_id"));
    const std::int64_t id =
        store::InsertPlanItem(sql, u.bureau_id, u.id, month, kind, topic, std::nullopt, who.user_id, now);
    audit::Append(
        sql, clock_, actor,
        Audit("plan.create", "training_plan_item", id, fmt::format("{} {} 学法计划：{}", u.name, month, topic)));
    return *store::LoadPlanItem(sql, id, now);
  });
}

Result<PlanItem> TrainingService::LinkPlan(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                           std::optional<std::int64_t> session_id) {
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<PlanItem> {
    const Reach reach = ReachOf(sql, who);
    auto item = store::LoadPlanItem(sql, id, now);
    if (!item || !Under(store::PlanItemPath(sql, id), reach.path)) return NotFound("学法计划不存在");
    if (session_id) {
      auto s = SessionFor(sql, reach, *session_id, false);
      if (!s) return Fail(ErrorCode::kNotFound, "培训不存在", "session_id", "not_found");
      if (MonthOf(s->start_at) != item->month)
        return Invalid(fmt::format("该培训在 {} 举行，不在计划月份 {} 内", MonthOf(s->start_at), item->month),
                       "session_id", "wrong_month");
    }
    store::LinkPlanItem(sql, id, session_id, now);
    audit::Append(sql, clock_, actor,
                  Audit("plan.link", "training_plan_item", id,
                        session_id ? fmt::format("学法计划「{}」由培训 {} 落实", item->topic, *session_id)
                                   : fmt::format("学法计划「{}」取消关联培训", item->topic)));
    return *store::LoadPlanItem(sql, id, now);
  });
}

namespace {

// "2023-03" of the month `back` months before year-month.
std::string MonthBefore(int year, int month, int back) {
  const int index = year * 12 + (month - 1) - back;
  return fmt::format("{:04}-{:02}", index / 12, index % 12 + 1);
}

std::string MonthTitle(const std::string& month) {
  return fmt::format("{} 年 {} 月", month.substr(0, 4), std::stoi(month.substr(5, 2)));
}

}  // namespace

Result<MissedPlanSweep> TrainingService::NotifyMissedPlans() {
  const EpochSeconds now = clock_.Now();
  const CivilDate today = LocalDateOf(now);
  // Months before `checked` are over and past their grace days.
  const std::string checked = MonthBefore(today.year, today.month, today.day >= kPlanNotifyDay ? 0 : 1);
  const std::string stale_before = MonthBefore(today.year, today.month, kPlanStaleMonths + 1);
  return db_.Write([&](soci::session& sql) -> Result<MissedPlanSweep> {
    MissedPlanSweep out;
    std::map<std::pair<std::int64_t, std::string>, std::vector<PlanItem>> plans;  // (unit, month) → items
    for (auto& p : store::MissedUnnotified(sql, checked, now)) {
      if (!store::MarkPlanNotified(sql, p.id, now)) continue;  // another instance took it
      if (p.month < stale_before) {
        ++out.stale;
        continue;
      }
      plans[{p.unit_id, p.month}].push_back(std::move(p));
    }
    for (const auto& [key, items] : plans) {
      const PlanItem& first = items.front();
      std::string list;
      for (std::size_t i = 0; i < items.size(); ++i)
        list += fmt::format("\n{}. {}：{}", i + 1, KindName(items[i].kind), items[i].topic);
      notify::Recipients to;
      to.users = store::PlanRecipients(sql, key.first);
      out.notifications += notify::Send(
          sql,
          {.bureau_id = first.bureau_id,
           .kind = "training_plan_missed",
           .title = fmt::format("学法计划未落实：{} {}", first.unit_name, MonthTitle(key.second)),
           .body = fmt::format("{} {} 的学法计划有 {} 项未落实（当月没有举行对应的培训）：{}\n请尽快补学，并在"
                               "“每月学法计划”中关联补学的培训。",
                               first.unit_name, MonthTitle(key.second), items.size(), list),
           .object_type = "training_plan",
           .object_id = first.id,
           .case_id = std::nullopt,
           .dedup_key = fmt::format("training_plan_missed:{}:{}", key.first, key.second)},
          to, now);
      ++out.plans;
      out.items += static_cast<int>(items.size());
    }
    return out;
  });
}

// ---- materials ----

Result<Paged<Material>> TrainingService::SearchMaterials(const Principal& who, const std::string& series,
                                                         const std::string& q, const PageRequest& page) const {
  return db_.Read([&](soci::session& sql) -> Result<Paged<Material>> {
    const Reach reach = ReachOf(sql, who);
    if (reach.bureau_id == 0) return Paged<Material>{};
    return store::SearchMaterials(sql, reach.bureau_id, series, q, page);
  });
}

Result<MaterialDetail> TrainingService::GetMaterial(const Principal& who, std::int64_t id) const {
  return db_.Read([&](soci::session& sql) -> Result<MaterialDetail> {
    const Reach reach = ReachOf(sql, who);
    auto m = store::LoadMaterial(sql, id);
    if (!m || m->bureau_id != reach.bureau_id) return NotFound("学法资料不存在");
    return MaterialDetail{*m, store::LoadVersions(sql, id), store::Subscribed(sql, who.user_id, reach.bureau_id)};
  });
}

namespace {

Result<void> CheckMaterial(MaterialInput& in, bool with_number) {
  if (with_number) {
    in.series = FZ_TRY(Text(in.series, "资料系列", "series", 50, true));
    if (in.issue_no < 1 || in.issue_no > 100000) return Invalid("期号应为正整数", "issue_no", "invalid_issue");
  }
  in.title = FZ_TRY(Text(in.title, "标题", "title", 200, true));
  in.body = FZ_TRY(Text(in.body, "正文", "body", 100000, false));
  in.note = FZ_TRY(Text(in.note, "修订说明", "note", 500, false));
  return {};
}

void TellSubscribers(soci::session& sql, const Material& m, const std::string& what, EpochSeconds now) {
  const auto users = store::Subscribers(sql, m.bureau_id);
  if (users.empty()) return;
  notify::Send(sql,
               {.bureau_id = m.bureau_id,
                .kind = "training_material",
                .title = fmt::format("学法资料{}：{} 第{}期", what, m.series, m.issue_no),
                .body = fmt::format("《{}》（第 {} 版）", m.title, m.version),
                .object_type = "training_material",
                .object_id = m.id,
                .dedup_key = fmt::format("training_material:{}:v{}", m.id, m.version)},
               {.users = users}, now);
}

}  // namespace

Result<MaterialDetail> TrainingService::CreateMaterial(const Principal& who, const audit::Actor& actor,
                                                       MaterialInput in) {
  FZ_CHECK(CheckMaterial(in, true));
  const EpochSeconds now = clock_.Now();
  const std::int64_t id = FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    const Reach reach = ReachOf(sql, who);
    if (!reach.bureau_wide || reach.bureau_id == 0)
      return Forbidden("学法资料库由法制部门维护，您的单位不能新增资料", "not_bureau_wide");
    if (store::MaterialExists(sql, reach.bureau_id, in.series, in.issue_no))
      return Fail(ErrorCode::kConflict, fmt::format("{} 第{}期已存在，请修订该期或换一个期号", in.series, in.issue_no),
                  "issue_no", "duplicate_issue");
    const std::int64_t id = store::InsertMaterial(sql, reach.bureau_id, in, who.user_id, now);
    TellSubscribers(sql, *store::LoadMaterial(sql, id), "发布", now);
    audit::Append(sql, clock_, actor,
                  Audit("material.create", "training_material", id,
                        fmt::format("发布学法资料：{} 第{}期《{}》", in.series, in.issue_no, in.title)));
    return id;
  }));
  return GetMaterial(who, id);
}

Result<MaterialDetail> TrainingService::ReviseMaterial(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                                       MaterialInput in) {
  FZ_CHECK(CheckMaterial(in, false));
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    const Reach reach = ReachOf(sql, who);
    auto m = store::LoadMaterial(sql, id);
    if (!m || m->bureau_id != reach.bureau_id) return NotFound("学法资料不存在");
    if (!reach.bureau_wide) return Forbidden("学法资料库由法制部门维护，您的单位不能修订资料", "not_bureau_wide");
    const int version = store::AddMaterialVersion(sql, id, in.title, in.body, in.note, who.user_id, now);
    TellSubscribers(sql, *store::LoadMaterial(sql, id), "更新", now);
    audit::Append(sql, clock_, actor,
                  Audit("material.revise", "training_material", id,
                        fmt::format("修订学法资料：{} 第{}期 第 {} 版", m->series, m->issue_no, version)));
    return {};
  }));
  return GetMaterial(who, id);
}

Result<bool> TrainingService::Subscribe(const Principal& who, bool on) {
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<bool> {
    const Reach reach = ReachOf(sql, who);
    if (reach.bureau_id == 0) return Invalid("您的账号不属于任何分局，无法订阅", "on", "no_bureau");
    store::Subscribe(sql, who.user_id, reach.bureau_id, on, now);
    return on;
  });
}

// ---- leaders ----

Result<std::vector<LawReport>> TrainingService::ListLawReports(const Principal& who, int year) const {
  return db_.Read([&](soci::session& sql) -> Result<std::vector<LawReport>> {
    const Reach reach = ReachOf(sql, who);
    auto bureau = org::ReadUnit(sql, reach.bureau_id);
    if (!bureau) return std::vector<LawReport>{};
    return store::ListLawReports(sql, bureau->path, year, who.user_id);
  });
}

Result<LawReport> TrainingService::AddLawReport(const Principal& who, const audit::Actor& actor, LawReport in) {
  if (in.form != "written" && in.form != "oral")
    return Invalid("述法形式应为书面（written）或口头（oral）", "form", "invalid_form");
  if (in.year < 2000 || in.year > 2100) return Invalid("年度不正确", "year", "invalid_year");
  in.title = FZ_TRY(Text(in.title, "述法题目", "title", 200, true));
  in.summary = FZ_TRY(Text(in.summary, "述法内容摘要", "summary", 20000, false));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<LawReport> {
    const org::UnitRef u = FZ_TRY(UnitInReach(sql, ReachOf(sql, who), in.unit_id, "unit_id"));
    auto p = org::ReadPerson(sql, in.person_id);
    if (!p || p->bureau_id != u.bureau_id)
      return Fail(ErrorCode::kNotFound, "述法人不存在或不在本分局", "person_id", "not_found");
    in.bureau_id = u.bureau_id;
    const std::int64_t id = store::InsertLawReport(sql, in, who.user_id, now);
    audit::Append(sql, clock_, actor,
                  Audit("law_report.create", "training_law_report", id,
                        fmt::format("{} {} 年度述法：{}", p->name, in.year, in.title)));
    return *store::LoadLawReport(sql, id, who.user_id);
  });
}

Result<LawReport> TrainingService::RateLawReport(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                                 int score, const std::string& comment_raw) {
  if (score < kRatingMin || score > kRatingMax)
    return Invalid(fmt::format("评分应为 {} 至 {} 分之间的整数（五分制）", kRatingMin, kRatingMax), "score",
                   "out_of_scale");
  const std::string comment = FZ_TRY(Text(comment_raw, "评议意见", "comment", 1000, false));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<LawReport> {
    const Reach reach = ReachOf(sql, who);
    auto r = store::LoadLawReport(sql, id, who.user_id);
    if (!r || r->bureau_id != reach.bureau_id) return NotFound("述法报告不存在");
    if (who.person_id && *who.person_id == r->person_id)
      return Fail(ErrorCode::kConflict, "不能为本人的述法评分", "score", "own_report");
    store::Rate(sql, r->bureau_id, id, who.user_id, score, comment, now);
    audit::Append(sql, clock_, actor,
                  Audit("law_report.rate", "training_law_report", id,
                        fmt::format("述法评议：{}《{}》{} 分", r->person_name, r->title, score)));
    return *store::LoadLawReport(sql, id, who.user_id);
  });
}

Result<std::vector<CourtRecord>> TrainingService::ListCourtRecords(const Principal& who, int year,
                                                                   const std::optional<std::string>& kind) const {
  return db_.Read([&](soci::session& sql) -> Result<std::vector<CourtRecord>> {
    return store::ListCourtRecords(sql, ReachOf(sql, who).path, year, kind);
  });
}

Result<CourtRecord> TrainingService::AddCourtRecord(const Principal& who, const audit::Actor& actor, CourtRecord in) {
  if (in.kind != "appearance" && in.kind != "hearing")
    return Invalid("记录类型应为出庭应诉（appearance）或旁听庭审（hearing）", "kind", "invalid_kind");
  in.case_name = FZ_TRY(Text(in.case_name, "案件", "case_name", 200, true));
  in.court = FZ_TRY(Text(in.court, "法院", "court", 100, true));
  in.attendees = FZ_TRY(Text(in.attendees, "出庭/旁听人员", "attendees", 500, true));
  in.lessons = FZ_TRY(Text(in.lessons, "庭审体会", "lessons", 5000, false));
  if (in.kind == "hearing") in.head_appeared = false;
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<CourtRecord> {
    const org::UnitRef u = FZ_TRY(UnitInReach(sql, ReachOf(sql, who), in.unit_id, "unit_id"));
    in.bureau_id = u.bureau_id;
    in.unit_name = u.name;
    in.id = store::InsertCourtRecord(sql, in, who.user_id, now);
    audit::Append(
        sql, clock_, actor,
        Audit("court.create", "training_court_record", in.id,
              fmt::format("{}：{}（{}）", in.kind == "hearing" ? "旁听庭审" : "出庭应诉", in.case_name, in.court)));
    return in;
  });
}

// ---- figures ----

Result<YearCounts> TrainingService::Overview(const Principal& who, int year) const {
  if (year < 2000 || year > 2100) return Invalid("年度不正确", "year", "invalid_year");
  const EpochSeconds now = clock_.Now();
  return db_.Read(
      [&](soci::session& sql) -> Result<YearCounts> { return CountYear(sql, ReachOf(sql, who).path, year, now); });
}

Result<FileDownload> TrainingService::ExportOverview(const Principal& who, int year) const {
  const YearCounts y = FZ_TRY(Overview(who, year));
  using files::Cell;
  std::vector<files::CellRow> rows;
  files::CellRow head = {"培训类型", "全年"};
  for (int m = 1; m <= 12; ++m) head.push_back(fmt::format("{} 月", m));
  rows.push_back(std::move(head));
  for (const auto& k : kKinds) {
    files::CellRow row = {KindName(k), Cell::Int(y.by_kind.at(k))};
    for (std::int64_t n : y.by_month.at(k)) row.push_back(Cell::Int(n));
    rows.push_back(std::move(row));
  }
  rows.push_back({});
  rows.push_back({Cell::Bold("参训单位"), Cell::Bold("实到人次"), Cell::Bold("应到人次"), Cell::Bold("到课率")});
  for (const auto& u : y.attendance)
    rows.push_back({u.unit_name, Cell::Int(u.attended), Cell::Int(u.expected),
                    u.expected ? Cell::Number(static_cast<double>(u.attended) / u.expected, "0.0%") : Cell()});
  rows.push_back({});
  rows.push_back({Cell::Bold("领导干部学法与学法计划"), Cell::Bold("数量")});
  const std::vector<std::pair<const char*, std::int64_t>> more = {
      {"述法报告", y.law_reports}, {"出庭应诉", y.appearances},      {"其中负责人出庭", y.head_appearances},
      {"旁听庭审", y.hearings},    {"学法计划（项）", y.plan_items}, {"已落实", y.plan_done},
      {"未落实", y.plan_missed},   {"学法资料（期）", y.materials}};
  for (const auto& [label, n] : more) rows.push_back({label, Cell::Int(n)});
  std::vector<double> widths = {22, 10};
  widths.resize(14, 8);
  auto bytes = FZ_TRY(files::WriteXlsx({files::SheetData("学法年度统计", std::move(rows), std::move(widths))}));
  return FileDownload{std::move(bytes), files::kXlsx, fmt::format("{} 年学法用法统计.xlsx", y.year)};
}

Result<std::vector<UnitName>> TrainingService::Units(const Principal& who) const {
  return db_.Read([&](soci::session& sql) -> Result<std::vector<UnitName>> {
    std::vector<UnitName> out;
    for (const auto& u : org::ReadUnitsUnder(sql, ReachOf(sql, who).path))
      if (u.bureau_id != 0) out.push_back({u.id, u.name});
    return out;
  });
}

}  // namespace fazhi::training
