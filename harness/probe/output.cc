#include "harness/probe/output.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

namespace nc::probe {

Json result(std::string_view action, std::string_view outcome) {
  Json j = Json::object();
  j["action"] = action;
  j["outcome"] = outcome;
  return j;
}

std::string to_line(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

void emit(const Json& j) {
  std::string line = to_line(j) + "\n";
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nobody is listening; nothing better to do
    p += n;
    left -= static_cast<size_t>(n);
  }
}

Json parse_object(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : Json();
}

double Stopwatch::elapsed_ms() const {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_);
  return static_cast<double>(us.count()) / 1000.0;
}

int Stopwatch::remaining_ms(int budget_ms) const {
  auto used = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_);
  auto left = budget_ms - used.count();
  return left > 0 ? static_cast<int>(left) : 0;
}

std::string errno_text(int err) {
  char buf[128];
  return strerror_r(err, buf, sizeof buf);  // GNU variant: returns the text
}

}  // namespace nc::probe
