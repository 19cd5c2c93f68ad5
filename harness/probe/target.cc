#include "harness/probe/target.h"

#include <cctype>
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

// A host name as described in target.h; false with the reason otherwise.
std::expected<void, std::string> check_host_name(std::string_view name) {
  std::string_view n = name.ends_with('.') ? name.substr(0, name.size() - 1) : name;
  if (n.empty() || n.size() > 253) return std::unexpected("a host name has 1 to 253 bytes");
  std::string_view last;
  for (size_t start = 0; start <= n.size();) {
    size_t dot = n.find('.', start);
    std::string_view label = n.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63) return std::unexpected("each dot-separated label has 1 to 63 bytes");
    for (char c : label)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
        return std::unexpected("a host name has only letters, digits, '-', '_' and dots");
    if (label.front() == '-') return std::unexpected("a label does not start with '-'");
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (last.find_first_not_of("0123456789") == std::string_view::npos)
    return std::unexpected("its last label is all digits, so it is not a name");
  return {};
}

std::expected<Proto, std::string> parse_scheme(std::string_view text) {
  if (text.starts_with("tcp://")) return Proto::kTcp;
  if (text.starts_with("udp://")) return Proto::kUdp;
  return std::unexpected("bad target '" + std::string(text) + "': expected tcp://HOST:PORT or udp://HOST:PORT");
}

}  // namespace

std::string Target::url() const { return std::string(proto_name(proto)) + "://" + addr.str(); }

std::expected<Target, std::string> parse_target(std::string_view text) {
  Target t;
  auto proto = parse_scheme(text);
  if (!proto) return std::unexpected(proto.error());
  t.proto = *proto;
  auto parts = split_host_port(text.substr(6), text);
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

std::expected<Target, std::string> NamedTarget::at(std::string_view ip) const {
  auto addr = SockAddr::parse_ip(ip, port);
  if (!addr) return std::unexpected("'" + name + "' resolved to '" + std::string(ip) + "': " + addr.error());
  return Target{proto, *addr};
}

std::expected<NamedTarget, std::string> parse_named_target(std::string_view text) {
  auto as_address = parse_target(text);
  if (as_address) return std::unexpected("'" + std::string(text) + "' names an address, not a host name");
  auto proto = parse_scheme(text);
  if (!proto) return std::unexpected(proto.error());
  auto parts = split_host_port(text.substr(6), text);
  if (!parts) return std::unexpected(parts.error());
  if (parts->first.empty()) return std::unexpected("missing host in '" + std::string(text) + "'");
  auto port = parse_port(parts->second, text);
  if (!port) return std::unexpected(port.error());
  // A host that starts like an address (a digit, a '[') is judged as one: its error is the
  // address's ("1.2.3.999" is a bad address, not a bad name).
  if (parts->first.starts_with('[')) return std::unexpected(as_address.error());
  if (auto ok = check_host_name(parts->first); !ok) {
    if (parts->first.find_first_not_of("0123456789.") == std::string_view::npos) return std::unexpected(as_address.error());
    return std::unexpected("bad target '" + std::string(text) + "': '" + std::string(parts->first) +
                           "' is neither a numeric IP address nor a host name (" + ok.error() + ")");
  }
  return NamedTarget{*proto, std::string(parts->first), *port};
}

}  // namespace nc::probe
