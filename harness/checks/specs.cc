#include "harness/checks/specs.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "harness/checks/publish.h"

namespace nc::checks::detail {
namespace {

constexpr std::string_view kNetworkKeys[] = {"name", "driver", "subnet", "gateway", "ipv6", "subnet6",
                                             "gateway6", "internal", "icc", "mtu", "parent", "mode"};
constexpr std::string_view kIpv6Keys[] = {"ipv6", "subnet6", "gateway6"};
constexpr std::string_view kContainerKeys[] = {"name", "networks", "hostname", "publish", "dns", "run", "host"};
constexpr std::string_view kAttachmentKeys[] = {"container", "network", "aliases", "ip", "ip6"};
constexpr std::string_view kServiceKeys[] = {"at", "run"};
constexpr std::string_view kName[] = {"name"};
constexpr std::string_view kNetwork[] = {"network"};
constexpr std::string_view kAtRun[] = {"at", "run"};

Keys without_name(Keys keys) { return keys.subspan(1); }

// An absent or empty spec (`appnet:` or `appnet: {}`) means all defaults.
Result<Fields> spec_fields(const Reader& r, const Value& v, std::string_view where, Keys keys, Keys required) {
  if (v.node.IsNull()) return Fields{v.mark, {}};
  return r.map(v, where, keys, required);
}

Result<std::string> parse_mode(const Reader& r, const Value& v, std::string_view driver) {
  auto mode = NC_TRY(r.word(v));
  std::vector<std::string_view> modes = {"bridge", "private", "vepa", "passthru"};
  if (driver == "ipvlan") modes = {"l2", "l3", "l3s"};
  if (std::ranges::find(modes, mode) == modes.end())
    return r.errorf(v.mark, "mode: '{}' is not a {} mode; expected one of {}", mode, driver, fmt::join(modes, ", "));
  return mode;
}

Result<std::string> parse_driver(const Reader& r, const Value& v) {
  auto driver = NC_TRY(r.word(v));
  if (std::ranges::find(kDrivers, driver) == kDrivers.end())
    return r.errorf(v.mark, "unknown driver '{}'; expected one of {}", driver, fmt::join(kDrivers, ", "));
  return driver;
}

Result<void> check_vlan_keys(const Reader& r, const Fields& f, std::string_view driver) {
  bool vlan = driver == "macvlan" || driver == "ipvlan";
  for (auto key : {"parent", "mode"})
    if (auto* field = f.find(key); field && !vlan)
      return r.errorf(field->key_mark, "'{}' applies to macvlan and ipvlan networks, not {}", key, driver);
  return {};
}

// The subnet or subnet6 of a network, of the family its key says.
Result<Prefix> family_subnet(const Reader& r, const Value& v, const api::NetworkSpec& s, bool v6) {
  auto p = NC_TRY(r.subnet(v));
  if (!v6 && p.addr().is_v6())
    return r.errorf(v.mark, "subnet: {} is IPv6; network {}'s IPv6 subnet goes in subnet6 (with ipv6: true)", p, s.name);
  if (v6 && p.addr().is_v4())
    return r.errorf(v.mark, "subnet6: {} is IPv4; network {}'s IPv4 subnet goes in subnet", p, s.name);
  // /127 and /128 leave no address for a container once the gateway has one.
  if (v6 && p.len() > 126)
    return r.errorf(v.mark, "subnet6: {} is too small for network {}: it needs room for a gateway and a container "
                    "(/126 at most)", p, s.name);
  return p;
}

// The gateway or gateway6 of a network, of the family its key says.
Result<IpAddr> family_gateway(const Reader& r, const Value& v, const api::NetworkSpec& s, bool v6) {
  auto ip = NC_TRY(r.ip(v));
  if (!v6 && ip.is_v6())
    return r.errorf(v.mark, "gateway: {} is IPv6; network {}'s IPv6 gateway goes in gateway6", ip, s.name);
  if (v6 && ip.is_v4())
    return r.errorf(v.mark, "gateway6: {} is IPv4; network {}'s IPv4 gateway goes in gateway", ip, s.name);
  return ip;
}

// gateway in subnet, gateway6 in subnet6 (`key` names the gateway's field).
Result<void> check_gateway(const Reader& r, const Fields& f, const api::NetworkSpec& s, std::string_view key) {
  auto* field = f.find(key);
  if (!field) return {};
  bool v6 = key == "gateway6";
  auto& subnet = v6 ? s.subnet6 : s.subnet;
  auto& gateway = v6 ? s.gateway6 : s.gateway;
  std::string_view subnet_key = v6 ? "subnet6" : "subnet";
  if (!subnet) return r.errorf(field->value.mark, "{}: needs a {} in network {}", key, subnet_key, s.name);
  if (!subnet->contains(*gateway))
    return r.errorf(field->value.mark, "{}: {} is outside network {}'s {} {}", key, *gateway, s.name, subnet_key, *subnet);
  return {};
}

// The dual-stack keys: only where there are addresses, and not `ipv6: false` beside the
// subnet6 or gateway6 that make a network dual stack.
Result<void> check_ipv6_keys(const Reader& r, const Fields& f, const api::NetworkSpec& s) {
  bool addressed = s.driver != "host" && s.driver != "none";
  for (auto key : kIpv6Keys)
    if (auto* field = f.find(key); field && !addressed)
      return r.errorf(field->key_mark, "'{}' applies to networks with addresses (bridge, macvlan, ipvlan, overlay), not {} "
                      "(network {})", key, s.driver, s.name);
  auto* ipv6 = f.find("ipv6");
  if (!ipv6 || s.ipv6 || (!s.subnet6 && !s.gateway6)) return {};
  return r.errorf(ipv6->value.mark, "ipv6: false contradicts {} in network {}: subnet6 and gateway6 make a network "
                  "dual stack (drop ipv6: false)", s.subnet6 ? "subnet6" : "gateway6", s.name);
}

Result<void> fill_ipv6(const Reader& r, const Fields& f, api::NetworkSpec& s) {
  if (auto* v = f.find("ipv6")) s.ipv6 = NC_TRY(r.boolean(v->value));
  if (auto* v = f.find("subnet6")) s.subnet6 = NC_TRY(family_subnet(r, v->value, s, true));
  if (auto* v = f.find("gateway6")) s.gateway6 = NC_TRY(family_gateway(r, v->value, s, true));
  NC_TRY_VOID(check_ipv6_keys(r, f, s));
  return check_gateway(r, f, s, "gateway6");
}

Result<void> fill_network(const Reader& r, const Fields& f, api::NetworkSpec& s) {
  if (auto* v = f.find("driver")) s.driver = NC_TRY(parse_driver(r, v->value));
  if (auto* v = f.find("subnet")) s.subnet = NC_TRY(family_subnet(r, v->value, s, false));
  if (auto* v = f.find("gateway")) s.gateway = NC_TRY(family_gateway(r, v->value, s, false));
  if (auto* v = f.find("internal")) s.internal = NC_TRY(r.boolean(v->value));
  if (auto* v = f.find("icc")) s.icc = NC_TRY(r.boolean(v->value));
  if (auto* v = f.find("mtu")) s.mtu = static_cast<int>(NC_TRY(r.integer(v->value, 68, 65535)));
  if (auto* v = f.find("parent")) s.parent = NC_TRY(r.word(v->value));
  if (auto* v = f.find("mode")) s.mode = NC_TRY(parse_mode(r, v->value, s.driver));
  NC_TRY_VOID(check_vlan_keys(r, f, s.driver));
  NC_TRY_VOID(check_gateway(r, f, s, "gateway"));
  return fill_ipv6(r, f, s);
}

// Strict: the new network must not overlap one that exists (a sure creation failure).
Result<void> check_overlap(const Reader& r, const Fields& f, const api::NetworkSpec& s, const Scope& scope) {
  for (auto& [key, subnet] : {std::pair{"subnet", s.subnet}, std::pair{"subnet6", s.subnet6}}) {
    auto other = subnet ? scope.overlapping(*subnet) : "";
    if (other.empty()) continue;
    return r.errorf(f.find(key)->value.mark,
                    "{} {} overlaps network {}; to assert that the runtime refuses it, use a "
                    "network_create step expecting an error",
                    key, *subnet, other);
  }
  return {};
}

Result<api::NetworkSpec> network_spec(const Reader& r, const Fields& f, std::string name, const Scope& scope, bool strict) {
  api::NetworkSpec spec;
  spec.name = std::move(name);
  NC_TRY_VOID(fill_network(r, f, spec));
  if (spec.dual_stack() && !scope.requires_capability("ipv6")) {
    auto* key = f.find("ipv6") ? f.find("ipv6") : f.find("subnet6") ? f.find("subnet6") : f.find("gateway6");
    return r.errorf(key->key_mark, "network {}: a dual-stack network needs `requires: [..., ipv6]` (kernels and runtimes "
                    "without IPv6 skip the check)", spec.name);
  }
  if (strict) NC_TRY_VOID(check_overlap(r, f, spec, scope));
  return spec;
}

// A fixed address, `ip` or (v6) `ip6`; strict: inside the network's declared subnet or subnet6.
Result<IpAddr> attachment_ip(const Reader& r, const Value& v, const std::string& network, const Scope& scope, bool strict,
                             bool v6) {
  auto ip = NC_TRY(r.ip(v));
  if (!v6 && ip.is_v6()) return r.errorf(v.mark, "ip: {} is IPv6; an IPv6 fixed address goes in ip6", ip);
  if (v6 && ip.is_v4()) return r.errorf(v.mark, "ip6: {} is IPv4; an IPv4 fixed address goes in ip", ip);
  if (!strict) return ip;
  auto subnet = v6 ? scope.subnet6(network) : scope.subnet(network);
  std::string_view subnet_key = v6 ? "subnet6" : "subnet";
  if (!subnet)
    return r.errorf(v.mark, "{}: a fixed address needs network {} declared with a {}", v.name, network, subnet_key);
  if (!subnet->contains(ip)) return r.errorf(v.mark, "{}: {} is outside {} ({})", v.name, ip, network, *subnet);
  return ip;
}

Result<std::vector<IpAddr>> parse_dns(const Reader& r, const Value& v) {
  std::vector<IpAddr> out;
  if (v.node.IsScalar()) return std::vector<IpAddr>{NC_TRY(r.ip(v))};
  for (const auto& item : NC_TRY(r.list(v))) out.push_back(NC_TRY(r.ip(item)));
  return out;
}

Result<std::vector<api::PortSpec>> parse_publish_list(const Reader& r, const Value& v) {
  std::vector<Value> items = {v};
  if (!v.node.IsScalar()) items = NC_TRY(r.list(v));
  std::vector<api::PortSpec> out;
  for (const auto& item : items) {
    auto spec = parse_publish(NC_TRY(r.string(item)));
    if (!spec) return r.errorf(item.mark, "publish: {}", spec.error().message());
    out.push_back(*spec);
  }
  return out;
}

Result<std::string> parse_hostname(const Reader& r, const Value& v) {
  auto name = NC_TRY(r.word(v));
  auto ok = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; };
  if (!std::ranges::all_of(name, ok) || name.size() > 63)
    return r.errorf(v.mark, "hostname: '{}' is not a host name (letters, digits, '-', '.'; at most 63)", name);
  return name;
}

// `host` or hostN, N from 2 up to the lab's host count.
Result<std::string> parse_host(const Reader& r, const Value& v, const Scope& scope) {
  auto host = NC_TRY(r.word(v));
  if (host == "host") return host;
  for (int i = 2; i <= scope.hosts(); ++i)
    if (host == fmt::format("host{}", i)) return host;
  return r.errorf(v.mark, "host: '{}' is not a host of this lab (host{}; set lab: {{hosts: N}} for more)", host,
                  scope.hosts() > 1 ? fmt::format("..host{}", scope.hosts()) : "");
}

Result<std::vector<api::Attachment>> parse_attachments(const Reader& r, const Value& v, const Scope& scope, bool strict) {
  std::vector<api::Attachment> out;
  for (const auto& item : NC_TRY(r.list(v))) {
    auto att = NC_TRY(parse_attachment(r, item, scope, strict));
    if (std::ranges::find(out, att.network, &api::Attachment::network) != out.end())
      return r.errorf(item.mark, "network {} is listed twice", att.network);
    out.push_back(std::move(att));
  }
  return out;
}

Result<api::ContainerSpec> container_spec(const Reader& r, const Fields& f, std::string name, const Scope& scope, bool strict) {
  api::ContainerSpec spec;
  spec.name = std::move(name);
  if (auto* v = f.find("networks")) spec.networks = NC_TRY(parse_attachments(r, v->value, scope, strict));
  if (auto* v = f.find("hostname")) spec.hostname = NC_TRY(parse_hostname(r, v->value));
  if (auto* v = f.find("publish")) spec.publish = NC_TRY(parse_publish_list(r, v->value));
  if (auto* v = f.find("dns")) spec.dns = NC_TRY(parse_dns(r, v->value));
  if (auto* v = f.find("run")) spec.command = NC_TRY(parse_command(r, v->value));
  if (auto* v = f.find("host")) spec.host = NC_TRY(parse_host(r, v->value, scope));
  return spec;
}

Result<Place> parse_service_place(const Reader& r, const Value& v) {
  auto at = NC_TRY(r.word(v));
  if (at == "host") return Place{Place::Kind::kHost, ""};
  if (at == "external") return Place{Place::Kind::kExternal, ""};
  return r.errorf(v.mark, "at: '{}' is not host or external (containers serve with run:)", at);
}

}  // namespace

