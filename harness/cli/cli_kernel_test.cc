// End-to-end tests of the netconform binary: the machine is untouched by a full run, a run
// killed with SIGKILL mid-check leaves nothing behind, --docker-host and --podman-url use an
// existing daemon (with a warning) and leave nothing in it, and bad input gets clear errors.
// Kernel tests: they need root and run real labs.
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/diagnose/netns_find.h"
#include "harness/lab/machine_snapshot.h"
#include "harness/runtimes/cli_adapter/image.h"
#include "netimpl/process/process.h"

namespace nc {
namespace {

using namespace std::chrono_literals;

RunResult netconform(std::vector<std::string> args, std::chrono::milliseconds timeout = 300s) {
  args.insert(args.begin(), NC_NETCONFORM_PATH);
  auto r = run({.argv = args}, timeout);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return r ? *r : RunResult{};
}

pid_t parent_of(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  if (close == std::string::npos) return -1;
  char state;
  int ppid = -1;
  std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid);
  return ppid;
}

// Every living descendant of `root`, as the machine's PID namespace numbers them.
std::set<pid_t> descendants(pid_t root) {
  std::set<pid_t> out{root};
  for (bool grew = true; grew;) {
    grew = false;
    DIR* d = ::opendir("/proc");
    while (auto* e = ::readdir(d)) {
      pid_t pid = std::atoi(e->d_name);
      if (pid > 0 && !out.contains(pid) && out.contains(parent_of(pid))) grew = out.insert(pid).second;
    }
    ::closedir(d);
  }
  return out;
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

class CliKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: netconform builds labs of namespaces";
  }
};

TEST_F(CliKernel, FullRunLeavesTheMachineUntouched) {
  auto before = lab::MachineSnapshot::take();
  ASSERT_TRUE(before) << before.error().message();
  std::string json = ::testing::TempDir() + "nc-e2e.json";
  auto r = netconform({"run", "--suite", "all", "--json", json});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(" passed, 0 failed"), std::string::npos) << r.out;
  auto after = lab::MachineSnapshot::take();
  ASSERT_TRUE(after);
  EXPECT_TRUE(*before == *after) << lab::diff(*before, *after);

  // The report carries every result, and each says what it observed.
  std::ifstream in(json);
  auto report = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  EXPECT_EQ(report["schema_version"], 1);
  EXPECT_GT(report["results"].size(), 10u);
  // A skip (a kernel without ipvlan, say) runs no step; everything else observed something.
  for (auto& res : report["results"]) {
    if (res["status"] != "skip") {
      EXPECT_FALSE(res["steps"].empty()) << res["id"];
    }
  }
  std::remove(json.c_str());
}

