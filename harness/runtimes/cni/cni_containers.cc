// CniRuntime: containers — namespaces, ADD/DEL of their attachments, the probe.
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/runtimes/cni/cni_runtime.h"
#include "netimpl/runtime/container.h"

namespace nc::cni {

using nlohmann::json;

Result<CniRuntime::Container*> CniRuntime::container(std::string_view name) {
  auto it = containers_.find(name);
  if (it == containers_.end()) return failf("container {} not found", name);
  return &it->second;
}

std::string CniRuntime::next_ifname(const Container& c) const {
  for (int i = 0;; ++i) {
    auto n = fmt::format("eth{}", i);
    if (std::ranges::none_of(c.attachments, [&](auto& a) { return !a.deleted && a.params.ifname == n; })) return n;
  }
}

Result<void> CniRuntime::attach(Container& c, const api::Attachment& att, const json& capability_args) {
  auto ctx = fmt::format("attach {} to {}", c.name, att.network);
  auto* n = NC_TRY_CTX(network(att.network), "{}", ctx);
  if (!n->conflist.is_object()) return failf("{}: {} has no network configuration to ADD", ctx, att.network);
  Attachment a{.network = att.network,
               .params = {.container_id = c.id, .netns = c.netns_path, .ifname = next_ifname(c),
                          .args = att.ip ? "IgnoreUnknown=1;IP=" + att.ip->str() : "", .capability_args = capability_args},
               .result = std::nullopt};
  auto o = add_list(plugin_env(), n->conflist, a.params);
  if (!o || !o->ok()) {
    (void)del_list(plugin_env(), n->conflist, a.params, nullptr);  // "a delete must still be executed"
    return failf("{}: ADD {}: {}", ctx, a.params.ifname, o ? o->describe() : o.error().message());
  }
  if (auto r = check_add_result(*o->result, a.params.netns, a.params.ifname); !r) {
    (void)del_list(plugin_env(), n->conflist, a.params, &*o->result);
    return failf("{}: ADD {}: {}", ctx, a.params.ifname, r.error().message());
  }
  a.result = std::move(o->result);
  c.attachments.push_back(std::move(a));
  return {};
}

Result<ListOutcome> CniRuntime::del(Attachment& a) {
  const json& conflist = a.network.empty() ? loopback_ : networks_.at(a.network).conflist;
  auto o = NC_TRY(del_list(plugin_env(), conflist, a.params, a.result ? &*a.result : nullptr));
  if (o.ok()) a.deleted = true;
  return o;
}

Result<void> CniRuntime::teardown(Container& c) {
  c.main.reset();  // SIGKILL, reaped
  std::vector<std::string> errors;
  for (auto it = c.attachments.rbegin(); it != c.attachments.rend(); ++it) {
    if (it->deleted) continue;
    auto o = del(*it);
    if (!o || !o->ok())
      errors.push_back(fmt::format("DEL {} {}: {}", it->network.empty() ? "loopback" : it->network, it->params.ifname,
                                   o ? o->describe() : o.error().message()));
  }
  if (c.netns)
    if (auto r = c.netns->remove(); !r) errors.push_back(r.error().message());
  c.netns.reset();
  c.ns = Namespaces();
  if (!errors.empty()) return failf("remove container {}: {}", c.name, fmt::join(errors, "; "));
  return {};
}

Result<void> CniRuntime::start_main(Container& c, const std::vector<std::string>& command) {
  LaunchSpec spec{.argv = {opts_.probe_path}, .ns = &c.ns};
  if (command.empty()) spec.argv.push_back("idle");
  spec.argv.insert(spec.argv.end(), command.begin(), command.end());
  auto proc = NC_TRY_CTX(Process::spawn(spec), "start container {}", c.name);
  auto line = proc.read_line(opts_.ready_timeout);
  if (!line) return failf("start container {}: {} ({})", c.name, line.error().message(), proc.take_stderr());
  if (line->find("\"outcome\":\"ok\"") == std::string::npos)
    return failf("start container {}: probe {} reported: {}", c.name, fmt::join(command, " "), *line);
  c.main.emplace(std::move(proc));
  return {};
}

Result<CniRuntime::Container> CniRuntime::make_container(const api::ContainerSpec& spec) {
  Container c{.name = spec.name, .id = runtime::random_id()};
  c.hostname = spec.hostname.empty() ? c.id.substr(0, 12) : spec.hostname;
  c.host_mode = std::ranges::any_of(spec.networks, [](auto& a) { return a.network == "host"; });
  if (c.host_mode) {
    if (spec.networks.size() > 1) return fail("a container on network host can be on no other network");
    auto hc = NC_TRY(runtime::make_host_container(c.name, c.id, *host_));
    c.ns = std::move(hc.ns);
    c.hostname = hc.hostname;
    return c;
  }
  c.ns = NC_TRY(Namespaces::create(c.name, kNsNet | kNsMnt | kNsUts, [&]() -> Result<void> {
    if (::sethostname(c.hostname.data(), c.hostname.size()) != 0) return sys_fail("set hostname " + c.hostname);
    return {};
  }));
  c.netns.emplace(NC_TRY(NetnsFile::bind(*host_, c.ns, fmt::format("{}/netns/{}", opts_.state_dir, c.id.substr(0, 16)))));
  c.netns_path = c.netns->path();
  return c;
}

Result<api::ContainerInfo> CniRuntime::create_container(const api::ContainerSpec& spec) {
  auto ctx = fmt::format("create container {}", spec.name);
  if (spec.name.empty()) return fail("create container: a container needs a name");
  if (containers_.contains(spec.name)) return failf("{}: container {} already exists", ctx, spec.name);
  std::vector<api::Attachment> atts = spec.networks;
  if (atts.empty()) atts.push_back({.network = std::string(api::kDefaultBridge)});
  for (auto& a : atts) NC_TRY_VOID_CTX(network(a.network), "{}", ctx);
  if (!spec.dns.empty()) return failf("{}: --dns: the CNI runtime writes no resolv.conf", ctx);
  auto c = NC_TRY_CTX(make_container(spec), "{}", ctx);
  auto undo = [&](Error e) {
    (void)teardown(c);
    return std::unexpected(std::move(e).context(ctx));
  };
  if (!c.host_mode) {
    Attachment lo{.network = "", .params = {.container_id = c.id, .netns = c.netns_path, .ifname = "lo"}};
    auto o = add_list(plugin_env(), loopback_, lo.params);
    if (!o || !o->ok()) return undo(Error(fmt::format("ADD lo: {}", o ? o->describe() : o.error().message())));
    lo.result = std::move(o->result);
    c.attachments.push_back(std::move(lo));
    bool first = true;
    for (auto& a : atts) {
      if (a.network == "none") continue;
      json caps = json::object();
      // An internal network has no way in: its ports are not mapped (as it gets no default
      // route and no masquerade, config.h).
      if (first && !spec.publish.empty() && !networks_.at(a.network).info.internal) {
        auto maps = port_mappings(spec.publish, c);
        if (!maps) return undo(maps.error());
        caps["portMappings"] = *maps;
      }
      if (auto r = attach(c, a, caps); !r) return undo(r.error());
      first = false;
    }
  }
  if (auto r = start_main(c, spec.command); !r) return undo(r.error());
  auto& stored = containers_.emplace(spec.name, std::move(c)).first->second;
  return info(stored);
}

Result<void> CniRuntime::remove_container(std::string_view name) {
  auto* c = NC_TRY_CTX(container(name), "remove container {}", name);
  auto r = teardown(*c);
  containers_.erase(containers_.find(name));
  return r;
}

Result<void> CniRuntime::connect(std::string_view name, const api::Attachment& att) {
  auto* c = NC_TRY_CTX(container(name), "connect {}", name);
  if (c->host_mode || !c->netns) return failf("connect {}: it has no network namespace of its own", name);
  return attach(*c, att, json::object());
}

Result<void> CniRuntime::disconnect(std::string_view name, std::string_view net) {
  auto* c = NC_TRY_CTX(container(name), "disconnect {}", name);
  auto it = std::ranges::find_if(c->attachments, [&](auto& a) { return a.network == net && !a.deleted; });
  if (it == c->attachments.end()) return failf("disconnect {}: not attached to network {}", name, net);
  auto o = NC_TRY_CTX(del(*it), "disconnect {} from {}", name, net);
  if (!o.ok()) return failf("disconnect {} from {}: DEL: {}", name, net, o.describe());
  c->attachments.erase(it);
  return {};
}

api::ContainerInfo CniRuntime::info(const Container& c) const {
  api::ContainerInfo out{.name = c.name, .id = c.id, .hostname = c.hostname, .endpoints = {}, .ports = c.ports};
  for (auto& a : c.attachments) {
    if (a.network.empty() || a.deleted || !a.result) continue;
    for (auto& ip : a.result->ips) {
      if (!ip.interface) continue;
      auto& iface = a.result->interfaces[*ip.interface];
      if (iface.name != a.params.ifname || iface.sandbox != a.params.netns) continue;
      out.endpoints.push_back({.network = a.network, .ip = ip.address.addr(), .prefix_len = ip.address.len(),
                               .gateway = ip.gateway, .mac = iface.mac, .aliases = {}});
      break;
    }
  }
  return out;
}

Result<api::ContainerInfo> CniRuntime::inspect(std::string_view name) {
  return info(*NC_TRY_CTX(container(name), "inspect {}", name));
}

Result<api::ExecResult> CniRuntime::exec_probe(std::string_view name, const std::vector<std::string>& args,
                                               std::chrono::milliseconds timeout) {
  auto* c = NC_TRY_CTX(container(name), "exec in {}", name);
  if (!c->ns.has(kNsNet)) return failf("exec in {}: its network namespace is gone", name);
  LaunchSpec spec{.argv = {opts_.probe_path}, .ns = &c->ns};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  auto r = NC_TRY_CTX(run(spec, timeout), "exec probe in {}", name);
  if (r.timed_out) return failf("exec probe in {}: {} did not finish within {} ms", name, fmt::join(args, " "), timeout.count());
  return api::ExecResult{.exit_code = r.exit_code, .out = std::move(r.out), .err = std::move(r.err)};
}

}  // namespace nc::cni
