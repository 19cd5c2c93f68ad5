// make_per_shard on real namespaces, with netimpl standing in for a daemon (the start is the
// seam): a check that sets the host's resolver files gets a runtime started after they were
// written, and the check after it gets one that never saw them (Docker picks its resolver
// file once per daemon, moby resolvconf.Path()); checks that set nothing share one.
#include "harness/runtimes/per_shard.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "harness/runtimes/host_resolv_test_support.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::runtimes {
namespace {

struct NetimplShard final : ShardRuntime {
  explicit NetimplShard(lab::LabHost h) : host_(std::move(h)) {}
  const lab::LabHost& host() const override { return host_; }
  api::Runtime& runtime() override { return *rt_; }
  lab::LabHost host_;
  std::unique_ptr<runtime::NetimplRuntime> rt_;
};

TEST(PerShardKernel, ACheckThatSetsTheHostsResolverGetsARuntimeOfItsOwn) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  std::vector<std::string> seen;  // the host's resolv.conf at each start
  auto rut = make_per_shard("netimpl-shard", "netimpl", [&](const ShardStartArgs& a) -> Result<std::unique_ptr<ShardRuntime>> {
    auto shard = std::make_unique<NetimplShard>(NC_TRY(lab::LabHost::create({.ip_forward = a.ip_forward, .name = "host"})));
    if (a.host_resolv) NC_TRY_VOID(lab::write_host_resolv(shard->host_.host(), *a.host_resolv));
    seen.push_back(etc_resolv_in(shard->host_.host()));
    shard->rt_ = NC_TRY(runtime::NetimplRuntime::create(shard->host_.host(), {.probe_path = "", .start_processes = false}));
    return std::unique_ptr<ShardRuntime>(std::move(shard));
  });
  lab::HostResolvFiles stub{"nameserver 127.0.0.53\n", "nameserver 203.0.113.54\n"};
  auto step = [&](const LabNeeds& needs) {
    auto at = rut->acquire(needs);
    ASSERT_TRUE(at) << at.error().message();
    rut->release();
  };
  step({});                                             // start 1: the lab's usual file
  step({});                                             // shared
  step({.host_resolv = stub});                          // start 2: written before the start
  step({});                                             // start 3: one that never saw it
  step({.host_resolv_steps = true});                    // start 4: a step will change the file
  step({});                                             // start 5
  step({.fresh_runtime = true});                        // start 6: asked for
  step({});                                             // shared with it
  ASSERT_EQ(seen.size(), 6u);
  std::string usual(lab::kHostResolvConf);
  EXPECT_EQ(seen, (std::vector<std::string>{usual, "nameserver 127.0.0.53\n", usual, usual, usual, usual}));
}

}  // namespace
}  // namespace nc::runtimes
