#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "harness/probe/connect.h"
#include "harness/probe/io.h"
#include "harness/probe/outcome.h"

namespace nc::probe {
namespace {

// Distinct from every errno: our own budget ran out.
constexpr int kBudgetSpent = -1;

// Completes a non-blocking connect: 0, an errno, or kBudgetSpent.
int finish_connect(int fd, const Stopwatch& sw, int budget_ms) {
  int ev = wait_fd(fd, POLLOUT, sw, budget_ms);
  if (ev == 0) return kBudgetSpent;
  if (ev < 0) return errno;
  // POLLOUT or POLLERR/POLLHUP: SO_ERROR says which (also an ICMP unreachable).
  return socket_error(fd);
}

StreamRead read_reply(int fd, const Stopwatch& sw, int budget_ms) {
  StreamRead r;
  char buf[4096];
  while (r.data.size() < kMaxReply) {
    int ev = wait_fd(fd, POLLIN, sw, budget_ms);
    if (ev == 0) {
      r.timed_out = true;
      break;
    }
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      r.data.append(buf, static_cast<size_t>(n));
      if (r.data.find('\n') != std::string::npos) break;  // a probe server answers with one line
    } else if (n == 0) {
      r.eof = true;
      break;
    } else if (errno != EAGAIN && errno != EINTR) {
      r.err = errno;
      break;
    }
  }
  return r;
}

}  // namespace

Json connect_tcp(const Target& t, const ConnectOptions& o) {
  Stopwatch sw;
  Json j = result("connect", "error");
  j["target"] = t.url();
  UniqueFd fd = open_socket(t.addr.family(), SOCK_STREAM, 0);
  if (!fd) {
    int err = errno;
    return finish_result(std::move(j), "error", err, sw);
  }
  int err = ::connect(fd.get(), t.addr.get(), t.addr.len()) == 0 ? 0 : errno;
  if (err == EINPROGRESS) err = finish_connect(fd.get(), sw, o.timeout_ms);
  if (err == kBudgetSpent) return finish_result(std::move(j), "timeout", 0, sw);
  if (err != 0) return finish_result(std::move(j), outcome_for_errno(err), err, sw);

  j["connect_ms"] = sw.elapsed_ms();
  j["local"] = local_address(fd.get()).str();
  StreamRead r;
  if (o.send) r.err = send_all(fd.get(), *o.send, sw, o.timeout_ms);
  if (r.err == ETIMEDOUT) r = StreamRead{.timed_out = true};
  if (r.err == 0 && !r.timed_out) r = read_reply(fd.get(), sw, o.timeout_ms);
  StreamOutcome so = classify_stream(r);
  if (r.timed_out) {
    // Giving up aborts (RST), as a client's timeout does: a server whose answer is stuck
    // (an MTU black hole) would otherwise keep retransmitting, and its orphaned socket
    // would hold its network namespace for minutes after the container is gone.
    linger abort{.l_onoff = 1, .l_linger = 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  }
  if (!r.data.empty()) add_reply(j, r.data, r.data.size() >= kMaxReply);
  if (so.silent) j["silent"] = true;
  return finish_result(std::move(j), so.outcome, r.data.empty() ? r.err : 0, sw);
}

}  // namespace nc::probe
