#include "harness/engine/incident_firewall.h"

#include <linux/netfilter.h>
#include <netinet/in.h>

#include "harness/engine/link_delay.h"
#include "netimpl/base/proto.h"

namespace nc::engine {

using K = checks::FirewallRule::Kind;
using nlohmann::json;

nft::Table incident_table(const std::vector<checks::FirewallRule>& rules) {
  nft::Table table{.family = NFPROTO_INET, .name = "incident", .chains = {}};
  nft::Chain in{.name = "input", .type = "filter", .hook = nft::Hook::kPrerouting, .priority = 0,
                .policy = nft::Verdict::kAccept, .rules = {}};
  nft::Chain out{.name = "output", .type = "filter", .hook = nft::Hook::kOutput, .priority = -300,
                 .policy = nft::Verdict::kAccept, .rules = {}};
  auto drop = [](uint8_t proto, uint16_t port) {
    return nft::make_rule({nft::PortMatch{.l4proto = proto, .dport = port}, nft::VerdictStmt{nft::Verdict::kDrop}});
  };
  for (auto& r : rules) {
    if (r.kind == K::kLoss) {
      in.rules.push_back(nft::make_rule(
          {nft::RandomBelowMatch{static_cast<uint32_t>(r.loss)}, nft::VerdictStmt{nft::Verdict::kDrop}}));
    } else if (r.kind == K::kDropDns) {
      out.rules.push_back(drop(IPPROTO_UDP, 53));
      out.rules.push_back(drop(IPPROTO_TCP, 53));
    } else if (r.kind == K::kDropPort) {
      in.rules.push_back(drop(ip_proto(r.proto), r.port));
    }
  }
  if (!in.rules.empty()) table.chains.push_back(std::move(in));
  if (!out.rules.empty()) table.chains.push_back(std::move(out));
  return table;
}

Result<json> IncidentFirewalls::apply(const checks::FirewallRule& a, api::Runtime& runtime) {
  auto it = by_container_.find(a.container);
  if (it == by_container_.end()) {
    auto ns = NC_TRY(runtime.container_netns(a.container));
    auto fw = NC_TRY(nft::Firewall::open(ns, "incident"));
    it = by_container_.emplace(a.container, Incident{std::move(fw), {}, {}}).first;
  }
  Incident& in = it->second;
  if (a.kind == K::kDelay || (a.kind == K::kRemove && !in.delayed.empty())) {
    auto delayed = NC_TRY(delay(in, a, runtime));
    if (a.kind == K::kDelay) return delayed;
  }
  if (a.kind == K::kRemove) in.rules.clear();
  else in.rules.push_back(a);
  auto table = incident_table(in.rules);
  NC_TRY_VOID(table.chains.empty() ? in.fw.remove() : in.fw.apply_table(table));
  return json{{"ok", true}, {"ruleset", table.chains.empty() ? std::string() : nft::to_string(table)}};
}

// delay_ms puts netem on the container's links; remove takes it off them again.
Result<json> IncidentFirewalls::delay(Incident& in, const checks::FirewallRule& a, api::Runtime& runtime) {
  auto ns = NC_TRY(runtime.container_netns(a.container));
  auto q = NC_TRY(qdiscs_in(ns));
  if (a.kind == K::kDelay) {
    in.delayed = NC_TRY(apply_delay(*q, a.delay_ms));
    return json{{"ok", true}, {"netem", {{"delay_ms", a.delay_ms}, {"links", in.delayed}}}};
  }
  NC_TRY_VOID(clear_delay(*q, in.delayed));
  in.delayed.clear();
  return json{{"ok", true}};
}

}  // namespace nc::engine
