// netimpl as the runtime under test: in-process, fresh for every check on a fresh lab
// host; with `lab: {hosts: N}`, one NetimplRuntime per host behind a MultiHostRuntime.
#include <optional>

#include <fmt/format.h>

#include "harness/lab/underlay.h"
#include "harness/runtimes/registry.h"
#include "netimpl/runtime/multi_host_runtime.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::runtimes {
namespace {

class NetimplUnderTest final : public RuntimeUnderTest {
 public:
  explicit NetimplUnderTest(const RunContext& ctx)
      : opts_{.probe_path = ctx.probe_path, .start_processes = ctx.start_processes} {}
  ~NetimplUnderTest() override { release(); }

  std::string name() const override { return "netimpl"; }
  std::string version() const override { return version_; }

  Result<Placement> acquire(const LabNeeds& lab) override {
    release();
    host_.emplace(NC_TRY_CTX(lab::LabHost::create({.ip_forward = lab.ip_forward, .name = "host"}), "lab"));
    if (lab.hosts > 1) {
      underlay_.emplace(NC_TRY_CTX(lab::Underlay::create(*host_, lab.hosts, lab.underlay_mtu), "lab"));
      std::vector<runtime::HostRef> hosts;
      for (int i = 1; i <= underlay_->size(); ++i)
        hosts.push_back({i == 1 ? std::string("host") : fmt::format("host{}", i), &underlay_->host(i).host()});
      rt_ = NC_TRY_CTX(runtime::MultiHostRuntime::create(hosts, opts_), "start netimpl");
    } else {
      rt_ = NC_TRY_CTX(runtime::NetimplRuntime::create(host_->host(), opts_), "start netimpl");
    }
    version_ = rt_->version();
    return Placement{.host = &*host_, .runtime = rt_.get()};
  }

  // The runtime first (it removes its containers), then the hosts: the namespaces take
  // every link, rule and address with them.
  void release() override {
    rt_.reset();
    underlay_.reset();
    host_.reset();
  }

 private:
  runtime::NetimplOptions opts_;
  std::optional<lab::LabHost> host_;
  std::optional<lab::Underlay> underlay_;  // after host_: it refers to it
  std::unique_ptr<api::Runtime> rt_;
  std::string version_;
};

}  // namespace

RuntimeKind netimpl_kind() {
  return {.name = "netimpl",
          .summary = "the reference implementation, in-process, fresh per check",
          .make = [](std::string_view, const RunContext& ctx) -> Result<std::unique_ptr<RuntimeUnderTest>> {
            return std::make_unique<NetimplUnderTest>(ctx);
          }};
}

}  // namespace nc::runtimes
