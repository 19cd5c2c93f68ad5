#include "netimpl/netlink/request.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstring>
#include <string>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>

namespace nc::netlink {
namespace {

struct Outcome {
  const ObjectFn* on_object = nullptr;
  bool done = false;
  int sys_errno = 0;
  std::string extack;
};

// The kernel's extended-ack message, present when the socket has NETLINK_EXT_ACK on.
std::string extack_message(const nlmsgerr* e) {
  auto* nlh = reinterpret_cast<const nlmsghdr*>(reinterpret_cast<const char*>(e) - NLMSG_HDRLEN);
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
  size_t off = NLMSG_HDRLEN + sizeof(nlmsgerr);
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) off += e->msg.nlmsg_len - NLMSG_HDRLEN;
  off = NLMSG_ALIGN(off);
  if (nlh->nlmsg_len <= off) return {};
  nlattr* tb[NLMSGERR_ATTR_MAX + 1] = {};
  auto* attrs = reinterpret_cast<nlattr*>(const_cast<char*>(reinterpret_cast<const char*>(nlh)) + off);
  if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, static_cast<int>(nlh->nlmsg_len - off), nullptr) < 0) return {};
  if (!tb[NLMSGERR_ATTR_MSG]) return {};
  return std::string(nla_get_string(tb[NLMSGERR_ATTR_MSG]));
}

int on_error(sockaddr_nl*, nlmsgerr* e, void* arg) {
  auto* o = static_cast<Outcome*>(arg);
  o->sys_errno = -e->error;
  o->extack = extack_message(e);
  return NL_STOP;
}

int on_done(nl_msg*, void* arg) {
  static_cast<Outcome*>(arg)->done = true;
  return NL_STOP;
}

void hand_over(nl_object* obj, void* arg) { (*static_cast<const ObjectFn*>(arg))(obj); }

int on_valid(nl_msg* msg, void* arg) {
  auto* o = static_cast<Outcome*>(arg);
  if (o->on_object && *o->on_object) nl_msg_parse(msg, hand_over, const_cast<ObjectFn*>(o->on_object));
  return NL_OK;
}

int nle_to_errno(int nle) {
  switch (nle) {
    case NLE_NOMEM: return ENOMEM;
    case NLE_MSGSIZE: return EMSGSIZE;
    case NLE_INVAL: return EINVAL;
    case NLE_RANGE: return ERANGE;
    case NLE_AGAIN: return EAGAIN;
    case NLE_BAD_SOCK: return EBADF;
    case NLE_OBJ_NOTFOUND: return ENODEV;
    case NLE_EXIST: return EEXIST;
    case NLE_OPNOTSUPP: return EOPNOTSUPP;
    case NLE_PERM: return EPERM;
    default: return EIO;
  }
}

Error kernel_error(const Outcome& o) {
  std::string text = std::strerror(o.sys_errno);
  if (!o.extack.empty()) text += fmt::format(" ({})", o.extack);
  return Error(std::move(text), o.sys_errno);
}

}  // namespace

Error nl_error(int nle) {
  int code = nle < 0 ? -nle : nle;
  return Error(nl_geterror(code), nle_to_errno(code));
}

Result<void> exchange(nl_sock* sk, nl_msg* msg, const ObjectFn& on_object) {
  Outcome o{.on_object = &on_object};
  CbPtr base(nl_socket_get_cb(sk));
  CbPtr cb(base ? nl_cb_clone(base.get()) : nullptr);
  if (!cb) return std::unexpected(nl_error(NLE_NOMEM));
  nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &o);
  nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_done, &o);
  nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_done, &o);
  nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &o);

  if (int err = nl_send_auto(sk, msg); err < 0) return std::unexpected(nl_error(err));
  while (!o.done) {
    int err = nl_recvmsgs(sk, cb.get());
    if (o.sys_errno != 0) return std::unexpected(kernel_error(o));
    if (err < 0) return std::unexpected(nl_error(err));
  }
  return {};
}

Result<void> dump(nl_sock* sk, int type, int family, const ObjectFn& on_object) {
  size_t header = sizeof(rtgenmsg);
  switch (type) {
    case RTM_GETLINK: header = sizeof(ifinfomsg); break;
    case RTM_GETADDR: header = sizeof(ifaddrmsg); break;
    case RTM_GETROUTE: header = sizeof(rtmsg); break;
    case RTM_GETNEIGH: header = sizeof(ndmsg); break;
    case RTM_GETQDISC: header = sizeof(tcmsg); break;
  }
  MsgPtr msg(nlmsg_alloc_simple(type, NLM_F_DUMP));
  if (!msg) return std::unexpected(nl_error(NLE_NOMEM));
  // Every rtnetlink header starts with its family byte.
  auto* hdr = static_cast<unsigned char*>(nlmsg_reserve(msg.get(), header, NLMSG_ALIGNTO));
  if (!hdr) return std::unexpected(nl_error(NLE_MSGSIZE));
  std::memset(hdr, 0, header);
  hdr[0] = static_cast<unsigned char>(family);
  return exchange(sk, msg.get(), on_object);
}

}  // namespace nc::netlink
