// The encoding of each term, compared with what `nft --debug=netlink` prints for the same
// rule text (nftables 1.0.6), so a wrong offset or register shows up without a kernel.
#include "netimpl/nft/encode.h"

#include <linux/netfilter.h>

#include <libnftnl/rule.h>

#include <gtest/gtest.h>

namespace nc::nft {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

// "[ meta load oifname => reg 1 ] [ cmp eq reg 1 ... ]" as libnftnl prints a rule.
std::string exprs(const Rule& r) {
  RulePtr rule = encode_rule(NFPROTO_INET, "t", "c", r);
  char buf[4096];
  nftnl_rule_snprintf(buf, sizeof buf, rule.get(), NFTNL_OUTPUT_DEFAULT, 0);
  std::string s(buf);
  auto at = s.find('[');
  return at == std::string::npos ? "" : s.substr(at);
}

TEST(Encode, OifnameAndCtState) {
  EXPECT_EQ(exprs(make_rule({IfnameMatch{true, IfName("br0")},
                             CtStateMatch{2 | 4}, VerdictStmt{Verdict::kAccept}})),
            "[ meta load oifname => reg 1 ]\n"
            "  [ cmp eq reg 1 0x00307262 0x00000000 0x00000000 0x00000000 ]\n"
            "  [ ct load state => reg 1 ]\n"
            "  [ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]\n"
            "  [ cmp neq reg 1 0x00000000 ]\n"
            "  [ immediate reg 0 accept ]\n");
}

TEST(Encode, GuardedPrefixAndNegatedOifnameMasquerade) {
  EXPECT_EQ(exprs(make_rule({AddrMatch{false, *Prefix::parse("172.18.0.0/16")},
                             IfnameMatch{true, IfName("br0"), true}, MasqueradeStmt{}})),
            "[ meta load nfproto => reg 1 ]\n"
            "  [ cmp eq reg 1 0x00000002 ]\n"
            "  [ payload load 4b @ network header + 12 => reg 1 ]\n"
            "  [ bitwise reg 1 = ( reg 1 & 0x0000ffff ) ^ 0x00000000 ]\n"
            "  [ cmp eq reg 1 0x000012ac ]\n"
            "  [ meta load oifname => reg 1 ]\n"
            "  [ cmp neq reg 1 0x00307262 0x00000000 0x00000000 0x00000000 ]\n"
            "  [ masq ]\n");
}

TEST(Encode, FibLocalPortDnat) {
  EXPECT_EQ(exprs(make_rule({FibLocalMatch{}, PortMatch{IPPROTO_TCP, 8080}, DnatStmt{ip("172.18.0.2"), 80}})),
            "[ meta load nfproto => reg 1 ]\n"
            "  [ cmp eq reg 1 0x00000002 ]\n"
            "  [ fib daddr type => reg 1 ]\n"
            "  [ cmp eq reg 1 0x00000002 ]\n"
            "  [ meta load l4proto => reg 1 ]\n"
            "  [ cmp eq reg 1 0x00000006 ]\n"
            "  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
            "  [ cmp eq reg 1 0x0000901f ]\n"
            "  [ immediate reg 1 0x020012ac ]\n"
            "  [ immediate reg 2 0x00005000 ]\n"
            "  [ nat dnat ip addr_min reg 1 proto_min reg 2 ]\n");
}

TEST(Encode, Ipv6DaddrIsSixteenBytesAtOffset24) {
  EXPECT_EQ(exprs(make_rule({AddrMatch{true, *Prefix::parse("fd00::1/128")}, VerdictStmt{Verdict::kDrop}})),
            "[ meta load nfproto => reg 1 ]\n"
            "  [ cmp eq reg 1 0x0000000a ]\n"
            "  [ payload load 16b @ network header + 24 => reg 1 ]\n"
            "  [ cmp eq reg 1 0x000000fd 0x00000000 0x00000000 0x01000000 ]\n"
            "  [ immediate reg 0 drop ]\n");
}

}  // namespace
}  // namespace nc::nft
