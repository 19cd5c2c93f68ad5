// netimpl: Docker-style networking on the kernel, behind the api::Runtime interface.
//
// One NetimplRuntime manages one host (a network namespace set handed in by the harness).
// On creation it turns on IPv4 forwarding (as dockerd does) and creates the predefined
// networks: the default bridge "bridge" (docker0, 172.17.0.0/16, gateway .1), "host" and
// "none". A container on "host" shares the host's network namespace (and UTS); one on
// "none" has only lo; either may be on no other network. Networks are driver-backed
// (drivers/); the forwarding policy — isolation between bridges, masquerade, published
// ports — is derived from all networks and written as one nftables batch after every change.
//
// Every create rolls back what it did when a later step fails. Destroying the runtime
// removes its containers; the host's namespaces (owned by the caller) take the rest.
#pragma once

#include <map>
#include <memory>

#include "netimpl/api/runtime.h"
#include "netimpl/drivers/driver.h"
#include "netimpl/drivers/overlay_control.h"
#include "netimpl/ipam/ipam.h"
#include "netimpl/nft/firewall.h"
#include "netimpl/runtime/container.h"
#include "netimpl/runtime/publish.h"
#include "netimpl/runtime/dns_glue.h"

namespace nc::runtime {

struct NetimplOptions {
  std::string probe_path;  // the probe binary containers run
  std::chrono::milliseconds ready_timeout{5000};  // for a serving probe to report readiness
  // false: containers get their network but run no process (topology benchmarks).
  bool start_processes = true;
  // The overlay control plane shared by the runtimes of one multi-host lab (one runtime per
  // host; see multi_host_runtime.h). Null: this runtime gets its own.
  std::shared_ptr<drivers::OverlayControlPlane> overlay;
  // The default bridge is dual stack on this IPv6 subnet, its gateway the first address, as
  // dockerd's --ipv6 --fixed-cidr-v6 makes docker0; its endpoints' IPv6 addresses are then
  // derived from their MACs where the prefix has room, as Docker's are. Absent: IPv4 only
  // (Docker's default).
  std::optional<Prefix> default_bridge6;
};

class NetimplRuntime : public api::Runtime {
 public:
  // `host` must outlive the runtime.
  static Result<std::unique_ptr<NetimplRuntime>> create(const Namespaces& host, NetimplOptions opts);
  ~NetimplRuntime() override;

  std::string name() const override { return "netimpl"; }
  std::string version() const override;
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
  // Stop and kill end the container's process; its namespaces, addresses and names stay
  // (netimpl keeps the network of a stopped container; Docker tears it down). Start runs
  // the container's command again in them.
  Result<void> lifecycle(std::string_view container, api::Lifecycle op) override;
  Result<Namespaces> container_netns(std::string_view container) override;

  // The container's namespaces, for tests and benchmarks that open sockets inside it;
  // null when there is no such container. Valid until the container is removed.
  const Namespaces* container_ns(std::string_view name) const;

  // Multi-host labs (multi_host_runtime.h): the names of a container on another host, on
  // the networks `c` lists (overlays, which span hosts), for this host's DNS to answer.
  // put replaces; remove of an unknown name is a no-op. Local containers' names are not
  // to be passed here.
  void put_remote_names(dns::TableContainer c);
  void remove_remote_names(const std::string& container);
  // Whether `network` exists here and is of a driver whose networks span hosts (overlay).
  bool spans_hosts(std::string_view network) const;

 private:
  NetimplRuntime(const Namespaces& host, netlink::Rtnl rtnl, nft::Firewall fw, NetimplOptions opts);
  drivers::Driver* driver_for(std::string_view name);
  const drivers::Driver& driver_of(std::string_view network) const;  // `network` must exist
  Result<drivers::NetworkState*> network(std::string_view name);
  Result<Container*> container(std::string_view name);
  Result<void> attach(Container& c, const api::Attachment& att);
  Result<void> detach(Container& c, drivers::EndpointState& ep);
  // Gives an endpoint's address back to its network's pool (no-op without one).
  void release_address(const drivers::EndpointState& ep);
  Result<void> start_main(Container& c, const std::vector<std::string>& command);
  Result<void> sync_firewall();
  Result<void> sync_ports(const Container& c);
  api::ContainerInfo info(const Container& c) const;
  drivers::HostContext host_ctx() { return {host_, &rtnl_}; }

  const Namespaces* host_;
  netlink::Rtnl rtnl_;
  nft::Firewall firewall_;
  NetimplOptions opts_;
  ipam::Ipam ipam_;
  std::map<std::string, std::unique_ptr<drivers::Driver>, std::less<>> drivers_;
  std::map<std::string, drivers::NetworkState, std::less<>> networks_;
  std::vector<std::string> network_order_;  // creation order, for a stable ruleset
  std::vector<std::string> predefined_;     // bridge, host, none: reset keeps them
  std::map<std::string, Container, std::less<>> containers_;
  uint32_t veth_seq_ = 0;
  Publisher ports_{*host_};  // published ports: host sockets, mappings, conntrack
  std::unique_ptr<DnsGlue> dns_;  // declared last: stops serving before anything else goes
};

}  // namespace nc::runtime
