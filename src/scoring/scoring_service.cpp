#include "scoring/scoring_service.h"

#include <fmt/format.h>

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/local_time.h"
#include "core/text.h"
#include "scoring/scoring_internal.h"
#include "scoring/scoring_store.h"

namespace fazhi::scoring {

using auth::Principal;
using namespace detail;

namespace {

// The scheme as submitted, checked and made canonical (nothing stored). An open-ended version that
// starts earlier is to be closed the month before (`close_id`, `close_to`); any other overlap is
// refused, and so is a start inside an already published month.
Result<SchemeVersion> CheckSchemeInput(soci::session& sql, const SchemeInput& in, const org::UnitRef& bureau,
                                       std::optional<std::int64_t>& close_id, std::string& close_to) {
  SchemeVersion v;
  v.bureau_id = bureau.id;
  v.name = Trim(in.name);
  const auto name_len = Utf8Length(v.name);
  if (name_len <= 0) return Invalid("方案名称不能为空", "name");
  if (name_len > 100) return Invalid("方案名称不能超过 100 个字", "name");
  if (in.status != kStatusTrial && in.status != kStatusFormal) return Invalid("方案状态只能是“试行”或“正式”", "status");
  v.status = in.status;
  const auto from = FZ_TRY(points::RequireMonth(in.effective_from, "effective_from"));
  v.effective_from = from.Text();
  if (in.effective_to) {
    const auto to = FZ_TRY(points::RequireMonth(*in.effective_to, "effective_to"));
    if (to < from) return Invalid("失效月份不能早于生效月份", "effective_to");
    v.effective_to = to.Text();
  }
  if (Utf8Length(in.note) > 500) return Invalid("说明不能超过 500 个字", "note");
  v.note = in.note;
  v.scheme = FZ_TRY(ParseScheme(in.document));
  v.document = SchemeJson(v.scheme);

  const std::string f = v.effective_from;
  const std::string t = v.effective_to.value_or("9999-12");
  for (const auto& e : LoadSchemes(sql, bureau.id)) {
    const std::string et = e.effective_to.value_or("9999-12");
    const bool overlap = e.effective_from <= t && f <= et;
    if (!overlap) continue;
    if (!e.effective_to && e.effective_from < f && !close_id) {
      close_id = e.id;
      close_to = from.Prev().Text();
      continue;
    }
    return Invalid(fmt::format("生效期 {}～{} 与第 {} 版“{}”（{}～{}）重叠；同一时间只能有一个积分方案生效", f,
                               v.effective_to.value_or("长期"), e.version, e.name, e.effective_from,
                               e.effective_to.value_or("长期")),
                   "effective_from", "overlapping_dates");
  }
  // Published months are frozen: a new version may only start after them.
  if (auto frozen = LatestFrozenMonth(sql, bureau.id, f, t))
    return Conflict(fmt::format("{} 的积分已公示，公示过的月份不能改用新方案；新版本只能从之后的月份起生效", *frozen),
                    "month_frozen");
  return v;
}

}  // namespace

auth::Principal SystemPrincipal() {
  auth::Principal p;
  p.username = "system";
  p.display_name = "系统";
  p.unit_path = "/";
  p.permissions.insert(std::string(auth::perm::kScoreRead));
  p.permissions.insert(std::string(auth::perm::kScoreManage));
  return p;
}

ScoringService::ScoringService(db::Database& db, const Clock& clock, LedgerSources sources)
    : db_(db), clock_(clock), sources_(std::move(sources)) {}

// The 法制大队 / 法制部门 (the bureau's legal unit) runs the bureau's 执法积分 with the 局领导: the scheme,
// the monthly cycle and objections. Its accounts sit on the legal unit, a sibling of the 派出所 and
// 大队 they score, so the account's own subtree is not enough. Only score.manage holders whose unit is
// such a legal unit are widened, only to their own bureau and only inside scoring; everybody else
// keeps the account's scope.
Principal ScoringService::ScoringScope(const Principal& who) {
  if (!who.Has(auth::perm::kScoreManage) || who.unit_id == 0) return who;
  const std::string bureau_path = db_.Read([&](soci::session& sql) {
    auto unit = org::ReadUnit(sql, who.unit_id);
    if (!unit || unit->level != "team" || !IsLegalUnit(unit->name, unit->category)) return std::string();
    auto bureau = org::ReadUnit(sql, unit->bureau_id);
    return bureau && bureau->level == "bureau" ? bureau->path : std::string();
  });
  // Not a legal unit, or the account already sees the bureau: unchanged.
  if (bureau_path.empty() || who.InScope(bureau_path) || !who.unit_path.starts_with(bureau_path)) return who;
  Principal widened = who;
  widened.unit_path = bureau_path;
  return widened;
}

int ScoringService::ObjectionDays(soci::session& sql, std::int64_t scheme_id) {
  {
    std::lock_guard lock(scheme_days_mu_);
    if (auto it = scheme_days_.find(scheme_id); it != scheme_days_.end()) return it->second;
  }
  const auto document = SchemeDocument(sql, scheme_id);
  if (!document) return MonthInfo{}.objection_days;  // months reference their scheme
  int days = MonthInfo{}.objection_days;
  auto doc = nlohmann::json::parse(*document, nullptr, false);
  if (doc.is_object() && doc.contains("objection_days") && doc["objection_days"].is_number_integer())
    days = doc["objection_days"].get<int>();
  std::lock_guard lock(scheme_days_mu_);
  scheme_days_[scheme_id] = days;
  return days;
}

std::optional<MonthInfo> ScoringService::LoadMonth(soci::session& sql, const org::UnitRef& bureau,
                                                   const std::string& month) {
  auto m = LoadMonthRow(sql, bureau.id, month);
  if (!m) return m;
  m->bureau_name = bureau.name;
  m->objection_days = ObjectionDays(sql, m->scheme_id);
  return m;
}

std::optional<MonthInfo> ScoringService::LoadMonth(soci::session& sql, std::int64_t bureau, const std::string& month) {
  auto unit = org::ReadUnit(sql, bureau);
  if (!unit) return std::nullopt;  // months reference their bureau
  return LoadMonth(sql, *unit, month);
}

// ---- schemes ----

Result<std::vector<SchemeVersion>> ScoringService::ListSchemes(const Principal& caller,
                                                               std::optional<std::int64_t> bureau_id) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireRead(who));
  return db_.Read([&](soci::session& sql) -> Result<std::vector<SchemeVersion>> {
    const auto b = FZ_TRY(ResolveBureau(sql, who, bureau_id, false));
    return LoadSchemes(sql, b.id);
  });
}

