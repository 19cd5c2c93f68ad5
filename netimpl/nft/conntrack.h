// Forgetting the connection-tracking state of a published port.
//
// Removing a DNAT rule does not touch flows the kernel already tracks: their NAT binding
// lives in the conntrack entry, so an established TCP connection, and a UDP "flow" for as
// long as packets keep coming, still reach the old container. The reverse bites too: UDP
// packets that arrived before a port was published created an entry without DNAT, and
// they keep going to the host after publishing. Docker deletes the entries by port on
// publish and unpublish; so does netimpl, after the Firewall apply that changed the port.
#pragma once

#include <optional>

#include "netimpl/base/error.h"
#include "netimpl/nft/model.h"
#include "netimpl/ns/namespaces.h"

namespace nc::nft {

// Which entries to delete: those whose original direction goes to `port` over `proto`, in
// `family` (AF_INET or AF_INET6), and to `dst` when it is set.
struct ConntrackMatch {
  Proto proto = Proto::kUdp;
  uint16_t port = 0;
  int family = 0;
  std::optional<IpAddr> dst;
};

// Deletes, in `ns`, every conntrack entry `match` selects. Returns how many were deleted
// (an entry that vanished meanwhile is not an error and not counted).
// Errors: "flush conntrack udp/5353 in netns host: ...".
Result<int> flush_conntrack(const Namespaces& ns, const ConntrackMatch& match);

// For a published port: the mapping's protocol and host port, the container address's
// family, and the mapping's host address when it has one.
Result<int> flush_conntrack(const Namespaces& ns, const PortMapping& mapping);

// Deletes every conntrack entry in `ns` (both families): what the lab does between two
// checks that share a host, so that no flow of one reaches into the next. Returns the
// number of families flushed. Errors: "flush conntrack in netns host: ...".
Result<int> flush_all_conntrack(const Namespaces& ns);

}  // namespace nc::nft
