#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "harness/runtimes/cgroup_gc.h"

namespace nc::runtimes {
namespace {
namespace fs = std::filesystem;

// A tree shaped like /sys/fs/cgroup (plain directories: rmdir works alike on empty ones).
TEST(CgroupGc, RemovesOnlyDeadRunsDirectories) {
  auto root = fs::temp_directory_path() / ("nc-cg-" + std::to_string(::getpid()));
  fs::create_directories(root / "cpu/netconform-111/abc/def");
  fs::create_directories(root / "pids/netconform-111");
  fs::create_directories(root / "cpu/netconform-222/xyz");  // alive
  fs::create_directories(root / "cpu/docker/keep");          // not ours
  fs::create_directories(root / "netconform-111/u");         // unified at the root
  fs::create_directories(root / "memory/netconform-12ab");   // not a run name
  auto alive = [](pid_t p) { return p == 222; };
  auto r = sweep_dead_run_cgroups(root.string(), alive);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.removed.size(), 3u);
  EXPECT_FALSE(fs::exists(root / "cpu/netconform-111"));
  EXPECT_FALSE(fs::exists(root / "pids/netconform-111"));
  EXPECT_FALSE(fs::exists(root / "netconform-111"));
  EXPECT_TRUE(fs::exists(root / "cpu/netconform-222/xyz"));
  EXPECT_TRUE(fs::exists(root / "cpu/docker/keep"));
  EXPECT_TRUE(fs::exists(root / "memory/netconform-12ab"));
  fs::remove_all(root);
}

TEST(CgroupGc, ANonEmptyDirectoryIsReportedNotForced) {
  auto root = fs::temp_directory_path() / ("nc-cg2-" + std::to_string(::getpid()));
  fs::create_directories(root / "cpu/netconform-333/busy");
  std::ofstream(root / "cpu/netconform-333/busy/cgroup.procs") << "42\n";  // a regular file: rmdir fails
  auto r = sweep_dead_run_cgroups(root.string(), [](pid_t) { return false; });
  EXPECT_TRUE(r.removed.empty());
  ASSERT_FALSE(r.problems.empty());
  EXPECT_NE(r.problems[0].find("busy"), std::string::npos);
  EXPECT_TRUE(fs::exists(root / "cpu/netconform-333/busy"));
  fs::remove_all(root);
}

TEST(CgroupGc, LivenessIsByProcessName) {
  EXPECT_FALSE(run_alive(::getpid()));  // this test binary is not named netconform
  EXPECT_EQ(run_cgroup_name(42), "netconform-42");
}

}  // namespace
}  // namespace nc::runtimes
