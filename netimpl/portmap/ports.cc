#include "netimpl/portmap/ports.h"

#include <sys/socket.h>

#include <charconv>

namespace nc::portmap {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::optional<uint16_t> number(std::string_view s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < 1 || v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

std::vector<Placement> block(uint16_t host_first, const api::PortSpec& spec) {
  std::vector<Placement> out;
  for (uint32_t i = 0; i <= uint32_t(spec.container_last - spec.container_first); ++i)
    out.push_back({static_cast<uint16_t>(host_first + i), static_cast<uint16_t>(spec.container_first + i)});
  return out;
}

}  // namespace

Result<PortRange> parse_port_range(std::string_view text) {
  auto t = trim(text);
  auto sep = t.find_first_of(" \t");
  if (sep == std::string_view::npos) return failf("ip_local_port_range '{}': expected two ports", t);
  auto a = number(t.substr(0, sep)), b = number(trim(t.substr(sep)));
  if (!a || !b || *a > *b) return failf("ip_local_port_range '{}': expected FIRST LAST with FIRST <= LAST", t);
  return PortRange{*a, *b};
}

std::string HostKey::str() const {
  std::string addr = ip ? ip->str() : (family == AF_INET6 ? "::" : "0.0.0.0");
  if (family == AF_INET6) addr = "[" + addr + "]";
  return fmt::format("{}:{}/{}", addr, port, proto_name(proto));
}

bool clashes(const HostKey& a, const HostKey& b) {
  if (a.proto != b.proto || a.family != b.family || a.port != b.port) return false;
  return !a.ip || !b.ip || *a.ip == *b.ip;
}

Result<std::vector<std::vector<Placement>>> alternatives(const api::PortSpec& spec, PortRange eph, uint16_t start) {
  if (spec.container_first == 0 || spec.container_last < spec.container_first)
    return failf("publish: container ports {}-{} are not a range", spec.container_first, spec.container_last);
  uint32_t n = uint32_t(spec.container_last) - spec.container_first + 1;
  std::vector<std::vector<Placement>> out;
  if (spec.host_first == 0) {
    if (n > eph.size()) return failf("publish: {} ports do not fit the ephemeral range {}-{}", n, eph.first, eph.last);
    uint32_t slots = eph.size() - n + 1;
    uint32_t s = eph.contains(start) ? uint32_t(start - eph.first) % slots : 0;
    for (uint32_t i = 0; i < slots; ++i) out.push_back(block(static_cast<uint16_t>(eph.first + (s + i) % slots), spec));
    return out;
  }
  if (spec.host_last < spec.host_first) return failf("publish: host ports {}-{} are not a range", spec.host_first, spec.host_last);
  uint32_t hn = uint32_t(spec.host_last) - spec.host_first + 1;
  if (hn == n) {
    out.push_back(block(spec.host_first, spec));
    return out;
  }
  if (n != 1) return failf("publish: host range {}-{} and container range {}-{} differ in length", spec.host_first,
                           spec.host_last, spec.container_first, spec.container_last);
  for (uint32_t p = spec.host_first; p <= spec.host_last; ++p) out.push_back(block(static_cast<uint16_t>(p), spec));
  return out;
}

}  // namespace nc::portmap
