#include "harness/kernel/nft_probe.h"

#include <libmnl/libmnl.h>
#include <netinet/in.h>  // before the linux/ headers, which then skip their own in_addr
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "netimpl/nft/batch.h"
#include "netimpl/nft/encode.h"

namespace nc::kernel {
namespace {

constexpr const char* kTable = "nc_probe";
constexpr const char* kTable6 = "nc_probe6";

Result<nft::MnlSocket> open_socket(const Namespaces& ns) {
  return ns.run([]() -> Result<nft::MnlSocket> {
    nft::MnlSocket s(mnl_socket_open(NETLINK_NETFILTER));
    if (!s) return sys_fail("open netfilter netlink socket");
    if (mnl_socket_bind(s.get(), 0, MNL_SOCKET_AUTOPID) < 0) return sys_fail("bind netfilter netlink socket");
    return s;
  });
}

Result<void> add_table(mnl_socket* s, int family, const char* table) {
  nft::Batch b(1);
  b.add(NFT_MSG_NEWTABLE, NLM_F_CREATE, nft::encode_table(family, table).get(),
        fmt::format("create table {} {}", nft::family_name(family), table));
  return b.send(s);
}

Result<void> add_masquerade(mnl_socket* s, int family, const char* table) {
  nft::Chain chain{.name = "postrouting", .type = "nat", .hook = nft::Hook::kPostrouting, .priority = 100};
  nft::Rule rule = nft::make_rule({nft::MasqueradeStmt{}});
  auto where = fmt::format("{} {}", nft::family_name(family), table);
  nft::Batch b(10);
  b.add(NFT_MSG_NEWCHAIN, NLM_F_CREATE, nft::encode_chain(family, table, chain).get(),
        fmt::format("add nat chain {} postrouting", where));
  b.add(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, nft::encode_rule(family, table, chain.name, rule).get(),
        fmt::format("add rule to {} postrouting (masquerade)", where));
  return b.send(s);
}

}  // namespace

NftProbe probe_nftables(const Namespaces& ns) {
  auto where = fmt::format("in netns {}", ns.name());
  auto sock = open_socket(ns);
  if (!sock) {
    auto e = std::unexpected(sock.error().context(where));
    return {e, e, e};
  }
  NftProbe out{add_table(sock->get(), NFPROTO_INET, kTable), {}, {}};
  if (!out.table) {
    out.table = std::unexpected(out.table.error().context(where));
    out.nat = out.nat6 = fail("not tried: adding the table failed");
    return out;
  }
  out.nat = add_masquerade(sock->get(), NFPROTO_INET, kTable);
  if (!out.nat) out.nat = std::unexpected(out.nat.error().context(where));
  out.nat6 = add_table(sock->get(), NFPROTO_IPV6, kTable6);
  if (out.nat6) out.nat6 = add_masquerade(sock->get(), NFPROTO_IPV6, kTable6);
  if (!out.nat6) out.nat6 = std::unexpected(out.nat6.error().context(where));
  return out;
}

}  // namespace nc::kernel
