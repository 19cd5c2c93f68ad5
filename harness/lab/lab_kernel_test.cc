// Kernel tests of the lab: a body's work comes back through inherited fds, and nothing it
// builds (netns, bridge, veth, mounts, nft table, files) survives the lab.
// Need root; skip with the reason otherwise.
#include "harness/lab/lab.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

class LabKernel : public LabKernelTest {};


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

// Under a chroot, joining the lab's mount namespace with setns() (what Namespaces::run
// does to start a daemon in the lab) must land in the chroot, not on the machine's root:
// on a fresh Debian root checked with chroot, dockerd's state went to the machine's /run.
TEST_F(LabKernel, JoiningTheLabUnderAChrootStaysInTheChroot) {
  char tmpl[] = "/tmp/nc-lab-chroot-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string root = tmpl;
  // No /etc/hosts, as in debootstrap's minbase: the lab shows one without writing it here.
  for (auto d : {"/proc", "/run", "/var", "/var/tmp", "/tmp", "/etc"}) ASSERT_EQ(::mkdir((root + d).c_str(), 0755), 0);
  pid_t child = ::fork();
  if (child == 0) {
    // As ../shared/tools/fresh-debian-check does: the new root is a mount point.
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount(root.c_str(), root.c_str(), nullptr, MS_BIND, nullptr) != 0 || ::chroot(root.c_str()) != 0 || ::chdir("/") != 0 || ::mount("proc", "/proc", "proc", 0, nullptr) != 0)
      ::_exit(10);
    auto rc = run_in_lab({}, [] {
      if (::access("/etc/hosts", F_OK) != 0) return 5;
      std::ofstream("/run/netconform/marker") << "in the lab\n";
      auto mnt = Namespaces::current("lab", kNsMnt);
      if (!mnt) return 2;
      auto seen = mnt->run([]() -> Result<bool> { return ::access("/run/netconform/marker", F_OK) == 0; });
      return !seen ? 3 : *seen ? 0 : 4;
    });
    if (!rc) std::fprintf(stderr, "lab: %s\n", rc.error().message().c_str());
    ::_exit(!rc ? 11 : *rc);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  bool hosts_written = std::filesystem::exists(root + "/etc/hosts");
  std::filesystem::remove_all(root);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: chroot setup, 11: lab failed, 2/3: join failed, "
                                       "4: a thread that joined the lab's mount namespace saw another root, "
                                       "5: no /etc/hosts in the lab";
  EXPECT_FALSE(hosts_written) << "the lab wrote /etc/hosts into the root";
  ExpectMachineUntouched();
}

TEST_F(LabKernel, RunnerKilledBySignalGives128PlusSignal) {
  auto rc = run_in_lab({}, [] { return ::raise(SIGUSR1); });
  ASSERT_TRUE(rc) << rc.error().message();
  EXPECT_EQ(*rc, 128 + SIGUSR1);
}

TEST_F(LabKernel, StateDirMustBeOnTheLabTmpfs) {
  for (const char* dir : {"/etc/netconform", "/run", "/run/../etc/x", "relative"}) {
    auto rc = run_in_lab({.state_dir = dir}, [] { return 0; });
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

// A failure inside the lab before the body runs comes back as an error, not an exit code.
TEST_F(LabKernel, SetupFailureInsideTheLabIsAnError) {
  auto rc = run_in_lab({.state_dir = "/run/" + std::string(300, 'x')}, [] { return 0; });
  ASSERT_FALSE(rc);
  EXPECT_EQ(rc.error().sys_errno(), ENAMETOOLONG);
  EXPECT_THAT(rc.error().message(), ::testing::HasSubstr("run lab: create state directory /run/xxx"));
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
  EXPECT_LT(median_ms(host), 300) << "links waiting for the kernel's 1 s linkwatch? see link_ready.h";
}

}  // namespace
}  // namespace nc::lab
