#include "netimpl/base/ip.h"

#include <arpa/inet.h>

#include <cstring>

namespace nc {

IpAddr IpAddr::v4(uint32_t host_order) {
  IpAddr a;
  a.family_ = AF_INET;
  uint32_t be = htonl(host_order);
  std::memcpy(a.bytes_.data(), &be, 4);
  return a;
}

IpAddr IpAddr::from_in(const in_addr& in) { return v4(ntohl(in.s_addr)); }

IpAddr IpAddr::from_in6(const in6_addr& in) {
  IpAddr a;
  a.family_ = AF_INET6;
  std::memcpy(a.bytes_.data(), &in, 16);
  return a;
}

Result<IpAddr> IpAddr::parse(std::string_view text) {
  std::string s(text);
  in_addr v4addr{};
  if (inet_pton(AF_INET, s.c_str(), &v4addr) == 1) return from_in(v4addr);
  in6_addr v6addr{};
  if (inet_pton(AF_INET6, s.c_str(), &v6addr) == 1) return from_in6(v6addr);
  return failf("'{}' is not an IP address", text);
}

uint32_t IpAddr::v4_value() const {
  uint32_t be;
  std::memcpy(&be, bytes_.data(), 4);
  return ntohl(be);
}

in_addr IpAddr::to_in() const {
  in_addr a{};
  std::memcpy(&a, bytes_.data(), 4);
  return a;
}

in6_addr IpAddr::to_in6() const {
  in6_addr a{};
  std::memcpy(&a, bytes_.data(), 16);
  return a;
}

bool IpAddr::is_loopback() const {
  if (is_v4()) return bytes_[0] == 127;
  static const std::array<uint8_t, 16> one{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return bytes_ == one;
}

bool IpAddr::is_link_local() const {
  if (is_v4()) return bytes_[0] == 169 && bytes_[1] == 254;
  return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}

bool IpAddr::is_unspecified() const {
  for (size_t i = 0; i < size(); ++i)
    if (bytes_[i]) return false;
  return true;
}

IpAddr IpAddr::offset(uint64_t n) const {
  IpAddr r = *this;
  // Add n to the big-endian byte string, carrying leftwards.
  for (int i = static_cast<int>(size()) - 1; i >= 0 && n; --i) {
    uint64_t sum = r.bytes_[i] + (n & 0xff);
    r.bytes_[i] = static_cast<uint8_t>(sum);
    n = (n >> 8) + (sum >> 8);
  }
  return r;
}

std::string IpAddr::str() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(family_, bytes_.data(), buf, sizeof buf);
  return buf;
}

Result<Prefix> Prefix::parse(std::string_view text) {
  auto slash = text.find('/');
  auto addr = NC_TRY(IpAddr::parse(text.substr(0, slash)));
  int max = addr.is_v4() ? 32 : 128;
  if (slash == std::string_view::npos) return Prefix(addr, max);
  auto len_text = text.substr(slash + 1);
  int len = 0;
  if (len_text.empty() || len_text.size() > 3) return failf("'{}' has a bad prefix length", text);
  for (char c : len_text) {
    if (c < '0' || c > '9') return failf("'{}' has a bad prefix length", text);
    len = len * 10 + (c - '0');
  }
  if (len > max) return failf("'{}': prefix length {} exceeds {}", text, len, max);
  return Prefix(addr, len);
}

Prefix Prefix::network() const {
  IpAddr a = addr_;
  auto* b = const_cast<uint8_t*>(a.bytes());
  for (int i = 0; i < static_cast<int>(a.size()); ++i) {
    int keep = std::max(0, std::min(8, len_ - i * 8));
    b[i] &= static_cast<uint8_t>(0xff << (8 - keep));
  }
  return Prefix(a, len_);
}

IpAddr Prefix::broadcast() const {
  IpAddr a = network().addr();
  auto* b = const_cast<uint8_t*>(a.bytes());
  for (int i = 0; i < static_cast<int>(a.size()); ++i) {
    int keep = std::max(0, std::min(8, len_ - i * 8));
    b[i] |= static_cast<uint8_t>(0xff >> keep);
  }
  return a;
}

bool Prefix::contains(const IpAddr& a) const {
  if (a.family() != addr_.family()) return false;
  return Prefix(a, len_).network().addr() == network().addr();
}

bool Prefix::overlaps(const Prefix& o) const {
  if (o.addr_.family() != addr_.family()) return false;
  return len_ <= o.len_ ? contains(o.addr_) : o.contains(addr_);
}

uint64_t Prefix::size() const {
  int host_bits = max_len() - len_;
  if (host_bits >= 63) return uint64_t{1} << 63;
  return uint64_t{1} << host_bits;
}

std::string Prefix::str() const { return fmt::format("{}/{}", addr_.str(), len_); }

}  // namespace nc
