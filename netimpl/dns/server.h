// netimpl's embedded DNS server: 127.0.0.11:53 (UDP and TCP) inside every container that
// is on a user-defined network, served by ONE event loop thread (epoll) for all of them.
//
// The listening sockets are opened inside each container's network namespace on a
// short-lived thread (sockets.h) and then served from the loop; queries are parsed and
// answers built with ldns (message.h), names come from the NameTable (responder.h).
// Queries for other names are forwarded, over the client's transport, to the container's
// own servers (`--dns`, dialled from its namespace) or else to the host's (dialled from
// the host's namespace): each upstream gets `upstream_timeout`; a network error, a
// timeout, SERVFAIL or REFUSED moves on to the next; any other answer is relayed; when
// all failed the client gets SERVFAIL. At most `max_in_flight` forwarded queries are out
// at once; past that a query waits for a slot (oldest first) up to `slot_wait`, then gets
// REFUSED (Docker's resolver: a semaphore acquired with a timeout).
//
// Threads: every public method may be called from any one thread other than the loop's
// (the runtime's). Changes are visible to the next query: add/remove_container return
// once the loop has applied them, and the name table is shared under a mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"
#include "netimpl/dns/name_table.h"

namespace nc::dns {

struct Upstream {
  IpAddr ip;
  uint16_t port = 53;
};

struct ServerOptions {
  std::chrono::milliseconds upstream_timeout{4000};
  size_t max_in_flight = 1024;
  std::chrono::milliseconds slot_wait{4000};
  std::chrono::milliseconds tcp_idle{5000};  // a TCP client silent this long is dropped
  // 53: the server itself is at 127.0.0.11:53. 0: ephemeral ports of 127.0.0.11, one for
  // UDP and one for TCP, as Docker's embedded server listens; the caller sends 53 there
  // (runtime/dns_redirect.h) and 0.0.0.0:53 stays free for the container's own servers.
  uint16_t port = 53;
  bool answer_cache = true;                  // false: every answer parsed and built by ldns (bench)
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> start(ServerOptions opts = {});
  ~Server();  // stops the loop and closes every socket

  // Serves `container` on 127.0.0.11 in the network namespace `netns_fd` (dup'ed; the
  // caller keeps its own). `own` empty: forward to the host's upstreams — `host` when
  // given, as set_container_host would set them, in the same step. Returns the ports it
  // listens on (ServerOptions::port, or the ephemeral ones when that is 0).
  struct Ports {
    uint16_t udp = 0, tcp = 0;
  };
  Result<Ports> add_container(const std::string& container, int netns_fd, std::vector<Upstream> own,
                              std::optional<std::vector<Upstream>> host = std::nullopt);
  // Stops serving it; a no-op when it is not served. Forwarded queries of it are dropped.
  void remove_container(const std::string& container);
  bool serving(const std::string& container);
  // The host's namespace (dup'ed) and upstream servers (at most 3 are used).
  Result<void> set_host(int netns_fd, std::vector<Upstream> upstreams);
  // The host's upstreams as `container` knew them when it was set up (Docker reads the
  // host's resolv.conf when it builds a container's sandbox, at create and at every start,
  // and keeps that list: a running container does not see the host's file change). Until
  // it is set, the container follows set_host()'s list. A no-op when it is not served.
  void set_container_host(const std::string& container, std::vector<Upstream> upstreams);
  // Edits the shared name table.
  void edit_table(const std::function<void(NameTable&)>& fn);
  // CPU time the event loop thread has used (user + system), for benchmarks.
  std::chrono::nanoseconds cpu_time() const;

  class Loop;

 private:
  explicit Server(std::unique_ptr<Loop> loop);
  std::unique_ptr<Loop> loop_;
};

}  // namespace nc::dns
