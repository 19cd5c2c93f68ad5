#include "harness/engine/places.h"

#include <fmt/ranges.h>

namespace nc::engine {

using checks::Place;
using nlohmann::json;

namespace {

const Namespaces* lab_ns(EngineEnv& env, const Place& p) {
  return p.kind == Place::Kind::kHost ? env.lab.host : p.kind == Place::Kind::kExternal ? env.lab.external : nullptr;
}

// The probe prints one JSON object on its last line.
Result<json> parse_probe_output(const std::string& out, const std::string& err, int exit_code) {
  std::string_view rest(out);
  while (rest.ends_with('\n') || rest.ends_with(' ')) rest.remove_suffix(1);
  auto nl = rest.rfind('\n');
  std::string line(nl == std::string_view::npos ? rest : rest.substr(nl + 1));
  auto j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return failf("probe printed no result (exit {}): {}{}", exit_code, line, err.empty() ? "" : " / " + err);
  if (exit_code == 2) return failf("probe usage error: {}", j.value("error", err));
  return j;
}

}  // namespace

Result<json> run_probe(EngineEnv& env, const Place& place, const std::vector<std::string>& args,
                       std::chrono::milliseconds timeout) {
  // The probe bounds its own action; the extra second covers its start and exit.
  auto limit = timeout + std::chrono::milliseconds(1000);
  auto ctx = [&] { return fmt::format("probe {} at {}", fmt::join(args, " "), place.str()); };
  if (place.kind == Place::Kind::kContainer) {
    auto r = NC_TRY_CTX(env.runtime->exec_probe(place.container, args, limit), "{}", ctx());
    return with_context(parse_probe_output(r.out, r.err, r.exit_code), ctx());
  }
  LaunchSpec spec;
  spec.argv.push_back(env.probe_path);
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.ns = lab_ns(env, place);
  auto r = NC_TRY_CTX(run(spec, limit), "{}", ctx());
  if (r.timed_out) return failf("{}: did not finish within {} ms", ctx(), limit.count());
  return with_context(parse_probe_output(r.out, r.err, r.exit_code), ctx());
}

Result<Process> start_service(EngineEnv& env, const checks::Service& svc) {
  auto ctx = fmt::format("start service at {} ({})", svc.at.str(), fmt::join(svc.command, " "));
  LaunchSpec spec;
  spec.argv.push_back(env.probe_path);
  spec.argv.insert(spec.argv.end(), svc.command.begin(), svc.command.end());
  spec.ns = lab_ns(env, svc.at);
  auto proc = NC_TRY_CTX(Process::spawn(spec), "{}", ctx);
  auto line = NC_TRY_CTX(proc.read_line(std::chrono::seconds(5)), "{}", ctx);
  auto j = json::parse(line, nullptr, false);
  if (j.is_discarded() || j.value("outcome", "") != "ok") return failf("{}: probe reported: {}", ctx, line);
  return proc;
}

}  // namespace nc::engine
