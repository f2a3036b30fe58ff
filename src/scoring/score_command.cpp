#include "scoring/score_command.h"

#include <fstream>

#include "scoring/export.h"
#include "scoring/scoring_routes.h"
#include "scoring/scoring_service.h"

namespace fazhi::scoring {

namespace {

int Report(std::ostream& err, const Error& e) {
  err << "错误：" << e.message;
  if (!e.field.empty()) err << "（" << e.field << "）";
  err << " [" << e.MachineCode() << "]\n";
  return e.code == ErrorCode::kInternal ? 1 : 2;
}

// Threads for previewing several bureaus: not more than the CLI's connection pool (main.cpp: 2).
constexpr unsigned kPreviewThreads = 2;

}  // namespace

int RunScoreCommand(ScoringService& svc, const ScoreCommandOptions& o, std::ostream& out, std::ostream& err) {
  auto mk = points::RequireMonth(o.month, "--month");
  if (!mk) return Report(err, mk.error());
  if (o.format != "json" && o.format != "xlsx")
    return Report(err, Error{ErrorCode::kInvalidArgument, "--format 只能是 json 或 xlsx", "--format"});
  if (o.format == "xlsx" && o.out.empty())
    return Report(err, Error{ErrorCode::kInvalidArgument, "--format xlsx 需要用 --out 指定输出文件", "--out"});

  const auth::Principal who = SystemPrincipal();
  auto targets = svc.TargetsFor(o.unit_id);
  if (!targets) return Report(err, targets.error());
  const std::vector<std::int64_t>* bureaus = &targets->bureau_ids;
  if (bureaus->empty()) return Report(err, Error{ErrorCode::kNotFound, "没有找到分局", "--unit"});
  if (o.format == "xlsx" && bureaus->size() > 1)
    return Report(err,
                  Error{ErrorCode::kInvalidArgument, "有多个分局，导出 XLSX 请用 --unit 指定一个分局或单位", "--unit"});
  // A team narrows the view to it; a bureau or city unit selects bureaus only.
  const std::optional<std::int64_t> narrow = targets->team_id;

  // Stored months first; the months nobody computed yet are previewed together, bureaus on two
  // threads (independent: each borrows its own session; the CLI's pool holds two).
  std::vector<std::optional<Result<RankingView>>> views(bureaus->size());
  std::vector<std::int64_t> to_preview;
  std::vector<std::size_t> preview_slot;
  for (std::size_t i = 0; i < bureaus->size(); ++i) {
    auto view = svc.GetRankings(who, (*bureaus)[i], mk->Text(), narrow);
    if (!view && view.error().code == ErrorCode::kNotFound) {
      to_preview.push_back((*bureaus)[i]);
      preview_slot.push_back(i);
      continue;
    }
    views[i] = std::move(view);
  }
  if (!to_preview.empty()) {
    auto previews = svc.PreviewMonths(who, to_preview, mk->Text(), narrow, kPreviewThreads);
    for (std::size_t k = 0; k < previews.size(); ++k) views[preview_slot[k]] = std::move(previews[k]);
  }

  nlohmann::json list = nlohmann::json::array();
  std::optional<RankingView> first;
  std::vector<EntryView> entries;
  for (std::size_t i = 0; i < bureaus->size(); ++i) {
    auto& view = *views[i];
    if (!view) {
      if (view.error().reason == "no_scheme" && bureaus->size() > 1) continue;  // a bureau without a scheme
      return Report(err, view.error());
    }
    if (o.format == "xlsx" && view->phase != "preview") {
      PageRequest all;
      all.page_size = 1000000;
      if (auto e = svc.ListEntries(who, (*bureaus)[i], mk->Text(), narrow, all)) entries = std::move(e->items);
    }
    list.push_back(RankingViewJson(*view));
    if (!first) first = std::move(*view);
  }
  if (!first)
    return Report(
        err, Error{ErrorCode::kConflict, mk->Text() + " 没有任何分局制定了生效的积分方案", "--month", "no_scheme"});

  if (o.format == "xlsx") {
    auto bytes = WriteMonthXlsx(*first, entries);
    if (!bytes) return Report(err, bytes.error());
    std::ofstream f(o.out, std::ios::binary);
    f.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    if (!f) return Report(err, Error{ErrorCode::kInternal, "无法写入文件 " + o.out, "--out"});
    err << "已写入 " << o.out << "（" << first->rankings.officers.size() << " 名民警）\n";
    return 0;
  }
  const std::string text = nlohmann::json{{"month", mk->Text()}, {"bureaus", list}}.dump(2) + "\n";
  if (o.out.empty()) {
    out << text;
  } else {
    std::ofstream f(o.out, std::ios::binary);
    f << text;
    if (!f) return Report(err, Error{ErrorCode::kInternal, "无法写入文件 " + o.out, "--out"});
  }
  return 0;
}

}  // namespace fazhi::scoring
