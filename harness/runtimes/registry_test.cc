#include "harness/runtimes/registry.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "harness/runtimes/hosted.h"
#include "netimpl/api/capability.h"

namespace nc::runtimes {
namespace {

TEST(Registry, AnUnknownNameListsEveryKnownRuntime) {
  auto r = make_runtime_under_test("dokcer", {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("--runtime dokcer: unknown"), std::string::npos) << r.error().message();
  for (auto& k : runtime_kinds()) EXPECT_NE(r.error().message().find(k.name), std::string::npos) << k.name;
}

TEST(Registry, NamesAreExactAndPrefixesNeedSomethingAfterThem) {
  RuntimeKind exec{.name = "exec:", .summary = "", .make = {}, .missing = {}};
  EXPECT_TRUE(exec.matches("exec:./a.sh"));
  EXPECT_FALSE(exec.matches("exec:"));
  EXPECT_FALSE(exec.matches("exe"));
  EXPECT_NE(find_runtime_kind("netimpl"), nullptr);
  EXPECT_EQ(find_runtime_kind("netimpl2"), nullptr);
  EXPECT_EQ(find_runtime_kind("Docker"), nullptr);
}

TEST(Registry, EveryNameIsListedOnce) {
  std::set<std::string> seen;
  for (auto& k : runtime_kinds()) EXPECT_TRUE(seen.insert(k.name).second) << k.name;
}

TEST(Registry, ABenchmarkComparesTheRuntimesAskedForOrEveryOneAvailable) {
  std::vector<std::string> left_all, left_asked;
  auto all = comparable_runtimes(&left_all);
  EXPECT_EQ(std::find(all.begin(), all.end(), "netimpl"), all.end());
  auto same = comparable_runtimes({}, &left_asked);
  ASSERT_TRUE(same) << same.error().message();
  EXPECT_EQ(*same, all);
  EXPECT_EQ(left_asked, left_all);

  // netimpl is the base, never a column; a name asked twice is one column.
  auto only = comparable_runtimes({"netimpl"}, nullptr);
  ASSERT_TRUE(only);
  EXPECT_TRUE(only->empty());
  std::vector<std::string> left;
  auto docker = comparable_runtimes({"docker", "netimpl", "docker"}, &left);
  ASSERT_TRUE(docker);
  EXPECT_EQ(docker->size() + left.size(), 1u);  // here, or left out with its reason
  if (!left.empty()) {
    EXPECT_TRUE(left[0].starts_with("docker: ")) << left[0];
  }

  auto unknown = comparable_runtimes({"docker", "dokcer"}, nullptr);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("--runtime dokcer: unknown"), std::string::npos);
  auto prefix = comparable_runtimes({"exec:/bin/adapter"}, nullptr);
  ASSERT_FALSE(prefix);
  EXPECT_NE(prefix.error().message().find("plain name"), std::string::npos) << prefix.error().message();
}

TEST(Registry, MakingARuntimeStartsNothing) {
  auto r = make_runtime_under_test("netimpl", {.probe_path = "/nonexistent"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)->name(), "netimpl");
  EXPECT_EQ((*r)->version(), "");  // known once started by acquire()
}

TEST(Registry, AnExecRuntimeIsNamedAsGivenAndStartsNothing) {
  // Not even a check that the adapter exists: that is the start's error, failing the checks.
  auto r = make_runtime_under_test("exec:/nonexistent/adapter=mine", {.probe_path = "/nonexistent"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)->name(), "exec:/nonexistent/adapter=mine");
  EXPECT_EQ((*r)->version(), "");
  EXPECT_FALSE(make_runtime_under_test("exec:=mine", {}));
}

TEST(Capabilities, WhatTheHostedRuntimesOfferIsInTheTable) {
  for (auto& c : docker_capabilities()) EXPECT_NE(api::find_capability(c), nullptr) << c;
  for (auto& c : podman_capabilities()) EXPECT_NE(api::find_capability(c), nullptr) << c;
  EXPECT_TRUE(api::is_kernel_feature("conntrack"));
  EXPECT_FALSE(api::is_kernel_feature("dns"));
}

}  // namespace
}  // namespace nc::runtimes
