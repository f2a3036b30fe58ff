#include "publicity/publicity_service.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "auth/require.h"
#include "auth/roles.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "files/spreadsheet.h"
#include "notify/notify.h"
#include "org/org_reads.h"
#include "publicity/publicity_store.h"

namespace fazhi::publicity {

using auth::Principal;

namespace {

constexpr EpochSeconds kDay = 86400;
constexpr EpochSeconds kCampaignSlack = 7 * kDay;  // events up to a week before or after a campaign count for it

using org::Reach;

// His unit subtree; on a bureau's legal unit (法制大队), the whole bureau.
Reach ReachOf(soci::session& sql, const Principal& who) { return org::ReachOf(sql, who); }

using auth::Need;
using org::Under;

audit::Entry Audit(std::string action, std::string type, std::int64_t id, std::string summary,
                   nlohmann::json detail = nlohmann::json::object()) {
  return {.action = "publicity." + action,
          .object_type = std::move(type),
          .object_id = std::to_string(id),
          .summary = std::move(summary),
          .detail = std::move(detail)};
}

// The unit `id` if within reach, else the caller's own unit.
Result<org::UnitRef> TargetUnit(soci::session& sql, const Reach& reach, std::optional<std::int64_t> id,
                                std::int64_t own) {
  auto u = org::ReadUnit(sql, id.value_or(own));
  if (!u || !Under(u->path, reach.path) || u->bureau_id == 0) return NotFound("单位不存在或不在您的管辖范围内");
  return *u;
}

std::vector<Attachment> FilesOf(soci::session& sql, const files::AttachmentStore& files, std::int64_t event_id) {
  std::vector<Attachment> out;
  for (const char* kind : {"material", "photo"})
    for (const auto& f : files.List(sql, fmt::format("publicity_{}", kind), {event_id}))
      out.push_back({f.id, kind, f.filename, f.content_type, f.size});
  return out;
}

}  // namespace

std::string StageName(const std::string& s) {
  if (s == "plan") return "年初普法计划";
  if (s == "midyear") return "年中普法检查";
  if (s == "summary") return "年终普法总结";
  return s;
}

std::string ReachPath(soci::session& sql, const Principal& who) { return ReachOf(sql, who).path; }

std::vector<Campaign> Campaigns(int year) {
  const auto day = [&](int m, int d) { return LocalMidnight(CivilDate{year, m, d}); };
  // 国家网络安全宣传周: seven days from the second Monday of September.
  const std::int64_t sep1 = DaysFromCivil(CivilDate{year, 9, 1});
  const int weekday = static_cast<int>(((sep1 % 7) + 7 + 3) % 7);  // 0 = Monday (1970-01-01 was a Thursday)
  const int first_monday = 1 + (7 - weekday) % 7;
  const EpochSeconds cyber = day(9, first_monday + 7);
  return {{"police_day", "中国人民警察节", day(1, 10), day(1, 11)},
          {"security_day", "全民国家安全教育日", day(4, 15), day(4, 16)},
          {"econ_crime_day", "打击和防范经济犯罪宣传日", day(5, 15), day(5, 16)},
          {"drug_day", "国际禁毒日", day(6, 26), day(6, 27)},
          {"cyber_week", "国家网络安全宣传周", cyber, cyber + 7 * kDay},
          {"constitution_week", "宪法宣传周", day(12, 1), day(12, 8)}};
}

std::string CampaignName(const std::string& code) {
  for (const auto& c : Campaigns(2023))
    if (c.code == code) return c.name;
  return "";
}

int PublicityService::ThisYear() const { return LocalDateOf(clock_.Now()).year; }

Result<std::vector<CampaignDay>> PublicityService::Calendar(const Principal& who, int year) const {
  FZ_CHECK(Need(who, auth::perm::kPublicityRead, "查看普法宣传"));
  return db_.Read([&](soci::session& sql) {
    const Reach reach = ReachOf(sql, who);
    std::vector<CampaignDay> out;
    const auto rows = store::YearEvents(sql, reach.path, LocalMidnight(CivilDate{year, 1, 1}),
                                        LocalMidnight(CivilDate{year + 1, 1, 1}));
    for (const auto& c : Campaigns(year)) {
      CampaignDay d{c, 0, 0};
      for (const auto& e : rows)
        if (e.campaign == c.code) {
          ++d.events;
          d.audience += e.audience;
        }
      out.push_back(std::move(d));
    }
    return out;
  });
}

Result<std::vector<Duty>> PublicityService::Duties(const Principal& who, std::optional<std::int64_t> unit_id) const {
  FZ_CHECK(Need(who, auth::perm::kPublicityRead, "查看普法责任清单"));
  return db_.Read([&](soci::session& sql) { return store::ListDuties(sql, ReachOf(sql, who).path, unit_id); });
}

Result<Duty> PublicityService::AddDuty(const Principal& who, const audit::Actor& actor, Duty in) {
  FZ_CHECK(Need(who, auth::perm::kPublicityManage, "编制普法责任清单"));
  if (in.law.empty()) return Invalid("请填写法律法规名称", "law", "required");
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Duty> {
    const auto unit = FZ_TRY(TargetUnit(sql, ReachOf(sql, who), in.unit_id, who.unit_id));
    if (store::HasDuty(sql, unit.id, in.law))
      return Conflict(fmt::format("{}的普法责任清单已有《{}》", unit.name, in.law), "duplicate_duty");
    in.unit_id = unit.id;
    in.bureau_id = unit.bureau_id;
    in.id = store::InsertDuty(sql, in, who.user_id, now);
    audit::Append(sql, clock_, actor,
                  Audit("duty_add", "pub_duty", in.id, fmt::format("{}普法责任清单增加《{}》", unit.name, in.law)));
    return store::LoadDuty(sql, in.id)->first;
  });
}

