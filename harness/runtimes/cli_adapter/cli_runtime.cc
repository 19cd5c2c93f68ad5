#include "harness/runtimes/cli_adapter/cli_runtime.h"

#include <algorithm>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

namespace nc::runtimes {

using nlohmann::json;
using namespace std::chrono_literals;

Dialect docker_dialect() {
  return {.name = "docker", .default_bridge = "bridge", .default_networks = {"bridge", "host", "none"},
          .remove_flags = {"-f", "-v"}, .podman = false};
}

Dialect podman_dialect() {
  return {.name = "podman", .default_bridge = "podman", .default_networks = {"podman"},
          .remove_flags = {"-f", "-t", "0"}, .podman = true};
}

std::string CliRuntime::to_runtime(std::string_view network) const {
  return network == api::kDefaultBridge ? d_.default_bridge : std::string(network);
}

std::string CliRuntime::from_runtime(std::string_view network) const {
  return network == d_.default_bridge ? std::string(api::kDefaultBridge) : std::string(network);
}

Result<std::vector<std::string>> CliRuntime::network_args(const api::NetworkSpec& s) const {
  std::vector<std::string> a{"network", "create", "--driver", s.driver};
  if (s.subnet) a.insert(a.end(), {"--subnet", s.subnet->str()});
  if (s.gateway) a.insert(a.end(), {"--gateway", s.gateway->str()});
  if (s.dual_stack()) {
    // Podman takes the given subnets as the whole list: an IPv6 one alone would make an
    // IPv6-only network, and only Podman knows which IPv4 subnet is free.
    if (d_.podman && s.subnet6 && !s.subnet)
      return fail("podman allocates no IPv4 subnet beside a given IPv6 one: give subnet too for a dual-stack network");
    // Podman pairs the n-th --gateway with the n-th --subnet (Docker pairs them by
    // containment): an IPv6 gateway after an IPv4 subnet without one would be taken as that
    // subnet's, so the IPv4 subnet gets its default gateway written out.
    if (d_.podman && s.gateway6 && s.subnet && !s.gateway)
      a.insert(a.end(), {"--gateway", s.subnet->network().addr().offset(1).str()});
    a.push_back("--ipv6");
    if (s.subnet6) a.insert(a.end(), {"--subnet", s.subnet6->str()});
    if (s.gateway6) a.insert(a.end(), {"--gateway", s.gateway6->str()});
  }
  if (s.internal) a.push_back("--internal");
  if (!s.icc) {
    if (d_.podman) return fail("icc=false: podman has no per-network inter-container switch (netavark 1.4)");
    a.insert(a.end(), {"-o", "com.docker.network.bridge.enable_icc=false"});
  }
  if (s.mtu) a.insert(a.end(), {"-o", fmt::format("{}={}", d_.podman ? "mtu" : "com.docker.network.driver.mtu", s.mtu)});
  if (!s.parent.empty()) a.insert(a.end(), {"-o", "parent=" + s.parent});
  if (!s.mode.empty())
    a.insert(a.end(), {"-o", fmt::format("{}={}", d_.podman ? "mode" : s.driver + "_mode", s.mode)});
  a.push_back(s.name);
  return a;
}

Result<api::NetworkInfo> CliRuntime::create_network(const api::NetworkSpec& spec) {
  auto args = NC_TRY_CTX(network_args(spec), "create network {}", spec.name);
  NC_TRY_VOID_CTX(cli_.ok(args), "create network {}", spec.name);
  return inspect_network(spec.name);
}

Result<void> CliRuntime::remove_network(std::string_view name) {
  auto r = cli_.out({"network", "rm", to_runtime(name)});
  if (!r) return std::unexpected(std::move(r).error().context(fmt::format("remove network {}", name)));
  return {};
}

Result<json> CliRuntime::inspect_json(const std::vector<std::string>& args) const {
  auto text = NC_TRY(cli_.out(args));
  try {
    auto j = json::parse(text);
    if (j.is_array()) {
      if (j.empty()) return fail("inspect printed an empty list");
      return j[0];
    }
    return j;
  } catch (const std::exception& e) {
    return failf("{} {}: unreadable JSON: {}", cli_.name(), fmt::join(args, " "), e.what());
  }
}

Result<api::NetworkInfo> CliRuntime::inspect_network(std::string_view name) {
  auto j = NC_TRY_CTX(inspect_json({"network", "inspect", to_runtime(name)}), "inspect network {}", name);
  return with_context(parse_network(j, d_.default_bridge), fmt::format("inspect network {}", name));
}

std::vector<std::string> CliRuntime::create_args(const api::ContainerSpec& s) const {
  std::vector<std::string> a{"create", "--name", s.name};
  if (!s.hostname.empty()) a.insert(a.end(), {"--hostname", s.hostname});
  api::Attachment first{.network = std::string(api::kDefaultBridge), .aliases = {}, .ip = std::nullopt};
  if (!s.networks.empty()) first = s.networks.front();
  a.insert(a.end(), {"--network", to_runtime(first.network)});
  for (auto& al : first.aliases) a.insert(a.end(), {"--network-alias", al});
  if (first.ip) a.insert(a.end(), {"--ip", first.ip->str()});
  if (first.ip6) a.insert(a.end(), {"--ip6", first.ip6->str()});
  for (auto& p : s.publish) a.insert(a.end(), {"-p", api::format_port_spec(p)});
  for (auto& d : s.dns) a.insert(a.end(), {"--dns", d.str()});
  if (!o_.cgroup_parent.empty()) a.insert(a.end(), {"--cgroup-parent", o_.cgroup_parent});
  a.insert(a.end(), {"--entrypoint", o_.probe_in_image, o_.image});
  if (s.command.empty()) a.push_back("idle");
  a.insert(a.end(), s.command.begin(), s.command.end());
  return a;
}

// A serving probe prints one readiness line (or an error line and exits); `logs` shows it.
// After a restart the earlier runs' lines are still there: the readiness line is the one
// after the first `after` lines.
Result<void> CliRuntime::wait_serving(std::string_view name, size_t after) {
  auto deadline = std::chrono::steady_clock::now() + 20s;
  for (auto pause = 5ms;; pause = std::min(pause * 2, 100ms)) {
    auto r = NC_TRY(cli_.raw({"logs", std::string(name)}, 10s));
    std::string_view rest = r.out;
    for (size_t skip = 0; skip < after && !rest.empty(); ++skip) {
      auto nl = rest.find('\n');
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    if (auto nl = rest.find('\n'); nl != std::string_view::npos) rest = rest.substr(0, nl);
    if (auto line = trim(std::string(rest)); !line.empty()) {
      if (line.find("\"outcome\":\"ok\"") != std::string::npos) return {};
      return failf("container {}: the probe did not start serving: {}", name, line);
    }
    if (std::chrono::steady_clock::now() > deadline)
      return failf("container {}: no readiness line from the probe within 20 s (logs: {})", name, trim(r.err));
    std::this_thread::sleep_for(pause);
  }
}

Result<api::ContainerInfo> CliRuntime::create_container(const api::ContainerSpec& spec) {
  auto made = [&]() -> Result<void> {
    NC_TRY_VOID(cli_.ok(create_args(spec)));
    for (size_t i = 1; i < spec.networks.size(); ++i) NC_TRY_VOID(connect(spec.name, spec.networks[i]));
    NC_TRY_VOID(cli_.ok({"start", spec.name}));
    if (!spec.command.empty() && spec.command.front() == "serve") NC_TRY_VOID(wait_serving(spec.name));
    return {};
  }();
  if (!made) {
    std::vector<std::string> rm{"rm"};
    rm.insert(rm.end(), d_.remove_flags.begin(), d_.remove_flags.end());
    rm.push_back(spec.name);
    (void)cli_.raw(rm, kCliTimeout);  // half-made or absent: either way nothing stays
    return std::unexpected(std::move(made).error().context(fmt::format("create container {}", spec.name)));
  }
  return inspect(spec.name);
}

Result<Namespaces> CliRuntime::container_netns(std::string_view name) {
  auto what = fmt::format("open the network namespace of container {}", name);
  auto j = NC_TRY_CTX(inspect_json({"container", "inspect", std::string(name)}), "{}", what);
  int pid = j.value("/State/Pid"_json_pointer, 0);
  if (pid <= 0) return failf("{}: it is not running", what);
  return with_context(Namespaces::of_pid(std::string(name), pid, kNsNet), what);
}

Result<size_t> CliRuntime::log_lines(std::string_view name) {
  auto r = NC_TRY(cli_.raw({"logs", std::string(name)}, 10s));
  return static_cast<size_t>(std::ranges::count(r.out, '\n'));
}

Result<void> CliRuntime::lifecycle(std::string_view name, api::Lifecycle op) {
  auto what = fmt::format("{} container {}", api::lifecycle_name(op), name);
  using L = api::Lifecycle;
  std::vector<std::string> args{std::string(api::lifecycle_name(op))};
  if (op == L::kStop || op == L::kRestart) args.insert(args.end(), {"-t", "1"});
  args.emplace_back(name);
  bool starts = op == L::kStart || op == L::kRestart;
  size_t before = 0;
  bool serves = false;
  if (starts) {
    auto j = NC_TRY_CTX(inspect_json({"container", "inspect", std::string(name)}), "{}", what);
    auto& first = j.is_array() && !j.empty() ? j[0] : j;
    auto cmd = first.value("/Config/Cmd"_json_pointer, nlohmann::json::array());
    serves = !cmd.empty() && cmd[0].is_string() && cmd[0].get<std::string>() == "serve";
    before = NC_TRY_CTX(log_lines(name), "{}", what);
  }
  auto r = cli_.out(args);
  if (!r) return std::unexpected(std::move(r).error().context(what));
  if (serves) NC_TRY_VOID_CTX(wait_serving(name, before), "{}", what);
  return {};
}

Result<void> CliRuntime::remove_container(std::string_view name) {
  std::vector<std::string> rm{"rm"};
  rm.insert(rm.end(), d_.remove_flags.begin(), d_.remove_flags.end());
  rm.emplace_back(name);
  auto r = cli_.out(rm);
  if (!r) return std::unexpected(std::move(r).error().context(fmt::format("remove container {}", name)));
  return {};
}

Result<void> CliRuntime::connect(std::string_view container, const api::Attachment& att) {
  std::vector<std::string> a{"network", "connect"};
  for (auto& al : att.aliases) a.insert(a.end(), {"--alias", al});
  if (att.ip) a.insert(a.end(), {"--ip", att.ip->str()});
  if (att.ip6) a.insert(a.end(), {"--ip6", att.ip6->str()});
  a.insert(a.end(), {to_runtime(att.network), std::string(container)});
  auto r = cli_.out(a);
  if (!r) return std::unexpected(std::move(r).error().context(fmt::format("connect {} to {}", container, att.network)));
  return {};
}

Result<void> CliRuntime::disconnect(std::string_view container, std::string_view network) {
  auto r = cli_.out({"network", "disconnect", to_runtime(network), std::string(container)});
  if (!r) return std::unexpected(std::move(r).error().context(fmt::format("disconnect {} from {}", container, network)));
  return {};
}

Result<api::ContainerInfo> CliRuntime::inspect(std::string_view container) {
  auto j = NC_TRY_CTX(inspect_json({"container", "inspect", std::string(container)}), "inspect container {}", container);
  auto info = NC_TRY_CTX(parse_container(j, d_.default_bridge), "inspect container {}", container);
  info.name = std::string(container);
  return info;
}

Result<api::ExecResult> CliRuntime::exec_probe(std::string_view container, const std::vector<std::string>& args,
                                               std::chrono::milliseconds timeout) {
  std::vector<std::string> a{"exec", std::string(container), o_.probe_in_image};
  a.insert(a.end(), args.begin(), args.end());
  // The probe bounds itself by `timeout`; the client and daemon get a margin on top.
  auto r = NC_TRY_CTX(cli_.raw(a, timeout + 15s), "exec probe in {}", container);
  return api::ExecResult{.exit_code = r.exit_code, .out = std::move(r.out), .err = std::move(r.err)};
}

Result<void> CliRuntime::reset() {
  auto ids = NC_TRY_CTX(cli_.lines({"ps", "-aq"}), "reset");
  if (!ids.empty()) {
    std::vector<std::string> rm{"rm"};
    rm.insert(rm.end(), d_.remove_flags.begin(), d_.remove_flags.end());
    rm.insert(rm.end(), ids.begin(), ids.end());
    NC_TRY_VOID_CTX(cli_.ok(rm), "reset: remove containers");
  }
  auto nets = NC_TRY_CTX(cli_.lines({"network", "ls", "--format", "{{.Name}}"}), "reset");
  for (auto& n : nets)
    if (!d_.default_networks.contains(n))
      NC_TRY_VOID_CTX(cli_.ok({"network", "rm", n}), "reset");
  // Verify: the runtime is back at its starting state.
  auto left = NC_TRY_CTX(cli_.lines({"ps", "-aq"}), "reset: verify");
  auto nets_after = NC_TRY_CTX(cli_.lines({"network", "ls", "--format", "{{.Name}}"}), "reset: verify");
  std::set<std::string> have(nets_after.begin(), nets_after.end());
  if (!left.empty() || have != d_.default_networks)
    return failf("reset: {} not back at its starting state: containers [{}], networks [{}] (expected [{}])", d_.name,
                 fmt::join(left, " "), fmt::join(have, " "), fmt::join(d_.default_networks, " "));
  if (std::error_code ec; !o_.ipam_db.empty() && !std::filesystem::remove(o_.ipam_db, ec) && ec)
    return failf("reset: remove {}'s IPAM database {}: {}", d_.name, o_.ipam_db, ec.message());
  return {};
}

}  // namespace nc::runtimes
