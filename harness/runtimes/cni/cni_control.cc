// CniRuntime as api::CniControl: single ADD, CHECK and DEL requests of the CNI- checks,
// with the attachment parameters and stored ADD result the specification requires.
#include <algorithm>

#include <fmt/format.h>

#include "harness/runtimes/cni/cni_runtime.h"

namespace nc::cni {

namespace {

api::CniReply reply(const ListOutcome& o, const AttachmentParams& p) {
  api::CniReply r{.ok = o.ok(), .code = std::nullopt, .msg = "", .text = o.describe(), .ips = {}};
  if (o.error) {
    r.code = o.error->code;
    r.msg = o.error->msg;
  }
  if (o.result)
    for (auto& a : o.result->addresses_of(p.ifname, p.netns)) r.ips.push_back(a.str());
  return r;
}

}  // namespace

Result<api::CniReply> CniRuntime::cni_add(Container& c, const api::CniRequest& req) {
  auto* n = NC_TRY(network(req.network));
  if (!n->conflist.is_object()) return failf("network {} has no network configuration", req.network);
  AttachmentParams p{.container_id = c.id, .netns = c.netns_path, .ifname = req.ifname.empty() ? next_ifname(c) : req.ifname};
  bool taken = std::ranges::any_of(c.attachments, [&](auto& a) { return !a.deleted && a.params.ifname == p.ifname; });
  auto o = NC_TRY(add_list(plugin_env(), n->conflist, p));
  if (!o.ok()) {
    // The spec: a failed add is still followed by its delete — unless the tuple was
    // already attached, where a DEL would undo that earlier attachment instead.
    if (!taken) (void)del_list(plugin_env(), n->conflist, p, nullptr);
    return reply(o, p);
  }
  NC_TRY_VOID(check_add_result(*o.result, p.netns, p.ifname));
  auto r = reply(o, p);
  c.attachments.push_back({.network = req.network, .params = p, .result = std::move(o.result), .deleted = false});
  return r;
}

Result<api::CniReply> CniRuntime::cni(const api::CniRequest& req) {
  auto ctx = fmt::format("CNI {} {} on {}{}", req.command, req.container, req.network,
                         req.ifname.empty() ? "" : " ifname " + req.ifname);
  auto* c = NC_TRY_CTX(container(req.container), "{}", ctx);
  if (c->host_mode) return failf("{}: the container is in the host's network namespace", ctx);
  if (req.command == "ADD") {
    if (!c->ns.has(kNsNet)) return failf("{}: the container's network namespace is gone", ctx);
    return with_context(cni_add(*c, req), ctx);
  }
  if (req.command != "CHECK" && req.command != "DEL") return failf("{}: unknown command (ADD, CHECK or DEL)", ctx);
  // The attachment: by ifname, else the container's latest on the network (a deleted one
  // too: DEL may follow DEL with the same parameters).
  auto match = [&](const Attachment& a) {
    return a.network == req.network && (req.ifname.empty() || a.params.ifname == req.ifname);
  };
  auto it = std::ranges::find_if(c->attachments.rbegin(), c->attachments.rend(), match);
  if (it == c->attachments.rend()) return failf("{}: no such attachment was ADDed", ctx);
  if (req.command == "CHECK") {
    // "A runtime must not call CHECK for a container that has not been ADDed, or has been
    // DELeted after its last ADD."
    if (it->deleted || !it->result) return failf("{}: the attachment was DELeted; CHECK is not allowed", ctx);
    auto o = NC_TRY_CTX(check_list(plugin_env(), networks_.at(req.network).conflist, it->params, *it->result), "{}", ctx);
    return reply(o, it->params);
  }
  if (req.netns_gone) {
    c->main.reset();
    if (c->netns) NC_TRY_VOID_CTX(c->netns->remove(), "{}", ctx);
    c->netns.reset();
    c->ns = Namespaces();
  }
  auto o = NC_TRY_CTX(del(*it), "{}", ctx);
  return reply(o, it->params);
}

}  // namespace nc::cni
