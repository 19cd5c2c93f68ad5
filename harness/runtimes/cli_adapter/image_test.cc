#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "harness/runtimes/cli_adapter/image.h"

namespace nc::runtimes {
namespace {

// The archive is read back by GNU tar (an outside observer; product code never forks it).
TEST(ProbeImage, TarHoldsExactlyTheFileWithItsBytesAndMode) {
  auto dir = std::filesystem::temp_directory_path() / ("nc-image-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "out");
  std::string content(1500, 'x');  // not a multiple of 512: padding matters
  content[0] = '\x7f';
  std::ofstream(dir / "src") << content;
  ASSERT_TRUE(write_single_file_tar((dir / "src").string(), "probe", (dir / "a.tar").string()));
  EXPECT_EQ(std::filesystem::file_size(dir / "a.tar") % 512, 0u);
  auto cmd = fmt::format("tar -C {} -xf {} && test -x {}/probe && cmp -s {}/probe {} && test \"$(tar -tf {})\" = probe",
                         (dir / "out").string(), (dir / "a.tar").string(), (dir / "out").string(),
                         (dir / "out").string(), (dir / "src").string(), (dir / "a.tar").string());
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::filesystem::remove_all(dir);
}

TEST(ProbeImage, MissingInputIsAnErrorNamingIt) {
  auto r = write_single_file_tar("/nonexistent/probe", "probe", "/tmp/never-written.tar");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("/nonexistent/probe"), std::string::npos);
}

}  // namespace
}  // namespace nc::runtimes
