#include "harness/checks/steps.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <utility>

#include <fmt/ranges.h>

#include "harness/checks/cni_steps.h"
#include "harness/checks/dns_steps.h"
#include "harness/checks/expect.h"
#include "harness/checks/specs.h"
#include "harness/diagnose/checklist.h"

namespace nc::checks::detail {
namespace {

constexpr std::string_view kConnectKeys[] = {"container", "network", "aliases", "ip", "ip6"};
constexpr std::string_view kDisconnectKeys[] = {"container", "network"};

std::vector<std::string_view> step_keys() {
  std::vector<std::string_view> keys = {"name", "from", "timeout_ms", "expect"};
  keys.insert(keys.end(), kActionNames.begin(), kActionNames.end());
  keys.insert(keys.end(), {"expect_bytes", "source_port", "eventually", "repeat", "keep"});
  return keys;
}

// The step's one action key.
Result<const Field*> action_field(const Reader& r, const Value& step, const Fields& fields) {
  const Field* found = nullptr;
  for (const auto& f : fields.all) {
    if (std::ranges::find(kActionNames, f.key) == kActionNames.end()) continue;
    if (found)
      return r.errorf(f.key_mark, "step has two actions, '{}' and '{}'; write one action per step", found->key, f.key);
    found = &f;
  }
  if (!found) return r.errorf(step.mark, "step has no action; expected one of {}", fmt::join(kActionNames, ", "));
  return found;
}

ActionKind kind_of(const Field& f) {
  return static_cast<ActionKind>(std::ranges::find(kActionNames, f.key) - kActionNames.begin());
}

Result<Place> parse_from(const Reader& r, const Value& v, const Scope& scope) {
  auto name = NC_TRY(r.word(v));
  if (name == "host") return Place{Place::Kind::kHost, ""};
  if (name == "external") return Place{Place::Kind::kExternal, ""};
  NC_TRY_VOID(scope.need_container(r, v.mark, name));
  return Place{Place::Kind::kContainer, name};
}

Result<Place> step_place(const Reader& r, const Value& step, const Fields& f, ActionKind kind, const Scope& scope) {
  auto* from = f.find("from");
  if (is_probe(kind) && !from)
    return r.errorf(step.mark, "{} needs 'from': where the probe runs (a container, host or external)", action_name(kind));
  if (!is_probe(kind) && from)
    return r.errorf(from->key_mark, "{} does not run at a place; remove 'from'", action_name(kind));
  if (!from) return Place{};
  return parse_from(r, from->value, scope);
}

Result<milliseconds> step_timeout(const Reader& r, const Fields& f, ActionKind kind) {
  auto* t = f.find("timeout_ms");
  if (!t) return kDefaultProbeTimeout;
  if (!is_probe(kind)) return r.errorf(t->key_mark, "timeout_ms applies to probe actions, not {}", action_name(kind));
  return milliseconds(NC_TRY(r.integer(t->value, 1, 600000)));
}

Result<Expect> step_expect(const Reader& r, const Value& step, const Fields& f, ActionKind kind, const Scope& scope) {
  auto* e = f.find("expect");
  if (is_story(kind) || kind == ActionKind::kDnsFault || kind == ActionKind::kFirewall || kind == ActionKind::kHostResolv ||
      kind == ActionKind::kConntrackFlush || kind == ActionKind::kLabLink) {
    if (e) return r.errorf(e->key_mark, "{} expects nothing; remove 'expect'", is_story(kind) ? "a " + std::string(action_name(kind)) : std::string(action_name(kind)));
    return Expect{};
  }
  if (!e) return r.errorf(step.mark, "{} step needs 'expect'", action_name(kind));
  if (kind == ActionKind::kCni) return parse_cni_expect(r, e->value);
  return parse_expect(r, e->value, kind, scope);
}

Result<Template> template_arg(const Reader& r, const Value& v, const Scope& scope) {
  auto text = NC_TRY(r.word(v));
  NC_TRY_VOID(scope.check_template(r, v, text));
  return text;
}

Result<uint16_t> url_port(const Reader& r, const Value& v, std::string_view text) {
  unsigned port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535)
    return r.errorf(v.mark, "connect: '{}' is not a port (1-65535)", text);
  return static_cast<uint16_t>(port);
}

// The probe does no name resolution: a host is an address, or a variable that becomes one.
Result<void> check_host(const Reader& r, const Value& v, std::string_view host) {
  if (host.find("${") != std::string_view::npos || IpAddr::parse(host)) return {};
  return r.errorf(v.mark, "{}: '{}' is not an IP address (or a variable such as ${{web.ip}})", v.name, host);
}

// Connect by name: the probe resolves it through `from`'s /etc/resolv.conf.
bool is_hostname(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.find("${") != std::string_view::npos || IpAddr::parse(host)) return false;
  bool letter = false;
  for (char ch : host) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.' && ch != '_') return false;
    letter = letter || std::isalpha(static_cast<unsigned char>(ch));
  }
  return letter;
}

