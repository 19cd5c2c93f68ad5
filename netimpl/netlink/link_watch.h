// Waiting for links to disappear, on the kernel's word rather than by polling.
//
// Closing a network namespace's last reference does not remove its links at once: the
// kernel tears namespaces down on a workqueue, and the host ends of their veth pairs go
// a few milliseconds later. Whoever must know that a teardown is complete (a runtime's
// verified reset) waits here for the RTM_DELLINK notifications.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::netlink {

// Returns once none of `names` exists in `ns`, or an error naming those still present
// after `timeout`. Subscribes to link notifications before looking, so a deletion that
// happens in between is not missed.
Result<void> wait_links_gone(const Namespaces& ns, std::vector<std::string> names, std::chrono::milliseconds timeout);

}  // namespace nc::netlink
