// Kernel tests of the real runtimes in the lab: SIGKILL of `netconform run --runtime docker`
// (or podman, or the exec runtime with the shell adapter for Docker) mid-run leaves nothing behind — no daemon, shim, conmon, container or probe
// process, no mount, namespace, link or rule on the machine, no file in /etc, /var/lib or
// /run — and what it leaves in /sys/fs/cgroup (empty directories) `netconform gc` removes.
// The processes are followed as descendants of the killed netconform (the lab's init
// adopts every daemon's double-forked children), so runs of other users of the machine
// do not disturb the count. The same for docker@26.1 and podman@5.4, run from the Debian 13
// root (ci/runtime-root), whose every file is also the same after a run as before.
#include <signal.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <functional>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness/lab/lab.h"
#include "harness/lab/machine_snapshot.h"
#include "harness/runtimes/cgroup_gc.h"
#include "harness/runtimes/cli_adapter/cli_runtime.h"
#include "harness/runtimes/hosted.h"
#include "harness/runtimes/podman/podman.h"
#include "netimpl/dns/message.h"
#include "netimpl/dns/sockets.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/process/process.h"

namespace nc::runtimes {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string comm_of(pid_t pid) {
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

pid_t parent_of(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  int ppid = -1;
  char state;
  if (close != std::string::npos) std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid);
  return ppid;
}

// Every living descendant of `root` (root included), as the machine numbers them.
std::set<pid_t> descendants(pid_t root) {
  std::set<pid_t> out{root};
  for (bool grew = true; grew;) {
    grew = false;
    for (auto& e : fs::directory_iterator("/proc")) {
      auto n = e.path().filename().string();
      if (n.find_first_not_of("0123456789") != std::string::npos) continue;
      pid_t pid = std::stoi(n);
      if (!out.contains(pid) && out.contains(parent_of(pid))) grew = out.insert(pid).second;
    }
  }
  return out;
}

bool is_runtime_process(const std::string& name) {
  return name == "dockerd" || name == "containerd" || name.starts_with("containerd-shim") || name == "runc" ||
         name == "probe" || name == "conmon" || name == "podman" || name == "aardvark-dns" || name == "netavark";
}

std::multiset<std::string> names_of(const std::set<pid_t>& pids) {
  std::multiset<std::string> out;
  for (pid_t p : pids)
    if (auto n = comm_of(p); !n.empty()) out.insert(n);
  return out;
}

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    out.insert(it->path().filename().string());
  return out;
}

std::vector<std::string> run_cgroup_dirs(pid_t pid) {
  std::vector<std::string> out;
  auto name = run_cgroup_name(pid);
  for (auto& ctrl : listing("/sys/fs/cgroup")) {
    fs::path p = fs::path("/sys/fs/cgroup") / ctrl / name;
    if (fs::exists(p)) out.push_back(p.string());
  }
  if (fs::exists(fs::path("/sys/fs/cgroup") / name)) out.push_back("/sys/fs/cgroup/" + name);
  return out;
}

// The top-level cgroup directories of every hierarchy but runs' own (run_cgroup_dirs).
std::set<std::string> cgroup_tops() {
  std::set<std::string> out;
  for (auto& ctrl : listing("/sys/fs/cgroup"))
    for (auto& d : listing(fs::path("/sys/fs/cgroup") / ctrl))
      if (!d.starts_with(kCgroupPrefix) && fs::is_directory(fs::path("/sys/fs/cgroup") / ctrl / d)) out.insert(ctrl + "/" + d);
  return out;
}

