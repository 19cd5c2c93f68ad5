#include "harness/report/junit_writer.h"

#include <gtest/gtest.h>

#include "harness/report/sample_report.h"

namespace nc::report {
namespace {

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// The text of the <testcase> element for `id`, from its start tag to its end.
std::string testcase_of(const std::string& xml, const std::string& id) {
  size_t start = xml.find(fmt::format("name=\"{}\"", id));
  if (start == std::string::npos) return "";
  start = xml.rfind("<testcase", start);
  size_t end = xml.find("<testcase", start + 1);
  size_t suite_end = xml.find("</testsuite>", start);
  return xml.substr(start, std::min(end, suite_end) - start);
}

TEST(JunitWriter, SuitesPerRuntimeAndSuiteWithTotals) {
  std::string xml = to_junit_xml(sample_report());
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"netconform\" "
                              "tests=\"6\" failures=\"2\" errors=\"0\" skipped=\"1\" time=\"2.345\">"))
      << xml;
  EXPECT_EQ(count(xml, "<testsuite "), 3u);
  EXPECT_EQ(count(xml, "</testsuite>"), 3u);
  EXPECT_NE(xml.find("<testsuite name=\"docker.conformance\" tests=\"3\" failures=\"2\" errors=\"0\" "
                     "skipped=\"0\" time=\"0.123\" timestamp=\"2025-03-01T12:00:00.000Z\">"),
            std::string::npos)
      << xml;
  EXPECT_EQ(count(xml, "<testcase "), 6u);
  EXPECT_TRUE(xml.ends_with("</testsuites>\n"));
}

TEST(JunitWriter, EachStatusMapsToJunit) {
  std::string xml = to_junit_xml(sample_report());
  EXPECT_EQ(testcase_of(xml, "BR-001"),
            "<testcase classname=\"netimpl.conformance\" name=\"BR-001\" time=\"0.041\"/>\n    ");
  std::string skip = testcase_of(xml, "DRV-004");
  EXPECT_NE(skip.find("<skipped message=\"kernel lacks ipvlan (kernel lacks CONFIG_IPVLAN)\"/>"), std::string::npos);
  std::string xfail = testcase_of(xml, "PORT-007");
  EXPECT_NE(xfail.find("<system-out>expected failure: 20.10 predates the direct-access drop</system-out>"),
            std::string::npos);
  EXPECT_EQ(xfail.find("<failure"), std::string::npos);
  std::string xpass = testcase_of(xml, "DNS-009");
  EXPECT_NE(xpass.find("<failure message=\"unexpected pass: expected fail: aardvark TTL\" type=\"xpass\"/>"),
            std::string::npos);
}

TEST(JunitWriter, FailureCarriesEscapedReasonAndSteps) {
  std::string fail = testcase_of(to_junit_xml(sample_report()), "BR-002");
  EXPECT_NE(fail.find("<failure message=\"step 1: expected &lt;ok&gt; &amp; got &quot;timeout&quot; "
                      "&apos;x&apos;\\x01\\x1b[31m\" type=\"fail\">"),
            std::string::npos)
      << fail;
  EXPECT_NE(fail.find("step 1 FAILED: web connect tcp://172.18.0.3:8080; expected ok; observed "
                      "{&quot;result&quot;:&quot;timeout&quot;}; expected ok, got timeout\n</failure>"),
            std::string::npos)
      << fail;
  EXPECT_EQ(fail.find('\x01'), std::string::npos);
  EXPECT_EQ(fail.find('\x1b'), std::string::npos);
}

// The same check on two kernels is two testcases, told apart by the kernel in their class.
TEST(JunitWriter, ResultsOnSeveralKernelsAreGroupedByKernel) {
  RunReport rep;
  CheckResult a{.id = "BR-001", .title = "t", .suite = "conformance", .runtime = "netimpl", .status = Status::kPass};
  a.kernel = "6.1.0-50-amd64";
  CheckResult b = a;
  b.kernel = "6.12.117+deb13-amd64";
  b.status = Status::kFail;
  rep.results = {a, b};
  std::string xml = to_junit_xml(rep);
  EXPECT_EQ(count(xml, "<testsuite "), 2u);
  EXPECT_NE(xml.find("classname=\"6.1.0-50-amd64.netimpl.conformance\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("classname=\"6.12.117+deb13-amd64.netimpl.conformance\""), std::string::npos) << xml;
  // One kernel: the names stay as they were.
  rep.results = {a};
  EXPECT_NE(to_junit_xml(rep).find("classname=\"netimpl.conformance\""), std::string::npos);
}

TEST(JunitWriter, NoResultsIsStillADocument) {
  RunReport empty;
  std::string xml = to_junit_xml(empty);
  EXPECT_NE(xml.find("<testsuites name=\"netconform\" tests=\"0\""), std::string::npos);
  EXPECT_EQ(count(xml, "<testsuite "), 0u);
}

}  // namespace
}  // namespace nc::report
