#include "harness/kernel/features.h"

#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <map>

#include "harness/kernel/br_netfilter.h"
#include "harness/kernel/judge.h"
#include "harness/kernel/link_probes.h"
#include "harness/kernel/nft_probe.h"
#include "netimpl/api/capability.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::kernel {
namespace {

// The kernel features: the capabilities with a kernel option (api/capability.h), in its order.
constexpr auto kNames = [] {
  constexpr auto n = std::ranges::count_if(api::kCapabilityTable, [](auto& c) { return !c.kernel_config.empty(); });
  std::array<std::string_view, n> out{};
  size_t i = 0;
  for (auto& c : api::kCapabilityTable)
    if (!c.kernel_config.empty()) out[i++] = c.name;
  return out;
}();

// Collects results by name; emitted in feature_names() order.
class Findings {
 public:
  void judge(std::string_view name, const Result<std::string>& r) { put(kernel::judge(name, r)); }
  void put(Feature f) { by_name_[f.name] = std::move(f); }
  void unavailable(std::string_view name, std::string detail) { set(name, false, std::move(detail)); }
  void not_tried(std::string_view name, std::string_view needs) {
    set(name, false, fmt::format("not tried: needs {} ({})", needs, detail(needs)));
  }
  bool has(std::string_view name) const { return get(name).available; }
  std::string detail(std::string_view name) const { return get(name).detail; }
  // Every feature not judged yet is "not tried: needs <dep>".
  void rest_need(std::string_view dep) {
    for (auto n : kNames)
      if (!by_name_.contains(std::string(n))) not_tried(n, dep);
  }
  std::vector<Feature> ordered() const {
    std::vector<Feature> out;
    for (auto n : kNames) out.push_back(get(n));
    return out;
  }

 private:
  void set(std::string_view name, bool ok, std::string detail) {
    by_name_[std::string(name)] = Feature{std::string(name), ok, std::move(detail)};
  }
  Feature get(std::string_view name) const {
    auto it = by_name_.find(std::string(name));
    return it != by_name_.end() ? it->second : Feature{std::string(name), false, "not probed"};
  }
  std::map<std::string, Feature> by_name_;
};

Result<std::string> sysctl_present(const Namespaces& ns, std::string_view key) {
  auto v = NC_TRY(netlink::read_sysctl(ns, key));
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  return fmt::format("{}={}", key.substr(key.rfind('/') + 1), v);
}

// IPv6 is there, enabled, and has the switches a runtime sets on a container's link
// (Docker: accept_dad=0, so an address is usable at once; ndisc_notify=1, so its MAC is
// announced; they exist wherever IPv6 does, but a kernel that lacks them cannot be judged).
void probe_ipv6(const Namespaces& ns, Findings& f) {
  auto v = sysctl_present(ns, "net/ipv6/conf/all/disable_ipv6");
  if (v && v->ends_with("=1")) return f.unavailable("ipv6", fmt::format("IPv6 is disabled ({})", *v));
  if (!v) return f.judge("ipv6", v);
  std::string detail = *v;
  for (auto key : {"net/ipv6/conf/default/accept_dad", "net/ipv6/conf/default/ndisc_notify"}) {
    auto s = sysctl_present(ns, key);
    if (!s) return f.judge("ipv6", std::unexpected(s.error()));
    detail += ", " + *s;
  }
  f.judge("ipv6", detail);
}

Result<std::string> noted(const Result<void>& r, std::string note) {
  if (!r) return std::unexpected(r.error());
  return note;
}

void probe_links(const Namespaces& ns, Findings& f) {
  auto rtnl = netlink::Rtnl::open(ns);
  if (!rtnl) {
    for (auto n : {"veth", "bridge", "vxlan", "macvlan", "ipvlan", "netem"}) f.judge(n, std::unexpected(rtnl.error()));
    return;
  }
  f.judge("veth", probe_veth(*rtnl));
  f.judge("bridge", probe_bridge(*rtnl));
  f.judge("vxlan", probe_vxlan(*rtnl));
  for (auto [name, probe] : {std::pair{"macvlan", &probe_macvlan}, std::pair{"ipvlan", &probe_ipvlan}, std::pair{"netem", &probe_netem}}) {
    if (f.has("veth")) f.judge(name, probe(*rtnl));
    else f.not_tried(name, "veth");
  }
}

void probe_netfilter(const Namespaces& ns, Findings& f) {
  if (f.has("bridge")) f.put(judge_br_netfilter(br_netfilter_facts(ns)));
  else f.not_tried("br_netfilter", "bridge");
  auto nft = probe_nftables(ns);
  f.judge("nftables", noted(nft.table, "created table inet nc_probe"));
  if (f.has("nftables")) {
    f.judge("nat", noted(nft.nat, "created nat postrouting chain with masquerade"));
    f.judge("ipv6_nat", noted(nft.nat6, "created table ip6 nc_probe6 with a nat postrouting chain and masquerade"));
  } else {
    f.not_tried("nat", "nftables");
    f.not_tried("ipv6_nat", "nftables");
  }
  // nf_conntrack registers its sysctls in a namespace once NAT needs it there.
  f.judge("conntrack", sysctl_present(ns, "net/netfilter/nf_conntrack_max"));
}

}  // namespace

std::span<const std::string_view> feature_names() { return kNames; }

std::vector<Feature> probe_kernel_in(const Namespaces& ns) {
  Findings f;
  f.judge("netns", fmt::format("created network namespace {}", ns.name()));
  probe_links(ns, f);
  probe_netfilter(ns, f);
  probe_ipv6(ns, f);
  return f.ordered();
}

std::vector<Feature> probe_kernel() {
  auto ns = Namespaces::create("kernel-probe", kNsNet);
  if (!ns) {
    Findings f;
    f.judge("netns", std::unexpected(ns.error()));
    f.rest_need("netns");
    return f.ordered();
  }
  return probe_kernel_in(*ns);
}

std::string kernel_release() {
  utsname u{};
  if (::uname(&u) != 0) return "unknown";
  return u.release;
}

}  // namespace nc::kernel
