// Test support: what the machine looks like from outside every lab, to prove that a run
// left it untouched ("machine untouched" tests compare a snapshot before and after).
//
// A snapshot holds, per section, the machine's view as sorted lines:
//   links, addresses, routes4, routes6, rules  `ip -j ...`, read-only
//   nft                                        `nft list ruleset` there, counters removed
//   netns                                      `ip netns list`
//   mounts                                     /proc/1/mountinfo without mount IDs
// Values that change on their own (address lifetimes, route expiry, rule counters) are
// removed, so two snapshots of an idle machine compare equal.
//
// take() forks `ip` and `nft` (test code may; product code does not) in the caller's
// namespaces and reads PID 1's mount table, so it must be called from the machine's own
// namespaces — outside any lab. (It does not join PID 1's namespaces: where PID 1 is
// protected, as on this machine, its /proc/1/ns links cannot be opened even by root.)
#pragma once

#include <map>
#include <string>
#include <vector>

#include "netimpl/base/error.h"

namespace nc::lab {

struct MachineSnapshot {
  std::map<std::string, std::vector<std::string>> sections;

  static Result<MachineSnapshot> take();
  bool operator==(const MachineSnapshot&) const = default;
};

// Human-readable differences, one line per item: "links: + {...}" for something only in
// `after`, "mounts: - ..." for something only in `before`. Empty when equal.
std::string diff(const MachineSnapshot& before, const MachineSnapshot& after);

}  // namespace nc::lab
