#include "harness/checks/publish.h"

#include <charconv>
#include <optional>
#include <vector>

namespace nc::checks {
namespace {

struct Range {
  uint16_t first = 0;
  uint16_t last = 0;
  int length() const { return last - first + 1; }
};

Result<uint16_t> parse_port(std::string_view s) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    return failf("'{}' is not a port number", s);
  if (value < 1 || value > 65535) return failf("port {} is outside 1-65535", value);
  return static_cast<uint16_t>(value);
}

Result<Range> parse_range(std::string_view s) {
  auto dash = s.find('-');
  if (dash == std::string_view::npos) {
    uint16_t port = NC_TRY(parse_port(s));
    return Range{port, port};
  }
  Range r{NC_TRY(parse_port(s.substr(0, dash))), NC_TRY(parse_port(s.substr(dash + 1)))};
  if (r.first > r.last) return failf("range {} runs backwards", s);
  return r;
}

std::vector<std::string_view> split_colons(std::string_view s) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    auto colon = s.find(':', start);
    parts.push_back(s.substr(start, colon - start));
    if (colon == std::string_view::npos) return parts;
    start = colon + 1;
  }
}

// The address and the "H:C" / ":C" / "C" rest of a spec.
struct Split {
  std::optional<IpAddr> ip;
  std::string_view host;  // empty: random
  std::string_view container;
};

Result<Split> split_bracketed(std::string_view body) {
  auto close = body.find(']');
  if (close == std::string_view::npos) return fail("'[' without ']'");
  auto ip = NC_TRY(IpAddr::parse(body.substr(1, close - 1)));
  auto rest = body.substr(close + 1);
  auto parts = split_colons(rest);
  if (parts.size() != 3 || !parts[0].empty()) return fail("expected [IP]:HOST:CONTAINER or [IP]::CONTAINER");
  return Split{ip, parts[1], parts[2]};
}

Result<Split> split_spec(std::string_view body) {
  if (body.starts_with('[')) return split_bracketed(body);
  auto parts = split_colons(body);
  if (parts.size() == 1) return Split{std::nullopt, "", parts[0]};
  if (parts.size() == 2) {
    if (parts[0].empty()) return fail("empty host port (write CONTAINER alone for a random port)");
    return Split{std::nullopt, parts[0], parts[1]};
  }
  if (parts.size() == 3) return Split{NC_TRY(IpAddr::parse(parts[0])), parts[1], parts[2]};
  return fail("too many ':' (write IPv6 addresses in brackets: [::1]:8080:80)");
}

Result<api::PortSpec> parse_body(std::string_view body, Proto proto) {
  auto split = NC_TRY(split_spec(body));
  Range container = NC_TRY(parse_range(split.container));
  Range host;
  if (!split.host.empty()) host = NC_TRY(parse_range(split.host));
  if (!split.host.empty() && host.length() != container.length() && container.length() != 1)
    return failf("host range {} and container range {} differ in length", split.host, split.container);
  return api::PortSpec{split.ip, host.first, host.last, container.first, container.last, proto};
}

}  // namespace

Result<api::PortSpec> parse_publish(std::string_view text) {
  Proto proto = Proto::kTcp;
  std::string_view body = text;
  if (auto slash = text.rfind('/'); slash != std::string_view::npos) {
    auto word = text.substr(slash + 1);
    auto parsed = parse_proto(word);
    if (!parsed) return failf("bad publish spec '{}': protocol '{}' is not tcp or udp", text, word);
    proto = *parsed;
    body = text.substr(0, slash);
  }
  auto spec = parse_body(body, proto);
  if (!spec)
    return failf("bad publish spec '{}': {}; expected [IP:][HOST:]CONTAINER[/tcp|/udp]", text,
                 spec.error().message());
  return spec;
}

}  // namespace nc::checks
