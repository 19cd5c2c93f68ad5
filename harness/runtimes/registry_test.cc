#include "harness/runtimes/registry.h"

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
