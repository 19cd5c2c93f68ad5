#include <pthread.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <memory>

#include "netimpl/dns/loop.h"
#include "netimpl/dns/responder.h"

namespace nc::dns {
namespace {

constexpr size_t kMaxTcpMessage = 65535;
constexpr unsigned kBatch = 32;        // datagrams per recvmmsg/sendmmsg
constexpr int kBatchesPerWakeup = 4;  // then other sockets get their turn
constexpr size_t kMaxDatagram = 4096;

// recvmmsg/sendmmsg vectors for one batch; the loop thread owns the only one.
struct UdpBatch {
  uint8_t in[kBatch][kMaxDatagram];
  sockaddr_storage from[kBatch];
  iovec in_iov[kBatch], out_iov[kBatch];
  mmsghdr in_msg[kBatch], out_msg[kBatch];
  std::vector<uint8_t> out[kBatch];

  void arm_receive() {
    for (unsigned i = 0; i < kBatch; ++i) {
      in_iov[i] = {in[i], kMaxDatagram};
      in_msg[i] = {};
      in_msg[i].msg_hdr.msg_name = &from[i];
      in_msg[i].msg_hdr.msg_namelen = sizeof from[i];
      in_msg[i].msg_hdr.msg_iov = &in_iov[i];
      in_msg[i].msg_hdr.msg_iovlen = 1;
    }
  }
  // Queues out[i] as the reply to datagram i, in slot `n` of the send vector.
  void queue_reply(unsigned i, unsigned n) {
    out_iov[n] = {out[i].data(), out[i].size()};
    out_msg[n] = {};
    out_msg[n].msg_hdr.msg_name = &from[i];
    out_msg[n].msg_hdr.msg_namelen = in_msg[i].msg_hdr.msg_namelen;
    out_msg[n].msg_hdr.msg_iov = &out_iov[n];
    out_msg[n].msg_hdr.msg_iovlen = 1;
  }
};

UdpBatch& batch() {
  static thread_local auto b = std::make_unique<UdpBatch>();
  return *b;
}

}  // namespace

Server::Loop::Loop(ServerOptions o) : opts(o) {}

Result<void> Server::Loop::open() {
  ep_ = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
  if (!ep_) return sys_fail("dns: epoll_create1");
  NC_TRY_VOID_CTX(queue_.open(), "dns");
  watch(queue_.fd(), EPOLLIN, Kind::kWake, "");
  thread_ = std::thread([this] { thread_main(); });
  return {};
}

Server::Loop::~Loop() {
  if (thread_.joinable()) {
    run_sync([this] { stop_ = true; });
    thread_.join();
  }
}

void Server::Loop::run_sync(std::function<void()> fn) { queue_.run_sync(fn); }

std::chrono::nanoseconds Server::Loop::cpu_time() {
  clockid_t clock;
  timespec ts{};
  if (::pthread_getcpuclockid(thread_.native_handle(), &clock) != 0 || ::clock_gettime(clock, &ts) != 0) return {};
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
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
  std::erase_if(waiting_, [&](const Pending& p) { return p.container == container; });
  served.erase(it);
  admit_waiting();
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
    case Kind::kWake: return queue_.drain();
    case Kind::kUdp: return on_udp(w.key);
    case Kind::kTcpListen: return on_accept(w.key);
    case Kind::kTcpConn: return on_conn(tok, events);
    case Kind::kUpstream: return on_upstream(tok, w.id, events);
  }
}

