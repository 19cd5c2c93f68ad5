#include "netimpl/nft/testing/lab.h"

namespace nc::nft::testing {
namespace {

// Addresses `addr` on eth0 of `ns`, brings eth0 and lo up, and routes via `gw` if given.
Result<void> configure_eth0(const Namespaces& ns, const Prefix& addr, std::optional<IpAddr> gw) {
  auto rt = NC_TRY(netlink::Rtnl::open(ns));
  NC_TRY_VOID(rt.add_address("eth0", addr));
  NC_TRY_VOID(rt.set_up("eth0"));
  NC_TRY_VOID(rt.set_up("lo"));
  if (gw) NC_TRY_VOID(rt.add_route({.dst = *Prefix::parse("0.0.0.0/0"), .gateway = gw, .dev = "eth0"}));
  return {};
}

}  // namespace

Result<std::unique_ptr<Lab>> Lab::create() {
  std::unique_ptr<Lab> lab(new Lab());
  lab->host = NC_TRY(Namespaces::create("fw-host", kNsNet));
  lab->outside = NC_TRY(Namespaces::create("fw-outside", kNsNet));
  lab->host_rt_ = std::make_unique<netlink::Rtnl>(NC_TRY(netlink::Rtnl::open(lab->host)));
  NC_TRY_VOID(lab->host_rt_->create_veth({.name = "eth0", .peer = "eth0", .peer_ns = &lab->outside, .up = true}));
  NC_TRY_VOID(lab->host_rt_->add_address("eth0", Prefix(kHostLan, 24)));
  NC_TRY_VOID(lab->host_rt_->set_up("lo"));
  NC_TRY_VOID(configure_eth0(lab->outside, Prefix(kOutside, 24), std::nullopt));
  NC_TRY_VOID(netlink::write_sysctl(lab->host, "net/ipv4/ip_forward", "1"));
  return lab;
}

Result<void> Lab::add_bridge(const std::string& name, const Prefix& gateway) {
  NC_TRY_VOID(host_rt_->create_bridge(name));
  NC_TRY_VOID(host_rt_->add_address(name, gateway));
  NC_TRY_VOID(host_rt_->set_up(name));
  gateways_[name] = gateway.addr();
  return {};
}

Result<const Namespaces*> Lab::add_container(const std::string& name, const std::string& bridge, const Prefix& addr) {
  Namespaces ns = NC_TRY(Namespaces::create(name, kNsNet));
  std::string veth = fmt::format("veth{}", veths_++);
  NC_TRY_VOID(host_rt_->create_veth({.name = veth, .peer = "eth0", .peer_ns = &ns, .master = bridge, .up = true}));
  NC_TRY_VOID(configure_eth0(ns, addr, gateways_.at(bridge)));
  auto [it, _] = containers.insert_or_assign(name, std::move(ns));
  return &it->second;
}

Result<void> Lab::outside_route(const Prefix& dst, const IpAddr& via) {
  auto rt = NC_TRY(netlink::Rtnl::open(outside));
  return rt.add_route({.dst = dst, .gateway = via, .dev = "eth0"});
}

}  // namespace nc::nft::testing
