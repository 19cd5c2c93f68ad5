// `ping ADDR [--timeout-ms N]`
#include "harness/probe/action.h"
#include "harness/probe/ping.h"

namespace nc::probe {
namespace {

constexpr OptionSpec kOptions[] = {{"--timeout-ms"}};

int run(const Invocation& inv) {
  auto addr = SockAddr::parse_ip(inv.args[0]);
  if (!addr) return usage_error(inv.spec, "ping", "ping: " + addr.error());
  auto timeout = int_option(inv, "--timeout-ms", 2000, 1, 3'600'000);
  if (!timeout) return usage_error(inv.spec, "ping", timeout.error());
  emit(ping(*addr, static_cast<int>(*timeout)));
  return kExitOk;
}

}  // namespace

extern const ActionSpec kPingAction{
    .name = "ping",
    .synopsis = "ping ADDR [--timeout-ms N (2000)]",
    .options = kOptions,
    .min_args = 1,
    .max_args = 1,
    .run = run,
};

}  // namespace nc::probe
