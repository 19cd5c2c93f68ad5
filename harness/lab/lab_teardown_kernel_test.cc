// Kernel tests of the lab's teardown: however the lab ends — SIGKILL of its caller,
// SIGTERM to its init, SIGINT to the caller — every process of it is gone at once and the
// machine is untouched. The caller ("outer netconform") is a forked child so that a test
// can kill it. Need root; skip with the reason otherwise.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/lab/lab.h"
#include "harness/lab/lab_test_support.h"
#include "harness/lab/topology.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/process/pidfd.h"
#include "netimpl/process/process.h"

namespace nc::lab {
namespace {

using namespace std::chrono_literals;
using namespace nc::lab::testing;
using Clock = std::chrono::steady_clock;

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

class LabTeardownKernel : public LabKernelTest {
 protected:
  // The lab's init, orphaned when its caller dies, is adopted by this test process rather
  // than by the machine's init (which reaps when it gets round to it): we reap it, so not
  // even a zombie of the lab remains.
  void SetUp() override {
    LabKernelTest::SetUp();
    ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  }
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
    ::waitpid(lab_.init, nullptr, WNOHANG);  // adopted (see SetUp) unless the caller reaped it
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
