// netimpl's userland proxy: carries the published traffic that DNAT cannot, as docker-proxy
// does for Docker.
//
// Two kinds of host port need it (runtime/publish.h decides which):
//  - an IPv6 loopback address (`-p [::1]:8080:80`): IPv6 has no route_localnet, so the
//    kernel drops a packet from ::1 that DNAT would send out of `lo` to a container;
//  - an IPv6 host port of a container without an IPv6 address (`-p 8080:80` holds [::]:8080
//    beside 0.0.0.0:8080, and NAT cannot change the family).
// The socket the port allocator already holds for such a port is the proxy's listener.
// TCP: each connection is accepted and relayed byte for byte over a new connection to the
// target; an end of stream is passed on as a half close. UDP: datagrams are relayed over one
// connected socket per client address, the replies sent back from the host port, and a
// client idle for 90 s is forgotten (docker-proxy's UDPConnTrackTimeout). As with
// docker-proxy the service sees the host's address on the container's network (the
// bridge's gateway), and a target that refuses closes the client's already accepted
// connection, which the client sees as an empty answer.
//
// Threads: one relay thread, started by the first set() that has routes. It lives in the
// host's network namespace, where its outgoing sockets must be made. set() may be called
// from one other thread at a time; it returns once the relay thread no longer uses a
// socket that left the set, so the caller may close it afterwards.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"
#include "netimpl/base/proto.h"
#include "netimpl/ns/namespaces.h"

namespace nc::portmap {

// Traffic reaching `fd` (a held host socket, borrowed: TCP listening, UDP bound) goes to
// target:port.
struct ProxyRoute {
  int fd = -1;
  Proto proto = Proto::kTcp;
  IpAddr target;
  uint16_t port = 0;
  bool operator==(const ProxyRoute&) const = default;
};

class UserlandProxy {
 public:
  // `host` must outlive the proxy.
  explicit UserlandProxy(const Namespaces& host);
  ~UserlandProxy();  // closes every relayed connection; the routes' sockets stay open
  UserlandProxy(const UserlandProxy&) = delete;
  UserlandProxy& operator=(const UserlandProxy&) = delete;

  // Serves exactly `routes` from now on. A route whose fd stays keeps its connections (a
  // new target applies to new ones); a route that goes closes its connections and flows.
  // Errors: the relay thread could not be started in the host's namespace.
  Result<void> set(std::vector<ProxyRoute> routes);

  // The connections and UDP flows being relayed now (for tests).
  size_t active() const;

 private:
  class Loop;
  const Namespaces* host_;
  std::unique_ptr<Loop> loop_;
};

}  // namespace nc::portmap
