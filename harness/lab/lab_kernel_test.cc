// Kernel tests of the lab: whatever a body does, and however the lab ends (return,
// SIGKILL of the caller, SIGTERM of init), nothing of it remains on the machine.
// Need root; skip with the reason otherwise.
#include "harness/lab/lab.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/lab/machine_snapshot.h"
#include "harness/lab/topology.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/process/pidfd.h"
#include "netimpl/process/process.h"

namespace nc::lab {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

ino_t pidns_of(pid_t pid) {
  struct stat st {};
  return ::stat(fmt::format("/proc/{}/ns/pid", pid).c_str(), &st) == 0 ? st.st_ino : 0;
}

// 'Z' for a zombie, 0 when gone.
char state_of(pid_t pid) {
  std::ifstream f(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(f, line)) return 0;
  size_t paren = line.rfind(')');
  return paren + 2 < line.size() ? line[paren + 2] : 0;
}

// Every process (as the machine sees it) in the PID namespace with inode `ns` that has
// not exited. Zombies do not count: when the caller is killed, the lab's dead init waits
// for the machine's init to reap it, which here takes up to ~2 s.
std::set<pid_t> processes_in_pidns(ino_t ns) {
  std::set<pid_t> out;
  DIR* d = ::opendir("/proc");
  while (dirent* e = d ? ::readdir(d) : nullptr) {
    pid_t pid = std::atoi(e->d_name);
    if (pid > 0 && pidns_of(pid) == ns && state_of(pid) != 'Z') out.insert(pid);
  }
  if (d) ::closedir(d);
  return out;
}

std::string comm_of(pid_t pid) {
  std::ifstream f(fmt::format("/proc/{}/comm", pid));
  std::string s;
  std::getline(f, s);
  return s;
}

// Waits, bounded, until every pidfd reports its process exited (2 ms polls, not sleeps).
bool all_exit_within(const std::vector<UniqueFd>& pidfds, std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  for (const auto& fd : pidfds) {
    pollfd p{fd.get(), POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 0))) != 1) return false;
  }
  return true;
}

bool pidns_empty_within(ino_t ns, std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  while (!processes_in_pidns(ns).empty()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// Reads "key value\n" lines from a pipe until `want` keys were seen or the time is up.
std::map<std::string, std::string> read_reports(int fd, size_t want, std::chrono::milliseconds limit) {
  std::map<std::string, std::string> out;
  std::string buf;
  auto deadline = Clock::now() + limit;
  while (out.size() < want) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) != 1) break;
    char tmp[256];
    ssize_t n = ::read(fd, tmp, sizeof tmp);
    if (n <= 0) break;
    buf.append(tmp, static_cast<size_t>(n));
    for (size_t nl; (nl = buf.find('\n')) != std::string::npos; buf.erase(0, nl + 1)) {
      std::string line = buf.substr(0, nl);
      size_t sp = line.find(' ');
      out[line.substr(0, sp)] = sp == std::string::npos ? "" : line.substr(sp + 1);
    }
  }
  return out;
}

void report(int fd, const std::string& key, const std::string& value = "") {
  std::string line = key + " " + value + "\n";
  [[maybe_unused]] ssize_t n = ::write(fd, line.data(), line.size());
}

class LabKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for PID, network and mount namespaces";
    auto s = MachineSnapshot::take();
    ASSERT_TRUE(s) << s.error().message();
    before_ = std::move(*s);
  }
  void ExpectMachineUntouched() {
    auto after = MachineSnapshot::take();
    ASSERT_TRUE(after) << after.error().message();
    EXPECT_EQ(diff(before_, *after), "");
  }
  MachineSnapshot before_;
};

// ---- a body that builds things, then returns ----

