// Waiting until a link can carry packets.
//
// Bringing a veth up is not enough: the kernel activates its queueing discipline and sets
// its operstate (IFF_RUNNING) later, in the "linkwatch" work. Until then packets sent
// through it are dropped, and a TCP handshake caught in that window stalls for its 1 s
// retransmit. Linkwatch handles a link at once only when the event is "urgent"; for a
// veth that means its ifindex differs from its peer's — two fresh namespaces both numbering
// their first link 2 get the non-urgent path, rate-limited to one run a second.
#pragma once

#include <chrono>
#include <string_view>

#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::lab {

// Returns once `ifname` in `ns` is IFF_RUNNING, woken by the kernel's link notifications
// (no polling); an error naming the link and namespace after `timeout`.
Result<void> wait_link_running(const Namespaces& ns, std::string_view ifname, std::chrono::milliseconds timeout);

}  // namespace nc::lab
