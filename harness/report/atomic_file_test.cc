#include "harness/report/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "harness/report/json_writer.h"
#include "harness/report/sample_report.h"

namespace nc::report {
namespace {

namespace fs = std::filesystem;

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("nc_atomic_test.{}", ::getpid());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string read(const fs::path& p) {
    std::stringstream s;
    s << std::ifstream(p).rdbuf();
    return s.str();
  }
  fs::path dir_;
};

TEST_F(AtomicFile, ReplacesContentAndLeavesNoTemporary) {
  auto path = (dir_ / "x.json").string();
  mode_t old_mask = ::umask(022);
  ASSERT_TRUE(write_file_atomic(path, "first"));
  ::umask(old_mask);
  ASSERT_TRUE(write_file_atomic(path, "second"));
  EXPECT_EQ(read(path), "second");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u) << "readable by others, as a report is meant to be";
}

TEST_F(AtomicFile, ErrorNamesThePath) {
  auto r = write_json_report("/nonexistent/dir/x.json", sample_report());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "write /nonexistent/dir/x.json: create temporary file in /nonexistent/dir: No such file or directory");
  EXPECT_EQ(r.error().sys_errno(), ENOENT);
}

TEST_F(AtomicFile, FailedRenameKeepsOldFileAndRemovesTemporary) {
  // Renaming a file over a non-empty directory fails after the temporary was written.
  auto target = dir_ / "taken";
  fs::create_directories(target / "inside");
  auto r = write_file_atomic(target.string(), "new");
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message().starts_with("write " + target.string() + ": rename ")) << r.error().message();
  EXPECT_TRUE(fs::is_directory(target / "inside"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1)
      << "the temporary file was left behind";
}

}  // namespace
}  // namespace nc::report
