#include "harness/engine/variables.h"

namespace nc::engine {
namespace {

template <typename Address>
std::optional<std::string> str(const std::optional<Address>& a) {
  return a ? std::optional(a->str()) : std::nullopt;
}

// An unset lab address (an IPv4-only lab's IPv6 ones) cannot be expanded.
std::optional<std::string> non_empty(const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); }

std::optional<std::string> network_address(const api::NetworkInfo& n, const checks::Variable& var) {
  bool subnet = var.kind == checks::Variable::Kind::kNetworkSubnet;
  if (var.v6) return subnet ? str(n.subnet6) : str(n.gateway6);
  return subnet ? std::optional(n.subnet.str()) : str(n.gateway);
}

std::optional<std::string> endpoint_address(const api::Endpoint& ep, const checks::Variable& var) {
  bool ip = var.kind == checks::Variable::Kind::kContainerIp;
  if (var.v6) return ip ? str(ep.ip6) : str(ep.gateway6);
  return ip ? std::optional(ep.ip.str()) : str(ep.gateway);
}

}  // namespace

std::optional<std::string> Variables::lookup(std::string_view text) {
  auto var = checks::parse_variable(text);
  if (!var) return std::nullopt;
  using K = checks::Variable::Kind;
  switch (var->kind) {
    case K::kHostIp: return non_empty(var->v6 ? lab_.host_ip6 : lab_.host_ip);
    case K::kExternalIp: return non_empty(var->v6 ? lab_.external_ip6 : lab_.external_ip);
    case K::kKept: {
      auto it = kept_.find(var->kept);
      return it == kept_.end() ? std::nullopt : std::optional(it->second);
    }
    case K::kNetworkSubnet:
    case K::kNetworkGateway: {
      auto* n = network(var->network);
      return n ? network_address(*n, *var) : std::nullopt;
    }
    case K::kContainerIp:
    case K::kContainerGateway: {
      auto* c = container(var->container);
      if (!c || c->endpoints.empty()) return std::nullopt;
      const api::Endpoint* ep = var->network.empty() ? &c->endpoints.front() : c->endpoint(var->network);
      return ep ? endpoint_address(*ep, *var) : std::nullopt;
    }
    case K::kContainerPort: {
      auto* c = container(var->container);
      if (!c) return std::nullopt;
      for (const api::PublishedPort& p : c->ports)
        if (p.container_port == var->port && p.proto == var->proto) return std::to_string(p.host_port);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

const api::ContainerInfo* Variables::container(const std::string& name) {
  if (!containers_.contains(name)) {
    auto info = runtime_.inspect(name);
    if (!info) return nullptr;
    containers_.emplace(name, std::move(*info));
  }
  return &containers_.at(name);
}

const api::NetworkInfo* Variables::network(const std::string& name) {
  if (!networks_.contains(name)) {
    auto info = runtime_.inspect_network(name);
    if (!info) return nullptr;
    networks_.emplace(name, std::move(*info));
  }
  return &networks_.at(name);
}

Result<std::string> Variables::expand(const checks::Template& t) {
  return checks::expand(t, [this](std::string_view v) { return lookup(v); });
}

Result<ResolvedExpect> Variables::resolve(const checks::Expect& e) {
  ResolvedExpect r;
  r.expect = &e;
  auto opt = [&](const std::optional<checks::Template>& t, std::optional<std::string>& out) -> Result<void> {
    if (t) out = NC_TRY(expand(*t));
    return {};
  };
  auto list = [&](const std::vector<checks::Template>& ts, std::vector<std::string>& out) -> Result<void> {
    for (auto& t : ts) out.push_back(NC_TRY(expand(t)));
    return {};
  };
  NC_TRY_VOID(opt(e.peer, r.peer));
  NC_TRY_VOID(opt(e.address_in, r.address_in));
  NC_TRY_VOID(opt(e.address, r.address));
  NC_TRY_VOID(opt(e.default_via, r.default_via));
  NC_TRY_VOID(list(e.contains, r.contains));
  if (e.addresses) NC_TRY_VOID(list(*e.addresses, r.addresses.emplace()));
  NC_TRY_VOID(list(e.contains_address, r.contains_address));
  NC_TRY_VOID(opt(e.answered_by, r.answered_by));
  NC_TRY_VOID(opt(e.source, r.source));
  NC_TRY_VOID(list(e.not_contains, r.not_contains));
  NC_TRY_VOID(list(e.listening, r.listening));
  NC_TRY_VOID(list(e.not_listening, r.not_listening));
  return r;
}

}  // namespace nc::engine
