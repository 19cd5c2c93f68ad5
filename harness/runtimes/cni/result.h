// CNI results, parsed and checked against the specification (SPEC.md 1.0, Section 5).
//
// A plugin answers on stdout with one of three JSON objects, each typed here:
//   - Success (ADD, and what CHECK/DEL chain as prevResult): cniVersion, interfaces
//     (name, mac, sandbox), ips (address in CIDR notation, gateway, interface: an index
//     into interfaces), routes (dst, gw), dns (nameservers, domain, search, options);
//   - Error: cniVersion, code, msg, details (codes 0-99 reserved, 100+ plugin-specific);
//   - Version: cniVersion, supportedVersions.
// Checking is strict about what the spec says and lenient about nothing it does not: an
// unknown key is kept in `raw` (a later plugin gets it back through prevResult), a wrong
// type, a malformed address or an `interface` index outside `interfaces` is an error that
// names the field ("ips[1].interface: 3 is not an index into interfaces (2 entries)").
// Pure functions: unit-tested on recorded plugin output (result_test.cc).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"

namespace nc::cni {

inline constexpr std::string_view kSpecVersion = "1.0.0";

struct Interface {
  std::string name;
  std::string mac;      // "" when not applicable
  std::string sandbox;  // "" for a host interface; else the CNI_NETNS it lives in
};

struct IpConfig {
  Prefix address;                  // the address with its prefix length: 10.88.0.2/16
  std::optional<IpAddr> gateway;
  std::optional<size_t> interface;  // index into Success::interfaces; absent in IPAM results
};

struct Route {
  Prefix dst;
  std::optional<IpAddr> gw;
};

struct Dns {
  std::vector<std::string> nameservers, search, options;
  std::string domain;
};

struct Success {
  std::string cni_version;
  std::vector<Interface> interfaces;
  std::vector<IpConfig> ips;
  std::vector<Route> routes;
  Dns dns;
  nlohmann::json raw;  // the object as the plugin wrote it: the next plugin's prevResult

  // The addresses this result assigns to the interface `ifname` inside `sandbox`.
  std::vector<Prefix> addresses_of(std::string_view ifname, std::string_view sandbox) const;
};

struct ErrorResult {
  std::string cni_version;
  int code = 0;
  std::string msg, details;

  std::string str() const;  // "CNI error 7 (Invalid Configuration): details"
};

// A Success result. `abbreviated`: a delegated IPAM plugin's, which may omit interfaces.
nc::Result<Success> parse_success(std::string_view text, bool abbreviated = false);
nc::Result<Success> parse_success_json(const nlohmann::json& j, bool abbreviated = false);

// The final result of an ADD on (CNI_NETNS `netns`, CNI_IFNAME `ifname`), as a runtime
// may rely on it: cniVersion is the one the configuration gave (kSpecVersion), and the
// interfaces list the one created, `ifname` with sandbox `netns`.
nc::Result<void> check_add_result(const Success& r, std::string_view netns, std::string_view ifname);

// An Error result: an object with an integer `code` and a string `msg`.
nc::Result<ErrorResult> parse_error(std::string_view text);

// A Version result: the supported versions, which must include `want` ("1.0.0").
nc::Result<std::vector<std::string>> parse_version(std::string_view text, std::string_view want);

}  // namespace nc::cni
