#include "netimpl/nft/encode.h"

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include <array>
#include <new>
#include <string>

namespace nc::nft {

void NftnlFree::operator()(nftnl_table* t) const { nftnl_table_free(t); }
void NftnlFree::operator()(nftnl_chain* c) const { nftnl_chain_free(c); }
void NftnlFree::operator()(nftnl_rule* r) const { nftnl_rule_free(r); }

namespace {

template <class T>
T* checked(T* p) {
  if (!p) throw std::bad_alloc();
  return p;
}

// Appends expressions to one rule. Each method is one nf_tables expression.
class Exprs {
 public:
  explicit Exprs(nftnl_rule* r) : rule_(r) {}

  void meta(uint32_t key) {
    nftnl_expr* e = alloc("meta");
    nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
    nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
  }
  void ct(uint32_t key) {
    nftnl_expr* e = alloc("ct");
    nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
    nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
  }
  void payload(uint32_t base, uint32_t offset, uint32_t len) {
    nftnl_expr* e = alloc("payload");
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
  }
  // reg1 = reg1 & mask (xor 0)
  void mask(const void* mask, uint32_t len) {
    static constexpr std::array<uint8_t, 16> kZero{};
    nftnl_expr* e = alloc("bitwise");
    nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, kZero.data(), len);
  }
  void cmp(bool equal, const void* data, uint32_t len) {
    nftnl_expr* e = alloc("cmp");
    nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, equal ? NFT_CMP_EQ : NFT_CMP_NEQ);
    nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
  }
  template <class T>
  void cmp_value(bool equal, T v) { cmp(equal, &v, sizeof v); }
  void fib_daddr_type() {
    nftnl_expr* e = alloc("fib");
    nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
    nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
    nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
  }
  // reg1 = a random number in [0, modulus), host byte order
  void numgen_random(uint32_t modulus) {
    nftnl_expr* e = alloc("numgen");
    nftnl_expr_set_u32(e, NFTNL_EXPR_NG_DREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_NG_MODULUS, modulus);
    nftnl_expr_set_u32(e, NFTNL_EXPR_NG_TYPE, NFT_NG_RANDOM);
  }
  // reg1 = htonl(reg1): cmp's < and > compare bytes, so numbers must be big-endian
  void hton32() {
    nftnl_expr* e = alloc("byteorder");
    nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_DREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_LEN, 4);
    nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SIZE, 4);
  }
  void cmp_lt(const void* data, uint32_t len) {
    nftnl_expr* e = alloc("cmp");
    nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_LT);
    nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
  }
  void verdict(uint32_t v) {
    nftnl_expr* e = alloc("immediate");
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, v);
  }
  void immediate(uint32_t reg, const void* data, uint32_t len) {
    nftnl_expr* e = alloc("immediate");
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
    nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
  }
  void masquerade() { alloc("masq"); }
  // The kernel derives the range flags from which registers are set.
  void dnat(uint32_t nfproto) {
    nftnl_expr* e = alloc("nat");
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, nfproto);
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
  }

 private:
  // The rule owns the expression from here on.
  nftnl_expr* alloc(const char* name) {
    nftnl_expr* e = checked(nftnl_expr_alloc(name));
    nftnl_rule_add_expr(rule_, e);
    return e;
  }
  nftnl_rule* rule_;
};

uint8_t nfproto_of(int family) { return family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4; }

// Offsets of the source and destination address in the IPv4 and IPv6 headers.
uint32_t addr_offset(int family, bool dst) {
  if (family == AF_INET6) return dst ? 24 : 8;
  return dst ? 16 : 12;
}

std::array<uint8_t, 16> prefix_mask(const Prefix& p) {
  std::array<uint8_t, 16> m{};
  for (int bit = 0; bit < p.len(); ++bit) m[bit / 8] |= uint8_t(0x80 >> (bit % 8));
  return m;
}

