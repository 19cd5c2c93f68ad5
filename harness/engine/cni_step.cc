#include "harness/engine/cni_step.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "netimpl/api/cni.h"

namespace nc::engine {

using nlohmann::json;

json cni_step(const checks::CniCall& a, api::Runtime& rt, std::string& description) {
  description = fmt::format("CNI {} {} on {}{}{}", a.command, a.container, a.network,
                            a.ifname.empty() ? "" : " ifname " + a.ifname, a.netns_gone ? " after its netns is gone" : "");
  auto* ctl = dynamic_cast<api::CniControl*>(&rt);
  if (!ctl) return {{"ok", false}, {"error", fmt::format("runtime {} drives no CNI plugins", rt.name())}};
  auto r = ctl->cni({.command = a.command, .container = a.container, .network = a.network, .ifname = a.ifname,
                     .netns_gone = a.netns_gone});
  if (!r) return {{"ok", false}, {"error", r.error().message()}};
  json obs = {{"ok", r->ok}, {"ips", r->ips}};
  if (!r->ok) {
    obs["error"] = r->text;
    if (r->code) obs["code"] = *r->code;
    obs["msg"] = r->msg;
  }
  return obs;
}

void match_cni(const checks::Expect& e, const json& obs, std::vector<std::string>& expected,
               std::vector<std::string>& problems) {
  bool ok = obs.value("ok", false);
  std::string error = obs.value("error", "");
  if (!e.error) {
    expected.push_back("succeeds");
    if (!ok) problems.push_back(fmt::format("it failed: {}", error));
    return;
  }
  std::string want = "fails with a CNI error result";
  if (e.error_code) want += fmt::format(", code {}", *e.error_code);
  if (!e.error->empty()) want += fmt::format(", msg containing \"{}\"", *e.error);
  expected.push_back(want);
  if (ok) return problems.push_back("it succeeded");
  if (!obs.contains("code")) return problems.push_back(fmt::format("it failed without an error result: {}", error));
  int code = obs["code"].get<int>();
  std::string msg = obs.value("msg", "");
  if (e.error_code && code != *e.error_code) problems.push_back(fmt::format("code {} ({})", code, msg));
  else if (!e.error->empty() && msg.find(*e.error) == std::string::npos) problems.push_back(fmt::format("msg \"{}\"", msg));
}

}  // namespace nc::engine
