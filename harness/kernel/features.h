// What the running kernel offers, found by trying each feature for real.
//
// probe_kernel() creates a fresh network namespace and, inside it only, creates a veth
// pair, a bridge, a VXLAN, a macvlan on the veth and an ipvlan on a veth of its own, a netem
// qdisc on the veth, applies a small nftables
// table with a masquerade rule, and reads the sysctls that exist only when a feature is
// there (br_netfilter, conntrack, IPv6). The machine's own namespace is never touched.
// Everything is torn down by dropping the namespace before probe_kernel returns.
//
// It never fails as a whole: each Feature says available or not, with a detail. A feature
// the kernel lacks reads "kernel lacks CONFIG_IPVLAN (<the error that showed it>)"; a
// probe that failed for another reason (permissions, a busy parent) reads "probe failed
// (...)" (judge.h says which errors are which; br_netfilter.h its own cases);
// a feature that could not be tried because another is missing reads
// "not tried: needs veth". Without root, every feature is unavailable with the reason.
//
// The names are those checks list under `requires:` (feature_names()). Call from any
// thread; the caller's namespaces are not changed. Takes a few tens of milliseconds.
#pragma once

#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/kernel/feature.h"
#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::kernel {

// Every feature probe_kernel reports, in its order: netns, veth, bridge, br_netfilter,
// nftables, nat, conntrack, vxlan, macvlan, ipvlan, ipv6, ipv6_nat, netem.
std::span<const std::string_view> feature_names();

std::vector<Feature> probe_kernel();

// The same inside `ns`, a fresh network namespace made for the purpose (netns is reported
// available: the caller made one). The links and the nft table created are left in `ns`,
// so a test can look at them from outside; dropping `ns` removes them.
std::vector<Feature> probe_kernel_in(const Namespaces& ns);

// uname -r, e.g. "6.18.44-fc-v657".
std::string kernel_release();

// The names of the available features.
std::set<std::string> available_capabilities(const std::vector<Feature>& features);

// Why a check whose `requires:` lists `required` cannot run here, or "" when it can:
//   "kernel lacks ipvlan (kernel lacks CONFIG_IPVLAN (...))" for what the kernel lacks,
//   "ipvlan unavailable (probe failed (...))" otherwise (a probe error, a module not
//   loaded, a dependency missing), several joined by "; ".
// Names that are not kernel features (not in feature_names(), e.g. "dns") are another
// layer's business and are ignored. Error: a kernel feature name that `features` does not
// contain (the probe was not run, or a partial list was passed).
Result<std::string> capability_missing_reason(const std::vector<std::string>& required,
                                              const std::vector<Feature>& features);

}  // namespace nc::kernel
