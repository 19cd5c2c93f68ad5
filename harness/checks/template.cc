#include "harness/checks/template.h"

#include <algorithm>
#include <charconv>
#include <ranges>

namespace nc::checks {
namespace {

constexpr std::string_view kForms =
    "CONTAINER.ip[6], CONTAINER.ip[6].NETWORK, CONTAINER.gateway[6].NETWORK, CONTAINER.port.PORT[/tcp|/udp], "
    "net.NETWORK.subnet[6], net.NETWORK.gateway[6], host.ip[6], external.ip[6] or kept.NAME";

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> parts;
  for (auto part : s | std::views::split('.')) parts.emplace_back(part.begin(), part.end());
  return parts;
}

Variable make(Variable::Kind kind, std::string container, std::string network, std::string_view text, bool v6) {
  Variable v{kind, std::move(container), std::move(network), std::string(text)};
  v.v6 = v6;
  return v;
}

// Whether `part` is `word` (false) or its IPv6 twin `word`6 (true); nullopt when neither.
std::optional<bool> is_v6(std::string_view part, std::string_view word) {
  if (part == word) return false;
  if (part.size() == word.size() + 1 && part.starts_with(word) && part.back() == '6') return true;
  return std::nullopt;
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

// host.ip[6], external.ip[6], net.NETWORK.subnet[6], net.NETWORK.gateway[6], kept.NAME.
std::optional<Variable> place_variable(const std::vector<std::string_view>& p, std::string_view text) {
  using K = Variable::Kind;
  if (p.size() == 2 && p[0] == "host")
    if (auto v6 = is_v6(p[1], "ip")) return make(K::kHostIp, "", "", text, *v6);
  if (p.size() == 2 && p[0] == "external")
    if (auto v6 = is_v6(p[1], "ip")) return make(K::kExternalIp, "", "", text, *v6);
  if (p.size() == 3 && p[0] == "net") {
    std::string network(p[1]);
    if (auto v6 = is_v6(p[2], "subnet")) return make(K::kNetworkSubnet, "", network, text, *v6);
    if (auto v6 = is_v6(p[2], "gateway")) return make(K::kNetworkGateway, "", network, text, *v6);
  }
  if (p.size() == 2 && p[0] == "kept") {
    auto v = make(K::kKept, "", "", text, false);
    v.kept = std::string(p[1]);
    return v;
  }
  return std::nullopt;
}

// CONTAINER.ip[6], CONTAINER.ip[6].NETWORK, CONTAINER.gateway[6].NETWORK, CONTAINER.port.PORT[/PROTO].
std::optional<Variable> container_variable(const std::vector<std::string_view>& p, std::string_view text) {
  using K = Variable::Kind;
  std::string container(p[0]);
  if (p.size() == 2)
    if (auto v6 = is_v6(p[1], "ip")) return make(K::kContainerIp, container, "", text, *v6);
  if (p.size() != 3) return std::nullopt;
  if (auto v6 = is_v6(p[1], "ip")) return make(K::kContainerIp, container, std::string(p[2]), text, *v6);
  if (auto v6 = is_v6(p[1], "gateway")) return make(K::kContainerGateway, container, std::string(p[2]), text, *v6);
  if (p[1] == "port") return container_port(p[0], p[2], text);
  return std::nullopt;
}

}  // namespace

Result<Variable> parse_variable(std::string_view var) {
  auto p = split_dots(var);
  bool empty_part = p.empty() || std::ranges::any_of(p, &std::string_view::empty);
  if (empty_part || var.ends_with('.')) return failf("bad variable ${{{}}}: expected {}", var, kForms);
  bool reserved = p[0] == "net" || p[0] == "host" || p[0] == "external" || p[0] == "kept";
  auto v = reserved ? place_variable(p, var) : container_variable(p, var);
  if (!v) return failf("bad variable ${{{}}}: expected {}", var, kForms);
  return *v;
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
