// Server: TCP connections (answer, half-close, drain, close).
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>

#include "harness/probe/serve.h"

namespace nc::probe {
namespace {

constexpr auto kConnLifetime = std::chrono::seconds(5);

void rewatch(int epoll_fd, int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &ev) != 0) ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

}  // namespace

void Server::accept_all(int listen_fd) {
  for (;;) {
    SockAddr peer;
    socklen_t len = SockAddr::capacity();
    int fd = ::accept4(listen_fd, peer.get(), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN: all taken; EMFILE: expire() frees fds and the listener stays ready
    }
    peer.set_len(len);
    Conn c{.fd = UniqueFd(fd), .out = answer(peer, local_address(fd), Proto::kTcp)};
    c.deadline = std::chrono::steady_clock::now() + kConnLifetime;
    write_answer(c);
    if (c.fd) conns_.emplace(fd, std::move(c));
  }
}

// Writes what is left of the answer; when done, half-closes and waits for the client's
// close. Closes on a write error.
void Server::write_answer(Conn& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      c.out.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno == EAGAIN) {
      rewatch(epoll_.get(), c.fd.get(), EPOLLOUT);
      return;
    } else if (!(n < 0 && errno == EINTR)) {
      c.fd.reset();
      return;
    }
  }
  ::shutdown(c.fd.get(), SHUT_WR);
  c.draining = true;
  rewatch(epoll_.get(), c.fd.get(), EPOLLIN | EPOLLRDHUP);
}

void Server::on_conn(Conn& c, uint32_t events) {
  if (!c.draining) {
    if (events & (EPOLLERR | EPOLLHUP)) c.fd.reset();
    else write_answer(c);
    return;
  }
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    c.fd.reset();  // the client closed (0) or the connection failed
    return;
  }
}

void Server::expire() {
  auto now = std::chrono::steady_clock::now();
  std::erase_if(conns_, [&](const auto& kv) { return kv.second.deadline <= now; });
}

}  // namespace nc::probe
