// Whether nftables, and NAT in it, work in a network namespace — tried, not guessed.
//
// Sends two nf_tables batches (netimpl/nft's Batch and encoders) on a netfilter socket
// opened inside `ns`: first an empty `inet nc_probe` table, then a nat postrouting chain
// with a masquerade rule in it; then the same nat chain and rule in an `ip6 nc_probe6` table
// (IPv6 NAT on its own: a kernel may have nftables for IPv4 only). Each result is the kernel's own answer (its errno kept, so the caller can tell
// "kernel lacks it" from other failures). The table is left in `ns`: the caller drops
// the namespace, and the kernel removes the table with it.
#pragma once

#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::kernel {

struct NftProbe {
  Result<void> table;  // "nft add table inet nc_probe"
  Result<void> nat;    // "... chain postrouting { type nat hook postrouting priority 100; masquerade }"
  Result<void> nat6;   // "nft add table ip6 nc_probe6" and the same chain and rule in it
};

NftProbe probe_nftables(const Namespaces& ns);

}  // namespace nc::kernel
