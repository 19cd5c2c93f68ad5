// api::Runtime for Docker and Podman, through their command-line clients.
//
// The two CLIs are close enough that one adapter serves both; a Dialect holds what
// differs (the default bridge is "podman" on Podman, options are spelled differently,
// removal needs `-t 0` on Podman). The adapter:
//   - creates a container as `create` (first network, its aliases and fixed IP, published
//     ports, --dns, hostname, cgroup parent), then `network connect` for every further
//     network (Docker 20.10 accepts one --network), then `start`; a serving probe is
//     waited for by polling `logs` until its readiness line appears (bounded);
//   - reads state back from `inspect` JSON (nlohmann_json): addresses per network, the
//     assigned host ports, the bridge of a network;
//   - names networks as checks do: the default bridge is "bridge" on both runtimes;
//   - on reset() removes every container and every network but the defaults, then lists
//     both again and fails naming whatever is left (a lab's Podman: then its IPAM database).
// Every call is one or more bounded CLI runs (cli_adapter/command.h); a failed call whose
// container was half-made removes it before returning the error.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/runtimes/cli_adapter/command.h"
#include "netimpl/api/runtime.h"

namespace nc::runtimes {

struct Dialect {
  std::string name;                          // "docker" | "podman"
  std::string default_bridge;                // the runtime's name for api::kDefaultBridge
  std::set<std::string> default_networks;    // what `network ls` lists on a clean runtime
  std::vector<std::string> remove_flags;     // after `rm`: {"-f"} or {"-f", "-t", "0"}
  bool podman = false;
};

Dialect docker_dialect();
Dialect podman_dialect();

struct CliRuntimeOptions {
  std::string image = "netconform-probe:latest";  // imported already (image.h)
  std::string probe_in_image = "/probe";
  std::string cgroup_parent;                      // per container; empty: the runtime's
  std::set<std::string> capabilities;
  std::string version;
  // A lab's own Podman: its IPAM database, removed after each reset that verified the
  // runtime clean. Rootful Podman keeps it in /run/containers/networks whatever its --root;
  // before each lab Podman got a directory of its own there (podman.h,
  // use_private_network_run_dir), Podman 4.3 and 5.4 shared one, and an address left
  // allocated in it failed a later check: "requested ip address 172.30.0.5 is already
  // allocated to container ID ..." (not reproduced at will). The removal stays as a guard:
  // with no container left, nothing in it is current. Empty: leave it (a machine's Podman).
  std::string ipam_db;
};

class CliRuntime : public api::Runtime {
 public:
  CliRuntime(Dialect d, Cli cli, CliRuntimeOptions o)
      : d_(std::move(d)), cli_(std::move(cli)), o_(std::move(o)) {}

  std::string name() const override { return d_.name; }
  std::string version() const override { return o_.version; }
  std::set<std::string> capabilities() const override { return o_.capabilities; }

  Result<api::NetworkInfo> create_network(const api::NetworkSpec& spec) override;
  Result<void> remove_network(std::string_view name) override;
  Result<api::NetworkInfo> inspect_network(std::string_view name) override;
  Result<api::ContainerInfo> create_container(const api::ContainerSpec& spec) override;
  Result<void> remove_container(std::string_view name) override;
  Result<void> connect(std::string_view container, const api::Attachment& att) override;
  Result<void> disconnect(std::string_view container, std::string_view network) override;
  Result<api::ContainerInfo> inspect(std::string_view container) override;
  Result<api::ExecResult> exec_probe(std::string_view container, const std::vector<std::string>& args,
                                     std::chrono::milliseconds timeout) override;
  Result<void> reset() override;
  // `stop -t 1`, `start` (a serving probe waited for, as by create), `restart -t 1`, `kill`.
  Result<void> lifecycle(std::string_view container, api::Lifecycle op) override;
  // Through the container's process (inspect's State.Pid), which runs in this PID namespace.
  Result<Namespaces> container_netns(std::string_view container) override;

  const Cli& cli() const { return cli_; }

 private:
  std::string to_runtime(std::string_view network) const;  // "bridge" → "podman" on Podman
  std::string from_runtime(std::string_view network) const;
  Result<std::vector<std::string>> network_args(const api::NetworkSpec& spec) const;
  std::vector<std::string> create_args(const api::ContainerSpec& spec) const;
  // Waits for the probe's readiness line: the (after+1)-th line of its `logs`.
  Result<void> wait_serving(std::string_view name, size_t after = 0);
  Result<size_t> log_lines(std::string_view name);
  Result<nlohmann::json> inspect_json(const std::vector<std::string>& args) const;

  Dialect d_;
  Cli cli_;
  CliRuntimeOptions o_;
};

// Pure parsing of `inspect` output, unit-tested on recorded JSON. `default_bridge` is the
// runtime's name for the default bridge (reported as "bridge").
Result<api::ContainerInfo> parse_container(const nlohmann::json& j, std::string_view default_bridge);
Result<api::NetworkInfo> parse_network(const nlohmann::json& j, std::string_view default_bridge);

}  // namespace nc::runtimes
