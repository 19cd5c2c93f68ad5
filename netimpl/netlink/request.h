// One netlink request and its answer, with the kernel's own errno. Internal to netimpl/netlink.
//
// libnl folds the kernel's errno into its own NLE_* codes (EEXIST and EBUSY both become
// "Object exists"), so requests go through exchange(), which installs an error callback
// that keeps the raw errno and the kernel's extended-ack text ("Unknown device type").
// Errors come back without context; callers add "create bridge br0 in netns host".
#pragma once

#include <functional>

#include "netimpl/base/error.h"
#include "netimpl/netlink/owners.h"

namespace nc::netlink {

using ObjectFn = std::function<void(nl_object*)>;

// Sends `msg` (a request or an NLM_F_DUMP) and reads until the kernel's ack or the end of
// the dump, handing every object in the answer to on_object (may be empty).
Result<void> exchange(nl_sock* sk, nl_msg* msg, const ObjectFn& on_object = {});

// An error for a libnl code that did not come from the kernel (e.g. building a message).
Error nl_error(int nle);

// A libnl setter's return code (0 or -NLE_*) as a Result.
inline Result<void> nl_ok(int err) {
  if (err < 0) return std::unexpected(nl_error(err));
  return {};
}

// Builds a message with `build` (a libnl rtnl_*_build_*_request call taking nl_msg**)
// and exchanges it.
template <class Build>
Result<void> request(nl_sock* sk, Build&& build, const ObjectFn& on_object = {}) {
  nl_msg* raw = nullptr;
  if (int err = build(&raw); err < 0) return std::unexpected(nl_error(err));
  MsgPtr msg(raw);
  return exchange(sk, msg.get(), on_object);
}

// A dump of one object type: `type` is RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE, ...
Result<void> dump(nl_sock* sk, int type, int family, const ObjectFn& on_object);

}  // namespace nc::netlink
