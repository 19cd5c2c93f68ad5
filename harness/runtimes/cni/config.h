// Network configurations (SPEC.md 1.0, Section 1) for what a check asks, and the execution
// configuration each plugin of a list gets (Section 3, "Deriving execution configuration").
//
// A bridge network becomes the list netconform's CNI runtime runs for every attachment:
//   bridge   (the network's Linux bridge, the gateway address on it, ipMasq unless
//             internal; IPAM by host-local with the network's subnet and gateway, a default
//             route unless internal, its state in `ipam_dir` on the lab's tmpfs)
//   portmap  (capabilities: portMappings → runtimeConfig.portMappings)
//   firewall (iptables backend, ingressPolicy same-bridge: other bridges are kept out)
// Every container also gets the list {loopback} on `lo`, as runtimes that follow the spec do.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "netimpl/base/ip.h"

namespace nc::cni {

struct BridgeNetwork {
  std::string name;    // the network configuration's name
  std::string bridge;  // the Linux bridge
  Prefix subnet;
  IpAddr gateway;
  bool internal = false;
  int mtu = 0;          // 0: the plugin's default
  std::string ipam_dir;  // host-local's dataDir
};

nlohmann::json bridge_conflist(const BridgeNetwork& n);
nlohmann::json loopback_conflist();

// The execution configuration of plugin `index` of `conflist`: the plugin's object with
// cniVersion and name inserted from the list, runtimeConfig holding those of `capability_args`
// the plugin declares in its `capabilities` (which is removed), and prevResult when given.
nlohmann::json exec_config(const nlohmann::json& conflist, size_t index, const nlohmann::json& capability_args,
                           const nlohmann::json* prev_result);

}  // namespace nc::cni
