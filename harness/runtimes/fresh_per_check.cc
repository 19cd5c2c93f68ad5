#include "harness/runtimes/fresh_per_check.h"

#include <future>
#include <optional>

#include <fmt/format.h>

#include "harness/lab/lab_dns.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::runtimes {
namespace {

lab::LabHostOptions prebuilt_options() { return {.ip_forward = true, .name = "host"}; }

// One check's hosts and runtime. Members go in reverse order: the runtime first (it
// removes its containers), then the underlay, then the host it refers to.
struct CheckLab {
  std::optional<lab::LabHost> host;
  std::optional<lab::Underlay> underlay;
  std::unique_ptr<api::Runtime> rt;
};

class FreshPerCheck final : public RuntimeUnderTest {
 public:
  FreshPerCheck(std::string name, bool spans_hosts, FreshStart start)
      : name_(std::move(name)), spans_hosts_(spans_hosts), start_(std::move(start)) {}
  ~FreshPerCheck() override {
    release();
    if (dropping_.valid()) dropping_.wait();
    if (next_.valid()) next_.wait();  // its lab host goes with it
  }

  std::string name() const override { return name_; }
  std::string version() const override { return version_; }

  Result<Placement> acquire(const LabNeeds& lab) override {
    release();
    auto c = std::make_unique<CheckLab>();
    c->host.emplace(NC_TRY_CTX(take_lab_host(), "lab"));
    next_ = std::async(std::launch::async, [] { return lab::LabHost::create(prebuilt_options()); });
    if (!lab.ip_forward)
      NC_TRY_VOID_CTX(netlink::write_sysctl(c->host->host(), "net.ipv4.ip_forward", "0"), "lab: create lab host host");
    if (lab.host_resolv) NC_TRY_VOID_CTX(lab::write_host_resolv(c->host->host(), *lab.host_resolv), "lab");
    if (spans_hosts_ && lab.hosts > 1)
      c->underlay.emplace(NC_TRY_CTX(lab::Underlay::create(*c->host, lab.hosts, lab.underlay_mtu), "lab"));
    c->rt = NC_TRY_CTX(start_(*c->host, c->underlay ? &*c->underlay : nullptr, lab), "start {}", name_);
    version_ = c->rt->version();
    current_ = std::move(c);
    return Placement{.host = &*current_->host, .runtime = current_->rt.get(), .dropped_after_check = true};
  }

  // Drops the check's runtime and hosts on a second thread: killing and reaping its
  // processes, stopping its DNS server and closing its namespaces overlap with the next
  // check's start. At most one drop is under way (the next release waits for it).
  void release() override {
    if (!current_) return;
    if (dropping_.valid()) dropping_.wait();
    dropping_ = std::async(std::launch::async, [c = std::move(current_)]() mutable { c.reset(); });
  }

 private:
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
  std::unique_ptr<CheckLab> current_;
  std::string version_;
  std::future<Result<lab::LabHost>> next_;  // the next check's lab host, built meanwhile
  std::future<void> dropping_;              // the last check's lab, being dropped
};

}  // namespace

std::unique_ptr<RuntimeUnderTest> make_fresh_per_check(std::string name, bool spans_hosts, FreshStart start) {
  return std::make_unique<FreshPerCheck>(std::move(name), spans_hosts, std::move(start));
}

}  // namespace nc::runtimes