TEST_F(CliKernel, SigkillMidRunLeavesNothingBehind) {
  auto before = lab::MachineSnapshot::take();
  ASSERT_TRUE(before) << before.error().message();
  // Orphans of the killed run come to us, so we can see them gone and reap them.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  auto proc = Process::spawn({.argv = {NC_NETCONFORM_PATH, "run", "--suite", "all"}});
  ASSERT_TRUE(proc) << proc.error().message();
  // Wait until checks are running: the second progress line means the lab, a runtime and
  // containers with serving probes exist.
  for (int lines = 0; lines < 3;) {
    auto line = proc->read_line(60s);
    ASSERT_TRUE(line) << line.error().message();
    if (line->starts_with("[")) ++lines;
  }
  auto tree = descendants(proc->pid());
  EXPECT_GE(tree.size(), 3u) << "expected netconform, the lab's init and its runner";
  ::kill(proc->pid(), SIGKILL);
  (void)proc->wait_for(10s);

  auto deadline = std::chrono::steady_clock::now() + 20s;
  std::set<pid_t> left = tree;
  while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    std::erase_if(left, [](pid_t p) { return !alive(p); });
    if (!left.empty()) ::usleep(10'000);
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  EXPECT_TRUE(left.empty()) << left.size() << " process(es) of the killed run still alive, e.g. pid " << *left.begin();
  auto after = lab::MachineSnapshot::take();
  ASSERT_TRUE(after);
  EXPECT_TRUE(*before == *after) << lab::diff(*before, *after);
}

TEST_F(CliKernel, ShardedRunHasTheSameResults) {
  auto one = netconform({"run", "--filter", "BR-00?"});
  auto two = netconform({"run", "--filter", "BR-00?", "--jobs", "2"});
  EXPECT_EQ(one.exit_code, 0) << one.out;
  EXPECT_EQ(two.exit_code, 0) << two.out;
  EXPECT_NE(one.out.find("9 passed, 0 failed"), std::string::npos) << one.out;
  EXPECT_NE(two.out.find("9 passed, 0 failed"), std::string::npos) << two.out;
  // The two labs count one sequence: [1/9] .. [9/9], each number once (not 1..5 and 1..4).
  for (int i = 1; i <= 9; ++i) {
    auto tag = "[" + std::to_string(i) + "/9] ";
    auto at = two.out.find(tag);
    EXPECT_NE(at, std::string::npos) << tag << "\n" << two.out;
    if (at != std::string::npos) {
      EXPECT_EQ(two.out.find(tag, at + 1), std::string::npos) << tag << " twice\n" << two.out;
    }
  }
  // Repeated, the count runs over every pass: [4/4], not [3/2].
  auto again = netconform({"run", "--filter", "BR-00[12]", "--jobs", "2", "--gtest_repeat=2"});
  EXPECT_NE(again.out.find("[4/4] "), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("4 passed, 0 failed"), std::string::npos) << again.out;
}

// The shards claim checks as they go rather than every other one up front. The testdata has
// one check that waits 6 s (BR-001, first) and eight that take tens of milliseconds: the
// shard that claims BR-001 is busy with it while the other takes the short ones. Split
// up front (GoogleTest's sharding), the long check's shard would also have had BR-003,
// BR-005, BR-007 and BR-009, all ending after it. Each check still runs exactly once, and
// a shuffled run does too (the shards then share one seed, printed for a replay).
TEST_F(CliKernel, ShardsShareTheWork) {
  const std::string dir = NC_SOURCE_DIR "/harness/cli/testdata/balance";
  for (bool shuffled : {false, true}) {
    std::vector<std::string> args{"run", "--checks", dir, "--suite", "conformance", "--jobs", "2"};
    if (shuffled) args.push_back("--gtest_shuffle");
    auto r = netconform(args);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("9 passed, 0 failed"), std::string::npos) << r.out;
    if (shuffled) {
      EXPECT_NE(r.out.find("shuffled with --gtest_random_seed="), std::string::npos) << r.out;
      continue;  // where BR-001 falls in the order is the seed's choice
    }
    for (int i = 1; i <= 9; ++i) {
      auto id = fmt::format("BR-00{} pass", i);
      auto at = r.out.find(id);
      EXPECT_NE(at, std::string::npos) << id << "\n" << r.out;
      if (at != std::string::npos) {
        EXPECT_EQ(r.out.find(id, at + 1), std::string::npos) << id << " twice\n" << r.out;
      }
    }
    // The lines come in the order checks end. The split up front puts four short checks
    // after the long one in its lab; claimed, none ends after it unless the machine is so
    // loaded that eight short checks take 6 s, and even then not four.
    auto long_end = r.out.find("BR-001 pass");
    int after = 0;
    for (int i = 2; i <= 9; ++i)
      if (auto at = r.out.find(fmt::format("BR-00{} pass", i)); at != std::string::npos && at > long_end) ++after;
    EXPECT_LE(after, 2) << r.out;
  }
}

