// What a check's `${...}` mean while it runs: ${host.ip}, ${external.ip}, ${net.NET.subnet},
// ${net.NET.gateway}, ${C.ip[.NET]}, ${C.gateway.NET}, ${C.port.PORT[/PROTO]}, ${kept.NAME},
// and the IPv6 twins (ip6, gateway6, subnet6): an endpoint's ip6/gateway6, a network's
// subnet6/gateway6, the lab's IPv6 addresses (LabPlaces::host_ip6, external_ip6).
// Containers and networks are looked up in the runtime (inspect) when first named and kept
// until forget_runtime_view(), which the engine calls after every step that can change them
// (a runtime action, a CNI call): a later step sees the runtime as it is then.
// A variable that names nothing the runtime has (a container not on that network, a port
// not published, an IPv6 address of a network or lab without IPv6) expands to an error
// naming it; the loader refuses what it can see earlier.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "harness/checks/check.h"
#include "harness/engine/engine.h"
#include "harness/engine/matcher.h"
#include "netimpl/api/runtime.h"
#include "netimpl/base/error.h"

namespace nc::engine {

class Variables {
 public:
  Variables(api::Runtime& runtime, const LabPlaces& lab) : runtime_(runtime), lab_(lab) {}

  // The value of one variable's text ("web.ip.frontend"), or nullopt when it names nothing.
  std::optional<std::string> lookup(std::string_view text);
  Result<std::string> expand(const checks::Template& t);
  // Every template of an expectation expanded, for the matcher.
  Result<ResolvedExpect> resolve(const checks::Expect& e);

  // `keep: NAME`: ${kept.NAME} is `value` from now on.
  void keep(const std::string& name, std::string value) { kept_[name] = std::move(value); }
  void forget_runtime_view() {
    containers_.clear();
    networks_.clear();
  }

  // The runtime's view of a container or network (inspect, cached); null when it has none.
  const api::ContainerInfo* container(const std::string& name);
  const api::NetworkInfo* network(const std::string& name);

 private:

  api::Runtime& runtime_;
  const LabPlaces& lab_;
  std::map<std::string, std::string> kept_;  // ${kept.NAME}
  std::map<std::string, api::ContainerInfo> containers_;
  std::map<std::string, api::NetworkInfo> networks_;
};

}  // namespace nc::engine