// Starts `netconform run --runtime <runtime>`, kills it with SIGKILL once a check of that
// runtime has finished (its daemon or conmon is then up) and proves nothing is left.
void sigkill_mid_run_leaves_nothing(const std::string& runtime, const std::string& marker_process) {
  auto before = lab::MachineSnapshot::take();
  ASSERT_TRUE(before) << before.error().message();
  auto etc = listing("/etc"), varlib = listing("/var/lib"), run = listing("/run");
  auto cgroups = cgroup_tops();
  // Orphans of the killed run come to us, so we can see them gone and reap them.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);

  auto p = Process::spawn({.argv = {NC_NETCONFORM_PATH, "run", "--runtime", runtime, "--filter", "BR-*,PORT-*"}});
  ASSERT_TRUE(p) << p.error().message();
  // The first progress line of the runtime means its daemon is up and a container has
  // come and gone; the kill lands while later checks run (their containers up).
  auto line = p->read_line(120s);
  while (line && !(line->starts_with("[") && line->find(" " + runtime + " ") != std::string::npos))
    line = p->read_line(120s);
  ASSERT_TRUE(line) << line.error().message();
  // Podman has no daemon: wait for a moment when a container (its conmon) is up.
  // A process's name is read once: a conmon seen may be gone by a second look.
  std::set<pid_t> tree;
  bool seen = false;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  for (; std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(10ms)) {
    tree = descendants(p->pid());
    if ((seen = names_of(tree).contains(marker_process))) break;
  }
  ASSERT_TRUE(seen) << "no " << marker_process << " in the run's process tree";
  pid_t pid = p->pid();
  ::kill(pid, SIGKILL);
  auto code = p->wait_for(10s);
  ASSERT_TRUE(code && *code) << "netconform did not die";

  deadline = std::chrono::steady_clock::now() + 20s;
  std::set<pid_t> left = tree;
  while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    std::erase_if(left, [](pid_t q) { return ::kill(q, 0) != 0; });
    if (!left.empty()) std::this_thread::sleep_for(10ms);
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  std::multiset<std::string> runtime_left;
  for (auto& n : names_of(left))
    if (is_runtime_process(n)) runtime_left.insert(n);
  EXPECT_TRUE(left.empty()) << left.size() << " process(es) of the killed run outlived it, e.g. "
                            << (runtime_left.empty() ? "pid " + std::to_string(*left.begin()) : *runtime_left.begin());
  auto after = lab::MachineSnapshot::take();
  ASSERT_TRUE(after) << after.error().message();
  EXPECT_EQ(lab::diff(*before, *after), "");
  EXPECT_EQ(listing("/etc"), etc);
  EXPECT_EQ(listing("/var/lib"), varlib);
  EXPECT_EQ(listing("/run"), run);

  // Empty cgroup directories are what a killed run may leave; gc sweeps them.
  auto gc = nc::run({.argv = {NC_NETCONFORM_PATH, "gc"}}, 30s);
  ASSERT_TRUE(gc) << gc.error().message();
  EXPECT_EQ(gc->exit_code, 0) << gc->out << gc->err;
  EXPECT_EQ(run_cgroup_dirs(pid), std::vector<std::string>{});
  EXPECT_EQ(cgroup_tops(), cgroups) << "a cgroup directory outside the run's parent (libpod_parent, docker)";
}

class RuntimesKernelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  }
};

TEST_F(RuntimesKernelTest, SigkillMidDockerRunLeavesNothing) {
  if (!fs::exists("/usr/sbin/dockerd")) GTEST_SKIP() << "docker.io is not installed (ci/install-deps --with-runtimes)";
  sigkill_mid_run_leaves_nothing("docker", "dockerd");
}

TEST_F(RuntimesKernelTest, SigkillMidPodmanRunLeavesNothing) {
  if (!fs::exists("/usr/bin/podman")) GTEST_SKIP() << "podman is not installed (ci/install-deps --with-runtimes)";
  sigkill_mid_run_leaves_nothing("podman", "conmon");
}

TEST_F(RuntimesKernelTest, SigkillMidCniRunLeavesNothing) {
  if (!fs::exists("/usr/lib/cni/bridge")) GTEST_SKIP() << "containernetworking-plugins is not installed (ci/install-deps --with-runtimes)";
  // No daemon: a container's probe (comm is cut to 15 characters) marks a check under way.
  sigkill_mid_run_leaves_nothing("cni", "netconform-prob");
}