// An "existing" daemon for --docker-host / --podman-url, private all the same: its own PID,
// mount and network namespaces (unshare --kill-child: it and everything it starts die with
// the unshare process), tmpfs over /run, its data below /run, and tmpfs or an overlay over
// the /etc and /var/lib paths it writes; only its API socket is on the machine's /tmp,
// where netconform's lab can reach it.
class ExternalDaemon {
 public:
  enum class Kind { kDocker, kPodman };
  ExternalDaemon(Kind kind, std::string dir) : kind_(kind), dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);  // the daemon, if it outlives unshare, comes back to us
    cgroup_ = kind_ == Kind::kDocker ? "nc-ext-daemon-" + std::to_string(::getpid()) : "libpod_parent";
    for (auto& ctrl : std::filesystem::directory_iterator("/sys/fs/cgroup"))
      cgroup_existed_ |= std::filesystem::exists(ctrl.path() / cgroup_);
    auto p = Process::spawn({.argv = {"unshare", "--mount", "--net", "--pid", "--fork", "--kill-child",
                                      "--mount-proc", "--propagation", "private", "sh", "-c", script()}});
    if (p) proc_.emplace(std::move(*p));
  }
  ~ExternalDaemon() {
    if (proc_) (void)proc_->terminate(std::chrono::seconds(10));
    for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
      pid_t p = ::waitpid(-1, nullptr, WNOHANG);
      if (p < 0) break;  // no child left
      if (p == 0) std::this_thread::sleep_for(10ms);
    }
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
    for (auto& ctrl : std::filesystem::directory_iterator("/sys/fs/cgroup"))
      if (!cgroup_existed_) remove_empty_tree(ctrl.path() / cgroup_);  // empty once its containers are gone
    std::filesystem::remove_all(dir_);
  }
  std::string socket() const { return dir_ + (kind_ == Kind::kDocker ? "/docker.sock" : "/podman.sock"); }
  std::string log() const {
    std::ifstream in(dir_ + "/daemon.log");
    return {std::istreambuf_iterator<char>(in), {}};
  }
  // The client matching the daemon, pointed at it: `docker -H` or `podman --url`.
  RunResult client(std::vector<std::string> args) const {
    if (kind_ == Kind::kDocker)
      args.insert(args.begin(), {"/usr/bin/docker", "-H", "unix://" + socket()});
    else
      args.insert(args.begin(), {"/usr/bin/podman", "--url", "unix://" + socket()});
    auto r = run({.argv = args}, 30s);
    return r ? *r : RunResult{.exit_code = -1, .timed_out = false, .out = "", .err = r.error().message(), .duration_ms = 0};
  }
  // IDs of the containers created between the two unix times, from the daemon's events.
  std::string created_since(const std::string& since, const std::string& until) const {
    std::vector<std::string> args{"events", "--since", since, "--until", until, "--filter", "event=create",
                                  "--format", "{{.ID}}"};
    if (kind_ == Kind::kPodman) args.insert(args.begin() + 1, "--stream=false");
    return client(args).out;
  }
  bool wait_ready() const {
    for (auto deadline = std::chrono::steady_clock::now() + 60s; std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(100ms))
      if (proc_ && client({"version"}).exit_code == 0) return true;
    return false;
  }

 private:
  std::string script() const {
    std::string common = "set -e; ip link set lo up; mount -t tmpfs tmpfs /run; ";
    if (kind_ == Kind::kDocker)
      return common + "mount -t tmpfs tmpfs /etc/docker; "
             "exec /usr/sbin/dockerd --data-root /run/d/data --exec-root /run/d/exec --pidfile /run/d/pid "
             "-H unix://" + socket() + " --cgroup-parent " + cgroup_ + " >" + dir_ + "/daemon.log 2>&1";
    // Podman writes below /etc/containers and /var/lib/containers (an image cache) even
    // with --root and --runroot: overlays keep that in the service's mount namespace. Its
    // containers' cgroups go below libpod_parent, which the destructor removes if it made it.
    std::string conf = dir_ + "/containers.conf";
    std::ofstream(conf) << "[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n";
    std::string overlays;
    for (std::string d : {"/etc/containers", "/var/lib"})
      overlays += "mkdir -p /run/o" + d + "/up /run/o" + d + "/work; mount -t overlay overlay -o lowerdir=" + d +
                  ",upperdir=/run/o" + d + "/up,workdir=/run/o" + d + "/work " + d + "; ";
    return common + overlays +
           "mount -t tmpfs tmpfs /var/tmp; ulimit -n 4096; "
           "CONTAINERS_CONF=" + conf + " exec /usr/bin/podman --root /run/p/root --runroot /run/p/runroot "
           "--tmpdir /run/p/tmp --network-config-dir /run/p/networks --cgroup-manager cgroupfs "
           "--events-backend file --runtime /usr/sbin/runc --network-backend netavark --storage-driver overlay "
           "system service --time=0 unix://" + socket() + " >" + dir_ + "/daemon.log 2>&1";
  }

  // cgroup directories cannot be removed with their pseudo-files: rmdir bottom-up.
  static void remove_empty_tree(const std::filesystem::path& dir) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_directory()) remove_empty_tree(it->path());
    ::rmdir(dir.c_str());
  }

  Kind kind_;
  bool cgroup_existed_ = false;
  std::string dir_, cgroup_;
  std::optional<Process> proc_;
};

