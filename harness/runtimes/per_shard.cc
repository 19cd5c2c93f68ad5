#include "harness/runtimes/per_shard.h"

#include <cctype>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "harness/lab/lab_reset.h"

namespace nc::runtimes {
namespace {

class PerShard final : public RuntimeUnderTest {
 public:
  PerShard(std::string name, std::string family, ShardStart start)
      : name_(std::move(name)), family_(std::move(family)), start_(std::move(start)) {}

  std::string name() const override { return name_; }
  std::string version() const override { return version_; }
  std::string family() const override { return family_; }

  Result<Placement> acquire(const LabNeeds& lab) override {
    // Docker picks its resolver file once per daemon (moby resolvconf.Path(), a sync.Once):
    // a check that sets the host's resolver files gets a daemon started after they were
    // written, and the next check one that never saw them.
    bool own_resolv = lab.host_resolv || lab.host_resolv_steps;
    if (current_ && (ip_forward_ != lab.ip_forward || own_resolv || resolv_touched_ || lab.fresh_runtime ||
                     bridge6_ != lab.default_bridge6))
      drop();
    // A check that only changes the files in a step gets them written before the start too
    // (the lab's usual text): the runtime then starts with the files' final mounts in place.
    auto files = lab.host_resolv;
    if (!files && lab.host_resolv_steps) files = lab::HostResolvFiles{std::string(lab::kHostResolvConf), std::nullopt};
    if (!current_) NC_TRY_VOID(start(lab.ip_forward, files, lab.default_bridge6));
    resolv_touched_ = own_resolv;
    return Placement{.host = &current_->host(), .runtime = &current_->runtime()};
  }

  void release() override {
    if (!current_) return;
    if (!current_->runtime().reset()) return drop();
    if (!lab::reset_lab_host(current_->host(), initial_lab_)) drop();
  }

 private:
  Result<void> start(bool ip_forward, const std::optional<lab::HostResolvFiles>& host_resolv,
                     const std::optional<Prefix>& bridge6) {
    if (failed_) return fail(*failed_);
    // The runtime's name may carry '@', '+', ':' and '/': keep the directory name plain, and
    // short — a daemon's sockets go below it, and a unix socket path has 108 bytes at most.
    std::string dir_name;
    for (char c : name_.substr(0, 20)) dir_name += std::isalnum(static_cast<unsigned char>(c)) || c == '.' ? c : '-';
    ShardStartArgs args{.ip_forward = ip_forward, .host_resolv = host_resolv,
                        .state_dir = fmt::format("/run/netconform/{}-{}", dir_name, ++starts_),
                        .default_bridge6 = bridge6};
    auto started = start_(args);
    if (!started) {
      failed_ = fmt::format("start {}: {}", name_, started.error().message());
      return fail(*failed_);
    }
    auto initial = lab::lab_state((*started)->host());
    if (!initial) return failf("start {}: read the lab host: {}", name_, initial.error().message());
    current_ = std::move(*started);
    initial_lab_ = std::move(*initial);
    ip_forward_ = ip_forward;
    bridge6_ = bridge6;
    version_ = current_->runtime().version();
    return {};
  }

  void drop() { current_.reset(); }

  std::string name_, family_;
  ShardStart start_;
  std::unique_ptr<ShardRuntime> current_;
  std::vector<std::string> initial_lab_;
  bool ip_forward_ = true;
  std::optional<Prefix> bridge6_;  // the current runtime's default_bridge6
  bool resolv_touched_ = false;  // the current check set the host's resolver files
  int starts_ = 0;
  std::optional<std::string> failed_;
  std::string version_;
};

}  // namespace

std::unique_ptr<RuntimeUnderTest> make_per_shard(std::string name, std::string family, ShardStart start) {
  return std::make_unique<PerShard>(std::move(name), std::move(family), std::move(start));
}

}  // namespace nc::runtimes
