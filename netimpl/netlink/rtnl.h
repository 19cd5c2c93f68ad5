// A route-netlink client bound to one network namespace, over libnl-3 (libnl-route-3).
//
// The socket is opened on a short-lived thread inside the namespace (Namespaces::run), so
// every request made through it acts in that namespace, whichever thread calls. One Rtnl
// is used by one thread at a time.
//
// Every error names the operation, the object and the namespace:
//   "create veth web0/eth0 in netns host: File exists"
// Deleting something that is already gone succeeds (teardown is idempotent). On failure
// nothing the call created is left behind.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"
#include "netimpl/ns/namespaces.h"

struct nl_sock;

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

class Rtnl {
 public:
  // Opens a route-netlink socket inside `ns`. `ns` must outlive nothing: the socket keeps
  // its namespace alive on its own; the name is kept for error messages.
  static Result<Rtnl> open(const Namespaces& ns);
  // Opens the socket in the calling thread's current network namespace, naming it
  // `ns_name` in errors. For code already running inside a namespace (e.g. the `inside`
  // callback of Namespaces::create), which saves a thread.
  static Result<Rtnl> open_here(std::string ns_name);
  Rtnl(Rtnl&&) noexcept;
  Rtnl& operator=(Rtnl&&) noexcept;
  ~Rtnl();

  const std::string& ns_name() const { return ns_name_; }

  // --- links ---
  Result<int> link_index(std::string_view ifname);  // ENODEV error when absent
  Result<std::optional<LinkInfo>> find_link(std::string_view ifname);
  Result<std::vector<LinkInfo>> links();
  Result<void> create_bridge(std::string_view name, int mtu = 0);
  Result<void> create_veth(const VethSpec& spec);
  Result<void> create_vxlan(const VxlanSpec& spec);
  // macvlan/ipvlan: with target_ns the child is created directly inside target_ns (one
  // request, never visible here), named name_in_target (or `name` when that is empty).
  // ipvlan on a kernel without it: an EOPNOTSUPP error saying the kernel lacks ipvlan.
  Result<void> create_macvlan(std::string_view name, std::string_view parent, MacvlanMode mode,
                              const Namespaces* target_ns = nullptr, std::string_view name_in_target = {});
  Result<void> create_ipvlan(std::string_view name, std::string_view parent, IpvlanMode mode,
                             const Namespaces* target_ns = nullptr, std::string_view name_in_target = {});
  Result<void> set_up(std::string_view ifname, bool up = true);
  Result<void> set_master(std::string_view ifname, std::string_view bridge);  // bridge "" = nomaster
  Result<void> set_mtu(std::string_view ifname, int mtu);
  // Hairpin mode of a bridge port (IFLA_BRPORT_MODE): the bridge may send a frame back out
  // of the port it came in on. A link that is no bridge port: EINVAL/EOPNOTSUPP error.
  Result<void> set_hairpin(std::string_view ifname, bool on);
  Result<void> rename(std::string_view ifname, std::string_view new_name);
  // Moves a link into another namespace, optionally renaming it on the way.
  Result<void> move_to(std::string_view ifname, const Namespaces& target, std::string_view new_name = {});
  Result<void> delete_link(std::string_view ifname);  // absent: success

  // --- addresses ---
  Result<void> add_address(std::string_view ifname, const Prefix& addr);
  Result<void> del_address(std::string_view ifname, const Prefix& addr);  // absent: success
  Result<std::vector<AddrInfo>> addresses();

  // --- routes (main table) ---
  Result<void> add_route(const RouteSpec& r);
  Result<void> del_route(const RouteSpec& r);  // absent: success
  Result<std::vector<RouteInfo>> routes(int family = AF_INET);

  // --- bridge FDB / neighbours (overlay's static control plane) ---
  // Both are idempotent (create-or-replace). add_fdb adds a permanent "self" entry on a
  // VXLAN device: frames for `mac` go to the VTEP `dst`; the all-zero MAC appends one more
  // flood destination instead of replacing.
  Result<void> add_fdb(std::string_view ifname, std::string_view mac, const IpAddr& dst);
  Result<void> add_neigh(std::string_view ifname, const IpAddr& ip, std::string_view mac);
  // The reverse of each: del_fdb removes the entry for `mac` towards `dst` only (for the
  // all-zero MAC, that one flood destination); del_neigh the neighbour `ip`. An entry (or
  // link) that is already gone is success.
  Result<void> del_fdb(std::string_view ifname, std::string_view mac, const IpAddr& dst);
  Result<void> del_neigh(std::string_view ifname, const IpAddr& ip);
  // Deletes every neighbour entry the kernel learned (IPv4 and IPv6, any link; permanent
  // and NOARP entries stay): what a peer that went away leaves in the ARP/ND tables.
  // Returns how many went.
  Result<int> flush_neighbours();

 private:
  Rtnl() = default;
  struct SockDeleter { void operator()(nl_sock*) const; };
  std::unique_ptr<nl_sock, SockDeleter> sock_;
  std::string ns_name_;
};

// Reads and writes /proc/sys inside `ns` (net.* sysctls are per network namespace).
// `key` is slash- or dot-separated: "net/ipv4/ip_forward" or "net.ipv4.ip_forward".
Result<void> write_sysctl(const Namespaces& ns, std::string_view key, std::string_view value);
Result<std::string> read_sysctl(const Namespaces& ns, std::string_view key);

}  // namespace nc::netlink
