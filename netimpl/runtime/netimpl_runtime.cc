#include "netimpl/runtime/netimpl_runtime.h"

#include <unistd.h>

#include <csignal>

#include <algorithm>

#include "netimpl/base/undo.h"
#include "netimpl/drivers/registry.h"
#include "netimpl/netlink/link_watch.h"
#include "netimpl/runtime/dns_glue.h"

namespace nc::runtime {

using api::kDefaultBridge;

namespace {

// Whether this kernel has IPv6 at all (the sysctl tree is there in every namespace then).
bool kernel_has_ipv6() { return ::access("/proc/sys/net/ipv6", F_OK) == 0; }

// The IPv6 address Docker's default bridge gives an endpoint (seen on 20.10 and 26.1): with
// at least 48 host bits the prefix with the IPv4-derived MAC (derived_mac) in its last six
// bytes, 172.17.0.2 → PREFIX::242:ac11:2; with fewer (a /96), none: the pool's next address
// (PREFIX::2), as on any other network.
std::optional<IpAddr> mac_derived_ip6(const Prefix& subnet6, const IpAddr& ip) {
  if (subnet6.len() > 80) return std::nullopt;
  in6_addr a = subnet6.addr().to_in6();
  const uint8_t* v4 = ip.bytes();
  uint8_t mac[6] = {0x02, 0x42, v4[0], v4[1], v4[2], v4[3]};
  for (int i = 0; i < 6; ++i) a.s6_addr[10 + i] = mac[i];
  return IpAddr::from_in6(a);
}

}  // namespace

Result<std::unique_ptr<NetimplRuntime>> NetimplRuntime::create(const Namespaces& host, NetimplOptions opts) {
  auto rtnl = NC_TRY_CTX(netlink::Rtnl::open(host), "start netimpl");
  auto fw = NC_TRY_CTX(nft::Firewall::open(host), "start netimpl");
  // dockerd turns forwarding on at start; so do we.
  NC_TRY_VOID_CTX(netlink::write_sysctl(host, "net/ipv4/ip_forward", "1"), "start netimpl");
  std::unique_ptr<NetimplRuntime> rt(new NetimplRuntime(host, std::move(rtnl), std::move(fw), std::move(opts)));
  api::NetworkSpec def{.name = std::string(kDefaultBridge)};
  def.subnet = *Prefix::parse("172.17.0.0/16");
  def.gateway = *IpAddr::parse("172.17.0.1");
  def.subnet6 = rt->opts_.default_bridge6;
  rt->dns_ = NC_TRY_CTX(DnsGlue::start(host), "start netimpl");
  NC_TRY_VOID_CTX(rt->create_network(def), "start netimpl: default bridge");
  // The other predefined networks, as in Docker: "host" and "none".
  for (auto name : {"host", "none"})
    NC_TRY_VOID_CTX(rt->create_network({.name = name, .driver = name}), "start netimpl: network {}", name);
  rt->predefined_ = rt->network_order_;
  return rt;
}

NetimplRuntime::NetimplRuntime(const Namespaces& host, netlink::Rtnl rtnl, nft::Firewall fw, NetimplOptions opts)
    : host_(&host), rtnl_(std::move(rtnl)), firewall_(std::move(fw)), opts_(std::move(opts)) {
  drivers_ = drivers::make_drivers(opts_.overlay ? opts_.overlay : std::make_shared<drivers::OverlayControlPlane>());
}

NetimplRuntime::~NetimplRuntime() { containers_.clear(); }

std::string NetimplRuntime::version() const { return "0.1"; }

std::set<std::string> NetimplRuntime::capabilities() const {
  // ipv6: dual-stack networks, and the lab's IPv6 (the embedded DNS forwards to IPv6
  // servers from the host's namespace, DNS-027); default_bridge_ipv6: NetimplOptions.
  return {"netns", "veth", "bridge", "br_netfilter", "nftables", "nat", "conntrack", "ports", "dns", "macvlan", "ipvlan", "vxlan",
          "lifecycle", "netns_access", "host_resolv", "netem", "ipv6", "default_bridge_ipv6"};
}

drivers::Driver* NetimplRuntime::driver_for(std::string_view name) {
  auto it = drivers_.find(name);
  return it == drivers_.end() ? nullptr : it->second.get();
}

const drivers::Driver& NetimplRuntime::driver_of(std::string_view network) const {
  return *drivers_.find(networks_.find(network)->second.spec.driver)->second;
}

bool NetimplRuntime::spans_hosts(std::string_view network) const {
  return networks_.contains(network) && driver_of(network).spans_hosts();
}

Result<drivers::NetworkState*> NetimplRuntime::network(std::string_view name) {
  auto it = networks_.find(name);
  if (it == networks_.end()) return failf("network {} not found", name);
  return &it->second;
}

Result<Container*> NetimplRuntime::container(std::string_view name) {
  auto it = containers_.find(name);
  if (it == containers_.end()) return failf("container {} not found", name);
  return &it->second;
}

Result<api::NetworkInfo> NetimplRuntime::create_network(const api::NetworkSpec& spec) {
  auto ctx = [&] { return fmt::format("create network {}", spec.name); };
  if (spec.name.empty()) return fail("create network: a network needs a name");
  if (networks_.contains(spec.name)) return failf("{}: network {} already exists", ctx(), spec.name);
  auto* drv = driver_for(spec.driver);
  if (!drv) return failf("{}: unknown driver {}", ctx(), spec.driver);
  NC_TRY_VOID_CTX(drv->validate(spec), "{}", ctx());
  if (spec.dual_stack() && !drv->dual_stack())
    return failf("{}: netimpl's {} driver has no IPv6 yet (ipv6, subnet6, gateway6)", ctx(), spec.driver);
  drivers::NetworkState net;
  net.spec = spec;
  net.info = {.name = spec.name, .driver = spec.driver, .subnet = Prefix(), .gateway = std::nullopt,
              .internal = spec.internal, .bridge = ""};
  UndoList undo;
  if (drv->assigns_addresses()) {
    auto choice = NC_TRY_CTX(ipam_.claim(spec.name, spec.subnet, spec.gateway), "{}", ctx());
    undo.push([this, n = spec.name] { ipam_.release(n); });
    net.info.subnet = choice.subnet;
    net.info.gateway = choice.gateway;
    net.pool = std::make_unique<ipam::SubnetPool>(choice.subnet, choice.gateway);
    if (spec.dual_stack()) {
      auto v6 = NC_TRY_CTX(ipam_.claim(spec.name, spec.subnet6, spec.gateway6, AF_INET6), "{}", ctx());
      net.info.subnet6 = v6.subnet;
      net.info.gateway6 = v6.gateway;
      net.pool6 = std::make_unique<ipam::SubnetPool>(v6.subnet, v6.gateway);
      // As dockerd for an IPv6 network: the host forwards IPv6.
      NC_TRY_VOID_CTX(netlink::write_sysctl(*host_, "net/ipv6/conf/all/forwarding", "1"), "{}", ctx());
    }
  }
  auto host = host_ctx();
  NC_TRY_VOID_CTX(drv->create_network(host, net), "{}", ctx());
  auto& stored = networks_.emplace(spec.name, std::move(net)).first->second;
  network_order_.push_back(spec.name);
  undo.push([this, drv, n = spec.name] {
    auto h = host_ctx();
    (void)drv->remove_network(h, networks_.at(n));
    networks_.erase(n);
    std::erase(network_order_, n);
  });
  NC_TRY_VOID_CTX(sync_firewall(), "{}", ctx());
  undo.commit();
  // The default bridge has no name discovery, whatever its driver offers (Docker's rule).
  if (drv->name_discovery() && spec.name != kDefaultBridge) dns_->network_added(spec);
  return stored.info;
}

Result<void> NetimplRuntime::remove_network(std::string_view name) {
  auto* net = NC_TRY_CTX(network(name), "remove network {}", name);
  for (auto& [cname, c] : containers_)
    if (c.endpoint(name)) return failf("remove network {}: container {} is still attached", name, cname);
  auto host = host_ctx();
  NC_TRY_VOID_CTX(driver_for(net->spec.driver)->remove_network(host, *net), "remove network {}", name);
  ipam_.release(name);
  std::erase(network_order_, std::string(name));
  dns_->network_removed(name);
  networks_.erase(networks_.find(name));
  return with_context(sync_firewall(), fmt::format("remove network {}", name));
}

Result<api::NetworkInfo> NetimplRuntime::inspect_network(std::string_view name) {
  auto* net = NC_TRY_CTX(network(name), "inspect network {}", name);
  return net->info;
}

Result<void> NetimplRuntime::attach(Container& c, const api::Attachment& att) {
  auto* net = NC_TRY(network(att.network));
  if (c.endpoint(att.network)) return failf("container {} is already on network {}", c.name, att.network);
  drivers::EndpointState ep;
  ep.network = att.network;
  ep.ifname = c.next_ifname();
  ep.host_ifname = fmt::format("veth{:07x}", (veth_seq_++ * 2654435761u) & 0xfffffff);
  ep.prefix_len = net->info.subnet.len();
  ep.gateway = net->spec.internal ? std::nullopt : net->info.gateway;
  if (net->pool6) {
    ep.prefix_len6 = net->info.subnet6->len();
    ep.gateway6 = net->spec.internal ? std::nullopt : net->info.gateway6;
  }
  ep.aliases = att.aliases;
  auto exclusive = [this](std::string_view network) { return driver_of(network).exclusive(); };
  if (!c.endpoints.empty() &&
      (exclusive(att.network) || std::ranges::any_of(c.endpoints, [&](auto& e) { return exclusive(e.network); })))
    return failf("container {} cannot be on network {} and another network: host and none are exclusive", c.name,
                 att.network);
  UndoList undo;
  if (!net->pool) {
    if (att.ip) return failf("network {} assigns no addresses (driver {})", att.network, net->spec.driver);
  } else if (att.ip) {
    NC_TRY_VOID(net->pool->reserve(*att.ip));
  } else {
    ep.ip = NC_TRY(net->pool->allocate());
  }
  if (att.ip) ep.ip = *att.ip;
  if (net->pool) undo.push([net, ip = ep.ip] { net->pool->release(ip); });
  if (att.ip6 && !net->pool6) return failf("network {} has no IPv6 (ip6 {})", att.network, *att.ip6);
  if (net->pool6) {
    std::optional<IpAddr> ip6 = att.ip6;
    if (!ip6 && att.network == kDefaultBridge) ip6 = mac_derived_ip6(*net->info.subnet6, ep.ip);
    if (ip6) NC_TRY_VOID(net->pool6->reserve(*ip6));
    ep.ip6 = ip6 ? *ip6 : NC_TRY(net->pool6->allocate());
    undo.push([net, ip = *ep.ip6] { net->pool6->release(ip); });
  }
  auto host = host_ctx();
  auto sb = c.sandbox();
  NC_TRY_VOID(driver_for(net->spec.driver)->attach(host, *net, sb, ep));
  c.endpoints.push_back(ep);
  undo.push([&c, this, net] {
    auto h = host_ctx();
    auto s = c.sandbox();
    (void)driver_for(net->spec.driver)->detach(h, *net, s, c.endpoints.back());
    c.endpoints.pop_back();
  });
  NC_TRY_VOID(sync_default_route(c));
  undo.commit();
  return {};
}

Result<void> NetimplRuntime::detach(Container& c, drivers::EndpointState& ep) {
  auto* net = NC_TRY(network(ep.network));
  auto host = host_ctx();
  auto sb = c.sandbox();
  NC_TRY_VOID(driver_for(net->spec.driver)->detach(host, *net, sb, ep));
  release_address(ep);
  // The kernel dropped the default route with its link, if it went through this one.
  for (auto& r : c.default_routes)
    if (r.dev == ep.ifname) r = {};
  std::erase_if(c.endpoints, [&](auto& e) { return e.network == net->spec.name; });
  return sync_default_route(c);
}

Result<void> NetimplRuntime::start_main(Container& c, const std::vector<std::string>& command) {
  LaunchSpec spec;
  spec.argv.push_back(opts_.probe_path);
  if (command.empty()) {
    spec.argv.push_back("idle");
  } else {
    spec.argv.insert(spec.argv.end(), command.begin(), command.end());
  }
  spec.ns = &c.ns;
  spec.capture_stderr = true;
  auto proc = NC_TRY_CTX(Process::spawn(spec), "start container {}", c.name);
  // The probe's first line says whether it is ready (serve: listening) or failed.
  auto line = proc.read_line(opts_.ready_timeout);
  if (!line) return fail(fmt::format("start container {}: {} ({})", c.name, line.error().message(), proc.take_stderr()));
  if (line->find("\"outcome\":\"ok\"") == std::string::npos)
    return failf("start container {}: probe {} reported: {}", c.name, fmt::join(command, " "), *line);
  c.main.emplace(std::move(proc));
  return {};
}

Result<api::ContainerInfo> NetimplRuntime::create_container(const api::ContainerSpec& spec) {
  auto ctx = fmt::format("create container {}", spec.name);
  if (spec.name.empty()) return fail("create container: a container needs a name");
  if (containers_.contains(spec.name)) return failf("{}: container {} already exists", ctx, spec.name);
  std::vector<api::Attachment> atts = spec.networks;
  if (atts.empty()) atts.push_back({.network = std::string(kDefaultBridge)});
  for (auto& a : atts) NC_TRY_VOID_CTX(network(a.network), "{}", ctx);  // validate before any side effect
  NC_TRY_VOID_CTX(Publisher::validate(spec.publish), "{}", ctx);
  // Host mode: the container gets the host's network namespace itself (and ignores -p,
  // like Docker, which warns "Published ports are discarded when using host network mode").
  bool host_mode = std::ranges::any_of(atts, [this](auto& a) { return driver_of(a.network).shares_host_ns(); });
  // So do internal (or non-bridge) networks only.
  bool publishes = !spec.publish.empty() && !host_mode &&
                   std::ranges::any_of(atts, [this](auto& a) {
                     auto& n = networks_.at(a.network);
                     return !n.spec.internal && !n.info.bridge.empty();
                   });
  // One undo for the whole create: each step that succeeded pushes its inverse, and a
  // failure anywhere undoes them all, newest first. The container's links and namespaces
  // go when `c` is dropped (before the undo runs: it is declared after it).
  UndoList undo;
  // Host ports first: a clash fails before any namespace or link exists. As Docker does, a
  // spec without host address holds [::] too whenever the kernel has IPv6: a container
  // without IPv6 is then reached over IPv6 through the userland proxy (publish.h).
  if (publishes) {
    NC_TRY_VOID_CTX(ports_.publish(spec.name, spec.publish, kernel_has_ipv6()), "{}", ctx);
    undo.push([this, n = spec.name] { ports_.release(n); });
  }
  auto c = NC_TRY(host_mode ? make_host_container(spec.name, random_id(), *host_)
                            : make_container(spec.name, random_id(), spec.hostname));
  for (auto& a : atts) {
    NC_TRY_VOID_CTX(attach(c, a), "{}: attach to network {}", ctx, a.network);
    undo.push([this, ep = c.endpoints.back()] { release_address(ep); });
  }
  undo.push([this, n = spec.name] { dns_->container_removed(n); });
  NC_TRY_VOID(dns_->container_created(c, spec));
  c.command = spec.command;
  if (opts_.start_processes) NC_TRY_VOID(start_main(c, spec.command));
  auto& stored = containers_.emplace(spec.name, std::move(c)).first->second;
  // From here on the container is the runtime's: removing it undoes all of the above.
  undo.commit();
  undo.push([this, n = spec.name] { (void)remove_container(n); });
  if (publishes) NC_TRY_VOID_CTX(sync_firewall(), "{}", ctx);
  undo.commit();
  return info(stored);
}

void NetimplRuntime::release_address(const drivers::EndpointState& ep) {
  auto n = networks_.find(ep.network);
  if (n == networks_.end()) return;
  if (n->second.pool) n->second.pool->release(ep.ip);
  if (n->second.pool6 && ep.ip6) n->second.pool6->release(*ep.ip6);
}

Result<void> NetimplRuntime::remove_container(std::string_view name) {
  auto it = containers_.find(name);
  if (it == containers_.end()) return failf("remove container {}: not found", name);
  Container& c = it->second;
  dns_->container_removed(c.name);
  // Each endpoint leaves as a disconnect takes it, through its driver's detach: a veth is
  // deleted at once (the kernel answers once it has unregistered the pair; left to the
  // closing of the namespaces it would go with the kernel's batched teardown of namespaces,
  // 100-290 ms later in a suite of two labs, against 15-50 ms), an overlay's entries leave
  // the other hosts. Detach is best effort: the first error is returned once all is removed.
  Result<void> out;
  std::vector<std::string> links;
  for (auto& ep : c.endpoints) {
    if (!ep.host_ifname.empty()) links.push_back(ep.host_ifname);
    auto host = host_ctx();
    auto sb = c.sandbox();
    if (auto net = network(ep.network); net)
      if (auto r = driver_for((*net)->spec.driver)->detach(host, **net, sb, ep); !r && out) out = std::move(r);
    release_address(ep);
  }
  // Dropping the container kills its probe and closes its namespaces.
  containers_.erase(it);
  // What the kernel still removes asynchronously (a detach that failed): a remove that
  // returns is complete.
  NC_TRY_VOID_CTX(netlink::wait_links_gone(*host_, links, std::chrono::seconds(5)), "remove container {}", name);
  if (!ports_.ports(name).empty()) {
    ports_.release(name);
    NC_TRY_VOID_CTX(sync_firewall(), "remove container {}", name);
  }
  return with_context(std::move(out), fmt::format("remove container {}", name));
}

Result<Namespaces> NetimplRuntime::container_netns(std::string_view name) {
  auto* c = NC_TRY_CTX(container(name), "open the network namespace of container {}", name);
  return c->ns.dup();
}

Result<void> NetimplRuntime::lifecycle(std::string_view name, api::Lifecycle op) {
  auto what = fmt::format("{} container {}", api::lifecycle_name(op), name);
  auto* c = NC_TRY_CTX(container(name), "{}", what);
  using L = api::Lifecycle;
  if (op == L::kStop || op == L::kKill || op == L::kRestart) {
    if (!c->main) {
      if (op != L::kRestart) return failf("{}: it is not running", what);
    } else {
      // kill: SIGKILL at once (the process cannot clean up: a crash); stop: SIGTERM, and
      // SIGKILL after a grace of 1 s.
      if (op == L::kKill) {
        c->main->signal(SIGKILL);
        auto code = NC_TRY_CTX(c->main->wait_for(std::chrono::seconds(5)), "{}", what);
        if (!code) return failf("{}: still running 5 s after SIGKILL", what);
      } else {
        NC_TRY_VOID_CTX(c->main->terminate(std::chrono::seconds(1)), "{}", what);
      }
      c->main.reset();
    }
  }
  if (op == L::kStart || op == L::kRestart) {
    if (c->main) return failf("{}: it is already running", what);
    // Docker builds the sandbox anew at every start, and reads the host's resolver then.
    NC_TRY_VOID(dns_->container_started(*c));
    if (opts_.start_processes) NC_TRY_VOID_CTX(start_main(*c, c->command), "{}", what);
  }
  return {};
}

Result<void> NetimplRuntime::connect(std::string_view container_name, const api::Attachment& att) {
  auto* c = NC_TRY_CTX(container(container_name), "connect {} to {}", container_name, att.network);
  NC_TRY_VOID_CTX(attach(*c, att), "connect {} to {}", container_name, att.network);
  NC_TRY_VOID_CTX(sync_ports(*c), "connect {} to {}", container_name, att.network);
  return with_context(dns_->container_changed(*c), fmt::format("connect {} to {}", container_name, att.network));
}

Result<void> NetimplRuntime::disconnect(std::string_view container_name, std::string_view network_name) {
  auto ctx = fmt::format("disconnect {} from {}", container_name, network_name);
  auto* c = NC_TRY_CTX(container(container_name), "{}", ctx);
  auto* ep = c->endpoint(network_name);
  if (!ep) return failf("{}: container {} is not on network {}", ctx, container_name, network_name);
  NC_TRY_VOID_CTX(detach(*c, *ep), "{}", ctx);
  NC_TRY_VOID_CTX(sync_ports(*c), "{}", ctx);
  return with_context(dns_->container_changed(*c), ctx);
}

// The address published ports DNAT to follows the container's endpoints (publish.h): a
// connect or disconnect may move it, so the firewall (and the conntrack entries of the
// mappings that moved) follow at once.
Result<void> NetimplRuntime::sync_ports(const Container& c) {
  if (ports_.ports(c.name).empty()) return {};
  return sync_firewall();
}

api::ContainerInfo NetimplRuntime::info(const Container& c) const {
  api::ContainerInfo out{.name = c.name, .id = c.id, .hostname = c.hostname, .endpoints = {}, .ports = {}};
  out.ports = ports_.ports(c.name);
  for (auto& e : c.endpoints)
    if (driver_of(e.network).assigns_addresses())  // as `docker inspect`: none on host or none
      out.endpoints.push_back({.network = e.network, .ip = e.ip, .prefix_len = e.prefix_len, .gateway = e.gateway,
                               .mac = e.mac, .aliases = e.aliases, .ip6 = e.ip6, .prefix_len6 = e.prefix_len6,
                               .gateway6 = e.gateway6});
  return out;
}

Result<api::ContainerInfo> NetimplRuntime::inspect(std::string_view name) {
  auto* c = NC_TRY_CTX(container(name), "inspect {}", name);
  return info(*c);
}

Result<api::ExecResult> NetimplRuntime::exec_probe(std::string_view name, const std::vector<std::string>& args,
                                                   std::chrono::milliseconds timeout) {
  auto* c = NC_TRY_CTX(container(name), "exec in {}", name);
  LaunchSpec spec;
  spec.argv.push_back(opts_.probe_path);
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.ns = &c->ns;
  auto r = NC_TRY_CTX(run(spec, timeout), "exec probe in {}", name);
  if (r.timed_out) return failf("exec probe in {}: {} did not finish within {} ms", name, fmt::join(args, " "), timeout.count());
  return api::ExecResult{.exit_code = r.exit_code, .out = std::move(r.out), .err = std::move(r.err)};
}

Result<void> NetimplRuntime::reset() {
  std::vector<std::string> host_links;
  for (auto& [name, c] : containers_)
    for (auto& ep : c.endpoints)
      if (!ep.host_ifname.empty()) host_links.push_back(ep.host_ifname);
  for (auto& [name, c] : containers_) dns_->container_removed(name);
  ports_.release_all();
  containers_.clear();
  // The kernel removes a closed namespace's veth pairs asynchronously: wait for it, so a
  // reset that returns is complete.
  NC_TRY_VOID_CTX(netlink::wait_links_gone(*host_, host_links, std::chrono::seconds(5)), "reset");
  std::vector<std::string> names;
  for (auto& n : network_order_)
    if (std::ranges::find(predefined_, n) == predefined_.end()) names.push_back(n);
  for (auto& n : names) NC_TRY_VOID_CTX(remove_network(n), "reset");
  NC_TRY_VOID_CTX(sync_firewall(), "reset");
  // Verify from the kernel's side: only the predefined networks' bridges (docker0) and no
  // veth may remain on the host.
  std::vector<std::string> kept;
  for (auto& n : predefined_) kept.push_back(networks_.at(n).info.bridge);
  auto links = NC_TRY_CTX(rtnl_.links(), "reset: list host links");
  for (auto& l : links)
    if ((l.kind == "veth" && l.name.starts_with("veth")) || (l.kind == "bridge" && std::ranges::find(kept, l.name) == kept.end()))
      return failf("reset: host link {} ({}) is still present", l.name, l.kind);
  return {};
}

const Namespaces* NetimplRuntime::container_ns(std::string_view name) const {
  auto it = containers_.find(name);
  return it == containers_.end() ? nullptr : &it->second.ns;
}

void NetimplRuntime::put_remote_names(dns::TableContainer c) { dns_->remote_put(std::move(c)); }

void NetimplRuntime::remove_remote_names(const std::string& container) { dns_->container_removed(container); }

Result<void> NetimplRuntime::sync_firewall() {
  nft::FirewallModel model;
  for (auto& name : network_order_) {
    auto& net = networks_.at(name);
    if (net.info.bridge.empty()) continue;
    model.bridges.push_back({.bridge = net.info.bridge, .subnet = net.info.subnet, .internal = net.spec.internal,
                             .icc = net.spec.icc, .subnet6 = net.info.subnet6});
  }
  model.ports = ports_.mappings(containers_, networks_);
  NC_TRY_VOID(firewall_.apply(model));
  NC_TRY_VOID(ports_.applied(model.ports));
  return ports_.proxy(containers_, networks_);
}

}  // namespace nc::runtime
