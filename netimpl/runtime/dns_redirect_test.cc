#include "netimpl/runtime/dns_redirect.h"

#include <gtest/gtest.h>

namespace nc::runtime {
namespace {

TEST(DnsRedirect, SendsPort53OfTheServerAddressToTheServersPortsPerProtocol) {
  EXPECT_EQ(nft::to_string(dns_redirect_table({.udp = 40001, .tcp = 40123})),
            "table inet netimpl_dns {\n"
            "\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n"
            "\t\tmeta nfproto ipv4 ip daddr 127.0.0.11 udp dport 53 dnat ip to 127.0.0.11:40001\n"
            "\t\tmeta nfproto ipv4 ip daddr 127.0.0.11 tcp dport 53 dnat ip to 127.0.0.11:40123\n"
            "\t}\n"
            "}\n");
}

}  // namespace
}  // namespace nc::runtime
