#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "harness/probe/connect.h"
#include "harness/probe/io.h"
#include "harness/probe/outcome.h"

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
