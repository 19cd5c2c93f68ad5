#include "harness/lab/lab_dns.h"

#include "netimpl/dns/bind_file.h"

namespace nc::lab {

Result<void> setup_lab_dns(const Namespaces& host, netlink::Rtnl& external) {
  for (auto* ip : {"203.0.113.53/24", "203.0.113.54/24", "203.0.113.55/24"})
    NC_TRY_VOID_CTX(external.add_address("eth0", *Prefix::parse(ip)), "upstream DNS address {}", ip);
  if (!host.has(kNsMnt)) return {};
  NC_TRY_VOID(dns::BoundFile::bind(host, "/etc/resolv.conf", kHostResolvConf));
  return {};
}

}  // namespace nc::lab
