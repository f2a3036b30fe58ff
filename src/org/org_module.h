// The organisation module as the App sees it (kit::Module): units, people and the roster.
#pragma once

#include "kit/module.h"
#include "org/org_service.h"

namespace fazhi::org {

class OrgModule final : public kit::Module {
 public:
  explicit OrgModule(const kit::Services& s) : services_(s), service_(s.db, s.clock, s.vault) {}
  std::string_view Name() const override { return "org"; }
  std::string_view Title() const override { return "组织机构与人员"; }
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;

  OrgService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  OrgService service_;
};

}  // namespace fazhi::org
