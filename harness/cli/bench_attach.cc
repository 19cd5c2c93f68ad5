#include "harness/cli/bench_attach.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include <fmt/format.h>

#include "harness/cli/bench_stats.h"
#include "harness/lab/topology.h"
#include "harness/runtimes/hosted.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::cli {
namespace {

using Clock = BenchClock;
constexpr auto ms = ms_between;

// One runtime under test; `keep` holds whatever owns it (a lab host, a daemon).
struct Subject {
  std::string label;
  api::Runtime* rt = nullptr;
  std::shared_ptr<void> keep;
  std::vector<double> attach, detach;
};

Result<Subject> netimpl_subject(const BenchOptions& o) {
  auto host = std::make_shared<lab::LabHost>(NC_TRY(lab::LabHost::create({})));
  auto rt = NC_TRY(runtime::NetimplRuntime::create(host->host(), {.probe_path = o.probe_path}));
  auto* raw = rt.get();
  // The runtime goes before its host's namespaces.
  auto keep = std::shared_ptr<void>(rt.release(), [host](void* p) { delete static_cast<runtime::NetimplRuntime*>(p); });
  return Subject{.label = "netimpl", .rt = raw, .keep = std::move(keep), .attach = {}, .detach = {}};
}

Result<Subject> hosted_subject(const BenchOptions& o, const std::string& name) {
  auto h = NC_TRY(runtimes::HostedRuntime::start({.runtime = name, .ip_forward = true, .probe_path = o.probe_path,
                                                  .cgroup_parent = o.cgroup_parent,
                                                  .state_dir = fmt::format("/run/netconform/bench-{}", name),
                                                  .endpoint = ""}));
  auto label = fmt::format("{} {}", name, h->runtime().version());
  auto* raw = &h->runtime();
  return Subject{.label = label, .rt = raw, .keep = std::shared_ptr<runtimes::HostedRuntime>(std::move(h)),
                 .attach = {}, .detach = {}};
}

// A running container on benchnet, then disconnected: loopback only.
Result<void> prepare(api::Runtime& rt) {
  NC_TRY(rt.create_network({.name = "benchnet"}));
  NC_TRY(rt.create_container({.name = "bench", .networks = {{.network = "benchnet"}}}));
  return rt.disconnect("bench", "benchnet");
}

Result<void> one_round(Subject& s) {
  auto t0 = Clock::now();
  NC_TRY_VOID(s.rt->connect("bench", {.network = "benchnet"}));
  auto t1 = Clock::now();
  NC_TRY_VOID(s.rt->disconnect("bench", "benchnet"));
  s.attach.push_back(ms(t0, t1));
  s.detach.push_back(ms(t1, Clock::now()));
  return {};
}

Result<std::vector<Subject>> start_subjects(const BenchOptions& o) {
  std::vector<Subject> out;
  out.push_back(NC_TRY_CTX(netimpl_subject(o), "start netimpl"));
  for (const char* name : {"docker", "podman"}) {
    if (::access(name == std::string("docker") ? "/usr/sbin/dockerd" : "/usr/bin/podman", X_OK) != 0) {
      fmt::print("  {} is not installed (ci/install-deps --with-runtimes): left out\n", name);
      continue;
    }
    out.push_back(NC_TRY_CTX(hosted_subject(o, name), "start {}", name));
  }
  for (auto& s : out) NC_TRY_VOID_CTX(prepare(*s.rt), "{}: prepare", s.label);
  return out;
}

void print_table(const std::vector<Subject>& subjects, const BenchOptions& o) {
  fmt::print("\nattach: one running container (loopback only) to a user-defined bridge and back, {} rounds (medians)\n",
             o.rounds);
  fmt::print("  {:<16} {:>11} {:>11} {:>16}\n", "runtime", "attach", "detach", "attach / netimpl");
  double base = median(subjects.front().attach);
  for (auto& s : subjects)
    fmt::print("  {:<16} {:>8.2f} ms {:>8.2f} ms {:>15.1f}x\n", s.label, median(s.attach), median(s.detach),
               median(s.attach) / base);
}

}  // namespace

int attach_bench(const BenchOptions& o) {
  auto subjects = start_subjects(o);
  if (!subjects) {
    fmt::print(stderr, "netconform bench attach: {}\n", subjects.error().message());
    return 1;
  }
  for (int round = 0; round < o.rounds; ++round) {
    fmt::print("  round {}:", round + 1);
    for (auto& s : *subjects) {
      if (auto r = one_round(s); !r) {
        fmt::print(stderr, "\nnetconform bench attach: {}: {}\n", s.label, r.error().message());
        return 1;
      }
      fmt::print(" {} {:.2f} ms", s.label, s.attach.back());
    }
    fmt::print("\n");
    std::fflush(stdout);
  }
  print_table(*subjects, o);
  for (auto& s : *subjects)
    if (auto r = s.rt->reset(); !r) fmt::print(stderr, "netconform bench attach: {}: reset: {}\n", s.label, r.error().message());
  return 0;
}

}  // namespace nc::cli