struct Encoder {
  Exprs& x;
  void operator()(const IfnameMatch& m) const {
    x.meta(m.out ? NFT_META_OIFNAME : NFT_META_IIFNAME);
    x.cmp(!m.negate, m.name.bytes.data(), m.name.bytes.size());
  }
  void operator()(const NfprotoMatch& m) const {
    x.meta(NFT_META_NFPROTO);
    x.cmp_value(true, nfproto_of(m.family));
  }
  void operator()(const CtStateMatch& m) const {
    x.ct(NFT_CT_STATE);
    x.mask(&m.states, sizeof m.states);
    x.cmp_value(false, uint32_t{0});
  }
  void operator()(const AddrMatch& m) const {
    const IpAddr& a = m.prefix.addr();
    uint32_t len = a.size();
    x.payload(NFT_PAYLOAD_NETWORK_HEADER, addr_offset(a.family(), m.dst), len);
    if (m.prefix.len() < m.prefix.max_len()) {
      auto mask = prefix_mask(m.prefix);
      x.mask(mask.data(), len);
    }
    x.cmp(!m.negate, m.prefix.network().addr().bytes(), len);
  }
  void operator()(const PortMatch& m) const {
    x.meta(NFT_META_L4PROTO);
    x.cmp_value(true, m.l4proto);
    x.payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);  // the destination port of TCP and UDP
    x.cmp_value(true, htons(m.dport));
  }
  void operator()(const FibLocalMatch&) const {
    x.fib_daddr_type();
    x.cmp_value(true, uint32_t{RTN_LOCAL});
  }
  void operator()(const RandomBelowMatch& m) const {
    x.numgen_random(100);
    x.hton32();
    uint32_t below = htonl(m.percent);
    x.cmp_lt(&below, sizeof below);
  }
  void operator()(const VerdictStmt& v) const { x.verdict(v.verdict == Verdict::kAccept ? NF_ACCEPT : NF_DROP); }
  void operator()(const MasqueradeStmt&) const { x.masquerade(); }
  void operator()(const DnatStmt& d) const {
    x.immediate(NFT_REG_1, d.addr.bytes(), d.addr.size());
    uint16_t port = htons(d.port);
    x.immediate(NFT_REG_2, &port, sizeof port);
    x.dnat(nfproto_of(d.addr.family()));
  }
};

uint32_t hook_num(Hook h) {
  switch (h) {
    case Hook::kPrerouting: return NF_INET_PRE_ROUTING;
    case Hook::kForward: return NF_INET_FORWARD;
    case Hook::kOutput: return NF_INET_LOCAL_OUT;
    case Hook::kPostrouting: return NF_INET_POST_ROUTING;
  }
  return NF_INET_FORWARD;
}

}  // namespace

TablePtr encode_table(int family, std::string_view name) {
  TablePtr t(checked(nftnl_table_alloc()));
  nftnl_table_set_u32(t.get(), NFTNL_TABLE_FAMILY, family);
  nftnl_table_set_str(t.get(), NFTNL_TABLE_NAME, std::string(name).c_str());
  return t;
}

ChainPtr encode_chain(int family, std::string_view table, const Chain& chain) {
  ChainPtr c(checked(nftnl_chain_alloc()));
  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_FAMILY, family);
  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TABLE, std::string(table).c_str());
  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_NAME, chain.name.c_str());
  nftnl_chain_set_str(c.get(), NFTNL_CHAIN_TYPE, chain.type.c_str());
  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_HOOKNUM, hook_num(chain.hook));
  nftnl_chain_set_s32(c.get(), NFTNL_CHAIN_PRIO, chain.priority);
  nftnl_chain_set_u32(c.get(), NFTNL_CHAIN_POLICY, chain.policy == Verdict::kAccept ? NF_ACCEPT : NF_DROP);
  return c;
}

RulePtr encode_rule(int family, std::string_view table, std::string_view chain, const Rule& rule) {
  RulePtr r(checked(nftnl_rule_alloc()));
  nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, family);
  nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, std::string(table).c_str());
  nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, std::string(chain).c_str());
  Exprs x(r.get());
  for (const Term& t : rule.terms) std::visit(Encoder{x}, t);
  return r;
}

}  // namespace nc::nft
