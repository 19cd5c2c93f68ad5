#include "harness/diagnose/nft_rules.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>

#include <cstring>
#include <functional>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "netimpl/nft/batch.h"

namespace nc::diagnose {
namespace {

// xt_tcp (linux/netfilter/xt_tcpudp.h), as iptables-nft stores it in a `match` expression.
struct XtTcp {
  uint16_t spts[2];
  uint16_t dpts[2];
  uint8_t option, flg_mask, invflags;
};
constexpr uint8_t kXtTcpInvDstPt = 0x02;

struct ChainInfo {
  bool base = false;
  uint32_t hook = 0;
  uint32_t policy = NF_ACCEPT;
};

// What one rule says about TCP to our port.
struct RuleFacts {
  bool port_may_match = true;   // every dport match admits the port (true when there is none)
  bool names_port = false;      // some dport match mentions it
  bool other_proto = false;     // an l4proto match for something other than TCP
  int other_matches = 0;
  std::string port_text;        // "tcp dport 80", "tcp dport != 22", "tcp dport 1-1024", "tcp dport @set"
  std::string verdict;          // "drop" | "reject" | "accept" | ""
};

enum class Loaded { kNone, kDport, kL4proto, kOther };

struct ExprWalk {
  uint16_t port;
  RuleFacts facts;
  Loaded last = Loaded::kNone;
  uint32_t lo = 0, hi = 0xFFFF;  // bounds from >=, <= comparisons on the port

  void dport(bool admits, std::string text) {
    facts.names_port = true;
    facts.port_may_match = facts.port_may_match && admits;
    facts.port_text = std::move(text);
  }

  void on(nftnl_expr* e) {
    std::string name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
    if (name == "payload") on_payload(e);
    else if (name == "meta") on_meta(e);
    else if (name == "cmp") on_cmp(e);
    else if (name == "range" && last == Loaded::kDport) on_range(e);
    else if (name == "lookup" && last == Loaded::kDport) on_lookup(e);
    else if (name == "match") on_xt_match(e);
    else if (name == "immediate" && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT)) on_verdict(e);
    else if (name == "reject") facts.verdict = "reject";
    else if (name == "target" && std::string(nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME)) == "REJECT") facts.verdict = "reject";
  }

