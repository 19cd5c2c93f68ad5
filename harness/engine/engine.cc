#include "harness/engine/engine.h"

#include <chrono>
#include <map>
#include <thread>

#include <fmt/ranges.h>

#include "harness/engine/cni_step.h"
#include "harness/engine/diagnose.h"
#include "harness/engine/dns_steps.h"
#include "harness/engine/incident_firewall.h"
#include "harness/engine/lab_steps.h"
#include "harness/engine/matcher.h"
#include "harness/engine/places.h"
#include "harness/engine/repeat_tally.h"
#include "harness/engine/silence.h"
#include "harness/engine/variables.h"
#include "harness/diagnose/checklist.h"
#include "harness/diagnose/runtime_observer.h"
#include "harness/lab/topology.h"

namespace nc::engine {

using checks::ActionKind;
using checks::Step;

using nlohmann::json;

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// One execution of one check: the runtime's view of containers and networks is cached for
// variable lookups and dropped after every runtime action.
class CheckRunner {
 public:
  CheckRunner(const checks::Check& check, EngineEnv& env) : check_(check), env_(env) {
    has_fix_ = std::ranges::any_of(check.steps, [](const Step& s) { return s.kind() == ActionKind::kFix; });
  }

  CheckRun go() {
    if (auto s = setup(); !s) fail_with(fmt::format("setup: {}", s.error().message()));
    else
      for (size_t i = 0; i < check_.steps.size(); ++i) record(run_step(check_.steps[i], static_cast<int>(i + 1)));
    services_.clear();
    incidents_.clear();  // their sockets hold the containers' namespaces: drop them first
    if (!env_.reset_after) return std::move(result_);
    if (auto r = env_.runtime->reset(); !r) fail_with(fmt::format("teardown: {}", r.error().message()));
    return std::move(result_);
  }

 private:
  void fail_with(std::string reason) {
    if (result_.status == report::Status::kPass) result_.reason = std::move(reason);
    result_.status = report::Status::kFail;
  }

  void record(report::StepRecord rec) {
    if (!rec.ok) fail_with(fmt::format("step {} ({}): {}", rec.index, rec.description, rec.message));
    if (env_.on_step) env_.on_step(rec);
    result_.steps.push_back(std::move(rec));
  }

  Result<void> setup() {
    upstream_ = NC_TRY(start_lab_dns(check_, env_));
    for (auto& n : check_.networks) NC_TRY_VOID(env_.runtime->create_network(n));
    for (auto& c : check_.containers) NC_TRY_VOID(env_.runtime->create_container(c));
    for (auto& s : check_.services) services_.push_back(NC_TRY(start_service(env_, s)));
    return {};
  }

  Result<std::string> expand(const checks::Template& t) { return vars_.expand(t); }

  // The probe's arguments for a probe action, with variables expanded.
  Result<std::vector<std::string>> probe_args(const Step& s, std::chrono::milliseconds limit) {
    auto timeout = std::to_string(limit.count());
    switch (s.kind()) {
      case ActionKind::kConnect: {
        std::vector<std::string> args{"connect", NC_TRY(expand(s.get<checks::Connect>()->url)), "--timeout-ms", timeout};
        if (s.expect_bytes > 0) args.insert(args.end(), {"--expect-bytes", std::to_string(s.expect_bytes)});
        if (s.source_port > 0) args.insert(args.end(), {"--source-port", std::to_string(s.source_port)});
        return args;
      }
      case ActionKind::kPing: return std::vector<std::string>{"ping", NC_TRY(expand(s.get<checks::Ping>()->address)), "--timeout-ms", timeout};
      case ActionKind::kRead: return std::vector<std::string>{"read", NC_TRY(expand(s.get<checks::Read>()->path))};
      case ActionKind::kListeners: return std::vector<std::string>{"listeners"};
      case ActionKind::kInterfaces: return std::vector<std::string>{"interfaces"};
      case ActionKind::kResolve:
        return resolve_args(*s.get<checks::Resolve>(), [this](const checks::Template& t) { return expand(t); }, timeout);
      case ActionKind::kDiagnose: return std::vector<std::string>{"listeners"};
      default: return fail("not a probe action");
    }
  }

