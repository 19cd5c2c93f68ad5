// End-to-end tests of `netconform run --kernel`: a cached Debian kernel boots in a VM and
// runs one check; SIGKILL of netconform leaves no qemu behind; a VM that does not finish in
// its bound is killed and the error shows the guest's last lines. Kernel tests: they need
// root, qemu (ci/install-deps --with-kernels) and the kernel (ci/kernels debian-6.1); each
// skips with the reason when one is missing.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/vm/kernel_choice.h"
#include "harness/vm/vm.h"
#include "netimpl/process/process.h"

namespace nc {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// The kernel to boot, or why the test cannot.
std::string missing_kernel() {
  if (auto m = vm::qemu_missing(); !m.empty()) return m;
  auto k = vm::resolve_kernel("debian-6.1");
  return k ? "" : k.error().message();
}

#define SKIP_WITHOUT_VM()                                    \
  do {                                                       \
    if (auto why = missing_kernel(); !why.empty()) GTEST_SKIP() << why; \
  } while (0)

TEST(RunKernel, BootsTheCachedKernelAndRunsOneCheckThere) {
  SKIP_WITHOUT_VM();
  auto dir = vm::TempDir::make("nc-vm-test-");
  ASSERT_TRUE(dir);
  std::string json = (dir->path() / "r.json").string();
  // PORT-013 needs br_netfilter, a module of Debian's kernels that nothing has loaded in a
  // fresh guest: it runs (instead of skipping) only because the guest loads it first.
  auto r = run({.argv = {NC_NETCONFORM_PATH, "run", "--kernel", "debian-6.1", "--filter", "BR-001,PORT-013", "--json", json}},
               600s);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->exit_code, 0) << r->out << r->err;
  EXPECT_NE(r->out.find("[debian-6.1] netconform-init: running"), std::string::npos) << r->out;
  EXPECT_NE(r->out.find("[debian-6.1] netconform-guest: loaded module br_netfilter"), std::string::npos) << r->out;
  std::ifstream in(json);
  auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["results"].size(), 2u);
  std::map<std::string, nlohmann::json> by_id;
  for (auto& res : j["results"]) by_id[res["id"]] = res;
  EXPECT_EQ(by_id["BR-001"]["status"], "pass");
  EXPECT_EQ(by_id["PORT-013"]["status"], "pass") << by_id["PORT-013"].dump();
  // The checks ran on the guest's kernel, not on this machine's.
  EXPECT_EQ(by_id["BR-001"]["kernel"], vm::resolve_kernel("debian-6.1")->release);
  EXPECT_EQ(j["kernel"]["release"], vm::resolve_kernel("debian-6.1")->release);
  // What the kernel probe found in the guest: that kernel's features, not this machine's
  // (ipvlan, which this machine's kernel lacks, and the modules the guest loaded).
  ASSERT_EQ(j["kernels"].size(), 1u);
  EXPECT_EQ(j["kernels"][0]["release"], vm::resolve_kernel("debian-6.1")->release);
  std::map<std::string, bool> available;
  for (auto& f : j["kernels"][0]["features"]) available[f["name"]] = f["available"];
  EXPECT_TRUE(available["br_netfilter"]);
  EXPECT_TRUE(available["netem"]);
  EXPECT_TRUE(available["ipvlan"]);
}

// qemu's pid among the children of `parent`, once it is there.
pid_t child_named(pid_t parent, const std::string& comm) {
  for (auto& e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    std::getline(stat, line);
    auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    int ppid = -1;
    char state;
    std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid);
    if (ppid == parent && line.substr(open + 1, close - open - 1).starts_with(comm)) return std::stoi(name);
  }
  return -1;
}

bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  auto close = line.rfind(')');
  return close != std::string::npos && line[close + 2] != 'Z';
}

TEST(RunKernel, NoQemuIsLeftAfterSigkillOfNetconform) {
  SKIP_WITHOUT_VM();
  auto p = Process::spawn({.argv = {NC_NETCONFORM_PATH, "run", "--kernel", "debian-6.1", "--filter", "BR-001"}});
  ASSERT_TRUE(p) << p.error().message();
  // Once the guest's init speaks, the qemu that booted it is running (a failed KVM
  // attempt before it has already exited).
  for (;;) {
    auto line = p->read_line(300s);
    ASSERT_TRUE(line) << line.error().message();
    if (line->find("netconform-init: running") != std::string::npos) break;
  }
  pid_t qemu = -1;
  for (int i = 0; i < 600 && qemu < 0; ++i) {
    qemu = child_named(p->pid(), "qemu-system");
    if (qemu < 0) std::this_thread::sleep_for(100ms);
  }
  ASSERT_GT(qemu, 0) << "no qemu child of netconform " << p->pid();
  ASSERT_TRUE(alive(qemu));
  ::kill(p->pid(), SIGKILL);
  auto code = p->wait_for(30s);
  ASSERT_TRUE(code && *code) << "netconform did not die";
  // PR_SET_PDEATHSIG kills qemu with its parent; give the kernel a bounded while to do it.
  for (int i = 0; i < 300 && alive(qemu); ++i) std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(alive(qemu)) << "qemu " << qemu << " outlived netconform";
  if (alive(qemu)) ::kill(qemu, SIGKILL);
  // Its share stayed behind (nothing ran its destructor); the next VM run removes it.
  std::string prefix = fmt::format("netconform-vm-{}-", p->pid());
  auto left = [&] {
    for (auto& e : fs::directory_iterator(fs::temp_directory_path()))
      if (e.path().filename().string().starts_with(prefix)) return true;
    return false;
  };
  EXPECT_TRUE(left());
  vm::sweep_stale_shares();
  EXPECT_FALSE(left());
}

