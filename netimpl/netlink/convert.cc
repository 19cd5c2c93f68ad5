#include "netimpl/netlink/convert.h"

#include <array>
#include <cstdio>
#include <cstring>

namespace nc::netlink {

NlAddrPtr to_nl(const IpAddr& ip, int prefixlen) {
  NlAddrPtr a(nl_addr_build(ip.family(), ip.bytes(), ip.size()));
  if (a && prefixlen >= 0) nl_addr_set_prefixlen(a.get(), prefixlen);
  return a;
}

IpAddr ip_of(const nl_addr* a) {
  int family = nl_addr_get_family(a);
  auto len = nl_addr_get_len(a);
  auto* bytes = static_cast<const uint8_t*>(nl_addr_get_binary_addr(a));
  if (family == AF_INET6) {
    in6_addr v6{};
    if (len == sizeof v6) std::memcpy(&v6, bytes, sizeof v6);
    return IpAddr::from_in6(v6);
  }
  in_addr v4{};
  if (len == sizeof v4) std::memcpy(&v4, bytes, sizeof v4);
  return IpAddr::from_in(v4);
}

Result<NlAddrPtr> mac_to_nl(std::string_view mac) {
  std::array<unsigned char, 6> b{};
  std::string text(mac);
  int used = 0;
  if (text.size() != 17 ||
      std::sscanf(text.c_str(), "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &b[0], &b[1], &b[2], &b[3], &b[4],
                  &b[5], &used) != 6 ||
      used != 17)
    return fail(fmt::format("invalid MAC address '{}'", mac), EINVAL);
  NlAddrPtr a(nl_addr_build(AF_LLC, b.data(), b.size()));
  if (!a) return fail("allocate MAC address", ENOMEM);
  return a;
}

std::string mac_str(const nl_addr* a) {
  if (!a || nl_addr_get_len(a) == 0) return {};
  auto* b = static_cast<const uint8_t*>(nl_addr_get_binary_addr(a));
  std::string out;
  for (unsigned i = 0; i < nl_addr_get_len(a); ++i) out += fmt::format("{}{:02x}", i ? ":" : "", b[i]);
  return out;
}

}  // namespace nc::netlink