  // Runs a runtime action; the observation is {"ok": bool, "error": text}.
  json runtime_action(const Step& s, std::string& description) {
    auto* rt = env_.runtime;
    Result<void> r;
    if (auto* a = s.get<checks::NetworkCreate>()) {
      description = fmt::format("create network {}", a->spec.name);
      if (auto n = rt->create_network(a->spec); !n) r = std::unexpected(n.error());
    } else if (auto* a = s.get<checks::NetworkRemove>()) {
      description = fmt::format("remove network {}", a->network);
      r = rt->remove_network(a->network);
    } else if (auto* a = s.get<checks::ContainerCreate>()) {
      description = fmt::format("create container {}", a->spec.name);
      if (auto c = rt->create_container(a->spec); !c) r = std::unexpected(c.error());
    } else if (auto* a = s.get<checks::ContainerRemove>()) {
      description = fmt::format("remove container {}", a->container);
      r = rt->remove_container(a->container);
    } else if (auto* a = s.get<checks::NetworkConnect>()) {
      description = fmt::format("connect {} to network {}", a->container, a->attachment.network);
      r = rt->connect(a->container, a->attachment);
    } else if (auto* a = s.get<checks::NetworkDisconnect>()) {
      description = fmt::format("disconnect {} from network {}", a->container, a->network);
      r = rt->disconnect(a->container, a->network);
    } else if (checks::is_lifecycle(s.kind())) {
      auto [op, name] = lifecycle_of(s);
      description = fmt::format("{} container {}", api::lifecycle_name(op), name);
      r = rt->lifecycle(name, op);
      if (r) note_lifecycle(name, op);
    }
    if (auto* a = s.get<checks::ContainerRemove>(); a && r) not_running_.erase(a->container);
    vars_.forget_runtime_view();
    return r ? json{{"ok", true}} : json{{"ok", false}, {"error", r.error().message()}};
  }

  // What the check's own steps did to a container's process: the checklist's "is it
  // running" in a lab (the runtime API has no run state; the steps are what stopped it).
  void note_lifecycle(const std::string& name, api::Lifecycle op) {
    if (op == api::Lifecycle::kKill) not_running_[name] = "killed (SIGKILL) by the check";
    else if (op == api::Lifecycle::kStop) not_running_[name] = "stopped by the check";
    else not_running_.erase(name);
  }

  static std::pair<api::Lifecycle, std::string> lifecycle_of(const Step& s) {
    if (auto* a = s.get<checks::Stop>()) return {api::Lifecycle::kStop, a->container};
    if (auto* a = s.get<checks::Start>()) return {api::Lifecycle::kStart, a->container};
    if (auto* a = s.get<checks::Restart>()) return {api::Lifecycle::kRestart, a->container};
    return {api::Lifecycle::kKill, s.get<checks::Kill>()->container};
  }

  report::StepRecord run_step(const Step& s, int index) {
    report::StepRecord rec;
    rec.index = index;
    rec.from = s.from.str();
    rec.action = std::string(checks::action_name(s.kind()));
    rec.story_line = s.name;
    if (has_fix_) rec.act = s.act == checks::Act::kFix ? "fix" : "symptom";
    if (s.kind() == ActionKind::kDnsFault) return dns_fault_step(s, upstream_, std::move(rec));
    if (s.kind() == ActionKind::kHostResolv) return host_resolv_step(s, env_, std::move(rec));
    if (auto* fw = s.get<checks::FirewallRule>()) return lab_step(incidents_.apply(*fw, *env_.runtime), std::move(rec));
    if (auto* cf = s.get<checks::ConntrackFlush>()) return lab_step(flush_lab_conntrack(env_.lab, *cf), std::move(rec));
    if (auto* ll = s.get<checks::LabLink>()) return lab_step(set_lab_uplink(env_.lab, *ll), std::move(rec));
    if (auto* note = s.get<checks::Note>()) {
      rec.description = expand(note->text).value_or(note->text);
      rec.ok = true;
      return rec;
    }
    if (auto* fix = s.get<checks::Fix>()) {
      rec.description = "FIX: " + expand(fix->text).value_or(fix->text);
      rec.ok = true;
      return rec;
    }
    auto out = s.eventually ? run_eventually(s, std::move(rec)) : s.repeat ? run_repeated(s, std::move(rec)) : run_once(s, std::move(rec));
    if (!s.keep.empty() && out.observed.is_object()) keep(s.keep, out);
    return out;
  }

  // `keep`: the first address the step's lookup answered (connect by name: "resolved").
  void keep(const std::string& name, report::StepRecord& rec) {
    const json& o = rec.observed;
    const json* answers = o.contains("resolved") ? &o["resolved"]["answers"] : o.contains("answers") ? &o["answers"] : nullptr;
    if (answers && answers->is_array() && !answers->empty() && answers->front().is_string()) {
      auto value = answers->front().get<std::string>();
      rec.description += fmt::format(" (kept {} as ${{kept.{}}})", value, name);
      vars_.keep(name, std::move(value));
    } else if (rec.ok) {
      rec.ok = false;
      rec.message = fmt::format("keep {}: the step's lookup gave no address to keep", name);
    }
  }

