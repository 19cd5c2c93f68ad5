#include "harness/engine/diagnose.h"

#include <vector>

#include <fmt/ranges.h>

#include "harness/engine/matcher.h"

namespace nc::engine {
namespace {

// The local addresses of TCP listeners on `port`, as listed ("127.0.0.1", "::").
std::vector<std::string> listening_on(const nlohmann::json& listeners, uint16_t port) {
  std::vector<std::string> out;
  if (!listeners.contains("sockets")) return out;
  std::string suffix = fmt::format(":{}", port);
  for (const auto& s : listeners["sockets"]) {
    std::string proto = s.value("proto", ""), local = s.value("local", "");
    if (proto.starts_with("tcp") && local.ends_with(suffix)) out.push_back(host_part(local));
  }
  return out;
}

bool wildcard(const std::string& a) { return a == "0.0.0.0" || a == "::"; }

}  // namespace

std::string diagnose_listeners(const nlohmann::json& listeners, uint16_t port, const std::optional<IpAddr>& arrives) {
  std::string at = arrives ? fmt::format("{}:{}", *arrives, port) : fmt::format("the container's address, port {}", port);
  auto addrs = listening_on(listeners, port);
  if (addrs.empty())
    return fmt::format("nothing listens on port {}; published traffic arrives at {}; start the service on 0.0.0.0:{}", port, at, port);
  for (const auto& a : addrs)
    if (wildcard(a) || (arrives && a == arrives->str()))
      return fmt::format("listens on {}:{}; published traffic arrives at {}; it answers", a, port, at);
  std::vector<std::string> shown;
  for (const auto& a : addrs) shown.push_back(a.find(':') != std::string::npos ? fmt::format("[{}]:{}", a, port) : fmt::format("{}:{}", a, port));
  return fmt::format("listens on {}; published traffic arrives at {}; bind 0.0.0.0", fmt::join(shown, ", "), at);
}

}  // namespace nc::engine
