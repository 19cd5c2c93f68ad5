// The lab's DNS plumbing: the upstream DNS addresses (203.0.113.53–.55) on external's
// eth0, and the host's /etc/resolv.conf pointing at the first of them (a memfd bound in
// the host's mount namespace; the machine's /etc is never touched).
#pragma once

#include <string_view>

#include "netimpl/base/error.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/ns/namespaces.h"

namespace nc::lab {

inline constexpr std::string_view kHostResolvConf = "nameserver 203.0.113.53\nsearch example.test\n";

Result<void> setup_lab_dns(const Namespaces& host, netlink::Rtnl& external);

}  // namespace nc::lab