Result<SchemeVersion> ScoringService::GetScheme(const Principal& caller, std::int64_t id) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireRead(who));
  return db_.Read([&](soci::session& sql) -> Result<SchemeVersion> {
    auto v = LoadScheme(sql, id);
    if (!v || !ResolveBureau(sql, who, v->bureau_id, false)) return NotFound("积分方案不存在");
    return *v;
  });
}

Result<SchemeVersion> ScoringService::ValidateScheme(const Principal& caller, const SchemeInput& in) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireManage(who));
  return db_.Read([&](soci::session& sql) -> Result<SchemeVersion> {
    const auto b = FZ_TRY(ResolveBureau(sql, who, in.bureau_id, true));
    std::optional<std::int64_t> close_id;
    std::string close_to;
    return CheckSchemeInput(sql, in, b, close_id, close_to);
  });
}

Result<SchemeVersion> ScoringService::CreateScheme(const Principal& caller, const audit::Actor& actor,
                                                   const SchemeInput& in) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireManage(who));
  return db_.Write([&](soci::session& sql) -> Result<SchemeVersion> {
    const auto b = FZ_TRY(ResolveBureau(sql, who, in.bureau_id, true));
    std::optional<std::int64_t> close_id;
    std::string close_to;
    auto v = FZ_TRY(CheckSchemeInput(sql, in, b, close_id, close_to));
    v.version = NextSchemeVersion(sql, b.id);
    if (close_id) CloseScheme(sql, *close_id, close_to);
    v.created_at = clock_.Now();
    v.created_by_name = Who(sql, actor);
    v.id = InsertScheme(sql, v, actor.user_id, v.created_at);
    nlohmann::json detail =
        Merged(FZ_JSON(v, version, effective_from, status, document),
               {{"effective_to", v.effective_to ? nlohmann::json(*v.effective_to) : nlohmann::json()}});
    if (close_id) detail["closed_previous"] = {{"id", *close_id}, {"effective_to", close_to}};
    audit::Append(
        sql, clock_, actor,
        {"scoring.scheme.create", "score_scheme", std::to_string(v.id),
         fmt::format("新建积分方案第 {} 版“{}”（{}，{} 起生效）", v.version, v.name, v.status, v.effective_from),
         detail});
    return v;
  });
}

// ---- months ----

