#include "netimpl/portmap/proxy.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "netimpl/base/run_queue.h"
#include "netimpl/base/unique_fd.h"
#include "netimpl/ns/sockets.h"

namespace nc::portmap {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kUdpIdle = std::chrono::seconds(90);  // docker-proxy's UDPConnTrackTimeout
constexpr size_t kChunk = 64 * 1024;

void set_nonblocking(int fd) {
  int fl = ::fcntl(fd, F_GETFL);
  if (fl >= 0) ::fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

// A UDP client's address, as a map key.
struct Peer {
  sockaddr_storage addr{};
  socklen_t len = 0;
  bool operator<(const Peer& o) const {
    return len != o.len ? len < o.len : std::memcmp(&addr, &o.addr, len) < 0;
  }
};

bool would_block() { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }

}  // namespace

class UserlandProxy::Loop {
 public:
  ~Loop() {
    if (thread_.joinable()) {
      run_sync([this] { stop_ = true; });
      thread_.join();
    }
  }

  bool started() const { return thread_.joinable(); }

  Result<void> start(const Namespaces& host) {
    ep_.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!ep_) return sys_fail("userland proxy: epoll_create1");
    NC_TRY_VOID_CTX(queue_.open(), "userland proxy");
    watch(queue_.fd(), EPOLLIN, {Kind::kWake});
    std::promise<Result<void>> entered;
    auto fut = entered.get_future();
    thread_ = std::thread([this, &host, &entered] {
      auto e = host.enter();
      bool ok = e.has_value();
      entered.set_value(std::move(e));
      if (ok) main();
    });
    auto r = fut.get();
    if (!r) {
      thread_.join();
      return with_context(std::move(r), fmt::format("userland proxy: enter {}", host.name()));
    }
    return {};
  }

  void run_sync(const std::function<void()>& fn) { queue_.run_sync(fn); }

  // Loop thread (through run_sync).
  void apply(const std::vector<ProxyRoute>& routes) {
    std::vector<int> gone;
    for (auto& [fd, r] : routes_)
      if (std::ranges::none_of(routes, [&](auto& n) { return n.fd == fd; })) gone.push_back(fd);
    for (int fd : gone) drop_route(fd);
    for (const ProxyRoute& n : routes) {
      if (auto it = routes_.find(n.fd); it != routes_.end()) {
        it->second.route = n;  // a new target, for new connections
        continue;
      }
      set_nonblocking(n.fd);
      routes_[n.fd] = {n, watch(n.fd, EPOLLIN, {Kind::kListener, n.fd})};
    }
  }

  size_t active() const { return pairs_.size() + flows_.size(); }

 private:
  enum class Kind { kWake, kListener, kPairSide, kFlow };
  struct Watch {
    Kind kind;
    int route = -1;    // kListener: its fd
    uint64_t id = 0;   // kPairSide, kFlow
  };
  struct Route {
    ProxyRoute route;
    uint64_t tok = 0;
  };
  // One end of a relayed TCP connection. `pending` holds bytes read from the other end and
  // not yet written to this one; the other end is read only while it is empty.
  struct Side {
    UniqueFd fd;
    uint64_t tok = 0;
    std::string pending;
    bool eof = false;   // this end sent its end of stream
    bool gone = false;  // this end is closed both ways (EPOLLHUP): nothing more goes to it
  };
  struct Pair {
    int route = -1;
    Side client, target;
    bool connected = false;
  };
  struct Flow {
    int route = -1;
    Peer peer;
    UniqueFd sock;
    uint64_t tok = 0;
    Clock::time_point last;
  };

  uint64_t watch(int fd, uint32_t events, Watch w) {
    uint64_t tok = next_tok_++;
    epoll_event ev{.events = events, .data = {.u64 = tok}};
    ::epoll_ctl(ep_.get(), EPOLL_CTL_ADD, fd, &ev);
    watches_[tok] = w;
    return tok;
  }
  void unwatch(uint64_t tok, int fd) {
    ::epoll_ctl(ep_.get(), EPOLL_CTL_DEL, fd, nullptr);
    watches_.erase(tok);
  }

  void main() {
    epoll_event events[64];
    while (!stop_) {
      int n = ::epoll_wait(ep_.get(), events, 64, flows_.empty() ? -1 : 1000);
      for (int i = 0; i < n; ++i) dispatch(events[i].data.u64, events[i].events);
      expire_flows();
    }
  }