// The Debian 13 root's state as a run could change it: per file (not following links) its
// path, type and mode, owner, size, mtime and ctime (a write moves ctime, which nothing can
// set back), and a symlink's target. One line per file, sorted.
std::string root_state(const fs::path& root) {
  std::vector<std::string> lines;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end; !ec && it != end;
       it.increment(ec)) {
    struct stat st{};
    if (::lstat(it->path().c_str(), &st) != 0) {
      lines.push_back(it->path().string() + " lstat failed");
      continue;
    }
    std::string target = S_ISLNK(st.st_mode) ? " -> " + fs::read_symlink(it->path(), ec).string() : "";
    lines.push_back(fmt::format("{} {:o} {}:{} {} m{}.{:09} c{}.{:09}{}", it->path().string(), st.st_mode, st.st_uid,
                                st.st_gid, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec,
                                st.st_ctim.tv_nsec, target));
  }
  if (ec) lines.push_back("walk failed: " + ec.message());
  std::sort(lines.begin(), lines.end());
  return fmt::format("{}\n", fmt::join(lines, "\n"));
}

// The first line where two states differ ("" when equal), for a readable failure.
std::string first_difference(const std::string& a, const std::string& b) {
  if (a == b) return "";
  std::istringstream x(a), y(b);
  for (std::string la, lb;;) {
    bool ga = static_cast<bool>(std::getline(x, la)), gb = static_cast<bool>(std::getline(y, lb));
    if (!ga && !gb) return "differ";
    if (la != lb || ga != gb) return fmt::format("before: '{}'\nafter:  '{}'", ga ? la : "(none)", gb ? lb : "(none)");
  }
}

// Why the root-based runtimes cannot be tested here ("" when they can).
std::string root_missing() {
  auto root = debian13_root();
  for (const char* program : {"/usr/sbin/dockerd", "/usr/bin/podman"})
    if (::access((root + program).c_str(), X_OK) != 0)
      return fmt::format("the runtime root {} is not built (no {}); build it with: {}", root, program, kBuildRootCommand);
  return "";
}

TEST_F(RuntimesKernelTest, SigkillMidDocker261RunLeavesNothing) {
  if (auto why = root_missing(); !why.empty()) GTEST_SKIP() << why;
  auto before = root_state(debian13_root());
  sigkill_mid_run_leaves_nothing("docker@26.1", "dockerd");
  EXPECT_EQ(first_difference(before, root_state(debian13_root())), "") << "the run wrote into the root";
}

TEST_F(RuntimesKernelTest, SigkillMidPodman54RunLeavesNothing) {
  if (auto why = root_missing(); !why.empty()) GTEST_SKIP() << why;
  auto before = root_state(debian13_root());
  sigkill_mid_run_leaves_nothing("podman@5.4", "conmon");
  EXPECT_EQ(first_difference(before, root_state(debian13_root())), "") << "the run wrote into the root";
}

// A whole run, to its end, against every runtime of the root leaves each of its files as it
// was (the daemons write /etc/docker, /opt/containerd, /var/lib/containers: all of it must
// land on the lab's tmpfs).
TEST_F(RuntimesKernelTest, RunsNeverWriteTheRuntimeRoot) {
  if (auto why = root_missing(); !why.empty()) GTEST_SKIP() << why;
  auto root = debian13_root();
  auto before = root_state(root);
  ASSERT_NE(before.find("/usr/sbin/dockerd "), std::string::npos) << before.substr(0, 500);
  auto r = nc::run({.argv = {NC_NETCONFORM_PATH, "run", "--runtime", "docker@26.1,podman@5.4,podman@5.4+iptables",
                             "--filter", "BR-001,DNS-001,PORT-001"}},
                   300s);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_FALSE(r->timed_out);
  // Verdicts are the expectations' business; the run must have reached every runtime.
  for (const char* rt : {"docker@26.1 ", "podman@5.4 ", "podman@5.4+iptables "})
    EXPECT_NE(r->out.find(rt), std::string::npos) << r->out << r->err;
  EXPECT_EQ(r->out.find("start runtime"), std::string::npos) << r->out;
  EXPECT_EQ(first_difference(before, root_state(root)), "") << "the run wrote into the root";
}

// A root not built is named with the command that builds it, before any lab is made.
TEST_F(RuntimesKernelTest, AMissingRootNamesTheCommandThatBuildsIt) {
  for (const char* kind : {"docker", "podman"}) {
    auto h = HostedRuntime::start({.runtime = kind, .ip_forward = true, .probe_path = NC_PROBE_PATH,
                                   .cgroup_parent = "", .state_dir = "/run/netconform/unused", .endpoint = "",
                                   .root = "/nonexistent/roots/debian-13", .firewall_driver = ""});
    ASSERT_FALSE(h) << kind;
    EXPECT_EQ(h.error().message(),
              fmt::format("runtime root /nonexistent/roots/debian-13 is not built (no {} in it); build it with: bash "
                          "ci/runtime-root",
                          std::string(kind) == "docker" ? "/usr/sbin/dockerd" : "/usr/bin/podman"));
  }
}

