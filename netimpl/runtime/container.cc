#include "netimpl/runtime/container.h"

#include <unistd.h>

#include <random>

namespace nc::runtime {

drivers::EndpointState* Container::endpoint(std::string_view network) {
  for (auto& e : endpoints)
    if (e.network == network) return &e;
  return nullptr;
}

std::string Container::next_ifname() const {
  for (int i = 0;; ++i) {
    std::string n = fmt::format("eth{}", i);
    bool used = false;
    for (auto& e : endpoints) used = used || e.ifname == n;
    if (!used) return n;
  }
}

std::string random_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}{:016x}{:016x}{:016x}", rng(), rng(), rng(), rng());
}

Result<Container> make_container(std::string name, std::string id, std::string hostname) {
  Container c;
  c.name = std::move(name);
  c.id = std::move(id);
  c.hostname = hostname.empty() ? c.id.substr(0, 12) : std::move(hostname);
  // One thread does it all inside the new namespaces: a thread start costs more than
  // the netlink work here when the machine is busy.
  std::optional<netlink::Rtnl> rtnl;
  auto inside = [&]() -> Result<void> {
    if (::sethostname(c.hostname.data(), c.hostname.size()) != 0) return sys_fail(fmt::format("set hostname {}", c.hostname));
    rtnl = NC_TRY(netlink::Rtnl::open_here(c.name));
    return rtnl->set_up("lo");
  };
  c.ns = NC_TRY_CTX(Namespaces::create(c.name, kNsNet | kNsMnt | kNsUts, inside), "create container {}", c.name);
  c.rtnl = std::make_unique<netlink::Rtnl>(std::move(*rtnl));
  return c;
}

Result<void> sync_default_route(Container& c) {
  for (int family : {AF_INET, AF_INET6}) {
    auto& have = c.default_routes[family == AF_INET6];
    auto want = drivers::default_route(c.endpoints, family);
    std::optional<IpAddr> gateway = want ? want->gateway : std::nullopt;
    std::string dev = want ? want->dev : "";
    if (gateway == have.gateway && dev == have.dev) continue;
    Prefix any = family == AF_INET6 ? Prefix(*IpAddr::parse("::"), 0) : Prefix(IpAddr{}, 0);
    if (!have.dev.empty()) NC_TRY_VOID(c.rtnl->del_route({.dst = any, .gateway = have.gateway, .dev = have.dev}));
    have = {};
    if (want) {
      NC_TRY_VOID(c.rtnl->add_route(*want));
      have = {gateway, dev};
    }
  }
  return {};
}

}  // namespace nc::runtime
