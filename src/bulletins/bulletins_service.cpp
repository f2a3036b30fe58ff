#include "bulletins/bulletins_service.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "auth/roles.h"
#include "bulletins/bulletins_store.h"
#include "core/json_fields.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "files/document_html.h"
#include "files/docx.h"
#include "org/org_reads.h"

namespace fazhi::bulletins {

using auth::Principal;
using nlohmann::json;

namespace {

constexpr int kMaxParagraph = 2000;

std::string KindName(std::string_view kind) { return kind == kQuality ? "执法质量通报" : "执法规范化建设通报"; }

Result<kit::BulletinPeriod> CheckKindPeriod(const std::string& kind, const std::string& period) {
  if (kind != kQuality && kind != kStandardization)
    return Invalid(
        fmt::format("通报类别“{}”无效：quality（执法质量通报）或 standardization（执法规范化建设通报）", kind), "kind",
        "invalid_kind");
  const auto p = FZ_TRY(kit::ParseBulletinPeriod(period));
  if (kind == kQuality && p.quarter)
    return Invalid(fmt::format("执法质量通报按月编发，期间应写成月份，如 {}-07，而不是“{}”", p.year, period), "period",
                   "period_kind_mismatch");
  if (kind == kStandardization && !p.quarter)
    return Invalid(fmt::format("执法规范化建设通报按季度编发，期间应写成季度，如 {}-Q3，而不是“{}”", p.year, period),
                   "period", "period_kind_mismatch");
  return p;
}

// The bureau a caller may generate, edit, approve or publish for: in his subtree, or he sits on its
// legal unit (法制大队 / 法制室, a sibling of the units it reports on).
Result<org::UnitRef> ManagedBureau(soci::session& sql, const Principal& who, std::optional<std::int64_t> bureau_id) {
  const std::optional<std::int64_t> id = bureau_id ? bureau_id : who.bureau_id;
  if (!id) return Invalid("请指定分县局（bureau_id）", "bureau_id", "bureau_required");
  auto unit = org::ReadUnit(sql, *id);
  if (!unit || unit->level != "bureau") return NotFound("分县局不存在或不在您的管辖范围内");
  if (who.InScope(unit->path)) return *unit;
  if (who.unit_id != 0) {
    auto own = org::ReadUnit(sql, who.unit_id);
    if (own && own->bureau_id == unit->id && org::IsLegalUnit(own->name, own->category)) return *unit;
  }
  return NotFound("分县局不存在或不在您的管辖范围内");
}

// Drafts are seen by the bureau's managers (subtree or legal unit); a published bulletin is
// distributed to every unit of the bureau.
bool SeesAll(soci::session& sql, const Principal& who, const org::UnitRef& bureau) {
  return who.InScope(bureau.path) || ManagedBureau(sql, who, bureau.id).has_value();
}
bool SeesPublished(const Principal& who, const org::UnitRef& bureau) {
  return who.bureau_id && *who.bureau_id == bureau.id;
}

// The bureau's legal unit name, for the masthead and the 落款 ("法制大队"), or "法制部门".
std::string LegalUnitName(soci::session& sql, const org::UnitRef& bureau) {
  for (const auto& u : org::ReadUnitsUnder(sql, bureau.path))
    if (u.level == "team" && org::IsLegalUnit(u.name, u.category)) return u.name;
  return "法制部门";
}

Result<Bulletin> LoadManaged(soci::session& sql, const Principal& who, std::int64_t id) {
  auto b = LoadBulletin(sql, id);
  if (!b) return NotFound("通报不存在");
  auto bureau = ManagedBureau(sql, who, b->bureau_id);
  if (!bureau) return NotFound("通报不存在");
  b->issuer = LegalUnitName(sql, *bureau);
  return *b;
}

Result<Bulletin> LoadReadable(soci::session& sql, const Principal& who, std::int64_t id) {
  auto b = LoadBulletin(sql, id);
  if (!b) return NotFound("通报不存在");
  auto bureau = org::ReadUnit(sql, b->bureau_id);
  if (!bureau) return NotFound("通报不存在");
  if (!SeesAll(sql, who, *bureau) && !(b->state == "published" && SeesPublished(who, *bureau)))
    return NotFound("通报不存在");
  b->issuer = LegalUnitName(sql, *bureau);
  return *b;
}

std::string Who(const Principal& who) { return who.display_name.empty() ? who.username : who.display_name; }

audit::Entry Audit(const char* action, const Bulletin& b, std::string summary) {
  return {.action = action,
          .object_type = "bulletin",
          .object_id = std::to_string(b.id),
          .summary = std::move(summary),
          .detail = FZ_JSON(b, kind, period, state, issue_no)};
}

}  // namespace

Principal SystemPrincipal() {
  Principal p;
  p.username = "system";
  p.display_name = "系统";
  p.unit_path = "/";
  for (auto perm : {auth::perm::kBulletinRead, auth::perm::kBulletinWrite, auth::perm::kBulletinApprove})
    p.permissions.insert(std::string(perm));
  return p;
}

BulletinService::BulletinService(db::Database& db, const Clock& clock, Providers providers)
    : db_(db), clock_(clock), providers_(std::move(providers)) {
  std::stable_sort(providers_.begin(), providers_.end(),
                   [](const auto& a, const auto& b) { return a->order() < b->order(); });
}

Result<Bulletin> BulletinService::Build(soci::session& sql, const std::string& kind, const std::string& period,
                                        std::int64_t bureau_id) const {
  const kit::BulletinPeriod p = FZ_TRY(CheckKindPeriod(kind, period));
  auto bureau = org::ReadUnit(sql, bureau_id);
  if (!bureau) return NotFound("分县局不存在");
  const kit::BulletinScope scope{
      .bureau_id = bureau->id, .unit_path = bureau->path, .unit_name = bureau->name, .anonymise = true};
  Bulletin b;
  b.bureau_id = bureau->id;
  b.bureau_name = bureau->name;
  b.issuer = LegalUnitName(sql, *bureau);
  b.kind = kind;
  b.period = p.key;
  b.state = "draft";
  bool any = false;
  for (const auto& provider : providers_) {
    if (!provider->InKind(kind)) continue;
    kit::BulletinSection s = FZ_TRY(provider->Compute(sql, p, scope));
    any = any || s.has_data;
    if (s.has_data) b.narrative.sections[s.id] = s.summary;
    b.sections.push_back(std::move(s));
  }
  if (!any)
    return Invalid(fmt::format("{}{}没有任何可通报的数据（案件、执法监督、平台应用、积分均无记录），不能生成{}；"
                               "请确认期间是否正确",
                               p.Label(), bureau->name, KindName(kind)),
                   "period", "no_data");
  b.title =
      fmt::format("关于{}{}{}情况的通报", p.Label(), bureau->name, kind == kQuality ? "执法质量" : "执法规范化建设");
  b.narrative.intro =
      kind == kQuality
          ? fmt::format(
                "为进一步规范执法行为、提升执法质量，根据执法监督管理平台记录的数据，现将{}全局执法质量情况通报如下。",
                p.Label())
          : fmt::format(
                "为持续推进执法规范化建设，根据执法监督管理平台记录的数据，现将{}全局执法规范化建设情况通报如下。",
                p.Label());
  b.narrative.closing =
      "各单位要对照本通报指出的问题，逐案逐项整改，举一反三，于下期通报前将整改情况报法制部门。法制部门将持续跟踪督办，"
      "整改不到位的纳入执法质量考评。";
  return b;
}

Result<Bulletin> BulletinService::Generate(const Principal& who, const audit::Actor& actor, const GenerateInput& in) {
  if (!who.Has(auth::perm::kBulletinWrite)) return Forbidden("没有生成通报的权限", "forbidden");
  return db_.Write([&](soci::session& sql) -> Result<Bulletin> {
    const org::UnitRef bureau = FZ_TRY(ManagedBureau(sql, who, in.bureau_id));
    std::string period = in.period;
    std::optional<Bulletin> corrected;
    if (in.corrects_id) {
      corrected = LoadBulletin(sql, *in.corrects_id);
      if (!corrected || corrected->bureau_id != bureau.id) return NotFound("要更正的通报不存在");
      if (corrected->state != "published")
        return Conflict(fmt::format("要更正的通报（#{}）尚未发布；未发布的通报直接修改即可", corrected->id),
                        "corrects_not_published");
      if (corrected->kind != in.kind) return Invalid("更正通报的类别必须与原通报相同", "kind", "invalid_kind");
      if (period.empty()) period = corrected->period;
      if (period != corrected->period)
        return Invalid(fmt::format("更正通报的期间必须与原通报相同（{}）", corrected->period), "period",
                       "period_kind_mismatch");
    } else {
      FZ_TRY(CheckKindPeriod(in.kind, period));
      if (auto issued = PublishedIssue(sql, bureau.id, in.kind, period))
        return Conflict(
            fmt::format("{}的{}已发布为{}；如需更正，请生成更正通报", period, KindName(in.kind), issued->issue_no),
            "already_published");
    }
    Bulletin b = FZ_TRY(Build(sql, in.kind, period, bureau.id));
    if (corrected) {
      b.corrects_id = corrected->id;
      b.corrects_issue_no = corrected->issue_no;
      b.title += "（更正）";
      b.narrative.intro = fmt::format("本期通报更正{}《{}》，原通报同时作废。", corrected->issue_no, corrected->title) +
                          b.narrative.intro;
    }
    b.created_by_name = Who(who);
    b.created_at = clock_.Now();
    b.id = InsertBulletin(sql, b, actor.user_id);
    audit::Append(sql, clock_, actor,
                  Audit("bulletin.generate", b, fmt::format("生成{}草稿（{}）", KindName(b.kind), b.period)));
    return LoadManaged(sql, who, b.id);
  });
}

Result<Paged<BulletinSummary>> BulletinService::List(const Principal& who, const BulletinFilter& f,
                                                     const PageRequest& page) const {
  if (f.kind && *f.kind != kQuality && *f.kind != kStandardization)
    return Invalid("通报类别应为 quality 或 standardization", "kind", "invalid_kind");
  if (f.state && *f.state != "draft" && *f.state != "approved" && *f.state != "published")
    return Invalid("状态应为 draft、approved 或 published", "state", "invalid_state");
  return db_.Read([&](soci::session& sql) -> Result<Paged<BulletinSummary>> {
    std::vector<std::int64_t> all, published;
    auto add = [&](const org::UnitRef& unit) {
      if (SeesAll(sql, who, unit))
        all.push_back(unit.id);
      else if (SeesPublished(who, unit))
        published.push_back(unit.id);
    };
    if (f.bureau_id) {
      auto unit = org::ReadUnit(sql, *f.bureau_id);
      if (unit && unit->level == "bureau") add(*unit);
      if (all.empty() && published.empty()) return NotFound("分县局不存在或不在您的管辖范围内");
    } else {
      std::vector<std::int64_t> ids = org::ReadBureauIdsUnder(sql, who.unit_path);
      if (who.bureau_id && std::find(ids.begin(), ids.end(), *who.bureau_id) == ids.end())
        ids.push_back(*who.bureau_id);
      for (std::int64_t id : ids)
        if (auto unit = org::ReadUnit(sql, id)) add(*unit);
    }
    return ListBulletins(sql, all, published, f, page);
  });
}

Result<Bulletin> BulletinService::Get(const Principal& who, std::int64_t id) const {
  return db_.Read([&](soci::session& sql) { return LoadReadable(sql, who, id); });
}

Result<Bulletin> BulletinService::EditNarrative(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                                const NarrativeEdit& edit) {
  if (!who.Has(auth::perm::kBulletinWrite)) return Forbidden("没有修改通报的权限", "forbidden");
  auto too_long = [](const std::string& s) { return s.size() > kMaxParagraph * 4; };
  return db_.Write([&](soci::session& sql) -> Result<Bulletin> {
    Bulletin b = FZ_TRY(LoadManaged(sql, who, id));
    if (b.state == "published")
      return Conflict(fmt::format("通报已发布为{}，已归档冻结，不能修改；如需更正，请生成更正通报", b.issue_no),
                      "bulletin_frozen");
    Narrative n = b.narrative;
    if (edit.intro) n.intro = *edit.intro;
    if (edit.closing) n.closing = *edit.closing;
    for (const auto& [section, text] : edit.sections) {
      auto it = std::find_if(b.sections.begin(), b.sections.end(),
                             [&](const kit::BulletinSection& s) { return s.id == section && s.has_data; });
      if (it == b.sections.end())
        return Invalid(fmt::format("通报中没有可编辑的栏目“{}”", section), "sections", "unknown_section");
      n.sections[section] = text;
    }
    if (too_long(n.intro) || too_long(n.closing) ||
        std::any_of(n.sections.begin(), n.sections.end(), [&](const auto& kv) { return too_long(kv.second); }))
      return Invalid(fmt::format("每段文字不能超过 {} 字", kMaxParagraph), "narrative", "too_long");
    SaveNarrative(sql, b.id, n, clock_.Now());
    const std::string was = b.state;
    b.state = "draft";
    audit::Append(
        sql, clock_, actor,
        Audit("bulletin.update", b,
              fmt::format("修改通报文字（{}）{}", b.period, was == "approved" ? "，审批失效，退回草稿" : "")));
    return LoadManaged(sql, who, b.id);
  });
}

Result<Bulletin> BulletinService::Approve(const Principal& who, const audit::Actor& actor, std::int64_t id) {
  if (!who.Has(auth::perm::kBulletinApprove)) return Forbidden("通报须由局领导审批", "not_leader");
  return db_.Write([&](soci::session& sql) -> Result<Bulletin> {
    Bulletin b = FZ_TRY(LoadManaged(sql, who, id));
    if (b.state == "published")
      return Conflict(fmt::format("通报已发布为{}，不能再审批", b.issue_no), "bulletin_frozen");
    if (b.state == "approved") return Conflict("通报已审批，等待发布", "already_approved");
    MarkApproved(sql, b.id, actor.user_id, Who(who), clock_.Now());
    b.state = "approved";
    audit::Append(sql, clock_, actor, Audit("bulletin.approve", b, fmt::format("审批通报（{}）", b.period)));
    return LoadManaged(sql, who, b.id);
  });
}

Result<Bulletin> BulletinService::Publish(const Principal& who, const audit::Actor& actor, std::int64_t id) {
  if (!who.Has(auth::perm::kBulletinWrite)) return Forbidden("没有发布通报的权限", "forbidden");
  return db_.Write([&](soci::session& sql) -> Result<Bulletin> {
    db::LockRowForUpdate(sql, "bulletins", id);
    Bulletin b = FZ_TRY(LoadManaged(sql, who, id));
    if (b.state == "published")
      return Conflict(fmt::format("通报已发布为{}，同一期号不能发布两次", b.issue_no), "duplicate_issue");
    if (b.state != "approved") return Conflict("通报须经局领导审批后才能发布", "not_approved");
    // One publication of a bureau at a time: the 期号 below is read and then written, and two at
    // once (two corrections, or two drafts of one period) would both take the same number.
    db::LockRowForUpdate(sql, "units", b.bureau_id);
    const kit::BulletinPeriod p = FZ_TRY(kit::ParseBulletinPeriod(b.period));
    int seq = p.index;
    if (b.corrects_id) {
      seq = std::max(MaxIssueSeq(sql, b.bureau_id, b.kind, p.year), p.quarter ? 4 : 12) + 1;
    } else if (auto issued = PublishedIssue(sql, b.bureau_id, b.kind, b.period)) {
      return Conflict(fmt::format("{}已发布（通报 #{}），同一期号不能发布两次；如需更正，请生成更正通报",
                                  issued->issue_no, issued->id),
                      "duplicate_issue");
    }
    MarkPublished(sql, b.id, actor.user_id, Who(who), p.year, seq, clock_.Now());
    b.issue_no = IssueNo(p.year, seq);
    b.state = "published";
    audit::Append(sql, clock_, actor,
                  Audit("bulletin.publish", b, fmt::format("发布{}{}", KindName(b.kind), b.issue_no)));
    return LoadManaged(sql, who, b.id);
  });
}

std::string BulletinService::FileName(const Bulletin& b, const char* ext) const {
  const std::string number = b.issue_no.empty() ? b.period + "（草稿）" : b.issue_no;
  return fmt::format("{}{}{}.{}", b.bureau_name, KindName(b.kind), number, ext);
}

Result<FileDownload> BulletinService::Docx(const Principal& who, const audit::Actor& actor, std::int64_t id) const {
  return db_.Write([&](soci::session& sql) -> Result<FileDownload> {
    const Bulletin b = FZ_TRY(LoadReadable(sql, who, id));
    std::string bytes = FZ_TRY(files::WriteDocx(Compose(b)));
    audit::Append(sql, clock_, actor, Audit("bulletin.export", b, fmt::format("下载通报 DOCX（{}）", b.period)));
    return FileDownload{.bytes = std::move(bytes),
                        .content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        .filename = FileName(b, "docx")};
  });
}

Result<std::string> BulletinService::PrintHtml(const Principal& who, std::int64_t id) const {
  const Bulletin b = FZ_TRY(Get(who, id));
  return files::RenderDocumentHtml(Compose(b));
}

Result<Bulletin> BulletinService::Preview(const std::string& kind, const std::string& period,
                                          std::optional<std::int64_t> bureau_id) const {
  FZ_TRY(CheckKindPeriod(kind, period));
  return db_.Read([&](soci::session& sql) -> Result<Bulletin> {
    std::vector<std::int64_t> bureaus =
        bureau_id ? std::vector<std::int64_t>{*bureau_id} : org::ReadBureauIdsWithPeople(sql);
    if (bureaus.empty()) return NotFound("还没有任何分县局");
    std::optional<Error> first_error;
    for (std::int64_t id : bureaus) {
      if (auto issued = PublishedIssue(sql, id, kind, period)) return LoadReadable(sql, SystemPrincipal(), issued->id);
      auto b = Build(sql, kind, period, id);
      if (b) {
        b->created_at = clock_.Now();
        return b;
      }
      if (!first_error) first_error = b.error();
    }
    return std::unexpected(*first_error);
  });
}

}  // namespace fazhi::bulletins
