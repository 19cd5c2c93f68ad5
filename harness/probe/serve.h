// The `serve` action's server: TCP and UDP listeners on one single-threaded epoll loop.
//
// Every TCP connection is answered at once with one JSON line
//   {"peer":"IP:PORT","local":"IP:PORT","hostname":NODENAME,"proto":"tcp","reply":TEXT}
// ("reply" only when given), then the server shuts down its write side and drains what
// the client sent until the client closes (closing with unread data would send a RST
// and the client could lose the answer). A connection still open 5 s after accept is
// closed. Nothing ever blocks: a slow or silent client costs one fd, not the loop.
//
// Every UDP datagram is answered with the same JSON to its sender, from the address it
// was sent to (IP_PKTINFO), so replies to a wildcard listener pass NAT and match the
// client's connected socket.
//
// IPv6 listeners are IPV6_V6ONLY, so "tcp://0.0.0.0:80" and "tcp://[::]:80" can both be
// served, and an IPv6 listener never silently takes IPv4 traffic. Only TCP sets
// SO_REUSEADDR (for restarts over TIME_WAIT): on UDP it would let two servers share a
// port and hide the clash a check may be looking for.
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness/probe/output.h"
#include "harness/probe/target.h"
#include "netimpl/base/unique_fd.h"

namespace nc::probe {

class Server {
 public:
  // Binds and listens on every target. The error reads "bind tcp://0.0.0.0:80: Address
  // already in use" (the operation, the target as given, the kernel's reason).
  static std::expected<Server, std::string> bind(const std::vector<Target>& targets, std::optional<std::string> reply);

  // The listeners' actual addresses as URLs, in the order given (port 0 resolved).
  const std::vector<std::string>& urls() const { return urls_; }

  // Serves until `stop_fd` becomes readable (the signalfd); returns then.
  void run(int stop_fd);

 private:
  struct Listener {
    UniqueFd fd;
    Proto proto;
  };
  struct Conn {
    UniqueFd fd;
    std::string out;  // the part of the answer not yet written
    bool draining = false;
    std::chrono::steady_clock::time_point deadline;
  };

  std::string answer(const SockAddr& peer, const SockAddr& local, Proto proto) const;
  void accept_all(int listen_fd);
  void answer_datagrams(int fd);
  void on_conn(Conn& c, uint32_t events);
  void write_answer(Conn& c);
  void expire();

  UniqueFd epoll_;
  std::vector<Listener> listeners_;
  std::vector<std::string> urls_;
  std::unordered_map<int, Conn> conns_;
  std::optional<std::string> reply_;
  std::string hostname_;
};

}  // namespace nc::probe
