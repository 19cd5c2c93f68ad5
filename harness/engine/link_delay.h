// `firewall: { in: web, delay_ms: 300 }`: a slow path, as a netem root qdisc on every link
// of the container's network namespace but lo, so every packet the container sends waits
// delay_ms (a round trip through it gets that much slower). `remove: true` deletes the
// qdiscs again. The kernel side is the Qdiscs seam: Rtnl in the engine (rtnl_qdisc.cc,
// libnl-route's rtnl_netem_*), a fake in link_delay_test.cc.
//
// A kernel without sch_netem refuses the qdisc; checks using delay_ms must `require`
// netem, so there they are skipped before any step runs ("kernel lacks netem (kernel
// lacks CONFIG_NET_SCH_NETEM (...))").
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::engine {

class Qdiscs {
 public:
  virtual ~Qdiscs() = default;
  virtual Result<std::vector<std::string>> link_names() = 0;  // every link of the namespace
  virtual Result<void> set_netem_delay(std::string_view link, int delay_ms) = 0;
  virtual Result<void> del_root_qdisc(std::string_view link) = 0;
};

// Qdiscs in `ns` through route netlink.
Result<std::unique_ptr<Qdiscs>> qdiscs_in(const Namespaces& ns);

// Delays every link but lo by delay_ms; returns the links delayed, in the kernel's order.
// Error: "delay eth0 by 300 ms: <the kernel's answer>" (links delayed before it keep it;
// clear_delay them). A namespace with no link but lo is an error: nothing would be slower.
Result<std::vector<std::string>> apply_delay(Qdiscs& q, int delay_ms);

// Deletes the root qdisc of each link (a link gone meanwhile is skipped).
Result<void> clear_delay(Qdiscs& q, const std::vector<std::string>& links);

}  // namespace nc::engine
