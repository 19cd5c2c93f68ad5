#include "netimpl/runtime/multi_host_runtime.h"

#include "netimpl/base/undo.h"

namespace nc::runtime {

Result<std::unique_ptr<MultiHostRuntime>> MultiHostRuntime::create(const std::vector<HostRef>& hosts,
                                                                   NetimplOptions opts) {
  if (hosts.empty()) return fail("start netimpl: no hosts");
  std::unique_ptr<MultiHostRuntime> m(new MultiHostRuntime());
  m->control_ = std::make_shared<drivers::OverlayControlPlane>();
  opts.overlay = m->control_;
  for (auto& h : hosts)
    m->hosts_.push_back({h.name, NC_TRY_CTX(NetimplRuntime::create(*h.ns, opts), "host {}", h.name)});
  return m;
}

// The runtimes go in reverse: the control plane holds their netlink sockets.
MultiHostRuntime::~MultiHostRuntime() {
  while (!hosts_.empty()) hosts_.pop_back();
}

std::set<std::string> MultiHostRuntime::capabilities() const {
  auto caps = hosts_.front().rt->capabilities();
  caps.insert("multihost");
  return caps;
}

Result<void> MultiHostRuntime::lifecycle(std::string_view container, api::Lifecycle op) {
  auto* rt = NC_TRY_CTX(host_of(container), "{} container {}", api::lifecycle_name(op), container);
  return rt->lifecycle(container, op);
}

Result<Namespaces> MultiHostRuntime::container_netns(std::string_view container) {
  auto* rt = NC_TRY_CTX(host_of(container), "open the network namespace of container {}", container);
  return rt->container_netns(container);
}

Result<NetimplRuntime*> MultiHostRuntime::host_named(std::string_view name) {
  if (name.empty()) return hosts_.front().rt.get();
  for (auto& h : hosts_)
    if (h.name == name) return h.rt.get();
  return failf("host {} is not in this lab", name);
}

Result<NetimplRuntime*> MultiHostRuntime::host_of(std::string_view container) {
  auto it = container_host_.find(container);
  if (it == container_host_.end()) return failf("container {} not found", container);
  return host_named(it->second);
}

Result<api::NetworkInfo> MultiHostRuntime::create_network(const api::NetworkSpec& spec) {
  auto first = NC_TRY(hosts_.front().rt->create_network(spec));
  UndoList undo;
  undo.push([this, n = spec.name] { (void)hosts_.front().rt->remove_network(n); });
  api::NetworkSpec fixed = spec;
  if (!first.subnet.addr().is_unspecified()) fixed.subnet = first.subnet;
  if (first.gateway) fixed.gateway = first.gateway;
  for (size_t i = 1; i < hosts_.size(); ++i) {
    NC_TRY_VOID_CTX(hosts_[i].rt->create_network(fixed), "on {}", hosts_[i].name);
    undo.push([rt = hosts_[i].rt.get(), n = spec.name] { (void)rt->remove_network(n); });
  }
  if (hosts_.front().rt->spans_hosts(spec.name))
    overlay_pools_.insert_or_assign(spec.name, ipam::SubnetPool(first.subnet, first.gateway));
  undo.commit();
  return first;
}

Result<void> MultiHostRuntime::remove_network(std::string_view name) {
  Result<void> out;
  for (auto& h : hosts_)
    if (auto r = h.rt->remove_network(name); !r && out) out = with_context(std::move(r), fmt::format("on {}", h.name));
  if (auto it = overlay_pools_.find(name); it != overlay_pools_.end()) overlay_pools_.erase(it);
  return out;
}

Result<api::NetworkInfo> MultiHostRuntime::inspect_network(std::string_view name) {
  return hosts_.front().rt->inspect_network(name);
}

Result<void> MultiHostRuntime::assign_overlay_ip(api::Attachment& att) {
  auto it = overlay_pools_.find(att.network);
  if (it == overlay_pools_.end()) return {};
  if (att.ip) return it->second.reserve(*att.ip);
  att.ip = NC_TRY(it->second.allocate());
  return {};
}

void MultiHostRuntime::release_overlay_ips(const api::ContainerInfo& info) {
  for (auto& e : info.endpoints)
    if (auto it = overlay_pools_.find(e.network); it != overlay_pools_.end()) it->second.release(e.ip);
}

Result<void> MultiHostRuntime::share_names(std::string_view container) {
  auto* rt = NC_TRY(host_of(container));
  auto info = NC_TRY(rt->inspect(container));
  dns::TableContainer names{.name = info.name, .hostname = info.hostname, .short_id = info.id.substr(0, 12), .endpoints = {}};
  for (auto& e : info.endpoints)
    if (is_overlay(e.network)) names.endpoints.push_back({.network = e.network, .ip = e.ip, .aliases = e.aliases});
  if (names.endpoints.empty()) {
    withdraw_names(container);
    return {};
  }
  for (auto& h : hosts_)
    if (h.rt.get() != rt) h.rt->put_remote_names(names);
  return {};
}

void MultiHostRuntime::withdraw_names(std::string_view container) {
  auto owner = host_of(container);
  for (auto& h : hosts_)
    if (!owner || h.rt.get() != *owner) h.rt->remove_remote_names(std::string(container));
}

Result<api::ContainerInfo> MultiHostRuntime::create_container(const api::ContainerSpec& spec) {
  auto* rt = NC_TRY_CTX(host_named(spec.host), "create container {}", spec.name);
  if (container_host_.contains(spec.name)) return failf("create container {}: container {} already exists", spec.name, spec.name);
  api::ContainerSpec local = spec;
  UndoList undo;
  for (auto& att : local.networks) {
    NC_TRY_VOID_CTX(assign_overlay_ip(att), "create container {}: network {}", spec.name, att.network);
    if (auto it = overlay_pools_.find(att.network); it != overlay_pools_.end() && att.ip)
      undo.push([&pool = it->second, ip = *att.ip] { pool.release(ip); });
  }
  auto info = NC_TRY(rt->create_container(local));
  container_host_.emplace(spec.name, spec.host.empty() ? hosts_.front().name : spec.host);
  undo.commit();
  NC_TRY_VOID_CTX(share_names(spec.name), "create container {}: names on other hosts", spec.name);
  return info;
}

// The host's runtime detaches every endpoint (an overlay's takes the container's FDB and
// neighbour entries off the other hosts); the overlay addresses go back to their pools here.
Result<void> MultiHostRuntime::remove_container(std::string_view name) {
  auto* rt = NC_TRY_CTX(host_of(name), "remove container {}", name);
  withdraw_names(name);
  if (auto info = rt->inspect(name)) release_overlay_ips(*info);
  auto out = rt->remove_container(name);
  if (!rt->container_ns(name)) container_host_.erase(container_host_.find(name));  // gone, even with an error
  return out;
}

Result<void> MultiHostRuntime::connect(std::string_view container, const api::Attachment& att) {
  auto* rt = NC_TRY_CTX(host_of(container), "connect {} to {}", container, att.network);
  api::Attachment local = att;
  NC_TRY_VOID_CTX(assign_overlay_ip(local), "connect {} to {}", container, att.network);
  auto r = rt->connect(container, local);
  if (!r)
    if (auto it = overlay_pools_.find(att.network); it != overlay_pools_.end() && local.ip) it->second.release(*local.ip);
  if (!r) return r;
  return with_context(share_names(container), fmt::format("connect {} to {}: names on other hosts", container, att.network));
}

Result<void> MultiHostRuntime::disconnect(std::string_view container, std::string_view network) {
  auto* rt = NC_TRY_CTX(host_of(container), "disconnect {} from {}", container, network);
  auto info = NC_TRY(rt->inspect(container));
  NC_TRY_VOID(rt->disconnect(container, network));
  if (auto* ep = info.endpoint(network))
    if (auto it = overlay_pools_.find(network); it != overlay_pools_.end()) it->second.release(ep->ip);
  return with_context(share_names(container), fmt::format("disconnect {} from {}: names on other hosts", container, network));
}

Result<api::ContainerInfo> MultiHostRuntime::inspect(std::string_view container) {
  auto* rt = NC_TRY_CTX(host_of(container), "inspect {}", container);
  return rt->inspect(container);
}

Result<api::ExecResult> MultiHostRuntime::exec_probe(std::string_view container, const std::vector<std::string>& args,
                                                     std::chrono::milliseconds timeout) {
  auto* rt = NC_TRY_CTX(host_of(container), "exec in {}", container);
  return rt->exec_probe(container, args, timeout);
}

Result<void> MultiHostRuntime::reset() {
  for (auto& [name, host] : container_host_) withdraw_names(name);
  Result<void> out;
  for (auto& h : hosts_)
    if (auto r = h.rt->reset(); !r && out) out = with_context(std::move(r), fmt::format("on {}", h.name));
  container_host_.clear();
  overlay_pools_.clear();
  return out;
}

}  // namespace nc::runtime
