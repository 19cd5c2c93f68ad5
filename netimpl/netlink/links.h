// The seam between netimpl's drivers and runtime and the kernel: what they ask of one
// network namespace's links, addresses, routes and forwarding entries.
//
// Rtnl (rtnl.h) is the real one, a route-netlink client bound to one namespace; the
// contract of each call (errors naming operation, object and namespace; deleting what is
// gone succeeds; a failed create leaves nothing) is documented there. FakeLinks
// (netimpl/netlink/testing/fake_links.h) records calls, for unit tests without a kernel.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"
#include "netimpl/ns/namespaces.h"

namespace nc::netlink {

struct LinkInfo {
  int index = 0;
  std::string name;
  std::string kind;  // "bridge", "veth", "vxlan", "macvlan", ... or "" for physical/lo
  bool up = false;
  int mtu = 0;
  int master = 0;    // ifindex of the bridge it is enslaved to, or 0
  std::string mac;   // "aa:bb:cc:dd:ee:ff"
};

struct AddrInfo {
  std::string ifname;
  Prefix prefix;     // interface address with its prefix length, e.g. 172.18.0.2/16
};

struct RouteSpec {
  Prefix dst;                     // 0.0.0.0/0 for the default route
  std::optional<IpAddr> gateway;  // via
  std::string dev;                // oif name; may be empty when a gateway is given
};

struct RouteInfo {
  Prefix dst;
  std::optional<IpAddr> gateway;
  std::string dev;
};

struct VethSpec {
  std::string name;               // the end that stays in this namespace
  std::string peer;               // the other end's name, in peer_ns
  const Namespaces* peer_ns = nullptr;  // null: same namespace
  int mtu = 0;                    // 0: kernel default
  // The ends' ifindexes (0: the lowest free one). Two ends with the same ifindex are
  // activated by the kernel's rate-limited path (harness/lab/link_ready.h): up to 1 s
  // before they carry packets. The kernel honours peer_ifindex only together with ifindex
  // (veth_newlink); an index already taken fails the create.
  int ifindex = 0;
  int peer_ifindex = 0;
  // Set in the same request as the create (saves a round trip each): enslave the local
  // end to this bridge ("" = none) and bring the local end up. The peer end is always
  // created down (asking the kernel to open it during the create fails with ENOTCONN:
  // the pair is not joined yet); set it up from peer_ns.
  std::string master;
  bool up = false;
  // The peer end's MAC, "aa:bb:cc:dd:ee:ff", set in the same request; "": the kernel's
  // random one.
  std::string peer_mac;
};

struct VxlanSpec {
  std::string name;
  uint32_t vni = 0;
  std::optional<IpAddr> local;    // underlay source address
  std::string underlay_dev;       // link the VXLAN is bound to
  uint16_t port = 4789;
  int mtu = 0;
  bool learning = false;          // static control plane: netimpl programs FDB entries
};

enum class MacvlanMode { kBridge, kPrivate, kVepa, kPassthru };
enum class IpvlanMode { kL2, kL3 };

class Links {
 public:
  virtual ~Links() = default;
  // The namespace's name, for error messages.
  virtual const std::string& ns_name() const = 0;

  virtual Result<std::optional<LinkInfo>> find_link(std::string_view ifname) = 0;
  virtual Result<std::vector<LinkInfo>> links() = 0;
  virtual Result<void> create_bridge(std::string_view name, int mtu = 0) = 0;
  virtual Result<void> create_veth(const VethSpec& spec) = 0;
  virtual Result<void> create_vxlan(const VxlanSpec& spec) = 0;
  virtual Result<void> create_macvlan(std::string_view name, std::string_view parent, MacvlanMode mode,
                                      const Namespaces* target_ns = nullptr, std::string_view name_in_target = {}) = 0;
  virtual Result<void> create_ipvlan(std::string_view name, std::string_view parent, IpvlanMode mode,
                                     const Namespaces* target_ns = nullptr, std::string_view name_in_target = {}) = 0;
  virtual Result<void> set_up(std::string_view ifname, bool up = true) = 0;
  virtual Result<void> set_master(std::string_view ifname, std::string_view bridge) = 0;
  virtual Result<void> set_hairpin(std::string_view ifname, bool on) = 0;
  virtual Result<void> delete_link(std::string_view ifname) = 0;

  virtual Result<void> add_address(std::string_view ifname, const Prefix& addr) = 0;
  virtual Result<std::vector<AddrInfo>> addresses() = 0;

  virtual Result<void> add_route(const RouteSpec& r) = 0;
  virtual Result<void> del_route(const RouteSpec& r) = 0;

  virtual Result<void> add_fdb(std::string_view ifname, std::string_view mac, const IpAddr& dst) = 0;
  virtual Result<void> add_neigh(std::string_view ifname, const IpAddr& ip, std::string_view mac) = 0;
  virtual Result<void> del_fdb(std::string_view ifname, std::string_view mac, const IpAddr& dst) = 0;
  virtual Result<void> del_neigh(std::string_view ifname, const IpAddr& ip) = 0;
};

}  // namespace nc::netlink
