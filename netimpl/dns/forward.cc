// Forwarding: the loop's half of Server that talks to upstream servers.
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>

#include "netimpl/dns/loop.h"
#include "netimpl/dns/sockets.h"

namespace nc::dns {
namespace {

constexpr size_t kMaxUpstreams = 3;

}  // namespace

void Server::Loop::forward(Pending p) {
  auto it = served.find(p.container);
  if (it == served.end()) return;
  if (!it->second.own.empty()) {
    p.ups = it->second.own;
    p.netns = it->second.netns.get();
  } else {
    p.ups = it->second.host_ups ? *it->second.host_ups : host_ups;
    p.netns = host_netns.get();
  }
  if (p.ups.size() > kMaxUpstreams) p.ups.resize(kMaxUpstreams);
  if (p.tcp)
    if (auto c = conns_.find(p.conn); c != conns_.end())
      c->second.deadline = Clock::now() + opts.upstream_timeout * (p.ups.size() + 1) + opts.tcp_idle;
  uint64_t id = next_tok_++;
  pending_.emplace(id, std::move(p));
  try_upstream(id);
}

// Starts the query on upstream `index`, skipping those that fail at once.
void Server::Loop::try_upstream(uint64_t id) {
  Pending& p = pending_.at(id);
  for (; p.index < p.ups.size(); ++p.index) {
    auto& up = p.ups[p.index];
    auto sock = dial_in(p.netns, p.tcp ? SOCK_STREAM : SOCK_DGRAM, up.ip, up.port);
    if (!sock) continue;
    p.sock = std::move(*sock);
    p.connected = false;
    p.in.clear();
    p.deadline = Clock::now() + opts.upstream_timeout;
    if (!p.tcp && ::send(p.sock.get(), p.query.data(), p.query.size(), MSG_DONTWAIT) < 0) continue;
    pending_tok_[id] = watch(p.sock.get(), p.tcp ? EPOLLOUT | EPOLLIN : EPOLLIN, Kind::kUpstream, "", id);
    return;
  }
  fail_all(id);
}

void Server::Loop::next_upstream(uint64_t id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  if (auto t = pending_tok_.find(id); t != pending_tok_.end()) {
    unwatch(t->second);
    pending_tok_.erase(t);
  }
  it->second.sock.reset();
  ++it->second.index;
  try_upstream(id);
}

void Server::Loop::on_upstream(uint64_t tok, uint64_t id, uint32_t events) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return unwatch(tok);
  Pending& p = it->second;
  if (p.tcp && !p.connected && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(p.sock.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) return next_upstream(id);
    std::vector<uint8_t> msg{static_cast<uint8_t>(p.query.size() >> 8), static_cast<uint8_t>(p.query.size() & 0xff)};
    msg.insert(msg.end(), p.query.begin(), p.query.end());
    if (::send(p.sock.get(), msg.data(), msg.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(msg.size()))
      return next_upstream(id);
    p.connected = true;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tok;
    ::epoll_ctl(ep_.get(), EPOLL_CTL_MOD, p.sock.get(), &ev);
    return;
  }
  if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP))) return;
  uint8_t buf[65536 + 2];
  ssize_t n = ::recv(p.sock.get(), buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0 && errno == EAGAIN) return;
  if (n <= 0) return next_upstream(id);
  std::vector<uint8_t> wire;
  if (!p.tcp) {
    // Only the answer to this query (same id) counts; anything else is ignored.
    if (n < 12 || buf[0] != p.query[0] || buf[1] != p.query[1]) return;
    wire.assign(buf, buf + n);
  } else {
    p.in.insert(p.in.end(), buf, buf + n);
    if (p.in.size() < 2) return;
    size_t len = (size_t(p.in[0]) << 8) | p.in[1];
    if (p.in.size() < 2 + len) return;
    wire.assign(p.in.begin() + 2, p.in.begin() + 2 + static_cast<long>(len));
  }
  int rcode = reply_rcode(wire);
  if (rcode == kServFail || rcode == kRefused || rcode < 0) return next_upstream(id);
  finish(id, wire);
}

void Server::Loop::finish(uint64_t id, std::span<const uint8_t> wire) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  if (auto t = pending_tok_.find(id); t != pending_tok_.end()) {
    unwatch(t->second);
    pending_tok_.erase(t);
  }
  Pending p = std::move(it->second);
  pending_.erase(it);
  reply(p, wire);
  if (p.tcp)
    if (auto c = conns_.find(p.conn); c != conns_.end()) c->second.deadline = Clock::now() + opts.tcp_idle;
  admit_waiting();
}

void Server::Loop::fail_all(uint64_t id) {
  Pending& p = pending_.at(id);
  auto q = parse_query(p.query);
  if (!q) {
    pending_.erase(id);
    return admit_waiting();
  }
  auto wire = build_reply(*q, kServFail, {}, 65535);
  finish(id, wire);
}

}  // namespace nc::dns