Result<void> PublicityService::RemoveDuty(const Principal& who, const audit::Actor& actor, std::int64_t id) {
  FZ_CHECK(Need(who, auth::perm::kPublicityManage, "编制普法责任清单"));
  return db_.Write([&](soci::session& sql) -> Result<void> {
    auto d = store::LoadDuty(sql, id);
    if (!d || !Under(d->second, ReachOf(sql, who).path)) return NotFound("普法责任不存在");
    store::DeleteDuty(sql, id);
    audit::Append(sql, clock_, actor,
                  Audit("duty_remove", "pub_duty", id,
                        fmt::format("{}普法责任清单删除《{}》", d->first.unit_name, d->first.law)));
    return {};
  });
}

Result<std::vector<CycleItem>> PublicityService::Cycle(const Principal& who, int year) const {
  FZ_CHECK(Need(who, auth::perm::kPublicityRead, "查看普法工作进度"));
  const EpochSeconds now = clock_.Now();
  return db_.Read([&](soci::session& sql) { return store::ListCycle(sql, ReachOf(sql, who).path, year, now); });
}

Result<CycleItem> PublicityService::GetCycleItem(const Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, auth::perm::kPublicityRead, "查看普法工作进度"));
  const EpochSeconds now = clock_.Now();
  return db_.Read([&](soci::session& sql) -> Result<CycleItem> {
    auto item = store::LoadCycleItem(sql, id, now);
    if (!item || !Under(item->second, ReachOf(sql, who).path)) return NotFound("普法工作事项不存在");
    return item->first;
  });
}

