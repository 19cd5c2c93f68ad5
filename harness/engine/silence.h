// How long a step that expects silence waits before the silence is believed.
//
// A step whose `expect` admits `timeout` (traffic dropped) used to wait its whole
// `timeout_ms` (1000 ms in the catalogue) whenever it passed: most of a check's time. A
// shorter wait alone would lose meaning — an answer that comes late would read as a drop —
// so a short wait is accepted only with a proof that an answer would have come within it:
//
//   1. the step runs with the short wait W (SilenceWaits::wait);
//   2. if it answered (ok, refused, unreachable, ...), that is its observation: no proof
//      needed — except a connection that was made and stayed silent for W ("ok", silent): a
//      longer wait could still have seen its reply, its close or its reset, so the step runs
//      again with its declared timeout;
//   3. if it was silent, a control runs: the same action to the same address and port, with
//      the same bound W, from the lab's host and then from its external namespace (never
//      from the step's own place). A control "answers" when the destination itself
//      answered — connected (the SYN was answered: `connect_ms`), refused (its kernel sent
//      a RST or port unreachable), or echoed a ping. The silence is accepted as a drop only
//      when a control answered within W / margin: the destination answers in a fraction of
//      W, so W of silence on the step's path means the path dropped it. In a lab the paths
//      differ only by forwarding, NAT and filtering inside the kernel (no queues, no links
//      with delay), which add microseconds, not the factor `margin`.
//      A TCP connect has one more control, for a drop at the destination that every source
//      meets (a rule in its namespace): a ping of the same address from the step's own
//      place. The handshake is the destination kernel's, answered in microseconds whatever
//      the service does, so a path that echoes within W / margin and leaves the SYN silent
//      for W filters it. Not for UDP, whose answer is the service's and may be slow.
//   4. otherwise (no control place reaches the destination, or the machine is so loaded
//      that the control itself took more than W / margin) the step runs again with its
//      declared timeout, exactly as before: the old wait, the old meaning.
//
// The checklist of a diagnose step (netconform diagnose's walk) bounds its own pings and
// connects the same way, each with the step's timeout as the declared one.
//
// Bounded are: connect without `expect_bytes` (a bulk transfer's answer depends on
// retransmission timers, not on one round trip) and ping, to an address that is not
// loopback (a control elsewhere would reach another machine's loopback). Everything else —
// resolve (retries, several servers), and every step that does not admit `timeout` — waits
// as declared. The observation of a bounded step carries "silence": {waited_ms, control:
// {from, outcome, answer_ms}} so the report shows the proof.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/checks/check.h"
#include "harness/engine/engine.h"

namespace nc::engine {

// The probe's arguments for the step with the given time limit.
using ProbeArgsFor = std::function<Result<std::vector<std::string>>(std::chrono::milliseconds)>;

// A probe action whose silence may be bounded: where it runs, what it is (connect or ping)
// and the time it was declared to wait.
struct ProbeCall {
  checks::Place from;
  checks::ActionKind kind = checks::ActionKind::kConnect;
  std::chrono::milliseconds timeout{0};
};

// True when `s` expects silence and may wait shorter under `policy` (see above).
// `args`: the step's expanded probe arguments (connect URL or ping address at [1]).
bool silence_may_be_bounded(const checks::Step& s, const std::vector<std::string>& args, const SilenceWaits& policy);
// The same for a call whose expectation admits silence (a checklist's ping or connect).
bool silence_may_be_bounded(const ProbeCall& call, const std::vector<std::string>& args, const SilenceWaits& policy);

// Runs the step as described above and returns its observation.
Result<nlohmann::json> observe_bounded_silence(EngineEnv& env, const checks::Step& s, const ProbeArgsFor& args_for);
Result<nlohmann::json> observe_bounded_silence(EngineEnv& env, const ProbeCall& call, const ProbeArgsFor& args_for);

// `args` (a probe's, with "--timeout-ms N") with N replaced by `limit`; an error when the
// option is absent. For calls built elsewhere (the checklist's).
Result<std::vector<std::string>> with_timeout(std::vector<std::string> args, std::chrono::milliseconds limit);

// " (silent for 200 ms; host answered the same address in 0.1 ms)", or what was waited
// instead when no control answered fast enough: the proof in words, for the report.
std::string describe_silence(const nlohmann::json& silence);

// How fast a control's destination answered, in ms; nullopt when it did not (the
// observation of a connect or ping). Exposed for tests.
std::optional<double> destination_answer_ms(const nlohmann::json& observed);

}  // namespace nc::engine
