// Variables in check strings: ${api.ip.appnet}, ${net.appnet.subnet}, ${host.ip}.
//
// A Template is a string that may contain ${...} variables. The loader validates the syntax
// and the names; the engine expands templates at step time, when addresses are known, by
// calling expand() with a lookup that answers each variable.
//
// The variables (the text between "${" and "}"):
//   CONTAINER.ip            the container's address on its first network
//   CONTAINER.ip.NETWORK    its address on NETWORK
//   CONTAINER.gateway.NETWORK  the gateway it uses on NETWORK
//   CONTAINER.port.PORT     the host port the runtime published for the container's TCP
//   CONTAINER.port.PORT/udp port PORT (/tcp may be written too): how a check that publishes
//                           "80" alone, or a host-port range, finds the port it was given
//   net.NETWORK.subnet      the network's subnet ("172.18.0.0/16")
//   net.NETWORK.gateway     the network's gateway
//   host.ip                 the lab host's LAN address
//   external.ip             the external client's address
//   kept.NAME               an address an earlier step kept (`keep: NAME` on a connect by
//                           name or a resolve: its first answer)
// Each address form has an IPv6 twin with "6" after its word, answered on dual-stack
// networks and IPv6 labs: CONTAINER.ip6, CONTAINER.ip6.NETWORK, CONTAINER.gateway6.NETWORK,
// net.NETWORK.subnet6, net.NETWORK.gateway6, host.ip6, external.ip6 (Variable::v6).
// "$$" stands for a literal "$"; any other "$" is literal too.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/proto.h"

namespace nc::checks {

using Template = std::string;

struct Variable {
  enum class Kind { kContainerIp, kContainerGateway, kNetworkSubnet, kNetworkGateway, kHostIp,
                    kExternalIp, kContainerPort, kKept };
  Kind kind = Kind::kHostIp;
  std::string container;  // kContainerIp, kContainerGateway, kContainerPort
  std::string network;    // kContainerGateway, kNetwork*; kContainerIp: empty = first network
  std::string text;       // as written between the braces: "api.ip.appnet"
  uint16_t port = 0;      // kContainerPort: the container port (1-65535)
  Proto proto = Proto::kTcp;  // kContainerPort
  std::string kept;           // kKept: the name it was kept under
  bool v6 = false;            // the IPv6 twin (ip6, gateway6, subnet6); never kContainerPort, kKept
};

// Parses the text between "${" and "}". The error names the text and the accepted forms.
Result<Variable> parse_variable(std::string_view var);

// Every variable of a template in order of appearance; an error for "${" without "}" or a
// malformed variable.
Result<std::vector<Variable>> template_variables(std::string_view tmpl);

using VariableLookup = std::function<std::optional<std::string>(std::string_view var)>;

// Replaces each ${var} by lookup(var) (var is the text between the braces, e.g.
// "api.ip.appnet"; parse_variable() turns it into a Variable) and "$$" by "$". Fails on
// bad syntax or when lookup returns nullopt ("cannot resolve ${api.ip.backend}").
Result<std::string> expand(std::string_view tmpl, const VariableLookup& lookup);

}  // namespace nc::checks
