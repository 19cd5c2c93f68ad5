#include "harness/diagnose/live.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "harness/diagnose/checklist.h"
#include "harness/diagnose/netns_find.h"
#include "harness/diagnose/runtime_observer.h"
#include "harness/runtimes/cli_adapter/cli_runtime.h"
#include "harness/runtimes/docker/dockerd.h"
#include "harness/runtimes/podman/podman.h"
#include "netimpl/process/process.h"

namespace nc::diagnose {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// What the runtime says of a container's process, asked once per container.
struct Proc {
  RunState state;
  int pid = 0;  // in this machine's PID namespace; 0 when not running
};

class Live {
 public:
  Live(const LiveOptions& o, runtimes::Cli cli)
      : o_(o), cli_(cli),
        rt_(o.podman ? runtimes::podman_dialect() : runtimes::docker_dialect(), std::move(cli), runtimes::CliRuntimeOptions{}) {}

  // FROM host: the probe runs in the runtime's own network namespace, the one its shim (or
  // conmon) lives in, where published ports are mapped, and reaches them through the
  // target's gateway, an address of that namespace.
  ObserverAccess access_from_host(const std::string& target) {
    ObserverAccess a = access();
    host_of_ = target;
    auto info = rt_.inspect(target);
    if (info && !info->endpoints.empty() && info->endpoints.front().gateway)
      a.host_addresses["host"] = *info->endpoints.front().gateway;
    else
      a.host_addresses["host"] = *IpAddr::parse("127.0.0.1");
    return a;
  }

  ObserverAccess access() {
    ObserverAccess a;
    a.runtime = &rt_;
    a.run_state = [this](const std::string& c) -> Result<RunState> { return NC_TRY(proc(c)).state; };
    a.netns = [this](const std::string& c) { return netns(c); };
    a.nameserver = [this](const std::string& c) -> Result<std::string> {
      auto p = NC_TRY(proc(c));
      std::ifstream in(fmt::format("/proc/{}/root/etc/resolv.conf", p.pid));
      return first_nameserver(std::string((std::istreambuf_iterator<char>(in)), {}));
    };
    a.probe = [this](const std::string& c, const std::vector<std::string>& args) { return probe(c, args); };
    return a;
  }

 private:
  Result<Proc> proc(const std::string& c) {
    if (auto it = procs_.find(c); it != procs_.end()) return it->second;
    auto out = NC_TRY(cli_.out({"inspect", "--type", "container", "--format",
                                "{{.Id}} {{.State.Running}} {{.State.Pid}} {{.State.Status}} {{.State.ExitCode}}", c}));
    std::istringstream in(out);
    std::string id, running, status;
    int pid = 0, code = 0;
    if (!(in >> id >> running >> pid >> status >> code)) return failf("inspect {}: unexpected state '{}'", c, runtimes::trim(out));
    Proc p;
    p.state.running = running == "true";
    p.state.status = status == "exited" ? fmt::format("exited ({})", code) : status;
    if (p.state.running) p.pid = NC_TRY(pid_of_container(id, pid));
    return procs_[c] = p;
  }

  Result<Namespaces> netns(const std::string& c) {
    auto p = NC_TRY(proc(c));
    if (!p.pid) return failf("{} is not running: it has no network namespace", c);
    return Namespaces::of_pid(c, p.pid, kNsNet);
  }

  // The network namespace of the runtime that runs `c`: its init's parent (containerd-shim
  // for Docker, conmon for Podman) runs there.
  Result<Namespaces> runtime_netns(const std::string& c) {
    auto p = NC_TRY(proc(c));
    if (!p.pid) return failf("{} is not running: its runtime's namespace cannot be found through it", c);
    std::ifstream status(fmt::format("/proc/{}/status", p.pid));
    int ppid = 0;
    for (std::string line; std::getline(status, line);)
      if (line.starts_with("PPid:")) ppid = std::atoi(line.c_str() + 5);
    if (ppid <= 1) return failf("{}'s process {} has no parent to find its runtime's namespace by", c, p.pid);
    return Namespaces::of_pid("host", ppid, kNsNet);
  }

  // The host's probe, in the container's network namespace only (or, for "host", the
  // runtime's own).
  Result<json> probe(const std::string& c, const std::vector<std::string>& args) {
    auto ns = NC_TRY(c == "host" ? runtime_netns(host_of_) : netns(c));
    LaunchSpec spec;
    spec.argv.push_back(o_.probe_path);
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.ns = &ns;
    auto r = NC_TRY_CTX(run(spec, 10s), "probe {} in {}'s network namespace", args.front(), c);
    std::string_view rest(r.out);
    while (rest.ends_with('\n')) rest.remove_suffix(1);
    auto nl = rest.rfind('\n');
    auto j = json::parse(nl == std::string_view::npos ? rest : rest.substr(nl + 1), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return failf("probe {} in {}: printed no result: {}", args.front(), c, r.err);
    return j;
  }

  const LiveOptions& o_;
  runtimes::Cli cli_;
  runtimes::CliRuntime rt_;
  std::map<std::string, Proc> procs_;
  std::string host_of_;  // FROM host: the target, whose runtime's namespace is "host"
};

}  // namespace

int diagnose_live(const LiveOptions& o) {
  auto target = parse_target(o.target);
  if (!target) {
    fmt::print(stderr, "netconform diagnose: {}\n", target.error().message());
    return 2;
  }
  bool from_host = o.from == "host";
  if (o.from == "external" || o.from.empty()) {
    fmt::print(stderr, "netconform diagnose: FROM '{}': must be a container of the runtime, or host (the runtime's "
                       "own namespace, for a published port)\n", o.from);
    return 2;
  }
  if (from_host && !target->second) {
    fmt::print(stderr, "netconform diagnose: from host, give the published port: {}:HOST_PORT\n", o.target);
    return 2;
  }
  if (o.from == target->first) {
    fmt::print(stderr, "netconform diagnose: FROM and TARGET are both '{}'; diagnose from the client that fails\n", o.from);
    return 2;
  }
  std::vector<std::string> prefix{std::string(o.podman ? runtimes::kPodman : runtimes::kDockerClient)};
  if (!o.endpoint.empty()) prefix.insert(prefix.end(), {o.podman ? "--url" : "-H", o.endpoint});
  Live live(o, runtimes::Cli(o.podman ? "podman" : "docker", prefix, nullptr));
  RuntimeObserver obs(from_host ? live.access_from_host(target->first) : live.access());
  auto d = run_checklist(obs, Request{o.from, !from_host, target->first, target->second});
  if (o.json) {
    fmt::print("{}\n", d.to_json().dump());
  } else {
    fmt::print("netconform diagnose: {} -> {} ({}{})\n", o.from, o.target, o.podman ? "podman" : "docker",
               o.endpoint.empty() ? "" : " at " + o.endpoint);
    fmt::print("{}", d.text());
  }
  return d.works() ? 0 : 1;
}

}  // namespace nc::diagnose
