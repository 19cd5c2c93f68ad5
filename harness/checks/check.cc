#include "harness/checks/check.h"

#include <algorithm>

#include <fmt/ranges.h>

namespace nc::checks {
namespace {

std::string describe_action(const Step& s) {
  struct Visitor {
    std::string operator()(const Connect& a) const { return "connect " + a.url; }
    std::string operator()(const Ping& a) const { return "ping " + a.address; }
    std::string operator()(const Read& a) const { return "read " + a.path; }
    std::string operator()(const Listeners&) const { return "listeners"; }
    std::string operator()(const Interfaces&) const { return "interfaces"; }
    std::string operator()(const NetworkCreate& a) const { return "network_create " + a.spec.name; }
    std::string operator()(const NetworkRemove& a) const { return "network_remove " + a.network; }
    std::string operator()(const ContainerCreate& a) const { return "container_create " + a.spec.name; }
    std::string operator()(const ContainerRemove& a) const { return "container_remove " + a.container; }
    std::string operator()(const NetworkConnect& a) const {
      return fmt::format("network_connect {} to {}", a.container, a.attachment.network);
    }
    std::string operator()(const NetworkDisconnect& a) const {
      return fmt::format("network_disconnect {} from {}", a.container, a.network);
    }
    std::string operator()(const Note& a) const { return a.text; }
    std::string operator()(const Diagnose& a) const {
      if (a.target.empty()) return fmt::format("diagnose {}", a.port);
      return a.target_port ? fmt::format("diagnose {}:{}", a.target, *a.target_port) : fmt::format("diagnose {}", a.target);
    }
    std::string operator()(const Resolve& a) const { return fmt::format("resolve {} {}", a.type, a.name); }
    std::string operator()(const DnsFault& a) const {
      return fmt::format("dns_fault {} {}", a.server.empty() ? "(all)" : a.server, a.mode);
    }
    std::string operator()(const DnsLog& a) const { return "dns_log " + a.name; }
    std::string operator()(const Stop& a) const { return "stop " + a.container; }
    std::string operator()(const Start& a) const { return "start " + a.container; }
    std::string operator()(const Restart& a) const { return "restart " + a.container; }
    std::string operator()(const Kill& a) const { return "kill " + a.container; }
    std::string operator()(const Fix& a) const { return a.text; }
    std::string operator()(const LabLink& a) const { return fmt::format("the host's uplink MTU is {} (the LAN's is 1500)", a.mtu); }
    std::string operator()(const ConntrackFlush& a) const {
      return fmt::format("conntrack on host: delete the entries to {}/{}", proto_name(a.proto), a.port);
    }
    std::string operator()(const FirewallRule& a) const {
      using K = FirewallRule::Kind;
      if (a.kind == K::kRemove) return "firewall in " + a.container + ": remove the incident's rules";
      if (a.kind == K::kDropDns) return "firewall in " + a.container + ": drop outgoing DNS";
      if (a.kind == K::kDelay) return fmt::format("firewall in {}: delay every outgoing packet {} ms (netem)", a.container, a.delay_ms);
      if (a.kind == K::kLoss) return fmt::format("firewall in {}: drop {}% of incoming packets", a.container, a.loss);
      return fmt::format("firewall in {}: drop incoming {}/{}", a.container, proto_name(a.proto), a.port);
    }
    std::string operator()(const HostResolv& a) const {
      std::vector<std::string> ns;
      for (auto& ip : a.nameservers) ns.push_back(ip.str());
      std::string out = fmt::format("host_resolv: /etc/resolv.conf nameservers [{}]", fmt::join(ns, ", "));
      if (!a.search.empty()) out += fmt::format(" search [{}]", fmt::join(a.search, ", "));
      if (!a.options.empty()) out += fmt::format(" options [{}]", fmt::join(a.options, ", "));
      if (a.systemd_resolved) {
        std::vector<std::string> up;
        for (auto& ip : *a.systemd_resolved) up.push_back(ip.str());
        out += fmt::format("; systemd-resolved's upstreams [{}]", fmt::join(up, ", "));
      }
      return out;
    }
    std::string operator()(const CniCall& a) const {
      return fmt::format("cni {} {} on {}{}{}", a.command, a.container, a.network, a.ifname.empty() ? "" : " ifname " + a.ifname,
                         a.netns_gone ? " (netns gone)" : "");
    }
  };
  return std::visit(Visitor{}, s.action);
}

std::string describe_expect(const Expect& e) {
  if (e.error_code) return fmt::format("CNI error code {}", *e.error_code);
  if (e.error) return e.error->empty() ? "an error" : fmt::format("error containing \"{}\"", *e.error);
  if (e.outcomes.empty()) return "ok";
  std::vector<std::string_view> names;
  for (auto o : e.outcomes) names.push_back(outcome_name(o));
  return fmt::format("{}", fmt::join(names, " or "));
}

}  // namespace

std::string SourcePos::str() const { return fmt::format("{}:{}:{}", file, line, col); }

std::string_view suite_name(Suite s) { return s == Suite::kScenarios ? "scenarios" : "conformance"; }

std::string Place::str() const {
  switch (kind) {
    case Kind::kContainer: return container;
    case Kind::kHost: return "host";
    case Kind::kExternal: return "external";
    case Kind::kNone: break;
  }
  return "";
}

std::string_view outcome_name(Outcome o) { return kOutcomeNames[static_cast<size_t>(o)]; }

std::optional<Outcome> parse_outcome(std::string_view name) {
  auto it = std::ranges::find(kOutcomeNames, name);
  if (it == kOutcomeNames.end()) return std::nullopt;
  return static_cast<Outcome>(it - kOutcomeNames.begin());
}

std::string_view action_name(ActionKind k) { return kActionNames[static_cast<size_t>(k)]; }

bool is_probe(ActionKind k) { return k == ActionKind::kResolve || k == ActionKind::kDiagnose || k <= ActionKind::kInterfaces; }

bool is_runtime(ActionKind k) {
  return (k >= ActionKind::kNetworkCreate && k <= ActionKind::kNetworkDisconnect) || is_lifecycle(k);
}

bool is_lifecycle(ActionKind k) { return k >= ActionKind::kStop && k <= ActionKind::kKill; }

bool is_story(ActionKind k) { return k == ActionKind::kNote || k == ActionKind::kFix; }

bool is_lab(ActionKind k) {
  return k == ActionKind::kDnsFault || k == ActionKind::kDnsLog || k == ActionKind::kFirewall || k == ActionKind::kHostResolv ||
         k == ActionKind::kConntrackFlush || k == ActionKind::kLabLink;
}

namespace {

std::string resolv_text(std::string_view head, const std::vector<IpAddr>& servers, const HostResolv& r) {
  std::string out(head);
  for (auto& ip : servers) out += fmt::format("nameserver {}\n", ip.str());
  if (!r.search.empty()) out += fmt::format("search {}\n", fmt::join(r.search, " "));
  if (!r.options.empty()) out += fmt::format("options {}\n", fmt::join(r.options, " "));
  return out;
}

}  // namespace

std::string HostResolv::etc_text() const { return resolv_text("", nameservers, *this); }

std::optional<std::string> HostResolv::systemd_text() const {
  if (!systemd_resolved) return std::nullopt;
  return resolv_text("# This is /run/systemd/resolve/resolv.conf managed by man:systemd-resolved(8).\n",
                     *systemd_resolved, *this);
}

std::vector<IpAddr> HostResolv::loopback_servers() const {
  std::vector<IpAddr> out;
  for (auto& ip : nameservers)
    if (ip.is_loopback() && std::ranges::find(out, ip) == out.end()) out.push_back(ip);
  return out;
}

std::string describe(const Step& step) {
  if (step.kind() == ActionKind::kNote) return "note: " + describe_action(step);
  if (step.kind() == ActionKind::kFix) return "fix: " + describe_action(step);
  std::string where = step.from.is_set() ? step.from.str() + ": " : is_lab(step.kind()) ? "lab: " : "runtime: ";
  return fmt::format("{}{} → {}", where, describe_action(step), describe_expect(step.expect));
}

static_assert(std::variant_size_v<Action> == kActionNames.size());
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<size_t>(ActionKind::kNote), Action>, Note>);
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<size_t>(ActionKind::kInterfaces), Action>, Interfaces>);
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<size_t>(ActionKind::kKill), Action>, Kill>);
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<size_t>(ActionKind::kFix), Action>, Fix>);

}  // namespace nc::checks
