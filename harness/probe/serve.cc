// Server: binding and the event loop. TCP connections: serve_tcp.cc; UDP: serve_udp.cc.
#include "harness/probe/serve.h"

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>

#include "harness/probe/io.h"

namespace nc::probe {
namespace {

std::string nodename() {
  utsname u{};
  return ::uname(&u) == 0 ? u.nodename : "";
}

// Many concurrent clients each hold an fd for a moment; take all the fds we may.
void raise_fd_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
  }
}

std::string sys_error(std::string_view op, const Target& t, int err) {
  return std::string(op) + " " + t.url() + ": " + errno_text(err);
}

std::expected<UniqueFd, std::string> open_listener(const Target& t) {
  int type = t.proto == Proto::kTcp ? SOCK_STREAM : SOCK_DGRAM;
  UniqueFd fd = open_socket(t.addr.family(), type, 0);
  if (!fd) return std::unexpected(sys_error("socket", t, errno));
  int one = 1;
  if (t.proto == Proto::kTcp) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (t.addr.is_v6()) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (t.proto == Proto::kUdp) {
    if (t.addr.is_v6())
      ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    else
      ::setsockopt(fd.get(), IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
  }
  if (::bind(fd.get(), t.addr.get(), t.addr.len()) != 0) return std::unexpected(sys_error("bind", t, errno));
  if (t.proto == Proto::kTcp && ::listen(fd.get(), SOMAXCONN) != 0)
    return std::unexpected(sys_error("listen", t, errno));
  return fd;
}

bool watch(int epoll_fd, int fd, uint32_t events, int op = EPOLL_CTL_ADD) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  return ::epoll_ctl(epoll_fd, op, fd, &ev) == 0;
}

}  // namespace

std::expected<Server, std::string> Server::bind(const std::vector<Target>& targets, std::optional<std::string> reply) {
  raise_fd_limit();
  Server s;
  s.reply_ = std::move(reply);
  s.hostname_ = nodename();
  s.epoll_ = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
  if (!s.epoll_) return std::unexpected("epoll_create1: " + errno_text(errno));
  for (const Target& t : targets) {
    auto fd = open_listener(t);
    if (!fd) return std::unexpected(fd.error());
    Target bound{t.proto, local_address(fd->get())};
    s.urls_.push_back(bound.url());
    if (!watch(s.epoll_.get(), fd->get(), EPOLLIN)) return std::unexpected(sys_error("epoll_ctl", t, errno));
    s.listeners_.push_back({std::move(*fd), t.proto});
  }
  return s;
}

void Server::run(int stop_fd) {
  if (!watch(epoll_.get(), stop_fd, EPOLLIN)) return;
  epoll_event events[64];
  for (;;) {
    // Wake at least every 250 ms to close connections past their deadline.
    int n = ::epoll_wait(epoll_.get(), events, 64, conns_.empty() ? -1 : 250);
    if (n < 0 && errno != EINTR) return;
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == stop_fd) return;
      if (auto l = std::find_if(listeners_.begin(), listeners_.end(), [&](auto& x) { return x.fd.get() == fd; });
          l != listeners_.end()) {
        l->proto == Proto::kTcp ? accept_all(fd) : answer_datagrams(fd);
      } else if (auto c = conns_.find(fd); c != conns_.end()) {
        on_conn(c->second, events[i].events);
        if (!c->second.fd) conns_.erase(c);
      }
    }
    expire();
  }
}

std::string Server::answer(const SockAddr& peer, const SockAddr& local, Proto proto) const {
  Json j = Json::object();
  j["peer"] = peer.str();
  j["local"] = local.str();
  j["hostname"] = hostname_;
  j["proto"] = proto_name(proto);
  if (reply_) j["reply"] = *reply_;
  return to_line(j) + "\n";
}

}  // namespace nc::probe
