// Parsing `inspect` JSON of Docker and Podman (their container layouts agree; their
// network layouts do not: Docker's IPAM.Config vs Podman's subnets).
#include <fmt/format.h>

#include "harness/runtimes/cli_adapter/cli_runtime.h"

namespace nc::runtimes {
namespace {

using nlohmann::json;

std::string str_at(const json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<IpAddr> ip_or_none(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto ip = IpAddr::parse(text);
  return ip ? std::optional<IpAddr>(*ip) : std::nullopt;
}

Result<std::vector<api::Endpoint>> endpoints(const json& nets, std::string_view default_bridge) {
  std::vector<api::Endpoint> out;
  if (!nets.is_object()) return out;
  for (auto& [name, e] : nets.items()) {
    auto addr = str_at(e, "IPAddress");
    if (addr.empty()) continue;  // host, none: no address of its own
    api::Endpoint ep;
    ep.network = name == default_bridge ? std::string(api::kDefaultBridge) : name;
    ep.ip = NC_TRY_CTX(IpAddr::parse(addr), "network {}", name);
    ep.prefix_len = e.value("IPPrefixLen", 0);
    ep.gateway = ip_or_none(str_at(e, "Gateway"));
    ep.mac = str_at(e, "MacAddress");
    if (auto six = str_at(e, "GlobalIPv6Address"); !six.empty()) {
      ep.ip6 = NC_TRY_CTX(IpAddr::parse(six), "network {}: GlobalIPv6Address", name);
      ep.prefix_len6 = e.value("GlobalIPv6PrefixLen", 0);
      ep.gateway6 = ip_or_none(str_at(e, "IPv6Gateway"));
    }
    if (auto al = e.find("Aliases"); al != e.end() && al->is_array())
      for (auto& a : *al)
        if (a.is_string()) ep.aliases.push_back(a.get<std::string>());
    out.push_back(std::move(ep));
  }
  return out;
}

// "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}, {"HostIp": "::", ...}]. Docker lists
// the IPv4 and IPv6 bindings of one mapping separately; one PublishedPort per mapping.
Result<std::vector<api::PublishedPort>> ports(const json& p) {
  std::vector<api::PublishedPort> out;
  if (!p.is_object()) return out;
  for (auto& [key, binds] : p.items()) {
    if (!binds.is_array()) continue;  // exposed, not published
    auto slash = key.find('/');
    int cport = std::atoi(key.substr(0, slash).c_str());
    auto proto = slash == std::string::npos ? Proto::kTcp : parse_proto(key.substr(slash + 1));
    if (!proto) continue;  // sctp: no check publishes it
    for (auto& b : binds) {
      auto hip = str_at(b, "HostIp");
      int hport = std::atoi(str_at(b, "HostPort").c_str());
      if (hport <= 0 || hport > 65535 || cport <= 0 || cport > 65535)
        return failf("published port {}: bad host port '{}'", key, str_at(b, "HostPort"));
      api::PublishedPort pp{.proto = *proto, .host_ip = std::nullopt, .host_port = static_cast<uint16_t>(hport),
                            .container_port = static_cast<uint16_t>(cport)};
      if (hip == "::" || hip == "[::]") {
        bool dup = false;
        for (auto& o : out) dup |= !o.host_ip && o.host_port == pp.host_port && o.proto == pp.proto;
        if (dup) continue;
      } else if (!hip.empty() && hip != "0.0.0.0") {
        pp.host_ip = ip_or_none(hip);
      }
      out.push_back(pp);
    }
  }
  return out;
}

}  // namespace

Result<api::ContainerInfo> parse_container(const json& j, std::string_view default_bridge) {
  if (!j.is_object()) return fail("container inspect: not a JSON object");
  api::ContainerInfo info;
  info.id = str_at(j, "Id");
  info.name = str_at(j, "Name");
  if (info.name.starts_with('/')) info.name.erase(0, 1);
  if (auto c = j.find("Config"); c != j.end() && c->is_object()) info.hostname = str_at(*c, "Hostname");
  auto ns = j.find("NetworkSettings");
  if (ns == j.end() || !ns->is_object()) return fail("container inspect: no NetworkSettings");
  info.endpoints = NC_TRY(endpoints(ns->value("Networks", json::object()), default_bridge));
  info.ports = NC_TRY(ports(ns->value("Ports", json::object())));
  return info;
}

Result<api::NetworkInfo> parse_network(const json& j, std::string_view default_bridge) {
  if (!j.is_object()) return fail("network inspect: not a JSON object");
  api::NetworkInfo info;
  bool podman = j.contains("subnets") || j.contains("network_interface");
  std::string name = str_at(j, podman ? "name" : "Name");
  info.name = name == default_bridge ? std::string(api::kDefaultBridge) : name;
  info.driver = str_at(j, podman ? "driver" : "Driver");
  if (info.driver == "null") info.driver = "none";
  info.internal = j.value(podman ? "internal" : "Internal", false);
  json cfg = json::array();
  if (podman) {
    cfg = j.value("subnets", json::array());
    info.bridge = str_at(j, "network_interface");
  } else {
    if (auto ipam = j.find("IPAM"); ipam != j.end() && ipam->is_object()) cfg = ipam->value("Config", json::array());
    auto opts = j.value("Options", json::object());
    info.bridge = opts.is_object() ? str_at(opts, "com.docker.network.bridge.name") : "";
    if (info.bridge.empty() && info.driver == "bridge") info.bridge = "br-" + str_at(j, "Id").substr(0, 12);
  }
  if (!cfg.is_array() || cfg.empty()) {
    if (info.driver == "host" || info.driver == "none") return info;
    return failf("network {}: no subnet in inspect output", name);
  }
  // One entry per subnet, IPv4 and IPv6 in any order; the first of each family counts.
  bool have4 = false;
  for (auto& c : cfg) {
    auto sub = NC_TRY_CTX(Prefix::parse(str_at(c, podman ? "subnet" : "Subnet")), "network {}: subnet", name);
    auto gw = ip_or_none(str_at(c, podman ? "gateway" : "Gateway"));
    // Docker leaves Gateway out when it picked the first address itself.
    if (!gw && !info.internal) gw = sub.network().addr().offset(1);
    if (sub.addr().is_v4() && !have4) {
      info.subnet = sub;
      info.gateway = gw;
      have4 = true;
    } else if (sub.addr().is_v6() && !info.subnet6) {
      info.subnet6 = sub;
      info.gateway6 = gw;
    }
  }
  if (!have4) return failf("network {}: no IPv4 subnet in inspect output", name);
  return info;
}

}  // namespace nc::runtimes
