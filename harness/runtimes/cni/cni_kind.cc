// CNI as the runtime under test: Debian's containernetworking-plugins driven by
// CniRuntime, fresh for every check on a fresh lab host (as netimpl): the plugins keep no
// daemon, so there is nothing to keep between checks, and the lab host's namespaces take
// every link and iptables rule with them.
#include <optional>

#include <fmt/format.h>

#include "harness/runtimes/cni/cni_runtime.h"
#include "harness/runtimes/registry.h"

namespace nc::runtimes {
namespace {

class CniUnderTest final : public RuntimeUnderTest {
 public:
  explicit CniUnderTest(const RunContext& ctx) : probe_path_(ctx.probe_path) {}
  ~CniUnderTest() override { release(); }

  std::string name() const override { return "cni"; }
  std::string version() const override { return version_; }

  // A multi-host check gets one host: CNI has no multi-host mode, the check is skipped
  // for lacking `multihost` once the runtime is up.
  Result<Placement> acquire(const LabNeeds& lab) override {
    release();
    host_.emplace(NC_TRY_CTX(lab::LabHost::create({.ip_forward = lab.ip_forward, .name = "host"}), "lab"));
    rt_ = NC_TRY_CTX(cni::CniRuntime::create(host_->host(), {.probe_path = probe_path_}), "start cni");
    version_ = rt_->version();
    return Placement{.host = &*host_, .runtime = rt_.get()};
  }

  // The runtime first (it DELs its containers' attachments), then the host.
  void release() override {
    rt_.reset();
    host_.reset();
  }

 private:
  std::string probe_path_;
  std::optional<lab::LabHost> host_;
  std::unique_ptr<cni::CniRuntime> rt_;
  std::string version_;
};

}  // namespace

RuntimeKind cni_kind() {
  return {.name = "cni",
          .summary = "containernetworking-plugins (bridge, host-local, portmap, firewall, loopback) "
                     "driven by the CNI 1.0 protocol, fresh per check",
          .make = [](std::string_view, const RunContext& ctx) -> Result<std::unique_ptr<RuntimeUnderTest>> {
            return std::make_unique<CniUnderTest>(ctx);
          },
          .missing = []() -> std::string {
            auto v = cni::installed_plugins_version();
            return v ? "" : v.error().message();
          }};
}

}  // namespace nc::runtimes
