// `connect URL [--timeout-ms N] [--send TEXT] [--expect-bytes N]`
#include "harness/probe/action.h"
#include "harness/probe/connect.h"

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

constexpr OptionSpec kOptions[] = {{"--timeout-ms"}, {"--send"}, {"--expect-bytes"}};

int run(const Invocation& inv) {
  auto target = parse_target(inv.args[0]);
  if (!target) return usage_error(inv.spec, "connect", target.error());
  if (target->addr.port() == 0) return usage_error(inv.spec, "connect", "connect: port 0 in '" + inv.args[0] + "'");
  auto timeout = int_option(inv, "--timeout-ms", 2000, 1, 3'600'000);
  if (!timeout) return usage_error(inv.spec, "connect", timeout.error());
  ConnectOptions o{.timeout_ms = static_cast<int>(*timeout)};
  if (auto s = inv.option("--send")) o.send = std::string(*s);
  auto expect = int_option(inv, "--expect-bytes", 0, 0, static_cast<long>(kMaxReply));
  if (!expect) return usage_error(inv.spec, "connect", expect.error());
  Json j = target->proto == Proto::kTcp ? connect_tcp(*target, o) : connect_udp(*target, o);
  emit(require_bytes(std::move(j), static_cast<size_t>(*expect)));
  return kExitOk;
}

}  // namespace

extern const ActionSpec kConnectAction{
    .name = "connect",
    .synopsis = "connect tcp|udp://HOST:PORT [--timeout-ms N (2000)] [--send TEXT] [--expect-bytes N]",
    .options = kOptions,
    .min_args = 1,
    .max_args = 1,
    .run = run,
};

}  // namespace nc::probe
