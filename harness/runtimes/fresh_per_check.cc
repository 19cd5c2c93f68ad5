#include "harness/runtimes/fresh_per_check.h"

#include <future>
#include <optional>

#include <fmt/format.h>

#include "netimpl/netlink/rtnl.h"

namespace nc::runtimes {
namespace {

lab::LabHostOptions prebuilt_options() { return {.ip_forward = true, .name = "host"}; }

class FreshPerCheck final : public RuntimeUnderTest {
 public:
  FreshPerCheck(std::string name, bool spans_hosts, FreshStart start)
      : name_(std::move(name)), spans_hosts_(spans_hosts), start_(std::move(start)) {}
  ~FreshPerCheck() override {
    drop();
    if (next_.valid()) next_.wait();  // its lab host goes with it
  }

  std::string name() const override { return name_; }
  std::string version() const override { return version_; }

  Result<Placement> acquire(const LabNeeds& lab) override {
    drop();
    host_.emplace(NC_TRY_CTX(take_lab_host(), "lab"));
    next_ = std::async(std::launch::async, [] { return lab::LabHost::create(prebuilt_options()); });
    if (!lab.ip_forward)
      NC_TRY_VOID_CTX(netlink::write_sysctl(host_->host(), "net.ipv4.ip_forward", "0"), "lab: create lab host host");
    if (spans_hosts_ && lab.hosts > 1)
      underlay_.emplace(NC_TRY_CTX(lab::Underlay::create(*host_, lab.hosts, lab.underlay_mtu), "lab"));
    rt_ = NC_TRY_CTX(start_(*host_, underlay_ ? &*underlay_ : nullptr), "start {}", name_);
    version_ = rt_->version();
    return Placement{.host = &*host_, .runtime = rt_.get(), .dropped_after_check = true};
  }

  void release() override { drop(); }

 private:
  // The runtime first (it removes its containers), then the hosts.
  void drop() {
    rt_.reset();
    underlay_.reset();
    host_.reset();
  }

  // The lab host built while the last check ran, or a new one. Building the next host
  // while a check runs hides most of its cost: a new network namespace waits for the
  // kernel's teardown of the last check's namespaces (both take the rtnl lock).
  Result<lab::LabHost> take_lab_host() {
    if (!next_.valid()) return lab::LabHost::create(prebuilt_options());
    return next_.get();
  }

  std::string name_;
  bool spans_hosts_;
  FreshStart start_;
  std::optional<lab::LabHost> host_;
  std::optional<lab::Underlay> underlay_;  // after host_: it refers to it
  std::unique_ptr<api::Runtime> rt_;
  std::string version_;
  std::future<Result<lab::LabHost>> next_;  // the next check's lab host, built meanwhile
};

}  // namespace

std::unique_ptr<RuntimeUnderTest> make_fresh_per_check(std::string name, bool spans_hosts, FreshStart start) {
  return std::make_unique<FreshPerCheck>(std::move(name), spans_hosts, std::move(start));
}

}  // namespace nc::runtimes
