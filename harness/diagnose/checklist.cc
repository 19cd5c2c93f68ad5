#include "harness/diagnose/checklist.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace nc::diagnose {
namespace {

bool wildcard(const std::string& a) { return a == "0.0.0.0" || a == "::"; }
bool loopback(const std::string& a) { return a.starts_with("127.") || a == "::1"; }

std::string socket_text(const std::string& addr, uint16_t port) {
  return addr.find(':') != std::string::npos ? fmt::format("[{}]:{}", addr, port) : fmt::format("{}:{}", addr, port);
}

std::vector<std::string> network_names(const ContainerState& c) {
  std::vector<std::string> out;
  for (auto& e : c.endpoints) out.push_back(e.network);
  return out;
}

std::string list_or_none(const std::vector<std::string>& v) { return v.empty() ? "no network" : fmt::format("{}", fmt::join(v, ", ")); }

// One walk of the checklist; every step either records a pass and returns true, or ends
// the diagnosis.
class Walk {
 public:
  Walk(Observations& o, const Request& r) : o_(o), r_(r) {}

  Diagnosis go() {
    if (!running() || !network() || !published() || !reachable() || !resolves()) return std::move(d_);
    if (!r_.port) return works();
    if (!listening() || !connects()) return std::move(d_);
    return works();
  }

 private:
  bool pass(std::string step, std::string evidence) {
    d_.steps.push_back({std::move(step), true, std::move(evidence)});
    return true;
  }
  bool stop(Cause c, std::string step, std::string evidence, std::string fix) {
    d_.cause = c;
    d_.steps.push_back({std::move(step), false, std::move(evidence)});
    d_.fix = std::move(fix);
    return false;
  }
  bool cannot(std::string step, const Error& e) {
    return stop(Cause::kCannotObserve, std::move(step), e.message(), "make the runtime and the probe answer, then diagnose again");
  }
  Diagnosis works() {
    d_.cause = Cause::kPathWorks;
    return std::move(d_);
  }

  bool running() {
    std::vector<std::string> names;
    if (r_.from_container) names.push_back(r_.from);
    names.push_back(r_.target);
    for (auto& n : names) {
      auto st = o_.container(n);
      if (!st) return cannot("running", st.error());
      if (!st->exists)
        return stop(Cause::kNotRunning, "running", fmt::format("{}: {}", n, st->status),
                    fmt::format("create {} (or check the name: docker ps -a)", n));
      if (!st->running)
        return stop(Cause::kNotRunning, "running", fmt::format("{}: {}", n, st->status),
                    fmt::format("start {} and read why it stopped (docker logs {})", n, n));
      (n == r_.target ? target_ : from_) = std::move(*st);
    }
    if (target_.endpoints.empty())
      return stop(Cause::kNoSharedNetwork, "running", fmt::format("{} runs but has no network address", r_.target),
                  fmt::format("connect {} to a network (docker network connect NETWORK {})", r_.target, r_.target));
    addr_ = target_.endpoints.front().ip;
    return pass("running", r_.from_container ? fmt::format("{} and {} are running", r_.from, r_.target)
                                             : fmt::format("{} is running", r_.target));
  }

  bool network() {
    if (!r_.from_container) return true;
    for (auto& fe : from_.endpoints)
      for (auto& te : target_.endpoints)
        if (fe.network == te.network) {
          addr_ = te.ip;
          return pass("network", fmt::format("both on {}: {} is {} there", te.network, r_.target, te.ip));
        }
    return stop(Cause::kNoSharedNetwork, "network",
                fmt::format("{} is on {}; {} is on {}", r_.from, list_or_none(network_names(from_)), r_.target,
                            list_or_none(network_names(target_))),
                fmt::format("attach both to one user-defined network (docker network connect {} {})",
                            target_.endpoints.front().network, r_.from));
  }

  bool published() {
    cport_ = r_.port;
    if (r_.from_container || !r_.port) return true;
    std::vector<std::string> shown;
    for (auto& p : target_.ports) {
      if (p.proto == Proto::kTcp && p.host_port == *r_.port) {
        cport_ = p.container_port;
        return pass("published", fmt::format("host port {} leads to {}:{} ({})", *r_.port, r_.target, p.container_port,
                                             socket_text(addr_.str(), p.container_port)));
      }
      shown.push_back(fmt::format("{}->{}/{}", p.host_port, p.container_port, p.proto == Proto::kTcp ? "tcp" : "udp"));
    }
    return stop(Cause::kNotPublished, "published",
                shown.empty() ? fmt::format("{} publishes no port; nothing maps host port {}", r_.target, *r_.port)
                              : fmt::format("{} publishes {}; nothing maps host port {}", r_.target, fmt::join(shown, ", "), *r_.port),
                fmt::format("publish it: re-create {} with -p {}:CONTAINER_PORT", r_.target, *r_.port));
  }

