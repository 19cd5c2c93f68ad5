// Small, bounded socket I/O helpers shared by the actions. Every wait has a deadline;
// EINTR is retried against the same deadline.
#pragma once

#include <optional>
#include <string>

#include "harness/probe/output.h"
#include "netimpl/base/unique_fd.h"

namespace nc::probe {

// A non-blocking, close-on-exec socket; invalid (with errno set) on failure.
UniqueFd open_socket(int family, int type, int protocol);

// Waits until fd reports one of `events` (or an error/hangup) or until `budget_ms` since
// the stopwatch started has passed. Returns the revents, 0 on timeout, -1 (errno set) if
// poll itself failed.
int wait_fd(int fd, short events, const Stopwatch& sw, int budget_ms);

// The whole of a (small, /proc) file; nullopt (errno set) when it cannot be read.
std::optional<std::string> read_text_file(const char* path);

// SO_ERROR of fd (0 when none).
int socket_error(int fd);

// Sends all of `data` on a non-blocking socket within the budget. Returns 0 or an errno
// (ETIMEDOUT when the budget ran out).
int send_all(int fd, const std::string& data, const Stopwatch& sw, int budget_ms);

}  // namespace nc::probe
