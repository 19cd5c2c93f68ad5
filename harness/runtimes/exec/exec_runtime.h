// api::Runtime for any runtime, through an adapter program speaking the exec protocol
// (PROTOCOL.md, protocol.h) on its stdin and stdout: `--runtime exec:PATH[=NAME]`.
//
// start():
//   1. PATH must be an executable regular file (else: "exec adapter ./x: not executable");
//   2. isolates the lab host's files under the state directory, as for Docker and Podman
//      (cli_adapter/host_files.h), and writes the probe image tarball there (cli_adapter/image.h);
//   3. starts the adapter in the lab host's network, UTS and mount namespaces, as root,
//      with NETCONFORM_STATE_DIR and NETCONFORM_PROTOCOL in its environment, stdin and
//      stdout as the protocol's pipes and stderr captured (its tail goes into errors);
//   4. sends hello, checks the protocol version and that every capability it names is in
//      netimpl/api/capability.h, and verifies the fresh runtime with reset.
//
// Every request is bounded in time (bound()): a per-method bound, exec's own timeout plus
// a margin. An adapter that answers with an error stays in use. An adapter that writes
// malformed JSON, exits, or does not answer within the bound gives an error naming the
// request ("exec web connect (request 9): no answer within 17000 ms"), is killed with its
// process group, and the runtime is broken: every later call fails at once with that
// error, reset() included — so the harness, which replaces a runtime whose reset fails,
// starts a fresh lab host and adapter for the next check. Nothing here ever waits
// without a bound.
//
// Dropping an ExecRuntime sends shutdown (bounded), gives the adapter a moment to exit,
// then kills its process group; the lab removes whatever it left.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "harness/runtimes/exec/protocol.h"
#include "netimpl/api/runtime.h"
#include "netimpl/ns/namespaces.h"
#include "netimpl/process/process.h"

namespace nc::runtimes {

struct ExecOptions {
  std::string adapter;      // PATH from exec:PATH[=NAME]
  std::string probe_path;   // the static probe
  std::string state_dir;    // below /run/, on the lab's tmpfs, not used before
  std::string cgroup_parent;  // cgroup_gc.h: run_cgroup_name(), passed on in hello
};

class ExecRuntime : public api::Runtime {
 public:
  // `host` must outlive the runtime. Call from a long-lived thread (the adapter dies with
  // it: PR_SET_PDEATHSIG).
  static Result<std::unique_ptr<ExecRuntime>> start(const Namespaces& host, ExecOptions o);
  ~ExecRuntime() override;

  // As the adapter's hello said: name and version select the expectations file
  // (conformance/expectations/<name>-<major.minor>.yaml).
  std::string name() const override { return hello_.name; }
  std::string version() const override { return hello_.version; }
  std::set<std::string> capabilities() const override { return hello_.capabilities; }

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

  // The error that made the adapter unusable, or "" while it is usable.
  const std::string& broken() const { return broken_; }

  // How long `method` may take; exec: its timeout plus this margin.
  static std::chrono::milliseconds bound(std::string_view method);
  static constexpr std::chrono::milliseconds kExecMargin{15000};

 private:
  ExecRuntime(const Namespaces& host, ExecOptions o) : host_(host), o_(std::move(o)) {}
  Result<void> spawn();
  // Sends `req`, waits at most `limit` for its answer; the answer's result, or an error.
  Result<nlohmann::json> call(exec::Request req, std::chrono::milliseconds limit);
  Result<exec::Answer> exchange(const exec::Request& req, std::chrono::milliseconds limit);
  template <class T>
  Result<T> call_for(exec::Request req, std::chrono::milliseconds limit);
  Result<void> call_void(exec::Request req);
  std::string stderr_tail();

  const Namespaces& host_;
  ExecOptions o_;
  std::optional<Process> adapter_;
  exec::HelloAnswer hello_;
  uint64_t next_id_ = 1;
  std::string broken_;
  std::string stderr_;  // the adapter's last few KB of stderr
};

}  // namespace nc::runtimes
