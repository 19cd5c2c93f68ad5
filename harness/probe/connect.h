// The `connect` action's two halves. Each returns the complete JSON result:
// {"action":"connect","target":URL,"outcome":O,"duration_ms":F,...} (see README.md).
#pragma once

#include <optional>
#include <string>

#include "harness/probe/output.h"
#include "harness/probe/target.h"

namespace nc::probe {

// Bytes kept of a reply; more is dropped and "truncated":true is set.
inline constexpr size_t kMaxReply = 64 * 1024;

struct ConnectOptions {
  int timeout_ms = 2000;            // for the whole exchange, connect included
  std::optional<std::string> send;  // TCP: written after connect; UDP: the datagram ("probe")
  int source_port = 0;              // UDP: send from this local port (SO_REUSEADDR), so that
                                    // successive runs form one conntrack flow; 0: any
};

// Non-blocking connect within the timeout, then reads until the first newline, EOF,
// reset or the end of the timeout. Outcomes: ok (data; or "silent":true when connected
// and the server said nothing), empty, reset, refused, timeout, unreachable, error.
Json connect_tcp(const Target& t, const ConnectOptions& o);

// A connected UDP socket sends one datagram and waits for one reply. Outcomes: ok,
// refused (ICMP port unreachable), unreachable, timeout, error.
Json connect_udp(const Target& t, const ConnectOptions& o);

// Adds "reply" (trimmed text), "server" (when it parses as a JSON object) and
// "truncated" to j.
void add_reply(Json& j, const std::string& raw, bool truncated);

// Sets "outcome", "duration_ms" and, for err > 0, "error" (strerror text); returns j.
Json finish_result(Json j, std::string_view outcome, int err, const Stopwatch& sw);

}  // namespace nc::probe
