// Kernel tests of the real runtimes in the lab: SIGKILL of `netconform run --runtime docker`
// mid-run leaves nothing behind — no daemon, shim, container or probe process, no mount,
// namespace, link or rule on the machine, no file in /etc, /var/lib or /run — and what it
// leaves in /sys/fs/cgroup (empty directories) `netconform gc` removes.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "harness/lab/machine_snapshot.h"
#include "harness/runtimes/cgroup_gc.h"
#include "netimpl/process/process.h"

namespace nc::runtimes {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Processes by name (comm), machine-wide.
std::multiset<std::string> process_names() {
  std::multiset<std::string> out;
  for (auto& e : fs::directory_iterator("/proc")) {
    auto n = e.path().filename().string();
    if (n.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream comm(e.path() / "comm");
    std::string name;
    if (std::getline(comm, name)) out.insert(name);
  }
  return out;
}

size_t count_runtime_processes() {
  size_t n = 0;
  for (auto& name : process_names())
    n += name == "dockerd" || name == "containerd" || name.starts_with("containerd-shim") || name == "runc" ||
         name == "probe" || name == "conmon" || name == "aardvark-dns";  // "probe": /probe in an image
  return n;
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

TEST(RuntimesKernelTest, SigkillMidDockerRunLeavesNothing) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  if (!fs::exists("/usr/sbin/dockerd")) GTEST_SKIP() << "docker.io is not installed (ci/install-deps --with-runtimes)";
  ASSERT_EQ(count_runtime_processes(), 0u) << "a runtime process is already running; the test could not tell";
  auto before = lab::MachineSnapshot::take();
  ASSERT_TRUE(before) << before.error().message();
  auto etc = listing("/etc"), varlib = listing("/var/lib"), run = listing("/run");

  auto p = Process::spawn({.argv = {NC_NETCONFORM_PATH, "run", "--runtime", "docker", "--filter", "BR-*,PORT-*"}});
  ASSERT_TRUE(p) << p.error().message();
  // The first progress line means the daemon is up and a container has come and gone;
  // the kill lands while later checks run.
  auto line = p->read_line(120s);
  ASSERT_TRUE(line) << line.error().message();
  while (line && !(line->starts_with("[") && line->find(" docker ") != std::string::npos)) line = p->read_line(120s);
  ASSERT_TRUE(line) << line.error().message();
  std::this_thread::sleep_for(500ms);
  ASSERT_GT(count_runtime_processes(), 0u) << "dockerd should be running now";
  pid_t pid = p->pid();
  ::kill(pid, SIGKILL);
  auto code = p->wait_for(10s);
  ASSERT_TRUE(code && *code) << "netconform did not die";

  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (count_runtime_processes() > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(count_runtime_processes(), 0u) << "a daemon, shim or container process outlived the run";
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
}

}  // namespace
}  // namespace nc::runtimes
