// run_check's teardown: the runtime is reset and verified after a check unless it is
// dropped instead (EngineEnv::reset_after), and a failed reset fails the check.
#include "harness/engine/engine.h"

#include <gtest/gtest.h>

namespace nc::engine {
namespace {

// A runtime that only counts resets (a check without containers, networks or steps
// asks nothing else of it).
class CountingRuntime final : public api::Runtime {
 public:
  int resets = 0;
  bool reset_fails = false;
  std::string name() const override { return "counting"; }
  std::string version() const override { return "0"; }
  std::set<std::string> capabilities() const override { return {}; }
  Result<api::NetworkInfo> create_network(const api::NetworkSpec&) override { return fail("unused"); }
  Result<void> remove_network(std::string_view) override { return fail("unused"); }
  Result<api::NetworkInfo> inspect_network(std::string_view) override { return fail("unused"); }
  Result<api::ContainerInfo> create_container(const api::ContainerSpec&) override { return fail("unused"); }
  Result<void> remove_container(std::string_view) override { return fail("unused"); }
  Result<void> connect(std::string_view, const api::Attachment&) override { return fail("unused"); }
  Result<void> disconnect(std::string_view, std::string_view) override { return fail("unused"); }
  Result<api::ContainerInfo> inspect(std::string_view) override { return fail("unused"); }
  Result<api::ExecResult> exec_probe(std::string_view, const std::vector<std::string>&, std::chrono::milliseconds) override {
    return fail("unused");
  }
  Result<void> reset() override {
    ++resets;
    if (reset_fails) return fail("bridge br-x is still present");
    return {};
  }
};

CheckRun run_with(CountingRuntime& rt, bool reset_after) {
  checks::Check check;
  check.id = "T-001";
  EngineEnv env{.runtime = &rt, .lab = {}, .probe_path = "", .silence = {}, .reset_after = reset_after, .on_step = nullptr};
  return run_check(check, env);
}

TEST(EngineTeardown, AKeptRuntimeIsResetAndAFailedResetFailsTheCheck) {
  CountingRuntime rt;
  EXPECT_EQ(run_with(rt, true).status, report::Status::kPass);
  EXPECT_EQ(rt.resets, 1);
  rt.reset_fails = true;
  auto out = run_with(rt, true);
  EXPECT_EQ(out.status, report::Status::kFail);
  EXPECT_EQ(out.reason, "teardown: bridge br-x is still present");
}

TEST(EngineTeardown, ARuntimeDroppedAfterTheCheckIsNotReset) {
  CountingRuntime rt;
  rt.reset_fails = true;
  EXPECT_EQ(run_with(rt, false).status, report::Status::kPass);
  EXPECT_EQ(rt.resets, 0);
}

}  // namespace
}  // namespace nc::engine
