// Conversions between nc's address types and libnl's nl_addr. Internal to netimpl/netlink.
#pragma once

#include <string>
#include <string_view>

#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"
#include "netimpl/netlink/owners.h"

namespace nc::netlink {

// An nl_addr holding `ip` with the given prefix length (-1: full length).
NlAddrPtr to_nl(const IpAddr& ip, int prefixlen = -1);
// The IP address held by `a`; an empty nl_addr (how libnl shows a default route's
// destination) is the family's unspecified address.
IpAddr ip_of(const nl_addr* a);
// "aa:bb:cc:dd:ee:ff" -> a 6-byte link-layer nl_addr; an error names the bad text.
Result<NlAddrPtr> mac_to_nl(std::string_view mac);
// A link-layer address as "aa:bb:cc:dd:ee:ff", or "" when absent.
std::string mac_str(const nl_addr* a);

}  // namespace nc::netlink
