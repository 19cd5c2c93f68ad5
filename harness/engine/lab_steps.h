// The steps that change the lab itself, not the runtime: `lab_link` and `conntrack_flush`.
// Each does its work in the lab's namespaces through the libraries (libnl, ethtool ioctls,
// libnetfilter_conntrack) and returns what the step observed, the `observed` of its record.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/checks/check.h"
#include "harness/engine/engine.h"
#include "netimpl/base/error.h"

namespace nc::engine {

// `lab_link: { mtu }`: the lab host's uplink gets that MTU while `external` keeps 1500, and
// `external`'s end stops TCP segmentation offload (a veth lets a TSO super-packet through
// whatever its size, so real-sized segments must meet the limit). Lab reset puts 1500 back.
// Observed: {"ok": true, "mtu": N}, the MTU read back. Errors name the link and namespace.
Result<nlohmann::json> set_lab_uplink(const LabPlaces& lab, const checks::LabLink& a);

// `conntrack_flush: udp/PORT`: the lab host's entries to that port go, in both families.
// Observed: {"ok": true, "deleted": N}.
Result<nlohmann::json> flush_lab_conntrack(const LabPlaces& lab, const checks::ConntrackFlush& a);

}  // namespace nc::engine