// The exec runtime's adapter is a child of the runner like a daemon, and it starts dockerd
// itself: all of it must go with the lab too.
TEST_F(RuntimesKernelTest, SigkillMidExecAdapterRunLeavesNothing) {
  if (!fs::exists("/usr/sbin/dockerd")) GTEST_SKIP() << "docker.io is not installed (ci/install-deps --with-runtimes)";
  if (!fs::exists("/usr/bin/jq")) GTEST_SKIP() << "jq is not installed (ci/install-deps --with-runtimes)";
  sigkill_mid_run_leaves_nothing("exec:" NC_REPO_ROOT "/harness/runtimes/exec/docker-adapter.sh=docker-sh", "dockerd");
}

// The restart path: a check whose lab starts with ip_forward off gets a fresh daemon on a
// host with forwarding off (check_tests.cc drops the shard's daemon and starts another).
// What proves the option reached the daemon: dockerd 20.10 turns forwarding on itself and,
// because it had to, sets the FORWARD policy to DROP (libnetwork setupIPForwarding); on a
// host that forwarded already the policy stays ACCEPT.
std::string forward_policy(const HostedRuntime& h) {
  auto r = nc::run({.argv = {"iptables", "-S", "FORWARD"}, .ns = &h.host().host()}, 10s);
  if (!r || r->exit_code != 0) return "iptables failed: " + (r ? r->err : r.error().message());
  auto line = r->out.substr(0, r->out.find('\n'));
  return line;
}

int restart_with_other_options(pid_t outer) {
  auto cgroup = run_cgroup_name(outer);
  int step = 0;
  for (bool forward : {true, false, true}) {
    ++step;
    auto h = HostedRuntime::start({.runtime = "docker", .ip_forward = forward, .probe_path = NC_PROBE_PATH,
                                   .cgroup_parent = cgroup, .state_dir = fmt::format("/run/netconform/restart-{}", step),
                                   .endpoint = ""});
    if (!h) return std::printf("start %d (ip_forward %d): %s\n", step, forward, h.error().message().c_str()), 10 + step;
    std::string want = forward ? "-P FORWARD ACCEPT" : "-P FORWARD DROP";
    if (auto got = forward_policy(**h); got != want)
      return std::printf("start %d (ip_forward %d): %s, expected %s\n", step, forward, got.c_str(), want.c_str()), 20 + step;
    if (auto v = netlink::read_sysctl((*h)->host().host(), "net/ipv4/ip_forward"); !v || v->find('1') != 0)
      return std::printf("start %d: ip_forward is not 1 after dockerd started\n", step), 30 + step;
    // The daemon works: a container comes and goes.
    if (auto c = (*h)->runtime().create_container({.name = "probe1"}); !c)
      return std::printf("start %d: %s\n", step, c.error().message().c_str()), 40 + step;
    if (auto r = (*h)->runtime().reset(); !r) return std::printf("start %d: %s\n", step, r.error().message().c_str()), 50 + step;
  }
  return 0;
}

