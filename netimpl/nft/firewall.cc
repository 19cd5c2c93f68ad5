#include "netimpl/nft/firewall.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "netimpl/netlink/rtnl.h"
#include "netimpl/nft/encode.h"

namespace nc::nft {
namespace {

// Tables netimpl owns. apply() and remove() reset every one of them, so a table family
// dropped from render() can never be left behind by a later apply.
constexpr int kFamilies[] = {NFPROTO_INET};

constexpr const char* kBrNetfilterKeys[] = {"net/bridge/bridge-nf-call-iptables",
                                            "net/bridge/bridge-nf-call-ip6tables"};

std::string table_id(int family, std::string_view table) {
  return fmt::format("{} {}", family_name(family), table);
}

// NEWTABLE + DELTABLE: deletes the table whether or not it exists, in the same transaction.
void reset_table(Batch& b, int family, std::string_view name) {
  TablePtr t = encode_table(family, name);
  b.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, t.get(), "create table " + table_id(family, name));
  b.add(NFT_MSG_DELTABLE, 0, t.get(), "delete table " + table_id(family, name));
}

void add_table(Batch& b, const Table& table) {
  std::string id = table_id(table.family, table.name);
  b.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, encode_table(table.family, table.name).get(), "create table " + id);
  for (const Chain& c : table.chains) {
    b.add(NFT_MSG_NEWCHAIN, NLM_F_CREATE, encode_chain(table.family, table.name, c).get(),
          fmt::format("add chain {} {}", id, c.name));
    for (const Rule& r : c.rules)
      b.add(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, encode_rule(table.family, table.name, c.name, r).get(),
            fmt::format("add rule to {} {} ({})", id, c.name, to_string(r)));
  }
}

Result<MnlSocket> open_socket() {
  MnlSocket s(mnl_socket_open(NETLINK_NETFILTER));
  if (!s) return sys_fail("open netfilter netlink socket");
  if (mnl_socket_bind(s.get(), 0, MNL_SOCKET_AUTOPID) < 0) return sys_fail("bind netfilter netlink socket");
  return s;
}

}  // namespace

Result<Firewall> Firewall::open(const Namespaces& ns, std::string table) {
  auto ctx = [&] { return fmt::format("open firewall table {} in netns {}", table, ns.name()); };
  Firewall fw;
  fw.sock_ = NC_TRY_CTX(ns.run(open_socket), "{}", ctx());
  fw.ns_ = NC_TRY_CTX(ns.dup(), "{}", ctx());
  fw.table_ = std::move(table);
  fw.seq_ = static_cast<uint32_t>(std::time(nullptr));
  return fw;
}

Firewall::~Firewall() {
  if (sock_ && applied_) (void)remove();
}

Result<void> Firewall::ensure_br_netfilter() {
  for (const char* key : kBrNetfilterKeys) {
    std::string v = NC_TRY_CTX(netlink::read_sysctl(ns_, key), "icc=false needs br_netfilter");
    if (v != "1") NC_TRY_VOID_CTX(netlink::write_sysctl(ns_, key, "1"), "icc=false needs br_netfilter");
  }
  return {};
}

// route_localnet is left on, as Docker leaves it; remembered so a steady model costs no
// sysctl writes. A bridge that left the model is forgotten (it may come back new).
Result<void> Firewall::ensure_route_localnet(const FirewallModel& model) {
  std::set<std::string> want;
  for (const std::string& bridge : needs_route_localnet(model)) {
    want.insert(bridge);
    if (localnet_.contains(bridge)) continue;
    auto w = netlink::write_sysctl(ns_, fmt::format("net/ipv4/conf/{}/route_localnet", bridge), "1");
    // No such link (a model without the real bridge, as in tests): nothing to route.
    if (!w && w.error().sys_errno() == ENOENT) {
      want.erase(bridge);
      continue;
    }
    NC_TRY_VOID_CTX(std::move(w), "publish to 127.0.0.1 via bridge {}", bridge);
  }
  std::erase_if(localnet_, [&](const std::string& b) {
    return std::ranges::find(model.bridges, b, &BridgeNet::bridge) == model.bridges.end();
  });
  localnet_.insert(want.begin(), want.end());
  return {};
}

Result<void> Firewall::apply(const FirewallModel& model) {
  auto ctx = [&] { return fmt::format("apply firewall table {} in netns {}", table_id(NFPROTO_INET, table_), ns_name()); };
  Table table = NC_TRY_CTX(render(model, table_), "{}", ctx());
  if (needs_br_netfilter(model)) NC_TRY_VOID_CTX(ensure_br_netfilter(), "{}", ctx());
  NC_TRY_VOID_CTX(ensure_route_localnet(model), "{}", ctx());
  return apply_table(table);
}

Result<void> Firewall::apply_table(const Table& table) {
  auto ctx = [&] { return fmt::format("apply firewall table {} in netns {}", table_id(table.family, table.name), ns_name()); };
  if (table.name != table_ || table.family != NFPROTO_INET) return failf("{}: this firewall owns inet {}", ctx(), table_);
  Batch b(seq_);
  for (int family : kFamilies) reset_table(b, family, table_);
  add_table(b, table);
  seq_ = b.end_seq();
  NC_TRY_VOID_CTX(b.send(sock_.get()), "{}", ctx());
  applied_ = true;
  return {};
}

Result<void> Firewall::remove() {
  Batch b(seq_);
  for (int family : kFamilies) reset_table(b, family, table_);
  seq_ = b.end_seq();
  NC_TRY_VOID_CTX(b.send(sock_.get()), "remove firewall table {} in netns {}", table_, ns_name());
  applied_ = false;
  return {};
}

}  // namespace nc::nft
