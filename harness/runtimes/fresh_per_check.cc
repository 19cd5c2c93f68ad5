#include "harness/runtimes/fresh_per_check.h"

#include <future>
#include <optional>

#include <fmt/format.h>

#include "harness/lab/lab_dns.h"

namespace nc::runtimes {
namespace {

// One check's hosts and runtime. Members go in reverse order: the runtime first (it
// removes its containers), then the underlay, then the host it refers to.
struct CheckLab {
  std::optional<lab::LabHost> host;
  std::optional<lab::Underlay> underlay;
  std::unique_ptr<api::Runtime> rt;
};

// A check whose lab is the one a runtime starts on when nothing is asked: its runtime can be
// started before the check is known (FreshPerCheck::next_).
bool plain(const LabNeeds& lab) { return lab.ip_forward && lab.hosts == 1 && !lab.host_resolv && !lab.default_bridge6; }

class FreshPerCheck final : public RuntimeUnderTest {
 public:
  FreshPerCheck(std::string name, bool spans_hosts, FreshStart start)
      : name_(std::move(name)), spans_hosts_(spans_hosts), start_(std::move(start)) {}
  ~FreshPerCheck() override {
    release();
    if (dropping_.valid()) dropping_.wait();
    if (next_.valid()) next_.wait();  // its lab goes with it
  }

  std::string name() const override { return name_; }
  std::string version() const override { return version_; }

  Result<Placement> acquire(const LabNeeds& lab) override {
    release();
    auto c = plain(lab) ? NC_TRY(take_prebuilt()) : NC_TRY(build(lab));
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
  // A lab host and the runtime started on it, for a plain check (`plain`), on a second
  // thread. A new network namespace waits for the kernel's teardown of the last check's
  // namespaces (both take the rtnl lock), and so does the runtime's first bridge: done
  // while a check runs, both leave the check's path. The runtime starts there as it would
  // in acquire(), on a lab host that nothing has touched; it spawns no process (a child
  // dies with the thread that spawned it) — its containers do, on the check's thread.
  Result<std::unique_ptr<CheckLab>> build_plain() {
    auto c = std::make_unique<CheckLab>();
    c->host.emplace(NC_TRY_CTX(lab::LabHost::create({.ip_forward = true}), "lab"));
    c->rt = NC_TRY_CTX(start_(*c->host, nullptr, LabNeeds{}), "start {}", name_);
    return c;
  }

  // The plain lab built while the last check ran (or now, for the first), and the next
  // one set building.
  Result<std::unique_ptr<CheckLab>> take_prebuilt() {
    auto c = next_.valid() ? next_.get() : build_plain();
    next_ = std::async(std::launch::async, [this] { return build_plain(); });
    return c;
  }

  // A lab for a check that asks for something (forwarding off, resolver files, several
  // hosts, an IPv6 default bridge): built here, in the order the runtime expects — the
  // host as asked, then the runtime. The prebuilt plain lab waits for the next plain check.
  Result<std::unique_ptr<CheckLab>> build(const LabNeeds& lab) {
    auto c = std::make_unique<CheckLab>();
    c->host.emplace(NC_TRY_CTX(lab::LabHost::create({.ip_forward = lab.ip_forward}), "lab"));
    if (lab.host_resolv) NC_TRY_VOID_CTX(lab::write_host_resolv(c->host->host(), *lab.host_resolv), "lab");
    if (spans_hosts_ && lab.hosts > 1)
      c->underlay.emplace(NC_TRY_CTX(lab::Underlay::create(*c->host, lab.hosts, lab.underlay_mtu), "lab"));
    c->rt = NC_TRY_CTX(start_(*c->host, c->underlay ? &*c->underlay : nullptr, lab), "start {}", name_);
    return c;
  }

  std::string name_;
  bool spans_hosts_;
  FreshStart start_;
  std::unique_ptr<CheckLab> current_;
  std::string version_;
  std::future<Result<std::unique_ptr<CheckLab>>> next_;  // the next plain check's lab, built meanwhile
  std::future<void> dropping_;                           // the last check's lab, being dropped
};

}  // namespace

std::unique_ptr<RuntimeUnderTest> make_fresh_per_check(std::string name, bool spans_hosts, FreshStart start) {
  return std::make_unique<FreshPerCheck>(std::move(name), spans_hosts, std::move(start));
}

}  // namespace nc::runtimes
