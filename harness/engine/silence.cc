#include "harness/engine/silence.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/engine/matcher.h"
#include "harness/engine/places.h"
#include "netimpl/base/ip.h"

namespace nc::engine {

using checks::ActionKind;
using checks::Place;
using nlohmann::json;

namespace {

// The address a connect URL ("tcp://172.18.0.2:80", "udp://[fd00::2]:53") or ping targets.
std::string target_address(ActionKind kind, const std::string& arg) {
  if (kind == ActionKind::kPing) return arg;
  auto scheme = arg.find("://");
  return host_part(scheme == std::string::npos ? arg : arg.substr(scheme + 3));
}

bool admits_timeout(const checks::Expect& e) {
  return std::ranges::find(e.outcomes, checks::Outcome::kTimeout) != e.outcomes.end();
}

struct Control {
  Place from;
  json observed;
  std::optional<double> answer_ms;
  bool ping = false;  // the step's own place pinged the address (a TCP connect's last control)
};

// The first control that answers within the bound; or the last one tried, for the report.
// First the same action from the lab's host, then from its external namespace (never from
// the step's own place: that would be the step again). Those prove the destination's
// service answers fast, but not when the drop is at the destination for every source (a
// rule in its namespace) — so a TCP connect's silence also counts as a drop when the step's
// own place gets an echo from the same address within the bound. The handshake is the
// destination kernel's (a SYN is answered with SYN-ACK or RST in microseconds, whatever
// the service does), so a path that echoes a ping that fast and leaves a SYN unanswered for
// W filters the SYN. Not so for UDP: its answer is the service's own, which may be slow.
Result<Control> run_controls(EngineEnv& env, const ProbeCall& s, const std::vector<std::string>& args) {
  const auto bound = static_cast<double>(env.silence.wait.count()) / std::max(1, env.silence.margin);
  Control last;
  for (auto kind : {Place::Kind::kHost, Place::Kind::kExternal}) {
    if (s.from.kind == kind) continue;
    Control c{.from = Place{.kind = kind, .container = ""}, .observed = {}, .answer_ms = std::nullopt};
    c.observed = NC_TRY(run_probe(env, c.from, args, env.silence.wait));
    c.answer_ms = destination_answer_ms(c.observed);
    if (c.answer_ms && *c.answer_ms <= bound) return c;
    last = std::move(c);
  }
  if (s.kind == ActionKind::kConnect && args[1].starts_with("tcp://")) {
    std::vector<std::string> ping{"ping", target_address(ActionKind::kConnect, args[1]), "--timeout-ms",
                                  std::to_string(env.silence.wait.count())};
    Control c{.from = s.from, .observed = NC_TRY(run_probe(env, s.from, ping, env.silence.wait)), .answer_ms = std::nullopt,
              .ping = true};
    c.answer_ms = destination_answer_ms(c.observed);
    return c;
  }
  return last;
}

}  // namespace

std::optional<double> destination_answer_ms(const json& o) {
  auto outcome = o.value("outcome", "");
  if (o.contains("connect_ms") && o["connect_ms"].is_number()) return o["connect_ms"].get<double>();
  if ((outcome == "ok" || outcome == "refused") && o.contains("duration_ms") && o["duration_ms"].is_number())
    return o["duration_ms"].get<double>();
  return std::nullopt;
}

std::string describe_silence(const json& silence) {
  const json& c = silence.value("control", json::object());
  auto from = c.value("from", std::string("?"));
  auto waited = silence.value("waited_ms", 0);
  bool ping = c.value("action", "") == "ping";
  if (silence.value("unproven", false))
    return ping ? fmt::format(" (silent for {} ms, but the same address did not answer a ping from {} fast enough ({}): "
                              "waited as declared)", waited, from, c.value("outcome", std::string("?")))
                : fmt::format(" (silent for {} ms, but {} did not answer the same address fast enough ({}): waited as declared)",
                              waited, from, c.value("outcome", std::string("?")));
  if (ping)
    return fmt::format(" (silent for {} ms; the same address answered a ping from {} in {:.1f} ms)", waited, from,
                       c.value("answer_ms", 0.0));
  return fmt::format(" (silent for {} ms; {} answered the same address in {:.1f} ms)", waited, from,
                     c.value("answer_ms", 0.0));
}

bool silence_may_be_bounded(const checks::Step& s, const std::vector<std::string>& args, const SilenceWaits& policy) {
  if (!admits_timeout(s.expect)) return false;
  if (s.kind() == ActionKind::kConnect && (s.expect_bytes > 0 || s.source_port > 0)) return false;  // a control would join the flow
  return silence_may_be_bounded(ProbeCall{.from = s.from, .kind = s.kind(), .timeout = s.timeout}, args, policy);
}

bool silence_may_be_bounded(const ProbeCall& call, const std::vector<std::string>& args, const SilenceWaits& policy) {
  if (!policy.bounded || call.timeout <= policy.wait || args.size() < 2) return false;
  if (call.kind != ActionKind::kConnect && call.kind != ActionKind::kPing) return false;
  auto addr = IpAddr::parse(target_address(call.kind, args[1]));
  return addr && !addr->is_loopback();
}

Result<json> observe_bounded_silence(EngineEnv& env, const checks::Step& s, const ProbeArgsFor& args_for) {
  return observe_bounded_silence(env, ProbeCall{.from = s.from, .kind = s.kind(), .timeout = s.timeout}, args_for);
}

Result<std::vector<std::string>> with_timeout(std::vector<std::string> args, std::chrono::milliseconds limit) {
  auto it = std::ranges::find(args, "--timeout-ms");
  if (it == args.end() || std::next(it) == args.end()) return failf("{}: no --timeout-ms to bound", fmt::join(args, " "));
  *std::next(it) = std::to_string(limit.count());
  return args;
}

Result<json> observe_bounded_silence(EngineEnv& env, const ProbeCall& s, const ProbeArgsFor& args_for) {
  auto short_args = NC_TRY(args_for(env.silence.wait));
  auto observed = NC_TRY(run_probe(env, s.from, short_args, env.silence.wait));
  auto outcome = observed.value("outcome", "");
  if (outcome == "ok" && observed.value("silent", false))  // connected, no reply yet: not an answer
    return run_probe(env, s.from, NC_TRY(args_for(s.timeout)), s.timeout);
  if (outcome != "timeout") return observed;  // an answer needs no proof
  auto control = NC_TRY(run_controls(env, s, short_args));
  json proof{{"waited_ms", env.silence.wait.count()},
             {"control", {{"from", control.from.str()}, {"outcome", control.observed.value("outcome", "")}}}};
  if (control.ping) proof["control"]["action"] = "ping";
  if (control.answer_ms) proof["control"]["answer_ms"] = *control.answer_ms;
  if (control.answer_ms && *control.answer_ms * std::max(1, env.silence.margin) <= static_cast<double>(env.silence.wait.count())) {
    observed["silence"] = std::move(proof);
    return observed;
  }
  // No proof: wait as declared, as if no shorter wait had been tried.
  auto full = NC_TRY(run_probe(env, s.from, NC_TRY(args_for(s.timeout)), s.timeout));
  proof["unproven"] = true;
  full["silence"] = std::move(proof);
  return full;
}

}  // namespace nc::engine
