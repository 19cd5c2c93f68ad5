// Network, container and service specs as a check writes them. Internal to the loader.
//
// The same spec shape appears under `networks:` / `containers:` (name from the map key)
// and in network_create / container_create steps (name as a `name:` key). `strict` is true
// where the runtime is expected to accept the spec (the sections, and creation steps that
// expect ok): then it must also fit what exists (no overlapping subnet or subnet6, fixed
// IPs inside their network's declared subnet or subnet6). A creation step that expects an
// error may deliberately break those rules, never the syntax (nor an address's family).
#pragma once

#include <vector>

#include "harness/checks/scope.h"

namespace nc::checks::detail {

// The `networks:` section; adds each network to the scope.
Result<std::vector<api::NetworkSpec>> parse_networks(const Reader& r, const Value& v, Scope& scope);
// The `containers:` section; adds each container to the scope.
Result<std::vector<api::ContainerSpec>> parse_containers(const Reader& r, const Value& v, Scope& scope);
// The `services:` section.
Result<std::vector<Service>> parse_services(const Reader& r, const Value& v);

// A network_create / container_create argument: the spec with a `name:` key.
Result<api::NetworkSpec> parse_network_create(const Reader& r, const Value& v, const Scope& scope, bool strict);
Result<api::ContainerSpec> parse_container_create(const Reader& r, const Value& v, const Scope& scope, bool strict);

// One network attachment: a network name, or {network, aliases, ip, ip6}.
Result<api::Attachment> parse_attachment(const Reader& r, const Value& v, const Scope& scope, bool strict);
// The attachment of mapping fields that hold `network` and maybe `aliases`, `ip`, `ip6`
// (network_connect reads its `container` key itself).
Result<api::Attachment> attachment_from(const Reader& r, const Fields& f, const Scope& scope, bool strict);

// Probe arguments: one string split on spaces, or a list of strings. Never empty.
Result<std::vector<std::string>> parse_command(const Reader& r, const Value& v);

}  // namespace nc::checks::detail
