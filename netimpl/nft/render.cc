#include "netimpl/nft/render.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <set>

namespace nc::nft {
namespace {

// --- small term helpers, so rules below read like nft ---
Term iif(const std::string& n) { return IfnameMatch{false, IfName(n)}; }
Term oif(const std::string& n, bool negate = false) { return IfnameMatch{true, IfName(n), negate}; }
Term verdict(bool accept) { return VerdictStmt{accept ? Verdict::kAccept : Verdict::kDrop}; }
Term accept() { return verdict(true); }
Term drop() { return verdict(false); }
Term daddr(const IpAddr& a) { return AddrMatch{true, Prefix(a, a.is_v4() ? 32 : 128)}; }
Term established() {
  return CtStateMatch{NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED)};
}
uint8_t l4proto(const PortMapping& p) { return ip_proto(p.proto); }

const BridgeNet* find_bridge(const FirewallModel& m, const std::string& name) {
  for (const BridgeNet& b : m.bridges)
    if (b.bridge == name) return &b;
  return nullptr;
}

// The mappings that get rules: those on non-internal bridges.
std::vector<const PortMapping*> published(const FirewallModel& m) {
  std::vector<const PortMapping*> out;
  for (const PortMapping& p : m.ports)
    if (!find_bridge(m, p.bridge)->internal) out.push_back(&p);
  return out;
}

// --- chains ---

void forward_rules(const FirewallModel& m, std::vector<Rule>& out) {
  auto ports = published(m);
  for (const BridgeNet& b : m.bridges) {
    out.push_back(make_rule({oif(b.bridge), established(), accept()}));
    out.push_back(make_rule({oif(b.bridge), iif(b.bridge), verdict(b.icc)}));
    for (const PortMapping* p : ports)
      if (p->bridge == b.bridge)
        out.push_back(make_rule({oif(b.bridge), daddr(p->container_ip), PortMatch{l4proto(*p), p->container_port}, accept()}));
    out.push_back(make_rule({oif(b.bridge), drop()}));
  }
  for (const BridgeNet& b : m.bridges) out.push_back(make_rule({iif(b.bridge), verdict(!b.internal)}));
}

Prefix loopback(bool v4) { return v4 ? Prefix(IpAddr::v4(0x7f000000), 8) : Prefix(*IpAddr::parse("::1"), 128); }

// True when the host reaches the mapping through 127.0.0.1 (any address, or loopback).
bool via_loopback(const PortMapping& p) { return p.container_ip.is_v4() && (!p.host_ip || p.host_ip->is_loopback()); }

void postrouting_rules(const FirewallModel& m, std::vector<Rule>& out) {
  for (const BridgeNet& b : m.bridges) {
    if (b.internal) continue;
    out.push_back(make_rule({AddrMatch{false, b.subnet.network()}, oif(b.bridge, true), MasqueradeStmt{}}));
    // NAT66, as Docker 27+ does by default (ip6tables on; before 27 an experimental option)
    if (b.subnet6) out.push_back(make_rule({AddrMatch{false, b.subnet6->network()}, oif(b.bridge, true), MasqueradeStmt{}}));
  }
  auto ports = published(m);
  // Hairpin: a container reaching its own published port through the host's address would
  // otherwise get a packet from itself, and answer it locally, past the NAT.
  for (const PortMapping* p : ports)
    out.push_back(make_rule({AddrMatch{false, Prefix(p->container_ip, p->container_ip.is_v4() ? 32 : 128)},
                             daddr(p->container_ip), PortMatch{l4proto(*p), p->container_port}, MasqueradeStmt{}}));
  // The host to 127.0.0.1:PORT (output DNAT): a loopback source cannot leave on a bridge, so
  // it becomes the gateway's address (Docker without its proxy does the same; the bridge
  // also needs route_localnet=1, see needs_route_localnet).
  for (const std::string& bridge : needs_route_localnet(m))
    out.push_back(make_rule({AddrMatch{false, loopback(true)}, oif(bridge), MasqueradeStmt{}}));
}

std::vector<Term> dnat_terms(const PortMapping& p) {
  std::vector<Term> t;
  if (p.host_ip) t.push_back(daddr(*p.host_ip));
  t.push_back(FibLocalMatch{});
  t.push_back(PortMatch{l4proto(p), p.host_port});
  t.push_back(DnatStmt{p.container_ip, p.container_port});
  return t;
}

void prerouting_rules(const FirewallModel& m, std::vector<Rule>& out) {
  for (const PortMapping* p : published(m)) out.push_back(make_rule(dnat_terms(*p)));
}

// Connections the host makes to a published port, including to 127.0.0.1 (IPv4: masqueraded
// in postrouting). IPv6 has no route_localnet: ::1 is left alone.
void output_rules(const FirewallModel& m, std::vector<Rule>& out) {
  for (const PortMapping* p : published(m)) {
    std::vector<Term> t = dnat_terms(*p);
    if (!p->host_ip && !p->container_ip.is_v4()) t.insert(t.begin(), AddrMatch{true, loopback(false), true});
    out.push_back(make_rule(std::move(t)));
  }
}

// Docker 28: a port published on 127.0.0.1 answers only the host. With route_localnet on a
// bridge the kernel would route a packet to 127.0.0.1 that came from outside; drop such
// packets before conntrack (raw priority) unless they came in on lo.
void raw_rules(const FirewallModel& m, std::vector<Rule>& out) {
  for (const PortMapping* p : published(m))
    if (p->host_ip && p->host_ip->is_loopback())
      out.push_back(make_rule({IfnameMatch{false, IfName("lo"), true}, daddr(*p->host_ip),
                               PortMatch{l4proto(*p), p->host_port}, drop()}));
}

struct ChainDef {
  const char* name;
  const char* type;
  Hook hook;
  int priority;
  void (*rules)(const FirewallModel&, std::vector<Rule>&);
};
constexpr ChainDef kChains[] = {
    {"forward", "filter", Hook::kForward, 0, forward_rules},
    {"postrouting", "nat", Hook::kPostrouting, 100, postrouting_rules},   // srcnat
    {"prerouting", "nat", Hook::kPrerouting, -100, prerouting_rules},     // dstnat
    {"output", "nat", Hook::kOutput, -100, output_rules},
    {"raw", "filter", Hook::kPrerouting, -300, raw_rules},                // raw
};

// --- validation, before anything is rendered ---

Result<void> validate_bridge(const BridgeNet& b, std::set<std::string>& seen) {
  if (b.bridge.empty() || b.bridge.size() >= IFNAMSIZ)
    return failf("bridge name '{}' must have 1 to {} bytes", b.bridge, IFNAMSIZ - 1);
  if (!seen.insert(b.bridge).second) return failf("bridge {} is given twice", b.bridge);
  return {};
}

Result<void> validate_port(const FirewallModel& m, const PortMapping& p) {
  std::string what = fmt::format("port mapping {}/{} -> {}:{}", proto_name(p.proto), p.host_port, p.container_ip, p.container_port);
  if (p.host_port == 0 || p.container_port == 0) return failf("{}: port 0", what);
  if (p.host_ip && p.host_ip->family() != p.container_ip.family())
    return failf("{}: host address {} and container address differ in family", what, *p.host_ip);
  if (!find_bridge(m, p.bridge)) return failf("{}: unknown bridge '{}'", what, p.bridge);
  return {};
}

Result<void> validate(const FirewallModel& m) {
  std::set<std::string> seen;
  for (const BridgeNet& b : m.bridges) NC_TRY_VOID(validate_bridge(b, seen));
  for (const PortMapping& p : m.ports) NC_TRY_VOID(validate_port(m, p));
  return {};
}

}  // namespace

Result<Table> render(const FirewallModel& model, std::string_view table_name) {
  NC_TRY_VOID(validate(model));
  Table t{NFPROTO_INET, std::string(table_name), {}};
  for (const ChainDef& d : kChains) {
    Chain c{d.name, d.type, d.hook, d.priority, Verdict::kAccept, {}};
    d.rules(model, c.rules);
    t.chains.push_back(std::move(c));
  }
  return t;
}

std::vector<std::string> needs_route_localnet(const FirewallModel& model) {
  std::vector<std::string> out;
  for (const PortMapping* p : published(model))
    if (via_loopback(*p) && std::ranges::find(out, p->bridge) == out.end()) out.push_back(p->bridge);
  return out;
}

bool needs_br_netfilter(const FirewallModel& model) {
  for (const BridgeNet& b : model.bridges)
    if (!b.icc) return true;
  return false;
}

}  // namespace nc::nft
