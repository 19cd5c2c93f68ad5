#include "harness/report/json_writer.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "harness/report/sample_report.h"

namespace nc::report {
namespace {

using nlohmann::json;

TEST(JsonWriter, RoundTripsTheWholeReport) {
  auto rep = sample_report();
  auto back = report_from_json_text(to_json_text(rep));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, rep);
}

TEST(JsonWriter, WritesSummaryAndOmitsEmptyStory) {
  json j = sample_report();
  EXPECT_EQ(j["summary"], (json{{"pass", 2}, {"fail", 1}, {"skip", 1}, {"xfail", 1}, {"xpass", 1}}));
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["results"][1]["status"], "fail");
  EXPECT_FALSE(j["results"][0].contains("story"));
  EXPECT_TRUE(j["results"][5].contains("story"));
  EXPECT_EQ(j["results"][1]["steps"][0]["observed"]["result"], "timeout");
}

// A result's kernel (run --kernel) survives the round trip; absent, it stays absent.
TEST(JsonWriter, KeepsTheKernelOfAResult) {
  auto rep = sample_report();
  rep.results[0].kernel = "6.1.0-50-amd64";
  json j = rep;
  EXPECT_EQ(j["results"][0]["kernel"], "6.1.0-50-amd64");
  EXPECT_FALSE(j["results"][1].contains("kernel"));
  auto back = report_from_json_text(to_json_text(rep));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->results[0].kernel, "6.1.0-50-amd64");
  rep.kernels = {{.release = "6.1.0-50-amd64", .features = {{"ipvlan", true, ""}}}, rep.kernel};
  back = report_from_json_text(to_json_text(rep));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->kernels, rep.kernels);
  EXPECT_EQ(*back, rep);
}

TEST(JsonWriter, RejectsUnknownStatusNamingTheResult) {
  json j = sample_report();
  j["results"][2]["status"] = "maybe";
  j.erase("summary");
  auto r = report_from_json(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "results[2] (DRV-004): unknown status 'maybe' (expected pass, fail, skip, xfail or xpass)");
}

TEST(JsonWriter, RejectsMissingFieldAndWrongSummary) {
  json j = sample_report();
  j["results"][0].erase("title");
  auto r = report_from_json(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "results[0] (BR-001): key 'title' not found");

  json k = sample_report();
  k["summary"]["pass"] = 7;
  r = report_from_json(k);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("disagrees with the results"), std::string::npos) << r.error().message();
}

TEST(JsonWriter, RejectsNewerSchemaVersion) {
  json j = sample_report();
  j["schema_version"] = 2;
  auto r = report_from_json(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "schema_version 2 is not one this build understands (1..1)");
}

TEST(JsonWriter, InvalidUtf8IsReplacedNotFatal) {
  auto rep = sample_report();
  rep.results[0].reason = "bad \xff byte";
  auto text = to_json_text(rep);
  auto back = report_from_json_text(text);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->results[0].reason, "bad \uFFFD byte");
}

TEST(JsonWriter, WriteAndReadFile) {
  auto dir = std::filesystem::temp_directory_path() / fmt::format("nc_report_test.{}", ::getpid());
  std::filesystem::create_directories(dir);
  std::string path = (dir / "r.json").string();
  ASSERT_TRUE(write_json_report(path, sample_report()));
  auto back = read_json_report(path);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, sample_report());

  std::ofstream(path) << "{\"schema_version\": 1,";
  back = read_json_report(path);
  ASSERT_FALSE(back);
  EXPECT_TRUE(back.error().message().starts_with("read report " + path + ": parse error")) << back.error().message();
  std::filesystem::remove_all(dir);
}

TEST(JsonWriter, ReadMissingFileNamesIt) {
  auto r = read_json_report("/nonexistent/dir/x.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "read report /nonexistent/dir/x.json: No such file or directory");
}

}  // namespace
}  // namespace nc::report
