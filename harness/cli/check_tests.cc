#include "harness/cli/check_tests.h"

#include <chrono>
#include <cstdio>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness/engine/engine.h"
#include "harness/kernel/features.h"
#include "harness/lab/topology.h"
#include "harness/lab/underlay.h"
#include "harness/report/summary.h"
#include "netimpl/runtime/multi_host_runtime.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::cli {
namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// The runtime under test, created fresh on a lab host for one check; with an underlay
// (lab: {hosts: N}), on every host of it.
Result<std::unique_ptr<api::Runtime>> make_runtime(const std::string& name, const lab::LabHost& host,
                                                   const lab::Underlay* underlay, const SuiteRun& run) {
  if (name == "netimpl" && underlay) {
    std::vector<runtime::HostRef> hosts;
    for (int i = 1; i <= underlay->size(); ++i)
      hosts.push_back({i == 1 ? std::string("host") : fmt::format("host{}", i), &underlay->host(i).host()});
    auto rt = NC_TRY(runtime::MultiHostRuntime::create(hosts, {.probe_path = run.probe_path}));
    return std::unique_ptr<api::Runtime>(std::move(rt));
  }
  if (name == "netimpl") {
    auto rt = NC_TRY(runtime::NetimplRuntime::create(host.host(), {.probe_path = run.probe_path}));
    return std::unique_ptr<api::Runtime>(std::move(rt));
  }
  return failf("runtime {} is not available", name);
}

// Why the check cannot run here, or "" when it can.
std::string skip_reason(const checks::Check& c, const api::Runtime& rt, const SuiteRun& run) {
  auto kernel = kernel::capability_missing_reason(c.requirements, run.features);
  if (!kernel) return kernel.error().message();
  if (!kernel->empty()) return *kernel;
  auto caps = rt.capabilities();
  std::vector<std::string> lacking;
  for (auto& r : c.requirements)
    if (!caps.contains(r)) lacking.push_back(r);
  if (!lacking.empty()) return fmt::format("runtime {} lacks {}", rt.name(), fmt::join(lacking, ", "));
  return "";
}

class CheckTest : public ::testing::Test {
 public:
  CheckTest(const checks::Check& check, std::string runtime, SuiteRun& run)
      : check_(check), runtime_(std::move(runtime)), run_(run) {}

  void TestBody() override {
    auto t0 = std::chrono::steady_clock::now();
    report::CheckResult r{.id = check_.id, .title = check_.title, .suite = std::string(checks::suite_name(check_.suite)),
                          .runtime = runtime_, .status = report::Status::kFail, .reason = "", .duration_ms = 0,
                          .steps = {}, .story = check_.story};
    if (runtime_ == "netimpl") execute(r);
    else execute_hosted(r);
    if (auto e = expectation(r)) runtimes::apply(*e, r);
    r.duration_ms = ms_since(t0);
    run_.results.push_back(r);
    if (r.status == report::Status::kSkip) GTEST_SKIP() << r.reason;
    if (r.status == report::Status::kFail || r.status == report::Status::kXpass) ADD_FAILURE() << r.reason;
  }

 private:
  // This check's expectation on this runtime (null: none). The runtime's file is loaded
  // once its version is known; a malformed file fails the check with file:line:col.
  std::optional<const runtimes::Expectation*> expectation(report::CheckResult& r) {
    auto v = run_.versions.find(runtime_);
    if (v == run_.versions.end() || run_.expectations_dir.empty()) return std::nullopt;
    if (!run_.expectations.contains(runtime_)) {
      auto e = runtimes::load_expectations_for(run_.expectations_dir, runtime_, v->second);
      if (!e) {
        r.status = report::Status::kFail;
        r.reason = fmt::format("expectations: {}", e.error().message());
        return std::nullopt;
      }
      run_.expectations[runtime_] = std::move(*e);
    }
    return run_.expectations[runtime_].find(check_.id);
  }

  // Docker/Podman: the shard's runtime, started on first use (hosted.h).
  Result<runtimes::HostedRuntime*> hosted() {
    auto& slot = run_.hosted[runtime_];
    if (slot && slot->ip_forward() != check_.lab.ip_forward) slot.reset();
    if (slot) return slot.get();
    if (auto e = run_.hosted_error.find(runtime_); e != run_.hosted_error.end()) return fail(e->second);
    auto ep = run_.endpoints.find(runtime_);
    runtimes::HostedOptions o{.runtime = runtime_, .ip_forward = check_.lab.ip_forward, .probe_path = run_.probe_path,
                              .cgroup_parent = run_.cgroup_parent,
                              .state_dir = fmt::format("/run/netconform/{}-{}", runtime_, ++run_.hosted_starts),
                              .endpoint = ep == run_.endpoints.end() ? "" : ep->second};
    // Temporary until the runtime registry: "docker@26.1", "podman@5.4[+iptables]" run
    // from the Debian 13 root.
    if (auto at = runtime_.find('@'); at != std::string::npos) {
      o.runtime = runtime_.substr(0, at);
      o.root = runtimes::debian13_root();
      if (runtime_.ends_with("+iptables")) o.firewall_driver = "iptables";
    }
    auto h = runtimes::HostedRuntime::start(o);
    if (!h) {
      run_.hosted_error[runtime_] = h.error().message();
      return std::unexpected(std::move(h).error());
    }
    slot = std::move(*h);
    run_.versions[runtime_] = slot->runtime().version();
    return slot.get();
  }

