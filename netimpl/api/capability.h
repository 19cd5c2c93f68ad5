// The capabilities a check can require (`requires:`), in one table that every side uses:
// the check loader accepts exactly these names, the kernel probe (`netconform kernel`)
// probes the ones with a kernel option, and each runtime says which it offers
// (api::Runtime::capabilities). A check runs only where the kernel and the runtime offer
// all it requires; otherwise it is skipped naming what is missing.
//
// Adding a capability is one row here; a probe for it in harness/kernel when it is a
// kernel feature; and the runtimes that have it listing it.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace nc::api {

struct CapabilityInfo {
  std::string_view name;
  std::string_view kernel_config;  // the kernel option behind it; "" when not a kernel feature
  std::string_view meaning;
};

inline constexpr std::array<CapabilityInfo, 21> kCapabilityTable = {{
    {"netns", "CONFIG_NET_NS", "network namespaces"},
    {"veth", "CONFIG_VETH", "veth pairs"},
    {"bridge", "CONFIG_BRIDGE", "Linux bridges"},
    {"br_netfilter", "CONFIG_BRIDGE_NETFILTER", "netfilter sees bridged traffic (bridge-nf-call-*)"},
    {"nftables", "CONFIG_NF_TABLES", "nftables"},
    {"nat", "CONFIG_NFT_MASQ", "nftables NAT (masquerade, DNAT)"},
    {"conntrack", "CONFIG_NF_CONNTRACK", "connection tracking that a runtime manages (entries flushed on unpublish)"},
    {"vxlan", "CONFIG_VXLAN", "VXLAN links"},
    {"macvlan", "CONFIG_MACVLAN", "macvlan links"},
    {"ipvlan", "CONFIG_IPVLAN", "ipvlan links"},
    {"ipv6", "CONFIG_IPV6", "IPv6, with the per-link accept_dad and ndisc_notify switches a runtime sets"},
    {"ipv6_nat", "CONFIG_NF_TABLES_IPV6", "nftables NAT in the ip6 family (IPv6 masquerade and DNAT)"},
    {"netem", "CONFIG_NET_SCH_NETEM", "the netem queueing discipline (`firewall: { delay_ms }` delays a container's packets)"},
    {"dns", "", "an embedded DNS server answering container names"},
    {"ports", "", "published ports"},
    {"multihost", "", "networks across several hosts (overlay)"},
    {"cni", "", "the runtime drives CNI plugins and takes `cni` steps (ADD, CHECK, DEL on one attachment)"},
    {"lifecycle", "", "containers can be stopped, started, restarted and killed (`stop`, `start`, `restart`, `kill` steps)"},
    {"netns_access", "", "the harness can open a container's network namespace (`firewall` steps put a rule there)"},
    {"host_resolv", "", "the runtime reads the lab host's resolver files, which a check sets (`host_resolv`: /etc/resolv.conf, systemd-resolved's file)"},
    {"default_bridge_ipv6", "", "the runtime's default bridge can be made dual stack when it starts (`lab: { default_bridge6 }`, dockerd's --ipv6 --fixed-cidr-v6)"},
}};

constexpr const CapabilityInfo* find_capability(std::string_view name) {
  auto it = std::ranges::find(kCapabilityTable, name, &CapabilityInfo::name);
  return it == kCapabilityTable.end() ? nullptr : &*it;
}

constexpr bool is_kernel_feature(std::string_view name) {
  auto* c = find_capability(name);
  return c && !c->kernel_config.empty();
}

}  // namespace nc::api
