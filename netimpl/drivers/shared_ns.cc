#include "netimpl/drivers/shared_ns.h"

namespace nc::drivers {

Result<void> validate_optionless(const api::NetworkSpec& spec, std::string_view driver) {
  // Docker: 'only one instance of "host" network is allowed'.
  if (spec.name != driver)
    return failf("network {}: only one instance of the {} network is allowed (it is predefined as {})", spec.name,
                 driver, driver);
  auto refuse = [&](std::string_view option) {
    return failf("network {}: option {} is not supported by driver {}", spec.name, option, driver);
  };
  if (spec.subnet) return refuse("subnet");
  if (spec.gateway) return refuse("gateway");
  if (spec.internal) return refuse("internal");
  if (!spec.icc) return refuse("icc");
  if (spec.mtu != 0) return refuse("mtu");
  if (!spec.parent.empty()) return refuse("parent");
  if (!spec.mode.empty()) return refuse("mode");
  return {};
}

Result<void> HostDriver::attach(HostContext&, NetworkState&, SandboxContext&, EndpointState& ep) {
  ep.gateway.reset();
  ep.host_ifname.clear();
  return {};
}

Result<void> NoneDriver::attach(HostContext&, NetworkState&, SandboxContext&, EndpointState& ep) {
  ep.gateway.reset();
  ep.host_ifname.clear();
  return {};
}

}  // namespace nc::drivers