  // `lab_link`, `conntrack_flush` (lab_steps.h) and `firewall` (incident_firewall.h).
  report::StepRecord lab_step(Result<json> observed, report::StepRecord rec) {
    rec.description = checks::describe(check_.steps[rec.index - 1]);
    if (!observed) return failed(std::move(rec), observed.error().message());
    if (observed->contains("deleted")) rec.description += fmt::format(" ({} deleted)", (*observed)["deleted"].get<int>());
    rec.observed = std::move(*observed);
    rec.ok = true;
    return rec;
  }

  // `eventually`: runs the step until its expectation holds or the deadline passes; the
  // record is the last attempt's, with the attempts' outcomes in "attempts".
  report::StepRecord run_eventually(const Step& s, report::StepRecord base) {
    auto t0 = std::chrono::steady_clock::now();
    auto deadline = t0 + s.eventually->within;
    json tries = json::array();
    for (int n = 1;; ++n) {
      auto rec = run_once(s, base, t0);
      tries.push_back(rec.observed.is_object() ? rec.observed.value("outcome", std::string("error")) : std::string("error"));
      bool last = rec.ok || std::chrono::steady_clock::now() + s.eventually->every >= deadline;
      if (last) {
        rec.attempts = n;
        rec.duration_ms = ms_since(t0);
        if (!rec.observed.is_object()) rec.observed = json::object();
        rec.observed["attempts"] = tries;
        rec.description += fmt::format(" (eventually: {} attempt{} in {:.0f} ms)", n, n == 1 ? "" : "s", rec.duration_ms);
        if (!rec.ok) rec.message = fmt::format("still failing after {} attempts within {} ms: {}", n, s.eventually->within.count(), rec.message);
        return rec;
      }
      std::this_thread::sleep_for(s.eventually->every);
    }
  }

  // `repeat`: runs the step `times` times; each run must meet `expect`, and together they
  // must have seen every address of `seen` and `min_orders` distinct answer orders.
  report::StepRecord run_repeated(const Step& s, report::StepRecord base) {
    auto t0 = std::chrono::steady_clock::now();
    RepeatTally tally;
    report::StepRecord rec;
    for (int n = 1; n <= s.repeat->times; ++n) {
      rec = run_once(s, base);
      tally.add(n, rec, s.kind() == ActionKind::kConnect);
    }
    rec.attempts = s.repeat->times;
    rec.duration_ms = ms_since(t0);
    std::vector<std::string> seen;
    for (auto& t : s.repeat->seen) {
      auto want = expand(t);
      if (!want) return failed(std::move(rec), want.error().message());
      seen.push_back(std::move(*want));
    }
    tally.judge(rec, *s.repeat, seen);
    return rec;
  }

  // `since`: eventually's first attempt; `within_ms` and `slower_than_ms` then bound the
  // whole wait, not this attempt.
  report::StepRecord run_once(const Step& s, report::StepRecord rec,
                              std::optional<std::chrono::steady_clock::time_point> since = std::nullopt) {
    auto t0 = std::chrono::steady_clock::now();
    json observed;
    if (s.kind() == ActionKind::kDnsLog) {
      observed = dns_log_step(s, upstream_, rec.description);
    } else if (auto* a = s.get<checks::CniCall>()) {
      observed = cni_step(*a, *env_.runtime, rec.description);
      vars_.forget_runtime_view();  // an ADD or DEL changes what inspect reports
    } else if (checks::is_runtime(s.kind())) {
      observed = runtime_action(s, rec.description);
    } else if (auto* d = s.get<checks::Diagnose>(); d && !d->target.empty()) {
      observed = checklist_step(*d, s, rec.description);
    } else {
      auto args = probe_args(s, s.timeout);
      if (!args) return failed(std::move(rec), args.error().message());
      rec.description = fmt::format("{}: {}", rec.from, fmt::join(*args, " "));
      auto obs = silence_may_be_bounded(s, *args, env_.silence)
                     ? observe_bounded_silence(env_, s, [&](std::chrono::milliseconds l) { return probe_args(s, l); })
                     : run_probe(env_, s.from, *args, s.timeout);
      if (!obs) return failed(std::move(rec), obs.error().message());
      observed = std::move(*obs);
      if (observed.contains("silence")) rec.description += describe_silence(observed["silence"]);
      if (auto* d = s.get<checks::Diagnose>()) rec.description += " → " + diagnose_step(*d, s.from, observed);
    }
    rec.duration_ms = observed.contains("duration_ms") ? observed["duration_ms"].get<double>() : ms_since(t0);
    auto want = vars_.resolve(s.expect);
    if (!want) return failed(std::move(rec), want.error().message());
    auto v = match(s.kind(), *want, observed, since ? ms_since(*since) : rec.duration_ms);
    rec.observed = std::move(observed);
    rec.expected = v.expected;
    rec.ok = v.ok;
    rec.message = v.message;
    if (!s.name.empty()) rec.description = fmt::format("{} — {}", s.name, rec.description);
    return rec;
  }

