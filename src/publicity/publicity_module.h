// 谁执法谁普法 as the App sees it (kit::Module): serves the /api/publicity routes, writes the 2023
// demo, and in `serve` sweeps the cycle's due dates (PublicityService::NotifyDue) and opens a 督办
// order on each stage left overdue (OpenOverdueOrders, source publicity_stage).
#pragma once

#include <memory>

#include "core/periodic_task.h"
#include "kit/module.h"
#include "publicity/publicity_service.h"

namespace fazhi::publicity {

class PublicityModule final : public kit::Module {
 public:
  explicit PublicityModule(const kit::Services& s) : services_(s), service_(s.db, s.clock) {}
  ~PublicityModule() override { StopBackground(); }
  std::string_view Name() const override { return "publicity"; }
  std::string_view Title() const override { return "谁执法谁普法"; }
  // Registers the 督办 source publicity_stage with src/orders.
  Result<void> Init(kit::ModuleSet& modules) override;
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;
  void StartBackground() override;
  void StopBackground() override;

  PublicityService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  PublicityService service_;
  std::unique_ptr<core::PeriodicTask> sweeper_;
};

}  // namespace fazhi::publicity
