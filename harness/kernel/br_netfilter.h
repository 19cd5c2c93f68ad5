// br_netfilter (netfilter sees bridged traffic): built in, a module that is not loaded, or
// not built at all — three answers `netconform kernel` keeps apart.
//
// Its sysctls (net.bridge.bridge-nf-call-*, per network namespace) exist only once its
// code is in the kernel: built in (CONFIG_BRIDGE_NETFILTER=y), or the module loaded.
// Distribution kernels build it as a module that nothing loads on its own; Docker's
// daemon runs `modprobe br_netfilter` when it starts. The lab does not load it: a module
// is machine-wide (every bridge on the machine, the machine's own included, would hand
// its traffic to iptables/nftables), and the lab changes nothing outside its namespaces.
// A throwaway machine (a test VM) may load it before running netconform.
//
//   sysctl there                         available: "bridge-nf-call-iptables=1"
//   no sysctl, module in modules dir     "module br_netfilter is not loaded (... modprobe ...)"
//   no sysctl, neither built in nor      "kernel lacks CONFIG_BRIDGE_NETFILTER (...)"
//     a module
//   no sysctl, yet listed as built in    "probe failed (...)"
//   the sysctl unreadable otherwise      "probe failed (...)"
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "harness/kernel/feature.h"
#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::kernel {

inline constexpr std::string_view kBrNetfilterSysctl = "net/bridge/bridge-nf-call-iptables";

struct BrNetfilterFacts {
  Result<std::string> sysctl;             // reading kBrNetfilterSysctl in a fresh namespace
  std::string modules_dir;                // /lib/modules/<release>, for messages
  bool modules_dir_exists = false;
  bool module_present = false;            // br_netfilter.ko[.xz|.zst|.gz] is in modules_dir
  std::optional<std::string> builtin;     // modules_dir/modules.builtin; nullopt: absent
};

// Whether a module list (modules.builtin or modules.dep: one path a line, "kernel/net/
// bridge/br_netfilter.ko", modules.dep's followed by ':') names `module`.
bool lists_module(std::string_view list, std::string_view module);

// The Feature "br_netfilter" those facts make (pure; see the table above).
Feature judge_br_netfilter(const BrNetfilterFacts& facts);

// Reads the facts: the sysctl inside `ns`, the rest under /lib/modules/<uname -r>.
BrNetfilterFacts br_netfilter_facts(const Namespaces& ns);

}  // namespace nc::kernel
