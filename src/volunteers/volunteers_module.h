// 平安志愿者 as the App sees it (kit::Module): serves the volunteer routes and generates the demo
// year (450 "凤城蓝卫" volunteers in teams of the sub-bureau's 派出所, a year of tasks, check-ins,
// clues and points).
#pragma once

#include "kit/module.h"
#include "volunteers/volunteers_service.h"

namespace fazhi::volunteers {

class VolunteersModule final : public kit::Module {
 public:
  explicit VolunteersModule(const kit::Services& s) : services_(s), service_(s.db, s.clock, s.vault) {}
  std::string_view Name() const override { return "volunteers"; }
  std::string_view Title() const override { return "平安志愿者"; }
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;

  VolunteerService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  VolunteerService service_;
};

}  // namespace fazhi::volunteers
