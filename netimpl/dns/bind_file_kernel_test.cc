// BoundFile on a real mount namespace: the text shows at the target inside the namespace,
// a rewrite shows at once, and nothing shows outside.
#include "netimpl/dns/bind_file.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace nc::dns {
namespace {

std::string read_in(const Namespaces& ns, const std::string& path) {
  auto r = ns.run([&]() -> Result<std::string> {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  });
  return r ? *r : "error: " + r.error().message();
}

std::string read_here(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(BoundFileKernel, BindAllShowsEachFileAtItsTargetAndRewritesInPlace) {
  auto ns = Namespaces::create("bound", kNsNet | kNsMnt);
  ASSERT_TRUE(ns) << ns.error().message();
  std::string hosts_outside = read_here("/etc/hosts"), resolv_outside = read_here("/etc/resolv.conf");
  auto files = BoundFile::bind_all(*ns, {{"/etc/resolv.conf", "nameserver 192.0.2.1\n"}, {"/etc/hosts", "192.0.2.2 web\n"}});
  ASSERT_TRUE(files) << files.error().message();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ(read_in(*ns, "/etc/resolv.conf"), "nameserver 192.0.2.1\n");
  EXPECT_EQ(read_in(*ns, "/etc/hosts"), "192.0.2.2 web\n");
  ASSERT_TRUE((*files)[1].rewrite("192.0.2.3 db\n"));
  EXPECT_EQ(read_in(*ns, "/etc/hosts"), "192.0.2.3 db\n");
  EXPECT_EQ(read_in(*ns, "/etc/resolv.conf"), "nameserver 192.0.2.1\n");
  // The scratch tmpfs is gone again, and the machine's files are untouched.
  EXPECT_EQ(read_in(*ns, "/tmp/file0"), "");
  EXPECT_EQ(read_here("/etc/hosts"), hosts_outside);
  EXPECT_EQ(read_here("/etc/resolv.conf"), resolv_outside);
}

TEST(BoundFileKernel, BindAllNamesTheTargetThatCannotBeBound) {
  auto ns = Namespaces::create("bound", kNsNet | kNsMnt);
  ASSERT_TRUE(ns) << ns.error().message();
  auto files = BoundFile::bind_all(*ns, {{"/etc/hosts", "x\n"}, {"/nonexistent/dir/file", "y\n"}});
  ASSERT_FALSE(files);
  EXPECT_NE(files.error().message().find("bind mount over /nonexistent/dir/file"), std::string::npos) << files.error().message();
  EXPECT_NE(files.error().message().find("in bound"), std::string::npos) << files.error().message();
}

}  // namespace
}  // namespace nc::dns
