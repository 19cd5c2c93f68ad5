// The DNS side of running a check: the lab's upstream DNS servers (started for checks
// that require "dns"), the dns_fault and dns_log steps, and the probe arguments of resolve.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/checks/check.h"
#include "harness/lab/lab_dns.h"
#include "harness/upstream_dns/upstream_dns.h"
#include "harness/engine/engine.h"
#include "harness/report/report.h"

namespace nc::engine {

// The lab's DNS servers for one check that requires "dns": the upstreams on
// 203.0.113.53–.55 in the lab's external namespace, and — when the check's host_resolv
// (the lab key or a step) names a loopback nameserver such as systemd-resolved's
// 127.0.0.53 — a stub on those addresses in the host's namespace, serving the same zone
// (a host resolver that answers). Faults and logs cover both.
struct LabDns {
  std::unique_ptr<upstream_dns::UpstreamDns> upstream, stub;
  explicit operator bool() const { return upstream != nullptr; }
  void set_fault(const std::string& server, upstream_dns::Fault mode, int delay_ms);
  std::vector<upstream_dns::QueryLogEntry> log() const;
};

// Empty (no servers) when the check does not require "dns".
Result<LabDns> start_lab_dns(const checks::Check& check, const EngineEnv& env);

// dns_fault: switches the mode; the record says what was switched.
report::StepRecord dns_fault_step(const checks::Step& s, LabDns& dns, report::StepRecord rec);

// dns_log: {"outcome": "ok", "queries": [{name, type, transport, server, source}...]}, the
// logged queries for the step's name (all when empty) and server (all when empty).
nlohmann::json dns_log_step(const checks::Step& s, const LabDns& dns, std::string& description);

// The files a HostResolv writes.
lab::HostResolvFiles host_resolv_files(const checks::HostResolv& h);
// host_resolv: rewrites the lab host's resolver files, as an administrator would.
report::StepRecord host_resolv_step(const checks::Step& s, const EngineEnv& env, report::StepRecord rec);

using Expander = std::function<Result<std::string>(const checks::Template&)>;
Result<std::vector<std::string>> resolve_args(const checks::Resolve& a, const Expander& expand, std::string timeout_ms);

}  // namespace nc::engine