  void on_payload(nftnl_expr* e) {
    uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE), off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET),
             len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
    if (base == NFT_PAYLOAD_TRANSPORT_HEADER && off == 2 && len == 2) last = Loaded::kDport, lo = 0, hi = 0xFFFF;
    // IPv4's protocol (offset 9), IPv6's next header (offset 6): iptables-nft's `-p tcp`.
    else if (base == NFT_PAYLOAD_NETWORK_HEADER && len == 1 && (off == 9 || off == 6)) last = Loaded::kL4proto;
    else last = Loaded::kOther;
  }

  void on_meta(nftnl_expr* e) {
    uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
    // `meta nfproto` guards (an inet table's ip/ip6 matches) narrow nothing that matters here.
    last = key == NFT_META_L4PROTO ? Loaded::kL4proto : key == NFT_META_NFPROTO ? Loaded::kNone : Loaded::kOther;
  }

  void on_cmp(nftnl_expr* e) {
    uint32_t len = 0, op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP);
    auto* data = static_cast<const uint8_t*>(nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len));
    bool eq = op == NFT_CMP_EQ, neq = op == NFT_CMP_NEQ;
    if (last == Loaded::kDport && len == 2) return on_port_cmp(op, static_cast<uint16_t>(data[0] << 8 | data[1]));
    if (last == Loaded::kL4proto && len == 1 && eq) facts.other_proto |= data[0] != IPPROTO_TCP;
    else if (last == Loaded::kL4proto && len == 1 && neq) facts.other_proto |= data[0] == IPPROTO_TCP;
    else if (last != Loaded::kNone) ++facts.other_matches;
    last = Loaded::kNone;
  }

  // `tcp dport 1000-2000` is one load and two comparisons (>= then <=) on the same register,
  // so `last` stays kDport.
  void on_port_cmp(uint32_t op, uint16_t p) {
    if (op == NFT_CMP_EQ || op == NFT_CMP_NEQ) {
      bool eq = op == NFT_CMP_EQ;
      return dport(eq ? p == port : p != port, fmt::format("tcp dport {}{}", eq ? "" : "!= ", p));
    }
    if (op == NFT_CMP_GT || op == NFT_CMP_GTE) lo = op == NFT_CMP_GT ? p + 1 : p;
    if (op == NFT_CMP_LT || op == NFT_CMP_LTE) hi = op == NFT_CMP_LT ? p - 1 : p;
    dport(port >= lo && port <= hi, hi == 0xFFFF ? fmt::format("tcp dport >= {}", lo)
                                                 : lo == 0 ? fmt::format("tcp dport <= {}", hi)
                                                           : fmt::format("tcp dport {}-{}", lo, hi));
  }

  void on_range(nftnl_expr* e) {
    uint32_t l1 = 0, l2 = 0;
    auto* from = static_cast<const uint8_t*>(nftnl_expr_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &l1));
    auto* to = static_cast<const uint8_t*>(nftnl_expr_get(e, NFTNL_EXPR_RANGE_TO_DATA, &l2));
    if (l1 == 2 && l2 == 2) {
      uint16_t a = static_cast<uint16_t>(from[0] << 8 | from[1]), b = static_cast<uint16_t>(to[0] << 8 | to[1]);
      bool in = port >= a && port <= b, eq = nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP) == NFT_RANGE_EQ;
      dport(eq ? in : !in, fmt::format("tcp dport {}{}-{}", eq ? "" : "!= ", a, b));
    }
    last = Loaded::kNone;
  }

  // A set's elements are not read: the port may be in it.
  void on_lookup(nftnl_expr* e) {
    dport(true, fmt::format("tcp dport @{}", nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET)));
    last = Loaded::kNone;
  }

  // iptables-nft's xt matches: `tcp` carries the port range; any other narrows the rule.
  void on_xt_match(nftnl_expr* e) {
    if (std::string(nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME)) != "tcp") {
      ++facts.other_matches;
      return;
    }
    uint32_t len = 0;
    auto* info = nftnl_expr_get(e, NFTNL_EXPR_MT_INFO, &len);
    if (len < sizeof(XtTcp)) return;
    XtTcp t;
    std::memcpy(&t, info, sizeof t);
    if (t.dpts[0] == 0 && t.dpts[1] == 0xFFFF) return;  // no --dport
    bool in = port >= t.dpts[0] && port <= t.dpts[1], inv = t.invflags & kXtTcpInvDstPt;
    dport(inv ? !in : in, t.dpts[0] == t.dpts[1] ? fmt::format("tcp dport {}{}", inv ? "!= " : "", t.dpts[0])
                                                 : fmt::format("tcp dport {}{}:{}", inv ? "!= " : "", t.dpts[0], t.dpts[1]));
  }

  void on_verdict(nftnl_expr* e) {
    auto v = static_cast<int>(nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT));
    if (v == NF_DROP) facts.verdict = "drop";
    if (v == NF_ACCEPT) facts.verdict = "accept";
  }
};

struct RuleFree {
  void operator()(nftnl_rule* r) const { nftnl_rule_free(r); }
};
struct ChainFree {
  void operator()(nftnl_chain* c) const { nftnl_chain_free(c); }
};

const char* hook_name(uint32_t h) {
  static constexpr const char* kNames[] = {"prerouting", "input", "forward", "output", "postrouting"};
  return h < 5 ? kNames[h] : "?";
}

std::string family_name(uint32_t f) { return f == NFPROTO_INET ? "inet" : f == NFPROTO_IPV4 ? "ip" : f == NFPROTO_IPV6 ? "ip6" : "other"; }

bool relevant_family(uint32_t f) { return f == NFPROTO_INET || f == NFPROTO_IPV4 || f == NFPROTO_IPV6; }

// One NLM_F_DUMP request of `type` (NFT_MSG_GETCHAIN, NFT_MSG_GETRULE), every answer to `each`.
Result<void> dump(mnl_socket* s, uint16_t type, const std::function<void(const nlmsghdr*)>& each) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE * 4);
  uint32_t seq = 1;
  nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buf.data(), type, NFPROTO_UNSPEC, NLM_F_DUMP, seq);
  if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0) return sys_fail("send nftables dump request");
  auto cb = [](const nlmsghdr* h, void* data) -> int {
    (*static_cast<const std::function<void(const nlmsghdr*)>*>(data))(h);
    return MNL_CB_OK;
  };
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(s, buf.data(), buf.size());
    if (n < 0) return sys_fail("read nftables dump");
    int r = mnl_cb_run(buf.data(), n, seq, mnl_socket_get_portid(s), cb, const_cast<void*>(static_cast<const void*>(&each)));
    if (r < 0) return sys_fail("parse nftables dump");
    if (r == MNL_CB_STOP) return {};
  }
}

