#include "harness/report/junit_writer.h"

#include <algorithm>

#include "harness/report/atomic_file.h"
#include "harness/report/xml_escape.h"

namespace nc::report {
namespace {

struct Group {
  std::string name;  // "<runtime>.<suite>"
  std::vector<const CheckResult*> results;
};

// "<runtime>.<suite>"; "<kernel>.<runtime>.<suite>" when the results span kernels.
std::string group_name(const CheckResult& r, bool by_kernel) {
  return by_kernel ? fmt::format("{}.{}.{}", r.kernel, r.runtime, r.suite) : fmt::format("{}.{}", r.runtime, r.suite);
}

bool spans_kernels(const std::vector<CheckResult>& results) {
  for (const auto& r : results)
    if (r.kernel != results.front().kernel) return true;
  return false;
}

std::vector<Group> group_results(const std::vector<CheckResult>& results) {
  std::vector<Group> groups;
  bool by_kernel = spans_kernels(results);
  for (const auto& r : results) {
    std::string name = group_name(r, by_kernel);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.name == name; });
    if (it == groups.end()) it = groups.insert(groups.end(), Group{name, {}});
    it->results.push_back(&r);
  }
  return groups;
}

std::string seconds(double ms) { return fmt::format("{:.3f}", ms / 1000.0); }

// JUnit counts an unexpected pass as a failure, an expected failure as a pass.
int junit_failures(const Summary& s) { return s.fail + s.xpass; }

std::string step_lines(const CheckResult& r) {
  std::string out;
  for (const auto& s : r.steps) {
    out += fmt::format("step {} {}: {}; expected {}", s.index, s.ok ? "ok" : "FAILED", s.description, s.expected);
    if (!s.observed.is_null())
      out += "; observed " + s.observed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (!s.message.empty()) out += "; " + s.message;
    out += "\n";
  }
  return out;
}

std::string testcase_body(const CheckResult& r) {
  switch (r.status) {
    case Status::kPass: return "";
    case Status::kFail:
      return fmt::format("      <failure message=\"{}\" type=\"fail\">{}</failure>\n", xml_attribute(r.reason),
                         xml_text(step_lines(r)));
    case Status::kSkip: return fmt::format("      <skipped message=\"{}\"/>\n", xml_attribute(r.reason));
    case Status::kXfail:
      return fmt::format("      <system-out>expected failure: {}</system-out>\n", xml_text(r.reason));
    case Status::kXpass:
      return fmt::format("      <failure message=\"unexpected pass: {}\" type=\"xpass\"/>\n",
                         xml_attribute(r.reason));
  }
  return "";
}

std::string testcase(const CheckResult& r, const std::string& group) {
  std::string open = fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
                                 xml_attribute(group), xml_attribute(r.id), seconds(r.duration_ms));
  std::string body = testcase_body(r);
  if (body.empty()) return open + "/>\n";
  return fmt::format("{}>\n{}    </testcase>\n", open, body);
}

std::string testsuite(const Group& g, const std::string& timestamp) {
  Summary s;
  double ms = 0;
  for (const auto* r : g.results) {
    ++s.count(r->status);
    ms += r->duration_ms;
  }
  std::string stamp = timestamp.empty() ? "" : fmt::format(" timestamp=\"{}\"", xml_attribute(timestamp));
  std::string out = fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\"{}>\n",
      xml_attribute(g.name), s.total(), junit_failures(s), s.skip, seconds(ms), stamp);
  for (const auto* r : g.results) out += testcase(*r, g.name);
  return out + "  </testsuite>\n";
}

}  // namespace

std::string to_junit_xml(const RunReport& r) {
  Summary s = r.summary();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"netconform\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\">\n",
      s.total(), junit_failures(s), s.skip, seconds(r.duration_ms));
  for (const auto& g : group_results(r.results)) out += testsuite(g, r.started_at);
  return out + "</testsuites>\n";
}

Result<void> write_junit_report(const std::string& path, const RunReport& r) {
  return write_file_atomic(path, to_junit_xml(r));
}

}  // namespace nc::report