  // Adds the diagnosis to a listeners observation (as "diagnosis" and as "content", which
  // `contains` checks) and returns it.
  std::string diagnose_step(const checks::Diagnose& d, const checks::Place& at, json& observed) {
    const api::ContainerInfo* c = vars_.container(at.container);
    std::optional<IpAddr> arrives;
    if (c && !c->endpoints.empty()) arrives = c->endpoints.front().ip;
    std::string text = diagnose_listeners(observed, d.port, arrives);
    observed["diagnosis"] = text;
    observed["content"] = text;
    return text;
  }

  // netconform diagnose's checklist from the step's place to its target, observed through
  // the runtime and the probe as every other step is. The observation is the diagnosis
  // (diagnose::Diagnosis::to_json) with outcome ok, and its one-line summary as `content`.
  // Its pings and connects wait as a step's do (silence.h): a drop is believed after the
  // short wait when a control proves it, and the proofs go into the description.
  json checklist_step(const checks::Diagnose& d, const Step& s, std::string& description) {
    diagnose::ObserverAccess access;
    access.runtime = env_.runtime;
    std::string proofs;
    access.probe = [&](const std::string& place, const std::vector<std::string>& args) -> Result<json> {
      checks::Place p;
      p.kind = place == "host" ? checks::Place::Kind::kHost : place == "external" ? checks::Place::Kind::kExternal : checks::Place::Kind::kContainer;
      if (p.kind == checks::Place::Kind::kContainer) p.container = place;
      auto kind = args.empty() ? ActionKind::kNote : args[0] == "ping" ? ActionKind::kPing : args[0] == "connect" ? ActionKind::kConnect : ActionKind::kNote;
      ProbeCall call{.from = p, .kind = kind, .timeout = s.timeout};
      if (!silence_may_be_bounded(call, args, env_.silence)) return run_probe(env_, p, args, s.timeout);
      auto j = NC_TRY(observe_bounded_silence(env_, call, [&](std::chrono::milliseconds l) { return with_timeout(args, l); }));
      if (j.contains("silence")) proofs += fmt::format("; {} {}{}", args[0], args[1], describe_silence(j["silence"]));
      return j;
    };
    access.run_state = [this](const std::string& c) -> Result<diagnose::RunState> {
      auto it = not_running_.find(c);
      if (it == not_running_.end()) return diagnose::RunState{.running = true, .status = "running"};
      return diagnose::RunState{.running = false, .status = it->second};
    };
    if (auto ip = IpAddr::parse(env_.lab.host_ip)) access.host_addresses = {{"host", *ip}, {"external", *ip}};
    access.probe_timeout_ms = static_cast<int>(s.timeout.count());  // each probe of the walk; run_probe adds its margin
    diagnose::RuntimeObserver obs(std::move(access));
    diagnose::Request req{s.from.str(), s.from.kind == checks::Place::Kind::kContainer, d.target, d.target_port};
    auto diag = diagnose::run_checklist(obs, req);
    std::string target = d.target_port ? fmt::format("{}:{}", d.target, *d.target_port) : d.target;
    description = fmt::format("{}: diagnose {} → {}{}", s.from.str(), target, diag.summary(), proofs);
    json j = diag.to_json();
    j["outcome"] = "ok";
    j["content"] = diag.summary();
    vars_.forget_runtime_view();
    return j;
  }

  report::StepRecord failed(report::StepRecord rec, std::string why) {
    if (rec.description.empty()) rec.description = checks::describe(check_.steps[rec.index - 1]);
    rec.ok = false;
    rec.message = std::move(why);
    return rec;
  }

  const checks::Check& check_;
  EngineEnv& env_;
  bool has_fix_ = false;  // the check has a fix: act; records say which act a step is in
  CheckRun result_;
  LabDns upstream_;  // the lab's upstream DNS (and the host's stub), when the check requires dns
  std::vector<Process> services_;
  IncidentFirewalls incidents_;  // the firewall: steps' rules, by container
  std::map<std::string, std::string> not_running_;  // container → how a step stopped it (note_lifecycle)
  Variables vars_{*env_.runtime, env_.lab};
};

}  // namespace

LabPlaces LabPlaces::of(const lab::LabHost& lab) {
  LabPlaces out{.host = &lab.host(), .external = &lab.external(), .host_ip = std::string(lab::kHostIp),
                .external_ip = std::string(lab::kExternalIp)};
  if (lab.ipv6()) {
    out.host_ip6 = lab::kHostIp6;
    out.external_ip6 = lab::kExternalIp6;
  }
  return out;
}

CheckRun run_check(const checks::Check& check, EngineEnv& env) { return CheckRunner(check, env).go(); }

}  // namespace nc::engine
