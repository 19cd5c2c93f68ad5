#include "harness/probe/target.h"

#include <charconv>

namespace nc::probe {
namespace {

std::expected<uint16_t, std::string> parse_port(std::string_view text, std::string_view url) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535)
    return std::unexpected("bad port '" + std::string(text) + "' in '" + std::string(url) + "'");
  return static_cast<uint16_t>(value);
}

// Splits "HOST:PORT" / "[V6]:PORT" into host and port text.
std::expected<std::pair<std::string_view, std::string_view>, std::string> split_host_port(std::string_view rest,
                                                                                         std::string_view url) {
  size_t colon;
  if (rest.starts_with('[')) {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return std::unexpected("unclosed '[' in '" + std::string(url) + "'");
    colon = close + 1;
    if (colon >= rest.size() || rest[colon] != ':')
      return std::unexpected("missing :PORT after ']' in '" + std::string(url) + "'");
  } else {
    colon = rest.rfind(':');
    if (colon == std::string_view::npos) return std::unexpected("missing :PORT in '" + std::string(url) + "'");
    if (rest.substr(0, colon).find(':') != std::string_view::npos)
      return std::unexpected("IPv6 address must be in brackets in '" + std::string(url) + "'");
  }
  return std::pair{rest.substr(0, colon), rest.substr(colon + 1)};
}

}  // namespace

std::string Target::url() const { return std::string(proto_name(proto)) + "://" + addr.str(); }

std::expected<Target, std::string> parse_target(std::string_view text) {
  Target t;
  std::string_view rest;
  if (text.starts_with("tcp://")) {
    t.proto = Proto::kTcp;
  } else if (text.starts_with("udp://")) {
    t.proto = Proto::kUdp;
  } else {
    return std::unexpected("bad target '" + std::string(text) + "': expected tcp://HOST:PORT or udp://HOST:PORT");
  }
  rest = text.substr(6);
  auto parts = split_host_port(rest, text);
  if (!parts) return std::unexpected(parts.error());
  if (parts->first.empty()) return std::unexpected("missing host in '" + std::string(text) + "'");
  auto port = parse_port(parts->second, text);
  if (!port) return std::unexpected(port.error());
  auto addr = SockAddr::parse_ip(parts->first, *port);
  if (!addr) return std::unexpected("bad target '" + std::string(text) + "': " + addr.error());
  if (parts->first.starts_with('[') != addr->is_v6())
    return std::unexpected("bad target '" + std::string(text) + "': brackets are for IPv6 addresses only");
  t.addr = *addr;
  return t;
}

}  // namespace nc::probe