// True under a chroot (as ../shared/tools/fresh-debian-check runs): a child that rejoins
// our mount namespace lands on its root, which is not our "/".
bool chrooted() {
  struct stat here{};
  if (::stat("/", &here) != 0) return false;
  pid_t child = ::fork();
  if (child == 0) {
    int fd = ::open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    struct stat root{};
    bool same = fd >= 0 && ::setns(fd, CLONE_NEWNS) == 0 && ::stat("/", &root) == 0 && root.st_dev == here.st_dev &&
                root.st_ino == here.st_ino;
    ::_exit(same ? 0 : 1);
  }
  int status = 0;
  return child > 0 && ::waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 1;
}

// The external daemon is started with unshare, whose mount namespace keeps the machine's
// root as its root under a chroot (the lab pivots onto the chroot; unshare cannot): dockerd's
// layer extraction pivots from there and the imported image comes out empty.
constexpr const char* kChrootSkip = "under a chroot, an unshare'd daemon's mount namespace is rooted outside it";

std::set<std::string> listing(const std::filesystem::path& dir) {
  std::set<std::string> out;
  for (auto& e : std::filesystem::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  std::sort(out.begin(), out.end());
  return out;
}

// Runs DNS-026 of `runtime` through `option` (--docker-host / --podman-url) at `daemon`:
// the check passes, the warning is printed, the check's containers were made there (not by
// a private daemon in the lab), and nothing of the run is left in it or on the machine.
void ExpectRunThroughExistingDaemon(const ExternalDaemon& daemon, const std::string& runtime, const std::string& option) {
  auto networks = daemon.client({"network", "ls", "--format", "{{.Name}}"}).out;
  auto etc = listing("/etc"), varlib = listing("/var/lib");
  auto since = std::to_string(::time(nullptr) - 1);
  auto url = "unix://" + daemon.socket();
  auto r = netconform({"run", "--runtime", runtime, option, url, "--filter", "DNS-026"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(runtime + " DNS-026 pass"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("warning: " + option + " " + url), std::string::npos) << r.err;
  EXPECT_GE(words(daemon.created_since(since, std::to_string(::time(nullptr) + 1))).size(), 2u);
  EXPECT_EQ(words(daemon.client({"ps", "-aq"}).out), std::vector<std::string>{});
  EXPECT_EQ(words(daemon.client({"network", "ls", "--format", "{{.Name}}"}).out), words(networks));
  EXPECT_EQ(words(daemon.client({"images", "-aq"}).out), std::vector<std::string>{});
  EXPECT_EQ(words(daemon.client({"volume", "ls", "-q"}).out), std::vector<std::string>{});
  EXPECT_EQ(listing("/etc"), etc);  // the daemon's files stayed in its own mount namespace
  EXPECT_EQ(listing("/var/lib"), varlib);
}

TEST_F(CliKernel, DockerHostUsesThatDaemonWithAWarningAndLeavesNothingInIt) {
  if (!std::filesystem::exists("/usr/sbin/dockerd")) GTEST_SKIP() << "docker.io is not installed (ci/install-deps --with-runtimes)";
  if (chrooted()) GTEST_SKIP() << kChrootSkip;
  ExternalDaemon daemon(ExternalDaemon::Kind::kDocker, "/tmp/nc-ext-dockerd-" + std::to_string(::getpid()));
  ASSERT_TRUE(daemon.wait_ready()) << "the external dockerd did not answer: " << daemon.log();
  ExpectRunThroughExistingDaemon(daemon, "docker", "--docker-host");
}

TEST_F(CliKernel, PodmanUrlUsesThatServiceWithAWarningAndLeavesNothingInIt) {
  if (!std::filesystem::exists("/usr/bin/podman")) GTEST_SKIP() << "podman is not installed (ci/install-deps --with-runtimes)";
  if (chrooted()) GTEST_SKIP() << kChrootSkip;
  ExternalDaemon service(ExternalDaemon::Kind::kPodman, "/tmp/nc-ext-podman-" + std::to_string(::getpid()));
  ASSERT_TRUE(service.wait_ready()) << "the external podman service did not answer: " << service.log();
  ExpectRunThroughExistingDaemon(service, "podman", "--podman-url");
}

// The checklist's causes, each in a lab of its own (harness/diagnose/testdata/causes), are
// named; a scenario that expects the wrong cause fails.
TEST_F(CliKernel, DiagnoseStepsNameEachCauseAndAWrongExpectedCauseFails) {
  auto good = netconform({"run", "--suite", "scenarios", "--checks", NC_SOURCE_DIR "/harness/diagnose/testdata/causes", "--jobs", "2", "-v"});
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_NE(good.out.find("9 passed, 0 failed"), std::string::npos) << good.out;
  // The walk's ping that icc=false drops (SCN-DIAG-004) is believed after the short wait,
  // with its proof: the host reaches the same address.
  EXPECT_NE(good.out.find("→ unreachable: ping "), std::string::npos) << good.out;
  EXPECT_NE(good.out.find("(silent for 100 ms; host answered the same address"), std::string::npos) << good.out;
  // -v with two labs: each check's story and steps come together, just before its result.
  for (int n : {1, 2, 3, 4, 5, 6, 7, 9, 10}) {
    std::string id = fmt::format("SCN-DIAG-{:03}", n);
    auto story = good.out.find("    " + id + " story:");
    auto result = good.out.find(" netimpl " + id + " pass");
    ASSERT_NE(story, std::string::npos) << id << " tells no story in\n" << good.out;
    ASSERT_NE(result, std::string::npos) << good.out;
    ASSERT_LT(story, result) << good.out;
    auto from = story + id.size() + 11;  // past "    ID story:"
    auto between = good.out.substr(from, result - from);
    EXPECT_EQ(between.find(" story:"), std::string::npos) << id << ": another check's story inside its own:\n" << between;
    EXPECT_EQ(between.find("] netimpl "), std::string::npos) << id << ": another result inside its story:\n" << between;
  }
  auto wrong = netconform({"run", "--suite", "scenarios", "--checks", NC_SOURCE_DIR "/harness/diagnose/testdata/wrong"});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out << wrong.err;
  EXPECT_NE(wrong.out.find("SCN-DIAG-901 step 1"), std::string::npos) << wrong.out;
  // The failing step's line of the story, its act, and what ran, beside what was observed.
  EXPECT_NE(wrong.out.find("step 1 (symptom): \"the path from client to web works\""), std::string::npos) << wrong.out;
  EXPECT_NE(wrong.out.find("ran client: diagnose web:80"), std::string::npos) << wrong.out;
  EXPECT_NE(wrong.out.find("diagnosed bound-to-loopback: web listens on 127.0.0.1:80 only"), std::string::npos) << wrong.out;
}

// `netconform diagnose` against a daemon someone else runs (a private one, as for
// --docker-host / --podman-url): each cause is named from that daemon's containers, and the
// daemon's containers, networks, events and the rules in a container's namespace are
// exactly as before.
void ExpectDiagnoseChangesNothing(const ExternalDaemon& daemon, const std::string& dir, bool podman) {
  // The user's containers: the probe image stands in for their images.
  ASSERT_TRUE(runtimes::write_single_file_tar(NC_PROBE_PATH, "probe", dir + "/probe.tar"));
  auto ok = [&](std::vector<std::string> args) {
    auto r = daemon.client(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    return r.out;
  };
  ok({"import", dir + "/probe.tar", "nc-probe:diag"});
  ok({"network", "create", "appnet"});
  std::string bridge = podman ? "podman" : "bridge";
  auto start = [&](std::string name, std::string network, std::vector<std::string> cmd) {
    std::vector<std::string> a{"run", "-d", "--name", name, "--network", network, "nc-probe:diag", "/probe"};
    a.insert(a.end(), cmd.begin(), cmd.end());
    ok(a);
  };
  start("client", "appnet", {"idle"});
  start("loop", "appnet", {"serve", "tcp://127.0.0.1:80"});
  start("alt", "appnet", {"serve", "tcp://0.0.0.0:8080"});
  start("walled", "appnet", {"serve", "tcp://0.0.0.0:80"});
  start("fine", "appnet", {"serve", "tcp://0.0.0.0:80"});
  start("gone", "appnet", {"idle"});
  start("apart", bridge, {"serve", "tcp://0.0.0.0:80"});
  // Published: host port 8081 to pub's port 80.
  ok({"run", "-d", "--name", "pub", "--network", "appnet", "-p", "8081:80", "nc-probe:diag", "/probe", "serve", "tcp://0.0.0.0:80"});
  ok({"stop", "-t", "0", "gone"});
  // Someone added a rule inside walled's namespace.
  auto walled_id = runtimes::trim(ok({"inspect", "--format", "{{.Id}}", "walled"}));
  auto pid = diagnose::pid_of_container(walled_id, 0);
  ASSERT_TRUE(pid) << pid.error().message();
  auto walled_ns = Namespaces::of_pid("walled", *pid, kNsNet);
  ASSERT_TRUE(walled_ns) << walled_ns.error().message();
  auto nft = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "nft");
    auto r = run({.argv = args, .ns = &*walled_ns}, 10s);
    return r ? r->out + r->err : r.error().message();
  };
  nft({"add table inet incident; add chain inet incident input { type filter hook input priority 0; }; "
       "add rule inet incident input tcp dport 80 drop"});

  // Every event of this fresh daemon so far; afterwards the list must be the same.
  auto events = [&] {
    std::vector<std::string> a{"events", "--since", "0", "--until", std::to_string(::time(nullptr) + 1), "--format",
                               podman ? "{{.Type}} {{.Status}} {{.Name}}" : "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}"};
    if (podman) a.insert(a.begin() + 1, "--stream=false");
    return ok(a);
  };
  auto state = [&] {
    // Podman's {{.State}} reads "Up 5 seconds ago": its start time and exit code instead.
    return ok({"ps", "-a", "--no-trunc", "--format",
               podman ? "{{.ID}} {{.Names}} {{.StartedAt}} {{.Exited}} {{.ExitCode}} {{.Networks}} {{.Ports}}"
                      : "{{.ID}} {{.Names}} {{.State}} {{.Networks}} {{.Ports}}"}) +
           ok({"network", "ls", "--no-trunc", "--format", "{{.ID}} {{.Name}} {{.Driver}}"}) + ok({"images", "-a", "--no-trunc", "-q"}) +
           nft({"list", "ruleset"});
  };
  auto events_before = podman ? "" : events();
  auto before = state();
  auto url = "unix://" + daemon.socket();
  auto diag_from = [&](std::string from, std::string target) {
    return netconform({"diagnose", from, target, podman ? "--podman-url" : "--docker-host", url}, 60s);
  };
  auto diag = [&](std::string target) { return diag_from("client", target); };

  // From host: the published port, checked in the runtime's own namespace.
  struct HostCase { const char* target; int exit; std::vector<std::string> says; };
  const HostCase host_cases[] = {
      {"pub:8081", 0, {"cause: path-works", "host port 8081 leads to pub:80"}},
      {"fine:8082", 1, {"cause: not-published", "fine publishes no port; nothing maps host port 8082", "-p 8082:"}},
      {"pub:8083", 1, {"cause: not-published", "pub publishes 8081->80/tcp; nothing maps host port 8083"}},
  };
  for (const HostCase& c : host_cases) {
    auto r = diag_from("host", c.target);
    EXPECT_EQ(r.exit_code, c.exit) << "host -> " << c.target << ":\n" << r.out << r.err;
    for (auto& w : c.says) EXPECT_NE(r.out.find(w), std::string::npos) << "host -> " << c.target << ": '" << w << "' in\n" << r.out << r.err;
  }
  auto no_port = diag_from("host", "pub");
  EXPECT_EQ(no_port.exit_code, 2) << no_port.out << no_port.err;
  EXPECT_NE(no_port.err.find("from host, give the published port"), std::string::npos) << no_port.err;

  struct Case { const char* target; int exit; std::vector<std::string> says; };
  const Case cases[] = {
      {"fine:80", 0, {"cause: path-works", "fine resolves to ", "(answered by "}},
      {"gone:80", 1, {"cause: not-running", "gone: exited (", "logs gone"}},
      {"nosuch:80", 1, {"cause: not-running", "nosuch: no such container"}},
      {"apart:80", 1, {"cause: no-shared-network", "client is on appnet; apart is on bridge"}},
      {"loop:80", 1, {"cause: bound-to-loopback", "loop listens on 127.0.0.1:80 only"}},
      {"alt:80", 1, {"cause: wrong-port", "nothing listens on port 80 in alt; it listens on 0.0.0.0:8080"}},
      {"walled:80", 1, {"cause: firewall", "table inet incident chain input (hook input, handle", "tcp dport 80 drop"}},
  };
  for (const Case& c : cases) {
    auto r = diag(c.target);
    EXPECT_EQ(r.exit_code, c.exit) << c.target << ":\n" << r.out << r.err;
    for (auto& s : c.says) EXPECT_NE(r.out.find(s), std::string::npos) << c.target << ": '" << s << "' in\n" << r.out << r.err;
  }
  auto j = netconform({"diagnose", "client", "alt:80", "--json", podman ? "--podman-url" : "--docker-host", url}, 60s);
  EXPECT_EQ(j.exit_code, 1) << j.out << j.err;
  auto parsed = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << j.out;
  EXPECT_EQ(parsed.value("cause", ""), "wrong-port") << j.out;
  EXPECT_EQ(parsed["steps"].back().value("step", ""), "listening") << j.out;
  EXPECT_NE(parsed.value("fix", "").find("8080"), std::string::npos) << j.out;
  // NC_SHOW_DIAGNOSE=1 prints two whole diagnoses, as README.md shows one.
  if (::getenv("NC_SHOW_DIAGNOSE")) std::cerr << diag("loop:80").out << diag("walled:80").out;
  auto usage = diag("fine:99999");
  EXPECT_EQ(usage.exit_code, 2) << usage.out << usage.err;
  EXPECT_NE(usage.err.find("port '99999' is not 1..65535"), std::string::npos) << usage.err;

  EXPECT_EQ(state(), before);
  // Not one event (create, start, exec, connect, ...) while it diagnosed. Docker only:
  // Podman 4.3's file event log reads back incompletely under load (seen empty, and with a
  // lone "system refresh" after); its containers, networks and images are compared above.
  if (!podman) {
    EXPECT_EQ(events(), events_before);
  }
}

TEST_F(CliKernel, DiagnoseAgainstALiveDockerNamesCausesAndChangesNothing) {
  if (!std::filesystem::exists("/usr/sbin/dockerd")) GTEST_SKIP() << "docker.io is not installed (ci/install-deps --with-runtimes)";
  if (chrooted()) GTEST_SKIP() << kChrootSkip;
  std::string dir = "/tmp/nc-diag-dockerd-" + std::to_string(::getpid());
  ExternalDaemon daemon(ExternalDaemon::Kind::kDocker, dir);
  ASSERT_TRUE(daemon.wait_ready()) << "the external dockerd did not answer: " << daemon.log();
  ExpectDiagnoseChangesNothing(daemon, dir, false);
}

TEST_F(CliKernel, DiagnoseAgainstALivePodmanNamesCausesAndChangesNothing) {
  if (!std::filesystem::exists("/usr/bin/podman")) GTEST_SKIP() << "podman is not installed (ci/install-deps --with-runtimes)";
  if (chrooted()) GTEST_SKIP() << kChrootSkip;
  std::string dir = "/tmp/nc-diag-podman-" + std::to_string(::getpid());
  ExternalDaemon service(ExternalDaemon::Kind::kPodman, dir);
  ASSERT_TRUE(service.wait_ready()) << "the external podman service did not answer: " << service.log();
  ExpectDiagnoseChangesNothing(service, dir, true);
}

TEST(CliInput, BadOptionsAreNamed) {
  auto r = netconform({"run", "--suite", "bogus"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("bogus"), std::string::npos) << r.err;
  r = netconform({"run", "--no-such-option"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE((r.out + r.err).find("--no-such-option"), std::string::npos) << r.out << r.err;
}

TEST(CliInput, AnUnknownRuntimeListsTheKnownOnes) {
  auto r = netconform({"run", "--runtime", "netimpl,dokcer"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  for (auto name : {"--runtime dokcer: unknown", "netimpl (", "docker (", "podman (", "docker@26.1 (", "podman@5.4 ("})
    EXPECT_NE(r.err.find(name), std::string::npos) << name << " in " << r.err;
}

// Before any lab starts: the message names the command that builds the root.
TEST(CliInput, ARuntimeRootNotBuiltNamesTheCommandThatBuildsIt) {
  auto r = run({.argv = {"env", "NETCONFORM_CACHE=/nonexistent-nc-cache", NC_NETCONFORM_PATH, "run", "--runtime",
                         "podman@5.4", "--filter", "BR-001"}}, 60s);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->exit_code, 2) << r->out << r->err;
  EXPECT_NE(r->err.find("/nonexistent-nc-cache/roots/debian-13 is not built"), std::string::npos) << r->err;
  EXPECT_NE(r->err.find("bash ci/runtime-root"), std::string::npos) << r->err;
  EXPECT_EQ(r->out.find("lab"), std::string::npos) << "no lab was started: " << r->out;
}

TEST(CliInput, FilterMatchingNothingIsAnError) {
  if (::geteuid() != 0) GTEST_SKIP() << "run needs root";
  auto r = netconform({"run", "--filter", "NOPE-*"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--filter NOPE-*: no check matches"), std::string::npos) << r.err;
}

TEST(CliInput, MalformedCheckFileIsReportedWithItsPosition) {
  if (::geteuid() != 0) GTEST_SKIP() << "run needs root";
  auto dir = ::testing::TempDir() + "nc-broken-catalogue";
  std::filesystem::create_directories(dir + "/conformance");
  std::ofstream(dir + "/conformance/br-900.yaml") << "id: BR-900\ntitle: t\nsource: s\nsteps:\n  - from: web\n    expct: ok\n";
  auto r = netconform({"run", "--checks", dir});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("br-900.yaml:"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

// A check file the loader must not hand to yaml-cpp: refused at once, in words, without
// its bytes reaching the terminal (here a NUL in double quotes, which yaml-cpp echoed raw,
// after an escape sequence that would colour the terminal red).
TEST(CliInput, ListRefusesBadBytesInWordsAndEchoesNoneOfThem) {
  auto dir = ::testing::TempDir() + "nc-bad-bytes-catalogue";
  std::filesystem::create_directories(dir + "/conformance");
  std::filesystem::create_directories(dir + "/scenarios");
  std::ofstream(dir + "/conformance/br-900.yaml", std::ios::binary)
      << std::string("id: BR-900\ntitle: \"a\\\0b\"\nsource: \x1b[31mred\nsteps: [{ note: x }]\n", 63);
  auto r = netconform({"list", "--checks", dir});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("br-900.yaml:2:11: a NUL byte (0x00)"), std::string::npos) << r.err;
  EXPECT_FALSE(std::ranges::any_of(r.err, [](unsigned char c) { return c < 0x20 && c != '\n'; })) << r.err;
  std::filesystem::remove_all(dir);
}

TEST(CliInput, ListJsonIsTheContract) {
  auto r = netconform({"list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_array());
  ASSERT_FALSE(j.empty());
  for (auto& c : j) {
    EXPECT_TRUE(c["id"].is_string());
    EXPECT_TRUE(c["title"].is_string());
    EXPECT_TRUE(c["suite"] == "conformance" || c["suite"] == "scenarios") << c;
    EXPECT_TRUE(c["requires"].is_array());
  }
}

}  // namespace
}  // namespace nc

namespace nc {
namespace {

// `new scenario` writes a skeleton that loads, never overwrites, and refuses bad IDs.
TEST(CliNew, WritesASkeletonThatLoadsAndNeverOverwrites) {
  auto dir = ::testing::TempDir() + "nc-new-scenario";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/conformance");
  std::filesystem::create_directories(dir + "/scenarios");
  auto r = netconform({"new", "scenario", "SCN-DNS-900", "--checks", dir});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto file = dir + "/scenarios/scn-dns-900.yaml";
  ASSERT_TRUE(std::filesystem::exists(file));
  auto listed = netconform({"list", "--checks", dir});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("SCN-DNS-900"), std::string::npos) << listed.out;
  // A second time: refused, the file untouched.
  std::ofstream(file, std::ios::app) << "# edited\n";
  auto again = netconform({"new", "scenario", "SCN-DNS-900", "--checks", dir});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("SCN-DNS-900 is taken"), std::string::npos) << again.err;
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_TRUE(text.ends_with("# edited\n"));
  for (std::string bad : {"BR-001", "SCN-1", "scn-001", "SCN-001/../x", "SCN-\x1b-001"}) {
    auto b = netconform({"new", "scenario", bad, "--checks", dir});
    EXPECT_EQ(b.exit_code, 2) << bad;
    EXPECT_NE(b.err.find("is not a scenario ID"), std::string::npos) << b.err;
    EXPECT_EQ(b.err.find('\x1b'), std::string::npos);
  }
  EXPECT_EQ(netconform({"new", "check", "SCN-001", "--checks", dir}).exit_code, 2);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nc
