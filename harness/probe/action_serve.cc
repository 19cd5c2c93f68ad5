// `serve URL [URL...] [--reply TEXT]`
#include "harness/probe/action.h"
#include "harness/probe/serve.h"
#include "harness/probe/signals.h"

namespace nc::probe {
namespace {

constexpr OptionSpec kOptions[] = {{"--reply"}};

int run(const Invocation& inv) {
  std::vector<Target> targets;
  for (const std::string& a : inv.args) {
    auto t = parse_target(a);
    if (!t) return usage_error(inv.spec, "serve", t.error());
    targets.push_back(*t);
  }
  std::optional<std::string> reply;
  if (auto r = inv.option("--reply")) reply = std::string(*r);
  // Before binding: a SIGTERM sent as soon as the readiness line is seen must be caught.
  UniqueFd sig = termination_signals();
  std::expected<Server, std::string> server = std::unexpected("signalfd: " + errno_text(errno));
  if (sig) server = Server::bind(targets, std::move(reply));
  if (!server) {
    Json j = result("serve", "error");
    j["error"] = server.error();
    emit(j);
    return kExitBind;
  }
  Json j = result("serve", "ok");
  j["listen"] = server->urls();
  emit(j);
  server->run(sig.get());
  return kExitOk;
}

}  // namespace

extern const ActionSpec kServeAction{
    .name = "serve",
    .synopsis = "serve tcp|udp://HOST:PORT [URL...] [--reply TEXT]",
    .options = kOptions,
    .min_args = 1,
    .max_args = kUnlimited,
    .run = run,
};

}  // namespace nc::probe
