// The two drivers without links: host (the container shares the host's network namespace)
// and none (the container has only `lo`). Both exist once, as the predefined networks
// "host" and "none"; neither takes options, allocates addresses or creates anything.
//
// What "sharing the host's namespace" means is decided by the runtime when it builds the
// container (netimpl/runtime/container.h, make_host_container): the driver only validates.
// A container on either network may be on no other network.
#pragma once

#include "netimpl/drivers/driver.h"

namespace nc::drivers {

// Refuses every option for a network of `driver`, and any name but the driver's own.
Result<void> validate_optionless(const api::NetworkSpec& spec, std::string_view driver);

class HostDriver : public Driver {
 public:
  std::string name() const override { return "host"; }
  bool assigns_addresses() const override { return false; }
  bool shares_host_ns() const override { return true; }
  bool exclusive() const override { return true; }
  bool name_discovery() const override { return false; }
  Result<void> validate(const api::NetworkSpec& spec) const override { return validate_optionless(spec, "host"); }
  Result<void> create_network(HostContext&, NetworkState&) override { return {}; }
  Result<void> remove_network(HostContext&, NetworkState&) override { return {}; }
  Result<void> attach(HostContext&, NetworkState&, SandboxContext&, EndpointState& ep) override;
  Result<void> detach(HostContext&, NetworkState&, SandboxContext&, EndpointState&) override { return {}; }
};

class NoneDriver : public Driver {
 public:
  std::string name() const override { return "none"; }
  bool assigns_addresses() const override { return false; }
  bool exclusive() const override { return true; }
  bool name_discovery() const override { return false; }
  Result<void> validate(const api::NetworkSpec& spec) const override { return validate_optionless(spec, "none"); }
  Result<void> create_network(HostContext&, NetworkState&) override { return {}; }
  Result<void> remove_network(HostContext&, NetworkState&) override { return {}; }
  Result<void> attach(HostContext&, NetworkState&, SandboxContext&, EndpointState& ep) override;
  Result<void> detach(HostContext&, NetworkState&, SandboxContext&, EndpointState&) override { return {}; }
};

}  // namespace nc::drivers
