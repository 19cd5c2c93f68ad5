#include "harness/checks/template.h"

#include <algorithm>
#include <charconv>
#include <ranges>

namespace nc::checks {
namespace {

constexpr std::string_view kForms =
    "CONTAINER.ip, CONTAINER.ip.NETWORK, CONTAINER.gateway.NETWORK, "
    "CONTAINER.port.PORT[/tcp|/udp], net.NETWORK.subnet, net.NETWORK.gateway, host.ip, external.ip or kept.NAME";

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> parts;
  for (auto part : s | std::views::split('.')) parts.emplace_back(part.begin(), part.end());
  return parts;
}

Result<Variable> make(Variable::Kind kind, std::string container, std::string network,
                      std::string_view text) {
  return Variable{kind, std::move(container), std::move(network), std::string(text)};
}

// "80", "80/tcp", "53/udp" → a container port variable; nullopt when malformed.
std::optional<Variable> container_port(std::string_view container, std::string_view spec, std::string_view text) {
  std::string_view num = spec;
  std::optional<Proto> proto = Proto::kTcp;
  if (auto slash = spec.find('/'); slash != std::string_view::npos) {
    num = spec.substr(0, slash);
    proto = parse_proto(spec.substr(slash + 1));
  }
  if (!proto) return std::nullopt;
  unsigned port = 0;
  auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), port);
  if (ec != std::errc() || end != num.data() + num.size() || port == 0 || port > 65535) return std::nullopt;
  Variable v{Variable::Kind::kContainerPort, std::string(container), "", std::string(text)};
  v.port = static_cast<uint16_t>(port);
  v.proto = *proto;
  return v;
}

// One ${...} found at `pos`: the text between the braces, and the index after "}".
struct Found {
  std::string_view var;
  size_t end = 0;
};

Result<Found> find_close(std::string_view tmpl, size_t pos) {
  auto close = tmpl.find('}', pos + 2);
  if (close == std::string_view::npos)
    return failf("'{}': '${{' at offset {} has no closing '}}'", tmpl, pos);
  return Found{tmpl.substr(pos + 2, close - pos - 2), close + 1};
}

}  // namespace

Result<Variable> parse_variable(std::string_view var) {
  using K = Variable::Kind;
  auto p = split_dots(var);
  bool empty_part = p.empty() || std::ranges::any_of(p, &std::string_view::empty);
  if (empty_part || var.ends_with('.')) return failf("bad variable ${{{}}}: expected {}", var, kForms);
  if (p.size() == 2 && p[0] == "host" && p[1] == "ip") return make(K::kHostIp, "", "", var);
  if (p.size() == 2 && p[0] == "external" && p[1] == "ip") return make(K::kExternalIp, "", "", var);
  if (p.size() == 3 && p[0] == "net" && p[2] == "subnet") return make(K::kNetworkSubnet, "", std::string(p[1]), var);
  if (p.size() == 3 && p[0] == "net" && p[2] == "gateway") return make(K::kNetworkGateway, "", std::string(p[1]), var);
  if (p.size() == 2 && p[0] == "kept") {
    auto v = NC_TRY(make(K::kKept, "", "", var));
    v.kept = std::string(p[1]);
    return v;
  }
  bool reserved = p[0] == "net" || p[0] == "host" || p[0] == "external" || p[0] == "kept";
  if (!reserved && p.size() == 2 && p[1] == "ip") return make(K::kContainerIp, std::string(p[0]), "", var);
  if (!reserved && p.size() == 3 && p[1] == "ip")
    return make(K::kContainerIp, std::string(p[0]), std::string(p[2]), var);
  if (!reserved && p.size() == 3 && p[1] == "gateway")
    return make(K::kContainerGateway, std::string(p[0]), std::string(p[2]), var);
  if (!reserved && p.size() == 3 && p[1] == "port")
    if (auto v = container_port(p[0], p[2], var)) return *v;
  return failf("bad variable ${{{}}}: expected {}", var, kForms);
}

Result<std::vector<Variable>> template_variables(std::string_view tmpl) {
  std::vector<Variable> vars;
  for (size_t pos = 0; (pos = tmpl.find('$', pos)) != std::string_view::npos;) {
    if (tmpl.substr(pos, 2) == "$$") { pos += 2; continue; }
    if (tmpl.substr(pos, 2) != "${") { ++pos; continue; }
    auto found = NC_TRY(find_close(tmpl, pos));
    vars.push_back(NC_TRY(parse_variable(found.var)));
    pos = found.end;
  }
  return vars;
}

Result<std::string> expand(std::string_view tmpl, const VariableLookup& lookup) {
  std::string out;
  size_t pos = 0;
  for (size_t dollar; (dollar = tmpl.find('$', pos)) != std::string_view::npos;) {
    out.append(tmpl.substr(pos, dollar - pos));
    if (tmpl.substr(dollar, 2) == "$$") { out += '$'; pos = dollar + 2; continue; }
    if (tmpl.substr(dollar, 2) != "${") { out += '$'; pos = dollar + 1; continue; }
    auto found = NC_TRY(find_close(tmpl, dollar));
    NC_TRY_VOID(parse_variable(found.var));
    auto value = lookup(found.var);
    if (!value) return failf("cannot resolve ${{{}}}", found.var);
    out += *value;
    pos = found.end;
  }
  out.append(tmpl.substr(pos));
  return out;
}

}  // namespace nc::checks
