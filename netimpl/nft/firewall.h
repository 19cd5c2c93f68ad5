// netimpl's firewall in one network namespace: one nftables table, regenerated whole.
//
// Why regenerate instead of adding and deleting rules one by one: the rule set is a pure
// function of the FirewallModel (render.h), so apply(M) replaces the table's entire content
// with render(M) in ONE nf_tables transaction:
//
//     NEWTABLE t; DELTABLE t; NEWTABLE t; NEWCHAIN ...; NEWRULE ...   (all or nothing)
//
// The create-then-delete pair at the front makes the batch valid whether or not the table
// exists. Consequences:
//   - exact undo by construction: applying M after any sequence of applies gives the same
//     rule set as applying M once; "unpublish a port" is "apply the model without it";
//   - atomic: packets see the old table or the new one, never a half-built one, and a
//     failed apply leaves the old table untouched;
//   - no rule handles to track (they only come back with NLM_F_ECHO), no drift.
// The cost: every change resends the whole table and resets its counters. Measured here
// (6.18, 2 shared cores): 3 bridges + 10 ports = 45 rules, ~25 kB, median ~0.5 ms per
// apply; 3 bridges + 3000 ports = 9015 rules, ~5 MB, ~250 ms. Typical models are the
// former; were they to reach thousands of ports, per-port set/map elements would be the
// next step.
//
// Conntrack entries are not part of the table: removing a DNAT rule leaves established
// flows running (UDP ones forever). See conntrack.h.
//
// Threads: a Firewall is used by one thread at a time. The netlink socket was opened
// inside the namespace (on a short-lived thread), so every call acts there, whichever
// thread makes it. The caller's namespaces are never changed.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "netimpl/base/error.h"
#include "netimpl/nft/batch.h"
#include "netimpl/nft/model.h"
#include "netimpl/nft/render.h"
#include "netimpl/ns/namespaces.h"

namespace nc::nft {

class Firewall {
 public:
  // Opens an nf_tables netlink socket inside `ns` (which need not outlive the Firewall).
  // Touches nothing in the kernel yet.
  static Result<Firewall> open(const Namespaces& ns, std::string table = "netconform");
  Firewall(Firewall&&) noexcept = default;
  Firewall& operator=(Firewall&&) noexcept = default;
  // Removes the table if this object ever applied one (best effort, errors ignored).
  ~Firewall();

  // Makes the table exactly render(model). On error the kernel's table is unchanged.
  // A bridge with icc=false needs br_netfilter (render.h): apply turns on
  // net.bridge.bridge-nf-call-iptables and -ip6tables in the namespace when they are off,
  // as Docker does, and leaves them on. Likewise route_localnet=1 on every bridge the host
  // reaches through 127.0.0.1 (render.h, needs_route_localnet).
  // Errors: "apply firewall table inet netconform in netns host: <what failed>".
  Result<void> apply(const FirewallModel& model);

  // Makes the table exactly `table` (a rule set built by hand, not from a model: e.g. the
  // harness's "someone added a rule" inside a container). `table.name` must be this
  // Firewall's table and its family inet. On error the kernel's table is unchanged.
  Result<void> apply_table(const Table& table);

  // Deletes the table. Absent already: success.
  Result<void> remove();

  const std::string& table() const { return table_; }
  const std::string& ns_name() const { return ns_.name(); }

 private:
  Firewall() = default;
  Result<void> ensure_br_netfilter();
  Result<void> ensure_route_localnet(const FirewallModel& model);

  MnlSocket sock_;
  Namespaces ns_;  // our own dup, for the br_netfilter sysctls
  std::string table_;
  uint32_t seq_ = 0;
  bool applied_ = false;
  std::set<std::string> localnet_;  // bridges whose route_localnet we set
};

}  // namespace nc::nft
