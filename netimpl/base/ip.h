// IP addresses and prefixes, IPv4 and IPv6, as plain values.
//
// Parsing never throws: parse() returns an error naming the bad text. Formatting is the
// canonical inet_ntop form ("172.18.0.2", "fd00::1") and "addr/len" for prefixes.
#pragma once

#include <netinet/in.h>

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "netimpl/base/error.h"

namespace nc {

class IpAddr {
 public:
  IpAddr() = default;  // 0.0.0.0
  static IpAddr v4(uint32_t host_order);
  static IpAddr from_in(const in_addr& a);
  static IpAddr from_in6(const in6_addr& a);
  static Result<IpAddr> parse(std::string_view text);

  bool is_v4() const { return family_ == AF_INET; }
  bool is_v6() const { return family_ == AF_INET6; }
  int family() const { return family_; }
  // IPv4 only: the address as a host-order integer.
  uint32_t v4_value() const;
  in_addr to_in() const;
  in6_addr to_in6() const;
  // The raw bytes: 4 for IPv4, 16 for IPv6.
  const uint8_t* bytes() const { return bytes_.data(); }
  size_t size() const { return is_v4() ? 4 : 16; }
  bool is_loopback() const;
  bool is_unspecified() const;
  bool is_link_local() const;  // 169.254.0.0/16, fe80::/10

  // This address plus n (wraps within the family). Used by IPAM to walk a subnet.
  IpAddr offset(uint64_t n) const;

  std::string str() const;
  auto operator<=>(const IpAddr&) const = default;

 private:
  int family_ = AF_INET;
  std::array<uint8_t, 16> bytes_{};
};

class Prefix {
 public:
  Prefix() = default;
  // The address is kept as given (so "172.18.0.2/16" is an interface address);
  // network() masks it.
  Prefix(IpAddr addr, int len) : addr_(addr), len_(len) {}
  static Result<Prefix> parse(std::string_view text);  // "10.0.0.0/8"; a bare address gets /32 or /128

  const IpAddr& addr() const { return addr_; }
  int len() const { return len_; }
  int max_len() const { return addr_.is_v4() ? 32 : 128; }
  Prefix network() const;           // the address with host bits cleared
  IpAddr broadcast() const;         // IPv4: all host bits set
  bool contains(const IpAddr& a) const;
  bool overlaps(const Prefix& o) const;
  // Number of addresses, saturated at 2^63.
  uint64_t size() const;

  std::string str() const;
  auto operator<=>(const Prefix&) const = default;

 private:
  IpAddr addr_;
  int len_ = 0;
};

}  // namespace nc

template <>
struct fmt::formatter<nc::IpAddr> : fmt::formatter<std::string> {
  auto format(const nc::IpAddr& a, format_context& ctx) const { return fmt::formatter<std::string>::format(a.str(), ctx); }
};
template <>
struct fmt::formatter<nc::Prefix> : fmt::formatter<std::string> {
  auto format(const nc::Prefix& p, format_context& ctx) const { return fmt::formatter<std::string>::format(p.str(), ctx); }
};
