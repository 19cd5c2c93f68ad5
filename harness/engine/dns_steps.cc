#include "harness/engine/dns_steps.h"

#include <algorithm>

#include "netimpl/dns/name_table.h"

namespace nc::engine {

using nlohmann::json;

Result<std::unique_ptr<upstream_dns::UpstreamDns>> start_upstream(const checks::Check& check, const EngineEnv& env) {
  if (std::ranges::find(check.requirements, "dns") == check.requirements.end() || !env.lab.external)
    return std::unique_ptr<upstream_dns::UpstreamDns>();
  std::vector<IpAddr> addrs;
  for (auto* ip : upstream_dns::kUpstreamIps) addrs.push_back(*IpAddr::parse(ip));
  return upstream_dns::UpstreamDns::start(*env.lab.external, addrs);
}

report::StepRecord dns_fault_step(const checks::Step& s, upstream_dns::UpstreamDns* up, report::StepRecord rec) {
  auto* a = s.get<checks::DnsFault>();
  rec.description = fmt::format("upstream DNS {}: {}{}", a->server.empty() ? "(all)" : a->server, a->mode,
                                a->mode == "delay" ? fmt::format(" {} ms", a->delay_ms) : "");
  rec.ok = up != nullptr;
  if (!up) {
    rec.message = "the check has no upstream DNS (it must require dns)";
    return rec;
  }
  up->set_fault(a->server, *upstream_dns::parse_fault(a->mode), a->delay_ms);
  return rec;
}

json dns_log_step(const checks::Step& s, upstream_dns::UpstreamDns* up, std::string& description) {
  auto* a = s.get<checks::DnsLog>();
  description = fmt::format("upstream DNS log: {}{}", a->name.empty() ? "all names" : a->name,
                            a->server.empty() ? "" : " at " + a->server);
  if (!up) return {{"outcome", "error"}, {"error", "the check has no upstream DNS (it must require dns)"}};
  std::string want = dns::lower(a->name);
  if (want.ends_with('.')) want.pop_back();
  json queries = json::array();
  for (auto& e : up->log())
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
