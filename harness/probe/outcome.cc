#include "harness/probe/outcome.h"

#include <cerrno>

namespace nc::probe {

std::string_view outcome_for_errno(int err) {
  switch (err) {
    case ECONNREFUSED:
      return "refused";
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EHOSTDOWN:
    case ENETDOWN:
      return "unreachable";
    case ETIMEDOUT:
      return "timeout";
    case ECONNRESET:
    case EPIPE:
      return "reset";
    default:
      return "error";
  }
}

StreamOutcome classify_stream(const StreamRead& r) {
  if (!r.data.empty()) return {"ok", false};
  if (r.err != 0) return {outcome_for_errno(r.err), false};
  if (r.eof) return {"empty", false};
  return {"ok", true};
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

}  // namespace nc::probe
