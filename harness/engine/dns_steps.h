// The DNS side of running a check: the lab's upstream DNS servers (started for checks
// that require "dns"), the dns_fault and dns_log steps, and the probe arguments of resolve.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/checks/check.h"
#include "harness/upstream_dns/upstream_dns.h"
#include "harness/engine/engine.h"
#include "harness/report/report.h"

namespace nc::engine {

// The upstream servers on 203.0.113.53–.55 in the lab's external namespace, or null when
// the check does not require "dns".
Result<std::unique_ptr<upstream_dns::UpstreamDns>> start_upstream(const checks::Check& check, const EngineEnv& env);

// dns_fault: switches the mode; the record says what was switched.
report::StepRecord dns_fault_step(const checks::Step& s, upstream_dns::UpstreamDns* up, report::StepRecord rec);

// dns_log: {"outcome": "ok", "queries": [{name, type, transport, server, source}...]}, the
// logged queries for the step's name (all when empty) and server (all when empty).
nlohmann::json dns_log_step(const checks::Step& s, upstream_dns::UpstreamDns* up, std::string& description);

using Expander = std::function<Result<std::string>(const checks::Template&)>;
Result<std::vector<std::string>> resolve_args(const checks::Resolve& a, const Expander& expand, std::string timeout_ms);

}  // namespace nc::engine