Result<std::vector<api::NetworkSpec>> parse_networks(const Reader& r, const Value& v, Scope& scope) {
  if (!v.node.IsMap()) return r.errorf(v.mark, "networks: expected a map of name: spec, found {}", node_kind(v.node));
  std::vector<api::NetworkSpec> out;
  for (const auto& kv : v.node) {
    auto name = NC_TRY(r.word(Value{kv.first, kv.first.Mark(), "network name"}));
    NC_TRY_VOID(check_name(r, kv.first.Mark(), name, "network"));
    if (scope.has_network(name)) return r.errorf(kv.first.Mark(), "network {} is declared twice", name);
    auto value = field_value(kv.first, kv.second, name);
    auto fields = NC_TRY(spec_fields(r, value, "network " + name, without_name(kNetworkKeys), {}));
    out.push_back(NC_TRY(network_spec(r, fields, name, scope, true)));
    scope.add_network(out.back());
  }
  return out;
}

Result<std::vector<api::ContainerSpec>> parse_containers(const Reader& r, const Value& v, Scope& scope) {
  if (!v.node.IsMap()) return r.errorf(v.mark, "containers: expected a map of name: spec, found {}", node_kind(v.node));
  std::vector<api::ContainerSpec> out;
  for (const auto& kv : v.node) {
    auto name = NC_TRY(r.word(Value{kv.first, kv.first.Mark(), "container name"}));
    NC_TRY_VOID(check_name(r, kv.first.Mark(), name, "container"));
    if (scope.has_container(name)) return r.errorf(kv.first.Mark(), "container {} is declared twice", name);
    auto value = field_value(kv.first, kv.second, name);
    auto fields = NC_TRY(spec_fields(r, value, "container " + name, without_name(kContainerKeys), {}));
    out.push_back(NC_TRY(container_spec(r, fields, name, scope, true)));
    scope.add_container(out.back());
  }
  return out;
}

