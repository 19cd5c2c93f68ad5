// `idle`: a container's main process when it serves nothing.
#include "harness/probe/action.h"
#include "harness/probe/output.h"
#include "harness/probe/signals.h"

namespace nc::probe {
namespace {

int run(const Invocation&) {
  UniqueFd sig = termination_signals();
  if (!sig) {
    Json j = result("idle", "error");
    j["error"] = "signalfd: " + errno_text(errno);
    emit(j);
    return kExitOk;
  }
  emit(result("idle", "ok"));
  wait_for_termination(sig.get());
  return kExitOk;
}

}  // namespace

extern const ActionSpec kIdleAction{
    .name = "idle",
    .synopsis = "idle",
    .run = run,
};

}  // namespace nc::probe
