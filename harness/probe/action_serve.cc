// `serve URL [URL...] [--reply TEXT | --reply-size N]`
#include "harness/probe/action.h"
#include "harness/probe/serve.h"
#include "harness/probe/signals.h"

namespace nc::probe {
namespace {

constexpr OptionSpec kOptions[] = {{"--reply"}, {"--reply-size"}};

int run(const Invocation& inv) {
  std::vector<Target> targets;
  for (const std::string& a : inv.args) {
    auto t = parse_target(a);
    if (!t) return usage_error(inv.spec, "serve", t.error());
    targets.push_back(*t);
  }
  std::optional<std::string> reply;
  if (auto r = inv.option("--reply")) reply = std::string(*r);
  // A large answer (MTU checks): N bytes of 'x' as the reply, so the answer spans many
  // full-size segments while the handshake and a small exchange stay small.
  auto size = int_option(inv, "--reply-size", 0, 0, 60'000);
  if (!size) return usage_error(inv.spec, "serve", size.error());
  if (*size > 0) reply = std::string(static_cast<size_t>(*size), 'x');
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
    .synopsis = "serve tcp|udp://HOST:PORT [URL...] [--reply TEXT | --reply-size N (0-60000)]",
    .options = kOptions,
    .min_args = 1,
    .max_args = kUnlimited,
    .run = run,
};

}  // namespace nc::probe