  bool reachable() {
    if (r_.from == "external") return true;  // a container's address is private: only the published port is reachable
    auto out = o_.ping(r_.from, addr_);
    if (!out) return cannot("reachable", out.error());
    if (*out != "ok")
      return stop(Cause::kUnreachable, "reachable", fmt::format("ping {} from {}: {}", addr_, r_.from, *out),
                  "the network does not carry traffic between them: check its options (internal, icc=false), "
                  "both sides' routes and any rule dropping ICMP");
    return pass("reachable", fmt::format("ping {} from {}: ok", addr_, r_.from));
  }

  // What to do about a name that did not resolve depends on how it failed: an answer
  // (NXDOMAIN: nobody holds the name there), no answer (a resolver waiting on something
  // silent), or a query that could not even be sent.
  std::string unresolved_fix(const Resolution& res, const std::string& server) const {
    if (res.outcome == "timeout")
      return fmt::format("{} did not answer in time: a resolver that forwards a search-domain name upstream first "
                         "(ndots and search in {}'s /etc/resolv.conf) waits on a silent upstream before it answers "
                         "locally; try {}. (fully qualified) and check the upstream servers",
                         server, r_.from, r_.target);
    if (res.outcome == "refused")
      return fmt::format("nothing serves DNS at {}: check {}'s /etc/resolv.conf and the runtime's DNS server", server, r_.from);
    if (res.outcome != "ok")
      return fmt::format("the query could not be sent: look for a rule in {}'s network namespace dropping port 53 "
                         "(nft list ruleset there)", r_.from);
    return fmt::format("names resolve only on user-defined networks (the runtime's DNS); put both on one, "
                       "give {} an alias there, or reach it by address", r_.target);
  }

  bool resolves() {
    if (!r_.from_container) return true;
    auto res = o_.resolve(r_.from, r_.target);
    if (!res) return cannot("resolves", res.error());
    std::string server = res->server.empty() ? "no server" : res->server;
    if (res->outcome != "ok" || res->addresses.empty()) {
      std::string seen = res->outcome != "ok" ? fmt::format("{} asking {}{}", res->outcome, server, res->error.empty() ? "" : ": " + res->error)
                                              : fmt::format("{} from {}", res->rcode.empty() ? "no answer" : res->rcode, server);
      return stop(Cause::kNameDoesNotResolve, "resolves", fmt::format("{} at {}: {}", r_.target, r_.from, seen),
                  unresolved_fix(*res, server));
    }
    for (auto& a : res->addresses)
      for (auto& e : target_.endpoints)
        if (a == e.ip.str()) return pass("resolves", fmt::format("{} resolves to {} (answered by {})", r_.target, a, server));
    return stop(Cause::kNameResolvesElsewhere, "resolves",
                fmt::format("{} resolves to {} at {} (answered by {}); {} is {}", r_.target, fmt::join(res->addresses, ", "),
                            r_.from, server, r_.target, addr_),
                "another container or a stale record holds the name: check aliases, /etc/hosts and the upstream's records");
  }

  bool listening() {
    auto ls = o_.listeners(r_.target);
    if (!ls) return cannot("listening", ls.error());
    uint16_t port = *cport_;
    std::vector<std::string> on_port, elsewhere;
    for (auto& l : *ls) {
      if (l.proto != "tcp") continue;
      if (l.port != port) {
        if (!loopback(l.addr)) elsewhere.push_back(socket_text(l.addr, l.port));
        continue;
      }
      // From a container, traffic arrives at the target's address on the network they share,
      // not at its address on another network; a published port's DNAT may lead to any.
      bool ours = wildcard(l.addr) || (r_.from_container ? l.addr == addr_.str()
                                                         : std::any_of(target_.endpoints.begin(), target_.endpoints.end(),
                                                                       [&](auto& e) { return e.ip.str() == l.addr; }));
      if (ours) return pass("listening", fmt::format("{} listens on {}", r_.target, socket_text(l.addr, port)));
      on_port.push_back(l.addr);
    }
    std::string arrives = fmt::format("traffic arrives at {}", socket_text(addr_.str(), port));
    if (!on_port.empty()) {
      std::vector<std::string> shown;
      for (auto& a : on_port) shown.push_back(socket_text(a, port));
      bool all_loop = std::all_of(on_port.begin(), on_port.end(), loopback);
      return stop(all_loop ? Cause::kBoundToLoopback : Cause::kBoundElsewhere, "listening",
                  fmt::format("{} listens on {} only; {}", r_.target, fmt::join(shown, ", "), arrives),
                  fmt::format("bind the service to 0.0.0.0:{} (or {}'s address)", port, r_.target));
    }
    // From a container, the published host port is a common mistake: say so.
    std::string published;
    if (r_.from_container)
      for (auto& p : target_.ports)
        if (p.proto == Proto::kTcp && p.host_port == port)
          published = fmt::format(" ({} is the host port published for {}'s port {}: containers use {})", port, r_.target,
                                  p.container_port, p.container_port);
    if (!elsewhere.empty())
      return stop(Cause::kWrongPort, "listening",
                  fmt::format("nothing listens on port {} in {}; it listens on {}{}", port, r_.target, fmt::join(elsewhere, ", "), published),
                  fmt::format("connect to the port the service uses ({}), or make it listen on {}",
                              elsewhere.front().substr(elsewhere.front().rfind(':') + 1), port));
    return stop(Cause::kNothingListening, "listening", fmt::format("nothing listens on TCP port {} in {}", port, r_.target),
                fmt::format("start the service in {} on 0.0.0.0:{} (docker logs {}: did it start?)", r_.target, port, r_.target));
  }