Result<int> PublicityService::OpenCycle(const Principal& who, const audit::Actor& actor, int year) {
  FZ_CHECK(Need(who, auth::perm::kPublicityManage, "部署年度普法工作"));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<int> {
    const Reach reach = ReachOf(sql, who);
    int added = 0;
    const std::pair<const char*, CivilDate> stages[] = {
        {"plan", {year, 1, 31}}, {"midyear", {year, 7, 15}}, {"summary", {year, 12, 20}}};
    for (const auto& u : org::ReadUnitsUnder(sql, reach.path)) {
      if (u.level != "team" || u.bureau_id == 0) continue;
      for (const auto& [stage, due] : stages)
        added += store::InsertCycleItem(sql, u.bureau_id, u.id, year, stage, LocalMidnight(due) + kDay - 1, now);
    }
    audit::Append(sql, clock_, actor,
                  Audit("cycle_open", "unit", reach.unit_id,
                        fmt::format("部署 {} 年普法工作：计划、年中检查、年终总结 {} 项", year, added)));
    return added;
  });
}

Result<CycleItem> PublicityService::Submit(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                           const std::string& content) {
  FZ_CHECK(Need(who, auth::perm::kPublicityManage, "报送普法材料"));
  if (content.empty()) return Invalid("请填写报送内容", "content", "required");
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<CycleItem> {
    auto item = store::LoadCycleItem(sql, id, now);
    if (!item || !Under(item->second, ReachOf(sql, who).path)) return NotFound("普法工作事项不存在");
    if (item->first.submitted_at) return Conflict("该事项已报送，不能重复报送", "already_submitted");
    store::SubmitCycleItem(sql, id, content, who.user_id, now);
    audit::Append(sql, clock_, actor,
                  Audit("submit", "pub_cycle_item", id,
                        fmt::format("{}报送 {} 年{}{}", item->first.unit_name, item->first.year,
                                    StageName(item->first.stage), now > item->first.due_at ? "（逾期）" : "")));
    return store::LoadCycleItem(sql, id, now)->first;
  });
}

Result<int> PublicityService::NotifyDue() {
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<int> {
    int sent = 0;
    for (const bool overdue : {false, true})
      for (const auto& it : store::DueForAlert(sql, overdue, now, now + 7 * kDay)) {
        const std::string title =
            fmt::format("{} 年{}{}", it.year, StageName(it.stage), overdue ? "已逾期" : "即将到期");
        sent += notify::Send(
            sql,
            {.bureau_id = it.bureau_id,
             .kind = "publicity",
             .title = title,
             .body = fmt::format("{}的{} 年{}应于 {} 前报送{}。", it.unit_name, it.year, StageName(it.stage),
                                 FormatLocalDateTime(it.due_at), overdue ? "，现已逾期，请尽快报送" : "，请按时报送"),
             .object_type = "publicity_cycle",
             .object_id = it.id,
             .case_id = std::nullopt,
             .dedup_key = fmt::format("publicity:{}:{}", it.id, overdue ? "overdue" : "warn")},
            {.users = store::UnitUsers(sql, it.unit_id), .persons = {}}, now);
        store::MarkAlerted(sql, it.id, overdue, now);
      }
    return sent;
  });
}

Result<Paged<Event>> PublicityService::Events(const Principal& who, const EventFilter& f,
                                              const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kPublicityRead, "查看普法活动"));
  return db_.Read([&](soci::session& sql) {
    auto out = store::ListEvents(sql, ReachOf(sql, who).path, f, page);
    // The page's materials and photos (two reads for the whole page), so the list shows the photos.
    std::vector<std::int64_t> ids;
    std::map<std::int64_t, Event*> by_id;
    for (auto& e : out.items) ids.push_back(e.id), by_id[e.id] = &e;
    for (const char* kind : {"material", "photo"})
      for (const auto& file : files_.List(sql, fmt::format("publicity_{}", kind), ids))
        if (auto it = by_id.find(file.owner_id); it != by_id.end())
          it->second->files.push_back({file.id, kind, file.filename, file.content_type, file.size});
    return out;
  });
}

Result<Event> PublicityService::GetEvent(const Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, auth::perm::kPublicityRead, "查看普法活动"));
  return db_.Read([&](soci::session& sql) -> Result<Event> {
    auto e = store::LoadEvent(sql, id);
    if (!e || !Under(e->second, ReachOf(sql, who).path)) return NotFound("普法活动不存在");
    e->first.files = FilesOf(sql, files_, id);
    return e->first;
  });
}

