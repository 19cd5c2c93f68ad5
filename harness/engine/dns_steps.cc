#include "harness/engine/dns_steps.h"

#include <algorithm>

#include "harness/lab/topology.h"
#include "netimpl/dns/name_table.h"

namespace nc::engine {

using nlohmann::json;

void LabDns::set_fault(const std::string& server, upstream_dns::Fault mode, int delay_ms) {
  if (upstream) upstream->set_fault(server, mode, delay_ms);
  if (stub) stub->set_fault(server, mode, delay_ms);
}

std::vector<upstream_dns::QueryLogEntry> LabDns::log() const {
  auto out = upstream ? upstream->log() : std::vector<upstream_dns::QueryLogEntry>{};
  if (stub)
    for (auto& e : stub->log()) out.push_back(e);
  return out;
}

Result<LabDns> start_lab_dns(const checks::Check& check, const EngineEnv& env) {
  LabDns out;
  if (std::ranges::find(check.requirements, "dns") == check.requirements.end() || !env.lab.external) return out;
  std::vector<std::vector<IpAddr>> servers;
  bool v6 = env.lab.ipv6();
  for (size_t i = 0; i < std::size(upstream_dns::kUpstreamIps); ++i) {
    servers.push_back({*IpAddr::parse(upstream_dns::kUpstreamIps[i])});
    if (v6) servers.back().push_back(*IpAddr::parse(upstream_dns::kUpstreamIps6[i]));
  }
  out.upstream = NC_TRY(upstream_dns::UpstreamDns::start(*env.lab.external, servers));
  std::vector<IpAddr> loopback;
  auto add = [&](const checks::HostResolv& h) {
    for (auto& ip : h.loopback_servers())
      if (std::ranges::find(loopback, ip) == loopback.end()) loopback.push_back(ip);
  };
  if (check.lab.host_resolv) add(*check.lab.host_resolv);
  for (auto& s : check.steps)
    if (auto* h = s.get<checks::HostResolv>()) add(*h);
  if (!loopback.empty() && env.lab.host)
    out.stub = NC_TRY_CTX(upstream_dns::UpstreamDns::start(*env.lab.host, loopback), "the host's stub resolver");
  return out;
}

lab::HostResolvFiles host_resolv_files(const checks::HostResolv& h) { return {h.etc_text(), h.systemd_text()}; }

report::StepRecord host_resolv_step(const checks::Step& s, const EngineEnv& env, report::StepRecord rec) {
  auto* h = s.get<checks::HostResolv>();
  rec.description = checks::describe(s);
  auto files = host_resolv_files(*h);
  auto written = env.lab.host ? lab::write_host_resolv(*env.lab.host, files) : Result<void>(fail("the lab has no host"));
  rec.ok = written.has_value();
  if (!written) rec.message = written.error().message();
  rec.observed = {{"etc_resolv_conf", files.etc}};
  if (files.systemd) rec.observed["systemd_resolv_conf"] = *files.systemd;
  return rec;
}

report::StepRecord dns_fault_step(const checks::Step& s, LabDns& up, report::StepRecord rec) {
  auto* a = s.get<checks::DnsFault>();
  rec.description = fmt::format("upstream DNS {}: {}{}", a->server.empty() ? "(all)" : a->server, a->mode,
                                a->mode == "delay" ? fmt::format(" {} ms", a->delay_ms) : "");
  rec.ok = static_cast<bool>(up);
  if (!up) {
    rec.message = "the check has no upstream DNS (it must require dns)";
    return rec;
  }
  up.set_fault(a->server, *upstream_dns::parse_fault(a->mode), a->delay_ms);
  return rec;
}

json dns_log_step(const checks::Step& s, const LabDns& up, std::string& description) {
  auto* a = s.get<checks::DnsLog>();
  description = fmt::format("upstream DNS log: {}{}", a->name.empty() ? "all names" : a->name,
                            a->server.empty() ? "" : " at " + a->server);
  if (!up) return {{"outcome", "error"}, {"error", "the check has no upstream DNS (it must require dns)"}};
  std::string want = dns::lower(a->name);
  if (want.ends_with('.')) want.pop_back();
  json queries = json::array();
  for (auto& e : up.log())
    if ((want.empty() || e.name == want) && (a->server.empty() || e.server == a->server))
      queries.push_back({{"name", e.name}, {"type", e.type}, {"transport", e.transport}, {"server", e.server},
                         {"source", e.source}});
  return {{"outcome", "ok"}, {"queries", queries}};
}

Result<std::vector<std::string>> resolve_args(const checks::Resolve& a, const Expander& expand, std::string timeout_ms) {
  std::vector<std::string> args{"resolve", NC_TRY(expand(a.name)), "--type", a.type};
  if (a.server) {
    args.push_back("--server");
    args.push_back(NC_TRY(expand(*a.server)));
  }
  if (a.tcp) args.push_back("--tcp");
  if (!a.tcp_fallback) args.push_back("--no-tcp-fallback");
  args.push_back("--timeout-ms");
  args.push_back(std::move(timeout_ms));
  return args;
}

}  // namespace nc::engine
