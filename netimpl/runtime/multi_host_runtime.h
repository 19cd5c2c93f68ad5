// netimpl across several hosts: one NetimplRuntime per host behind one api::Runtime, with
// one overlay control plane shared by all of them.
//
// Why one runtime per host rather than one runtime managing many: a host's state (its
// netlink socket, firewall, bridges, IPAM) is exactly what NetimplRuntime already owns, and
// real deployments run one daemon per host too. What spans hosts is small and lives here:
//  - which host a container is on (ContainerSpec::host: "host", "host2", ...; empty = first);
//  - networks: every network is created on every host, in the same order, the first host
//    choosing the subnet and the others taking it as given — so a subnet that overlaps a
//    network on any host is refused (and what was created on earlier hosts is removed);
//  - overlay addresses: unique across hosts, allocated here and handed to the host's
//    runtime as fixed addresses;
//  - the VXLAN forwarding entries: the shared OverlayControlPlane (drivers/overlay_control.h);
//    a container that is removed leaves its overlays first, so its entries go from every
//    other host;
//  - names across hosts: each host's embedded DNS knows its own containers; a container's
//    names on its overlay networks are also put on every other host's DNS (and withdrawn
//    when it leaves them or goes), so a container finds one on another host by name.
// Used from one thread, like every Runtime.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "netimpl/ipam/ipam.h"
#include "netimpl/runtime/netimpl_runtime.h"

namespace nc::runtime {

struct HostRef {
  std::string name;          // "host", "host2", ...: what ContainerSpec::host names
  const Namespaces* ns = nullptr;  // must outlive the runtime
};

class MultiHostRuntime : public api::Runtime {
 public:
  static Result<std::unique_ptr<MultiHostRuntime>> create(const std::vector<HostRef>& hosts, NetimplOptions opts);
  ~MultiHostRuntime() override;

  std::string name() const override { return "netimpl"; }
  std::string version() const override { return hosts_.front().rt->version(); }
  std::set<std::string> capabilities() const override;

  Result<api::NetworkInfo> create_network(const api::NetworkSpec& spec) override;
  Result<void> remove_network(std::string_view name) override;
  Result<api::NetworkInfo> inspect_network(std::string_view name) override;
  Result<api::ContainerInfo> create_container(const api::ContainerSpec& spec) override;
  Result<void> remove_container(std::string_view name) override;
  Result<void> connect(std::string_view container, const api::Attachment& att) override;
  Result<void> disconnect(std::string_view container, std::string_view network) override;
  Result<api::ContainerInfo> inspect(std::string_view container) override;
  Result<api::ExecResult> exec_probe(std::string_view container, const std::vector<std::string>& args,
                                     std::chrono::milliseconds timeout) override;
  Result<void> reset() override;
  Result<void> lifecycle(std::string_view container, api::Lifecycle op) override;
  Result<Namespaces> container_netns(std::string_view container) override;

 private:
  struct Host {
    std::string name;
    std::unique_ptr<NetimplRuntime> rt;
  };
  MultiHostRuntime() = default;
  Result<NetimplRuntime*> host_named(std::string_view name);
  Result<NetimplRuntime*> host_of(std::string_view container);
  // Gives an overlay attachment without an address one that is free on every host.
  Result<void> assign_overlay_ip(api::Attachment& att);
  void release_overlay_ips(const api::ContainerInfo& info);
  bool is_overlay(std::string_view network) const { return overlay_pools_.contains(network); }
  // Puts `container`'s overlay names on every other host's DNS, or withdraws them when it
  // is on no overlay (any more).
  Result<void> share_names(std::string_view container);
  void withdraw_names(std::string_view container);

  std::shared_ptr<drivers::OverlayControlPlane> control_;
  std::vector<Host> hosts_;
  std::map<std::string, std::string, std::less<>> container_host_;
  std::map<std::string, ipam::SubnetPool, std::less<>> overlay_pools_;
};

}  // namespace nc::runtime
