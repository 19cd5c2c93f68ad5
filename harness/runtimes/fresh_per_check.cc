#include "harness/runtimes/fresh_per_check.h"

#include <optional>

#include <fmt/format.h>

namespace nc::runtimes {
namespace {

class FreshPerCheck final : public RuntimeUnderTest {
 public:
  FreshPerCheck(std::string name, bool spans_hosts, FreshStart start)
      : name_(std::move(name)), spans_hosts_(spans_hosts), start_(std::move(start)) {}
  ~FreshPerCheck() override { release(); }

  std::string name() const override { return name_; }
  std::string version() const override { return version_; }

  Result<Placement> acquire(const LabNeeds& lab) override {
    release();
    host_.emplace(NC_TRY_CTX(lab::LabHost::create({.ip_forward = lab.ip_forward, .name = "host"}), "lab"));
    if (spans_hosts_ && lab.hosts > 1)
      underlay_.emplace(NC_TRY_CTX(lab::Underlay::create(*host_, lab.hosts, lab.underlay_mtu), "lab"));
    rt_ = NC_TRY_CTX(start_(*host_, underlay_ ? &*underlay_ : nullptr), "start {}", name_);
    version_ = rt_->version();
    return Placement{.host = &*host_, .runtime = rt_.get()};
  }

  // The runtime first (it removes its containers), then the hosts.
  void release() override {
    rt_.reset();
    underlay_.reset();
    host_.reset();
  }

 private:
  std::string name_;
  bool spans_hosts_;
  FreshStart start_;
  std::optional<lab::LabHost> host_;
  std::optional<lab::Underlay> underlay_;  // after host_: it refers to it
  std::unique_ptr<api::Runtime> rt_;
  std::string version_;
};

}  // namespace

std::unique_ptr<RuntimeUnderTest> make_fresh_per_check(std::string name, bool spans_hosts, FreshStart start) {
  return std::make_unique<FreshPerCheck>(std::move(name), spans_hosts, std::move(start));
}

}  // namespace nc::runtimes
