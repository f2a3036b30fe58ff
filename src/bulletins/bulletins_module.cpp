#include "bulletins/bulletins_module.h"

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "bulletins/bulletins_demo.h"
#include "bulletins/bulletins_routes.h"
#include "bulletins/bulletins_store.h"
#include "files/docx.h"
#include "kit/cli_output.h"
#include "kit/commands.h"

namespace fazhi::bulletins {

Result<void> BulletinsModule::Init(kit::ModuleSet& modules) {
  std::vector<std::unique_ptr<kit::BulletinSectionProvider>> collected;
  for (const auto& m : modules.all()) m->AddBulletinSections(collected);
  Providers providers;
  for (auto& p : collected) providers.push_back(std::move(p));
  service_.emplace(services_.db, services_.clock, std::move(providers));
  return {};
}

void BulletinsModule::RegisterRoutes(http::Router& router) { bulletins::RegisterRoutes(router, *service_); }

Result<std::vector<std::string>> BulletinsModule::GenerateDemo(const kit::DemoOptions& options) {
  const auto s = FZ_TRY(GenerateBulletinDemo(services_.db, service_->providers(), options.year));
  if (s.published == 0 && s.existing > 0) return std::vector<std::string>{"通报演示数据已存在，未做改动。"};
  std::vector<std::string> out{fmt::format(
      "已生成并发布 {} 年通报 {} 期（执法质量通报按月、执法规范化建设通报按季度）。", options.year, s.published)};
  if (s.empty > 0) out.push_back(fmt::format("{} 个期间没有数据，未生成通报。", s.empty));
  return out;
}

int RunBulletinCommand(BulletinService& s, const BulletinCommandOptions& o) {
  auto b = s.Preview(o.kind, o.period, o.bureau > 0 ? std::optional<std::int64_t>(o.bureau) : std::nullopt);
  if (!b) return kit::PrintError(b.error());
  if (o.out.empty()) {
    nlohmann::json j = {{"kind", b->kind},
                        {"period", b->period},
                        {"state", b->state},
                        {"issue_no", b->issue_no},
                        {"title", b->title},
                        {"bureau_id", b->bureau_id},
                        {"sections", SectionsToJson(b->sections)},
                        {"narrative", NarrativeToJson(b->narrative)}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  auto docx = files::WriteDocx(s.Compose(*b));
  if (!docx) return kit::PrintError(docx.error());
  std::ofstream f(o.out, std::ios::binary);
  f << *docx;
  f.close();
  if (!f) return kit::PrintError(Error{ErrorCode::kInvalidArgument, fmt::format("无法写入文件 {}", o.out), "out", ""});
  std::cerr << fmt::format("已写入 {}（{}，{}，{} 字节）\n", o.out, b->title,
                           b->issue_no.empty() ? "未发布的预览" : b->issue_no, docx->size());
  return 0;
}

namespace {

void AddCommands(kit::Commands& c) {
  auto o = std::make_shared<BulletinCommandOptions>();
  CLI::App* cmd =
      c.Add("bulletin", "生成某期执法质量通报或执法规范化建设通报（与服务端同一套代码）",
            [o](kit::ModuleSet& m) { return RunBulletinCommand(m.Find<BulletinsModule>()->service(), *o); });
  cmd->add_option("--kind", o->kind, "quality（执法质量通报，按月）或 standardization（执法规范化建设通报，按季度）")
      ->required();
  cmd->add_option("--period", o->period, "期间：月份 2023-07 或季度 2023-Q3")->required();
  cmd->add_option("--unit,--bureau", o->bureau, "分县局（或市局）的单位编号，默认第一个有数据的分县局");
  cmd->add_option("--out", o->out, "DOCX 输出文件；不写则在标准输出打印各栏目数据（JSON）");
}

}  // namespace

kit::ModuleSpec BulletinsModule::Spec() { return kit::SpecOf<BulletinsModule>("bulletins", AddCommands); }

}  // namespace fazhi::bulletins
