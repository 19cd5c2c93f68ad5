// The seam of `netconform diagnose`: everything the checklist (checklist.h) looks at, asked
// one question at a time. The real implementation (runtime_observer.h) inspects a runtime
// and runs the probe in the containers' network namespaces; checklist_test.cc has a fake.
//
// Places: a container's name, or "host" / "external" (the lab's own namespaces, only
// inside a scenario). Every question may fail (the runtime or the probe could not answer):
// the checklist then stops with cause `cannot-observe` and the error as evidence.
// Nothing here changes anything: observers only inspect and probe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netimpl/api/runtime.h"
#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"

namespace nc::diagnose {

struct ContainerState {
  bool exists = false;
  bool running = false;
  std::string status;                     // the runtime's word ("running", "exited (137)", "no such container")
  std::vector<api::Endpoint> endpoints;   // one per network it is on
  std::vector<api::PublishedPort> ports;  // its published ports
};

struct Resolution {
  std::string outcome;                 // the probe's: ok | timeout | refused | error
  std::string rcode;                   // noerror | nxdomain | ... (outcome ok)
  std::string server;                  // the server that answered, or the first one asked
  std::vector<std::string> addresses;  // A answers
  std::string error;                   // outcome error: the probe's message
};

struct Listener {
  std::string proto;  // "tcp" | "udp"
  std::string addr;   // "0.0.0.0", "127.0.0.1", "::"
  uint16_t port = 0;
};

class Observations {
 public:
  virtual ~Observations() = default;
  virtual Result<ContainerState> container(const std::string& name) = 0;
  // The probe's outcome of one ICMP echo from `from` to `to` ("ok", "timeout", ...).
  virtual Result<std::string> ping(const std::string& from, const IpAddr& to) = 0;
  // An A lookup of `name` at `from`, through the resolver `from` uses.
  virtual Result<Resolution> resolve(const std::string& from, const std::string& name) = 0;
  // The listening TCP and bound UDP sockets in the container's network namespace.
  virtual Result<std::vector<Listener>> listeners(const std::string& container) = 0;
  // The probe's outcome of a TCP connect from `from` to to:port ("ok", "refused", "timeout", ...).
  virtual Result<std::string> connect(const std::string& from, const IpAddr& to, uint16_t port) = 0;
  // The nftables rules in the container's network namespace (iptables-nft's included) that
  // drop or reject incoming TCP to `port`, each as one line of text naming its table and chain.
  virtual Result<std::vector<std::string>> blocking_rules(const std::string& container, uint16_t port) = 0;
  // The address published ports are reached at from `from` ("host"/"external"); absent: unknown.
  virtual std::optional<IpAddr> host_address(const std::string& from) = 0;
};

}  // namespace nc::diagnose
