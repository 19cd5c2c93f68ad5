// The diagnosis of "my service is unreachable through the published port", from what a
// person would look at: the container's listener table and the address published traffic
// arrives at. Pure: no probe, no runtime.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "netimpl/base/ip.h"

namespace nc::engine {

// `listeners`: the probe's `listeners` output ({"sockets": [{"proto","local","state"}]}).
// `arrives`: the container address DNAT sends published traffic to (absent: unknown).
// One line, PORT and ADDRESS filled in:
//   only loopback listeners  "listens on 127.0.0.1:PORT; published traffic arrives at ADDRESS:PORT; bind 0.0.0.0"
//   a listener that matches  "listens on 0.0.0.0:PORT; published traffic arrives at ADDRESS:PORT; it answers"
//   no TCP listener          "nothing listens on port PORT; published traffic arrives at ADDRESS:PORT; start the service on 0.0.0.0:PORT"
//   listeners on other addresses only  "listens on 10.0.0.5:PORT; published traffic arrives at ADDRESS:PORT; bind 0.0.0.0"
std::string diagnose_listeners(const nlohmann::json& listeners, uint16_t port, const std::optional<IpAddr>& arrives);

}  // namespace nc::engine
