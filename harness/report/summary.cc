#include "harness/report/summary.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace nc::report {
namespace {

constexpr const char* kReset = "\033[0m";

const char* color_of(Status s) {
  switch (s) {
    case Status::kPass: return "\033[32m";   // green
    case Status::kFail: return "\033[31m";   // red
    case Status::kSkip: return "\033[33m";   // yellow
    case Status::kXfail: return "\033[36m";  // cyan
    case Status::kXpass: return "\033[35m";  // magenta
  }
  return "";
}

// `text` padded to `width`, coloured when asked (padding outside the colour codes).
std::string paint(std::string_view text, const char* code, bool color, size_t width = 0) {
  std::string pad(width > text.size() ? width - text.size() : 0, ' ');
  if (!color) return fmt::format("{}{}", text, pad);
  return fmt::format("{}{}{}{}", code, text, kReset, pad);
}

std::string one_line(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\n' || c == '\r' || c == '\t') out += ' ';
    else if (c < 0x20 || c == 0x7F) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out;
}

std::string status_word(Status s, bool color, size_t width = 0) {
  return paint(to_string(s), color_of(s), color, width);
}

std::string not_passed(const std::vector<CheckResult>& results, bool color) {
  size_t rt_w = 0, id_w = 0;
  for (const auto& r : results) {
    rt_w = std::max(rt_w, r.runtime.size());
    id_w = std::max(id_w, r.id.size());
  }
  std::string out;
  for (const auto& r : results) {
    if (r.status == Status::kPass) continue;
    out += fmt::format("  {} {:<{}} {:<{}} {}\n", status_word(r.status, color, 6), r.runtime, rt_w + 1, r.id,
                       id_w, one_line(r.reason));
  }
  return out.empty() ? out : "not passed:\n" + out + "\n";
}

std::string table(const std::vector<CheckResult>& results) {
  auto by_runtime = summarize_by_runtime(results);
  size_t w = std::strlen("runtime");
  for (const auto& [name, s] : by_runtime) w = std::max(w, name.size());
  std::string out = fmt::format("{:<{}}", "runtime", w + 1);
  for (Status st : kAllStatuses) out += fmt::format(" {:>5}", to_string(st));
  out += "\n";
  for (const auto& [name, s] : by_runtime) {
    out += fmt::format("{:<{}}", name, w + 1);
    for (Status st : kAllStatuses) out += fmt::format(" {:>5}", s.count(st));
    out += "\n";
  }
  return out + "\n";
}

}  // namespace

bool use_color(int fd) {
  const char* term = std::getenv("TERM");
  return ::isatty(fd) && std::getenv("NO_COLOR") == nullptr && !(term && std::strcmp(term, "dumb") == 0);
}

std::string format_progress(int index, int total, const CheckResult& r, bool color) {
  int width = static_cast<int>(fmt::formatted_size("{}", total));
  std::string line = fmt::format("[{:>{}}/{}] {} {} {} ({} ms)", index, width, total, r.runtime, r.id,
                                 status_word(r.status, color), std::llround(r.duration_ms));
  if (r.status != Status::kPass && !r.reason.empty()) line += ": " + one_line(r.reason);
  return line;
}

std::string format_counts(const Summary& s, bool color) {
  std::string line = fmt::format("{} passed, {} failed, {} skipped", s.pass, s.fail, s.skip);
  if (s.xfail || s.xpass) line += fmt::format(", {} xfail, {} xpass", s.xfail, s.xpass);
  return paint(line, s.green() ? color_of(Status::kPass) : color_of(Status::kFail), color);
}

std::string format_summary(const RunReport& r, bool color) {
  return not_passed(r.results, color) + table(r.results) + format_counts(r.summary(), color) + "\n";
}

}  // namespace nc::report
