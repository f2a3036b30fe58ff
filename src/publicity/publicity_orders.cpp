#include "publicity/publicity_orders.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/local_time.h"
#include "org/org_reads.h"
#include "publicity/publicity_service.h"
#include "publicity/publicity_store.h"

namespace fazhi::publicity {

namespace {

constexpr EpochSeconds kOrderDays = 7;  // the 整改期限: a week after the sweep found the stage overdue

class StageSource final : public orders::OrderSource {
 public:
  std::string_view Kind() const override { return "publicity_stage"; }
  std::string_view Name() const override { return "普法工作逾期"; }
  std::string WebPath(std::int64_t id) const override { return fmt::format("/publicity?stage={}", id); }

  Result<orders::SourceInfo> Describe(soci::session& sql, const auth::Principal& who, std::int64_t id) const override {
    auto item = store::LoadCycleItem(sql, id, 0);
    if (!item || !item->second.starts_with(ReachPath(sql, who))) return NotFound("普法工作事项不存在");
    const CycleItem& c = item->first;
    return orders::SourceInfo{.bureau_id = c.bureau_id,
                              .unit_id = c.unit_id,
                              .case_id = std::nullopt,
                              .title = fmt::format("普法逾期：{} {} 年{}", c.unit_name, c.year, StageName(c.stage)),
                              .problem_type = "逾期未报送",
                              .responsible_person_id = store::StageResponsible(sql, c.unit_id)};
  }

  Result<void> OnClosed(soci::session& sql, const orders::Order& order) const override {
    if (!order.source_id) return {};
    auto item = store::LoadCycleItem(sql, *order.source_id, 0);
    if (item && !item->first.submitted_at)
      return Conflict(fmt::format("{} {} 年{}尚未报送，不能办结", item->first.unit_name, item->first.year,
                                  StageName(item->first.stage)),
                      "stage_not_submitted");
    return {};
  }
};

}  // namespace

std::unique_ptr<orders::OrderSource> MakeStageOrderSource() { return std::make_unique<StageSource>(); }

Result<int> PublicityService::OpenOverdueOrders() {
  if (!orders_) return 0;
  const EpochSeconds now = clock_.Now();
  const auto ids = db_.Read([&](soci::session& sql) { return store::OverdueWithoutOrder(sql, now); });
  int opened = 0;
  for (const std::int64_t id : ids) {
    auto r = db_.Write([&](soci::session& sql) -> Result<bool> {
      if (!store::ClaimForOrder(sql, id)) return false;  // another sweep has it, or it was just submitted
      const CycleItem item = store::LoadCycleItem(sql, id, now)->first;
      const auto issuer = store::LegalUnitIssuer(sql, item.bureau_id);
      if (!issuer) return NotFound("本局法制大队没有法制员账号，无法代发督办");
      const auto unit = org::ReadUnit(sql, issuer->second);
      auth::Principal system;  // the 法制大队's account, acting through the sweep
      system.user_id = issuer->first;
      system.username = "system";
      system.unit_id = issuer->second;
      system.unit_path = unit ? unit->path : "/nowhere/";
      system.bureau_id = item.bureau_id;
      const audit::Actor actor{.user_id = std::nullopt, .username = "system", .bureau_id = item.bureau_id};
      const EpochSeconds deadline = now + kOrderDays * 86400;
      const orders::Order o = FZ_TRY(orders_->IssueIn(
          sql, system, actor,
          {.source = "publicity_stage",
           .source_id = id,
           .opinion = fmt::format(
               "{}的 {} 年{}应于 {} 前报送，已逾期未报送。请于 {} 前在“普法工作”中报送，并在此反馈整改情况。",
               item.unit_name, item.year, StageName(item.stage), FormatLocalDateTime(item.due_at),
               FormatLocalDateTime(deadline)),
           .deadline = deadline}));
      store::SetOrder(sql, id, o.id);
      return true;
    });
    if (!r)
      spdlog::warn("publicity: no 督办 for overdue stage {}: {}", id, r.error().message);
    else if (*r)
      ++opened;
  }
  return opened;
}

}  // namespace fazhi::publicity
