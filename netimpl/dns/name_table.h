// The embedded DNS server's view of the world: which names each container can resolve.
//
// Pure data, no I/O. A name belongs to an endpoint (a container on a network): the
// container's name, its hostname, its 12-char short id and its aliases on that network,
// each also as `name.network`. Lookups are case-insensitive and scoped: a container sees
// only the endpoints of networks it is itself on. Only networks registered with
// set_network() take part (the runtime leaves the default bridge out: it has no discovery).
//
// Not thread-safe; the DNS server guards its table with a mutex.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netimpl/base/ip.h"

namespace nc::dns {

// One address of a container on a network: a dual-stack endpoint is two entries, one
// per family, with the same network and aliases.
struct TableEndpoint {
  std::string network;
  IpAddr ip;
  std::vector<std::string> aliases;
};

struct TableContainer {
  std::string name;
  std::string hostname;
  std::string short_id;
  std::vector<TableEndpoint> endpoints;
};

struct Lookup {
  bool found = false;          // some endpoint visible to the asker has this name
  std::vector<IpAddr> addrs;   // de-duplicated, in table order (the server shuffles)
};

class NameTable {
 public:
  void set_network(std::string name, bool internal);
  void remove_network(std::string_view name);
  // Adds or replaces the container of that name.
  void put(TableContainer c);
  void remove(std::string_view container);

  // The addresses of `qname` (no trailing dot, any case) for `asker`, of `family`
  // (AF_INET/AF_INET6; 0: both). found is true when the name exists even without an
  // address of that family (NODATA).
  Lookup lookup(std::string_view asker, std::string_view qname, int family) const;
  // "name.network" for an address of a container on one of the asker's networks.
  std::optional<std::string> reverse(std::string_view asker, const IpAddr& ip) const;
  // True when the asker is on at least one registered network (it gets a server).
  bool serves(std::string_view asker) const;
  // True when the asker is on a registered network that is not internal: it may forward.
  bool may_forward(std::string_view asker) const;

 private:
  std::vector<std::string> networks_of(std::string_view asker) const;
  std::map<std::string, bool, std::less<>> networks_;  // name → internal
  std::map<std::string, TableContainer, std::less<>> containers_;
};

// ASCII lower case (DNS names compare case-insensitively).
std::string lower(std::string_view s);

}  // namespace nc::dns
