// The lab's DNS plumbing: the upstream DNS addresses (203.0.113.53–.55 and
// 2001:db8:113::53–::55) on external's eth0, and the host's /etc/resolv.conf pointing at the first of them (a memfd bound in
// the host's mount namespace; the machine's /etc is never touched), and what a check
// writes over it (`host_resolv`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "netimpl/base/error.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/ns/namespaces.h"

namespace nc::lab {

inline constexpr std::string_view kHostResolvConf = "nameserver 203.0.113.53\nsearch example.test\n";

// ipv6 false: the IPv4 addresses only (a kernel without IPv6).
Result<void> setup_lab_dns(const Namespaces& host, netlink::Rtnl& external, bool ipv6);

// The lab host's resolver files as a check wants them (checks::HostResolv, rendered).
struct HostResolvFiles {
  std::string etc;                     // /etc/resolv.conf
  std::optional<std::string> systemd;  // /run/systemd/resolve/resolv.conf; absent: left as it is
  bool operator==(const HostResolvFiles&) const = default;
};

// Writes them in the host's mount namespace only. /etc/resolv.conf is rewritten in place
// (the file the lab bound there, or the one a runtime adapter bound over it for its
// daemon: the daemon sees the new text as a host's administrator's edit). The systemd
// file lives on a tmpfs mounted over /run/systemd/resolve in the host's mount namespace at
// the first call (the lab's /run is shared by the lab's hosts; only the empty directory is
// made there); later calls write there in place.
Result<void> write_host_resolv(const Namespaces& host, const HostResolvFiles& files);

}  // namespace nc::lab