Result<Event> PublicityService::AddEvent(const Principal& who, const audit::Actor& actor, const EventInput& in) {
  FZ_CHECK(Need(who, auth::perm::kPublicityManage, "登记普法活动"));
  if (in.title.empty()) return Invalid("请填写活动名称", "title", "required");
  if (!in.campaign.empty()) {
    const int year = LocalDateOf(in.held_at).year;
    const Campaign* match = nullptr;
    const auto list = Campaigns(year);
    for (const auto& c : list)
      if (c.code == in.campaign) match = &c;
    if (!match) return Invalid(fmt::format("未知的宣传节点“{}”", in.campaign), "campaign", "unknown_campaign");
    if (in.held_at < match->from - kCampaignSlack || in.held_at >= match->to + kCampaignSlack)
      return Invalid(fmt::format("活动日期不在“{}”（{} 至 {}）前后一周内", match->name,
                                 FormatDate(LocalDateOf(match->from)), FormatDate(LocalDateOf(match->to - 1))),
                     "held_at", "campaign_date");
  }
  const EpochSeconds now = clock_.Now();
  const std::int64_t id = FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    const auto unit = FZ_TRY(TargetUnit(sql, ReachOf(sql, who), in.unit_id, who.unit_id));
    Event e{.id = 0,
            .bureau_id = unit.bureau_id,
            .unit_id = unit.id,
            .unit_name = unit.name,
            .campaign = in.campaign,
            .title = in.title,
            .place = in.place,
            .laws = in.laws,
            .summary = in.summary,
            .held_at = in.held_at,
            .audience = in.audience,
            .files = {}};
    e.id = store::InsertEvent(sql, e, who.user_id, now);
    audit::Append(sql, clock_, actor,
                  Audit("event_add", "pub_event", e.id,
                        fmt::format("{}登记普法活动“{}”，受众 {} 人次", unit.name, in.title, in.audience)));
    return e.id;
  }));
  return GetEvent(who, id);
}

Result<Event> PublicityService::AddFiles(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                         const std::string& kind, const std::vector<files::Upload>& uploads) {
  FZ_CHECK(Need(who, auth::perm::kPublicityManage, "上传普法活动材料"));
  if (kind != "material" && kind != "photo") return Invalid("附件类别须为 material 或 photo", "kind", "invalid_kind");
  if (uploads.empty()) return Invalid("请选择要上传的文件", "file", "required");
  files::AttachmentLimits limits;
  if (kind == "photo") limits.allowed_types = {files::kJpeg, files::kPng, files::kGif, files::kWebp};
  FZ_CHECK(files::CheckUploads(uploads, limits));
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    auto e = store::LoadEvent(sql, id);
    if (!e || !Under(e->second, ReachOf(sql, who).path)) return NotFound("普法活动不存在");
    for (const auto& u : uploads)
      FZ_TRY(files_.Put(sql, u, {.type = "publicity_" + kind, .id = id, .bureau_id = e->first.bureau_id}, who.user_id,
                        now, limits));
    audit::Append(sql, clock_, actor,
                  Audit("files_add", "pub_event", id,
                        fmt::format("普法活动“{}”上传{} {} 个", e->first.title, kind == "photo" ? "照片" : "材料",
                                    uploads.size())));
    return {};
  }));
  return GetEvent(who, id);
}

Result<FileDownload> PublicityService::ReadFile(const Principal& who, std::int64_t file_id) const {
  FZ_CHECK(Need(who, auth::perm::kPublicityRead, "查看普法活动"));
  return db_.Read([&](soci::session& sql) -> Result<FileDownload> {
    auto f = files_.Get(sql, file_id);
    if (!f || (f->owner_type != "publicity_material" && f->owner_type != "publicity_photo"))
      return NotFound("附件不存在");
    auto e = store::LoadEvent(sql, f->owner_id);
    if (!e || !Under(e->second, ReachOf(sql, who).path)) return NotFound("附件不存在");
    return FileDownload{FZ_TRY(files_.Read(sql, *f)), f->content_type, f->filename};
  });
}

