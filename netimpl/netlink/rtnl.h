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
#include "netimpl/netlink/links.h"
#include "netimpl/ns/namespaces.h"

struct nl_sock;

namespace nc::netlink {

class Rtnl final : public Links {
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

  const std::string& ns_name() const override { return ns_name_; }

  // --- links ---
  Result<int> link_index(std::string_view ifname);  // ENODEV error when absent
  Result<std::optional<LinkInfo>> find_link(std::string_view ifname) override;
  Result<std::vector<LinkInfo>> links() override;
  Result<void> create_bridge(std::string_view name, int mtu = 0) override;
  Result<void> create_veth(const VethSpec& spec) override;
  Result<void> create_vxlan(const VxlanSpec& spec) override;
  // macvlan/ipvlan: with target_ns the child is created here under `name`, then moved into
  // target_ns and named name_in_target there (or `name` when that is empty); see rtnl_create.cc.
  // ipvlan on a kernel without it: an EOPNOTSUPP error saying the kernel lacks ipvlan.
  Result<void> create_macvlan(std::string_view name, std::string_view parent, MacvlanMode mode,
                              const Namespaces* target_ns = nullptr, std::string_view name_in_target = {}) override;
  Result<void> create_ipvlan(std::string_view name, std::string_view parent, IpvlanMode mode,
                             const Namespaces* target_ns = nullptr, std::string_view name_in_target = {}) override;
  Result<void> set_up(std::string_view ifname, bool up = true) override;
  Result<void> set_master(std::string_view ifname, std::string_view bridge) override;  // bridge "" = nomaster
  Result<void> set_mtu(std::string_view ifname, int mtu);
  // Hairpin mode of a bridge port (IFLA_BRPORT_MODE): the bridge may send a frame back out
  // of the port it came in on. A link that is no bridge port: EINVAL/EOPNOTSUPP error.
  Result<void> set_hairpin(std::string_view ifname, bool on) override;
  Result<void> rename(std::string_view ifname, std::string_view new_name);
  // Moves a link into another namespace, optionally renaming it on the way.
  Result<void> move_to(std::string_view ifname, const Namespaces& target, std::string_view new_name = {});
  Result<void> delete_link(std::string_view ifname) override;  // absent: success

  // --- addresses ---
  Result<void> add_address(std::string_view ifname, const Prefix& addr) override;
  // An extra address a service listens on that the link must never pick as a source for
  // its own traffic (the lab's upstream DNS addresses beside external's own): IPv6 ones are
  // added deprecated (preferred lifetime 0, valid for ever), which RFC 6724's rule 3 avoids;
  // IPv4 ones are secondaries of the link's first address, which the kernel never prefers.
  Result<void> add_service_address(std::string_view ifname, const Prefix& addr);
  Result<void> del_address(std::string_view ifname, const Prefix& addr);  // absent: success
  Result<std::vector<AddrInfo>> addresses() override;

  // --- routes (main table) ---
  Result<void> add_route(const RouteSpec& r) override;
  Result<void> del_route(const RouteSpec& r) override;  // absent: success
  Result<std::vector<RouteInfo>> routes(int family = AF_INET);

  // --- bridge FDB / neighbours (overlay's static control plane) ---
  // Both are idempotent (create-or-replace). add_fdb adds a permanent "self" entry on a
  // VXLAN device: frames for `mac` go to the VTEP `dst`; the all-zero MAC appends one more
  // flood destination instead of replacing.
  Result<void> add_fdb(std::string_view ifname, std::string_view mac, const IpAddr& dst) override;
  Result<void> add_neigh(std::string_view ifname, const IpAddr& ip, std::string_view mac) override;
  // The reverse of each: del_fdb removes the entry for `mac` towards `dst` only (for the
  // all-zero MAC, that one flood destination); del_neigh the neighbour `ip`. An entry (or
  // link) that is already gone is success.
  Result<void> del_fdb(std::string_view ifname, std::string_view mac, const IpAddr& dst) override;
  Result<void> del_neigh(std::string_view ifname, const IpAddr& ip) override;
  // Deletes every neighbour entry the kernel learned (IPv4 and IPv6, any link; permanent
  // and NOARP entries stay): what a peer that went away leaves in the ARP/ND tables.
  // Returns how many went.
  Result<int> flush_neighbours();

  // --- queueing disciplines (rtnl_qdisc.cc) ---
  // Makes the root qdisc of `ifname` a netem that holds every packet leaving the link for
  // `delay_ms` (create or replace; libnl-route's rtnl_netem_*). A kernel without sch_netem
  // answers ENOENT ("Specified qdisc kind is unknown"): the error keeps that errno, so the
  // kernel probe can say the kernel lacks CONFIG_NET_SCH_NETEM.
  Result<void> set_netem_delay(std::string_view ifname, int delay_ms);
  // The netem delay of `ifname`'s root qdisc in milliseconds, or nullopt when the root
  // qdisc is not a netem (read back by tests and by the probe).
  Result<std::optional<int>> netem_delay(std::string_view ifname);
  // Deletes the root qdisc of `ifname`, back to the kernel's default. None set: success.
  Result<void> del_root_qdisc(std::string_view ifname);

 private:
  Result<void> add_address(std::string_view ifname, const Prefix& addr, bool never_source);
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
