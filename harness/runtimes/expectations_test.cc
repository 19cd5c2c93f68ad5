#include <filesystem>

#include <gtest/gtest.h>

#include "harness/checks/loader.h"
#include "harness/runtimes/expectations.h"

namespace nc::runtimes {
namespace {

using report::Status;

const char* kGood = R"(runtime: docker
version: "20.10"
expectations:
  - id: ISO-002
    verdict: fail
    reason: before 28.0 a LAN host reaches unpublished ports
  - id: BR-009
    verdict: skip
    reason: no such switch
  - id: SCN-004
    verdict: race
    reason: seen both ways
)";

TEST(Expectations, ParsesItemsWithPositions) {
  auto e = parse_expectations(kGood, "x.yaml");
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ(e->runtime, "docker");
  EXPECT_EQ(e->version, "20.10");
  ASSERT_EQ(e->items.size(), 3u);
  EXPECT_EQ(e->find("ISO-002")->verdict, Verdict::kFail);
  EXPECT_EQ(e->find("BR-009")->verdict, Verdict::kSkip);
  EXPECT_EQ(e->find("SCN-004")->verdict, Verdict::kRace);
  EXPECT_EQ(e->find("ISO-002")->pos.line, 4);
  EXPECT_EQ(e->find("BR-001"), nullptr);
}

void expect_error(const std::string& yaml, const std::string& where, const std::string& what) {
  auto e = parse_expectations(yaml, "f.yaml");
  ASSERT_FALSE(e) << yaml;
  EXPECT_TRUE(e.error().message().starts_with("f.yaml:" + where)) << e.error().message();
  EXPECT_NE(e.error().message().find(what), std::string::npos) << e.error().message();
}

TEST(Expectations, MalformedFilesGetFileLineCol) {
  expect_error("runtime: docker\nversion: \"20.10\"\nexpectations:\n  - id: X\n    verdict: fial\n    reason: r\n",
               "5:14: ", "unknown verdict 'fial'; expected fail, skip, pass or race");
  expect_error("runtime: docker\nversion: \"20.10\"\nexpectations:\n  - id: X\n    verdict: fail\n", "4:5: ", "reason");
  expect_error("runtime: docker\nversion: 1\nexpectations: []\nextra: 1\n", "4:1: ", "extra");
  expect_error("runtime: docker\nversion: \"20.10\"\nexpectations:\n  - {id: A, verdict: fail, reason: r}\n"
               "  - {id: A, verdict: fail, reason: r}\n",
               "5:5: ", "listed twice");
  expect_error("runtime: [docker\n", "2:1: ", "YAML syntax error");
  expect_error("", "", "empty file");
}

TEST(Expectations, ApplyTurnsResultsIntoXfailAndXpass) {
  Expectation fail_e{.id = "ISO-002", .verdict = Verdict::kFail, .reason = "known", .pos = {"f", 3, 5}};
  report::CheckResult r{.id = "ISO-002", .runtime = "docker", .status = Status::kFail, .reason = "step 2 failed"};
  apply(&fail_e, r);
  EXPECT_EQ(r.status, Status::kXfail);
  EXPECT_NE(r.reason.find("known"), std::string::npos);
  EXPECT_NE(r.reason.find("step 2 failed"), std::string::npos);
  r.status = Status::kPass;
  apply(&fail_e, r);
  EXPECT_EQ(r.status, Status::kXpass);
  r.status = Status::kSkip;
  apply(&fail_e, r);
  EXPECT_EQ(r.status, Status::kSkip);
  Expectation pass_e{.id = "X", .verdict = Verdict::kPass, .reason = "", .pos = {}};
  r.status = Status::kFail;
  apply(&pass_e, r);
  EXPECT_EQ(r.status, Status::kFail);
  apply(nullptr, r);
  EXPECT_EQ(r.status, Status::kFail);
}

// A race accepts either outcome, and says so on both; it never turns a pass into an xpass.
TEST(Expectations, ApplyRaceAcceptsEitherOutcomeWithTheReason) {
  Expectation race_e{.id = "SCN-004", .verdict = Verdict::kRace, .reason = "GARP races the port", .pos = {"f", 9, 5}};
  report::CheckResult r{.id = "SCN-004", .runtime = "podman", .status = Status::kFail, .reason = "step 5 timed out"};
  apply(&race_e, r);
  EXPECT_EQ(r.status, Status::kXfail);
  EXPECT_NE(r.reason.find("a race"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("step 5 timed out"), std::string::npos) << r.reason;
  report::CheckResult passed{.id = "SCN-004", .runtime = "podman", .status = Status::kPass, .reason = ""};
  apply(&race_e, passed);
  EXPECT_EQ(passed.status, Status::kPass);
  EXPECT_NE(passed.reason.find("GARP races the port"), std::string::npos) << passed.reason;
  EXPECT_NE(passed.reason.find("f:9:5"), std::string::npos) << passed.reason;
  report::CheckResult skipped{.id = "SCN-004", .runtime = "podman", .status = Status::kSkip, .reason = "no lifecycle"};
  apply(&race_e, skipped);
  EXPECT_EQ(skipped.status, Status::kSkip);
  EXPECT_EQ(skipped.reason, "no lifecycle");
}

TEST(Expectations, PathIsRuntimeAndMajorMinor) {
  EXPECT_EQ(expectations_path("/d", "docker", "20.10.24").string(), "/d/docker-20.10.yaml");
  EXPECT_EQ(expectations_path("/d", "podman", "4.3.1").string(), "/d/podman-4.3.yaml");
  auto none = load_expectations_for("/nonexistent", "docker", "20.10.24");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->items.empty());
}

// Every shipped expectations file loads and names only checks of the catalogue.
TEST(Expectations, ShippedFilesNameRealChecks) {
  std::filesystem::path root = NC_REPO_ROOT;
  auto catalogue = checks::load_catalogue(root);
  ASSERT_TRUE(catalogue) << catalogue.error().message();
  int files = 0;
  for (auto& entry : std::filesystem::directory_iterator(root / "conformance" / "expectations")) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    auto e = load_expectations_file(entry.path());
    ASSERT_TRUE(e) << e.error().message();
    for (auto& item : e->items) {
      bool known = false;
      for (auto& c : *catalogue) known |= c.id == item.id;
      EXPECT_TRUE(known) << item.pos.str() << ": " << item.id << " is not a check of the catalogue";
    }
  }
  EXPECT_GE(files, 2);
}

}  // namespace
}  // namespace nc::runtimes
