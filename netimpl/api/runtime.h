// The runtime interface: what netconform asks of netimpl, Docker or Podman.
//
// Typed specs in, typed results out. A Runtime is used from one thread. Every method is
// bounded in time (adapters for real daemons time out their commands) and reports failure
// as an Error that names the object: "create network appnet: subnet 172.17.0.0/16
// overlaps network bridge (172.17.0.0/16)".
//
// Names: networks and containers are addressed by the names the check gave them. The
// default bridge network is called "bridge" on every runtime.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "netimpl/api/port_spec.h"
#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"
#include "netimpl/ns/namespaces.h"

namespace nc::api {

inline constexpr std::string_view kDefaultBridge = "bridge";

struct NetworkSpec {
  std::string name;
  std::string driver = "bridge";   // bridge | host | none | macvlan | ipvlan | overlay
  std::optional<Prefix> subnet;    // absent: allocated from the runtime's pools
  std::optional<IpAddr> gateway;   // absent: first address of the subnet
  // Dual stack (`docker network create --ipv6`): the network gets an IPv6 subnet too, the
  // given one or one of the runtime's default IPv6 pool; subnet6/gateway6 imply ipv6.
  bool ipv6 = false;
  std::optional<Prefix> subnet6;   // IPv6 only; subnet is IPv4 only
  std::optional<IpAddr> gateway6;  // absent: first address of subnet6
  bool internal = false;           // no egress, no default route, no masquerade, no DNAT
  bool icc = true;                 // containers on this network may talk to each other
  int mtu = 0;                     // 0: the driver's default
  std::string parent;              // macvlan/ipvlan: the parent link on the host
  std::string mode;                // macvlan: bridge|private|vepa; ipvlan: l2|l3

  bool dual_stack() const { return ipv6 || subnet6 || gateway6; }
};

struct NetworkInfo {
  std::string name;
  std::string driver;
  Prefix subnet;
  std::optional<IpAddr> gateway;   // absent on internal networks of some runtimes
  std::optional<Prefix> subnet6;   // present on dual-stack networks
  std::optional<IpAddr> gateway6;
  bool internal = false;
  std::string bridge;              // the host-side link (bridge name), when there is one
};

struct Attachment {
  std::string network;
  std::vector<std::string> aliases;
  std::optional<IpAddr> ip;        // absent: allocated
  std::optional<IpAddr> ip6;       // dual-stack networks; absent: allocated
};

struct ContainerSpec {
  std::string name;
  std::string hostname;                  // empty: the runtime's default
  std::vector<Attachment> networks;      // empty: the default bridge
  std::vector<PortSpec> publish;
  std::vector<IpAddr> dns;               // --dns servers
  // The probe arguments the container runs as its main process (e.g. {"serve","tcp",
  // "0.0.0.0:8080"}); empty: the probe idles. create_container returns once a serving
  // probe reports that it listens.
  std::vector<std::string> command;
  // Multi-host labs: the host the container runs on ("host", "host2", ...); empty: the
  // first. A single-host runtime ignores it.
  std::string host;
};

struct Endpoint {
  std::string network;
  IpAddr ip;
  int prefix_len = 0;
  std::optional<IpAddr> gateway;
  std::string mac;
  std::vector<std::string> aliases;
  // On dual-stack networks: the endpoint's IPv6 address (not link-local) and gateway.
  std::optional<IpAddr> ip6;
  int prefix_len6 = 0;
  std::optional<IpAddr> gateway6;
};

struct PublishedPort {
  Proto proto = Proto::kTcp;
  std::optional<IpAddr> host_ip;
  uint16_t host_port = 0;
  uint16_t container_port = 0;
};

struct ContainerInfo {
  std::string name;
  std::string id;
  std::string hostname;
  std::vector<Endpoint> endpoints;
  std::vector<PublishedPort> ports;

  const Endpoint* endpoint(std::string_view network) const {
    for (auto& e : endpoints)
      if (e.network == network) return &e;
    return nullptr;
  }
};

struct ExecResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A container's lifecycle, as `docker stop|start|restart|kill` do it.
enum class Lifecycle { kStop, kStart, kRestart, kKill };
inline std::string_view lifecycle_name(Lifecycle op) {
  switch (op) {
    case Lifecycle::kStop: return "stop";
    case Lifecycle::kStart: return "start";
    case Lifecycle::kRestart: return "restart";
    case Lifecycle::kKill: return "kill";
  }
  return "?";
}

class Runtime {
 public:
  virtual ~Runtime() = default;

  virtual std::string name() const = 0;     // "netimpl", "docker", "podman"
  virtual std::string version() const = 0;  // e.g. "20.10.24"
  // What this runtime can do, matched against a check's `requires:` (with the kernel's).
  virtual std::set<std::string> capabilities() const = 0;

  virtual Result<NetworkInfo> create_network(const NetworkSpec& spec) = 0;
  virtual Result<void> remove_network(std::string_view name) = 0;
  virtual Result<NetworkInfo> inspect_network(std::string_view name) = 0;

  // Creates and starts a container, attached to its networks.
  virtual Result<ContainerInfo> create_container(const ContainerSpec& spec) = 0;
  virtual Result<void> remove_container(std::string_view name) = 0;
  virtual Result<void> connect(std::string_view container, const Attachment& att) = 0;
  virtual Result<void> disconnect(std::string_view container, std::string_view network) = 0;
  virtual Result<ContainerInfo> inspect(std::string_view container) = 0;

  // stop: the container's process gets SIGTERM (then SIGKILL after a short grace) and the
  // container stays, stopped; kill: SIGKILL at once (a crash); start: a stopped container
  // runs its command again (a serving probe is waited for, as by create_container);
  // restart: stop, then start. What happens meanwhile to the container's addresses and
  // names is the runtime's own behaviour. A runtime that offers the capability
  // "lifecycle" implements this; the default refuses.
  virtual Result<void> lifecycle(std::string_view container, Lifecycle op) {
    return fail(std::string(lifecycle_name(op)) + " " + std::string(container) + ": runtime " + name() +
                " has no container lifecycle (capability lifecycle)");
  }

  // The container's network namespace, held open (the harness puts an incident's firewall
  // rule there). The default refuses.
  virtual Result<Namespaces> container_netns(std::string_view container) {
    return fail("runtime " + name() + " cannot open container " + std::string(container) + "'s network namespace");
  }

  // Runs the probe with `args` inside the container and waits for it, at most `timeout`.
  virtual Result<ExecResult> exec_probe(std::string_view container, const std::vector<std::string>& args,
                                        std::chrono::milliseconds timeout) = 0;

  // Removes every container and every non-default network, then verifies the runtime is
  // back at its starting state. An error names whatever could not be removed.
  virtual Result<void> reset() = 0;
};

}  // namespace nc::api
