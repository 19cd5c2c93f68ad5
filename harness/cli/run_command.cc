#include "harness/cli/run_command.h"

#include <fnmatch.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>

#include <fmt/ranges.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness/checks/loader.h"
#include "harness/cli/check_tests.h"
#include "harness/cli/paths.h"
#include "harness/kernel/features.h"
#include "harness/lab/lab.h"
#include "harness/runtimes/cgroup_gc.h"
#include "harness/runtimes/registry.h"
#include "harness/report/json_writer.h"
#include "harness/report/html_writer.h"
#include "harness/report/junit_writer.h"
#include "harness/report/summary.h"
#include "harness/vm/kernel_choice.h"
#include "harness/vm/vm.h"

namespace nc::cli {
namespace {

constexpr int kExitBadInput = 2;

Result<std::vector<checks::Check>> load_suite(const RunOptions& o) {
  std::filesystem::path root(o.checks_root);
  if (o.suite == "all") return checks::load_catalogue(root);
  if (o.suite == "conformance") return checks::load_dir(root / "conformance", checks::Suite::kConformance);
  if (o.suite == "scenarios") return checks::load_dir(root / "scenarios", checks::Suite::kScenarios);
  return failf("--suite {}: expected conformance, scenarios or all", o.suite);
}

Result<std::vector<checks::Check>> select(std::vector<checks::Check> all, const std::vector<std::string>& globs) {
  if (globs.empty()) return all;
  std::vector<checks::Check> out;
  for (auto& c : all)
    for (auto& g : globs)
      if (::fnmatch(g.c_str(), c.id.c_str(), 0) == 0) {
        out.push_back(std::move(c));
        break;
      }
  if (out.empty()) return failf("--filter {}: no check matches", fmt::join(globs, ","));
  return out;
}

// The lab's runner: registers the checks with GoogleTest, runs them, and writes the run's
// results as JSON to `out_fd` (a memfd the outer process reads afterwards).
int lab_body(const std::vector<checks::Check>& checks, const RunOptions& o, int out_fd, SharedProgress* progress) {
  SuiteRun run{.probe_path = o.probe_path, .verbose = o.verbose};
  run.progress = progress;
  run.expectations_dir = (std::filesystem::path(o.checks_root) / "conformance" / "expectations").string();
  runtimes::RunContext ctx{.probe_path = o.probe_path, .cgroup_parent = o.cgroup_parent, .endpoints = {}};
  if (!o.docker_host.empty()) ctx.endpoints["docker"] = o.docker_host;
  if (!o.podman_url.empty()) ctx.endpoints["podman"] = o.podman_url;
  for (auto& name : o.runtimes) {
    auto rut = runtimes::make_runtime_under_test(name, ctx);
    if (!rut) {
      fmt::print(stderr, "netconform run: {}\n", rut.error().message());
      return kExitBadInput;
    }
    run.runtimes.push_back(std::move(*rut));
  }
  run.features = kernel::probe_kernel();
  std::vector<std::string> args{"netconform"};
  args.insert(args.end(), o.gtest_args.begin(), o.gtest_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  ::testing::InitGoogleTest(&argc, argv.data());
  register_checks(checks, run);
  install_progress_printer(run);
  // The verdict comes from our own results (they carry xfail/xpass); gtest's is implied.
  if (RUN_ALL_TESTS() != 0 && run.results.empty()) return kExitBadInput;

  report::RunReport rep;
  rep.kernel = {.release = kernel::kernel_release(), .features = run.features};
  rep.results = std::move(run.results);
  for (auto& rt : run.runtimes)
    if (!rt->version().empty()) rep.runtimes.push_back({rt->name(), rt->version()});
  run.runtimes.clear();  // stop the daemons while the lab still stands
  if (!rep.runtimes.empty()) rep.runtime = rep.runtimes.front();
  std::string text = report::to_json_text(rep);
  for (size_t off = 0; off < text.size();) {
    ssize_t n = ::write(out_fd, text.data() + off, text.size() - off);
    if (n <= 0) return kExitBadInput;
    off += static_cast<size_t>(n);
  }
  return 0;
}

Result<report::RunReport> read_back(int fd) {
  std::string text;
  char buf[65536];
  ::lseek(fd, 0, SEEK_SET);
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  if (text.empty()) return fail("the lab reported no results");
  return report::report_from_json_text(text);
}

struct Shard {
  int index = 0;
  SharedProgress* progress = nullptr;  // shared by the run's shards
  int memfd = -1;
  pid_t pid = -1;  // the process running the shard's lab (jobs > 1)
  int lab_status = 0;
};

// Runs one shard's lab in this process (blocking).
int run_shard_here(const std::vector<checks::Check>& checks, const RunOptions& o, const Shard& s) {
  lab::LabOptions lo;
  auto r = lab::run_in_lab(lo, [&] { return lab_body(checks, o, s.memfd, s.progress); });
  if (!r) {
    fmt::print(stderr, "netconform: lab: {}\n", r.error().message());
    return kExitBadInput;
  }
  return *r;
}

// The shards claim tests by their place in one order (shared_progress.h), so a shuffled
// run needs one seed in all of them: GoogleTest would pick each its own from the clock.
// Adds --gtest_random_seed to a shuffled run without one, and says which, for a replay.
void fix_shuffle_seed(std::vector<std::string>& gtest_args) {
  auto has = [&](std::string_view flag) {
    return std::any_of(gtest_args.begin(), gtest_args.end(), [&](const std::string& a) { return a.starts_with(flag); });
  };
  auto env_set = [](const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' && std::string_view(v) != "0";
  };
  bool shuffled = has("--gtest_shuffle") || env_set("GTEST_SHUFFLE");
  // GoogleTest reads seed 0 as "from the clock".
  bool seeded = std::any_of(gtest_args.begin(), gtest_args.end(), [](const std::string& a) {
    return a.starts_with("--gtest_random_seed=") && a != "--gtest_random_seed=0";
  }) || env_set("GTEST_RANDOM_SEED");
  if (!shuffled || seeded) return;
  int seed = static_cast<int>(std::chrono::steady_clock::now().time_since_epoch().count() % 99999) + 1;
  gtest_args.push_back(fmt::format("--gtest_random_seed={}", seed));
  fmt::print("netconform run: shuffled with --gtest_random_seed={}\n", seed);
  std::fflush(stdout);  // before the fork, or each shard would print it again
}

// jobs > 1: one child process per shard, each owning one lab, each dying with us.
Result<void> run_shards(const std::vector<checks::Check>& checks, const RunOptions& o, std::vector<Shard>& shards) {
  pid_t parent = ::getpid();
  for (auto& s : shards) {
    s.pid = ::fork();
    if (s.pid < 0) return sys_fail("fork shard");
    if (s.pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(kExitBadInput);
      if (s.progress == nullptr) {  // no shared page: every Nth test, fixed up front
        ::setenv("GTEST_TOTAL_SHARDS", std::to_string(shards.size()).c_str(), 1);
        ::setenv("GTEST_SHARD_INDEX", std::to_string(s.index).c_str(), 1);
      }
      std::fflush(stdout);
      ::_exit(run_shard_here(checks, o, s));
    }
  }
  for (auto& s : shards) {
    int st = 0;
    while (::waitpid(s.pid, &st, 0) < 0 && errno == EINTR) {
    }
    s.lab_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  return {};
}

// What dead runs left in /sys/fs/cgroup (runtimes/cgroup_gc.h); a problem is a warning.
// With `ours`, this run's own directories too (its labs are gone by then).
void sweep_cgroups(bool ours = false) {
  pid_t self = ::getpid();
  auto r = runtimes::sweep_dead_run_cgroups(
      "/sys/fs/cgroup", [&](pid_t p) { return (!ours || p != self) && runtimes::run_alive(p); });
  for (auto& p : r.problems) fmt::print(stderr, "netconform: warning: cgroup sweep: {}\n", p);
}

// One kernel's part of the run: its report and whether a lab (or the VM) failed.
struct KernelRun {
  report::RunReport rep;
  bool lab_failed = false;
};

// The checks in this process's labs, on the machine's own kernel.
KernelRun run_here(const std::vector<checks::Check>& checks, const RunOptions& o) {
  KernelRun out;
  std::vector<Shard> shards(static_cast<size_t>(o.jobs));
  for (int i = 0; i < o.jobs; ++i) {
    shards[i].index = i;
    shards[i].memfd = ::memfd_create(fmt::format("netconform-shard-{}", i).c_str(), MFD_CLOEXEC);
    if (shards[i].memfd < 0) {
      fmt::print(stderr, "netconform run: memfd_create: {}\n", std::strerror(errno));
      out.lab_failed = true;
      return out;
    }
  }
  if (o.jobs == 1) {
    shards[0].lab_status = run_shard_here(checks, o, shards[0]);
  } else {
    SharedProgress* progress = SharedProgress::create();
    for (auto& s : shards) s.progress = progress;
    RunOptions seeded = o;
    fix_shuffle_seed(seeded.gtest_args);
    auto r = run_shards(checks, seeded, shards);
    SharedProgress::destroy(progress);
    if (!r) {
      fmt::print(stderr, "netconform run: {}\n", r.error().message());
      out.lab_failed = true;
      return out;
    }
  }
  std::map<std::string, std::string> versions;
  for (auto& s : shards) {
    auto part = read_back(s.memfd);
    ::close(s.memfd);
    if (!part || s.lab_status != 0) {
      fmt::print(stderr, "netconform run: lab {} failed (status {}){}\n", s.index, s.lab_status,
                 part ? "" : ": " + part.error().message());
      out.lab_failed = true;
      if (!part) continue;
    }
    out.rep.kernel = part->kernel;
    for (auto& r : part->results) out.rep.results.push_back(std::move(r));
    for (auto& rt : part->runtimes) out.rep.runtimes.push_back(rt);
  }
  if (out.rep.kernel.release.empty()) out.rep.kernel.release = kernel::kernel_release();
  return out;
}

// The last `n` lines of `text`.
std::string last_lines(const std::string& text, int n) {
  size_t pos = text.size();
  if (pos && text[pos - 1] == '\n') --pos;
  while (n-- > 0 && pos != std::string::npos && pos > 0) pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos || pos == 0 ? text : text.substr(pos + 1);
}

// The same checks in a VM booted with `k`: this very binary runs there (the machine's root
// is the guest's, read-only) with the same options, and writes its JSON report to the share.
KernelRun run_in_vm(const std::vector<checks::Check>& checks, const RunOptions& o, const vm::KernelChoice& k) {
  KernelRun out;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::vector<std::string> ids;
  for (auto& c : checks) ids.push_back(c.id);
  vm::VmSpec spec{.kernel = k};
  spec.argv = {self.string(), "run", "--suite", o.suite, "--checks", o.checks_root, "--probe", o.probe_path,
               "--jobs", std::to_string(o.jobs), "--runtime", fmt::format("{}", fmt::join(o.runtimes, ",")),
               "--filter", fmt::format("{}", fmt::join(ids, ",")),
               "--json", fmt::format("{}/report.json", vm::kGuestShare)};
  if (o.verbose) spec.argv.push_back("--verbose");
  spec.argv.insert(spec.argv.end(), o.gtest_args.begin(), o.gtest_args.end());
  spec.cwd = std::filesystem::current_path(ec);
  for (char** e = environ; *e; ++e)
    if (std::string_view(*e).starts_with("NETCONFORM_") || std::string_view(*e).starts_with("LANG=")) spec.env.push_back(*e);
  // In a throwaway guest the lab loads what a runtime would load on a real machine: dockerd
  // modprobes br_netfilter when it starts (so distribution kernels, where it is a module,
  // have it under Docker), and `tc qdisc add ... netem` gets sch_netem. On this machine
  // netconform loads no module (it would change every bridge of the machine); in the
  // guest nothing else lives, so checks that need either run instead of skipping.
  spec.modules = {"br_netfilter", "sch_netem"};
  spec.timeout = std::chrono::seconds(o.vm_timeout_s);
  spec.on_line = [&](const std::string& line) { fmt::print("[{}] {}\n", k.name, line); std::fflush(stdout); };
  fmt::print("netconform: kernel {} ({}): booting a VM\n", k.name, k.release);
  std::fflush(stdout);
  auto r = vm::run_in_vm(spec);
  if (!r) {
    fmt::print(stderr, "netconform run: {}\n", r.error().message());
    out.lab_failed = true;
    out.rep.kernel.release = k.release;
    return out;
  }
  fmt::print("netconform: kernel {} ({}): the VM ({}) booted in {:.1f} s and ran {:.1f} s in all; exit {}\n", k.name,
             k.release, r->accel, r->boot_ms / 1000, r->total_ms / 1000, r->exit_code);
  auto part = report::read_json_report((r->share.path() / "report.json").string());
  if (!part || (r->exit_code != 0 && r->exit_code != 1)) {
    fmt::print(stderr, "netconform run: kernel {}: the run in the VM failed (exit {}){}; the guest's kernel log ends:\n{}\n",
               k.name, r->exit_code, part ? "" : ": " + part.error().message(), last_lines(r->kernel_log, 20));
    out.lab_failed = true;
    out.rep.kernel.release = k.release;
    if (!part) return out;
  }
  out.rep = std::move(*part);
  // The guest's run exits 1 both for a failed check and for a lab that could not run:
  // a check without its result is the lab's failure.
  bool narrowed = std::any_of(o.gtest_args.begin(), o.gtest_args.end(),
                              [](auto& a) { return a.starts_with("--gtest_filter"); });
  if (!narrowed && out.rep.results.size() < checks.size()) {
    fmt::print(stderr, "netconform run: kernel {}: the VM reported {} result(s) for {} check(s); its kernel log ends:\n{}\n",
               k.name, out.rep.results.size(), checks.size(), last_lines(r->kernel_log, 20));
    out.lab_failed = true;
  }
  return out;
}

// GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX (a CI's jobs): this job's every-Nth check, by
// the catalogue's order. The variables are then cleared, so the labs' own sharding
// (--jobs) is not applied on top. Errors name the variable.
Result<void> apply_ci_shards(std::vector<checks::Check>& checks) {
  const char* total = std::getenv("GTEST_TOTAL_SHARDS");
  const char* index = std::getenv("GTEST_SHARD_INDEX");
  if (!total && !index) return {};
  if (!total || !index) return fail("GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX must be set together");
  char* end = nullptr;
  long n = std::strtol(total, &end, 10);
  if (*end || n < 1) return failf("GTEST_TOTAL_SHARDS={}: expected a positive number", total);
  long i = std::strtol(index, &end, 10);
  if (*end || i < 0 || i >= n) return failf("GTEST_SHARD_INDEX={}: expected 0 to {}", index, n - 1);
  std::vector<checks::Check> mine;
  for (size_t k = 0; k < checks.size(); ++k)
    if (static_cast<long>(k % static_cast<size_t>(n)) == i) mine.push_back(std::move(checks[k]));
  checks = std::move(mine);
  ::unsetenv("GTEST_TOTAL_SHARDS");
  ::unsetenv("GTEST_SHARD_INDEX");
  return {};
}

}  // namespace

int run_command(const RunOptions& in) {
  auto started = std::chrono::system_clock::now();
  auto t0 = std::chrono::steady_clock::now();
  RunOptions o = in;
  o.cgroup_parent = runtimes::run_cgroup_name(::getpid());
  for (auto& rt : o.runtimes) {
    const runtimes::RuntimeKind* kind = runtimes::find_runtime_kind(rt);
    std::string why = !kind ? runtimes::unknown_runtime_message(rt)
                     : kind->missing ? kind->missing() : "";
    if (!why.empty()) {
      fmt::print(stderr, "netconform run: {}{}\n", kind ? fmt::format("--runtime {}: ", rt) : "", why);
      return kExitBadInput;
    }
  }
  std::vector<vm::KernelChoice> kernels;
  for (auto& k : o.kernels.empty() ? std::vector<std::string>{"host"} : o.kernels) {
    auto choice = vm::resolve_kernel(k);
    if (!choice) {
      fmt::print(stderr, "netconform run: {}\n", choice.error().message());
      return kExitBadInput;
    }
    if (!choice->host && (!o.docker_host.empty() || !o.podman_url.empty())) {
      fmt::print(stderr, "netconform run: --kernel {}: --docker-host and --podman-url name a daemon of this machine, "
                         "which a VM (no network, its own sockets) cannot reach; use --kernel host\n", k);
      return kExitBadInput;
    }
    if (!choice->host)
      if (auto m = vm::qemu_missing(); !m.empty()) {
        fmt::print(stderr, "netconform run: --kernel {}: {}\n", k, m);
        return kExitBadInput;
      }
    kernels.push_back(std::move(*choice));
  }
  if (o.vm_timeout_s < 1) {
    fmt::print(stderr, "netconform run: --vm-timeout {}: expected a positive number of seconds\n", o.vm_timeout_s);
    return kExitBadInput;
  }
  if (!o.docker_host.empty())
    fmt::print(stderr, "netconform run: warning: --docker-host {}: checks create and remove networks and containers "
                       "on that daemon's host, outside the lab\n", o.docker_host);
  if (!o.podman_url.empty())
    fmt::print(stderr, "netconform run: warning: --podman-url {}: checks create and remove networks and containers "
                       "on that host, outside the lab\n", o.podman_url);
  sweep_cgroups();
  if (o.jobs < 1 || o.jobs > 64) {
    fmt::print(stderr, "netconform run: --jobs {}: expected 1 to 64\n", o.jobs);
    return kExitBadInput;
  }
  if (auto p = require_probe(o.probe_path); !p) {
    fmt::print(stderr, "netconform run: {}\n", p.error().message());
    return kExitBadInput;
  }
  auto loaded = load_suite(o);
  if (!loaded) {
    fmt::print(stderr, "netconform run: {}\n", loaded.error().message());
    return kExitBadInput;
  }
  auto checks = select(std::move(*loaded), o.filters);
  if (!checks) {
    fmt::print(stderr, "netconform run: {}\n", checks.error().message());
    return kExitBadInput;
  }
  if (auto sh = apply_ci_shards(*checks); !sh) {
    fmt::print(stderr, "netconform run: {}\n", sh.error().message());
    return kExitBadInput;
  }
  std::vector<std::string> kernel_names;
  for (auto& k : kernels) kernel_names.push_back(k.name);
  fmt::print("netconform: {} check(s) of suite {} against {} in {} lab(s){}\n", checks->size(), o.suite,
             fmt::join(o.runtimes, ","), o.jobs,
             o.kernels.empty() ? "" : fmt::format(" on kernel(s) {}", fmt::join(kernel_names, ",")));
  std::fflush(stdout);

  report::RunReport rep;
  rep.started_at = report::iso8601_utc(started);
  std::map<std::string, std::string> versions;
  bool lab_failed = false;
  if (!checks->empty())
    for (auto& k : kernels) {
      KernelRun part = k.host ? run_here(*checks, o) : run_in_vm(*checks, o, k);
      lab_failed = lab_failed || part.lab_failed;
      if (rep.kernel.release.empty()) rep.kernel = part.rep.kernel;
      if (!o.kernels.empty()) rep.kernels.push_back(part.rep.kernel);
      for (auto& r : part.rep.results) {
        if (r.kernel.empty()) r.kernel = part.rep.kernel.release;
        rep.results.push_back(std::move(r));
      }
      for (auto& rt : part.rep.runtimes)
        if (!rt.version.empty()) versions[rt.name] = rt.version;
    }
  if (rep.kernel.release.empty()) rep.kernel = {.release = kernel::kernel_release(), .features = {}};
  for (auto& rt : o.runtimes) rep.runtimes.push_back({rt, versions.contains(rt) ? versions[rt] : ""});
  rep.runtime = rep.runtimes.front();
  sweep_cgroups(/*ours=*/true);
  rep.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  fmt::print("\n{}", report::format_summary(rep, report::use_color(1)));
  if (kernels.size() > 1) {
    // The table above sums the kernels; each kernel's own counts, in the order they ran.
    std::vector<std::string> order;
    for (auto& r : rep.results)
      if (std::find(order.begin(), order.end(), r.kernel) == order.end()) order.push_back(r.kernel);
    for (auto& k : order) {
      report::Summary s;
      for (auto& r : rep.results)
        if (r.kernel == k) ++s.count(r.status);
      fmt::print("kernel {}: {} passed, {} failed, {} skipped, {} xfail, {} xpass\n", k, s.pass, s.fail, s.skip,
                 s.xfail, s.xpass);
    }
  }
  int status = rep.summary().green() && !lab_failed ? 0 : 1;
  if (!o.json.empty())
    if (auto w = report::write_json_report(o.json, rep); !w) {
      fmt::print(stderr, "netconform run: {}\n", w.error().message());
      status = kExitBadInput;
    }
  if (!o.html.empty())
    if (auto w = report::write_html_matrix(o.html, {rep}); !w) {
      fmt::print(stderr, "netconform run: {}\n", w.error().message());
      status = kExitBadInput;
    }
  if (!o.junit.empty())
    if (auto w = report::write_junit_report(o.junit, rep); !w) {
      fmt::print(stderr, "netconform run: {}\n", w.error().message());
      status = kExitBadInput;
    }
  return status;
}

}  // namespace nc::cli