// Each step returns its number on failure, so the exit code says which one broke.
int build_things_in_lab(int results_fd) {
  auto fail = [&](int step, const Error& e) {
    report(results_fd, "error", fmt::format("step {}: {}", step, e.message()));
    return step;
  };
  if (::getpid() != 2) return 1;  // the runner is PID 2 of the lab, /proc is the lab's
  struct statfs fs {};
  if (::statfs("/run/netconform", &fs) != 0 || fs.f_type != TMPFS_MAGIC) return 2;
  auto lab_ns = Namespaces::current("lab", kNsNet);
  auto rtnl = lab_ns ? netlink::Rtnl::open(*lab_ns) : std::unexpected(lab_ns.error());
  if (!rtnl) return fail(3, rtnl.error());
  auto lo = rtnl->find_link("lo");
  if (!lo || !*lo || !(*lo)->up) return 4;
  auto c1 = Namespaces::create("c1", kNsNet);
  if (!c1) return fail(5, c1.error());
  if (auto r = rtnl->create_bridge("br-lab"); !r) return fail(6, r.error());
  if (auto r = rtnl->create_veth({.name = "veth-c1", .peer = "eth0", .peer_ns = &*c1, .master = "br-lab"}); !r)
    return fail(7, r.error());
  if (::mkdir("/run/netconform/data", 0755) != 0) return 8;
  if (::mount("tmpfs", "/run/netconform/data", "tmpfs", 0, "size=1m") != 0) return 9;
  std::ofstream("/run/netconform/data/file") << "lab data\n";
  std::ofstream("/var/tmp/netconform-lab-file") << "lab data\n";
  // Named netns (bind mounts under /run/netns) and an nft table, made by the usual tools.
  for (auto argv : {std::vector<std::string>{"ip", "netns", "add", "nc-lab-test"},
                    std::vector<std::string>{"nft", "add", "table", "inet", "nc_lab_test"}}) {
    auto r = run({.argv = argv}, 10s);
    if (!r || r->exit_code != 0) return fail(10, r ? Error(r->err) : r.error());
  }
  report(results_fd, "done");
  return 42;
}

TEST_F(LabKernel, BodyResultComesBackAndNothingRemains) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  UniqueFd rd(p[0]), wr(p[1]);
  pid_t init = 0;
  UniqueFd init_fd;
  ino_t lab_pidns = 0;
  LabOptions opts{.on_started = [&](pid_t pid) {
    init = pid;
    init_fd.reset(::pidfd_open(pid, 0));
    lab_pidns = pidns_of(pid);
  }};
  auto rc = run_in_lab(opts, [&] { return build_things_in_lab(wr.get()); });
  ASSERT_TRUE(rc) << rc.error().message();
  wr.reset();
  auto reports = read_reports(rd.get(), 2, 1s);
  EXPECT_EQ(*rc, 42) << reports["error"];
  EXPECT_TRUE(reports.contains("done"));  // fds are inherited: results come back

  ASSERT_TRUE(init_fd);
  EXPECT_NE(lab_pidns, pidns_of(::getpid()));
  errno = 0;
  EXPECT_EQ(::waitpid(init, nullptr, WNOHANG), -1);  // reaped, not a zombie
  EXPECT_EQ(errno, ECHILD);
  EXPECT_TRUE(processes_in_pidns(lab_pidns).empty());
  struct stat st {};
  EXPECT_NE(::stat("/var/tmp/netconform-lab-file", &st), 0);
  ExpectMachineUntouched();
}

std::set<std::string> own_mount_points() {
  std::ifstream f("/proc/self/mountinfo");
  std::set<std::string> out;
  for (std::string line; std::getline(f, line);) {
    std::istringstream in(line);
    std::string id, parent, dev, root, point;
    in >> id >> parent >> dev >> root >> point;
    out.insert(point);
  }
  return out;
}

// Debian's "/" is a shared mount (this machine's is not). Recreate that in a throwaway
// mount namespace — first made private, so nothing can reach the machine — and check
// that the lab's mounts (proc, the tmpfs over /run, a body's mount) stay in the lab.
TEST_F(LabKernel, LabMountsStayInTheLabWhenRootIsShared) {
  pid_t child = ::fork();
  if (child == 0) {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_SHARED, nullptr) != 0)
      ::_exit(10);
    auto before = own_mount_points();
    auto rc = run_in_lab({}, [] { return ::mount("tmpfs", "/run/netconform", "tmpfs", 0, nullptr) == 0 ? 0 : 1; });
    if (!rc || *rc != 0) ::_exit(11);
    ::_exit(own_mount_points() == before ? 0 : 12);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: setup, 11: lab failed, 12: lab mounts leaked out";
  ExpectMachineUntouched();
}