using ChainKey = std::tuple<uint32_t, std::string, std::string>;  // family, table, chain

}  // namespace

Result<std::vector<std::string>> blocking_tcp_rules(const Namespaces& ns, uint16_t port) {
  auto ctx = fmt::format("read nftables ruleset in netns {}", ns.name());
  auto open_socket = []() -> Result<nft::MnlSocket> {
    nft::MnlSocket s(mnl_socket_open(NETLINK_NETFILTER));
    if (!s) return sys_fail("open netfilter netlink socket");
    if (mnl_socket_bind(s.get(), 0, MNL_SOCKET_AUTOPID) < 0) return sys_fail("bind netfilter netlink socket");
    return s;
  };
  auto sock = NC_TRY_CTX(ns.run(open_socket), "{}", ctx);

  std::map<ChainKey, ChainInfo> chains;
  NC_TRY_VOID(with_context(dump(sock.get(), NFT_MSG_GETCHAIN, [&](const nlmsghdr* h) {
    std::unique_ptr<nftnl_chain, ChainFree> c(nftnl_chain_alloc());
    if (nftnl_chain_nlmsg_parse(h, c.get()) < 0) return;
    ChainInfo info;
    info.base = nftnl_chain_is_set(c.get(), NFTNL_CHAIN_HOOKNUM);
    if (info.base) info.hook = nftnl_chain_get_u32(c.get(), NFTNL_CHAIN_HOOKNUM);
    if (nftnl_chain_is_set(c.get(), NFTNL_CHAIN_POLICY)) info.policy = nftnl_chain_get_u32(c.get(), NFTNL_CHAIN_POLICY);
    chains[{nftnl_chain_get_u32(c.get(), NFTNL_CHAIN_FAMILY), nftnl_chain_get_str(c.get(), NFTNL_CHAIN_TABLE),
            nftnl_chain_get_str(c.get(), NFTNL_CHAIN_NAME)}] = info;
  }), ctx));

  std::vector<std::string> out;
  std::map<ChainKey, bool> accepts_port;
  NC_TRY_VOID(with_context(dump(sock.get(), NFT_MSG_GETRULE, [&](const nlmsghdr* h) {
    std::unique_ptr<nftnl_rule, RuleFree> r(nftnl_rule_alloc());
    if (nftnl_rule_nlmsg_parse(h, r.get()) < 0) return;
    uint32_t family = nftnl_rule_get_u32(r.get(), NFTNL_RULE_FAMILY);
    if (!relevant_family(family)) return;
    ChainKey key{family, nftnl_rule_get_str(r.get(), NFTNL_RULE_TABLE), nftnl_rule_get_str(r.get(), NFTNL_RULE_CHAIN)};
    auto it = chains.find(key);
    if (it == chains.end()) return;
    const ChainInfo& chain = it->second;
    if (chain.base && chain.hook != NF_INET_PRE_ROUTING && chain.hook != NF_INET_LOCAL_IN) return;
    ExprWalk walk{port};
    nftnl_expr_foreach(r.get(), [](nftnl_expr* e, void* d) { static_cast<ExprWalk*>(d)->on(e); return 0; }, &walk);
    const RuleFacts& f = walk.facts;
    if (f.other_proto || !f.port_may_match) return;
    if (f.verdict == "accept" && f.names_port) accepts_port[key] = true;
    if (f.verdict != "drop" && f.verdict != "reject") return;
    std::string where = chain.base ? fmt::format("hook {}, ", hook_name(chain.hook)) : std::string();
    std::string what = f.port_text.empty() ? "any port" : f.port_text;
    if (f.other_matches) what += fmt::format(" +{} other match{}", f.other_matches, f.other_matches > 1 ? "es" : "");
    out.push_back(fmt::format("table {} {} chain {} ({}handle {}): {} {}", family_name(family), std::get<1>(key), std::get<2>(key),
                              where, nftnl_rule_get_u64(r.get(), NFTNL_RULE_HANDLE), what, f.verdict));
  }), ctx));

  for (auto& [key, chain] : chains)
    if (relevant_family(std::get<0>(key)) && chain.base && chain.hook == NF_INET_LOCAL_IN && chain.policy == NF_DROP &&
        !accepts_port[key])
      out.push_back(fmt::format("table {} {} chain {} (hook input): policy drop, no rule accepts tcp dport {}",
                                family_name(std::get<0>(key)), std::get<1>(key), std::get<2>(key), port));
  return out;
}

}  // namespace nc::diagnose
