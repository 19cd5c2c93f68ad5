// Rtnl: the socket, link queries and changes to existing links.
#include "netimpl/netlink/rtnl.h"

#include <linux/netlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <netlink/errno.h>
#include <netlink/route/link/bridge.h>
#include <netlink/socket.h>

#include "netimpl/netlink/link_ops.h"
#include "netimpl/netlink/request.h"

namespace nc::netlink {
namespace {

// An error that means "the object is not there", for idempotent deletes.
bool is_absent(const Error& e) { return e.sys_errno() == ENODEV; }

LinkPtr new_link() { return LinkPtr(rtnl_link_alloc()); }

}  // namespace

void Rtnl::SockDeleter::operator()(nl_sock* s) const { nl_socket_free(s); }

Rtnl::Rtnl(Rtnl&&) noexcept = default;
Rtnl& Rtnl::operator=(Rtnl&&) noexcept = default;
Rtnl::~Rtnl() = default;

namespace {

using Sock = std::unique_ptr<nl_sock, NlRelease<nl_sock, nl_socket_free>>;

Result<Sock> connect_here() {
  Sock s(nl_socket_alloc());
  if (!s) return std::unexpected(nl_error(NLE_NOMEM));
  if (int err = nl_connect(s.get(), NETLINK_ROUTE); err < 0) return std::unexpected(nl_error(err));
  int on = 1;
  // Extended acks carry the kernel's reason ("Unknown device type"); capped acks keep
  // them from echoing our whole request back.
  ::setsockopt(nl_socket_get_fd(s.get()), SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
  ::setsockopt(nl_socket_get_fd(s.get()), SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
  return s;
}

}  // namespace

Result<Rtnl> Rtnl::open(const Namespaces& ns) {
  if (!ns.has(kNsNet)) return fail(fmt::format("open netlink socket in netns {}: no network namespace held", ns.name()), EINVAL);
  // A netlink socket belongs to the netns of the thread that creates it, for life.
  return ns.run([&] { return open_here(ns.name()); });
}

Result<Rtnl> Rtnl::open_here(std::string ns_name) {
  auto sock = connect_here();
  if (!sock) return std::unexpected(std::move(sock).error().context(fmt::format("open netlink socket in netns {}", ns_name)));
  Rtnl r;
  r.sock_.reset(sock->release());
  r.ns_name_ = std::move(ns_name);
  return r;
}

Result<int> Rtnl::link_index(std::string_view ifname) {
  return NC_TRY_CTX(index_of(sock_.get(), ifname), "find link {} in netns {}", ifname, ns_name_);
}

Result<std::optional<LinkInfo>> Rtnl::find_link(std::string_view ifname) {
  auto link = get_link(sock_.get(), ifname);
  if (!link && is_absent(link.error())) return std::nullopt;
  if (!link) return std::unexpected(std::move(link).error().context(fmt::format("find link {} in netns {}", ifname, ns_name_)));
  return to_info(link->get());
}

Result<std::vector<LinkInfo>> Rtnl::links() {
  std::vector<LinkInfo> out;
  // A dump that races with link changes (the kernel removing a closed namespace's veths)
  // ends with NLM_F_DUMP_INTR: the list may be inconsistent, so take it again.
  for (int attempt = 1;; ++attempt) {
    out.clear();
    auto r = dump(sock_.get(), RTM_GETLINK, AF_UNSPEC,
                  [&](nl_object* o) { out.push_back(to_info(reinterpret_cast<rtnl_link*>(o))); });
    if (r) return out;
    if (attempt == 5 || r.error().message() != nl_geterror(NLE_DUMP_INTR))
      return std::unexpected(r.error().context(fmt::format("list links in netns {}", ns_name_)));
  }
}

Result<void> Rtnl::set_up(std::string_view ifname, bool up) {
  LinkPtr c = new_link();
  if (up) rtnl_link_set_flags(c.get(), IFF_UP);
  else rtnl_link_unset_flags(c.get(), IFF_UP);
  NC_TRY_VOID_CTX(change_by_name(sock_.get(), ifname, c.get()), "set link {} {} in netns {}", ifname,
                  up ? "up" : "down", ns_name_);
  return {};
}

Result<void> Rtnl::set_master(std::string_view ifname, std::string_view bridge) {
  auto ctx = [&] { return fmt::format("set master of {} to {} in netns {}", ifname, bridge.empty() ? "none" : bridge, ns_name_); };
  int master = 0;
  if (!bridge.empty()) master = NC_TRY_CTX(index_of(sock_.get(), bridge), "{}", ctx());
  LinkPtr c = new_link();
  rtnl_link_set_master(c.get(), master);
  NC_TRY_VOID_CTX(change_by_name(sock_.get(), ifname, c.get()), "{}", ctx());
  return {};
}

Result<void> Rtnl::set_hairpin(std::string_view ifname, bool on) {
  auto ctx = [&] { return fmt::format("set hairpin {} on bridge port {} in netns {}", on ? "on" : "off", ifname, ns_name_); };
  int index = NC_TRY_CTX(index_of(sock_.get(), ifname), "{}", ctx());
  // An AF_BRIDGE change carrying IFLA_PROTINFO { IFLA_BRPORT_MODE }: libnl sends it as
  // RTM_SETLINK, which the kernel hands to the port's bridge (br_setlink). That handler
  // finds the port by index only, so both objects carry it (and the same family).
  LinkPtr orig = new_link(), c = new_link();
  if (!orig || !c) return std::unexpected(Error("allocate link", ENOMEM).context(ctx()));
  for (rtnl_link* l : {orig.get(), c.get()}) {
    rtnl_link_set_family(l, AF_BRIDGE);  // attaches libnl's bridge port data
    rtnl_link_set_ifindex(l, index);
  }
  int err = on ? rtnl_link_bridge_set_flags(c.get(), RTNL_BRIDGE_HAIRPIN_MODE)
               : rtnl_link_bridge_unset_flags(c.get(), RTNL_BRIDGE_HAIRPIN_MODE);
  NC_TRY_VOID_CTX(nl_ok(err), "{}", ctx());
  NC_TRY_VOID_CTX(request(sock_.get(), [&](nl_msg** m) { return rtnl_link_build_change_request(orig.get(), c.get(), 0, m); }),
                  "{}", ctx());
  return {};
}

Result<void> Rtnl::set_mtu(std::string_view ifname, int mtu) {
  LinkPtr c = new_link();
  rtnl_link_set_mtu(c.get(), static_cast<unsigned>(mtu));
  NC_TRY_VOID_CTX(change_by_name(sock_.get(), ifname, c.get()), "set mtu {} on {} in netns {}", mtu, ifname, ns_name_);
  return {};
}

Result<void> Rtnl::rename(std::string_view ifname, std::string_view new_name) {
  auto ctx = [&] { return fmt::format("rename link {} to {} in netns {}", ifname, new_name, ns_name_); };
  int index = NC_TRY_CTX(index_of(sock_.get(), ifname), "{}", ctx());
  LinkPtr c = new_link();
  rtnl_link_set_name(c.get(), std::string(new_name).c_str());
  NC_TRY_VOID_CTX(change_by_index(sock_.get(), index, c.get()), "{}", ctx());
  return {};
}

Result<void> Rtnl::move_to(std::string_view ifname, const Namespaces& target, std::string_view new_name) {
  auto ctx = [&] {
    return fmt::format("move link {} to netns {}{}{} in netns {}", ifname, target.name(), new_name.empty() ? "" : " as ",
                       new_name, ns_name_);
  };
  if (!target.has(kNsNet)) return std::unexpected(Error("no network namespace held", EINVAL).context(ctx()));
  LinkPtr c = new_link();
  rtnl_link_set_ns_fd(c.get(), target.fd(kNsNet));
  // The kernel names the link in the target after IFLA_IFNAME, so a rename rides along
  // in the same request; the link is then found by index instead of by name.
  if (new_name.empty() || new_name == ifname) {
    NC_TRY_VOID_CTX(change_by_name(sock_.get(), ifname, c.get()), "{}", ctx());
    return {};
  }
  int index = NC_TRY_CTX(index_of(sock_.get(), ifname), "{}", ctx());
  rtnl_link_set_name(c.get(), std::string(new_name).c_str());
  NC_TRY_VOID_CTX(change_by_index(sock_.get(), index, c.get()), "{}", ctx());
  return {};
}

Result<void> Rtnl::delete_link(std::string_view ifname) {
  LinkPtr l = new_link();
  std::string n(ifname);
  rtnl_link_set_name(l.get(), n.c_str());
  auto r = request(sock_.get(), [&](nl_msg** m) { return rtnl_link_build_delete_request(l.get(), m); });
  if (!r && !is_absent(r.error()))
    return std::unexpected(std::move(r).error().context(fmt::format("delete link {} in netns {}", ifname, ns_name_)));
  return {};
}

}  // namespace nc::netlink
