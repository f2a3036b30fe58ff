// ScoringService: what people look at — rankings (stored, live or previewed), one officer's month,
// year totals, the entry list and the XLSX export.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <set>
#include <thread>
#include <unordered_map>

#include "files/attachments.h"
#include "scoring/export.h"
#include "scoring/scoring_internal.h"
#include "scoring/scoring_service.h"
#include "scoring/scoring_store.h"

namespace fazhi::scoring {

using auth::Principal;
using namespace detail;

namespace {

EntryView ViewOf(Entry e, const std::string& month, const std::string& person_name, const std::string& unit_name) {
  EntryView v;
  v.entry = std::move(e);
  v.month = month;
  v.person_name = person_name;
  v.unit_name = unit_name;
  return v;
}

// The officer's entries of the month with their objections, and the totals by source and act.
void FillOfficerEntries(soci::session& sql, OfficerMonth& out, std::int64_t bureau) {
  const auto objections = ObjectionsByEntry(sql, bureau, out.month, out.person.id);
  for (auto& e : LoadMonthEntries(sql, bureau, out.month, out.person.id)) {
    out.total += e.points;
    out.by_source[e.source] += e.points;
    out.by_act[e.act] += e.points;
    EntryView v = ViewOf(std::move(e), out.month, out.person.name, out.unit_name);
    if (auto it = objections.find(v.entry.id); it != objections.end()) {
      v.objection_id = it->second.first;
      v.objection_status = it->second.second;
    }
    out.entries.push_back(std::move(v));
  }
  if (auto snap = LoadSnapshot(sql, bureau, out.month)) {
    for (const auto& o : snap->officers)
      if (o.person_id == out.person.id) {
        out.rank_bureau = o.rank_bureau;
        out.rank_unit = o.rank_unit;
        out.movement = o.movement;
      }
  }
}

// The 12-month trend ending with `month` and the year total: published/final months only.
void FillTrend(soci::session& sql, OfficerMonth& out, std::int64_t bureau, const points::MonthKey& month) {
  points::MonthKey first = month;
  for (int i = 0; i < 11; ++i) first = first.Prev();
  const points::MonthKey lo = std::min(first, points::MonthKey{month.year, 1});
  const auto totals = PersonMonthTotals(sql, bureau, out.person.id, lo.Text(), fmt::format("{:04d}-12", month.year));
  for (points::MonthKey k = first;; k = k.Next()) {
    auto it = totals.find(k.Text());
    out.trend.push_back({k.Text(), it == totals.end() ? std::nullopt : std::optional<Centi>(it->second)});
    if (k == month) break;
  }
  for (const auto& [mon, total] : totals)
    if (mon.starts_with(fmt::format("{:04d}-", month.year))) out.year_total += total;
}

// One row per officer of the bureau in the view (active, or with points in the year), ranked.
std::vector<YearRow> YearRows(soci::session& sql, const org::UnitRef& bureau, const std::string& prefix, int year,
                              const std::set<std::string>& counted,
                              const std::map<std::int64_t, std::map<int, Centi>>& sums) {
  const auto unit_list = LoadUnits(sql, bureau.path);
  std::unordered_map<std::int64_t, const UnitInfo*> units;
  for (const auto& u : unit_list) units[u.id] = &u;
  std::vector<YearRow> out;
  for (const auto& p : LoadPeople(sql, bureau.path)) {
    auto it_u = units.find(p.unit_id);
    if (it_u == units.end() || !it_u->second->path.starts_with(prefix)) continue;
    auto it = sums.find(p.id);
    if (!p.active && it == sums.end()) continue;
    YearRow row;
    row.person_id = p.id;
    row.name = p.name;
    row.badge_no = p.badge_no;
    row.unit_id = p.unit_id;
    row.unit_name = it_u->second->name;
    row.months.assign(12, std::nullopt);
    for (int mo = 1; mo <= 12; ++mo) {
      if (!counted.contains(fmt::format("{:04d}-{:02d}", year, mo))) continue;
      Centi v = 0;
      if (it != sums.end())
        if (auto f = it->second.find(mo); f != it->second.end()) v = f->second;
      row.months[mo - 1] = v;
      row.total += v;
    }
    out.push_back(std::move(row));
  }
  std::sort(out.begin(), out.end(), [](const YearRow& a, const YearRow& b) {
    return a.total != b.total ? a.total > b.total : a.person_id < b.person_id;
  });
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i].rank = (i > 0 && out[i - 1].total == out[i].total) ? out[i - 1].rank : static_cast<int>(i) + 1;
  return out;
}

}  // namespace

