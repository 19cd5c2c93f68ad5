// Rtnl: the root queueing discipline of a link — a netem delay, read back, deleted.
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/tc.h>

#include "netimpl/netlink/link_ops.h"
#include "netimpl/netlink/request.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::netlink {
namespace {

using QdiscPtr = std::unique_ptr<rtnl_qdisc, NlRelease<rtnl_qdisc, rtnl_qdisc_put>>;

// A root qdisc object of `ifindex`, kind `kind` ("" leaves the kind unset).
Result<QdiscPtr> root_qdisc(int ifindex, const char* kind) {
  QdiscPtr q(rtnl_qdisc_alloc());
  if (!q) return fail("allocate qdisc", ENOMEM);
  rtnl_tc_set_ifindex(TC_CAST(q.get()), ifindex);
  rtnl_tc_set_parent(TC_CAST(q.get()), TC_H_ROOT);
  if (*kind) NC_TRY_VOID(nl_ok(rtnl_tc_set_kind(TC_CAST(q.get()), kind)));
  return q;
}

}  // namespace

Result<void> Rtnl::set_netem_delay(std::string_view ifname, int delay_ms) {
  auto ctx = [&] { return fmt::format("add netem qdisc delay {}ms on {} in netns {}", delay_ms, ifname, ns_name_); };
  if (delay_ms < 0) return failf("{}: a negative delay", ctx());
  int index = NC_TRY_CTX(index_of(sock_.get(), ifname), "{}", ctx());
  QdiscPtr q = NC_TRY_CTX(root_qdisc(index, "netem"), "{}", ctx());
  rtnl_netem_set_delay(q.get(), delay_ms * 1000);  // microseconds
  NC_TRY_VOID_CTX(
      request(sock_.get(), [&](nl_msg** m) { return rtnl_qdisc_build_add_request(q.get(), NLM_F_CREATE | NLM_F_REPLACE, m); }),
      "{}", ctx());
  return {};
}

Result<std::optional<int>> Rtnl::netem_delay(std::string_view ifname) {
  auto ctx = [&] { return fmt::format("read qdisc of {} in netns {}", ifname, ns_name_); };
  int index = NC_TRY_CTX(index_of(sock_.get(), ifname), "{}", ctx());
  std::optional<int> delay;
  NC_TRY_VOID_CTX(dump(sock_.get(), RTM_GETQDISC, AF_UNSPEC,
                       [&](nl_object* o) {
                         if (std::string_view(nl_object_get_type(o)) != "route/qdisc") return;
                         auto* q = reinterpret_cast<rtnl_qdisc*>(o);
                         if (rtnl_tc_get_ifindex(TC_CAST(q)) != index || rtnl_tc_get_parent(TC_CAST(q)) != TC_H_ROOT) return;
                         const char* kind = rtnl_tc_get_kind(TC_CAST(q));
                         if (kind && std::string_view(kind) == "netem") delay = rtnl_netem_get_delay(q) / 1000;
                       }),
                  "{}", ctx());
  return delay;
}

Result<void> Rtnl::del_root_qdisc(std::string_view ifname) {
  auto ctx = [&] { return fmt::format("delete root qdisc of {} in netns {}", ifname, ns_name_); };
  int index = NC_TRY_CTX(index_of(sock_.get(), ifname), "{}", ctx());
  QdiscPtr q = NC_TRY_CTX(root_qdisc(index, ""), "{}", ctx());
  auto r = request(sock_.get(), [&](nl_msg** m) { return rtnl_qdisc_build_delete_request(q.get(), m); });
  // ENOENT: only the default qdisc is there (nothing to delete).
  if (!r && r.error().sys_errno() != ENOENT) return std::unexpected(r.error().context(ctx()));
  return {};
}

}  // namespace nc::netlink
