// The lab topology of one check: a host and an external client on a LAN.
//
//   [external]  eth0 203.0.113.100/24  2001:db8:113::100/64            (network namespace)
//        |  veth
//   [host]      eth0 203.0.113.10/24   2001:db8:113::10/64, hostname "host"  (network + mount + UTS namespaces)
//
// The LAN is dual stack: each IPv4 address has an IPv6 one in 2001:db8:113::/64 (the
// documentation prefix, RFC 3849; "113" echoes 203.0.113.0/24), added without duplicate
// address detection so it is usable at once, as Docker adds its containers' addresses.
// On a kernel without IPv6 (or with it disabled) the lab is IPv4 only, and checks that
// require ipv6 are skipped with the probe's reason.
// lo is up in both; there are no default routes in either family, so nothing is routed
// beyond the LAN.
// The runtime under test lives in host(); checks act "from outside" in external().
// Reserved on the LAN: upstream DNS servers .53–.55 (and ::53–::55) in external, macvlan
// children .200 and up (::200 and up).
//
// A LabHost owns its namespaces and nothing else: dropping it drops them, and the kernel
// removes the veth, addresses and everything a check built in them. Normally created
// inside run_in_lab(); when created outside, the host's mount namespace is still made
// private, so mounts in it never reach the machine.
#pragma once

#include <string>
#include <string_view>

#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::lab {

inline constexpr std::string_view kLanPrefix = "203.0.113.0/24";
inline constexpr int kLanPrefixLen = 24;
inline constexpr std::string_view kHostIp = "203.0.113.10";
inline constexpr std::string_view kExternalIp = "203.0.113.100";
inline constexpr std::string_view kLanIfname = "eth0";  // in both namespaces
inline constexpr std::string_view kLanPrefix6 = "2001:db8:113::/64";
inline constexpr int kLanPrefixLen6 = 64;
inline constexpr std::string_view kHostIp6 = "2001:db8:113::10";
inline constexpr std::string_view kExternalIp6 = "2001:db8:113::100";

// Whether new links in `ns` get IPv6: the kernel has it and it is not disabled by default.
bool ipv6_enabled(const Namespaces& ns);

struct LabHostOptions {
  bool ip_forward = true;     // the host's net.ipv4.ip_forward (part of a check's setup)
  std::string name = "host";  // the host namespaces' name (errors) and its hostname
};

class LabHost {
 public:
  // Errors name the step and namespace: "create lab host host: add address ... in netns external: ...".
  // On failure nothing is left: the namespaces built so far are dropped.
  static Result<LabHost> create(const LabHostOptions& opts = {});

  LabHost(LabHost&&) = default;
  LabHost& operator=(LabHost&&) = default;
  LabHost(const LabHost&) = delete;
  LabHost& operator=(const LabHost&) = delete;

  const Namespaces& host() const { return host_; }
  const Namespaces& external() const { return external_; }
  // The lab is dual stack (IPv6 is enabled in its namespaces), read once as it is built.
  bool ipv6() const { return ipv6_; }

 private:
  LabHost() = default;
  Namespaces host_, external_;
  bool ipv6_ = false;
};

}  // namespace nc::lab
