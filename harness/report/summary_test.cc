#include "harness/report/summary.h"

#include <gtest/gtest.h>

#include "harness/report/sample_report.h"

namespace nc::report {
namespace {

std::string last_line(const std::string& text) {
  std::string t = text.substr(0, text.size() - 1);  // drop the final newline
  return t.substr(t.rfind('\n') + 1);
}

TEST(Summary, FinalLineCounts) {
  EXPECT_EQ(format_counts(Summary{.pass = 7, .fail = 1, .skip = 1}, false), "7 passed, 1 failed, 1 skipped");
  EXPECT_EQ(format_counts(Summary{.pass = 2, .fail = 1, .skip = 1, .xfail = 1, .xpass = 1}, false),
            "2 passed, 1 failed, 1 skipped, 1 xfail, 1 xpass");
  EXPECT_EQ(last_line(format_summary(sample_report(), false)), "2 passed, 1 failed, 1 skipped, 1 xfail, 1 xpass");
}

TEST(Summary, ListsEveryResultThatDidNotPassOnOneLine) {
  std::string text = format_summary(sample_report(), false);
  EXPECT_TRUE(text.starts_with("not passed:\n")) << text;
  EXPECT_NE(text.find("  skip   netimpl  DRV-004     kernel lacks ipvlan (kernel lacks CONFIG_IPVLAN)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  fail   docker   BR-002      step 1: expected <ok> & got \"timeout\" 'x'\\x01\\x1b[31m\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("BR-001"), std::string::npos) << "a pass is not listed";
  EXPECT_EQ(text.find('\033'), std::string::npos) << "no colour when not asked";
}

TEST(Summary, TablePerRuntimeAndStatus) {
  std::string text = format_summary(sample_report(), false);
  EXPECT_NE(text.find("runtime   pass  fail  skip xfail xpass\n"
                      "docker       0     1     0     1     1\n"
                      "netimpl      2     0     1     0     0\n"),
            std::string::npos)
      << text;
}

TEST(Summary, AllPassedHasNoNotPassedSection) {
  RunReport rep;
  rep.results = {sample_report().results[0]};
  EXPECT_EQ(format_summary(rep, false),
            "runtime   pass  fail  skip xfail xpass\n"
            "netimpl      1     0     0     0     0\n\n"
            "1 passed, 0 failed, 0 skipped\n");
}

TEST(Summary, ColourOnlyWhenAsked) {
  std::string text = format_summary(sample_report(), true);
  EXPECT_NE(text.find("\033[31mfail\033[0m"), std::string::npos);
  EXPECT_TRUE(last_line(text).starts_with("\033[31m2 passed")) << "a red final line when not green";
}

TEST(Progress, PadsIndexToTheWidthOfTotal) {
  auto r = sample_report().results[0];
  r.id = "BR-003";
  EXPECT_EQ(format_progress(3, 14, r, false), "[ 3/14] netimpl BR-003 pass (41 ms)");
  EXPECT_EQ(format_progress(3, 140, r, false), "[  3/140] netimpl BR-003 pass (41 ms)");
  EXPECT_EQ(format_progress(3, 14, sample_report().results[2], false),
            "[ 3/14] netimpl DRV-004 skip (41 ms): kernel lacks ipvlan (kernel lacks CONFIG_IPVLAN)");
  EXPECT_EQ(format_progress(1, 1, r, true), "[1/1] netimpl BR-003 \033[32mpass\033[0m (41 ms)");
}

}  // namespace
}  // namespace nc::report