Result<Ping> parse_ping(const Reader& r, const Value& v, const Scope& scope) {
  auto address = NC_TRY(template_arg(r, v, scope));
  NC_TRY_VOID(check_host(r, v, address));
  return Ping{address};
}

Result<Connect> parse_connect(const Reader& r, const Value& v, const Scope& scope) {
  Connect c;
  c.url = NC_TRY(template_arg(r, v, scope));
  auto scheme = c.url.find("://");
  auto proto = parse_proto(std::string_view(c.url).substr(0, scheme == std::string::npos ? 0 : scheme));
  if (!proto) return r.errorf(v.mark, "connect: '{}' is not tcp://HOST:PORT or udp://HOST:PORT", c.url);
  c.proto = *proto;
  std::string_view rest = std::string_view(c.url).substr(scheme + 3);
  bool bracket = rest.starts_with('[');
  auto colon = bracket ? rest.find("]:") + 1 : rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return r.errorf(v.mark, "connect: '{}' has no HOST:PORT", c.url);
  c.host = std::string(bracket ? rest.substr(1, colon - 2) : rest.substr(0, colon));
  std::string_view port = rest.substr(colon + 1);
  // A port variable (${web.port.80}) is known at step time only.
  bool port_var = port.starts_with("${") && port.ends_with('}') && port.find("${", 2) == std::string_view::npos;
  if (!port_var) c.port = NC_TRY(url_port(r, v, port));
  if (!is_hostname(c.host)) NC_TRY_VOID(check_host(r, v, c.host));
  return c;
}

Result<Read> parse_read(const Reader& r, const Value& v, const Scope& scope) {
  // Not NC_TRY: g++ 12 then warns, wrongly, that the moved-out string may be uninitialized.
  auto path = template_arg(r, v, scope);
  if (!path) return std::unexpected(path.error());
  if (!path->starts_with('/') && !path->starts_with("${"))
    return r.errorf(v.mark, "read: '{}' is not an absolute path", *path);
  return Read{*path};
}

Result<void> need_true(const Reader& r, const Value& v) {
  if (NC_TRY(r.boolean(v))) return {};
  return r.errorf(v.mark, "{}: write true (there is nothing to configure)", v.name);
}

Result<std::string> existing(const Reader& r, const Value& v, const Scope& scope, bool container) {
  auto name = NC_TRY(r.word(v));
  if (container) NC_TRY_VOID(scope.need_container(r, v.mark, name));
  else NC_TRY_VOID(scope.need_network(r, v.mark, name));
  return name;
}

constexpr std::string_view kExpectRefusal = "to assert that the runtime refuses it, expect an error";

// Strict: the container must not be on the network yet (joining twice is a sure failure).
Result<NetworkConnect> parse_network_connect(const Reader& r, const Value& v, const Scope& scope, bool strict) {
  auto f = NC_TRY(r.map(v, "network_connect", kConnectKeys, kDisconnectKeys));
  auto container = NC_TRY(existing(r, f.find("container")->value, scope, true));
  auto attachment = NC_TRY(attachment_from(r, f, scope, strict));
  if (strict && scope.on_network(container, attachment.network))
    return r.errorf(f.find("network")->value.mark, "network_connect: container {} is already on network {} at this point; {}",
                    container, attachment.network, kExpectRefusal);
  return NetworkConnect{container, std::move(attachment)};
}

