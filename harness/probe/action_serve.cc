// `serve URL [URL...] [--reply TEXT | --reply-size N] [--after-ms N]`
#include <poll.h>

#include "harness/probe/action.h"
#include "harness/probe/serve.h"
#include "harness/probe/signals.h"

namespace nc::probe {
namespace {

constexpr OptionSpec kOptions[] = {{"--reply"}, {"--reply-size"}, {"--after-ms"}};

// A service that starts late: the process runs (its readiness line says so, with "after_ms"
// and nothing in "listen"), and binds only after `ms`. False: a termination signal came first.
bool wait_before_binding(int sig_fd, int ms) {
  pollfd p{.fd = sig_fd, .events = POLLIN, .revents = 0};
  for (;;) {
    int n = ::poll(&p, 1, ms);
    if (n == 0) return true;
    if (n > 0) return false;
    if (errno != EINTR) return true;
  }
}

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
  auto after = int_option(inv, "--after-ms", 0, 0, 600'000);
  if (!after) return usage_error(inv.spec, "serve", after.error());
  // Before binding: a SIGTERM sent as soon as the readiness line is seen must be caught.
  UniqueFd sig = termination_signals();
  if (sig && *after > 0) {
    Json started = result("serve", "ok");
    started["listen"] = Json::array();
    started["after_ms"] = *after;
    emit(started);
    if (!wait_before_binding(sig.get(), *after)) return kExitOk;
  }
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
    .synopsis = "serve tcp|udp://HOST:PORT [URL...] [--reply TEXT | --reply-size N (0-60000)] [--after-ms N: listen only after N ms]",
    .options = kOptions,
    .min_args = 1,
    .max_args = kUnlimited,
    .run = run,
};

}  // namespace nc::probe
