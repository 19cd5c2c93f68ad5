#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness/report/html_writer.h"

namespace nc::report {
namespace {

CheckResult result(std::string id, std::string runtime, Status s, std::string reason) {
  return CheckResult{.id = std::move(id), .title = "t <" , .suite = "conformance", .runtime = std::move(runtime),
                     .status = s, .reason = std::move(reason)};
}

TEST(HtmlMatrix, ChecksDownRuntimesAcrossWithVerdictsAndReasons) {
  RunReport a;
  a.runtime = {"netimpl", "0.1"};
  a.runtimes = {a.runtime};
  a.results = {result("BR-001", "netimpl", Status::kPass, ""), result("ISO-002", "netimpl", Status::kPass, "")};
  RunReport b;
  b.runtime = {"docker", "20.10.24"};
  b.runtimes = {b.runtime};
  b.results = {result("ISO-002", "docker", Status::kXfail, "before 28.0 <script>")};
  auto h = html_matrix({a, b});
  EXPECT_NE(h.find("<th>netimpl 0.1"), std::string::npos);
  EXPECT_NE(h.find("<th>docker 20.10.24"), std::string::npos);
  EXPECT_LT(h.find("<th>netimpl 0.1"), h.find("<th>docker 20.10.24"));
  EXPECT_NE(h.find("class=\"xfail\""), std::string::npos);
  EXPECT_NE(h.find("before 28.0 &lt;script&gt;"), std::string::npos);
  EXPECT_EQ(h.find("<script>alert"), std::string::npos);
  EXPECT_NE(h.find("not run"), std::string::npos);  // BR-001 never ran on docker
  EXPECT_NE(h.find("data-area=\"ISO\""), std::string::npos);
  EXPECT_EQ(h.find("http"), std::string::npos);  // self-contained: nothing fetched
}

// One column per runtime version; a row differs when a verdict is not netimpl's.
TEST(HtmlMatrix, RowsThatDifferFromNetimplAreMarkedForTheFilter) {
  RunReport run;
  run.runtime = {"netimpl", "0.1"};
  run.runtimes = {run.runtime, {"docker", "20.10.24"}, {"docker@26.1", "26.1.5"}};
  run.results = {result("BR-001", "netimpl", Status::kPass, ""), result("BR-001", "docker", Status::kPass, ""),
                 result("BR-001", "docker@26.1", Status::kPass, ""),
                 result("DNS-014", "netimpl", Status::kPass, ""), result("DNS-014", "docker", Status::kXfail, "old"),
                 result("DNS-014", "docker@26.1", Status::kPass, ""),
                 result("DRV-010", "netimpl", Status::kSkip, "no ipvlan"), result("DRV-010", "docker@26.1", Status::kSkip, "no ipvlan")};
  auto h = html_matrix({run});
  EXPECT_NE(h.find("<th>docker 20.10.24"), std::string::npos);
  EXPECT_NE(h.find("<th>docker@26.1 26.1.5"), std::string::npos);
  EXPECT_NE(h.find("id=\"differs\""), std::string::npos);
  auto row = [&](std::string_view id) { return h.substr(h.rfind("<tr", h.find(fmt::format(">{}<", id)))); };
  EXPECT_TRUE(row("DNS-014").starts_with("<tr data-area=\"DNS\" data-differs=\"1\""));
  EXPECT_TRUE(row("BR-001").starts_with("<tr data-area=\"BR\" data-differs=\"0\""));
  EXPECT_TRUE(row("DRV-010").starts_with("<tr data-area=\"DRV\" data-differs=\"0\""));  // not run on docker
}

TEST(HtmlMatrix, Areas) {
  EXPECT_EQ(check_area("BR-001"), "BR");
  EXPECT_EQ(check_area("SCN-ISO-001"), "SCN");
  EXPECT_EQ(html_escape("a&\"'"), "a&amp;&quot;&#39;");
}

// Runs on two kernels (netconform run --kernel, or report merging two runs): one column
// per runtime version per kernel, the kernel named in the header and the meta line.
TEST(HtmlMatrix, KernelsAreADimensionBesideRuntimes) {
  RunReport a;
  a.runtime = {"netimpl", "0.1"};
  a.runtimes = {a.runtime};
  a.kernel.release = "6.1.0-50-amd64";
  a.results = {result("BR-001", "netimpl", Status::kPass, ""), result("DRV-007", "netimpl", Status::kFail, "File exists")};
  RunReport b = a;
  b.kernel.release = "6.18.0";
  b.results = {result("BR-001", "netimpl", Status::kPass, ""), result("DRV-007", "netimpl", Status::kPass, "")};
  b.results[1].kernel = "6.18.0";  // a result's own kernel counts as its run's
  auto h = html_matrix({a, b});
  EXPECT_NE(h.find("<th>netimpl 0.1 · kernel 6.1.0-50-amd64"), std::string::npos) << h;
  EXPECT_NE(h.find("<th>netimpl 0.1 · kernel 6.18.0"), std::string::npos);
  EXPECT_NE(h.find("kernels 6.1.0-50-amd64, 6.18.0"), std::string::npos);
  EXPECT_NE(h.find("File exists"), std::string::npos);  // the 6.1 result is not overwritten by 6.18's
  EXPECT_NE(h.find("data-differs=\"1\"><td class=\"id\">DRV-007"), std::string::npos);
  // One kernel: columns are as before.
  EXPECT_EQ(html_matrix({a}).find("· kernel"), std::string::npos);
}

}  // namespace
}  // namespace nc::report
