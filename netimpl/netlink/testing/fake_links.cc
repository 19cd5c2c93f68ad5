#include "netimpl/netlink/testing/fake_links.h"

#include <algorithm>

namespace nc::netlink::testing {
namespace {

std::string route_words(const RouteSpec& r) {
  std::string out = r.dst.len() == 0 ? "default" : fmt::format("{}", r.dst);
  if (r.gateway) out += fmt::format(" via {}", *r.gateway);
  if (!r.dev.empty()) out += fmt::format(" dev {}", r.dev);
  return out;
}

}  // namespace

Result<void> FakeLinks::record(std::string line) {
  auto it = std::ranges::find_if(failures_, [&](auto& f) { return line.starts_with(f.prefix); });
  if (it == failures_.end()) {
    calls_.push_back(std::move(line));
    return {};
  }
  int err = it->err;
  failures_.erase(it);
  calls_.push_back(line + " -> failed");
  return fail(fmt::format("{} in netns {} (injected)", line, ns_name_), err);
}

Result<void> FakeLinks::create(std::string line, std::string_view name, std::string kind) {
  if (links_.contains(name)) return fail(fmt::format("{} in netns {}", line, ns_name_), EEXIST);
  NC_TRY_VOID(record(std::move(line)));
  add_existing(std::string(name), std::move(kind));
  return {};
}

void FakeLinks::add_existing(std::string name, std::string kind) {
  LinkInfo l{.index = next_index_++, .name = name, .kind = std::move(kind), .up = false, .mtu = 1500, .master = 0,
             .mac = fmt::format("02:00:00:00:00:{:02x}", next_index_ & 0xff)};
  links_.insert_or_assign(std::move(name), std::move(l));
}

Result<std::optional<LinkInfo>> FakeLinks::find_link(std::string_view ifname) {
  auto it = links_.find(ifname);
  if (it == links_.end()) return std::optional<LinkInfo>();
  return std::optional<LinkInfo>(it->second);
}

Result<std::vector<LinkInfo>> FakeLinks::links() {
  std::vector<LinkInfo> out;
  for (auto& [name, l] : links_) out.push_back(l);
  return out;
}

Result<void> FakeLinks::create_bridge(std::string_view name, int mtu) {
  return create(fmt::format("create_bridge {}{}", name, mtu ? fmt::format(" mtu={}", mtu) : ""), name, "bridge");
}

Result<void> FakeLinks::create_veth(const VethSpec& s) {
  std::string line = fmt::format("create_veth {} {}", s.name, s.peer);
  if (!s.master.empty()) line += " master=" + s.master;
  if (s.up) line += " up";
  if (!s.peer_mac.empty()) line += " mac=" + s.peer_mac;
  NC_TRY_VOID(create(std::move(line), s.name, "veth"));
  if (!s.peer_ns) add_existing(s.peer, "veth");
  return {};
}

Result<void> FakeLinks::create_vxlan(const VxlanSpec& s) {
  return create(fmt::format("create_vxlan {} vni={}", s.name, s.vni), s.name, "vxlan");
}

Result<void> FakeLinks::create_macvlan(std::string_view name, std::string_view parent, MacvlanMode,
                                       const Namespaces* target_ns, std::string_view name_in_target) {
  auto line = fmt::format("create_macvlan {} parent={}", name_in_target.empty() ? name : name_in_target, parent);
  if (target_ns) return record(std::move(line));
  return create(std::move(line), name, "macvlan");
}

Result<void> FakeLinks::create_ipvlan(std::string_view name, std::string_view parent, IpvlanMode,
                                      const Namespaces* target_ns, std::string_view name_in_target) {
  auto line = fmt::format("create_ipvlan {} parent={}", name_in_target.empty() ? name : name_in_target, parent);
  if (target_ns) return record(std::move(line));
  return create(std::move(line), name, "ipvlan");
}

Result<void> FakeLinks::set_up(std::string_view ifname, bool up) {
  NC_TRY_VOID(record(fmt::format("set_up {} {}", ifname, up ? "up" : "down")));
  if (auto it = links_.find(ifname); it != links_.end()) it->second.up = up;
  return {};
}

Result<void> FakeLinks::set_master(std::string_view ifname, std::string_view bridge) {
  return record(fmt::format("set_master {} {}", ifname, bridge.empty() ? "nomaster" : bridge));
}

Result<void> FakeLinks::set_hairpin(std::string_view ifname, bool on) {
  return record(fmt::format("set_hairpin {} {}", ifname, on ? "on" : "off"));
}

Result<void> FakeLinks::delete_link(std::string_view ifname) {
  NC_TRY_VOID(record(fmt::format("delete_link {}", ifname)));
  if (auto it = links_.find(ifname); it != links_.end()) links_.erase(it);
  return {};
}

Result<void> FakeLinks::add_address(std::string_view ifname, const Prefix& addr) {
  NC_TRY_VOID(record(fmt::format("add_address {} {}", ifname, addr)));
  addrs_.push_back({std::string(ifname), addr});
  return {};
}

Result<std::vector<AddrInfo>> FakeLinks::addresses() { return addrs_; }

Result<void> FakeLinks::add_route(const RouteSpec& r) { return record("add_route " + route_words(r)); }

Result<void> FakeLinks::del_route(const RouteSpec& r) { return record("del_route " + route_words(r)); }

Result<void> FakeLinks::add_fdb(std::string_view ifname, std::string_view mac, const IpAddr& dst) {
  return record(fmt::format("add_fdb {} {} dst {}", ifname, mac, dst));
}

Result<void> FakeLinks::add_neigh(std::string_view ifname, const IpAddr& ip, std::string_view mac) {
  return record(fmt::format("add_neigh {} {} lladdr {}", ifname, ip, mac));
}

Result<void> FakeLinks::del_fdb(std::string_view ifname, std::string_view mac, const IpAddr& dst) {
  return record(fmt::format("del_fdb {} {} dst {}", ifname, mac, dst));
}

Result<void> FakeLinks::del_neigh(std::string_view ifname, const IpAddr& ip) {
  return record(fmt::format("del_neigh {} {}", ifname, ip));
}

}  // namespace nc::netlink::testing
