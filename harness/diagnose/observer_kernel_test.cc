// Kernel tests of RuntimeObserver under the checklist, on a netimpl runtime in a fresh
// namespace: the causes a scenario step cannot set up on its own. A rule is put into the
// service's namespace with nft, as "someone added a rule" would; the diagnosis must find
// the container's namespace by itself (netns_find.h) and name the rule. Needs root.
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness/diagnose/checklist.h"
#include "harness/diagnose/runtime_observer.h"
#include "netimpl/process/process.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::diagnose {
namespace {

using namespace std::chrono_literals;

class ObserverKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    auto ns = Namespaces::create("diag-host", kNsNet);
    ASSERT_TRUE(ns) << ns.error().message();
    host_ = std::move(*ns);
    auto rt = runtime::NetimplRuntime::create(host_, {.probe_path = NC_PROBE_PATH});
    ASSERT_TRUE(rt) << rt.error().message();
    rt_ = std::move(*rt);
    ASSERT_TRUE(rt_->create_network({.name = "appnet"}));
    ASSERT_TRUE(rt_->create_container({.name = "web", .networks = {{.network = "appnet"}}, .command = {"serve", "tcp://0.0.0.0:80"}}));
    ASSERT_TRUE(rt_->create_container({.name = "client", .networks = {{.network = "appnet"}}}));
  }
  void TearDown() override { rt_.reset(); }

  void in_web(const std::string& nft_commands) {
    auto r = run({.argv = {"nft", nft_commands}, .ns = rt_->container_ns("web")}, 10s);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->exit_code, 0) << r->err;
  }

  Diagnosis diagnose(uint16_t port) {
    ObserverAccess a;
    a.runtime = rt_.get();
    a.probe = [this](const std::string& place, const std::vector<std::string>& args) -> Result<nlohmann::json> {
      auto r = NC_TRY(rt_->exec_probe(place, args, 5s));
      auto nl = r.out.find_last_of('\n', r.out.size() - 2);
      auto j = nlohmann::json::parse(nl == std::string::npos ? r.out : r.out.substr(nl + 1), nullptr, false);
      if (j.is_discarded()) return failf("probe printed no JSON: {} {}", r.out, r.err);
      return j;
    };
    RuntimeObserver obs(std::move(a));
    return run_checklist(obs, {"client", true, "web", port});
  }

  Namespaces host_;
  std::unique_ptr<runtime::NetimplRuntime> rt_;
};

TEST_F(ObserverKernel, ARuleDroppingThePortInsideTheTargetIsNamed) {
  EXPECT_EQ(diagnose(80).cause, Cause::kPathWorks);  // the control: the same lab without the rule
  in_web("add table inet incident; add chain inet incident input { type filter hook input priority 0; }; "
         "add rule inet incident input tcp dport 80 drop");
  auto d = diagnose(80);
  EXPECT_EQ(d.cause, Cause::kFirewall) << d.text();
  EXPECT_NE(d.steps.back().evidence.find("connect"), std::string::npos) << d.text();
  EXPECT_NE(d.steps.back().evidence.find("timeout"), std::string::npos) << d.text();
  EXPECT_NE(d.steps.back().evidence.find("table inet incident chain input (hook input, handle "), std::string::npos) << d.text();
  EXPECT_NE(d.steps.back().evidence.find("tcp dport 80 drop"), std::string::npos) << d.text();
}

TEST_F(ObserverKernel, ARejectRuleIsNamedToo) {
  in_web("add table ip incident; add chain ip incident input { type filter hook input priority 0; }; "
         "add rule ip incident input tcp dport 80 reject with tcp reset");
  auto d = diagnose(80);
  EXPECT_EQ(d.cause, Cause::kFirewall) << d.text();
  EXPECT_NE(d.steps.back().evidence.find("refused"), std::string::npos) << d.text();
  EXPECT_NE(d.steps.back().evidence.find("tcp dport 80 reject"), std::string::npos) << d.text();
}

TEST_F(ObserverKernel, ARuleForAnotherPortIsNotTheCause) {
  in_web("add table inet incident; add chain inet incident input { type filter hook input priority 0; }; "
         "add rule inet incident input tcp dport 443 drop");
  EXPECT_EQ(diagnose(80).cause, Cause::kPathWorks);
}

}  // namespace
}  // namespace nc::diagnose
