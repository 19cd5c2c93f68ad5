// The probe's one line of output.
//
// Every invocation prints exactly one JSON object on one line on stdout (serve prints its
// readiness line, then nothing more). Objects keep insertion order so "action" and
// "outcome" come first for a human reader. Invalid UTF-8 (file contents, replies) is
// replaced, never a failure.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nc::probe {

using Json = nlohmann::ordered_json;

// Exit statuses (the harness engine relies on them).
inline constexpr int kExitOk = 0;       // the action ran, whatever its outcome
inline constexpr int kExitBind = 1;     // serve could not bind a listener
inline constexpr int kExitUsage = 2;    // bad command line

// {"action": action, "outcome": outcome}
Json result(std::string_view action, std::string_view outcome);

// The object serialised on one line (no trailing newline).
std::string to_line(const Json& j);

// Writes to_line(j) + "\n" to stdout with one write(2), so a reader sees the whole line at
// once (serve's readiness signal depends on it).
void emit(const Json& j);

// If text parses as a JSON object, that object; otherwise null.
Json parse_object(std::string_view text);

// Milliseconds since `start` on the monotonic clock, rounded to microseconds.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double elapsed_ms() const;
  // Milliseconds left of a budget of `budget_ms`, never negative.
  int remaining_ms(int budget_ms) const;

 private:
  std::chrono::steady_clock::time_point start_;
};

// strerror(err) without locale or thread surprises.
std::string errno_text(int err);

}  // namespace nc::probe
