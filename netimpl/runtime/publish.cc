#include "netimpl/runtime/publish.h"

#include <algorithm>

#include "netimpl/nft/conntrack.h"

namespace nc::runtime {
namespace {

// The endpoint published traffic is sent to (see publish.h), or null.
const drivers::EndpointState* target(const Container& c, const Publisher::Networks& networks) {
  const drivers::EndpointState* gw = drivers::gateway_endpoint(c.endpoints);
  if (!gw) return nullptr;
  auto n = networks.find(gw->network);
  if (n == networks.end() || n->second.info.bridge.empty() || n->second.spec.internal) return nullptr;
  return gw;
}

// Whether the userland proxy, not DNAT, carries binding `b` to `ep` (publish.h).
bool proxied(const portmap::Binding& b, const drivers::EndpointState& ep) {
  return b.host.family == AF_INET6 && (!ep.ip6 || (b.host.ip && b.host.ip->is_loopback()));
}

}  // namespace

Publisher::Publisher(const Namespaces& host) : host_(&host), alloc_(host), proxy_(host) {}

Result<void> Publisher::validate(const std::vector<api::PortSpec>& specs) {
  for (const auto& s : specs) {
    auto ctx = fmt::format("publish {}", api::format_port_spec(s));
    NC_TRY_VOID_CTX(portmap::alternatives(s, {1, 65535}, 1), "{}", ctx);
  }
  return {};
}

Result<void> Publisher::publish(const std::string& name, const std::vector<api::PortSpec>& specs, bool ipv6) {
  std::vector<portmap::Binding> held;
  for (const auto& s : specs) {
    auto r = alloc_.reserve(name, s, ipv6);
    if (!r) {
      alloc_.release(name);
      return std::unexpected(r.error());
    }
    held.insert(held.end(), r->begin(), r->end());
  }
  if (!held.empty()) bindings_[name] = std::move(held);
  return {};
}

void Publisher::release(std::string_view name) {
  auto it = bindings_.find(name);
  if (it != bindings_.end()) {
    // The proxy lets go of the sockets before they close (proxy.h). Dropping routes
    // starts no thread, so it cannot fail.
    std::erase_if(routes_, [&](auto& r) { return std::ranges::any_of(it->second, [&](auto& b) { return b.fd == r.fd; }); });
    (void)proxy_.set(routes_);
    bindings_.erase(it);
  }
  alloc_.release(name);
}

void Publisher::release_all() {
  routes_.clear();
  (void)proxy_.set(routes_);
  for (auto& [name, b] : bindings_) alloc_.release(name);
  bindings_.clear();
}

std::vector<api::PublishedPort> Publisher::ports(std::string_view name) const {
  std::vector<api::PublishedPort> out;
  auto it = bindings_.find(name);
  if (it == bindings_.end()) return out;
  for (const auto& b : it->second) {
    // [::] beside 0.0.0.0 is one mapping, as `docker inspect` shows it.
    if (b.host.family == AF_INET6 && !b.host.ip &&
        std::ranges::any_of(out, [&](auto& p) { return !p.host_ip && p.host_port == b.host.port && p.proto == b.host.proto; }))
      continue;
    out.push_back({.proto = b.host.proto, .host_ip = b.host.ip, .host_port = b.host.port,
                   .container_port = b.container_port});
  }
  return out;
}

std::vector<nft::PortMapping> Publisher::mappings(const Containers& containers, const Networks& networks) const {
  std::vector<nft::PortMapping> out;
  for (const auto& [name, bindings] : bindings_) {
    auto c = containers.find(name);
    if (c == containers.end()) continue;
    const drivers::EndpointState* ep = target(c->second, networks);
    if (!ep) continue;
    const std::string& bridge = networks.find(ep->network)->second.info.bridge;
    for (const auto& b : bindings) {
      if (proxied(b, *ep)) continue;
      out.push_back({.proto = b.host.proto, .host_ip = b.host.ip, .host_port = b.host.port,
                     .container_ip = b.host.family == AF_INET6 ? *ep->ip6 : ep->ip, .container_port = b.container_port,
                     .bridge = bridge});
    }
  }
  return out;
}

Result<void> Publisher::proxy(const Containers& containers, const Networks& networks) {
  std::vector<portmap::ProxyRoute> routes;
  for (const auto& [name, bindings] : bindings_) {
    auto c = containers.find(name);
    if (c == containers.end()) continue;
    const drivers::EndpointState* ep = target(c->second, networks);
    if (!ep) continue;
    for (const auto& b : bindings)
      if (proxied(b, *ep))
        routes.push_back({.fd = b.fd, .proto = b.host.proto, .target = ep->ip6 ? *ep->ip6 : ep->ip, .port = b.container_port});
  }
  NC_TRY_VOID(proxy_.set(routes));
  routes_ = std::move(routes);
  return {};
}

Result<void> Publisher::applied(const std::vector<nft::PortMapping>& now) {
  auto flush_missing = [&](const std::vector<nft::PortMapping>& from, const std::vector<nft::PortMapping>& in) -> Result<void> {
    for (const auto& m : from)
      if (std::ranges::find(in, m) == in.end()) NC_TRY_VOID(nft::flush_conntrack(*host_, m));
    return {};
  };
  NC_TRY_VOID(flush_missing(last_, now));  // removed
  NC_TRY_VOID(flush_missing(now, last_));  // added
  last_ = now;
  return {};
}

}  // namespace nc::runtime
