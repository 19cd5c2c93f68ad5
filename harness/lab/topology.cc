#include "harness/lab/topology.h"

#include <sys/mount.h>
#include <unistd.h>

#include "harness/lab/lab_dns.h"
#include "harness/lab/link_ready.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::lab {
namespace {

constexpr std::chrono::milliseconds kLinkTimeout{3000};
// lo is 1 in every namespace: the LAN's ends are 2 (host) and 3 (external).
constexpr int kHostLanIfindex = 2;
constexpr int kExternalLanIfindex = 3;

// A new mount namespace copies the creator's propagation: outside a lab, on a machine
// whose "/" is shared, a bind mount in the host would otherwise appear on the machine.
Result<void> private_mounts_and_hostname(const Namespaces& host, const std::string& hostname) {
  return host.run([&]() -> Result<void> {
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      return sys_fail(fmt::format("make / private in {}", host.name()));
    if (::sethostname(hostname.data(), hostname.size()) != 0)
      return sys_fail(fmt::format("set hostname {} in {}", hostname, host.name()));
    return {};
  });
}

// Both families on the LAN end (IPv6 without DAD: Rtnl::add_address sets IFA_F_NODAD).
Result<void> configure_end(netlink::Rtnl& rtnl, std::string_view addr, std::string_view addr6, bool v6) {
  NC_TRY_VOID(rtnl.add_address(kLanIfname, NC_TRY(Prefix::parse(fmt::format("{}/{}", addr, kLanPrefixLen)))));
  if (v6) NC_TRY_VOID(rtnl.add_address(kLanIfname, NC_TRY(Prefix::parse(fmt::format("{}/{}", addr6, kLanPrefixLen6)))));
  NC_TRY_VOID(rtnl.set_up("lo"));
  return rtnl.set_up(kLanIfname);
}

Result<void> build(const LabHost& lab, const LabHostOptions& opts) {
  NC_TRY_VOID(private_mounts_and_hostname(lab.host(), opts.name));
  auto host = NC_TRY(netlink::Rtnl::open(lab.host()));
  auto external = NC_TRY(netlink::Rtnl::open(lab.external()));
  // The external end is made straight in its namespace (moving it costs the kernel a
  // netns change, most of a lab host's build time), with ifindex 3 against the host end's
  // 2: ends that differ are activated at once (link_ready.h explains the 1 s stall otherwise).
  NC_TRY_VOID(host.create_veth({.name = std::string(kLanIfname), .peer = std::string(kLanIfname),
                                .peer_ns = &lab.external(), .mtu = 0, .ifindex = kHostLanIfindex,
                                .peer_ifindex = kExternalLanIfindex}));
  bool v6 = lab.ipv6();
  NC_TRY_VOID(configure_end(host, kHostIp, kHostIp6, v6));
  NC_TRY_VOID(configure_end(external, kExternalIp, kExternalIp6, v6));
  NC_TRY_VOID(setup_lab_dns(lab.host(), external, v6));
  NC_TRY_VOID(netlink::write_sysctl(lab.host(), "net.ipv4.ip_forward", opts.ip_forward ? "1" : "0"));
  NC_TRY_VOID(wait_link_running(lab.host(), kLanIfname, kLinkTimeout));
  return wait_link_running(lab.external(), kLanIfname, kLinkTimeout);
}

}  // namespace

bool ipv6_enabled(const Namespaces& ns) {
  auto v = netlink::read_sysctl(ns, "net.ipv6.conf.default.disable_ipv6");
  return v && v->starts_with("0");
}

Result<LabHost> LabHost::create(const LabHostOptions& opts) {
  LabHost lab;
  auto ctx = fmt::format("create lab host {}", opts.name);
  lab.host_ = NC_TRY_CTX(Namespaces::create(opts.name, kNsNet | kNsMnt | kNsUts), "{}", ctx);
  lab.external_ = NC_TRY_CTX(Namespaces::create("external", kNsNet), "{}", ctx);
  lab.ipv6_ = ipv6_enabled(lab.external_);
  NC_TRY_VOID_CTX(build(lab, opts), "{}", ctx);
  return lab;
}

}  // namespace nc::lab