Result<std::vector<MonthInfo>> ScoringService::ListMonths(const Principal& caller,
                                                          std::optional<std::int64_t> bureau_id,
                                                          std::optional<int> year) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireRead(who));
  return db_.Read([&](soci::session& sql) -> Result<std::vector<MonthInfo>> {
    const auto b = FZ_TRY(ResolveBureau(sql, who, bureau_id, false));
    const std::string lo = year ? fmt::format("{:04d}-01", *year) : "0000-00";
    const std::string hi = year ? fmt::format("{:04d}-12", *year) : "9999-12";
    const bool manager = IsManager(who);
    std::vector<MonthInfo> out;
    for (auto& m : LoadMonthRows(sql, b.id, lo, hi)) {
      if (m.status == kDraft && !manager) continue;
      m.bureau_name = b.name;
      m.objection_days = ObjectionDays(sql, m.scheme_id);
      out.push_back(std::move(m));
    }
    return out;
  });
}

Result<MonthInfo> ScoringService::GetMonth(const Principal& caller, std::optional<std::int64_t> bureau_id,
                                           const std::string& month) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireRead(who));
  const auto mk = FZ_TRY(points::RequireMonth(month, "month"));
  return db_.Read([&](soci::session& sql) -> Result<MonthInfo> {
    const auto b = FZ_TRY(ResolveBureau(sql, who, bureau_id, false));
    auto m = LoadMonth(sql, b, mk.Text());
    if (!m || (m->status == kDraft && !IsManager(who))) return NotFound(mk.Text() + " 的积分尚未公示");
    return *m;
  });
}

Result<MonthInfo> ScoringService::ChangeMonth(const Principal& caller, std::optional<std::int64_t> bureau_id,
                                              const std::string& month, const MonthStep& step) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireManage(who));
  const auto mk = FZ_TRY(points::RequireMonth(month, "month"));
  return db_.Write([&](soci::session& sql) -> Result<MonthInfo> {
    const auto b = FZ_TRY(ResolveBureau(sql, who, bureau_id, true));
    FZ_CHECK(step(MonthChange{sql, b, mk, mk.Text(), LoadMonth(sql, b, mk.Text())}));
    return *LoadMonth(sql, b, mk.Text());
  });
}

namespace {

// The audit record of a change to a bureau's month: object score_month "bureau:month".
audit::Entry MonthAudit(std::string action, const org::UnitRef& b, const std::string& m, std::string summary,
                        nlohmann::json detail) {
  detail["bureau_id"] = b.id;
  detail["month"] = m;
  return {std::move(action), "score_month", fmt::format("{}:{}", b.id, m), std::move(summary), std::move(detail)};
}

// A month can be (re)computed while it is a draft or was never computed.
Result<void> Computable(const std::optional<MonthInfo>& existing, const std::string& m) {
  if (existing && existing->status == kFinal) return Conflict(m + " 的积分已定稿，不能再重新计算", "month_final");
  if (existing && existing->status == kPublished)
    return Conflict(m + " 的积分已公示，公示后的积分冻结，不能重新计算（有异议请走复核）", "month_frozen");
  return {};
}

}  // namespace

// The ledger is computed from a read snapshot, before the write transaction: on SQLite the write
// lock is the whole database's, and reading a bureau's month takes a few hundred milliseconds that
// no case officer's save should wait for; two bureaus are computed side by side. The write checks
// the month's status again and stores what was computed, as of `now`.
Result<MonthInfo> ScoringService::ComputeMonth(const Principal& caller, const audit::Actor& actor,
                                               std::optional<std::int64_t> bureau_id, const std::string& month) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireManage(who));
  const auto key = FZ_TRY(points::RequireMonth(month, "month"));
  const EpochSeconds now = clock_.Now();
  const Draft draft = FZ_TRY(db_.Read([&](soci::session& sql) -> Result<Draft> {
    const auto b = FZ_TRY(ResolveBureau(sql, who, bureau_id, true));
    FZ_CHECK(Computable(LoadMonth(sql, b, key.Text()), key.Text()));
    return ComputeDraft(sql, b, key, now, sources_);
  }));
  return ChangeMonth(caller, bureau_id, month, [&](const MonthChange& change) -> Result<void> {
    auto& [sql, b, mk, m, existing] = change;
    FZ_CHECK(Computable(existing, m));
    DeleteMonthEntries(sql, b.id, m);
    // Stored compactly, one row (docs/scoring.md 第五轮); publishing writes the entries out.
    StoreDraftLedger(sql, b.id, m, draft.ledger, now);
    const ComputedMonth c{.scheme_id = draft.scheme.id,
                          .scheme_version = draft.scheme.version,
                          .entry_count = static_cast<std::int64_t>(draft.ledger.size()),
                          .skipped_facts = draft.skipped,
                          .ledger_hash = LedgerHash(draft.ledger),
                          .computed_by = Who(sql, actor),
                          .computed_at = now};
    SaveComputedMonth(sql, existing ? std::optional<std::int64_t>(existing->id) : std::nullopt, b.id, m, c);
    audit::Append(
        sql, clock_, actor,
        MonthAudit(
            "scoring.month.compute", b, m,
            fmt::format("计算{} {} 执法积分（草稿，第 {} 版方案，{} 条）", b.name, m, c.scheme_version, c.entry_count),
            Merged(FZ_JSON(c, scheme_version, skipped_facts, ledger_hash), {{"entries", c.entry_count}})));
    return {};
  });
}

