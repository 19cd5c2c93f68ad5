#include "harness/kernel/nft_probe.h"

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <functional>
#include <memory>
#include <vector>

namespace nc::kernel {
namespace {

constexpr const char* kTable = "nc_probe";
constexpr const char* kChain = "postrouting";

struct SockClose { void operator()(mnl_socket* s) const { mnl_socket_close(s); } };
struct TableFree { void operator()(nftnl_table* t) const { nftnl_table_free(t); } };
struct ChainFree { void operator()(nftnl_chain* c) const { nftnl_chain_free(c); } };
struct RuleFree { void operator()(nftnl_rule* r) const { nftnl_rule_free(r); } };
using Sock = std::unique_ptr<mnl_socket, SockClose>;

// One nf_tables message of a batch: its type and a function that fills its payload.
struct Msg {
  uint16_t type;
  uint16_t flags;
  std::function<void(nlmsghdr*)> payload;
};

Result<Sock> open_socket(const Namespaces& ns) {
  return ns.run([]() -> Result<Sock> {
    Sock s(mnl_socket_open(NETLINK_NETFILTER));
    if (!s) return sys_fail("open netfilter netlink socket");
    if (mnl_socket_bind(s.get(), 0, MNL_SOCKET_AUTOPID) < 0) return sys_fail("bind netfilter netlink socket");
    // A guard against a kernel that never answers, not a wait for anything.
    timeval tv{.tv_sec = 10, .tv_usec = 0};
    setsockopt(mnl_socket_get_fd(s.get()), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return s;
  });
}

// Waits for one reply per message (each asks for an ACK); the first error wins.
Result<void> read_acks(mnl_socket* s, size_t count) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  for (size_t seen = 0; seen < count;) {
    ssize_t n = mnl_socket_recvfrom(s, buf.data(), buf.size());
    if (n < 0) return sys_fail("read nf_tables reply");
    int len = static_cast<int>(n);
    for (auto* nlh = reinterpret_cast<nlmsghdr*>(buf.data()); mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
      if (nlh->nlmsg_type != NLMSG_ERROR) continue;
      auto* err = static_cast<nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
      if (err->error != 0) return sys_fail("nf_tables", -err->error);
      ++seen;
    }
  }
  return {};
}

Result<void> send_batch(mnl_socket* s, const std::vector<Msg>& msgs) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  mnl_nlmsg_batch* batch = mnl_nlmsg_batch_start(buf.data(), buf.size());
  uint32_t seq = 1;
  nftnl_batch_begin(static_cast<char*>(mnl_nlmsg_batch_current(batch)), seq++);
  mnl_nlmsg_batch_next(batch);
  for (const auto& m : msgs) {
    nlmsghdr* nlh = nftnl_nlmsg_build_hdr(static_cast<char*>(mnl_nlmsg_batch_current(batch)), m.type,
                                          NFPROTO_IPV4, m.flags | NLM_F_ACK, seq++);
    m.payload(nlh);
    mnl_nlmsg_batch_next(batch);
  }
  nftnl_batch_end(static_cast<char*>(mnl_nlmsg_batch_current(batch)), seq++);
  mnl_nlmsg_batch_next(batch);
  ssize_t sent = mnl_socket_sendto(s, mnl_nlmsg_batch_head(batch), mnl_nlmsg_batch_size(batch));
  mnl_nlmsg_batch_stop(batch);
  if (sent < 0) return sys_fail("send nf_tables batch");
  return read_acks(s, msgs.size());
}

Result<void> add_table(mnl_socket* s) {
  std::unique_ptr<nftnl_table, TableFree> t(nftnl_table_alloc());
  nftnl_table_set_u32(t.get(), NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
  nftnl_table_set_str(t.get(), NFTNL_TABLE_NAME, kTable);
  return send_batch(s, {{NFT_MSG_NEWTABLE, NLM_F_CREATE, [&](nlmsghdr* n) { nftnl_table_nlmsg_build_payload(n, t.get()); }}});
}

Result<void> add_masquerade(mnl_socket* s) {
  std::unique_ptr<nftnl_chain, ChainFree> c(nftnl_chain_alloc());
  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TABLE, kTable);
  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_NAME, kChain);
  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TYPE, "nat");
  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_HOOKNUM, NF_INET_POST_ROUTING);
  nftnl_chain_set_s32(c.get(), NFTNL_CHAIN_PRIO, 100);
  std::unique_ptr<nftnl_rule, RuleFree> r(nftnl_rule_alloc());
  nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, NFPROTO_IPV4);
  nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, kTable);
  nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, kChain);
  nftnl_rule_add_expr(r.get(), nftnl_expr_alloc("masq"));  // the rule owns the expression
  return send_batch(s, {
      {NFT_MSG_NEWCHAIN, NLM_F_CREATE, [&](nlmsghdr* n) { nftnl_chain_nlmsg_build_payload(n, c.get()); }},
      {NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, [&](nlmsghdr* n) { nftnl_rule_nlmsg_build_payload(n, r.get()); }},
  });
}

}  // namespace

NftProbe probe_nftables(const Namespaces& ns) {
  auto where = fmt::format("in netns {}", ns.name());
  auto sock = open_socket(ns);
  if (!sock) {
    auto e = std::unexpected(sock.error().context(where));
    return {e, e};
  }
  NftProbe out{add_table(sock->get()), {}};
  if (!out.table) {
    out.table = std::unexpected(out.table.error().context(fmt::format("add table ip {} {}", kTable, where)));
    out.nat = fail("not tried: adding the table failed");
    return out;
  }
  out.nat = add_masquerade(sock->get());
  if (!out.nat)
    out.nat = std::unexpected(out.nat.error().context(fmt::format("add nat chain with masquerade {}", where)));
  return out;
}

}  // namespace nc::kernel
