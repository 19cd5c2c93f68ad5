// resolv.conf and /etc/hosts for a container, as Docker writes them (BEHAVIOUR.md,
// "Embedded DNS"). Pure text in, text out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "netimpl/base/ip.h"

namespace nc::dns {

struct ResolvConf {
  std::vector<IpAddr> nameservers;  // in file order; unparsable entries skipped
  std::vector<std::string> search;  // the last `search`/`domain` line wins
  std::vector<std::string> options;
};

ResolvConf parse_resolv_conf(std::string_view text);

// Where the runtime reads the host's resolver from (moby libnetwork/resolvconf Path(), the
// same in 20.10 and 26.1): when the host's /etc/resolv.conf names exactly one nameserver
// and it is 127.0.0.53, systemd-resolved's stub, the file systemd-resolved writes with the
// real upstreams, /run/systemd/resolve/resolv.conf; otherwise /etc/resolv.conf. Docker
// decides once per daemon (a sync.Once): a later change of /etc/resolv.conf does not move
// it. A missing file reads as empty (moby: "default resolvers (Google's Public DNS) will
// be used").
inline constexpr std::string_view kHostResolvPath = "/etc/resolv.conf";
inline constexpr std::string_view kSystemdResolvPath = "/run/systemd/resolve/resolv.conf";
std::string_view host_resolv_path(const ResolvConf& etc_resolv_conf);

// On a user-defined network: `nameserver 127.0.0.11`, the host's search domains and
// options (plus ndots:0 unless an ndots is set), and a comment naming the servers the
// embedded server forwards to (`dns` when given, else the host's).
std::string user_network_resolv_conf(const ResolvConf& host, const std::vector<IpAddr>& dns);

// On the default bridge: `dns` when given, else the host's nameservers without loopback
// ones (and without IPv6 ones when `ipv6` is false); 8.8.8.8 and 8.8.4.4 when none remain.
std::string default_bridge_resolv_conf(const ResolvConf& host, const std::vector<IpAddr>& dns, bool ipv6);

// The upstreams the embedded server uses for the host: its nameservers, loopback ones
// included (they are dialled from the host's namespace), at most 3.
std::vector<IpAddr> host_upstreams(const ResolvConf& host);

// /etc/hosts: localhost lines, then each address with the hostname (and the container
// name when it differs).
std::string hosts_file(std::string_view hostname, std::string_view name, const std::vector<IpAddr>& addrs);

}  // namespace nc::dns