Result<MonthInfo> ScoringService::PublishMonth(const Principal& caller, const audit::Actor& actor,
                                               std::optional<std::int64_t> bureau_id, const std::string& month) {
  return ChangeMonth(caller, bureau_id, month, [&](const MonthChange& change) -> Result<void> {
    auto& [sql, b, mk, m, existing] = change;
    if (!existing) return Conflict(m + " 的积分尚未计算，请先计算再公示", "not_computed");
    if (existing->status == kFinal) return Conflict(m + " 的积分已定稿，不能再公示", "month_final");
    if (existing->status == kPublished) return Conflict(m + " 的积分已经公示", "month_frozen");
    const Scheme sc = LoadScheme(sql, existing->scheme_id).value_or(SchemeVersion{}).scheme;
    // The frozen month's entries are rows of score_entries (objections and adjustments refer to them).
    MaterializeDraft(sql, b.id, m);
    const std::string snapshot = RankingsJson(RankingsNow(sql, b, m, sc)).dump();
    const EpochSeconds now = clock_.Now();
    const EpochSeconds deadline = ObjectionDeadline(now, existing->objection_days);
    MarkPublished(sql, existing->id, now, Who(sql, actor), deadline, snapshot);
    audit::Append(sql, clock_, actor,
                  MonthAudit("scoring.month.publish", b, m,
                             fmt::format("公示{} {} 执法积分，复核截止 {}", b.name, m, FormatLocalDateTime(deadline)),
                             {{"ledger_hash", existing->ledger_hash}, {"objection_deadline", deadline}}));
    return {};
  });
}

Result<MonthInfo> ScoringService::FinalizeMonth(const Principal& caller, const audit::Actor& actor,
                                                std::optional<std::int64_t> bureau_id, const std::string& month) {
  return ChangeMonth(caller, bureau_id, month, [&](const MonthChange& change) -> Result<void> {
    auto& [sql, b, mk, m, existing] = change;
    if (!existing) return Conflict(m + " 的积分尚未计算", "not_computed");
    if (existing->status == kFinal) return Conflict(m + " 的积分已定稿，不能重复定稿", "month_final");
    if (existing->status == kDraft) return Conflict(m + " 的积分尚未公示，须先公示并经过复核期", "month_not_published");
    const EpochSeconds now = clock_.Now();
    if (existing->objection_deadline && now < *existing->objection_deadline)
      return Conflict(
          fmt::format("复核期尚未结束（截止 {}），不能定稿", FormatLocalDateTime(*existing->objection_deadline)),
          "objection_window_open");
    if (existing->pending_objections > 0)
      return Conflict(fmt::format("还有 {} 条复核申请未处理，处理完才能定稿", existing->pending_objections),
                      "objections_pending");
    const Scheme sc = LoadScheme(sql, existing->scheme_id).value_or(SchemeVersion{}).scheme;
    MarkFinal(sql, existing->id, now, Who(sql, actor), RankingsJson(RankingsNow(sql, b, m, sc)).dump());
    audit::Append(sql, clock_, actor,
                  MonthAudit("scoring.month.finalize", b, m, fmt::format("{} {} 执法积分定稿", b.name, m), {}));
    return {};
  });
}

Result<ScoringService::Targets> ScoringService::TargetsFor(std::optional<std::int64_t> unit_id) {
  return db_.Read([&](soci::session& sql) -> Result<Targets> {
    if (!unit_id) return Targets{.bureau_ids = org::ReadBureauIdsUnder(sql, "")};
    auto u = org::ReadUnit(sql, *unit_id);
    if (!u) return NotFound(fmt::format("单位 {} 不存在", *unit_id));
    if (u->level == "team") return Targets{.bureau_ids = {u->bureau_id}, .team_id = u->id};
    if (u->level == "bureau") return Targets{.bureau_ids = {u->id}};
    return Targets{.bureau_ids = org::ReadBureauIdsUnder(sql, u->path)};
  });
}

}  // namespace fazhi::scoring
