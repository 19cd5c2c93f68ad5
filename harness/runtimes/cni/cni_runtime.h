// CNI as the runtime under test: Debian's containernetworking-plugins (bridge, host-local,
// portmap, firewall, loopback) driven exactly as the CNI specification 1.0 says, with
// netconform playing the container runtime.
//
// - A network is a network configuration list (config.h): bridge with host-local IPAM on
//   the network's subnet and gateway, portmap, firewall. "bridge" (172.17.0.0/16 on cni0)
//   exists from the start; "none" gives a container only lo; "host" is the host's network
//   namespace, no plugin involved. No other driver, and no icc=false: the plugins have no
//   such thing, and create_network says so.
// - A container is network, mount and UTS namespaces held by fds; its netns is bind-mounted
//   below the state directory (netns_file.h) for CNI_NETNS. Creating it ADDs the loopback
//   list on lo, then the list of each network on eth0, eth1, ... (published ports as
//   runtimeConfig.portMappings of the first unless it is internal; host ports chosen and
//   checked for clashes by the runtime, cni_ports.cc; a fixed address as CNI_ARGS IP=), then starts
//   the probe in its namespaces. A failed ADD is followed by its DEL, as the spec requires.
// - remove DELs every attachment in reverse order; connect/disconnect ADD/DEL one more
//   ifname; inspect reports what the ADD results say; reset removes everything and
//   verifies host-local holds no reservation any more.
// - As api::CniControl it runs single ADD/CHECK/DEL requests for the CNI- checks.
// Plugins run in the lab host's namespaces (`host`), with host-local's state on the lab's
// tmpfs and /etc and /var/lib overlaid there (cli/host_files.h): nothing reaches the machine.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "harness/runtimes/cni/config.h"
#include "harness/runtimes/cni/list.h"
#include "harness/runtimes/cni/netns_file.h"
#include "netimpl/api/cni.h"
#include "netimpl/api/runtime.h"
#include "netimpl/process/process.h"

namespace nc::cni {

struct CniOptions {
  std::string probe_path;
  std::string cni_path = "/usr/lib/cni";
  std::string state_dir;  // below /run on the lab's tmpfs; empty: /run/netconform/cni-<random>
  std::chrono::milliseconds plugin_timeout{20000};
  std::chrono::milliseconds ready_timeout{5000};
  std::string version;    // empty: the installed containernetworking-plugins package's
};

// "1.1.1" for the installed containernetworking-plugins (from dpkg's status file).
Result<std::string> installed_plugins_version();

class CniRuntime : public api::Runtime, public api::CniControl {
 public:
  static Result<std::unique_ptr<CniRuntime>> create(const Namespaces& host, CniOptions opts);
  ~CniRuntime() override;

  std::string name() const override { return "cni"; }
  std::string version() const override { return opts_.version; }
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

  Result<api::CniReply> cni(const api::CniRequest& req) override;

 private:
  struct Network {
    api::NetworkInfo info;
    nlohmann::json conflist;  // null for "host" and "none"
  };
  struct Attachment {
    std::string network;
    AttachmentParams params;
    std::optional<Success> result;  // the final ADD result: prevResult of CHECK and DEL
    bool deleted = false;           // DEL succeeded; a later DEL reuses the parameters
  };
  struct Container {
    std::string name, id, hostname;
    Namespaces ns;
    std::optional<NetnsFile> netns;
    std::string netns_path;          // stays known after the namespace is gone
    std::vector<Attachment> attachments;  // [0] is the loopback one (unless host mode)
    std::vector<api::PublishedPort> ports;
    std::optional<Process> main;
    bool host_mode = false;
  };

  CniRuntime(const Namespaces& host, CniOptions opts);
  PluginEnv plugin_env() const { return {opts_.cni_path, host_, opts_.plugin_timeout}; }
  Result<Network*> network(std::string_view name);
  Result<Container*> container(std::string_view name);
  std::string next_ifname(const Container& c) const;  // the lowest ethN not attached
  Result<std::string> ensure_dir(const std::string& dir);
  Result<Network> make_network(const api::NetworkSpec& spec);
  Result<Container> make_container(const api::ContainerSpec& spec);
  Result<void> start_main(Container& c, const std::vector<std::string>& command);
  // ADD `network` on a new ifname; a failed ADD is DELeted again and is an error.
  Result<void> attach(Container& c, const api::Attachment& att, const nlohmann::json& capability_args);
  Result<ListOutcome> del(Attachment& a);  // marks it deleted on success
  Result<void> teardown(Container& c);  // DEL all, in reverse order; the namespaces go
  Result<api::CniReply> cni_add(Container& c, const api::CniRequest& req);
  // Published ports as runtimeConfig.portMappings (cni_ports.cc); records them in c.ports.
  Result<nlohmann::json> port_mappings(const std::vector<api::PortSpec>& publish, Container& c);
  // The container that already maps host port `port`/`proto` on an address overlapping
  // `ip` (absent: every address), or null.
  const Container* port_holder(Proto proto, const std::optional<IpAddr>& ip, uint16_t port,
                               const Container& adding) const;
  api::ContainerInfo info(const Container& c) const;
  Result<void> verify_clean();

  const Namespaces* host_;
  CniOptions opts_;
  std::map<std::string, Network, std::less<>> networks_;
  std::map<std::string, Container, std::less<>> containers_;
  nlohmann::json loopback_ = loopback_conflist();
  uint16_t next_random_port_ = 32768;
};

}  // namespace nc::cni