// A command that does not end within the bound: qemu is killed, the error names the bound
// and carries the guest's last console lines.
TEST(RunInVm, ACommandPastItsBoundIsKilledWithTheGuestsLastLines) {
  SKIP_WITHOUT_VM();
  vm::VmSpec spec{.kernel = *vm::resolve_kernel("debian-6.1")};
  spec.argv = {"sh", "-c", "echo still-here; sleep 600"};
  spec.timeout = 60s;  // the guest boots in well under this; the command never ends
  auto r = vm::run_in_vm(spec);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("the command did not finish within 60 s"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("still-here"), std::string::npos) << r.error().message();
}

TEST(RunInVm, TheCommandsExitCodeComesBack) {
  SKIP_WITHOUT_VM();
  vm::VmSpec spec{.kernel = *vm::resolve_kernel("debian-6.1")};
  spec.argv = {"sh", "-c", "uname -r > /netconform-out/release; exit 3"};
  auto r = vm::run_in_vm(spec);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->exit_code, 3);
  std::ifstream rel(r->share.path() / "release");
  std::string release;
  std::getline(rel, release);
  EXPECT_EQ(release, spec.kernel.release);
  EXPECT_NE(r->kernel_log.find("netconform-init"), std::string::npos) << r->kernel_log;
}

// A kernel of the user's own (--kernel PATH) whose initramfs holds no init: the guest
// panics, qemu ends, and the run fails with the guest's last lines instead of hanging.
TEST(RunKernel, AGuestThatDoesNotBootFailsTheRunWithItsLastLines) {
  SKIP_WITHOUT_VM();
  auto cached = *vm::resolve_kernel("debian-6.1");
  auto dir = vm::TempDir::make("nc-vm-test-");
  ASSERT_TRUE(dir);
  fs::path k = dir->path() / "broken";
  fs::create_directories(k / "lib" / "modules");
  fs::create_symlink(cached.image(), k / "vmlinuz");
  fs::create_directory_symlink(cached.modules(), k / "lib" / "modules" / cached.release);
  fs::create_directories(dir->path() / "empty" / "etc");
  auto cpio = run({.argv = {"sh", "-c", fmt::format("cd {}/empty && echo etc | cpio -o -H newc --quiet | gzip > {}/initramfs.cpio.gz",
                                                    dir->path().string(), k.string())}}, 30s);
  ASSERT_TRUE(cpio && cpio->exit_code == 0);
  auto r = run({.argv = {NC_NETCONFORM_PATH, "run", "--kernel", k.string(), "--filter", "BR-001"}}, 600s);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->exit_code, 1) << r->out << r->err;
  EXPECT_NE(r->err.find("the guest ended without an exit code"), std::string::npos) << r->err;
  EXPECT_NE(r->err.find("Kernel panic"), std::string::npos) << r->err;
}

TEST(RunKernelInput, AnUnknownKernelListsTheKnownOnes) {
  auto r = run({.argv = {NC_NETCONFORM_PATH, "run", "--kernel", "host,debian-5.10"}}, 60s);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->exit_code, 2) << r->out << r->err;
  EXPECT_NE(r->err.find("--kernel debian-5.10: unknown kernel (known: host, debian-6.1, debian-6.12"), std::string::npos)
      << r->err;
}

TEST(RunKernelInput, AKernelNotFetchedNamesTheCommandThatFetchesIt) {
  auto r = run({.argv = {"env", "NETCONFORM_CACHE=/nonexistent-nc-cache", NC_NETCONFORM_PATH, "run", "--kernel",
                         "debian-6.12", "--filter", "BR-001"}}, 60s);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->exit_code, 2) << r->out << r->err;
  EXPECT_NE(r->err.find("not fetched yet"), std::string::npos) << r->err;
  EXPECT_NE(r->err.find("run: ci/kernels debian-6.12"), std::string::npos) << r->err;
  EXPECT_EQ(r->out.find("lab"), std::string::npos) << "no lab was started: " << r->out;
}

// A CI's shards (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX) split the selection between jobs,
// each job still running its part in --jobs labs: disjoint, and together all of it.
TEST(RunShards, CiShardsSplitTheChecksBetweenJobs) {
  if (::geteuid() != 0) GTEST_SKIP() << "run needs root";
  auto dir = vm::TempDir::make("nc-shard-test-");
  ASSERT_TRUE(dir);
  std::set<std::string> seen;
  size_t total = 0;
  for (int i = 0; i < 2; ++i) {
    std::string json = (dir->path() / fmt::format("s{}.json", i)).string();
    auto r = run({.argv = {NC_NETCONFORM_PATH, "run", "--filter", "BR-00?", "--jobs", "2", "--json", json},
                  .env_extra = {"GTEST_TOTAL_SHARDS=2", fmt::format("GTEST_SHARD_INDEX={}", i)}}, 300s);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->exit_code, 0) << r->out << r->err;
    std::ifstream in(json);
    auto j = nlohmann::json::parse(in);
    EXPECT_GT(j["results"].size(), 0u);
    for (auto& res : j["results"]) seen.insert(res["id"].get<std::string>());
    total += j["results"].size();
  }
  EXPECT_EQ(seen.size(), 9u);  // BR-001 .. BR-009
  EXPECT_EQ(total, 9u);        // none twice
  auto bad = run({.argv = {NC_NETCONFORM_PATH, "run", "--filter", "BR-001"}, .env_extra = {"GTEST_TOTAL_SHARDS=2"}}, 60s);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->exit_code, 2);
  EXPECT_NE(bad->err.find("GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX must be set together"), std::string::npos) << bad->err;
}

}  // namespace
}  // namespace nc
