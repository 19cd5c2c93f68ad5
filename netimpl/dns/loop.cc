#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <future>

#include "netimpl/dns/loop.h"
#include "netimpl/dns/responder.h"

namespace nc::dns {
namespace {

constexpr size_t kMaxTcpMessage = 65535;
constexpr int kUdpBurst = 64;

}  // namespace

Server::Loop::Loop(ServerOptions o) : opts(o) {}

Result<void> Server::Loop::open() {
  ep_ = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
  if (!ep_) return sys_fail("dns: epoll_create1");
  wake_ = UniqueFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!wake_) return sys_fail("dns: eventfd");
  watch(wake_.get(), EPOLLIN, Kind::kWake, "");
  thread_ = std::thread([this] { thread_main(); });
  return {};
}

Server::Loop::~Loop() {
  if (thread_.joinable()) {
    run_sync([this] { stop_ = true; });
    thread_.join();
  }
}

void Server::Loop::run_sync(std::function<void()> fn) {
  std::promise<void> done;
  auto fut = done.get_future();
  {
    std::lock_guard l(cmd_mu_);
    cmds_.push_back([&] {
      fn();
      done.set_value();
    });
  }
  uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
  fut.wait();
}

uint64_t Server::Loop::watch(int fd, uint32_t events, Kind kind, std::string key, uint64_t id) {
  uint64_t tok = next_tok_++;
  watches_[tok] = {kind, std::move(key), id, fd};
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = tok;
  ::epoll_ctl(ep_.get(), EPOLL_CTL_ADD, fd, &ev);
  return tok;
}

void Server::Loop::unwatch(uint64_t tok) {
  auto it = watches_.find(tok);
  if (it == watches_.end()) return;
  ::epoll_ctl(ep_.get(), EPOLL_CTL_DEL, it->second.fd, nullptr);
  watches_.erase(it);
}

void Server::Loop::drop(const std::string& container) {
  auto it = served.find(container);
  if (it == served.end()) return;
  unwatch(it->second.udp_tok);
  unwatch(it->second.tcp_tok);
  std::vector<uint64_t> conns, pend;
  for (auto& [tok, c] : conns_)
    if (c.container == container) conns.push_back(tok);
  for (auto& [id, p] : pending_)
    if (p.container == container) pend.push_back(id);
  for (auto tok : conns) close_conn(tok);
  for (auto id : pend) {
    if (auto t = pending_tok_.find(id); t != pending_tok_.end()) {
      unwatch(t->second);
      pending_tok_.erase(t);
    }
    pending_.erase(id);
  }
  served.erase(it);
}

void Server::Loop::thread_main() {
  epoll_event events[64];
  while (!stop_) {
    int n = ::epoll_wait(ep_.get(), events, 64, next_timeout_ms());
    for (int i = 0; i < n; ++i) dispatch(events[i].data.u64, events[i].events);
    expire();
  }
}

void Server::Loop::dispatch(uint64_t tok, uint32_t events) {
  auto it = watches_.find(tok);
  if (it == watches_.end()) return;
  Watch w = it->second;
  switch (w.kind) {
    case Kind::kWake: {
      uint64_t v;
      (void)!::read(wake_.get(), &v, sizeof v);
      std::vector<std::function<void()>> cmds;
      {
        std::lock_guard l(cmd_mu_);
        cmds.swap(cmds_);
      }
      for (auto& c : cmds) c();
      return;
    }
    case Kind::kUdp: return on_udp(w.key);
    case Kind::kTcpListen: return on_accept(w.key);
    case Kind::kTcpConn: return on_conn(tok, events);
    case Kind::kUpstream: return on_upstream(tok, w.id, events);
  }
}

void Server::Loop::on_udp(const std::string& container) {
  auto it = served.find(container);
  if (it == served.end()) return;
  uint8_t buf[4096];
  for (int i = 0; i < kUdpBurst; ++i) {
    Pending origin;
    origin.client_len = sizeof origin.client;
    ssize_t n = ::recvfrom(it->second.udp.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&origin.client),
                           &origin.client_len);
    if (n < 0) return;
    handle(container, {buf, static_cast<size_t>(n)}, std::move(origin));
    if (!served.contains(container)) return;
  }
}