TEST_F(LabKernel, RunnerKilledBySignalGives128PlusSignal) {
  auto rc = run_in_lab({}, [] { return ::raise(SIGUSR1); });
  ASSERT_TRUE(rc) << rc.error().message();
  EXPECT_EQ(*rc, 128 + SIGUSR1);
}

TEST_F(LabKernel, StateDirMustBeOnTheLabTmpfs) {
  for (const char* dir : {"/etc/netconform", "/run", "/run/../etc/x", "relative"}) {
    bool ran = false;
    auto rc = run_in_lab({.state_dir = dir}, [&] {
      ran = true;
      return 0;
    });
    ASSERT_FALSE(rc) << dir;
    EXPECT_THAT(rc.error().message(), ::testing::HasSubstr("below /run/"));
  }
  auto rc = run_in_lab({.state_dir = "/run/a/b/c"}, [] {
    struct stat st {};
    return ::stat("/run/a/b/c", &st) == 0 && S_ISDIR(st.st_mode) ? 0 : 1;
  });
  ASSERT_TRUE(rc) << rc.error().message();
  EXPECT_EQ(*rc, 0);
  ExpectMachineUntouched();
}

TEST_F(LabKernel, RefusesAMultiThreadedCaller) {
  std::atomic<bool> stop{false};
  std::thread t([&] {
    while (!stop) std::this_thread::sleep_for(1ms);
  });
  auto rc = run_in_lab({}, [] { return 0; });
  stop = true;
  t.join();
  ASSERT_FALSE(rc);
  EXPECT_THAT(rc.error().message(), ::testing::HasSubstr("single-threaded"));
}

// ---- the caller ("outer netconform") as a forked child, so a test can kill it ----

struct OuterChild {
  pid_t pid = -1;
  UniqueFd pidfd, reports;
};

// Forks a child that runs a lab whose body builds a LabHost, a bridge and a `sleep` in the
// host, reports "init <pid>" (from on_started) and "ready", then blocks.
OuterChild start_outer_with_busy_lab() {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return {};
  OuterChild c;
  c.pid = ::fork();
  if (c.pid == 0) {
    ::close(p[0]);
    int fd = p[1];
    LabOptions opts{.on_started = [fd](pid_t pid) { report(fd, "init", std::to_string(pid)); }};
    auto rc = run_in_lab(opts, [fd]() -> int {
      auto lab = LabHost::create();
      if (!lab) return report(fd, "error", lab.error().message()), 1;
      auto rtnl = netlink::Rtnl::open(lab->host());
      if (!rtnl || !rtnl->create_bridge("br-busy")) return report(fd, "error", "bridge"), 2;
      auto sleeper = Process::spawn({.argv = {"sleep", "1000"}, .ns = &lab->host()});
      if (!sleeper) return report(fd, "error", sleeper.error().message()), 3;
      report(fd, "ready");
      for (;;) ::pause();
    });
    ::_exit(rc ? *rc : 100);
  }
  ::close(p[1]);
  c.reports.reset(p[0]);
  c.pidfd.reset(::pidfd_open(c.pid, 0));
  return c;
}

struct LabProcesses {
  pid_t init = 0;
  ino_t pidns = 0;
  std::set<pid_t> pids;
  std::vector<UniqueFd> pidfds;
};

// Everything running in the lab of `init`, with pidfds opened now (so a recycled pid can
// never be mistaken for a survivor).
LabProcesses record_lab(pid_t init) {
  LabProcesses l{.init = init, .pidns = pidns_of(init)};
  l.pids = processes_in_pidns(l.pidns);
  for (pid_t p : l.pids) l.pidfds.emplace_back(::pidfd_open(p, 0));
  return l;
}

