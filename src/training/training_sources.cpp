#include "training/training_sources.h"

#include <fmt/format.h>

#include "training/training_reads.h"
#include "training/training_types.h"

namespace fazhi::training {

namespace {

class TrainingSection final : public kit::BulletinSectionProvider {
 public:
  std::string_view id() const override { return "training"; }
  int order() const override { return 45; }
  // 学法用法 belongs to the quarterly 执法规范化建设通报.
  bool InKind(std::string_view kind) const override { return kind == "standardization"; }

  Result<kit::BulletinSection> Compute(soci::session& sql, const kit::BulletinPeriod& period,
                                       const kit::BulletinScope& scope) const override {
    kit::BulletinSection s;
    s.id = "training";
    s.title = "学法用法情况";
    s.empty_text = fmt::format("本期（{}）无学法培训记录。", period.Label());
    const auto now = SessionCounts(sql, scope.unit_path, period.from, period.to);
    std::int64_t total = 0;
    for (const auto& [k, n] : now) total += n;
    if (total == 0) return s;
    const kit::BulletinPeriod prev_period = period.Previous();
    const auto prev = SessionCounts(sql, scope.unit_path, prev_period.from, prev_period.to);
    std::int64_t prev_total = 0;
    for (const auto& [k, n] : prev) prev_total += n;
    s.has_data = true;
    const std::string src = fmt::format("数据来源：培训记录 training_sessions，开始于 {}，{}（含下级单位）",
                                        period.RangeText(), scope.unit_name);
    s.figures.push_back({"sessions", "学法培训", total, std::nullopt, prev_total, "次", src});
    kit::BulletinTable table{
        .caption = "学法培训分类", .header = {"类型", "次数"}, .rows = {}, .numeric = {false, true}, .source = src};
    std::string parts;
    for (const auto& k : kKinds) {
      const auto it = now.find(k);
      const std::int64_t n = it == now.end() ? 0 : it->second;
      table.rows.push_back({KindName(k), std::to_string(n)});
      if (n > 0) parts += fmt::format("{}{} {} 次", parts.empty() ? "" : "、", KindName(k), n);
    }
    s.tables.push_back(std::move(table));
    s.summary = fmt::format("{}共组织学法培训 {} 次，其中{}。", period.Label(), total, parts);
    return s;
  }
};

}  // namespace

std::unique_ptr<kit::BulletinSectionProvider> MakeBulletinSection() { return std::make_unique<TrainingSection>(); }

}  // namespace fazhi::training