// Drains the socket in batches: one recvmmsg, the local answers built (mostly from the
// cache), one sendmmsg. Forwarded queries leave the batch for their own sockets.
void Server::Loop::on_udp(const std::string& container) {
  auto it = served.find(container);
  if (it == served.end()) return;
  int fd = it->second.udp.get();
  UdpBatch& b = batch();
  for (int round = 0; round < kBatchesPerWakeup; ++round) {
    b.arm_receive();
    int n = ::recvmmsg(fd, b.in_msg, kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return;
    unsigned replies = 0;
    for (unsigned i = 0; i < static_cast<unsigned>(n); ++i) {
      std::span<const uint8_t> wire{b.in[i], b.in_msg[i].msg_len};
      switch (answer(container, it->second, wire, false, b.out[i])) {
        case Outcome::kDrop: break;
        case Outcome::kReply: b.queue_reply(i, replies++); break;
        case Outcome::kForward: {
          Pending origin;
          origin.container = container;
          std::memcpy(&origin.client, &b.from[i], b.in_msg[i].msg_hdr.msg_namelen);
          origin.client_len = b.in_msg[i].msg_hdr.msg_namelen;
          start_forward(wire, std::move(origin));
          if (!served.contains(container)) return;
          break;
        }
      }
    }
    if (replies) ::sendmmsg(fd, b.out_msg, replies, MSG_DONTWAIT);
    if (static_cast<unsigned>(n) < kBatch) return;
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

Server::Loop::Outcome Server::Loop::answer(const std::string& container, Served& s, std::span<const uint8_t> wire,
                                           bool tcp, std::vector<uint8_t>& out) {
  uint64_t gen;
  {
    std::lock_guard l(table_mu);
    gen = table_gen;
  }
  bool cache = !tcp && opts.answer_cache;
  if (cache && s.cache.lookup(wire, gen, rng_, out)) return Outcome::kReply;
  auto q = parse_query(wire);
  if (!q) return Outcome::kDrop;
  Decision d;
  {
    std::lock_guard l(table_mu);
    d = respond(*q, table, container, tcp ? kMaxTcpMessage : q->udp_size, rng_);
    gen = table_gen;
  }
  if (d.forward) return Outcome::kForward;
  if (cache) s.cache.store(wire, gen, d.reply);
  out = std::move(d.reply);
  return out.empty() ? Outcome::kDrop : Outcome::kReply;
}

void Server::Loop::handle(const std::string& container, std::span<const uint8_t> wire, Pending origin) {
  auto it = served.find(container);
  if (it == served.end()) return;
  origin.container = container;
  switch (answer(container, it->second, wire, origin.tcp, scratch_)) {
    case Outcome::kDrop: return;
    case Outcome::kReply: return reply(origin, scratch_);
    case Outcome::kForward: return start_forward(wire, std::move(origin));
  }
}

// Forwards now when a slot is free; otherwise the query waits for one (admit_waiting).
void Server::Loop::start_forward(std::span<const uint8_t> wire, Pending origin) {
  origin.query.assign(wire.begin(), wire.end());
  if (pending_.size() < opts.max_in_flight && waiting_.empty()) return forward(std::move(origin));
  origin.deadline = Clock::now() + opts.slot_wait;
  if (origin.tcp)
    if (auto c = conns_.find(origin.conn); c != conns_.end()) c->second.deadline = origin.deadline + opts.tcp_idle;
  waiting_.push_back(std::move(origin));
}

void Server::Loop::admit_waiting() {
  // forward() can finish a query at once (no upstream reachable), which calls back here.
  if (admitting_) return;
  admitting_ = true;
  while (pending_.size() < opts.max_in_flight && !waiting_.empty()) {
    Pending p = std::move(waiting_.front());
    waiting_.pop_front();
    forward(std::move(p));
  }
  admitting_ = false;
}

void Server::Loop::expire_waiting(Clock::time_point now) {
  while (!waiting_.empty() && waiting_.front().deadline <= now) {
    Pending p = std::move(waiting_.front());
    waiting_.pop_front();
    if (auto q = parse_query(p.query)) reply(p, build_reply(*q, kRefused, {}, kMaxTcpMessage));
  }
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
  if (!waiting_.empty()) first = std::min(first, waiting_.front().deadline);
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
  expire_waiting(now);
}

}  // namespace nc::dns