void Server::Loop::on_accept(const std::string& container) {
  auto it = served.find(container);
  if (it == served.end()) return;
  for (;;) {
    int fd = ::accept4(it->second.tcp.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    uint64_t tok = watch(fd, EPOLLIN, Kind::kTcpConn, container);
    conns_[tok] = {UniqueFd(fd), container, {}, {}, Clock::now() + opts.tcp_idle};
  }
}

void Server::Loop::on_conn(uint64_t tok, uint32_t events) {
  auto it = conns_.find(tok);
  if (it == conns_.end()) return;
  TcpConn& c = it->second;
  if (events & EPOLLOUT) flush_conn(tok, c);
  if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
  uint8_t buf[4096];
  ssize_t n = ::read(c.fd.get(), buf, sizeof buf);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return close_conn(tok);
  if (n < 0) return;
  c.in.insert(c.in.end(), buf, buf + n);
  c.deadline = Clock::now() + opts.tcp_idle;
  while (c.in.size() >= 2) {
    size_t len = (size_t(c.in[0]) << 8) | c.in[1];
    if (c.in.size() < 2 + len) break;
    std::vector<uint8_t> msg(c.in.begin() + 2, c.in.begin() + 2 + static_cast<long>(len));
    c.in.erase(c.in.begin(), c.in.begin() + 2 + static_cast<long>(len));
    Pending origin;
    origin.tcp = true;
    origin.conn = tok;
    std::string container = c.container;
    handle(container, msg, std::move(origin));
    if (!conns_.contains(tok)) return;
  }
}

void Server::Loop::close_conn(uint64_t tok) {
  unwatch(tok);
  conns_.erase(tok);
}

void Server::Loop::flush_conn(uint64_t tok, TcpConn& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EAGAIN) break;
    if (n <= 0) return close_conn(tok);
    c.out.erase(c.out.begin(), c.out.begin() + n);
  }
  epoll_event ev{};
  ev.events = EPOLLIN | (c.out.empty() ? 0u : uint32_t(EPOLLOUT));
  ev.data.u64 = tok;
  ::epoll_ctl(ep_.get(), EPOLL_CTL_MOD, c.fd.get(), &ev);
}

void Server::Loop::handle(const std::string& container, std::span<const uint8_t> wire, Pending origin) {
  auto q = parse_query(wire);
  if (!q) return;
  origin.container = container;
  Decision d;
  {
    std::lock_guard l(table_mu);
    d = respond(*q, table, container, origin.tcp ? kMaxTcpMessage : q->udp_size, rng_);
  }
  if (!d.forward) return reply(origin, d.reply);
  if (pending_.size() >= opts.max_in_flight) return reply(origin, build_reply(*q, kRefused, {}, kMaxTcpMessage));
  origin.query.assign(wire.begin(), wire.end());
  forward(std::move(origin));
}

void Server::Loop::reply(const Pending& to, std::span<const uint8_t> wire) {
  if (wire.empty()) return;
  if (!to.tcp) {
    auto it = served.find(to.container);
    if (it == served.end()) return;
    ::sendto(it->second.udp.get(), wire.data(), wire.size(), MSG_DONTWAIT,
             reinterpret_cast<const sockaddr*>(&to.client), to.client_len);
    return;
  }
  auto it = conns_.find(to.conn);
  if (it == conns_.end()) return;
  auto& out = it->second.out;
  out.push_back(static_cast<uint8_t>(wire.size() >> 8));
  out.push_back(static_cast<uint8_t>(wire.size() & 0xff));
  out.insert(out.end(), wire.begin(), wire.end());
  flush_conn(to.conn, it->second);
}

int Server::Loop::next_timeout_ms() {
  auto now = Clock::now();
  auto first = Clock::time_point::max();
  for (auto& [_, c] : conns_) first = std::min(first, c.deadline);
  for (auto& [_, p] : pending_) first = std::min(first, p.deadline);
  if (first == Clock::time_point::max()) return -1;
  if (first <= now) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(first - now).count());
}

void Server::Loop::expire() {
  auto now = Clock::now();
  std::vector<uint64_t> idle, late;
  for (auto& [tok, c] : conns_)
    if (c.deadline <= now) idle.push_back(tok);
  for (auto& [id, p] : pending_)
    if (p.deadline <= now) late.push_back(id);
  for (auto tok : idle) close_conn(tok);
  for (auto id : late) next_upstream(id);
}

}  // namespace nc::dns
