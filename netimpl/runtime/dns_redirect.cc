#include "netimpl/runtime/dns_redirect.h"

#include <linux/netfilter.h>
#include <netinet/in.h>

#include "netimpl/dns/sockets.h"

namespace nc::runtime {

nft::Table dns_redirect_table(const dns::Server::Ports& ports) {
  auto server = *IpAddr::parse(dns::kServerIp);
  auto to = [&](uint8_t proto, uint16_t port) {
    return nft::make_rule({nft::AddrMatch{.dst = true, .prefix = Prefix(server, 32), .negate = false},
                           nft::PortMatch{.l4proto = proto, .dport = 53}, nft::DnatStmt{.addr = server, .port = port}});
  };
  nft::Chain out{.name = "output", .type = "nat", .hook = nft::Hook::kOutput, .priority = -100,
                 .policy = nft::Verdict::kAccept, .rules = {to(IPPROTO_UDP, ports.udp), to(IPPROTO_TCP, ports.tcp)}};
  return nft::Table{.family = NFPROTO_INET, .name = std::string(kDnsRedirectTable), .chains = {std::move(out)}};
}

Result<nft::Firewall> redirect_dns(const Namespaces& ns, const dns::Server::Ports& ports) {
  constexpr std::string_view ctx = "send 127.0.0.11:53 to the embedded server";
  auto fw = NC_TRY_CTX(nft::Firewall::open(ns, std::string(kDnsRedirectTable)), "{}", ctx);
  NC_TRY_VOID_CTX(fw.apply_table(dns_redirect_table(ports)), "{}", ctx);
  return fw;
}

}  // namespace nc::runtime
