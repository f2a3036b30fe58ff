// A module's sweep in `serve`: deadline alerts, overdue 督办, exams past their end time. One
// function run every Settings::sweep_interval_seconds on its own thread (none when that is 0), from
// StartBackground to StopBackground; an error it returns is logged with the sweep's name and the
// next interval runs it again.
//
// A module built around one service and its sweep derives from SweptModule, which holds both:
//
//   class IntakeModule final : public kit::SweptModule<IntakeService> {
//    public:
//     explicit IntakeModule(const kit::Services& s)
//         : SweptModule(s, "intake deadline sweep", &IntakeService::NotifyDeadlines, s.db, s.clock, s.vault) {}
//     …
//   };
//
// A module that holds a ModuleSweep itself declares it after the service it calls: members are
// destroyed in reverse order, so the sweep (which stops in its destructor) goes first.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "core/periodic_task.h"
#include "kit/module.h"

namespace fazhi::kit {

class ModuleSweep {
 public:
  // `work` returns nothing, a count, or a Result (its error is logged).
  template <typename F>
  ModuleSweep(const Settings& settings, std::string name, F work)
      : settings_(settings), name_(std::move(name)), run_([name = name_, work = std::move(work)] {
          if constexpr (requires { work().error().message; }) {
            if (auto r = work(); !r) LogFailure(name, r.error().message);
          } else {
            (void)work();
          }
        }) {}
  ~ModuleSweep() { Stop(); }
  ModuleSweep(const ModuleSweep&) = delete;
  ModuleSweep& operator=(const ModuleSweep&) = delete;

  void Start();  // idempotent; nothing when the installation's interval is 0
  void Stop();   // idempotent; waits for a run in progress

 private:
  static void LogFailure(const std::string& name, const std::string& message);

  const Settings& settings_;
  const std::string name_;
  const std::function<void()> run_;
  std::unique_ptr<core::PeriodicTask> task_;
};

// The shared services, one service made from them (`service_args`) and its sweep, which calls the
// service's member `work` every sweep interval from StartBackground to StopBackground.
template <typename Service>
class SweptModule : public Module {
 public:
  void StartBackground() override { sweep_.Start(); }
  void StopBackground() override { sweep_.Stop(); }
  Service& service() { return service_; }

 protected:
  template <typename Work, typename... Args>
  SweptModule(const Services& s, std::string sweep_name, Work work, Args&&... service_args)
      : services_(s),
        service_(std::forward<Args>(service_args)...),
        sweep_(services_.settings, std::move(sweep_name), [this, work] { return (service_.*work)(); }) {}

  Services services_;
  Service service_;
  // Last: stopped (its destructor) before the service goes.
  ModuleSweep sweep_;
};

}  // namespace fazhi::kit
