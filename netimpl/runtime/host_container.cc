#include <sched.h>
#include <unistd.h>

#include <climits>

#include "netimpl/runtime/container.h"

namespace nc::runtime {

Result<Container> make_host_container(std::string name, std::string id, const Namespaces& host) {
  Container c;
  c.name = std::move(name);
  c.id = std::move(id);
  c.shares_host_net = true;
  auto ctx = fmt::format("create container {} in the host's network namespace", c.name);
  // Inside the host's namespaces, unshare only the mount namespace: what remains is the
  // host's network and UTS namespace, which this thread then holds alongside.
  c.ns = NC_TRY_CTX(host.run([&]() -> Result<Namespaces> {
    if (::unshare(CLONE_NEWNS | CLONE_FS) != 0) return sys_fail("unshare mount namespace");
    char buf[HOST_NAME_MAX + 1] = {};
    if (::gethostname(buf, sizeof buf) == 0) c.hostname = buf;
    return Namespaces::current(c.name, kNsNet | kNsMnt | kNsUts);
  }),
                    "{}", ctx);
  c.rtnl = std::make_unique<netlink::Rtnl>(NC_TRY_CTX(netlink::Rtnl::open(c.ns), "{}", ctx));
  return c;
}

}  // namespace nc::runtime
