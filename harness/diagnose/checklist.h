// The debugging checklist for "FROM cannot reach TARGET:PORT", as a person would walk it,
// stopping at the first step that fails:
//   running     both containers exist and run
//   network     FROM and TARGET share a network (FROM a container)
//   published   FROM is the host or outside: a mapping of host port PORT exists on TARGET,
//               and where it leads (TARGET's container port)
//   reachable   TARGET's address answers a ping from FROM (not from outside: the address
//               is private there)
//   resolves    TARGET's name resolves at FROM (FROM a container), to TARGET's address,
//               and which server answered
//   listening   something listens on the port in TARGET's namespace, bound where: the
//               wildcard or TARGET's address passes; 127.0.0.1 only, another address, or
//               another port (named) fails
//   connects    FROM connects to the port; when it does not, a firewall rule in TARGET's
//               namespace that drops or rejects it is the cause (named), else the outcome
// Without a port the checklist ends after `resolves`. Pure: every observation comes
// through Observations (observations.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/diagnose/observations.h"
#include "netimpl/base/error.h"

namespace nc::diagnose {

enum class Cause {
  kPathWorks,          // every step passed: FROM reaches TARGET:PORT
  kNotRunning,
  kNoSharedNetwork,
  kNotPublished,       // published port without a mapping
  kUnreachable,
  kNameDoesNotResolve,
  kNameResolvesElsewhere,
  kNothingListening,
  kWrongPort,          // nothing on PORT, a listener on another port (named)
  kBoundToLoopback,
  kBoundElsewhere,     // bound to an address that is neither the wildcard nor TARGET's
  kFirewall,
  kConnectFails,       // listening, no rule found, and still no connection
  kCannotObserve,      // a runtime or probe question could not be answered
};

inline constexpr std::string_view kCauseNames[] = {
    "path-works", "not-running", "no-shared-network", "not-published", "unreachable", "name-does-not-resolve",
    "name-resolves-elsewhere", "nothing-listening", "wrong-port", "bound-to-loopback", "bound-elsewhere",
    "firewall", "connect-fails", "cannot-observe"};

std::string_view cause_name(Cause c);
std::optional<Cause> parse_cause(std::string_view name);

struct Request {
  std::string from;                // a container, or "host" / "external" (scenarios)
  bool from_container = true;
  std::string target;              // a container
  std::optional<uint16_t> port;    // FROM a container: TARGET's port; else: the published host port
};

// Parses "NAME" or "NAME:PORT" (port 1..65535); an error names what is wrong.
Result<std::pair<std::string, std::optional<uint16_t>>> parse_target(std::string_view text);

struct StepResult {
  std::string step;      // running | network | published | reachable | resolves | listening | connects
  bool ok = false;
  std::string evidence;  // what was seen
};

struct Diagnosis {
  Cause cause = Cause::kPathWorks;
  std::vector<StepResult> steps;  // in order; the last one failed unless cause is path-works
  std::string fix;                // the likely fix ("" when the path works)

  bool works() const { return cause == Cause::kPathWorks; }
  // "cause: evidence; fix" on one line (the failing step's evidence).
  std::string summary() const;
  // Every step on its own line, then the cause and the fix: what the CLI prints.
  std::string text() const;
  nlohmann::json to_json() const;
};

Diagnosis run_checklist(Observations& obs, const Request& req);

}  // namespace nc::diagnose
