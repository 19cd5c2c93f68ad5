#include "harness/diagnose/runtime_observer.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "harness/diagnose/netns_find.h"
#include "harness/diagnose/nft_rules.h"

namespace nc::diagnose {
namespace {

using nlohmann::json;

std::string str_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<ContainerState> RuntimeObserver::container(const std::string& name) {
  ContainerState st;
  auto info = a_.runtime->inspect(name);
  if (!info) {
    // The runtime API has no not-found error of its own; runtimes say "not found" (netimpl,
    // CNI) or "No such object/container" (Docker, Podman). Anything else (a daemon that does
    // not answer) is no diagnosis of the container.
    std::string msg = info.error().message(), lower = msg;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower.find("no such") == std::string::npos && lower.find("not found") == std::string::npos)
      return std::unexpected(std::move(info).error());
    st.status = fmt::format("no such container ({})", msg);
    return st;
  }
  st.exists = true;
  st.endpoints = info->endpoints;
  st.ports = info->ports;
  if (a_.run_state) {
    auto rs = NC_TRY(a_.run_state(name));
    st.running = rs.running;
    st.status = rs.status;
  } else {
    st.running = true;
    st.status = "running";
  }
  return st;
}

Result<std::string> RuntimeObserver::ping(const std::string& from, const IpAddr& to) {
  auto j = NC_TRY(a_.probe(from, {"ping", to.str(), "--timeout-ms", std::to_string(a_.probe_timeout_ms)}));
  return str_of(j, "outcome");
}

Result<Resolution> RuntimeObserver::resolve(const std::string& from, const std::string& name) {
  std::vector<std::string> args{"resolve", name, "--timeout-ms", std::to_string(a_.probe_timeout_ms)};
  if (a_.nameserver) {
    auto server = NC_TRY(a_.nameserver(from));
    if (!server.empty()) args.insert(args.end(), {"--server", server});
  }
  auto j = NC_TRY(a_.probe(from, args));
  Resolution r{.outcome = str_of(j, "outcome"), .rcode = str_of(j, "rcode"), .server = str_of(j, "server"),
               .error = str_of(j, "error")};
  if (r.server.empty() && j.contains("tried") && !j["tried"].empty()) r.server = str_of(j["tried"][0], "server");
  if (j.contains("answers"))
    for (auto& a : j["answers"])
      if (a.is_string()) r.addresses.push_back(a.get<std::string>());
  return r;
}

Result<std::vector<Listener>> RuntimeObserver::listeners(const std::string& container) {
  auto j = NC_TRY(a_.probe(container, {"listeners"}));
  std::vector<Listener> out;
  if (!j.contains("sockets")) return out;
  for (auto& s : j["sockets"]) {
    std::string local = str_of(s, "local");
    auto colon = local.rfind(':');
    if (colon == std::string::npos) continue;
    std::string addr = local.substr(0, colon);
    if (addr.starts_with('[')) addr = addr.substr(1, addr.size() - 2);
    out.push_back({str_of(s, "proto"), addr, static_cast<uint16_t>(std::stoi(local.substr(colon + 1)))});
  }
  return out;
}

Result<std::string> RuntimeObserver::connect(const std::string& from, const IpAddr& to, uint16_t port) {
  std::string url = to.is_v6() ? fmt::format("tcp://[{}]:{}", to, port) : fmt::format("tcp://{}:{}", to, port);
  auto j = NC_TRY(a_.probe(from, {"connect", url, "--timeout-ms", std::to_string(a_.probe_timeout_ms)}));
  return str_of(j, "outcome");
}

Result<std::vector<std::string>> RuntimeObserver::blocking_rules(const std::string& container, uint16_t port) {
  Namespaces ns;
  if (a_.netns) {
    ns = NC_TRY(a_.netns(container));
  } else {
    auto j = NC_TRY(a_.probe(container, {"listeners"}));
    std::string link = str_of(j, "netns");
    if (link.empty()) return failf("find the network namespace of {}: the probe did not report it", container);
    ns = NC_TRY(netns_by_link(container, link));
  }
  return blocking_tcp_rules(ns, port);
}

std::optional<IpAddr> RuntimeObserver::host_address(const std::string& from) {
  auto it = a_.host_addresses.find(from);
  if (it == a_.host_addresses.end()) return std::nullopt;
  return it->second;
}

}  // namespace nc::diagnose