  bool connects() {
    IpAddr to = addr_;
    uint16_t port = *cport_;
    if (!r_.from_container)
      if (auto h = o_.host_address(r_.from)) to = *h, port = *r_.port;
    auto out = o_.connect(r_.from, to, port);
    if (!out) return cannot("connects", out.error());
    std::string seen = fmt::format("connect {} from {}: {}", socket_text(to.str(), port), r_.from, *out);
    if (*out == "ok") return pass("connects", seen);
    auto rules = o_.blocking_rules(r_.target, *cport_);
    if (!rules) return cannot("connects", rules.error());
    if (!rules->empty())
      return stop(Cause::kFirewall, "connects",
                  fmt::format("{}; {}'s namespace has: {}", seen, r_.target, fmt::join(*rules, "; ")),
                  fmt::format("remove the rule in {}'s namespace, or let TCP port {} in", r_.target, *cport_));
    return stop(Cause::kConnectFails, "connects",
                fmt::format("{}; no rule in {}'s namespace drops port {}", seen, r_.target, *cport_),
                "look between them: the host's forward chain, the runtime's isolation rules, the published port's DNAT");
  }

  Observations& o_;
  const Request& r_;
  Diagnosis d_;
  ContainerState from_, target_;
  IpAddr addr_;                    // TARGET's address as FROM reaches it
  std::optional<uint16_t> cport_;  // TARGET's port
};

}  // namespace

std::string_view cause_name(Cause c) { return kCauseNames[static_cast<size_t>(c)]; }

std::optional<Cause> parse_cause(std::string_view name) {
  for (size_t i = 0; i < std::size(kCauseNames); ++i)
    if (kCauseNames[i] == name) return static_cast<Cause>(i);
  return std::nullopt;
}

Result<std::pair<std::string, std::optional<uint16_t>>> parse_target(std::string_view text) {
  auto colon = text.rfind(':');
  std::string name(text.substr(0, colon));
  if (name.empty()) return failf("target '{}': no container name (expected NAME or NAME:PORT)", text);
  if (colon == std::string_view::npos) return std::pair{name, std::optional<uint16_t>()};
  auto p = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (p.empty() || ec != std::errc() || end != p.data() + p.size() || port < 1 || port > 65535)
    return failf("target '{}': port '{}' is not 1..65535", text, p);
  return std::pair{name, std::optional<uint16_t>(static_cast<uint16_t>(port))};
}

std::string Diagnosis::summary() const {
  std::string evidence = steps.empty() ? "" : steps.back().evidence;
  if (works()) return fmt::format("{}: {}", cause_name(cause), evidence);
  return fmt::format("{}: {}; fix: {}", cause_name(cause), evidence, fix);
}

std::string Diagnosis::text() const {
  std::string out;
  for (auto& s : steps) out += fmt::format("  {:<10} {:<4} {}\n", s.step, s.ok ? "ok" : "FAIL", s.evidence);
  out += fmt::format("cause: {}\n", cause_name(cause));
  if (!works()) out += fmt::format("fix: {}\n", fix);
  return out;
}

nlohmann::json Diagnosis::to_json() const {
  nlohmann::json steps_j = nlohmann::json::array();
  for (auto& s : steps) steps_j.push_back({{"step", s.step}, {"ok", s.ok}, {"evidence", s.evidence}});
  nlohmann::json j{{"cause", cause_name(cause)}, {"steps", steps_j}, {"diagnosis", summary()}};
  if (!works()) j["fix"] = fix;
  return j;
}

Diagnosis run_checklist(Observations& obs, const Request& req) { return Walk(obs, req).go(); }

}  // namespace nc::diagnose