  void execute_hosted(report::CheckResult& r) {
    auto h = hosted();
    if (!h) return void(r.reason = fmt::format("start runtime: {}", h.error().message()));
    auto& rt = (*h)->runtime();
    if (auto why = skip_reason(check_, rt, run_); !why.empty()) {
      r.status = report::Status::kSkip;
      r.reason = why;
      return;
    }
    if (auto e = expectation(r); e && *e && (*e)->verdict == report::Status::kSkip) return void(r.status = report::Status::kSkip);
    if (r.status != report::Status::kFail || !r.reason.empty()) return;  // the expectations file is broken
    run_engine((*h)->host(), rt, r);
    // The engine reset and verified already; a runtime that cannot be trusted any more
    // (the reset failed) is replaced for the next check.
    if (auto again = rt.reset(); !again) run_.hosted[runtime_].reset();
  }

  void run_engine(const lab::LabHost& host, api::Runtime& rt, report::CheckResult& r) {
    engine::EngineEnv env{.runtime = &rt,
                          .lab = {.host = &host.host(), .external = &host.external(),
                                  .host_ip = std::string(lab::kHostIp), .external_ip = std::string(lab::kExternalIp)},
                          .probe_path = run_.probe_path,
                          .on_step = nullptr};
    if (run_.verbose) {
      if (!check_.story.empty()) fmt::print("    story: {}\n", check_.story);
      env.on_step = [](const report::StepRecord& s) {
        fmt::print("    {} {:>2}. {}{}\n", s.ok ? "ok  " : "FAIL", s.index, s.description,
                   s.ok ? "" : fmt::format(" — expected {}; {}", s.expected, s.message));
        std::fflush(stdout);
      };
    }
    auto out = engine::run_check(check_, env);
    r.status = out.status;
    r.reason = out.reason;
    r.steps = std::move(out.steps);
  }

  void execute(report::CheckResult& r) {
    auto host = lab::LabHost::create({.ip_forward = check_.lab.ip_forward, .name = "host"});
    if (!host) return void(r.reason = fmt::format("lab: {}", host.error().message()));
    std::optional<lab::Underlay> underlay;
    if (check_.lab.hosts > 1) {
      auto u = lab::Underlay::create(*host, check_.lab.hosts, check_.lab.underlay_mtu);
      if (!u) return void(r.reason = fmt::format("lab: {}", u.error().message()));
      underlay.emplace(std::move(*u));
    }
    auto rt = make_runtime(runtime_, *host, underlay ? &*underlay : nullptr, run_);
    if (!rt) return void(r.reason = fmt::format("start runtime: {}", rt.error().message()));
    run_.versions.try_emplace(runtime_, (*rt)->version());
    if (auto why = skip_reason(check_, **rt, run_); !why.empty()) {
      r.status = report::Status::kSkip;
      r.reason = why;
      return;
    }
    run_engine(*host, **rt, r);
  }

  const checks::Check& check_;
  std::string runtime_;
  SuiteRun& run_;
};

class ProgressPrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit ProgressPrinter(SuiteRun& run) : run_(run), color_(report::use_color(1)) {}
  void OnTestProgramStart(const ::testing::UnitTest& u) override { total_ = u.test_to_run_count(); }
  void OnTestEnd(const ::testing::TestInfo&) override {
    if (run_.results.empty()) return;
    const auto& r = run_.results.back();
    fmt::print("{}\n", report::format_progress(++done_, total_, r, color_));
    if (r.status == report::Status::kFail && !run_.verbose)
      for (auto& s : r.steps)
        if (!s.ok) fmt::print("      step {}: {}\n        expected {}; {}\n", s.index, s.description, s.expected, s.message);
    std::fflush(stdout);
  }

 private:
  SuiteRun& run_;
  bool color_;
  int total_ = 0, done_ = 0;
};

}  // namespace

std::string test_name(std::string_view id) {
  std::string n(id);
  for (auto& ch : n)
    if (ch == '-') ch = '_';
  return n;
}

void register_checks(const std::vector<checks::Check>& checks, SuiteRun& run) {
  for (auto& rt : run.runtimes)
    for (auto& c : checks)
      ::testing::RegisterTest(rt.c_str(), test_name(c.id).c_str(), nullptr, nullptr, c.pos.file.c_str(), c.pos.line,
                              [&c, rt, &run]() -> ::testing::Test* { return new CheckTest(c, rt, run); });
}

void install_progress_printer(SuiteRun& run) {
  auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
  delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new ProgressPrinter(run));
}

}  // namespace nc::cli
