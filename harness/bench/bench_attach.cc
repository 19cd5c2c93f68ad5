#include "harness/bench/bench_attach.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include <fmt/format.h>

#include "harness/bench/bench_stats.h"
#include "harness/runtimes/registry.h"

namespace nc::bench {
namespace {

using Clock = BenchClock;
constexpr auto ms = ms_between;

struct Subject {
  std::string label;
  std::unique_ptr<runtimes::RuntimeUnderTest> owner;
  api::Runtime* rt = nullptr;
  std::vector<double> attach, detach;
};

Result<Subject> subject(const BenchOptions& o, const std::string& name) {
  auto owner = NC_TRY(runtimes::make_runtime_under_test(name, {.probe_path = o.probe_path, .cgroup_parent = o.cgroup_parent}));
  auto at = NC_TRY(owner->acquire({}));
  auto label = name == "netimpl" ? name : fmt::format("{} {}", name, owner->version());
  return Subject{.label = label, .owner = std::move(owner), .rt = at.runtime, .attach = {}, .detach = {}};
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
  std::vector<std::string> left_out;
  auto others = NC_TRY(runtimes::comparable_runtimes(o.runtimes, &left_out));
  for (auto& why : left_out) fmt::print("  {}: left out\n", why);
  others.insert(others.begin(), "netimpl");
  for (auto& name : others) out.push_back(NC_TRY_CTX(subject(o, name), "start {}", name));
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

}  // namespace nc::bench