// A lab's Podman (4.3, and 5.4 from the root) keeps its IPAM database in its own run
// directory (podman.h podman_network_run_dir), where the reset removes it: after a container
// at a fixed address it is there, after the reset it is gone, and the address is given
// again; the lab's shared /run/containers/networks never gets one. Were the path wrong, the
// database would outlive the reset with whatever a check left allocated in it.
int ipam_database_goes_with_the_reset(pid_t outer, bool from_root) {
  auto cgroup = run_cgroup_name(outer);
  auto h = HostedRuntime::start({.runtime = "podman", .ip_forward = true, .probe_path = NC_PROBE_PATH,
                                 .cgroup_parent = cgroup, .state_dir = "/run/netconform/ipam", .endpoint = "",
                                 .root = from_root ? debian13_root() : "", .firewall_driver = ""});
  if (!h) return std::printf("start: %s\n", h.error().message().c_str()), 10;
  auto& rt = (*h)->runtime();
  const std::string db = podman_network_run_dir("/run/netconform/ipam") + "/ipam.db";
  const std::string shared = std::string(kPodmanNetworkRunDir) + "/ipam.db";
  for (int round = 1; round <= 2; ++round) {
    if (auto n = rt.create_network({.name = "appnet", .subnet = *Prefix::parse("172.30.0.0/16")}); !n)
      return std::printf("round %d: %s\n", round, n.error().message().c_str()), 20 + round;
    api::ContainerSpec fixed{.name = "fixed", .networks = {{.network = "appnet", .ip = *IpAddr::parse("172.30.0.5")}}};
    if (auto c = rt.create_container(fixed); !c)
      return std::printf("round %d: %s\n", round, c.error().message().c_str()), 30 + round;
    if (!fs::exists(db)) return std::printf("round %d: no %s while a container holds an address\n", round, db.c_str()), 40 + round;
    if (fs::exists(shared)) return std::printf("round %d: %s exists: the lab's Podmans share it\n", round, shared.c_str()), 45 + round;
    if (auto r = rt.reset(); !r) return std::printf("round %d: %s\n", round, r.error().message().c_str()), 50 + round;
    if (fs::exists(db)) return std::printf("round %d: %s outlived the reset\n", round, db.c_str()), 60 + round;
  }
  return 0;
}

// Runs `body(outer, from_root)` in a lab of its own for the machine's Podman (4.3) and, when
// the runtime root is built, again for Podman 5.4 from it; `parts` names the two runs in
// messages. Then no run cgroup of this process may be left.
void each_podman_in_a_lab(const std::function<int(pid_t, bool)>& body, std::array<const char*, 2> parts) {
  pid_t self = ::getpid();
  for (bool from_root : {false, true}) {
    if (from_root && !fs::exists(debian13_root() + "/usr/bin/podman")) {
      std::printf("%s skipped: the runtime root is not built (bash ci/runtime-root)\n", parts[1]);
      continue;
    }
    std::fflush(stdout);
    auto code = lab::run_in_lab({}, [&] { return body(self, from_root); });
    ASSERT_TRUE(code) << code.error().message();
    EXPECT_EQ(*code, 0) << parts[from_root] << ": see the line printed above";
  }
  (void)sweep_dead_run_cgroups("/sys/fs/cgroup", [&](pid_t p) { return p != self && run_alive(p); });
  EXPECT_EQ(run_cgroup_dirs(self), std::vector<std::string>{});
}

TEST_F(RuntimesKernelTest, PodmansIpamDatabaseGoesWithTheReset) {
  if (!fs::exists("/usr/bin/podman")) GTEST_SKIP() << "podman is not installed (ci/install-deps --with-runtimes)";
  each_podman_in_a_lab(ipam_database_goes_with_the_reset, {"podman", "podman@5.4"});
}

TEST_F(RuntimesKernelTest, DockerRestartsWithTheLabsIpForward) {
  if (!fs::exists("/usr/sbin/dockerd")) GTEST_SKIP() << "docker.io is not installed (ci/install-deps --with-runtimes)";
  std::fflush(stdout);
  pid_t self = ::getpid();
  auto code = lab::run_in_lab({}, [&] { return restart_with_other_options(self); });
  ASSERT_TRUE(code) << code.error().message();
  EXPECT_EQ(*code, 0) << "see the line printed above";
  (void)sweep_dead_run_cgroups("/sys/fs/cgroup", [&](pid_t p) { return p != self && run_alive(p); });
  EXPECT_EQ(run_cgroup_dirs(self), std::vector<std::string>{});
}

}  // namespace
}  // namespace nc::runtimes