int reap_within(const OuterChild& c, std::chrono::milliseconds limit) {
  pollfd p{c.pidfd.get(), POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(limit.count())) != 1) return -1;
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

class LabTeardownKernel : public LabKernel {
 protected:
  void StartBusyLab() {
    outer_ = start_outer_with_busy_lab();
    ASSERT_GT(outer_.pid, 0);
    auto r = read_reports(outer_.reports.get(), 2, 20s);
    ASSERT_FALSE(r.contains("error")) << r["error"];
    ASSERT_TRUE(r.contains("init") && r.contains("ready"));
    lab_ = record_lab(std::stoi(r["init"]));
    std::vector<std::string> comms;
    for (pid_t p : lab_.pids) comms.push_back(comm_of(p));
    EXPECT_THAT(comms, ::testing::Contains("sleep"));
    EXPECT_GE(lab_.pids.size(), 3u);  // init, runner, sleep
  }
  // A failed test must not leak its lab: kill what it recorded (init first: that alone
  // takes the rest), through pidfds, so no recycled pid is hit.
  void TearDown() override {
    for (const auto& fd : lab_.pidfds) ::pidfd_send_signal(fd.get(), SIGKILL, nullptr, 0);
    if (outer_.pid > 0 && reap_within(outer_, 0ms) < 0) {
      ::kill(outer_.pid, SIGKILL);
      ::waitpid(outer_.pid, nullptr, 0);
    }
  }
  void ExpectLabGone() {
    auto start = Clock::now();
    EXPECT_TRUE(all_exit_within(lab_.pidfds, 5s));
    EXPECT_TRUE(pidns_empty_within(lab_.pidns, 5s));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    EXPECT_LT(ms, 2000) << "teardown took " << ms << " ms";
    ExpectMachineUntouched();
  }
  OuterChild outer_;
  LabProcesses lab_;
};

TEST_F(LabTeardownKernel, SigkillOfTheCallerTakesTheWholeLab) {
  StartBusyLab();
  ASSERT_EQ(::kill(outer_.pid, SIGKILL), 0);
  EXPECT_EQ(reap_within(outer_, 5s), 128 + SIGKILL);
  ExpectLabGone();
}

TEST_F(LabTeardownKernel, SigtermToInitTearsDownPromptly) {
  StartBusyLab();
  ASSERT_EQ(::kill(lab_.init, SIGTERM), 0);
  EXPECT_EQ(reap_within(outer_, 5s), 128 + SIGTERM);  // run_in_lab returned 143
  ExpectLabGone();
}

TEST_F(LabTeardownKernel, SigintToTheCallerIsForwardedToInit) {
  StartBusyLab();
  ASSERT_EQ(::kill(outer_.pid, SIGINT), 0);
  EXPECT_EQ(reap_within(outer_, 5s), 128 + SIGINT);
  ExpectLabGone();
}

}  // namespace
}  // namespace nc::lab


namespace nc::lab {
namespace {

double median_ms(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class F>
double time_ms(F&& f) {
  auto start = Clock::now();
  f();
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Prints what a lab and a LabHost cost (checks pay this each); fails only when they get
// absurdly slow (a lab that takes a second to start would dominate a whole suite).
TEST_F(LabKernel, StartStopAndLabHostCost) {
  std::vector<double> lab, host;
  for (int i = 0; i < 15; ++i) {
    lab.push_back(time_ms([] { EXPECT_EQ(run_in_lab({}, [] { return 0; }).value_or(-1), 0); }));
    host.push_back(time_ms([] { EXPECT_TRUE(LabHost::create()); }));
  }
  std::printf("run_in_lab start+stop median %.1f ms; LabHost::create+drop median %.1f ms\n", median_ms(lab),
              median_ms(host));
  EXPECT_LT(median_ms(lab), 1000);
  EXPECT_LT(median_ms(host), 1000);
}

}  // namespace
}  // namespace nc::lab
