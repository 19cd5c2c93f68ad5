// `--runtime exec:PATH[=NAME]`: any runtime through an adapter (exec_runtime.h), kept per
// shard like Docker (per_shard.h): one lab host and adapter serve the shard's checks, and a
// fresh pair replaces them after a check that broke the adapter (its reset then fails).
//
// The report names the runtime as given ("exec:./my-adapter=mine"). Its expectations file
// is chosen by what the adapter says it is in hello — name and version — so an adapter
// that reports "docker" 20.10.24 is judged with docker-20.10.yaml, like the built-in docker.
#include <fmt/format.h>

#include "harness/lab/lab_dns.h"
#include "harness/runtimes/exec/exec_runtime.h"
#include "harness/runtimes/per_shard.h"
#include "harness/runtimes/registry.h"

namespace nc::runtimes {
namespace {

constexpr std::string_view kPrefix = "exec:";

// "exec:PATH=NAME" → PATH. A last '=' followed by no '/' starts NAME; PATH may hold '='.
std::string adapter_path(std::string_view name) {
  auto rest = name.substr(kPrefix.size());
  auto eq = rest.rfind('=');
  if (eq != std::string_view::npos && rest.find('/', eq) == std::string_view::npos) rest = rest.substr(0, eq);
  return std::string(rest);
}

class ExecShard final : public ShardRuntime {
 public:
  explicit ExecShard(lab::LabHost h) : host_(std::move(h)) {}
  const lab::LabHost& host() const override { return host_; }
  api::Runtime& runtime() override { return *rt_; }

  lab::LabHost host_;  // declared first: destroyed after the adapter
  std::unique_ptr<ExecRuntime> rt_;
};

// The per-shard owner, with the family the adapter reported once it has started.
class ExecUnderTest final : public RuntimeUnderTest {
 public:
  ExecUnderTest(std::string name, const RunContext& ctx) : name_(name) {
    ExecOptions base{.adapter = adapter_path(name), .probe_path = ctx.probe_path, .state_dir = "",
                     .cgroup_parent = ctx.cgroup_parent};
    inner_ = make_per_shard(std::move(name), "", [this, base](const ShardStartArgs& a) -> Result<std::unique_ptr<ShardRuntime>> {
      auto shard = std::make_unique<ExecShard>(NC_TRY_CTX(lab::LabHost::create({.ip_forward = a.ip_forward, .name = "host"}), "lab"));
      if (a.host_resolv) NC_TRY_VOID_CTX(lab::write_host_resolv(shard->host_.host(), *a.host_resolv), "lab");
      ExecOptions o = base;
      o.state_dir = a.state_dir;  // per_shard.h keeps it short enough for a daemon's sockets
      shard->rt_ = NC_TRY(ExecRuntime::start(shard->host_.host(), o));
      family_ = shard->rt_->name();
      return std::unique_ptr<ShardRuntime>(std::move(shard));
    });
  }

  std::string name() const override { return name_; }
  std::string version() const override { return inner_->version(); }
  std::string family() const override { return family_; }
  Result<Placement> acquire(const LabNeeds& lab) override { return inner_->acquire(lab); }
  void release() override { inner_->release(); }

 private:
  std::string name_;
  std::string family_;
  std::unique_ptr<RuntimeUnderTest> inner_;
};

}  // namespace

RuntimeKind exec_kind() {
  return {.name = std::string(kPrefix),
          .summary = "any runtime through an adapter program (harness/runtimes/exec/PROTOCOL.md)",
          .make = [](std::string_view name, const RunContext& ctx) -> Result<std::unique_ptr<RuntimeUnderTest>> {
            if (adapter_path(name).empty()) return failf("--runtime {}: no adapter path after exec:", name);
            return std::unique_ptr<RuntimeUnderTest>(std::make_unique<ExecUnderTest>(std::string(name), ctx));
          },
          .missing = {}};
}

}  // namespace nc::runtimes
