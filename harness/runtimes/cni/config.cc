#include "harness/runtimes/cni/config.h"

#include "harness/runtimes/cni/result.h"

namespace nc::cni {

using nlohmann::json;

json bridge_conflist(const BridgeNetwork& n) {
  json ipam = {{"type", "host-local"},
               {"ranges", json::array({json::array({{{"subnet", n.subnet.str()}, {"gateway", n.gateway.str()}}})})},
               {"dataDir", n.ipam_dir}};
  if (!n.internal) ipam["routes"] = json::array({{{"dst", n.subnet.addr().is_v4() ? "0.0.0.0/0" : "::/0"}}});
  json bridge = {{"type", "bridge"}, {"bridge", n.bridge},      {"isGateway", true},
                 {"ipMasq", !n.internal}, {"hairpinMode", true}, {"ipam", ipam}};
  if (n.mtu > 0) bridge["mtu"] = n.mtu;
  return {{"cniVersion", kSpecVersion},
          {"name", n.name},
          {"plugins", json::array({bridge,
                                   {{"type", "portmap"}, {"capabilities", {{"portMappings", true}}}, {"snat", true}},
                                   {{"type", "firewall"}, {"backend", "iptables"}, {"ingressPolicy", "same-bridge"}}})}};
}

json loopback_conflist() {
  return {{"cniVersion", kSpecVersion}, {"name", "cni-loopback"}, {"plugins", json::array({{{"type", "loopback"}}})}};
}

json exec_config(const json& conflist, size_t index, const json& capability_args, const json* prev_result) {
  json c = conflist["plugins"][index];
  c["cniVersion"] = conflist["cniVersion"];
  c["name"] = conflist["name"];
  if (auto caps = c.find("capabilities"); caps != c.end()) {
    json runtime_config = json::object();
    for (auto& [key, wanted] : caps->items())
      if (wanted == true && capability_args.contains(key)) runtime_config[key] = capability_args[key];
    if (!runtime_config.empty()) c["runtimeConfig"] = runtime_config;
    c.erase("capabilities");
  }
  if (prev_result) c["prevResult"] = *prev_result;
  return c;
}

}  // namespace nc::cni
