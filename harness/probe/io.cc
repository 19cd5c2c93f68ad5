#include "harness/probe/io.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace nc::probe {

UniqueFd open_socket(int family, int type, int protocol) {
  return UniqueFd(::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol));
}

int wait_fd(int fd, short events, const Stopwatch& sw, int budget_ms) {
  for (;;) {
    pollfd p{fd, events, 0};
    int rc = ::poll(&p, 1, sw.remaining_ms(budget_ms));
    if (rc > 0) return p.revents;
    if (rc == 0) return 0;
    if (errno != EINTR) return -1;
  }
}

std::optional<std::string> read_text_file(const char* path) {
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n == 0) return out;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    out.append(buf, static_cast<size_t>(n));
  }
}

int socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

int send_all(int fd, const std::string& data, const Stopwatch& sw, int budget_ms) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n >= 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return errno;
    int ev = wait_fd(fd, POLLOUT, sw, budget_ms);
    if (ev == 0) return ETIMEDOUT;
    if (ev < 0) return errno;
  }
  return 0;
}

}  // namespace nc::probe
