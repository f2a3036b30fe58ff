#include "kit/commands.h"

namespace fazhi::kit {

Commands Commands::Group(const std::string& name, const std::string& description) {
  CLI::App* sub = nullptr;
  try {
    sub = cli_.get_subcommand_ptr(name).get();
  } catch (const CLI::OptionNotFound&) {
  }
  if (!sub) {
    sub = cli_.add_subcommand(name, description);
    sub->require_subcommand(1);
  }
  return Commands(*sub, entries_);
}

CLI::App* Commands::Add(const std::string& name, const std::string& description, Run run,
                        std::function<int()> db_pool) {
  auto e = std::make_unique<Entry>();
  e->sub = cli_.add_subcommand(name, description);
  e->run = std::move(run);
  e->db_pool = std::move(db_pool);
  CLI::App* sub = e->sub;
  entries_->push_back(std::move(e));
  return sub;
}

CLI::App* Commands::AddStandalone(const std::string& name, const std::string& description, Standalone run) {
  auto e = std::make_unique<Entry>();
  e->sub = cli_.add_subcommand(name, description);
  e->standalone = std::move(run);
  CLI::App* sub = e->sub;
  entries_->push_back(std::move(e));
  return sub;
}

std::optional<Commands::Chosen> Commands::Parsed() const {
  for (const auto& e : *entries_) {
    if (!e->sub->parsed()) continue;
    Chosen c;
    if (e->run) c.run = &e->run;
    if (e->standalone) c.standalone = &e->standalone;
    if (e->db_pool) c.db_pool = e->db_pool();
    return c;
  }
  return std::nullopt;
}

}  // namespace fazhi::kit
