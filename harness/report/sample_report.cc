#include "harness/report/sample_report.h"

namespace nc::report {
namespace {

StepRecord connect_step(int index, bool ok) {
  StepRecord s;
  s.index = index;
  s.description = "web connect tcp://172.18.0.3:8080";
  s.from = "web";
  s.action = "connect";
  s.observed = ok ? nlohmann::json{{"result", "ok"}, {"ms", 0.4}} : nlohmann::json{{"result", "timeout"}};
  s.expected = "ok";
  s.ok = ok;
  s.message = ok ? "" : "expected ok, got timeout";
  s.duration_ms = ok ? 0.4 : 2000;
  return s;
}

CheckResult result(std::string id, std::string runtime, Status status, std::string reason) {
  CheckResult r;
  r.id = std::move(id);
  r.title = "Containers on one bridge reach each other";
  r.suite = "conformance";
  r.runtime = std::move(runtime);
  r.status = status;
  r.reason = std::move(reason);
  r.duration_ms = 41;
  return r;
}

}  // namespace

RunReport sample_report() {
  RunReport rep;
  rep.runtime = {"netimpl", "0.1"};
  rep.runtimes = {{"netimpl", "0.1"}, {"docker", "20.10.24"}};
  rep.kernel.release = "6.18.0-test";
  rep.kernel.features = {{"veth", true, ""}, {"ipvlan", false, "kernel lacks CONFIG_IPVLAN"}};
  rep.started_at = "2025-03-01T12:00:00.000Z";
  rep.duration_ms = 2345;

  auto pass = result("BR-001", "netimpl", Status::kPass, "");
  pass.steps = {connect_step(1, true)};
  auto fail = result("BR-002", "docker", Status::kFail, "step 1: expected <ok> & got \"timeout\" 'x'\x01\x1b[31m");
  fail.steps = {connect_step(1, false)};
  auto skip = result("DRV-004", "netimpl", Status::kSkip, "kernel lacks ipvlan (kernel lacks CONFIG_IPVLAN)");
  auto xfail = result("PORT-007", "docker", Status::kXfail, "20.10 predates the direct-access drop");
  xfail.steps = {connect_step(1, false)};
  auto xpass = result("DNS-009", "docker", Status::kXpass, "expected fail: aardvark TTL");
  xpass.steps = {connect_step(1, true)};
  auto scn = result("SCN-DNS-001", "netimpl", Status::kPass, "");
  scn.suite = "scenarios";
  scn.title = "Résolution fails when upstream drops — ünïcode";
  scn.story = "The upstream resolver dropped every query at 03:00.\nRequests timed out.";
  rep.results = {pass, fail, skip, xfail, xpass, scn};
  return rep;
}

}  // namespace nc::report