Result<RankingView> ScoringService::GetRankings(const Principal& caller, std::optional<std::int64_t> bureau_id,
                                                const std::string& month, std::optional<std::int64_t> unit_id) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireRead(who));
  const auto mk = FZ_TRY(points::RequireMonth(month, "month"));
  return db_.Read([&](soci::session& sql) -> Result<RankingView> {
    const auto b = FZ_TRY(ResolveBureau(sql, who, bureau_id, false));
    const auto prefix = FZ_TRY(ViewPrefix(sql, who, b, unit_id));
    auto m = LoadMonth(sql, b, mk.Text());
    if (!m || (m->status == kDraft && !IsManager(who))) return NotFound(mk.Text() + " 的积分尚未公示");
    RankingView v;
    v.month = *m;
    v.phase = m->status;
    if (m->status == kDraft) {
      const Scheme sc = LoadScheme(sql, m->scheme_id).value_or(SchemeVersion{}).scheme;
      v.rankings = FilterRankings(RankingsNow(sql, b, m->month, sc), prefix);
      return v;
    }
    auto snap = FrozenRankings(sql, *m);
    if (!snap) return Internal("排名快照缺失或损坏");
    v.rankings = FilterRankings(*snap, prefix);
    const EpochSeconds stamp = m->status == kFinal ? m->finalized_at.value_or(0) : m->published_at.value_or(0);
    v.frozen_key = fmt::format("{}|{}|{}|{}|{}", m->id, m->status, stamp, m->ledger_hash, prefix);
    return v;
  });
}

std::shared_ptr<const Rankings> ScoringService::FrozenRankings(soci::session& sql, const MonthInfo& m) {
  const EpochSeconds stamp = m.status == kFinal ? m.finalized_at.value_or(0) : m.published_at.value_or(0);
  {
    std::lock_guard lock(snapshots_mu_);
    if (auto it = snapshots_.find(m.id);
        it != snapshots_.end() && it->second.status == m.status && it->second.stamp == stamp)
      return it->second.rankings;
  }
  auto snap = LoadSnapshot(sql, m.bureau_id, m.month);
  if (!snap) return nullptr;
  auto shared = std::make_shared<const Rankings>(std::move(*snap));
  std::lock_guard lock(snapshots_mu_);
  snapshots_[m.id] = CachedSnapshot{m.status, stamp, shared};
  return shared;
}

std::shared_ptr<const FrozenLists> ScoringService::FrozenListsOf(const RankingView& v,
                                                                 const std::function<FrozenLists()>& make) {
  // 32 MB: every view (bureau, each unit) of a year of a 5,000-officer bureau's months.
  constexpr std::size_t kBudget = 32u << 20;
  {
    std::lock_guard lock(lists_mu_);
    if (auto it = lists_index_.find(v.frozen_key); it != lists_index_.end()) {
      lists_lru_.splice(lists_lru_.begin(), lists_lru_, it->second);
      return it->second->lists;
    }
  }
  auto lists = std::make_shared<const FrozenLists>(make());
  const std::size_t bytes = lists->officers.size() + lists->units.size() + v.frozen_key.size();
  std::lock_guard lock(lists_mu_);
  if (lists_index_.contains(v.frozen_key) || bytes > kBudget) return lists;  // raced, or too big to keep
  lists_lru_.push_front(FrozenListsNode{v.frozen_key, lists, bytes});
  lists_index_[v.frozen_key] = lists_lru_.begin();
  lists_bytes_ += bytes;
  while (lists_bytes_ > kBudget) {
    lists_bytes_ -= lists_lru_.back().bytes;
    lists_index_.erase(lists_lru_.back().key);
    lists_lru_.pop_back();
  }
  return lists;
}

