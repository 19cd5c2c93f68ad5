// End-to-end tests of the netconform binary: the machine is untouched by a full run, a run
// killed with SIGKILL mid-check leaves nothing behind, and bad input gets clear errors.
// Kernel tests: they need root and run real labs.
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/lab/machine_snapshot.h"
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
}

TEST(CliInput, BadOptionsAreNamed) {
  auto r = netconform({"run", "--suite", "bogus"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("bogus"), std::string::npos) << r.err;
  r = netconform({"run", "--no-such-option"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE((r.out + r.err).find("--no-such-option"), std::string::npos) << r.out << r.err;
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
