#include "harness/engine/matcher.h"

#include <fmt/ranges.h>

#include "harness/engine/cni_step.h"
#include "harness/engine/dns_match.h"
#include "netimpl/base/ip.h"

namespace nc::engine {

using checks::ActionKind;
using nlohmann::json;

namespace {

std::string str_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Collects failures; the first one explains the verdict, the rest follow.
struct Checker {
  std::vector<std::string> expected, problems;
  void want(std::string what) { expected.push_back(std::move(what)); }
  void fail(std::string why) { problems.push_back(std::move(why)); }
  Verdict verdict() const {
    return {problems.empty(), fmt::format("{}", fmt::join(expected, ", ")), fmt::format("{}", fmt::join(problems, "; "))};
  }
};

const json* find_iface(const json& obs, std::string_view name) {
  if (!obs.contains("interfaces")) return nullptr;
  for (auto& i : obs["interfaces"])
    if (str_of(i, "name") == name) return &i;
  return nullptr;
}

void check_outcome(Checker& c, const checks::Expect& e, const json& obs) {
  std::vector<std::string_view> names;
  for (auto o : e.outcomes) names.push_back(checks::outcome_name(o));
  c.want(fmt::format("{}", fmt::join(names, " or ")));
  std::string got = str_of(obs, "outcome");
  for (auto n : names)
    if (got == n) return;
  std::string detail = str_of(obs, "error");
  c.fail(detail.empty() ? fmt::format("got {}", got.empty() ? "no outcome" : got)
                        : fmt::format("got {} ({})", got, detail));
}

void check_connect(Checker& c, const ResolvedExpect& w, const json& obs) {
  if (!w.peer) return;
  c.want(fmt::format("server saw client {}", *w.peer));
  std::string peer = obs.contains("server") ? str_of(obs["server"], "peer") : "";
  if (peer.empty()) return c.fail("the server reported no client address");
  if (host_part(peer) != *w.peer) c.fail(fmt::format("the server saw client {}", host_part(peer)));
}

void check_read(Checker& c, const ResolvedExpect& w, const json& obs) {
  std::string content = str_of(obs, "content");
  for (auto& s : w.contains) {
    c.want(fmt::format("contains \"{}\"", s));
    if (content.find(s) == std::string::npos) c.fail(fmt::format("\"{}\" not found", s));
  }
  for (auto& s : w.not_contains) {
    c.want(fmt::format("does not contain \"{}\"", s));
    if (content.find(s) != std::string::npos) c.fail(fmt::format("\"{}\" found", s));
  }
}

bool listed(const json& obs, std::string_view local) {
  if (!obs.contains("sockets")) return false;
  for (auto& s : obs["sockets"])
    if (str_of(s, "proto").starts_with("tcp") && str_of(s, "local") == local) return true;
  return false;
}

void check_listeners(Checker& c, const ResolvedExpect& w, const json& obs) {
  for (auto& s : w.listening) {
    c.want(fmt::format("listening on {}", s));
    if (!listed(obs, s)) c.fail(fmt::format("nothing listens on {}", s));
  }
  for (auto& s : w.not_listening) {
    c.want(fmt::format("not listening on {}", s));
    if (listed(obs, s)) c.fail(fmt::format("something listens on {}", s));
  }
}

void check_interfaces(Checker& c, const ResolvedExpect& w, const json& obs) {
  const auto& e = *w.expect;
  std::string iface(e.iface_or_default());
  const json* ifj = find_iface(obs, iface);
  bool need_iface = e.iface || w.address_in || w.address || e.mtu;
  if (need_iface) {
    c.want(fmt::format("has {}", iface));
    if (!ifj) return c.fail(fmt::format("no interface {}", iface));
  }
  std::vector<std::string> addrs;
  if (ifj && ifj->contains("addresses"))
    for (auto& a : (*ifj)["addresses"]) addrs.push_back(a.get<std::string>());
  if (w.address_in) {
    c.want(fmt::format("{} address in {}", iface, *w.address_in));
    auto pfx = Prefix::parse(*w.address_in);
    bool found = false;
    for (auto& a : addrs)
      if (auto ap = Prefix::parse(a); ap && pfx && pfx->contains(ap->addr())) found = true;
    if (!found) c.fail(fmt::format("{} has [{}]", iface, fmt::join(addrs, ", ")));
  }
  if (w.address) {
    c.want(fmt::format("{} address {}", iface, *w.address));
    bool found = false;
    for (auto& a : addrs) found = found || a.substr(0, a.find('/')) == *w.address;
    if (!found) c.fail(fmt::format("{} has [{}]", iface, fmt::join(addrs, ", ")));
  }
  if (e.mtu) {
    c.want(fmt::format("{} mtu {}", iface, *e.mtu));
    int got = ifj && ifj->contains("mtu") ? (*ifj)["mtu"].get<int>() : 0;
    if (got != *e.mtu) c.fail(fmt::format("{} has mtu {}", iface, got));
  }
  if (e.no_iface) {
    c.want(fmt::format("no {}", *e.no_iface));
    if (find_iface(obs, *e.no_iface)) c.fail(fmt::format("{} exists", *e.no_iface));
  }
  // An IPv6 gateway in default_via asks for the IPv6 default route; anything else (an
  // IPv4 gateway, direct, none) for the IPv4 one.
  auto want_ip = w.default_via ? IpAddr::parse(*w.default_via) : Result<IpAddr>(fail(""));
  const char* any = want_ip && want_ip->is_v6() ? "::/0" : "0.0.0.0/0";
  std::optional<std::string> via;
  bool has_default = false;
  if (obs.contains("routes"))
    for (auto& r : obs["routes"])
      if (str_of(r, "dst") == any) {
        has_default = true;
        via = str_of(r, "via");
      }
  // The probe leaves `via` out of a route through a link without a gateway.
  const std::string shown = via && !via->empty() ? *via : "direct";
  if (w.default_via) {
    c.want(fmt::format("default route via {}", *w.default_via));
    if (!has_default) c.fail("no default route");
    else if (shown != *w.default_via) c.fail(fmt::format("default route via {}", shown));
  }
  if (e.no_default_route) {
    c.want("no default route");
    if (has_default) c.fail(fmt::format("default route via {}", shown));
  }
}

}  // namespace

std::string host_part(std::string_view ep) {
  if (ep.starts_with('[')) {
    auto close = ep.find(']');
    return std::string(ep.substr(1, close == std::string_view::npos ? ep.npos : close - 1));
  }
  auto colon = ep.rfind(':');
  if (colon != std::string_view::npos && ep.find(':') == colon) return std::string(ep.substr(0, colon));
  return std::string(ep);
}

Verdict match(ActionKind kind, const ResolvedExpect& w, const json& obs, double duration_ms) {
  Checker c;
  const auto& e = *w.expect;
  if (kind == ActionKind::kCni) {
    std::vector<std::string> expected, problems;
    match_cni(e, obs, expected, problems);
    for (auto& x : expected) c.want(x);
    for (auto& x : problems) c.fail(x);
  } else if (checks::is_runtime(kind)) {
    bool ok = obs.value("ok", false);
    if (e.error) {
      c.want(fmt::format("fails with \"{}\"", *e.error));
      if (ok) c.fail("it succeeded");
      else if (str_of(obs, "error").find(*e.error) == std::string::npos)
        c.fail(fmt::format("it failed otherwise: {}", str_of(obs, "error")));
    } else {
      c.want("succeeds");
      if (!ok) c.fail(fmt::format("it failed: {}", str_of(obs, "error")));
    }
  } else {
    check_outcome(c, e, obs);
    // Details only make sense once the outcome matched.
    if (c.problems.empty()) {
      switch (kind) {
        case ActionKind::kConnect: check_connect(c, w, obs); break;
        case ActionKind::kRead: check_read(c, w, obs); break;
        case ActionKind::kDiagnose:
          check_read(c, w, obs);  // on the diagnosis text
          if (e.cause) {
            c.want(fmt::format("cause {}", *e.cause));
            if (str_of(obs, "cause") != *e.cause)
              c.fail(obs.contains("cause") ? fmt::format("diagnosed {}", str_of(obs, "content")) : "no cause diagnosed");
          }
          break;
        case ActionKind::kListeners: check_listeners(c, w, obs); break;
        case ActionKind::kInterfaces: check_interfaces(c, w, obs); break;
        case ActionKind::kResolve:
        case ActionKind::kDnsLog: {
          Findings f;
          if (kind == ActionKind::kResolve) match_resolve(w, obs, f);
          else match_dns_log(w, obs, f);
          for (auto& x : f.expected) c.want(x);
          for (auto& x : f.problems) c.fail(x);
          break;
        }
        default: break;
      }
    }
  }
  if (e.within) {
    c.want(fmt::format("within {} ms", e.within->count()));
    if (duration_ms > static_cast<double>(e.within->count())) c.fail(fmt::format("took {:.0f} ms", duration_ms));
  }
  if (e.slower_than) {
    c.want(fmt::format("slower than {} ms", e.slower_than->count()));
    if (duration_ms < static_cast<double>(e.slower_than->count())) c.fail(fmt::format("took only {:.0f} ms", duration_ms));
  }
  return c.verdict();
}

}  // namespace nc::engine