Result<RankingView> ScoringService::PreviewMonth(const Principal& caller, std::int64_t bureau_id,
                                                 const std::string& month, std::optional<std::int64_t> unit_id) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireManage(who));
  const auto mk = FZ_TRY(points::RequireMonth(month, "month"));
  return db_.Read([&](soci::session& sql) -> Result<RankingView> {
    const auto b = FZ_TRY(ResolveBureau(sql, who, bureau_id, true));
    const auto prefix = FZ_TRY(ViewPrefix(sql, who, b, unit_id));
    const auto draft = FZ_TRY(ComputeDraft(sql, b, mk, clock_.Now(), sources_));
    RankingView v;
    v.phase = "preview";
    v.month.bureau_id = b.id;
    v.month.bureau_name = b.name;
    v.month.month = mk.Text();
    v.month.status = "preview";
    v.month.scheme_id = draft.scheme.id;
    v.month.scheme_version = draft.scheme.version;
    v.month.entry_count = static_cast<int>(draft.ledger.size());
    v.month.skipped_facts = draft.skipped;
    v.month.ledger_hash = LedgerHash(draft.ledger);
    v.month.computed_at = clock_.Now();
    const auto prev = LoadSnapshot(sql, b.id, mk.Prev().Text());
    v.rankings = FilterRankings(BuildRankings(draft.ledger, draft.people, draft.units,
                                              draft.scheme.scheme.per_capita_police_only, prev ? &*prev : nullptr),
                                prefix);
    return v;
  });
}

std::vector<Result<RankingView>> ScoringService::PreviewMonths(const Principal& who,
                                                               const std::vector<std::int64_t>& bureau_ids,
                                                               const std::string& month,
                                                               std::optional<std::int64_t> unit_id, unsigned threads) {
  std::vector<std::optional<Result<RankingView>>> slots(bureau_ids.size());
  std::vector<std::exception_ptr> failures(bureau_ids.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < bureau_ids.size(); i = next++) {
      try {
        slots[i] = PreviewMonth(who, bureau_ids[i], month, unit_id);
      } catch (...) {
        failures[i] = std::current_exception();  // rethrown below, once every worker has stopped
      }
    }
  };
  const std::size_t n = std::min<std::size_t>(std::max(1u, threads), bureau_ids.size());
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < n; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  for (const auto& f : failures)
    if (f) std::rethrow_exception(f);
  std::vector<Result<RankingView>> out;
  out.reserve(slots.size());
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

Result<OfficerMonth> ScoringService::GetOfficerMonth(const Principal& caller, std::optional<std::int64_t> person_id,
                                                     const std::string& month) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireRead(who));
  const auto mk = FZ_TRY(points::RequireMonth(month, "month"));
  if (!person_id && !who.person_id) return Forbidden("当前账号没有关联民警信息，无法查看个人积分", "no_person");
  const std::int64_t pid = person_id.value_or(who.person_id.value_or(0));
  return db_.Read([&](soci::session& sql) -> Result<OfficerMonth> {
    const auto person = org::ReadPerson(sql, pid);
    const auto unit = person ? org::ReadUnit(sql, person->unit_id) : std::nullopt;
    if (!unit) return NotFound("人员不存在");
    const bool own = who.person_id && *who.person_id == pid;
    if (!own && !(IsManager(who) && who.InScope(unit->path))) return NotFound("人员不存在");
    OfficerMonth out;
    out.person = {person->id, person->name, person->badge_no, person->kind, person->unit_id, person->active};
    out.unit_name = unit->name;
    out.month = mk.Text();
    const auto m = LoadMonth(sql, unit->bureau_id, out.month);
    const bool visible = m && (m->status != kDraft || IsManager(who));
    out.status = m ? (visible ? m->status : "none") : "none";
    if (visible) FillOfficerEntries(sql, out, unit->bureau_id);
    FillTrend(sql, out, unit->bureau_id, mk);
    return out;
  });
}