Result<std::vector<Service>> parse_services(const Reader& r, const Value& v) {
  std::vector<Service> out;
  for (const auto& item : NC_TRY(r.list(v))) {
    auto f = NC_TRY(r.map(item, "service", kServiceKeys, kAtRun));
    auto at = NC_TRY(parse_service_place(r, f.find("at")->value));
    out.push_back(Service{r.pos(item.mark), at, NC_TRY(parse_command(r, f.find("run")->value))});
  }
  return out;
}

Result<api::NetworkSpec> parse_network_create(const Reader& r, const Value& v, const Scope& scope, bool strict) {
  auto f = NC_TRY(r.map(v, "network_create", kNetworkKeys, kName));
  auto& name_field = f.find("name")->value;
  auto name = NC_TRY(r.word(name_field));
  NC_TRY_VOID(check_name(r, name_field.mark, name, "network"));
  if (strict && scope.has_network(name))
    return r.errorf(name_field.mark, "network {} already exists at this point (expect an error to assert a clash)", name);
  return network_spec(r, f, name, scope, strict);
}

Result<api::ContainerSpec> parse_container_create(const Reader& r, const Value& v, const Scope& scope, bool strict) {
  auto f = NC_TRY(r.map(v, "container_create", kContainerKeys, kName));
  auto& name_field = f.find("name")->value;
  auto name = NC_TRY(r.word(name_field));
  NC_TRY_VOID(check_name(r, name_field.mark, name, "container"));
  if (strict && scope.has_container(name))
    return r.errorf(name_field.mark, "container {} already exists at this point (expect an error to assert a clash)", name);
  return container_spec(r, f, name, scope, strict);
}

