// Host ports held for published mappings, as dockerd's port allocator holds them.
//
// Every published host port is backed by a socket netimpl keeps open in the host's network
// namespace (TCP: bound and listening, UDP: bound; SO_REUSEADDR on TCP like Docker), opened
// on a short-lived thread inside that namespace. Holding the port is what makes a clash
// fail at once and keeps later listeners off it; no packet ever reaches these sockets,
// the DNAT rules take published traffic first.
//
// Errors, each naming the host address and port:
//   "Bind for 0.0.0.0:8080/tcp failed: port is already allocated"  another mapping holds it
//   "bind 0.0.0.0:8080/tcp: address already in use"                a foreign listener holds it
//   "all ports are allocated: host ports 9000-9001/tcp on 0.0.0.0"  every port of a host
//                                  range (or of the ephemeral range) is another mapping's
// A spec with a host range and one container port ("9000-9010:80") takes the first free
// port of the range; a spec without host port takes a block from net.ipv4.ip_local_port_range
// of the host's namespace, read at each reservation.
//
// Ownership: sockets belong to the allocator, filed under an owner (a container name), and
// close on release(owner) or when the allocator goes. Threads: one thread at a time.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "netimpl/api/runtime.h"
#include "netimpl/base/unique_fd.h"
#include "netimpl/ns/namespaces.h"
#include "netimpl/portmap/ports.h"

namespace nc::portmap {

struct Binding {
  HostKey host;
  uint16_t container_port = 0;
  int fd = -1;  // the socket that holds the port (the allocator's; valid until release)
};

class PortAllocator {
 public:
  // `host` must outlive the allocator.
  explicit PortAllocator(const Namespaces& host);

  // Holds host ports for every port of `spec` on behalf of `owner`. All or nothing: on
  // error nothing new is held. The spec's host address gives the family; without one the
  // port is held on 0.0.0.0, and on [::] too when `ipv6` (one binding per family).
  Result<std::vector<Binding>> reserve(const std::string& owner, const api::PortSpec& spec, bool ipv6 = false);

  // Closes every socket `owner` holds and returns what they held. Unknown owner: empty.
  std::vector<Binding> release(std::string_view owner);

  // Every binding held, any owner (for tests and inspection).
  size_t size() const { return held_.size(); }

 private:
  struct Held {
    std::string owner;
    Binding binding;
    UniqueFd fd;
  };
  std::optional<std::string> allocated(const HostKey& key) const;
  Result<std::vector<Held>> try_place(const std::string& owner, const api::PortSpec& spec,
                                      const std::vector<Placement>& placement, const std::vector<int>& families);

  const Namespaces* host_;
  std::vector<Held> held_;
  uint16_t cursor_ = 0;  // where the next random search starts
};

}  // namespace nc::portmap
