// The containers and networks that exist at a point of a check. Internal to the loader.
//
// The loader walks a check in execution order (networks, containers, then the steps) and
// keeps a Scope up to date, so a name or variable is accepted exactly when the thing it
// names exists at that point: declared, or created by an earlier step and not removed since.
// It follows each container's networks too (its initial ones, then network_connect and
// network_disconnect steps), so a reference that cannot hold at run time -- ${db.ip.frontend}
// while db is not on frontend, leaving a network never joined -- is a load error.
#pragma once

#include <algorithm>

#include <set>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/checks/yaml_reader.h"

namespace nc::checks::detail {

class Scope {
 public:
  Scope();  // the predefined networks (kPredefinedNetworks), no containers

  bool has_container(std::string_view name) const;
  bool has_network(std::string_view name) const;
  // The network's subnet (IPv4) or subnet6 when the check gave one; nullopt when
  // allocated or unknown.
  std::optional<Prefix> subnet(std::string_view network) const;
  std::optional<Prefix> subnet6(std::string_view network) const;
  // Whether the network has IPv6 addresses (api::NetworkSpec::dual_stack); never the
  // predefined ones.
  bool dual_stack(std::string_view network) const;
  // The name of a known network whose subnet of p's family (subnet or subnet6) overlaps
  // `p`, or "".
  std::string overlapping(const Prefix& p) const;

  // The container's networks at this point, in the order it joined them (the first is what
  // ${c.ip} means); empty for an unknown container.
  std::vector<std::string> networks_of(std::string_view container) const;
  bool on_network(std::string_view container, std::string_view network) const;
  // The containers attached to the network, in the order they were added.
  std::vector<std::string> containers_on(std::string_view network) const;

  void add_network(const api::NetworkSpec& spec);
  // A container on the spec's networks (the default bridge when it names none), publishing
  // the spec's ports.
  void add_container(const api::ContainerSpec& spec);
  void connect(std::string_view container, std::string_view network);
  void disconnect(std::string_view container, std::string_view network);
  // The lab's host count (Lab::hosts): a container's `host:` must name one of them.
  void set_hosts(int n) { hosts_ = n; }
  // The lab makes the default bridge dual stack on `subnet6` (Lab::default_bridge6).
  void set_default_bridge6(const Prefix& subnet6);
  // `keep: NAME` on a step: ${kept.NAME} may be used after it.
  void add_kept(std::string name) { kept_.insert(std::move(name)); }
  int hosts() const { return hosts_; }
  // The check's `requires:` (a step that needs a capability, e.g. delay_ms: netem, checks it).
  void set_requirements(std::vector<std::string> r) { requirements_ = std::move(r); }
  bool requires_capability(std::string_view name) const {
    return std::find(requirements_.begin(), requirements_.end(), name) != requirements_.end();
  }
  void remove_network(std::string_view name);
  void remove_container(std::string_view name);

  // Errors unless the name exists: "unknown container 'x'; containers at this point: a, b".
  Result<void> need_container(const Reader& r, const YAML::Mark& at, std::string_view name) const;
  Result<void> need_network(const Reader& r, const YAML::Mark& at, std::string_view name) const;
  // Checks each ${...} of the value's text: syntax, that its names exist here, that a
  // container's address or gateway is asked for on a network it is on at this point, an
  // IPv6 one (ip6, gateway6, subnet6) only of a dual-stack network, and a published port
  // of one it publishes.
  Result<void> check_template(const Reader& r, const Value& v, std::string_view text) const;

 private:
  std::string unknown_container(std::string_view name) const;
  std::string unknown_network(std::string_view name) const;
  // Why the variable cannot be answered at this point, or "" when it can.
  std::string unanswerable(const Variable& var) const;
  // Why a known network has no IPv6 address to offer, or "" when it is dual stack.
  std::string not_dual_stack(std::string_view network) const;

  struct Network {
    std::string name;
    std::optional<Prefix> subnet, subnet6;
    bool dual_stack = false;
  };
  const Network* network(std::string_view name) const;

  struct Container {
    std::string name;
    std::vector<std::string> networks;
    std::vector<api::PortSpec> publish;
  };
  const Container* container(std::string_view name) const;
  Container* container(std::string_view name);

  std::vector<Container> containers_;
  int hosts_ = 1;
  std::vector<std::string> requirements_;
  std::vector<Network> networks_;
  std::set<std::string, std::less<>> kept_;
};

// Names of containers and networks: [A-Za-z0-9][A-Za-z0-9_-]* (no dots: variables use them).
// Containers may not be called host, external or net (places and variables use those);
// `kind` is "container" or "network" and appears in the message.
Result<void> check_name(const Reader& r, const YAML::Mark& at, std::string_view name, std::string_view kind);

}  // namespace nc::checks::detail
