// 通报 as the App sees it (kit::Module): collects every module's bulletin sections
// (kit::Module::AddBulletinSections), serves the bulletin routes, writes the demo year's 12 + 4
// bulletins and adds `fazhi bulletin`. The one place bulletins plug in.
#pragma once

#include <optional>

#include "bulletins/bulletins_service.h"
#include "kit/module.h"

namespace fazhi::bulletins {

class BulletinsModule final : public kit::Module {
 public:
  explicit BulletinsModule(const kit::Services& s) : services_(s) {}
  std::string_view Name() const override { return "bulletins"; }
  std::string_view Title() const override { return "执法通报"; }
  Result<void> Init(kit::ModuleSet& modules) override;
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;

  // Valid after Init.
  BulletinService& service() { return *service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  std::optional<BulletinService> service_;
};

// `fazhi bulletin --kind quality --period 2023-07 [--bureau ID] [--out FILE.docx]`: the bulletin of
// that period (the published issue, else a preview computed now) as DOCX, or its figures as JSON on
// stdout without --out. Returns the exit code.
struct BulletinCommandOptions {
  std::string kind;
  std::string period;
  std::int64_t bureau = 0;
  std::string out;
};
int RunBulletinCommand(BulletinService& s, const BulletinCommandOptions& o);

}  // namespace fazhi::bulletins
