#include "org/org_module.h"

#include <iostream>

#include <fmt/format.h>

#include "kit/cli_output.h"
#include "kit/commands.h"
#include "org/org_demo.h"
#include "org/org_routes.h"

namespace fazhi::org {

void OrgModule::RegisterRoutes(http::Router& router) { org::RegisterRoutes(router, service_); }

Result<std::vector<std::string>> OrgModule::GenerateDemo(const kit::DemoOptions&) {
  auto s = FZ_TRY(org::GenerateDemo(services_.db, services_.clock, services_.vault));
  if (s.already_present) return std::vector<std::string>{"组织机构与人员演示数据已存在，未做改动。"};
  return std::vector<std::string>{
      fmt::format("已生成组织机构演示数据：单位 {} 个，人员 {} 人，演示账号 {} 个（密码均为 Demo@2026）。", s.units,
                  s.people, s.users)};
}

namespace {

struct AddRootOptions {
  std::string name;
  std::string level = "city";
};

// `fazhi unit add-root --name … [--level city|bureau]`: the first unit of a new installation.
void AddCommands(kit::Commands& c) {
  auto unit = c.Group("unit", "单位管理（新装系统时建立最上级单位）");
  auto o = std::make_shared<AddRootOptions>();
  CLI::App* add_root =
      unit.Add("add-root", "新建最上级单位（市局或分县局），之后可用 user add 建第一个管理员", [o](kit::ModuleSet& m) {
        UnitCreate in;
        in.name = o->name;
        in.level = o->level;
        auto u = m.Find<OrgModule>()->service().CreateRootUnit(kit::CliActor(), in);
        if (!u) return kit::PrintError(u.error());
        std::cout << "已建立单位 " << u->name << "（编号 " << u->id << "）。下一步：fazhi user add --unit-id " << u->id
                  << " --role sys_admin …" << std::endl;
        return 0;
      });
  add_root->add_option("--name", o->name, "单位名称，如 某某市公安局")->required();
  add_root->add_option("--level", o->level, "city（市局）或 bureau（分县局）")->capture_default_str();
}

}  // namespace

kit::ModuleSpec OrgModule::Spec() { return kit::SpecOf<OrgModule>("org", AddCommands); }

}  // namespace fazhi::org
