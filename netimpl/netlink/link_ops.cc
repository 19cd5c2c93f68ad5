#include "netimpl/netlink/link_ops.h"

#include <net/if.h>

#include <string>

#include "netimpl/netlink/convert.h"
#include "netimpl/netlink/request.h"

namespace nc::netlink {
namespace {

// Adopts the parsed link that an answer carries (a GETLINK answer carries one).
ObjectFn keep_link(LinkPtr& out) {
  return [&out](nl_object* obj) {
    nl_object_get(obj);
    out.reset(reinterpret_cast<rtnl_link*>(obj));
  };
}

}  // namespace

Result<LinkPtr> get_link(nl_sock* sk, std::string_view name) {
  std::string n(name);
  LinkPtr link;
  NC_TRY_VOID(request(sk, [&](nl_msg** m) { return rtnl_link_build_get_request(0, n.c_str(), m); },
                      keep_link(link)));
  if (!link) return fail("no link in the kernel's answer", ENODEV);
  return link;
}

Result<int> index_of(nl_sock* sk, std::string_view name) {
  auto link = NC_TRY(get_link(sk, name));
  return rtnl_link_get_ifindex(link.get());
}

LinkInfo to_info(rtnl_link* l) {
  const char* kind = rtnl_link_get_type(l);
  return LinkInfo{
      .index = rtnl_link_get_ifindex(l),
      .name = rtnl_link_get_name(l) ? rtnl_link_get_name(l) : "",
      .kind = kind ? kind : "",
      .up = (rtnl_link_get_flags(l) & IFF_UP) != 0,
      .mtu = static_cast<int>(rtnl_link_get_mtu(l)),
      .master = rtnl_link_get_master(l),
      .mac = mac_str(rtnl_link_get_addr(l)),
  };
}

Result<std::unordered_map<int, std::string>> link_names(nl_sock* sk) {
  std::unordered_map<int, std::string> names;
  NC_TRY_VOID(dump(sk, RTM_GETLINK, AF_UNSPEC, [&](nl_object* o) {
    auto* l = reinterpret_cast<rtnl_link*>(o);
    names[rtnl_link_get_ifindex(l)] = rtnl_link_get_name(l) ? rtnl_link_get_name(l) : "";
  }));
  return names;
}

Result<void> add_link(nl_sock* sk, rtnl_link* link) {
  return request(sk, [&](nl_msg** m) { return rtnl_link_build_add_request(link, NLM_F_CREATE | NLM_F_EXCL, m); });
}

Result<void> change_by_name(nl_sock* sk, std::string_view name, rtnl_link* changes) {
  std::string n(name);
  LinkPtr orig(rtnl_link_alloc());
  if (!orig) return fail("allocate link", ENOMEM);
  rtnl_link_set_name(orig.get(), n.c_str());
  // With no index, the kernel looks the link up by the IFLA_IFNAME the changes carry.
  rtnl_link_set_name(changes, n.c_str());
  return request(sk, [&](nl_msg** m) { return rtnl_link_build_change_request(orig.get(), changes, 0, m); });
}

Result<void> change_by_index(nl_sock* sk, int index, rtnl_link* changes) {
  LinkPtr orig(rtnl_link_alloc());
  if (!orig) return fail("allocate link", ENOMEM);
  rtnl_link_set_ifindex(orig.get(), index);
  return request(sk, [&](nl_msg** m) { return rtnl_link_build_change_request(orig.get(), changes, 0, m); });
}

}  // namespace nc::netlink
