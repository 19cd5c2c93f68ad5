// run_plugin against stand-in plugins (shell scripts at the exec seam): the protocol's
// environment and stdin arrive, results and errors come back typed, and what is not a CNI
// answer — no error JSON, a malformed result, a hang — is an error naming plugin and command.
// The real plugins are exercised by the CNI- checks (conformance/cni-*.yaml).
#include "harness/runtimes/cni/plugin.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace nc::cni {
namespace {

namespace fs = std::filesystem;

class PluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("nc_cni_plugin_test_{}", ::getpid());
    fs::create_directories(dir_);
    env_.cni_path = "/nonexistent:" + dir_.string();
    env_.timeout = std::chrono::milliseconds(2000);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void plugin(const std::string& name, const std::string& body) {
    auto p = dir_ / name;
    std::ofstream(p) << "#!/bin/sh\n" << body << "\n";
    ::chmod(p.c_str(), 0755);
  }
  Invocation add() {
    return {.command = "ADD", .container_id = "c1", .netns = "/run/x/netns/c1", .ifname = "eth0", .args = "IP=10.0.0.9",
            .config = {{"cniVersion", "1.0.0"}, {"name", "t"}, {"type", "p"}}};
  }

  fs::path dir_;
  PluginEnv env_;
};

TEST_F(PluginTest, TheProtocolsParametersAndConfigurationArrive) {
  // Echoes what it got into its result: the ifname/netns as the interface, CNI_ARGS and
  // the stdin's network name (and CNI_COMMAND/CNI_CONTAINERID/CNI_PATH) into its mac.
  plugin("p", R"(cfg=$(cat)
case "$cfg" in *'"name":"t"'*) name=t ;; *) name=missing ;; esac
printf '{"cniVersion":"1.0.0","interfaces":[{"name":"%s","sandbox":"%s","mac":"%s %s %s %s %s"}],"ips":[{"address":"10.0.0.9/24","interface":0}]}' \
  "$CNI_IFNAME" "$CNI_NETNS" "$CNI_COMMAND" "$CNI_CONTAINERID" "$CNI_ARGS" "$name" "$CNI_PATH")");
  auto o = run_plugin(env_, "p", add());
  ASSERT_TRUE(o) << o.error().message();
  ASSERT_TRUE(o->ok());
  ASSERT_TRUE(o->success);
  ASSERT_EQ(o->success->interfaces.size(), 1u);
  EXPECT_EQ(o->success->interfaces[0].name, "eth0");
  EXPECT_EQ(o->success->interfaces[0].sandbox, "/run/x/netns/c1");
  EXPECT_EQ(o->success->interfaces[0].mac, "ADD c1 IP=10.0.0.9 t " + env_.cni_path);
}

TEST_F(PluginTest, AnErrorResultComesBackTyped) {
  plugin("p", R"(cat >/dev/null; echo '{"cniVersion":"1.0.0","code":7,"msg":"Invalid Configuration"}'; echo log >&2; exit 1)");
  auto o = run_plugin(env_, "p", add());
  ASSERT_TRUE(o) << o.error().message();
  ASSERT_FALSE(o->ok());
  EXPECT_EQ(o->error->code, 7);
  EXPECT_EQ(o->error->msg, "Invalid Configuration");
  EXPECT_EQ(o->err_text, "log");
}

TEST_F(PluginTest, WhatIsNotACniAnswerIsAnErrorNamingPluginAndCommand) {
  plugin("noerr", "echo oops; echo 'panic: x' >&2; exit 2");
  EXPECT_EQ(run_plugin(env_, "noerr", add()).error().message(),
            "plugin noerr ADD: exited 2 without an error result on stdout (error result: not JSON: 'oops\n'; stderr: panic: x)");
  plugin("bad", R"(echo '{"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}],"ips":[{"address":"10.0.0.2","interface":0}]}')");
  EXPECT_EQ(run_plugin(env_, "bad", add()).error().message(),
            "plugin bad ADD: ips[0].address: '10.0.0.2' is not an address in CIDR notation");
  plugin("slow", "sleep 5");
  env_.timeout = std::chrono::milliseconds(300);
  EXPECT_EQ(run_plugin(env_, "slow", add()).error().message(), "plugin slow ADD: did not finish within 300 ms (stderr: )");
  EXPECT_EQ(run_plugin(env_, "absent", add()).error().message(),
            fmt::format("plugin absent ADD: no executable 'absent' in CNI_PATH {}", env_.cni_path));
  EXPECT_EQ(run_plugin(env_, "../p", add()).error().message(), "plugin ../p ADD: plugin type '../p' is not a file name");
}

TEST_F(PluginTest, DelNeedsNoOutputAndVersionMustOfferTheSpecVersion) {
  plugin("p", R"(cat >/dev/null; [ "$CNI_COMMAND" = VERSION ] && echo '{"cniVersion":"1.0.0","supportedVersions":["0.4.0"]}'; exit 0)");
  auto del = add();
  del.command = "DEL";
  auto o = run_plugin(env_, "p", del);
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_TRUE(o->ok());
  EXPECT_FALSE(o->success);
  EXPECT_EQ(plugin_versions(env_, "p").error().message(),
            "plugin p VERSION: version result: supportedVersions [0.4.0] lacks 1.0.0");
}

}  // namespace
}  // namespace nc::cni