// Strict: the container must be on the network (leaving one never joined is a sure failure).
Result<NetworkDisconnect> parse_network_disconnect(const Reader& r, const Value& v, const Scope& scope, bool strict) {
  auto f = NC_TRY(r.map(v, "network_disconnect", kDisconnectKeys, kDisconnectKeys));
  auto& net = f.find("network")->value;
  NetworkDisconnect d{NC_TRY(existing(r, f.find("container")->value, scope, true)), NC_TRY(existing(r, net, scope, false))};
  if (!strict || scope.on_network(d.container, d.network)) return d;
  auto joined = scope.networks_of(d.container);
  return r.errorf(net.mark, "network_disconnect: container {} is not on network {} at this point (its networks: {}); {}",
                  d.container, d.network, joined.empty() ? "none" : fmt::format("{}", fmt::join(joined, ", ")), kExpectRefusal);
}

// Strict: no container may be on the network (removing a network in use is a sure failure).
Result<NetworkRemove> parse_network_remove(const Reader& r, const Value& v, const Scope& scope, bool strict) {
  auto network = NC_TRY(existing(r, v, scope, false));
  auto users = scope.containers_on(network);
  if (strict && !users.empty())
    return r.errorf(v.mark, "network_remove: containers {} are still on network {} at this point (disconnect or "
                    "remove them first); {}", fmt::join(users, ", "), network, kExpectRefusal);
  return NetworkRemove{network};
}

// `diagnose: PORT` or `diagnose: { target: NAME[:PORT] }` (check.h).
Result<Diagnose> parse_diagnose(const Reader& r, const Value& v) {
  if (!v.node.IsMap()) return Diagnose{static_cast<uint16_t>(NC_TRY(r.integer(v, 1, 65535)))};
  static constexpr std::string_view kKeys[] = {"target"};
  auto f = NC_TRY(r.map(v, "diagnose", kKeys, kKeys));
  auto& t = f.find("target")->value;
  auto text = NC_TRY(r.word(t));
  auto target = diagnose::parse_target(text);
  if (!target) return r.errorf(t.mark, "diagnose: {}", target.error().message());
  NC_TRY_VOID(check_name(r, t.mark, target->first, "container"));
  return Diagnose{0, target->first, target->second};
}