namespace nc::runtimes {
namespace {

// Checks are independent of their order on a runtime kept per shard: DRV-007 and DRV-008
// both put a macvlan container at 203.0.113.201 and Podman gives each a random MAC, so the
// external namespace's ARP entry for the first one made the second one's control step time
// out — until the lab host was reset between checks (lab/lab_reset.h).
TEST_F(RuntimesKernelTest, OneCheckLeavesNothingInTheLabForTheNext) {
  if (!fs::exists("/usr/bin/podman")) GTEST_SKIP() << "podman is not installed (ci/install-deps --with-runtimes)";
  auto r = nc::run({.argv = {NC_NETCONFORM_PATH, "run", "--runtime", "podman", "--filter", "DRV-007,DRV-008",
                             "--jobs", "1"}}, 300s);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->exit_code, 0) << r->out << r->err;
  EXPECT_NE(r->out.find("2 passed, 0 failed"), std::string::npos) << r->out;
}

}  // namespace
}  // namespace nc::runtimes

namespace nc::runtimes {
namespace {

// A network `appnet` with the containers `target` and `client` on it.
struct Served {
  Namespaces client;  // the client container's network namespace
  IpAddr server;      // the network's name server (aardvark-dns, at the gateway)
};

Result<Served> serve_names(HostedRuntime& h) {
  auto& rt = h.runtime();
  auto net = NC_TRY(rt.create_network({.name = "appnet"}));
  if (!net.gateway) return fail("appnet has no gateway");
  for (const char* name : {"target", "client"})
    NC_TRY_VOID(rt.create_container({.name = name, .networks = {{.network = "appnet"}}}));
  auto pid = NC_TRY(dynamic_cast<CliRuntime&>(rt).cli().out({"inspect", "--format", "{{.State.Pid}}", "client"}));
  return Served{NC_TRY(Namespaces::of_pid("client", std::stoi(pid), kNsNet)), *net.gateway};
}

// "" when the server answers for `target`, as the bare name or in Podman's search domain,
// else what it did.
std::string names_answered(const Served& s) {
  for (const char* name : {"target", "target.dns.podman"}) {
    auto reply = dns::ask_once(s.client.fd(kNsNet), s.server, 53, dns::build_query(name, dns::kTypeA, 7), 2s);
    if (!reply) return reply.error().message();
    if (dns::reply_rcode(*reply) == dns::kNoError && dns::reply_answer_count(*reply) > 0) return "";
  }
  return fmt::format("{} answers neither target nor target.dns.podman from the client", s.server);
}

// Two lab-private Podmans side by side in one lab (as `bench dns` runs them): each one's
// aardvark-dns serves its own network. netavark keeps the aardvark-dns configuration and
// pid file, like the IPAM database, in a run directory --root does not move
// (/run/containers/networks); shared, the second Podman signalled the first one's server
// instead of starting its own, and its containers' names went unanswered.
int two_podmans_serve_their_own_names(pid_t outer, bool second_from_root) {
  auto cgroup = run_cgroup_name(outer);
  HostedOptions base{.runtime = "podman", .ip_forward = true, .probe_path = NC_PROBE_PATH, .cgroup_parent = cgroup,
                     .state_dir = "/run/netconform/podman-a", .endpoint = "", .root = "", .firewall_driver = ""};
  auto a = HostedRuntime::start(base);
  if (!a) return std::printf("start podman: %s\n", a.error().message().c_str()), 10;
  base.state_dir = "/run/netconform/podman-b";
  if (second_from_root) base.root = debian13_root();
  auto b = HostedRuntime::start(base);
  if (!b) return std::printf("start the second podman: %s\n", b.error().message().c_str()), 11;
  auto sa = serve_names(**a);
  if (!sa) return std::printf("first podman: %s\n", sa.error().message().c_str()), 20;
  auto sb = serve_names(**b);
  if (!sb) return std::printf("second podman: %s\n", sb.error().message().c_str()), 21;
  if (auto why = names_answered(*sa); !why.empty()) return std::printf("first podman: %s\n", why.c_str()), 30;
  if (auto why = names_answered(*sb); !why.empty()) return std::printf("second podman: %s\n", why.c_str()), 31;
  return 0;
}

TEST_F(RuntimesKernelTest, TwoPodmansInOneLabEachServeTheirOwnNames) {
  if (!fs::exists("/usr/bin/podman")) GTEST_SKIP() << "podman is not installed (ci/install-deps --with-runtimes)";
  each_podman_in_a_lab(two_podmans_serve_their_own_names, {"two podmans", "podman beside podman@5.4"});
}

}  // namespace
}  // namespace nc::runtimes