Result<api::Attachment> parse_attachment(const Reader& r, const Value& v, const Scope& scope, bool strict) {
  if (!v.node.IsScalar()) {
    auto f = NC_TRY(r.map(v, "network attachment", without_name(kAttachmentKeys), kNetwork));
    return attachment_from(r, f, scope, strict);
  }
  api::Attachment att;
  att.network = NC_TRY(r.word(v));
  NC_TRY_VOID(scope.need_network(r, v.mark, att.network));
  return att;
}

Result<api::Attachment> attachment_from(const Reader& r, const Fields& f, const Scope& scope, bool strict) {
  api::Attachment att;
  auto& net = f.find("network")->value;
  att.network = NC_TRY(r.word(net));
  NC_TRY_VOID(scope.need_network(r, net.mark, att.network));
  if (auto* a = f.find("aliases")) att.aliases = NC_TRY(r.strings(a->value));
  if (auto* ip = f.find("ip")) att.ip = NC_TRY(attachment_ip(r, ip->value, att.network, scope, strict, false));
  if (auto* ip6 = f.find("ip6")) att.ip6 = NC_TRY(attachment_ip(r, ip6->value, att.network, scope, strict, true));
  return att;
}

Result<std::vector<std::string>> parse_command(const Reader& r, const Value& v) {
  std::vector<std::string> args;
  if (v.node.IsScalar()) {
    std::istringstream words(v.node.Scalar());
    for (std::string w; words >> w;) args.push_back(w);
  } else {
    args = NC_TRY(r.strings(v));
  }
  if (args.empty()) return r.errorf(v.mark, "{}: empty command", v.name);
  return args;
}

}  // namespace nc::checks::detail
