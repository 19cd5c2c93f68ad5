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

TEST(HtmlMatrix, Areas) {
  EXPECT_EQ(check_area("BR-001"), "BR");
  EXPECT_EQ(check_area("SCN-ISO-001"), "SCN");
  EXPECT_EQ(html_escape("a&\"'"), "a&amp;&quot;&#39;");
}

}  // namespace
}  // namespace nc::report
