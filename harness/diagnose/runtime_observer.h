// The real Observations: a runtime's inspect answers and the probe run in the containers'
// namespaces. Only inspects and probes; it creates, starts or changes nothing.
//
// Where the probe runs, how a container's namespace is held and where its resolver is
// differ between a scenario's lab (the engine runs the probe through the runtime, as
// `docker exec` would) and a live runtime the user already runs (the host's probe binary
// joins the container's network namespace through /proc/PID/ns/net; nothing is put into
// the container). ObserverAccess carries those differences; the questions are the same.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/diagnose/observations.h"
#include "netimpl/ns/namespaces.h"

namespace nc::diagnose {

struct RunState {
  bool running = false;
  std::string status;  // "running", "exited (137)", ...
};

struct ObserverAccess {
  api::Runtime* runtime = nullptr;  // inspect() only
  // Runs the probe with `args` at a place (a container, "host", "external"); its JSON.
  std::function<Result<nlohmann::json>(const std::string& place, const std::vector<std::string>& args)> probe;
  // Holds a running container's network namespace. Empty: found by the probe's `netns` (netns_find.h).
  std::function<Result<Namespaces>(const std::string& container)> netns;
  // Whether a container runs. Empty: one the runtime can inspect runs (a lab's containers).
  std::function<Result<RunState>(const std::string& container)> run_state;
  // The server `resolve` asks at a container. Empty: the container's own resolv.conf, read by the probe there.
  std::function<Result<std::string>(const std::string& container)> nameserver;
  std::map<std::string, IpAddr> host_addresses;  // place → where published ports are reached from it
  int probe_timeout_ms = 2000;  // each ping, lookup and connect waits at most this long
};

class RuntimeObserver final : public Observations {
 public:
  explicit RuntimeObserver(ObserverAccess a) : a_(std::move(a)) {}

  Result<ContainerState> container(const std::string& name) override;
  Result<std::string> ping(const std::string& from, const IpAddr& to) override;
  Result<Resolution> resolve(const std::string& from, const std::string& name) override;
  Result<std::vector<Listener>> listeners(const std::string& container) override;
  Result<std::string> connect(const std::string& from, const IpAddr& to, uint16_t port) override;
  Result<std::vector<std::string>> blocking_rules(const std::string& container, uint16_t port) override;
  std::optional<IpAddr> host_address(const std::string& from) override;

 private:
  ObserverAccess a_;
};

}  // namespace nc::diagnose
