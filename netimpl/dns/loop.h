// The event loop behind Server (server.h): internal to netimpl/dns.
//
// Everything here except post()/run_sync() and the table (under table_mu) belongs to the
// loop thread. Every fd in the epoll set is known by a token (epoll_event.data.u64);
// an event whose token is gone is ignored, so closing during a batch is safe.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "netimpl/base/run_queue.h"
#include "netimpl/base/unique_fd.h"
#include "netimpl/dns/answer_cache.h"
#include "netimpl/dns/message.h"
#include "netimpl/dns/server.h"

namespace nc::dns {

using Clock = std::chrono::steady_clock;

struct Served {
  UniqueFd udp, tcp, netns;
  std::vector<Upstream> own;
  std::optional<std::vector<Upstream>> host_ups;  // the host's, as of its set-up (Server::set_container_host)
  uint64_t udp_tok = 0, tcp_tok = 0;
  AnswerCache cache;  // its UDP local answers
};

struct TcpConn {
  UniqueFd fd;
  std::string container;
  std::vector<uint8_t> in, out;
  Clock::time_point deadline;
};

// One forwarded query.
struct Pending {
  std::string container;
  sockaddr_storage client{};  // UDP clients
  socklen_t client_len = 0;
  uint64_t conn = 0;          // TCP clients: the connection's token
  bool tcp = false;
  std::vector<uint8_t> query;
  std::vector<Upstream> ups;
  int netns = -1;             // where the upstreams are dialled (borrowed)
  size_t index = 0;           // the upstream being tried
  UniqueFd sock;
  bool connected = false;     // TCP: the connect finished and the query was sent
  std::vector<uint8_t> in;
  Clock::time_point deadline;  // waiting for a slot: when it gets REFUSED instead
};

class Server::Loop {
 public:
  enum class Kind { kWake, kUdp, kTcpListen, kTcpConn, kUpstream };

  explicit Loop(ServerOptions opts);
  Result<void> open();
  ~Loop();

  void run_sync(std::function<void()> fn);
  std::chrono::nanoseconds cpu_time();  // the loop thread's; any thread may ask

  std::mutex table_mu;
  NameTable table;
  uint64_t table_gen = 1;  // under table_mu; bumped by every edit (invalidates the caches)

  // Loop-thread state, used through run_sync by Server.
  ServerOptions opts;
  std::map<std::string, Served, std::less<>> served;
  UniqueFd host_netns;
  std::vector<Upstream> host_ups;

  uint64_t watch(int fd, uint32_t events, Kind kind, std::string key, uint64_t id = 0);
  void unwatch(uint64_t tok);
  // Stops serving `container`: its listeners, TCP clients and forwarded queries go.
  void drop(const std::string& container);

 private:
  struct Watch {
    Kind kind;
    std::string key;  // kUdp / kTcpListen: the container
    uint64_t id = 0;  // kTcpConn / kUpstream: the conn / pending id
    int fd = -1;
  };

  void thread_main();
  void dispatch(uint64_t tok, uint32_t events);
  void on_udp(const std::string& container);
  void on_accept(const std::string& container);
  void on_conn(uint64_t tok, uint32_t events);
  void close_conn(uint64_t tok);
  void flush_conn(uint64_t tok, TcpConn& c);
  enum class Outcome { kDrop, kReply, kForward };
  // The local answer to `wire` in `out` (kReply), or what else to do with it.
  Outcome answer(const std::string& container, Served& s, std::span<const uint8_t> wire, bool tcp,
                 std::vector<uint8_t>& out);
  void handle(const std::string& container, std::span<const uint8_t> wire, Pending origin);
  void start_forward(std::span<const uint8_t> wire, Pending origin);
  void reply(const Pending& to, std::span<const uint8_t> wire);
  int next_timeout_ms();
  void expire();

  // Forwarding (forward.cc).
  void forward(Pending p);
  void try_upstream(uint64_t id);
  void on_upstream(uint64_t tok, uint64_t id, uint32_t events);
  void next_upstream(uint64_t id);
  void finish(uint64_t id, std::span<const uint8_t> wire);
  void fail_all(uint64_t id);
  void admit_waiting();
  void expire_waiting(Clock::time_point now);

  UniqueFd ep_;
  RunQueue queue_;
  std::thread thread_;
  bool stop_ = false;
  std::map<uint64_t, Watch> watches_;
  std::map<uint64_t, TcpConn> conns_;
  std::map<uint64_t, Pending> pending_;
  std::map<uint64_t, uint64_t> pending_tok_;  // pending id → its socket's token
  std::deque<Pending> waiting_;               // for a slot, oldest first
  std::vector<uint8_t> scratch_;              // a reply being built
  bool admitting_ = false;
  uint64_t next_tok_ = 1;
  std::mt19937 rng_{std::random_device{}()};
};

}  // namespace nc::dns
