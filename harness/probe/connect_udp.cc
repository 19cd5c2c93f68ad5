#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "harness/probe/connect.h"
#include "harness/probe/io.h"
#include "harness/probe/outcome.h"
#include "harness/probe/sockaddr.h"

namespace nc::probe {

Json connect_udp(const Target& t, const ConnectOptions& o) {
  Stopwatch sw;
  Json j = result("connect", "error");
  j["target"] = t.url();
  UniqueFd fd = open_socket(t.addr.family(), SOCK_DGRAM, 0);
  if (!fd) {
    int err = errno;
    return finish_result(std::move(j), "error", err, sw);
  }
  if (o.source_port != 0) {
    // One flow across runs, as a long-lived client (syslog, statsd) keeps one socket.
    int one = 1;
    auto any = SockAddr::parse_ip(t.addr.family() == AF_INET6 ? "::" : "0.0.0.0", static_cast<uint16_t>(o.source_port));
    if (!any || ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        ::bind(fd.get(), any->get(), any->len()) != 0) {
      int err = errno;
      return finish_result(std::move(j), "error", err ? err : EINVAL, sw);
    }
  }
  // A connected UDP socket is what makes the kernel report an ICMP port unreachable
  // (ECONNREFUSED) to us; an unconnected one never hears of it.
  if (::connect(fd.get(), t.addr.get(), t.addr.len()) != 0) {
    int err = errno;
    return finish_result(std::move(j), outcome_for_errno(err), err, sw);
  }
  j["local"] = local_address(fd.get()).str();
  std::string payload = o.send.value_or("probe");
  if (::send(fd.get(), payload.data(), payload.size(), 0) < 0) {
    int err = errno;
    return finish_result(std::move(j), outcome_for_errno(err), err, sw);
  }
  std::string buf(kMaxReply + 1, '\0');
  for (;;) {
    int ev = wait_fd(fd.get(), POLLIN, sw, o.timeout_ms);
    if (ev == 0) return finish_result(std::move(j), "timeout", 0, sw);
    ssize_t n = ::recv(fd.get(), buf.data(), buf.size(), 0);
    if (n >= 0) {
      size_t len = static_cast<size_t>(n);
      add_reply(j, buf.substr(0, std::min(len, kMaxReply)), len > kMaxReply);
      return finish_result(std::move(j), "ok", 0, sw);
    }
    int err = errno;
    if (err != EAGAIN && err != EINTR) return finish_result(std::move(j), outcome_for_errno(err), err, sw);
  }
}

}  // namespace nc::probe
