#include "netimpl/nft/ruleset.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <netinet/in.h>

#include <fmt/format.h>

namespace nc::nft {
namespace {

int term_family(const Term& t) {
  if (auto* a = std::get_if<AddrMatch>(&t)) return a->prefix.addr().family();
  if (auto* d = std::get_if<DnatStmt>(&t)) return d->addr.family();
  return 0;
}

const char* ip_word(int family) { return family == AF_INET6 ? "ip6" : "ip"; }

std::string ct_states(uint32_t bits) {
  struct Name { uint32_t bit; const char* name; };
  static constexpr Name kNames[] = {
      {NF_CT_STATE_INVALID_BIT, "invalid"},
      {NF_CT_STATE_BIT(IP_CT_ESTABLISHED), "established"},
      {NF_CT_STATE_BIT(IP_CT_RELATED), "related"},
      {NF_CT_STATE_BIT(IP_CT_NEW), "new"},
      {NF_CT_STATE_UNTRACKED_BIT, "untracked"},
  };
  std::string out;
  for (auto [bit, name] : kNames)
    if (bits & bit) out += fmt::format("{}{}", out.empty() ? "" : ",", name);
  return out;
}

std::string addr_text(const Prefix& p) {
  return p.len() == p.max_len() ? p.addr().str() : p.network().str();
}

struct Printer {
  std::string operator()(const IfnameMatch& m) const {
    return fmt::format("{} {}\"{}\"", m.out ? "oifname" : "iifname", m.negate ? "!= " : "", m.name.str());
  }
  std::string operator()(const NfprotoMatch& m) const {
    return fmt::format("meta nfproto {}", m.family == AF_INET6 ? "ipv6" : "ipv4");
  }
  std::string operator()(const CtStateMatch& m) const { return "ct state " + ct_states(m.states); }
  std::string operator()(const AddrMatch& m) const {
    return fmt::format("{} {} {}{}", ip_word(m.prefix.addr().family()), m.dst ? "daddr" : "saddr",
                       m.negate ? "!= " : "", addr_text(m.prefix));
  }
  std::string operator()(const PortMatch& m) const {
    return fmt::format("{} dport {}", m.l4proto == IPPROTO_UDP ? "udp" : "tcp", m.dport);
  }
  std::string operator()(const FibLocalMatch&) const { return "fib daddr type local"; }
  std::string operator()(const RandomBelowMatch& m) const { return fmt::format("numgen random mod 100 < {}", m.percent); }
  std::string operator()(const VerdictStmt& v) const { return v.verdict == Verdict::kAccept ? "accept" : "drop"; }
  std::string operator()(const MasqueradeStmt&) const { return "masquerade"; }
  std::string operator()(const DnatStmt& d) const {
    if (d.addr.is_v6()) return fmt::format("dnat ip6 to [{}]:{}", d.addr, d.port);
    return fmt::format("dnat ip to {}:{}", d.addr, d.port);
  }
};

const char* hook_name(Hook h) {
  switch (h) {
    case Hook::kPrerouting: return "prerouting";
    case Hook::kForward: return "forward";
    case Hook::kOutput: return "output";
    case Hook::kPostrouting: return "postrouting";
  }
  return "?";
}

}  // namespace

Rule make_rule(std::vector<Term> terms) {
  for (const Term& t : terms) {
    if (int f = term_family(t)) {
      terms.insert(terms.begin(), NfprotoMatch{f});
      break;
    }
  }
  return Rule{std::move(terms)};
}

std::string to_string(const Term& t) { return std::visit(Printer{}, t); }

std::string to_string(const Rule& r) {
  std::string out;
  for (const Term& t : r.terms) out += (out.empty() ? "" : " ") + to_string(t);
  return out;
}

std::string family_name(int nfproto) {
  switch (nfproto) {
    case NFPROTO_INET: return "inet";
    case NFPROTO_IPV4: return "ip";
    case NFPROTO_IPV6: return "ip6";
    case NFPROTO_BRIDGE: return "bridge";
    case NFPROTO_NETDEV: return "netdev";
    case NFPROTO_ARP: return "arp";
  }
  return fmt::format("family-{}", nfproto);
}

std::string to_string(const Table& t) {
  std::string out = fmt::format("table {} {} {{\n", family_name(t.family), t.name);
  for (const Chain& c : t.chains) {
    out += fmt::format("\tchain {} {{\n\t\ttype {} hook {} priority {}; policy {};\n", c.name, c.type,
                       hook_name(c.hook), c.priority, to_string(VerdictStmt{c.policy}));
    for (const Rule& r : c.rules) out += fmt::format("\t\t{}\n", to_string(r));
    out += "\t}\n";
  }
  return out + "}\n";
}

}  // namespace nc::nft