// "tcp/80" or "udp/53" (port 1..65535); nullopt for anything else.
std::optional<std::pair<Proto, uint16_t>> proto_port(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto proto = parse_proto(text.substr(0, slash));
  std::string_view digits = text.substr(slash + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (!proto || digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port < 1 || port > 65535)
    return std::nullopt;
  return std::pair{*proto, static_cast<uint16_t>(port)};
}

constexpr std::string_view kFirewallKeys[] = {"in", "drop", "loss", "delay_ms", "remove"};

// `firewall: { in: web, drop: tcp/80 | udp/53 | dns }` or `{ in: web, remove: true }`.
Result<FirewallRule> parse_firewall(const Reader& r, const Value& v, const Scope& scope) {
  auto f = NC_TRY(r.map(v, "firewall", kFirewallKeys, std::array<std::string_view, 1>{"in"}));
  if (!scope.requires_capability("netns_access"))
    return r.errorf(v.mark, "firewall: needs `requires: [netns_access]` (the harness puts the rule into the container's "
                            "network namespace; runtimes that do not open it skip the check)");
  FirewallRule rule;
  rule.container = NC_TRY(existing(r, f.find("in")->value, scope, true));
  auto* drop = f.find("drop");
  auto* remove = f.find("remove");
  auto* loss = f.find("loss");
  auto* delay = f.find("delay_ms");
  if ((drop != nullptr) + (remove != nullptr) + (loss != nullptr) + (delay != nullptr) != 1)
    return r.errorf(v.mark, "firewall: write one of drop (tcp/PORT, udp/PORT or dns), loss (a percentage), delay_ms (netem) or remove: true");
  if (delay) {
    if (!scope.requires_capability("netem"))
      return r.errorf(delay->key_mark, "firewall: delay_ms needs `requires: [netem]` (a netem qdisc; kernels without CONFIG_NET_SCH_NETEM skip the check)");
    rule.kind = FirewallRule::Kind::kDelay;
    rule.delay_ms = static_cast<int>(NC_TRY(r.integer(delay->value, 1, 60000)));
    return rule;
  }
  if (loss) {
    rule.kind = FirewallRule::Kind::kLoss;
    rule.loss = static_cast<int>(NC_TRY(r.integer(loss->value, 1, 99)));
    return rule;
  }
  if (remove) {
    NC_TRY_VOID(need_true(r, remove->value));
    rule.kind = FirewallRule::Kind::kRemove;
    return rule;
  }
  auto text = NC_TRY(r.word(drop->value));
  if (text == "dns") {
    rule.kind = FirewallRule::Kind::kDropDns;
    return rule;
  }
  auto pp = proto_port(text);
  if (!pp) return r.errorf(drop->value.mark, "firewall: drop '{}' is not tcp/PORT, udp/PORT or dns", text);
  rule.proto = pp->first;
  rule.port = pp->second;
  return rule;
}

// `conntrack_flush: udp/5140` (or tcp/PORT).
Result<ConntrackFlush> parse_conntrack_flush(const Reader& r, const Value& v) {
  auto text = NC_TRY(r.word(v));
  auto pp = proto_port(text);
  if (!pp) return r.errorf(v.mark, "conntrack_flush: '{}' is not udp/PORT or tcp/PORT", text);
  return ConntrackFlush{pp->first, pp->second};
}

constexpr std::string_view kLabLinkKeys[] = {"mtu"};

// `lab_link: { mtu: 1400 }`.
Result<LabLink> parse_lab_link(const Reader& r, const Value& v) {
  auto f = NC_TRY(r.map(v, "lab_link", kLabLinkKeys, std::array<std::string_view, 1>{"mtu"}));
  return LabLink{static_cast<int>(NC_TRY(r.integer(f.find("mtu")->value, 576, 1500)))};
}

// stop/start/restart/kill: NAME. A runtime that cannot do it (exec adapters, cni) must
// skip the check, so the check has to say it needs `lifecycle`.
Result<Action> parse_lifecycle(const Reader& r, const Value& v, ActionKind kind, const Scope& scope) {
  if (!scope.requires_capability("lifecycle"))
    return r.errorf(v.mark, "{}: needs `requires: [lifecycle]` (runtimes that cannot stop, start or kill a container skip the check)",
                    action_name(kind));
  auto name = NC_TRY(existing(r, v, scope, true));
  switch (kind) {
    case ActionKind::kStop: return Stop{std::move(name)};
    case ActionKind::kStart: return Start{std::move(name)};
    case ActionKind::kRestart: return Restart{std::move(name)};
    default: return Kill{std::move(name)};
  }
}

// The action's argument; `strict`: the step expects the runtime to succeed.
Result<Action> parse_action(const Reader& r, const Value& v, ActionKind kind, const Scope& scope, bool strict) {
  switch (kind) {
    case ActionKind::kConnect: return NC_TRY(parse_connect(r, v, scope));
    case ActionKind::kPing: return NC_TRY(parse_ping(r, v, scope));
    case ActionKind::kRead: return NC_TRY(parse_read(r, v, scope));
    case ActionKind::kListeners: NC_TRY_VOID(need_true(r, v)); return Listeners{};
    case ActionKind::kInterfaces: NC_TRY_VOID(need_true(r, v)); return Interfaces{};
    case ActionKind::kNetworkCreate: return NetworkCreate{NC_TRY(parse_network_create(r, v, scope, strict))};
    case ActionKind::kNetworkRemove: return NC_TRY(parse_network_remove(r, v, scope, strict));
    case ActionKind::kContainerCreate: return ContainerCreate{NC_TRY(parse_container_create(r, v, scope, strict))};
    case ActionKind::kContainerRemove: return ContainerRemove{NC_TRY(existing(r, v, scope, true))};
    case ActionKind::kNetworkConnect: return NC_TRY(parse_network_connect(r, v, scope, strict));
    case ActionKind::kNetworkDisconnect: return NC_TRY(parse_network_disconnect(r, v, scope, strict));
    case ActionKind::kResolve: return NC_TRY(parse_resolve(r, v, scope));
    case ActionKind::kDnsFault:
    case ActionKind::kDnsLog:
      // The lab starts its upstream DNS servers only for a check that requires dns.
      if (!scope.requires_capability("dns"))
        return r.errorf(v.mark, "{}: needs `requires: [dns]` (the lab's upstream DNS servers run only for such checks)",
                        action_name(kind));
      if (kind == ActionKind::kDnsFault) return NC_TRY(parse_dns_fault(r, v));
      return NC_TRY(parse_dns_log(r, v));
    case ActionKind::kNote: return Note{NC_TRY(template_arg(r, v, scope))};
    case ActionKind::kDiagnose: return NC_TRY(parse_diagnose(r, v));
    case ActionKind::kCni: return NC_TRY(parse_cni(r, v, scope));
    case ActionKind::kStop:
    case ActionKind::kStart:
    case ActionKind::kRestart:
    case ActionKind::kKill: return NC_TRY(parse_lifecycle(r, v, kind, scope));
    case ActionKind::kFix: return Fix{NC_TRY(template_arg(r, v, scope))};
    case ActionKind::kFirewall: return NC_TRY(parse_firewall(r, v, scope));
    case ActionKind::kHostResolv: return NC_TRY(parse_host_resolv(r, v));
    case ActionKind::kConntrackFlush: return NC_TRY(parse_conntrack_flush(r, v));
    case ActionKind::kLabLink: return NC_TRY(parse_lab_link(r, v));
  }
  return r.error(v.mark, "unhandled action");
}

// What a successful runtime action changes for the steps after it.
void update_scope(const Step& s, Scope& scope) {
  if (s.expect.error) return;
  if (auto* a = s.get<NetworkCreate>()) scope.add_network(a->spec);
  if (auto* a = s.get<NetworkRemove>()) scope.remove_network(a->network);
  if (auto* a = s.get<ContainerCreate>()) scope.add_container(a->spec);
  if (auto* a = s.get<ContainerRemove>()) scope.remove_container(a->container);
  if (auto* a = s.get<NetworkConnect>()) scope.connect(a->container, a->attachment.network);
  if (auto* a = s.get<NetworkDisconnect>()) scope.disconnect(a->container, a->network);
}

constexpr std::string_view kEventuallyKeys[] = {"within_ms", "every_ms"};

// `eventually: { within_ms, every_ms }`: probe actions only, and never without a deadline.
Result<Eventually> parse_eventually(const Reader& r, const Field& f, ActionKind kind) {
  if (!is_probe(kind))
    return r.errorf(f.key_mark, "eventually applies to probe actions (it runs the probe again), not {}", action_name(kind));
  auto m = NC_TRY(r.map(f.value, "eventually", kEventuallyKeys));
  auto* within = m.find("within_ms");
  if (!within)
    return r.errorf(f.value.mark, "eventually needs within_ms: the deadline after which the step fails (a retry without one could run forever)");
  Eventually e;
  e.within = milliseconds(NC_TRY(r.integer(within->value, 1, 600000)));
  if (auto* every = m.find("every_ms")) e.every = milliseconds(NC_TRY(r.integer(every->value, 10, 60000)));
  return e;
}

constexpr std::string_view kRepeatKeys[] = {"times", "seen", "min_orders", "outcomes_seen"};

// `repeat: N` or `repeat: { times, seen, min_orders }`: connect and resolve only.
Result<Repeat> parse_repeat(const Reader& r, const Field& f, ActionKind kind, const Scope& scope) {
  if (kind != ActionKind::kConnect && kind != ActionKind::kResolve)
    return r.errorf(f.key_mark, "repeat applies to connect and resolve, not {}", action_name(kind));
  Repeat rep;
  auto times = [&](const Value& v) -> Result<void> {
    auto n = NC_TRY(r.integer(v, 1, 1'000'000'000));
    if (n > kMaxRepeat)
      return r.errorf(v.mark, "repeat: {} runs is over the limit of {}; a story needs a few dozen", n, kMaxRepeat);
    rep.times = static_cast<int>(n);
    return {};
  };
  if (f.value.node.IsScalar()) {
    NC_TRY_VOID(times(f.value));
    return rep;
  }
  auto m = NC_TRY(r.map(f.value, "repeat", kRepeatKeys, std::array<std::string_view, 1>{"times"}));
  NC_TRY_VOID(times(m.find("times")->value));
  if (auto* seen = m.find("seen")) {
    rep.seen = NC_TRY(r.strings(seen->value));
    for (auto& t : rep.seen) NC_TRY_VOID(scope.check_template(r, seen->value, t));
  }
  if (auto* os = m.find("outcomes_seen")) {
    for (auto& name : NC_TRY(r.strings(os->value))) {
      auto o = parse_outcome(name);
      if (!o) return r.errorf(os->value.mark, "outcomes_seen: unknown outcome '{}'; expected one of {}", name, fmt::join(kOutcomeNames, ", "));
      rep.outcomes_seen.push_back(*o);
    }
  }
  if (auto* mo = m.find("min_orders")) {
    if (kind != ActionKind::kResolve) return r.errorf(mo->key_mark, "min_orders counts the orders of resolve answers; it does not apply to connect");
    rep.min_orders = static_cast<int>(NC_TRY(r.integer(mo->value, 1, kMaxRepeat)));
    if (rep.min_orders > rep.times)
      return r.errorf(mo->value.mark, "min_orders {} is more than the {} runs can show", rep.min_orders, rep.times);
  }
  return rep;
}

Result<Step> parse_step(const Reader& r, const Value& v, const Scope& scope) {
  static const auto keys = step_keys();
  auto f = NC_TRY(r.map(v, "step", keys));
  auto* action = NC_TRY(action_field(r, v, f));
  Step s;
  s.pos = r.pos(v.mark);
  auto kind = kind_of(*action);
  if (auto* n = f.find("name")) s.name = NC_TRY(r.string(n->value));
  s.from = NC_TRY(step_place(r, v, f, kind, scope));
  s.timeout = NC_TRY(step_timeout(r, f, kind));
  if (auto* b = f.find("expect_bytes")) {
    if (kind != ActionKind::kConnect) return r.errorf(b->key_mark, "expect_bytes applies to connect, not {}", action_name(kind));
    s.expect_bytes = static_cast<int>(NC_TRY(r.integer(b->value, 1, 65536)));
  }
  if (auto* ev = f.find("eventually")) s.eventually = NC_TRY(parse_eventually(r, *ev, kind));
  if (auto* rp = f.find("repeat")) s.repeat = NC_TRY(parse_repeat(r, *rp, kind, scope));
  if (auto* k = f.find("keep")) {
    if (kind != ActionKind::kConnect && kind != ActionKind::kResolve)
      return r.errorf(k->key_mark, "keep keeps an address a lookup answered: connect (by name) or resolve, not {}", action_name(kind));
    s.keep = NC_TRY(r.word(k->value));
    NC_TRY_VOID(check_name(r, k->value.mark, s.keep, "kept address"));
  }
  if (s.eventually && s.repeat) return r.errorf(f.find("repeat")->key_mark, "a step takes eventually or repeat, not both");
  s.expect = NC_TRY(step_expect(r, v, f, kind, scope));
  s.action = NC_TRY(parse_action(r, action->value, kind, scope, !s.expect.error));
  if (auto* sp = f.find("source_port")) {
    auto* c = s.get<Connect>();
    if (!c || c->proto != Proto::kUdp)
      return r.errorf(sp->key_mark, "source_port applies to connect udp://, not {}", c ? std::string_view("tcp://") : action_name(kind));
    s.source_port = static_cast<int>(NC_TRY(r.integer(sp->value, 1, 65535)));
  }
  if (auto* d = s.get<Diagnose>()) {
    if (d->target.empty() && s.from.kind != Place::Kind::kContainer)
      return r.errorf(v.mark, "diagnose: PORT runs at a container (its listeners and published address), not at {}; "
                      "from elsewhere, diagnose: {{ target: NAME:PORT }}", s.from.str());
    if (!d->target.empty() && s.from.kind == Place::Kind::kContainer && s.from.container == d->target)
      return r.errorf(v.mark, "diagnose: from {} to itself; diagnose from the client that fails", d->target);
    if (s.expect.cause && d->target.empty())
      return r.errorf(v.mark, "expect cause: only the checklist form names a cause (diagnose: {{ target: NAME:PORT }})");
  }
  return s;
}

}  // namespace

Result<std::vector<Step>> parse_steps(const Reader& r, const Value& v, Scope& scope) {
  auto items = NC_TRY(r.list(v));
  if (items.empty()) return r.error(v.mark, "steps: empty; a check needs at least one step");
  std::vector<Step> steps;
  std::optional<SourcePos> fix;  // where the fix act began
  for (auto& item : items) {
    item.name = fmt::format("step {}", steps.size() + 1);
    steps.push_back(NC_TRY(parse_step(r, item, scope)));
    if (steps.back().kind() == ActionKind::kFix) {
      if (fix) return r.errorf(item.mark, "a second fix: marker; the fix act began at {}", fix->str());
      fix = steps.back().pos;
    }
    if (fix) steps.back().act = Act::kFix;
    if (!steps.back().keep.empty()) scope.add_kept(steps.back().keep);
    update_scope(steps.back(), scope);
  }
  return steps;
}

}  // namespace nc::checks::detail