  void dispatch(uint64_t tok, uint32_t events) {
    auto it = watches_.find(tok);
    if (it == watches_.end()) return;  // closed earlier in this batch
    Watch w = it->second;
    switch (w.kind) {
      case Kind::kWake: queue_.drain(); break;
      case Kind::kListener:
        if (routes_.at(w.route).route.proto == Proto::kTcp) accept_all(w.route);
        else relay_datagrams(w.route);
        break;
      case Kind::kPairSide: on_pair(w.id, tok, events); break;
      case Kind::kFlow: on_flow(w.id); break;
    }
  }

  void drop_route(int fd) {
    unwatch(routes_.at(fd).tok, fd);
    routes_.erase(fd);
    std::vector<uint64_t> ids;
    for (auto& [id, p] : pairs_)
      if (p.route == fd) ids.push_back(id);
    for (uint64_t id : ids) close_pair(id);
    ids.clear();
    for (auto& [id, f] : flows_)
      if (f.route == fd) ids.push_back(id);
    for (uint64_t id : ids) close_flow(id);
  }

  // TCP ----------------------------------------------------------------------------------
  void accept_all(int fd) {
    const ProxyRoute& r = routes_.at(fd).route;
    for (;;) {
      UniqueFd client(::accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (!client) return;  // EAGAIN, or a client that went away: nothing to do
      socklen_t len = 0;
      sockaddr_storage ss = sockets::any_sockaddr(r.target, r.port, len);
      UniqueFd target(::socket(r.target.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
      if (!target) continue;  // the client's connection closes: it gets an empty answer
      if (::connect(target.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS) continue;
      uint64_t id = next_id_++;
      Pair& p = pairs_[id];
      p.route = fd;
      p.client.fd = std::move(client);
      p.target.fd = std::move(target);
      p.client.tok = watch(p.client.fd.get(), 0, {Kind::kPairSide, fd, id});
      p.target.tok = watch(p.target.fd.get(), EPOLLOUT, {Kind::kPairSide, fd, id});
    }
  }

  // Moves at most one chunk from `from` to `to`; false on an error that ends the pair. Once
  // `from` ended its stream and everything reached `to`, `to` is half closed.
  static bool transfer(Side& from, Side& to, bool readable) {
    if (to.pending.empty() && !from.eof && readable) {
      char chunk[kChunk];
      ssize_t n = ::recv(from.fd.get(), chunk, sizeof chunk, MSG_DONTWAIT);
      if (n > 0) to.pending.assign(chunk, size_t(n));
      else if (n == 0) from.eof = true;
      else if (!would_block()) return false;
    }
    if (!to.pending.empty() && !to.gone) {
      ssize_t n = ::send(to.fd.get(), to.pending.data(), to.pending.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) to.pending.erase(0, size_t(n));
      else if (n < 0 && !would_block()) return false;
    }
    if (to.pending.empty() && from.eof && !to.gone) ::shutdown(to.fd.get(), SHUT_WR);
    return true;
  }

  // A side closed both ways: what it sent is still owed to the other side, which then ends.
  void hang_up(Side& s, Side& other) {
    char chunk[kChunk];
    for (ssize_t n; (n = ::recv(s.fd.get(), chunk, sizeof chunk, MSG_DONTWAIT)) > 0;) other.pending.append(chunk, size_t(n));
    s.eof = s.gone = true;
    s.pending.clear();
    ::epoll_ctl(ep_.get(), EPOLL_CTL_DEL, s.fd.get(), nullptr);
  }

  void on_pair(uint64_t id, uint64_t tok, uint32_t events) {
    Pair& p = pairs_.at(id);
    bool from_target = tok == p.target.tok;
    Side& self = from_target ? p.target : p.client;
    Side& other = from_target ? p.client : p.target;
    if (events & EPOLLERR) return close_pair(id);
    if (!p.connected) {
      if (!from_target) return close_pair(id);  // the client hung up before the target answered
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(p.target.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return close_pair(id);  // refused or unreachable: the client gets an empty close
      p.connected = true;
    }
    if ((events & EPOLLHUP) && !(events & EPOLLIN)) hang_up(self, other);
    bool in = events & EPOLLIN;
    if (!transfer(p.client, p.target, in && !from_target) || !transfer(p.target, p.client, in && from_target))
      return close_pair(id);
    bool finished = p.client.eof && p.target.eof && p.client.pending.empty() && p.target.pending.empty();
    bool abandoned = (p.client.gone && p.target.pending.empty()) || (p.target.gone && p.client.pending.empty());
    if (finished || abandoned) return close_pair(id);
    interest(p.client, p.target);
    interest(p.target, p.client);
  }

  // Level-triggered interests: read a side only while the other's pending is empty, write
  // it only while bytes wait for it.
  void interest(Side& s, const Side& other) {
    if (s.gone) return;
    uint32_t in = other.pending.empty() && !s.eof ? uint32_t(EPOLLIN) : 0;
    uint32_t out = s.pending.empty() ? 0 : uint32_t(EPOLLOUT);
    epoll_event ev{.events = in | out, .data = {.u64 = s.tok}};
    ::epoll_ctl(ep_.get(), EPOLL_CTL_MOD, s.fd.get(), &ev);
  }

  void close_pair(uint64_t id) {
    auto it = pairs_.find(id);
    if (it == pairs_.end()) return;
    unwatch(it->second.client.tok, it->second.client.fd.get());
    unwatch(it->second.target.tok, it->second.target.fd.get());
    pairs_.erase(it);
  }

  // UDP ----------------------------------------------------------------------------------
  void relay_datagrams(int fd) {
    static thread_local char buf[65536];
    for (int i = 0; i < 64; ++i) {
      Peer peer;
      peer.len = sizeof peer.addr;
      ssize_t n = ::recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&peer.addr), &peer.len);
      if (n < 0) return;
      uint64_t id = flow_for(fd, peer);
      if (!id) continue;
      Flow& f = flows_.at(id);
      f.last = Clock::now();
      (void)!::send(f.sock.get(), buf, size_t(n), MSG_DONTWAIT);
    }
  }

  uint64_t flow_for(int fd, const Peer& peer) {
    if (auto it = flow_ids_.find({fd, peer}); it != flow_ids_.end()) return it->second;
    const ProxyRoute& r = routes_.at(fd).route;
    socklen_t len = 0;
    sockaddr_storage ss = sockets::any_sockaddr(r.target, r.port, len);
    UniqueFd sock(::socket(r.target.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!sock || ::connect(sock.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return 0;
    uint64_t id = next_id_++;
    Flow& f = flows_[id];
    f.route = fd;
    f.peer = peer;
    f.sock = std::move(sock);
    f.tok = watch(f.sock.get(), EPOLLIN, {Kind::kFlow, fd, id});
    flow_ids_[{fd, peer}] = id;
    return id;
  }

  void on_flow(uint64_t id) {
    static thread_local char buf[65536];
    Flow& f = flows_.at(id);
    for (int i = 0; i < 64; ++i) {
      ssize_t n = ::recv(f.sock.get(), buf, sizeof buf, MSG_DONTWAIT);
      if (n < 0) {
        if (!would_block()) return close_flow(id);  // ICMP unreachable from the target
        return;
      }
      f.last = Clock::now();
      (void)!::sendto(f.route, buf, size_t(n), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&f.peer.addr), f.peer.len);
    }
  }

  void expire_flows() {
    auto now = Clock::now();
    std::vector<uint64_t> idle;
    for (auto& [id, f] : flows_)
      if (now - f.last > kUdpIdle) idle.push_back(id);
    for (uint64_t id : idle) close_flow(id);
  }

  void close_flow(uint64_t id) {
    auto it = flows_.find(id);
    if (it == flows_.end()) return;
    unwatch(it->second.tok, it->second.sock.get());
    flow_ids_.erase({it->second.route, it->second.peer});
    flows_.erase(it);
  }

  UniqueFd ep_;
  RunQueue queue_;
  std::thread thread_;
  bool stop_ = false;
  std::map<uint64_t, Watch> watches_;
  std::map<int, Route> routes_;
  std::map<uint64_t, Pair> pairs_;
  std::map<uint64_t, Flow> flows_;
  std::map<std::pair<int, Peer>, uint64_t> flow_ids_;
  uint64_t next_tok_ = 1, next_id_ = 1;
};

UserlandProxy::UserlandProxy(const Namespaces& host) : host_(&host), loop_(std::make_unique<Loop>()) {}

UserlandProxy::~UserlandProxy() = default;

Result<void> UserlandProxy::set(std::vector<ProxyRoute> routes) {
  if (!loop_->started()) {
    if (routes.empty()) return {};
    NC_TRY_VOID(loop_->start(*host_));
  }
  loop_->run_sync([&] { loop_->apply(routes); });
  return {};
}

size_t UserlandProxy::active() const {
  if (!loop_->started()) return 0;
  size_t n = 0;
  loop_->run_sync([&] { n = loop_->active(); });
  return n;
}

}  // namespace nc::portmap
