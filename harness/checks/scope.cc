#include "harness/checks/scope.h"

#include <algorithm>

#include <fmt/ranges.h>

namespace nc::checks::detail {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::string or_none(const std::vector<std::string>& names) {
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

bool publishes(const std::vector<api::PortSpec>& ports, uint16_t port, std::string_view proto) {
  return std::ranges::any_of(ports, [&](const api::PortSpec& p) {
    return proto_name(p.proto) == proto && port >= p.container_first && port <= std::max(p.container_first, p.container_last);
  });
}

// "80/tcp, 5000-5010/udp" or "no port".
std::string published(const std::vector<api::PortSpec>& ports) {
  std::vector<std::string> out;
  for (auto& p : ports)
    out.push_back(p.container_last > p.container_first ? fmt::format("{}-{}/{}", p.container_first, p.container_last, proto_name(p.proto))
                                                        : fmt::format("{}/{}", p.container_first, proto_name(p.proto)));
  return out.empty() ? "no port" : fmt::format("{}", fmt::join(out, ", "));
}

}  // namespace

Scope::Scope() {
  for (auto n : kPredefinedNetworks) networks_.push_back(Network{.name = std::string(n)});
}

void Scope::set_default_bridge6(const Prefix& subnet6) {
  auto it = std::ranges::find(networks_, api::kDefaultBridge, &Network::name);
  it->subnet6 = subnet6;
  it->dual_stack = true;
}

const Scope::Network* Scope::network(std::string_view name) const {
  auto it = std::ranges::find(networks_, name, &Network::name);
  return it == networks_.end() ? nullptr : &*it;
}

const Scope::Container* Scope::container(std::string_view name) const {
  auto it = std::ranges::find(containers_, name, &Container::name);
  return it == containers_.end() ? nullptr : &*it;
}

Scope::Container* Scope::container(std::string_view name) {
  auto it = std::ranges::find(containers_, name, &Container::name);
  return it == containers_.end() ? nullptr : &*it;
}

bool Scope::has_container(std::string_view name) const { return container(name) != nullptr; }

std::vector<std::string> Scope::networks_of(std::string_view name) const {
  auto* c = container(name);
  return c ? c->networks : std::vector<std::string>{};
}

bool Scope::on_network(std::string_view name, std::string_view network) const {
  auto* c = container(name);
  return c && std::ranges::find(c->networks, network) != c->networks.end();
}

std::vector<std::string> Scope::containers_on(std::string_view network) const {
  std::vector<std::string> out;
  for (auto& c : containers_)
    if (std::ranges::find(c.networks, network) != c.networks.end()) out.push_back(c.name);
  return out;
}

bool Scope::has_network(std::string_view name) const { return network(name) != nullptr; }

std::optional<Prefix> Scope::subnet(std::string_view name) const {
  auto* n = network(name);
  return n ? n->subnet : std::nullopt;
}

std::optional<Prefix> Scope::subnet6(std::string_view name) const {
  auto* n = network(name);
  return n ? n->subnet6 : std::nullopt;
}

bool Scope::dual_stack(std::string_view name) const {
  auto* n = network(name);
  return n && n->dual_stack;
}

std::string Scope::overlapping(const Prefix& p) const {
  for (auto& n : networks_) {
    auto& mine = p.addr().is_v6() ? n.subnet6 : n.subnet;
    if (mine && mine->overlaps(p)) return n.name;
  }
  return "";
}

void Scope::add_network(const api::NetworkSpec& spec) {
  networks_.push_back(Network{spec.name, spec.subnet, spec.subnet6, spec.dual_stack()});
}

void Scope::add_container(const api::ContainerSpec& spec) {
  Container c{spec.name, {}, spec.publish};
  for (auto& a : spec.networks) c.networks.push_back(a.network);
  if (c.networks.empty()) c.networks.emplace_back(api::kDefaultBridge);
  containers_.push_back(std::move(c));
}

void Scope::connect(std::string_view name, std::string_view network) {
  if (auto* c = container(name); c && !on_network(name, network)) c->networks.emplace_back(network);
}

void Scope::disconnect(std::string_view name, std::string_view network) {
  if (auto* c = container(name)) std::erase(c->networks, network);
}

void Scope::remove_network(std::string_view name) {
  std::erase_if(networks_, [&](auto& n) { return n.name == name; });
}

void Scope::remove_container(std::string_view name) { std::erase_if(containers_, [&](auto& c) { return c.name == name; }); }

std::string Scope::unknown_container(std::string_view name) const {
  std::vector<std::string> names;
  for (auto& c : containers_) names.push_back(c.name);
  return fmt::format("unknown container '{}'; containers at this point: {}", name, or_none(names));
}

std::string Scope::unknown_network(std::string_view name) const {
  std::vector<std::string> names;
  for (auto& n : networks_) names.push_back(n.name);
  return fmt::format("unknown network '{}'; networks at this point: {}", name, or_none(names));
}

Result<void> Scope::need_container(const Reader& r, const YAML::Mark& at, std::string_view name) const {
  if (has_container(name)) return {};
  return r.error(at, unknown_container(name));
}

Result<void> Scope::need_network(const Reader& r, const YAML::Mark& at, std::string_view name) const {
  if (has_network(name)) return {};
  return r.error(at, unknown_network(name));
}

Result<void> Scope::check_template(const Reader& r, const Value& v, std::string_view text) const {
  auto vars = template_variables(text);
  if (!vars) return r.errorf(v.mark, "{}: {}", v.name, vars.error().message());
  for (const auto& var : *vars) {
    if (!var.container.empty() && !has_container(var.container))
      return r.errorf(v.mark, "{}: ${{{}}}: {}", v.name, var.text, unknown_container(var.container));
    if (!var.network.empty() && !has_network(var.network))
      return r.errorf(v.mark, "{}: ${{{}}}: {}", v.name, var.text, unknown_network(var.network));
    if (auto why = unanswerable(var); !why.empty()) return r.errorf(v.mark, "{}: ${{{}}}: {}", v.name, var.text, why);
    if (var.kind == Variable::Kind::kKept && !kept_.contains(var.kept))
      return r.errorf(v.mark, "{}: ${{{}}}: nothing is kept as '{}' at this point; keep it with `keep: {}` on an earlier "
                      "connect (by name) or resolve", v.name, var.text, var.kept, var.kept);
  }
  return {};
}

std::string Scope::unanswerable(const Variable& var) const {
  using K = Variable::Kind;
  // Anything IPv6 needs the lab's and the runtime's IPv6, so that a kernel or runtime
  // without it skips the check instead of failing it.
  if (var.v6 && !requires_capability("ipv6")) return "an IPv6 variable needs `requires: [..., ipv6]`";
  bool network_var = var.kind == K::kNetworkSubnet || var.kind == K::kNetworkGateway;
  if (network_var && var.v6) return not_dual_stack(var.network);
  auto* c = container(var.container);
  if (!c) return "";
  bool address = var.kind == K::kContainerIp || var.kind == K::kContainerGateway;
  if (address && var.network.empty() && c->networks.empty())
    return fmt::format("container {} is on no network at this point", c->name);
  if (address && !var.network.empty() && !on_network(c->name, var.network))
    return fmt::format("container {} is not on network {} at this point; its networks: {}", c->name, var.network,
                       or_none(c->networks));
  if (address && var.v6) return not_dual_stack(var.network.empty() ? c->networks.front() : var.network);
  if (var.kind == K::kContainerPort && !publishes(c->publish, var.port, proto_name(var.proto)))
    return fmt::format("container {} does not publish port {}/{}; it publishes {}", c->name, var.port, var.proto,
                       published(c->publish));
  return "";
}

std::string Scope::not_dual_stack(std::string_view network) const {
  if (dual_stack(network)) return "";
  if (std::ranges::find(kPredefinedNetworks, network) != kPredefinedNetworks.end())
    return fmt::format("network {} is not dual stack: the predefined networks are IPv4 only unless the lab makes "
                       "the default bridge dual stack (lab: default_bridge6); or use a network declared with ipv6: "
                       "true or a subnet6", network);
  return fmt::format("network {} is not dual stack at this point: declare it with ipv6: true or a subnet6", network);
}

Result<void> check_name(const Reader& r, const YAML::Mark& at, std::string_view name, std::string_view kind) {
  bool ok = !name.empty() && name[0] != '_' && name[0] != '-' && std::ranges::all_of(name, name_char);
  if (!ok) return r.errorf(at, "bad {} name '{}': use letters, digits, '_' and '-', starting with a letter or digit", kind, name);
  if (kind == "container" && (name == "host" || name == "external" || name == "net" || name == "kept"))
    return r.errorf(at, "'{}' cannot name a container: it is reserved for places and variables", name);
  if (kind == "network" && std::ranges::find(kPredefinedNetworks, name) != kPredefinedNetworks.end())
    return r.errorf(at, "'{}' is a predefined network: use it without declaring it", name);
  return {};
}

}  // namespace nc::checks::detail