Result<YearTotals> ScoringService::GetYearTotals(const Principal& caller, std::optional<std::int64_t> bureau_id,
                                                 int year, std::optional<std::int64_t> unit_id) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireRead(who));
  if (year < 2000 || year > 2100) return Invalid("年份无效", "year");
  return db_.Read([&](soci::session& sql) -> Result<YearTotals> {
    const auto b = FZ_TRY(ResolveBureau(sql, who, bureau_id, false));
    const auto prefix = FZ_TRY(ViewPrefix(sql, who, b, unit_id));
    const std::string lo = fmt::format("{:04d}-01", year), hi = fmt::format("{:04d}-12", year);
    const auto counted = FrozenMonths(sql, b.id, lo, hi);
    YearTotals out;
    out.bureau_id = b.id;
    out.year = year;
    out.months_counted = static_cast<int>(counted.size());
    out.officers = YearRows(sql, b, prefix, year, counted, PersonMonthSums(sql, b.id, lo, hi));
    return out;
  });
}

Result<Paged<EntryView>> ScoringService::ListEntries(const Principal& caller, std::optional<std::int64_t> bureau_id,
                                                     const std::string& month, std::optional<std::int64_t> unit_id,
                                                     const PageRequest& page) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireManage(who));
  const auto mk = FZ_TRY(points::RequireMonth(month, "month"));
  return db_.Read([&](soci::session& sql) -> Result<Paged<EntryView>> {
    const auto b = FZ_TRY(ResolveBureau(sql, who, bureau_id, false));
    const auto prefix = FZ_TRY(ViewPrefix(sql, who, b, unit_id));
    const std::string m = mk.Text();
    // The units of the view, and the names of the people on the page (org_reads: not joined here).
    std::unordered_map<std::int64_t, std::string> unit_names;
    std::vector<std::int64_t> unit_ids;
    for (auto& u : org::ReadUnitsUnder(sql, prefix)) {
      unit_ids.push_back(u.id);
      unit_names.emplace(u.id, std::move(u.name));
    }
    Paged<EntryView> out;
    auto [total, entries] = LoadUnitEntries(sql, b.id, m, unit_ids, page.page_size, page.Offset());
    out.total = total;
    std::vector<std::int64_t> person_ids;
    for (const auto& e : entries) person_ids.push_back(e.person_id);
    std::unordered_map<std::int64_t, std::string> person_names;
    for (auto& p : org::ReadPeople(sql, person_ids)) person_names.emplace(p.id, std::move(p.name));
    for (auto& e : entries) {
      const std::string& unit_name = unit_names[e.unit_id];
      const std::string& person_name = person_names[e.person_id];
      out.items.push_back(ViewOf(std::move(e), m, person_name, unit_name));
    }
    return out;
  });
}

Result<FileDownload> ScoringService::ExportMonth(const Principal& who, const audit::Actor& actor,
                                                 std::optional<std::int64_t> bureau_id, const std::string& month,
                                                 std::optional<std::int64_t> unit_id) {
  const auto view = FZ_TRY(GetRankings(who, bureau_id, month, unit_id));
  std::vector<EntryView> entries;
  if (IsManager(who)) {
    PageRequest all;
    all.page_size = 1000000;
    entries = FZ_TRY(ListEntries(who, view.month.bureau_id, month, unit_id, all)).items;
  }
  auto bytes = FZ_TRY(WriteMonthXlsx(view, entries));
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    audit::Append(sql, clock_, actor,
                  {"scoring.export",
                   "score_month",
                   fmt::format("{}:{}", view.month.bureau_id, view.month.month),
                   fmt::format("导出{} {} 执法积分（{} 名民警，{} 条明细）", view.month.bureau_name, view.month.month,
                               view.rankings.officers.size(), entries.size()),
                   {{"unit_id", unit_id ? nlohmann::json(*unit_id) : nlohmann::json()},
                    {"officers", view.rankings.officers.size()},
                    {"entries", entries.size()}}});
    return {};
  }));
  return FileDownload{std::move(bytes), files::kXlsx,
                      fmt::format("执法积分_{}_{}.xlsx", view.month.bureau_name, view.month.month)};
}

}  // namespace fazhi::scoring
