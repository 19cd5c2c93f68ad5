// Compares what a step observed with what it expects. Pure: no kernel, no runtime.
//
// The observation is the probe's JSON (see harness/probe/README.md) for probe actions, and
// {"ok": bool, "error": "..."} for runtime actions. Every template in the Expect has
// already been expanded by the caller into a ResolvedExpect.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/checks/check.h"

namespace nc::engine {

// An Expect with its variables replaced by values.
struct ResolvedExpect {
  const checks::Expect* expect = nullptr;  // outcomes, error, within, iface, no_iface, flags
  std::optional<std::string> peer;
  std::vector<std::string> contains, not_contains, listening, not_listening;
  std::optional<std::string> address_in, address, default_via;
  std::optional<std::vector<std::string>> addresses;  // resolve
  std::vector<std::string> contains_address;
  std::optional<std::string> answered_by, source;    // resolve, dns_log
};

struct Verdict {
  bool ok = true;
  std::string expected;  // what was asked for, in words: "ok, peer 203.0.113.10"
  std::string message;   // why it does not match; empty when ok
};

// `duration_ms`: how long the action took, for `within`.
Verdict match(checks::ActionKind kind, const ResolvedExpect& want, const nlohmann::json& observed, double duration_ms);

// "172.18.0.2:8080" → "172.18.0.2"; "[fd00::2]:80" → "fd00::2".
std::string host_part(std::string_view endpoint);

}  // namespace nc::engine
