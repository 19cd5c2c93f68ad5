#include "harness/report/report.h"

#include <gtest/gtest.h>

#include "harness/report/sample_report.h"

namespace nc::report {
namespace {

TEST(Report, SummaryCountsEachStatus) {
  auto rep = sample_report();
  EXPECT_EQ(rep.summary(), (Summary{.pass = 2, .fail = 1, .skip = 1, .xfail = 1, .xpass = 1}));
  EXPECT_EQ(rep.summary().total(), 6);
  EXPECT_FALSE(rep.summary().green());
  rep.results.push_back(rep.results[0]);
  EXPECT_EQ(rep.summary().pass, 3) << "the summary follows the results";
}

TEST(Report, GreenMeansNoFailureAndNoUnexpectedPass) {
  EXPECT_TRUE((Summary{.pass = 1, .skip = 1, .xfail = 1}).green());
  EXPECT_FALSE((Summary{.pass = 1, .xpass = 1}).green());
  EXPECT_FALSE((Summary{.fail = 1}).green());
}

TEST(Report, SummaryByRuntime) {
  auto by = summarize_by_runtime(sample_report().results);
  ASSERT_EQ(by.size(), 2u);
  EXPECT_EQ(by["netimpl"], (Summary{.pass = 2, .skip = 1}));
  EXPECT_EQ(by["docker"], (Summary{.fail = 1, .xfail = 1, .xpass = 1}));
}

TEST(Report, StatusNamesRoundTrip) {
  for (Status s : kAllStatuses) EXPECT_EQ(parse_status(to_string(s)), s);
  auto bad = parse_status("maybe");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "unknown status 'maybe' (expected pass, fail, skip, xfail or xpass)");
}

TEST(Report, Iso8601Utc) {
  auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(1740830400123));
  EXPECT_EQ(iso8601_utc(t), "2025-03-01T12:00:00.123Z");
}

}  // namespace
}  // namespace nc::report
