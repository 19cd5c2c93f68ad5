// `connect URL [--timeout-ms N] [--send TEXT]`
#include "harness/probe/action.h"
#include "harness/probe/connect.h"

namespace nc::probe {
namespace {

constexpr OptionSpec kOptions[] = {{"--timeout-ms"}, {"--send"}};

int run(const Invocation& inv) {
  auto target = parse_target(inv.args[0]);
  if (!target) return usage_error(inv.spec, "connect", target.error());
  if (target->addr.port() == 0) return usage_error(inv.spec, "connect", "connect: port 0 in '" + inv.args[0] + "'");
  auto timeout = int_option(inv, "--timeout-ms", 2000, 1, 3'600'000);
  if (!timeout) return usage_error(inv.spec, "connect", timeout.error());
  ConnectOptions o{.timeout_ms = static_cast<int>(*timeout)};
  if (auto s = inv.option("--send")) o.send = std::string(*s);
  emit(target->proto == Proto::kTcp ? connect_tcp(*target, o) : connect_udp(*target, o));
  return kExitOk;
}

}  // namespace

extern const ActionSpec kConnectAction{
    .name = "connect",
    .synopsis = "connect tcp|udp://HOST:PORT [--timeout-ms N (2000)] [--send TEXT]",
    .options = kOptions,
    .min_args = 1,
    .max_args = 1,
    .run = run,
};

}  // namespace nc::probe