Result<YearSummary> PublicityService::Summary(const Principal& who, int year) const {
  FZ_CHECK(Need(who, auth::perm::kPublicityRead, "查看普法工作总结"));
  const EpochSeconds now = clock_.Now();
  return db_.Read([&](soci::session& sql) {
    const Reach reach = ReachOf(sql, who);
    YearSummary s;
    s.year = year;
    const auto rows = store::YearEvents(sql, reach.path, LocalMidnight(CivilDate{year, 1, 1}),
                                        LocalMidnight(CivilDate{year + 1, 1, 1}));
    for (const auto& c : Campaigns(year)) s.by_campaign.push_back({c.code, c.name, 0, 0});
    s.by_campaign.push_back({"", "其他日常普法", 0, 0});
    std::map<std::int64_t, std::size_t> unit_row;
    for (const auto& e : rows) {
      ++s.events;
      s.audience += e.audience;
      auto& c = *std::find_if(s.by_campaign.begin(), s.by_campaign.end(),
                              [&](const YearSummary::Row& r) { return r.key == e.campaign || r.key.empty(); });
      ++c.events;
      c.audience += e.audience;
      auto [it, fresh] = unit_row.try_emplace(e.unit_id, s.by_unit.size());
      if (fresh) s.by_unit.push_back({std::to_string(e.unit_id), e.unit_name, 0, 0});
      ++s.by_unit[it->second].events;
      s.by_unit[it->second].audience += e.audience;
    }
    s.duties = static_cast<std::int64_t>(store::ListDuties(sql, reach.path, std::nullopt).size());
    for (const auto& it : store::ListCycle(sql, reach.path, year, now)) {
      ++s.cycle_total;
      if (it.submitted_at) ++s.cycle_done;
      if (it.submitted_at ? *it.submitted_at > it.due_at : now > it.due_at) ++s.cycle_late;
    }
    std::string campaigns;
    for (const auto& c : s.by_campaign)
      if (c.events > 0 && !c.key.empty())
        campaigns += fmt::format("{}{} {} 场", campaigns.empty() ? "" : "、", c.name, c.events);
    s.text = fmt::format(
        "{} 年共开展普法活动 {} 场，受众 {} 人次{}；普法责任清单载明法律法规 {} 项；年度计划、年中检查、年终总结应报 "
        "{} "
        "项，已报 {} 项，逾期 {} 项。",
        year, s.events, s.audience, campaigns.empty() ? "" : "，其中" + campaigns, s.duties, s.cycle_total,
        s.cycle_done, s.cycle_late);
    return s;
  });
}

Result<FileDownload> PublicityService::SummaryXlsx(const Principal& who, int year) const {
  const YearSummary s = FZ_TRY(Summary(who, year));
  using files::Cell;
  std::vector<files::CellRow> campaigns = {{"宣传节点", "活动场次", "受众人次"}};
  for (const auto& c : s.by_campaign) campaigns.push_back({Cell(c.name), Cell::Int(c.events), Cell::Int(c.audience)});
  campaigns.push_back({Cell::Bold("合计"), Cell::Int(s.events), Cell::Int(s.audience)});
  std::vector<files::CellRow> units = {{"单位", "活动场次", "受众人次"}};
  for (const auto& u : s.by_unit) units.push_back({Cell(u.name), Cell::Int(u.events), Cell::Int(u.audience)});
  auto bytes = FZ_TRY(files::WriteXlsx({files::SheetData("按宣传节点", std::move(campaigns), {26, 10, 10}),
                                        files::SheetData("按单位", std::move(units), {20, 10, 10})}));
  return FileDownload{std::move(bytes), files::kXlsx, fmt::format("{}年谁执法谁普法工作总结.xlsx", year)};
}

}  // namespace fazhi::publicity
