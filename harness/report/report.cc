#include "harness/report/report.h"

#include <ctime>

namespace nc::report {

std::string_view to_string(Status s) {
  switch (s) {
    case Status::kPass: return "pass";
    case Status::kFail: return "fail";
    case Status::kSkip: return "skip";
    case Status::kXfail: return "xfail";
    case Status::kXpass: return "xpass";
  }
  return "?";
}

Result<Status> parse_status(std::string_view text) {
  for (Status s : kAllStatuses)
    if (to_string(s) == text) return s;
  return failf("unknown status '{}' (expected pass, fail, skip, xfail or xpass)", text);
}

int& Summary::count(Status s) {
  switch (s) {
    case Status::kPass: return pass;
    case Status::kFail: return fail;
    case Status::kSkip: return skip;
    case Status::kXfail: return xfail;
    case Status::kXpass: return xpass;
  }
  return fail;
}

int Summary::count(Status s) const { return const_cast<Summary*>(this)->count(s); }

Summary summarize(const std::vector<CheckResult>& results) {
  Summary s;
  for (const auto& r : results) ++s.count(r.status);
  return s;
}

std::map<std::string, Summary> summarize_by_runtime(const std::vector<CheckResult>& results) {
  std::map<std::string, Summary> out;
  for (const auto& r : results) ++out[r.runtime].count(r.status);
  return out;
}

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03}Z", buf, ms % 1000);
}

}  // namespace nc::report
