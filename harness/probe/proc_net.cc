#include "harness/probe/proc_net.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <vector>

namespace nc::probe {
namespace {

constexpr unsigned kRtfUp = 0x0001, kRtfGateway = 0x0002, kRtfReject = 0x0200;
constexpr unsigned kRtfAnycast = 0x00100000, kRtfCache = 0x01000000, kRtfLocal = 0x80000000;

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    size_t b = line.find_first_not_of(" \t\n", i);
    if (b == std::string_view::npos) break;
    size_t e = line.find_first_of(" \t\n", b);
    if (e == std::string_view::npos) e = line.size();
    out.push_back(line.substr(b, e - b));
    i = e;
  }
  return out;
}

template <class T>
std::optional<T> hex(std::string_view s) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string ntop(int family, const void* bytes) {
  char buf[INET6_ADDRSTRLEN] = "";
  inet_ntop(family, bytes, buf, sizeof buf);
  return buf;
}

// 32 hex digits in network order (ipv6_route) → address text.
std::optional<std::string> decode_v6_plain(std::string_view hexdigits) {
  if (hexdigits.size() != 32) return std::nullopt;
  uint8_t b[16];
  for (int i = 0; i < 16; ++i) {
    auto v = hex<uint8_t>(hexdigits.substr(2 * i, 2));
    if (!v) return std::nullopt;
    b[i] = *v;
  }
  return ntop(AF_INET6, b);
}

}  // namespace

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return out;
}

std::optional<std::string> decode_proc_addr(std::string_view h, int family) {
  size_t words = family == AF_INET ? 1 : 4;
  if (h.size() != words * 8) return std::nullopt;
  uint8_t b[16];
  for (size_t i = 0; i < words; ++i) {
    auto w = hex<uint32_t>(h.substr(8 * i, 8));
    if (!w) return std::nullopt;
    // The kernel printed the in-memory word in host order; memcpy restores its bytes.
    std::memcpy(b + 4 * i, &*w, 4);
  }
  return ntop(family, b);
}

std::optional<SocketLine> parse_socket_line(std::string_view line, int family) {
  auto f = fields(line);
  // sl local_address rem_address st ...
  if (f.size() < 4 || !f[0].ends_with(':')) return std::nullopt;
  size_t colon = f[1].find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto addr = decode_proc_addr(f[1].substr(0, colon), family);
  auto port = hex<uint16_t>(f[1].substr(colon + 1));
  auto state = hex<int>(f[3]);
  if (!addr || !port || !state) return std::nullopt;
  std::string local = family == AF_INET6 ? "[" + *addr + "]" : *addr;
  return SocketLine{local + ":" + std::to_string(*port), *state};
}

std::optional<RouteLine> parse_route_line(std::string_view line) {
  auto f = fields(line);
  // Iface Destination Gateway Flags RefCnt Use Metric Mask ...
  if (f.size() < 8) return std::nullopt;
  auto dst = hex<uint32_t>(f[1]);
  auto gw = hex<uint32_t>(f[2]);
  auto flags = hex<unsigned>(f[3]);
  auto mask = hex<uint32_t>(f[7]);
  if (!dst || !gw || !flags || !mask || !(*flags & kRtfUp)) return std::nullopt;
  RouteLine r;
  // The words are host-order images of network-order addresses (see decode_proc_addr).
  r.dst = ntop(AF_INET, &*dst) + "/" + std::to_string(std::popcount(*mask));
  if ((*flags & kRtfGateway) && *gw != 0) r.via = ntop(AF_INET, &*gw);
  if (f[0] != "*" && !(*flags & kRtfReject)) r.dev = f[0];
  return r;
}

std::optional<RouteLine> parse_ipv6_route_line(std::string_view line) {
  auto f = fields(line);
  // dst dst_len src src_len nexthop metric refcnt use flags dev
  if (f.size() < 10) return std::nullopt;
  auto dst = decode_v6_plain(f[0]);
  auto len = hex<int>(f[1]);
  auto gw = decode_v6_plain(f[4]);
  auto flags = hex<unsigned>(f[8]);
  if (!dst || !len || !gw || !flags || !(*flags & kRtfUp)) return std::nullopt;
  if (*flags & (kRtfLocal | kRtfAnycast | kRtfCache)) return std::nullopt;
  if (f[0].starts_with("ff")) return std::nullopt;            // multicast, local table
  if ((*flags & kRtfReject) && f[9] == "lo" && *len == 0) return std::nullopt;  // the kernel's null entry
  RouteLine r;
  r.dst = *dst + "/" + std::to_string(*len);
  if (*flags & kRtfGateway) r.via = *gw;
  if (!(*flags & kRtfReject)) r.dev = f[9];
  return r;
}

}  // namespace nc::probe
