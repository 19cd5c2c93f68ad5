// `connect URL [--timeout-ms N] [--send TEXT] [--expect-bytes N]`
#include "harness/probe/action.h"
#include "harness/probe/connect.h"
#include "harness/probe/stub_resolver.h"

namespace nc::probe {
namespace {

// --expect-bytes: a large transfer that stalls (an MTU black hole) connects and may even
// deliver its first bytes, so "ok" needs the whole reply: fewer bytes by the deadline is a
// timeout, with "received" saying how far it got.
Json require_bytes(Json j, size_t want) {
  if (want == 0 || j.value("outcome", "") != "ok") return j;
  size_t got = j.contains("reply") ? j["reply"].get<std::string>().size() : 0;
  j["received"] = got;
  if (got < want) j["outcome"] = "timeout";
  return j;
}

// Connect by name: HOST is a name, so resolve it (A) as the container's stub resolver
// would, through its /etc/resolv.conf, and connect to the first answer. The lookup goes
// into the result as "resolved"; a lookup without an address is the outcome.
struct ByName {
  Target target;
  Json resolved;
};
std::expected<ByName, Json> resolve_host(const NamedTarget& named, std::string_view url, int timeout_ms) {
  Json r = stub_resolve({.name = named.name, .type = 1, .servers = {}, .tcp = false, .tcp_fallback = true, .timeout_ms = timeout_ms});
  Json resolved = {{"name", named.name}, {"rcode", r.value("rcode", "")}, {"answers", r.value("answers", Json::array())},
                   {"server", r.value("server", "")}};
  std::string failure;
  if (r.value("outcome", "") != "ok")
    failure = r.value("error", std::string("failed"));
  else if (resolved["answers"].empty())
    failure = r.value("rcode", std::string("no answer")) + ", no address";
  std::expected<Target, std::string> target = std::unexpected(failure);
  if (failure.empty()) target = named.at(resolved["answers"][0].get<std::string>());
  if (!target) {
    Json j = result("connect", r.value("outcome", "") == "ok" ? "error" : r.value("outcome", "error"));
    j["target"] = std::string(url);
    j["error"] = "resolve " + named.name + ": " + target.error();
    j["resolved"] = resolved;
    return std::unexpected(j);
  }
  return ByName{*target, resolved};
}

constexpr OptionSpec kOptions[] = {{"--timeout-ms"}, {"--send"}, {"--expect-bytes"}, {"--source-port"}};

int run(const Invocation& inv) {
  auto timeout = int_option(inv, "--timeout-ms", 2000, 1, 3'600'000);
  if (!timeout) return usage_error(inv.spec, "connect", timeout.error());
  auto target = parse_target(inv.args[0]);
  std::optional<Json> resolved;
  if (!target) {
    auto named = parse_named_target(inv.args[0]);
    if (!named) return usage_error(inv.spec, "connect", named.error());
    auto by_name = resolve_host(*named, inv.args[0], static_cast<int>(*timeout));
    if (!by_name) {
      emit(by_name.error());
      return kExitOk;
    }
    resolved = by_name->resolved;
    target = by_name->target;
  }
  if (target->addr.port() == 0) return usage_error(inv.spec, "connect", "connect: port 0 in '" + inv.args[0] + "'");
  ConnectOptions o{.timeout_ms = static_cast<int>(*timeout)};
  if (auto s = inv.option("--send")) o.send = std::string(*s);
  auto expect = int_option(inv, "--expect-bytes", 0, 0, static_cast<long>(kMaxReply));
  if (!expect) return usage_error(inv.spec, "connect", expect.error());
  auto sport = int_option(inv, "--source-port", 0, 1, 65535);
  if (!sport) return usage_error(inv.spec, "connect", sport.error());
  if (*sport != 0 && target->proto == Proto::kTcp) return usage_error(inv.spec, "connect", "--source-port applies to udp:// only");
  o.source_port = static_cast<int>(*sport);
  Json j = target->proto == Proto::kTcp ? connect_tcp(*target, o) : connect_udp(*target, o);
  if (resolved) j["resolved"] = *resolved;
  emit(require_bytes(std::move(j), static_cast<size_t>(*expect)));
  return kExitOk;
}

}  // namespace

extern const ActionSpec kConnectAction{
    .name = "connect",
    .synopsis = "connect tcp|udp://HOST:PORT [--timeout-ms N (2000)] [--send TEXT] [--expect-bytes N] [--source-port N (udp)] (HOST: an address, or a name resolved through /etc/resolv.conf)",
    .options = kOptions,
    .min_args = 1,
    .max_args = 1,
    .run = run,
};

}  // namespace nc::probe
