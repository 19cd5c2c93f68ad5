// CniRuntime: creation, networks, reset and its verification. Containers: cni_containers.cc;
// single CNI requests of the CNI- checks: cni_control.cc.
#include "harness/runtimes/cni/cni_runtime.h"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/runtimes/cli_adapter/host_files.h"
#include "netimpl/netlink/link_watch.h"
#include "netimpl/netlink/rtnl.h"
#include "netimpl/runtime/container.h"

namespace nc::cni {

namespace fs = std::filesystem;

namespace {

constexpr const char* kPlugins[] = {"bridge", "host-local", "portmap", "firewall", "loopback"};

std::string bridge_name(std::string_view network) {
  return network == api::kDefaultBridge ? "cni0" : fmt::format("cni-{}", network.substr(0, 11));
}

}  // namespace

Result<std::string> installed_plugins_version() {
  std::ifstream in("/var/lib/dpkg/status");
  if (!in) return fail("read /var/lib/dpkg/status: cannot open it");
  std::string line;
  bool ours = false;
  while (std::getline(in, line)) {
    if (line.starts_with("Package: ")) ours = line == "Package: containernetworking-plugins";
    if (!ours || !line.starts_with("Version: ")) continue;
    std::string v = line.substr(9);
    if (auto colon = v.find(':'); colon != std::string::npos) v = v.substr(colon + 1);  // epoch
    if (auto cut = v.find_first_of("+~-"); cut != std::string::npos) v.resize(cut);
    return v;
  }
  return fail("containernetworking-plugins is not installed (ci/install-deps --with-runtimes installs it)");
}

CniRuntime::CniRuntime(const Namespaces& host, CniOptions opts) : host_(&host), opts_(std::move(opts)) {}

Result<std::unique_ptr<CniRuntime>> CniRuntime::create(const Namespaces& host, CniOptions opts) {
  if (opts.state_dir.empty()) opts.state_dir = fmt::format("/run/netconform/cni-{}", runtime::random_id().substr(0, 12));
  if (opts.version.empty()) opts.version = NC_TRY_CTX(installed_plugins_version(), "start cni");
  std::unique_ptr<CniRuntime> rt(new CniRuntime(host, std::move(opts)));
  auto& o = rt->opts_;
  NC_TRY_VOID_CTX(runtimes::isolate_host_files(host, o.state_dir), "start cni");
  NC_TRY_VOID_CTX(rt->ensure_dir(o.state_dir + "/netns"), "start cni");
  for (auto* p : kPlugins) NC_TRY_VOID_CTX(plugin_versions(rt->plugin_env(), p), "start cni");
  NC_TRY_VOID_CTX(rt->create_network({.name = std::string(api::kDefaultBridge),
                                      .subnet = *Prefix::parse("172.17.0.0/16"),
                                      .gateway = *IpAddr::parse("172.17.0.1")}),
                  "start cni");
  rt->networks_.emplace("none", Network{.info = {.name = "none", .driver = "none"}, .conflist = nullptr});
  rt->networks_.emplace("host", Network{.info = {.name = "host", .driver = "host"}, .conflist = nullptr});
  return rt;
}

CniRuntime::~CniRuntime() {
  for (auto& [name, c] : containers_) (void)teardown(c);
  containers_.clear();
  std::error_code ec;
  fs::remove_all(opts_.state_dir, ec);  // the lab's tmpfs; the host's overlays go with its namespace
}

std::set<std::string> CniRuntime::capabilities() const {
  // iptables-nft is what the plugins' iptables calls program: nftables underneath.
  return {"netns", "veth", "bridge", "nftables", "nat", "ports", "cni"};
}

Result<std::string> CniRuntime::ensure_dir(const std::string& dir) {
  NC_TRY_VOID(host_->run([&] { return runtimes::make_dirs_under_run(dir); }));
  return dir;
}

Result<CniRuntime::Network*> CniRuntime::network(std::string_view name) {
  auto it = networks_.find(name);
  if (it == networks_.end()) return failf("network {} not found", name);
  return &it->second;
}

Result<CniRuntime::Network> CniRuntime::make_network(const api::NetworkSpec& spec) {
  if (spec.driver != "bridge")
    return failf("driver {}: the CNI runtime drives the bridge plugin only", spec.driver);
  if (!spec.icc) return fail("icc=false: the bridge plugin has no option to stop traffic between containers of one bridge");
  if (!spec.parent.empty() || !spec.mode.empty()) return fail("parent/mode apply to macvlan and ipvlan, not bridge");
  std::optional<Prefix> subnet = spec.subnet;
  for (int b = 18; !subnet && b < 32; ++b) {
    Prefix p = *Prefix::parse(fmt::format("172.{}.0.0/16", b));
    bool used = false;
    for (auto& [n, net] : networks_) used = used || (net.conflist.is_object() && net.info.subnet.overlaps(p));
    if (!used) subnet = p;
  }
  if (!subnet) return fail("no free subnet left in 172.18.0.0/15..172.31.0.0/16");
  for (auto& [n, net] : networks_)
    if (net.conflist.is_object() && net.info.subnet.overlaps(*subnet))
      return failf("subnet {} overlaps network {} ({})", subnet->str(), n, net.info.subnet.str());
  IpAddr gateway = spec.gateway ? *spec.gateway : subnet->network().addr().offset(1);
  BridgeNetwork b{.name = spec.name, .bridge = bridge_name(spec.name), .subnet = subnet->network(), .gateway = gateway,
                  .internal = spec.internal, .mtu = spec.mtu, .ipam_dir = opts_.state_dir + "/ipam"};
  Network n{.info = {.name = spec.name, .driver = "bridge", .subnet = b.subnet, .gateway = gateway,
                     .internal = spec.internal, .bridge = b.bridge},
            .conflist = bridge_conflist(b)};
  return n;
}

Result<api::NetworkInfo> CniRuntime::create_network(const api::NetworkSpec& spec) {
  if (spec.name.empty()) return fail("create network: a network needs a name");
  if (networks_.contains(spec.name)) return failf("create network {}: network {} already exists", spec.name, spec.name);
  auto n = NC_TRY_CTX(make_network(spec), "create network {}", spec.name);
  return networks_.emplace(spec.name, std::move(n)).first->second.info;
}

Result<void> CniRuntime::remove_network(std::string_view name) {
  auto* n = NC_TRY_CTX(network(name), "remove network {}", name);
  if (!n->conflist.is_object() || name == api::kDefaultBridge) return failf("remove network {}: a predefined network", name);
  for (auto& [cn, c] : containers_)
    for (auto& a : c.attachments)
      if (a.network == name && !a.deleted) return failf("remove network {}: container {} is attached to it", name, cn);
  // CNI has no "network delete": the runtime removes what the bridge plugin left, the bridge.
  auto bridge = n->info.bridge;
  auto rtnl = NC_TRY_CTX(netlink::Rtnl::open(*host_), "remove network {}", name);
  NC_TRY_VOID_CTX(rtnl.delete_link(bridge), "remove network {}: delete bridge {}", name, bridge);
  networks_.erase(networks_.find(name));
  return {};
}

Result<api::NetworkInfo> CniRuntime::inspect_network(std::string_view name) {
  return NC_TRY_CTX(network(name), "inspect network {}", name)->info;
}

Result<void> CniRuntime::reset() {
  std::vector<std::string> errors;
  for (auto& [name, c] : containers_)
    if (auto r = teardown(c); !r) errors.push_back(fmt::format("container {}: {}", name, r.error().message()));
  containers_.clear();
  std::vector<std::string> nets;
  for (auto& [name, n] : networks_)
    if (n.conflist.is_object() && name != api::kDefaultBridge) nets.push_back(name);
  for (auto& name : nets)
    if (auto r = remove_network(name); !r) errors.push_back(r.error().message());
  if (auto r = verify_clean(); !r) errors.push_back(r.error().message());
  if (!errors.empty()) return failf("reset: {}", fmt::join(errors, "; "));
  return {};
}

// Nothing of a container may remain: no host-local reservation (a file named by the
// address, holding "<container id>\r\n<ifname>") and no veth on the host.
Result<void> CniRuntime::verify_clean() {
  std::vector<std::string> left;
  std::error_code ec;
  for (auto& net : fs::directory_iterator(opts_.state_dir + "/ipam", ec)) {
    for (auto& f : fs::directory_iterator(net.path(), ec)) {
      auto file = f.path().filename().string();
      if (file == "lock" || file.starts_with("last_reserved_ip")) continue;
      left.push_back(fmt::format("host-local still reserves {} on network {}", file, net.path().filename().string()));
    }
  }
  if (!left.empty()) return failf("not clean: {}", fmt::join(left, "; "));
  auto rtnl = NC_TRY(netlink::Rtnl::open(*host_));
  std::vector<std::string> veths;
  for (auto& l : NC_TRY(rtnl.links()))
    if (l.kind == "veth" && l.name.starts_with("veth")) veths.push_back(l.name);
  // The kernel removes the host end of a pair whose namespace went asynchronously.
  return with_context(netlink::wait_links_gone(*host_, veths, std::chrono::seconds(5)), "not clean");
}

}  // namespace nc::cni
