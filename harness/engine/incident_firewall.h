// An incident's firewall inside a container: what the `firewall:` step puts there ("someone
// added a rule"). Per container, for the rest of one check, it holds every rule given so far
// in one nftables table `incident` (family inet) in the container's network namespace, and
// the netem delays of `delay_ms` (link_delay.h); `remove: true` takes both away.
//
// The table is built from the rules as data (incident_table(), pure) and applied as one
// batch, so the ruleset the kernel holds is always the whole list, never a half-applied one.
// Errors name the container and the kernel's answer; a failed step changes nothing more.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/checks/check.h"
#include "netimpl/api/runtime.h"
#include "netimpl/base/error.h"
#include "netimpl/nft/firewall.h"
#include "netimpl/nft/ruleset.h"

namespace nc::engine {

// The `incident` table for these rules (kRemove and kDelay are not rules and are ignored):
//   chain input  (prerouting, filter, priority 0):  drop tcp/udp PORT; drop PERCENT at random
//   chain output (output, filter, priority -300):   drop udp and tcp port 53 (kDropDns)
// The output chain runs before the DNAT a runtime may do in the container's own output
// (Docker sends 127.0.0.11:53 to its resolver's real port at priority -100), so the rule
// sees port 53. A chain without rules is left out; no rules at all gives no chains.
nft::Table incident_table(const std::vector<checks::FirewallRule>& rules);

class IncidentFirewalls {
 public:
  // Applies one `firewall:` step. Observed: {"ok": true, "ruleset": TEXT} (the table as
  // nft prints it, "" once removed) or, for delay_ms, {"ok": true, "netem": {"delay_ms": N,
  // "links": [...]}}.
  Result<nlohmann::json> apply(const checks::FirewallRule& a, api::Runtime& runtime);

  // Closes the tables' sockets, which hold the containers' namespaces (before the runtime
  // removes them; the tables go with the namespaces).
  void clear() { by_container_.clear(); }

 private:
  struct Incident {
    nft::Firewall fw;                         // the `incident` table in the container's netns
    std::vector<checks::FirewallRule> rules;  // what it holds
    std::vector<std::string> delayed;         // links carrying a netem delay (delay_ms)
  };
  Result<nlohmann::json> delay(Incident& in, const checks::FirewallRule& a, api::Runtime& runtime);

  std::map<std::string, Incident> by_container_;
};

}  // namespace nc::engine
