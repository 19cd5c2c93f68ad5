// Where probe actions run: in a container (through the runtime, as `docker exec` would) or
// in one of the lab's own namespaces (host, external), and the probe servers a check starts
// on the lab's namespaces (services:).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/checks/check.h"
#include "harness/engine/engine.h"
#include "netimpl/process/process.h"

namespace nc::engine {

// Runs the probe with `args` at `place` and returns the JSON it printed. An error when the
// probe could not run, did not finish in time, or printed no JSON (usage errors included).
Result<nlohmann::json> run_probe(EngineEnv& env, const checks::Place& place, const std::vector<std::string>& args,
                                 std::chrono::milliseconds timeout);

// Starts a probe server at a lab place and waits until it reports that it listens.
Result<Process> start_service(EngineEnv& env, const checks::Service& svc);

}  // namespace nc::engine
