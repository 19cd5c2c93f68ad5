// The lab's upstream DNS: the servers the lab host's resolv.conf points at, in the
// external namespace (203.0.113.53, .54, .55, each also on IPv6: 2001:db8:113::53, ::54,
// ::55), serving the test zone (zone.h) over UDP and TCP, with fault modes a check step
// switches at any time and a log of every query.
//
// Fault modes (per server): answer (normal), drop (never reply), delay N ms (then
// answer), servfail, nxdomain (for every name), truncate (UDP replies carry TC and no
// answers; TCP answers normally), refuse_tcp (TCP connections are reset at once).
//
// One thread serves every address; the methods may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"
#include "netimpl/ns/namespaces.h"

namespace nc::upstream_dns {

inline constexpr const char* kUpstreamIps[] = {"203.0.113.53", "203.0.113.54", "203.0.113.55"};
// The same three servers' IPv6 addresses, in the same order.
inline constexpr const char* kUpstreamIps6[] = {"2001:db8:113::53", "2001:db8:113::54", "2001:db8:113::55"};

enum class Fault { kAnswer, kDrop, kDelay, kServFail, kNxDomain, kTruncate, kRefuseTcp };
// "answer" | "drop" | "delay" | "servfail" | "nxdomain" | "truncate" | "refuse_tcp"
std::optional<Fault> parse_fault(std::string_view name);
inline constexpr std::string_view kFaultNames[] = {"answer", "drop", "delay", "servfail", "nxdomain", "truncate",
                                                   "refuse_tcp"};

struct QueryLogEntry {
  std::string name;       // lower case, no trailing dot
  std::string type;       // "A", "AAAA", ...
  std::string transport;  // "udp" | "tcp"
  std::string server;     // the address it was sent to (IPv4 or IPv6)
  std::string source;     // the client's address
};

class UpstreamDns {
 public:
  // Binds UDP and TCP port 53 on each address in `external` (the addresses must be there);
  // each address is a server of its own.
  static Result<std::unique_ptr<UpstreamDns>> start(const Namespaces& external, const std::vector<IpAddr>& addrs);
  // The same with servers that answer on several addresses (IPv4 and IPv6): the first
  // address names the server, and a fault set for any of its addresses holds for all.
  static Result<std::unique_ptr<UpstreamDns>> start(const Namespaces& external,
                                                    const std::vector<std::vector<IpAddr>>& servers);
  ~UpstreamDns();

  // `server` empty: every server; otherwise any address of the server.
  void set_fault(const std::string& server, Fault mode, int delay_ms);
  std::vector<QueryLogEntry> log() const;

  class Impl;

 private:
  explicit UpstreamDns(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nc::upstream_dns
