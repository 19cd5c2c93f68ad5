#include "netimpl/netlink/link_watch.h"

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>

#include <algorithm>

#include <fmt/ranges.h>
#include <netlink/socket.h>

#include "netimpl/netlink/owners.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::netlink {
namespace {

using SockPtr = std::unique_ptr<nl_sock, NlRelease<nl_sock, nl_socket_free>>;

// Removes the name of every deleted link reported in `msg` from `names`.
int on_notification(nl_msg* msg, void* arg) {
  auto* names = static_cast<std::vector<std::string>*>(arg);
  nlmsghdr* h = nlmsg_hdr(msg);
  if (h->nlmsg_type != RTM_DELLINK) return NL_OK;
  nlattr* tb[IFLA_MAX + 1];
  if (nlmsg_parse(h, sizeof(ifinfomsg), tb, IFLA_MAX, nullptr) < 0 || !tb[IFLA_IFNAME]) return NL_OK;
  std::string name = nla_get_string(tb[IFLA_IFNAME]);
  std::erase(*names, name);
  return NL_OK;
}

}  // namespace

Result<void> wait_links_gone(const Namespaces& ns, std::vector<std::string> names, std::chrono::milliseconds timeout) {
  if (names.empty()) return {};
  auto ctx = [&] { return fmt::format("wait for links to go in netns {}", ns.name()); };
  auto watch = NC_TRY_CTX(ns.run([&]() -> Result<SockPtr> {
    SockPtr s(nl_socket_alloc());
    if (!s) return fail("nl_socket_alloc", ENOMEM);
    nl_socket_disable_seq_check(s.get());
    nl_socket_modify_cb(s.get(), NL_CB_VALID, NL_CB_CUSTOM, on_notification, &names);
    if (nl_connect(s.get(), NETLINK_ROUTE) < 0) return fail("connect netlink");
    if (nl_socket_add_membership(s.get(), RTNLGRP_LINK) < 0) return fail("subscribe to link events");
    nl_socket_set_nonblocking(s.get());
    return s;
  }), "{}", ctx());

  // Subscribed: now drop the names that are already gone. Done again if the kernel had to
  // drop notifications (socket overflow), since any of them may have been a deletion.
  auto rtnl = NC_TRY_CTX(Rtnl::open(ns), "{}", ctx());
  auto prune_absent = [&]() -> Result<void> {
    auto links = NC_TRY_CTX(rtnl.links(), "{}", ctx());
    std::erase_if(names, [&](const std::string& n) {
      return std::none_of(links.begin(), links.end(), [&](const LinkInfo& l) { return l.name == n; });
    });
    return {};
  };
  NC_TRY_VOID(prune_absent());

  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!names.empty()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return failf("{}: still present after {} ms: {}", ctx(), timeout.count(), fmt::join(names, ", "));
    pollfd p{nl_socket_get_fd(watch.get()), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0 && nl_recvmsgs_default(watch.get()) == -NLE_NOMEM)
      NC_TRY_VOID(prune_absent());
  }
  return {};
}

}  // namespace nc::netlink
