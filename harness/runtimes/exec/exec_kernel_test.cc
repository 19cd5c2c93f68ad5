// Kernel tests of `--runtime exec:PATH[=NAME]`, through the built netconform (need root;
// the verdict comparison needs docker.io and jq too — each skips with the reason):
//  - adapters that are not executable, write garbage, crash or hang fail their checks
//    with an error naming the request they were answering, the run goes on to the next
//    check (with a fresh adapter) and ends within a bound;
//  - the reference shell adapter (docker-adapter.sh) gives the built-in docker runtime's
//    verdict on every check of the catalogue.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/runtimes/exec/protocol.h"
#include "netimpl/process/process.h"

namespace nc::runtimes {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

const std::string kExecDir = NC_REPO_ROOT "/harness/runtimes/exec";

// A directory of this test's own, removed with everything in it.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "nc-exec-test-XXXXXX").string();
    path = ::mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

void write_file(const fs::path& p, const std::string& text, bool executable) {
  std::ofstream(p) << text;
  ::chmod(p.c_str(), executable ? 0755 : 0644);
}

// Runs netconform with `args`; its exit code, or -1 when it could not run.
struct Ran {
  int exit_code = -1;
  std::string out, err;
  double seconds = 0;
};

Ran netconform(std::vector<std::string> args, std::chrono::milliseconds bound) {
  args.insert(args.begin(), NC_NETCONFORM_PATH);
  auto r = nc::run({.argv = args}, bound);
  if (!r) return {.exit_code = -1, .out = "", .err = r.error().message(), .seconds = 0};
  return {.exit_code = r->timed_out ? -2 : r->exit_code, .out = r->out, .err = r->err, .seconds = r->duration_ms / 1000};
}

// runtime → check ID → result, from a JSON report.
std::map<std::string, std::map<std::string, json>> results(const fs::path& report) {
  std::map<std::string, std::map<std::string, json>> out;
  std::ifstream f(report);
  auto j = json::parse(f, nullptr, false);
  if (j.is_discarded() || !j.contains("results")) return out;
  for (auto& r : j["results"]) out[r.value("runtime", "")][r.value("id", "")] = r;
  return out;
}

class ExecKernelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (the lab's namespaces)";
  }
};

TEST_F(ExecKernelTest, MisbehavingAdaptersFailTheirChecksNamingTheRequestAndTheRunEnds) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  struct Bad {
    std::string name, at, mode;
    std::vector<std::string> says;  // in the reason of each of its checks
  };
  std::vector<Bad> bad = {
      {"noexec", "", "", {"exec adapter", "not executable"}},
      {"hellogarbage", "hello", "garbage", {"hello (request 1): the adapter wrote malformed JSON", "this is not JSON"}},
      {"garbage", "exec", "garbage", {"exec web interfaces (request ", "the adapter wrote malformed JSON"}},
      {"crash", "exec", "crash", {"exec web interfaces (request ", "the adapter exited with status 3 before answering",
                                  "fake adapter: crashing on exec"}},
      {"hang", "exec", "hang", {"exec web interfaces (request ", "no answer within 18000 ms"}},
  };
  std::vector<std::string> runtimes;
  for (auto& b : bad) {
    auto path = dir.path / (b.name + ".sh");
    write_file(path, fmt::format("#!/bin/sh\nFAKE_AT={} FAKE_MODE={} exec {}/testdata/fake-adapter.sh\n", b.at, b.mode, kExecDir),
               b.name != "noexec");
    runtimes.push_back(fmt::format("exec:{}={}", path.string(), b.name));
  }
  auto report = dir.path / "report.json";
  // Bounded: the hang costs each of its two checks exec's bound (probe 2 s + 1 s + 15 s).
  auto ran = netconform({"run", "--runtime", fmt::format("{}", fmt::join(runtimes, ",")), "--filter", "BR-001,BR-002",
                         "--json", report.string()},
                        300s);
  ASSERT_EQ(ran.exit_code, 1) << ran.out << ran.err;
  EXPECT_LT(ran.seconds, 120) << "the run took too long: a bad adapter was waited for without a bound";
  auto by = results(report);
  for (size_t i = 0; i < bad.size(); ++i) {
    auto& checks = by[runtimes[i]];
    for (const char* id : {"BR-001", "BR-002"}) {
      ASSERT_TRUE(checks.contains(id)) << bad[i].name << " " << id << " has no result: the run did not go on";
      auto& r = checks[id];
      EXPECT_EQ(r.value("status", ""), "fail") << bad[i].name << " " << id;
      // The reason, or the failing step's message, names the request.
      std::string text = r.dump();
      for (auto& s : bad[i].says) EXPECT_THAT(text, HasSubstr(s)) << bad[i].name << " " << id;
    }
  }
}

TEST_F(ExecKernelTest, ShellAdapterGivesTheBuiltInDockerVerdictsOnTheWholeCatalogue) {
  if (!fs::exists("/usr/sbin/dockerd") || !fs::exists("/usr/bin/docker"))
    GTEST_SKIP() << "docker.io is not installed (ci/install-deps --with-runtimes)";
  if (!fs::exists("/usr/bin/jq")) GTEST_SKIP() << "jq is not installed (ci/install-deps --with-runtimes)";
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  auto a = dir.path / "docker.json", b = dir.path / "docker-sh.json";
  std::string shell = fmt::format("exec:{}/docker-adapter.sh=docker-sh", kExecDir);
  auto ra = netconform({"run", "--runtime", "docker", "--suite", "all", "--jobs", "2", "--json", a.string()}, 1200s);
  ASSERT_GE(ra.exit_code, 0) << ra.err;
  auto rb = netconform({"run", "--runtime", shell, "--suite", "all", "--jobs", "2", "--json", b.string()}, 1200s);
  ASSERT_GE(rb.exit_code, 0) << rb.err;
  fmt::print("built-in docker: {:.0f} s, exit {}; shell adapter: {:.0f} s, exit {}\n", ra.seconds, ra.exit_code,
             rb.seconds, rb.exit_code);
  auto docker = results(a)["docker"], sh = results(b)[shell];
  ASSERT_GT(docker.size(), 50u) << "the docker run reported too few checks: " << ra.out.substr(0, 2000);
  std::map<std::string, int> agree;
  for (auto& [id, r] : docker) {
    ASSERT_TRUE(sh.contains(id)) << id << " has no result through the shell adapter";
    std::string want = r.value("status", ""), got = sh[id].value("status", "");
    // What protocol 1 cannot express (exec::kBeyondProtocol), and host_resolv, which the
    // shell adapter does not claim (its runtime need not read the lab host's resolver
    // files): those checks are skipped through the adapter, with that reason.
    std::string why = sh[id].value("reason", "");
    auto lacks = [&](std::string_view c) { return why.find(fmt::format("lacks {}", c)) != std::string::npos; };
    if (got == "skip" && (lacks("host_resolv") || std::ranges::any_of(exec::kBeyondProtocol, lacks))) continue;
    EXPECT_EQ(got, want) << id << ": built-in docker " << want << " (" << r.value("reason", "") << "), shell adapter "
                         << got << " (" << sh[id].value("reason", "") << ")";
    if (got == want) ++agree[want];
  }
  EXPECT_EQ(sh.size(), docker.size());
  for (auto& [status, n] : agree) fmt::print("  agree on {}: {}\n", status, n);
}

}  // namespace
}  // namespace nc::runtimes
