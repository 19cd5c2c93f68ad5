// The exec adapter protocol, version 1 (PROTOCOL.md): api types ⇄ JSON, and the framing of
// one request and its answer. Pure: no I/O, no processes.
//
// A request is one line {"id": N, "method": "...", "params": {...}}; its answer one line
// {"id": N, "result": ...} or {"id": N, "error": {"message": "..."}}. Field names mirror the
// api types (netimpl/api/runtime.h) in snake_case; an optional field is omitted (null is
// read as omitted). Addresses and prefixes are strings ("172.18.0.2", "172.18.0.0/16").
//
// Every decoding error names the request the line answered and the field at fault:
//   "create_network appnet (request 3): result.subnet: expected a prefix like
//    \"10.0.0.0/8\", got 42"
// so the caller can hand it on unchanged.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "netimpl/api/runtime.h"

namespace nc::runtimes::exec {

inline constexpr int kProtocolVersion = 1;
// The longest line either side may write, '\n' excluded. The probe's output is a few KB.
inline constexpr size_t kMaxLine = 1 << 20;
// Capabilities no protocol-1 adapter has, whatever its hello claims: the protocol has no
// request that stops, starts, restarts or kills a container, none that opens a container's
// network namespace, and no lab-start option for the default bridge. Checks that need them
// are skipped ("lacks lifecycle", ...) rather than failed.
inline constexpr std::array<std::string_view, 3> kBeyondProtocol = {"lifecycle", "netns_access", "default_bridge_ipv6"};

struct Request {
  uint64_t id = 0;
  std::string method;      // "hello", "create_network", ...
  nlohmann::json params = nlohmann::json::object();
  std::string object;      // what it acts on, for errors ("appnet"); may be empty

  // "create_network appnet (request 3)".
  std::string describe() const;
};

// One line of JSON, without the '\n'.
std::string encode(const Request& r);

// A well-formed answer: the request's result, or the adapter's own error. An error answer
// means the request failed and the adapter is fine (it stays in step with us).
struct Answer {
  nlohmann::json result;
  std::optional<std::string> error;  // "create_network appnet (request 3): <adapter's message>"
};

// `line` as the answer to `req`. An error when it is malformed — not JSON, not an object,
// another id, neither or both of result and error, longer than kMaxLine — which means
// the adapter can no longer be trusted.
Result<Answer> decode_answer(std::string_view line, const Request& req);

// ---- hello ----

struct Hello {
  int protocol = kProtocolVersion;
  std::string probe;         // the static probe binary (readable by the adapter)
  std::string probe_image;   // a one-file tar holding it as "probe", for `import`
  std::string state_dir;     // the adapter's own directory on the lab's tmpfs
  std::string cgroup_parent; // where containers' cgroups go, named after the run ("" : any)
};

struct HelloAnswer {
  int protocol = kProtocolVersion;
  std::string name;          // "docker": with the version, picks the expectations file
  std::string version;       // "20.10.24"
  std::set<std::string> capabilities;
};

// ---- api types ⇄ JSON (encode never fails; decode names the field at fault) ----

nlohmann::json to_json(const Hello& h);
nlohmann::json to_json(const HelloAnswer& h);
nlohmann::json to_json(const api::NetworkSpec& s);
nlohmann::json to_json(const api::NetworkInfo& i);
nlohmann::json to_json(const api::Attachment& a);
nlohmann::json to_json(const api::PortSpec& p);
nlohmann::json to_json(const api::ContainerSpec& s);
nlohmann::json to_json(const api::Endpoint& e);
nlohmann::json to_json(const api::PublishedPort& p);
nlohmann::json to_json(const api::ContainerInfo& i);
nlohmann::json to_json(const api::ExecResult& r);

// Decoders, one per type above; `where` prefixes field names in errors ("result").
// Unknown fields are ignored, so a later version may add optional ones.
template <class T>
Result<T> from_json(const nlohmann::json& j, std::string_view where);
template <> Result<Hello> from_json(const nlohmann::json&, std::string_view);
template <> Result<HelloAnswer> from_json(const nlohmann::json&, std::string_view);
template <> Result<api::NetworkSpec> from_json(const nlohmann::json&, std::string_view);
template <> Result<api::NetworkInfo> from_json(const nlohmann::json&, std::string_view);
template <> Result<api::Attachment> from_json(const nlohmann::json&, std::string_view);
template <> Result<api::PortSpec> from_json(const nlohmann::json&, std::string_view);
template <> Result<api::ContainerSpec> from_json(const nlohmann::json&, std::string_view);
template <> Result<api::Endpoint> from_json(const nlohmann::json&, std::string_view);
template <> Result<api::PublishedPort> from_json(const nlohmann::json&, std::string_view);
template <> Result<api::ContainerInfo> from_json(const nlohmann::json&, std::string_view);
template <> Result<api::ExecResult> from_json(const nlohmann::json&, std::string_view);

// ---- requests, built from the api calls ----

Request hello_request(uint64_t id, const Hello& h);
Request create_network_request(uint64_t id, const api::NetworkSpec& s);
Request remove_network_request(uint64_t id, std::string_view name);
Request inspect_network_request(uint64_t id, std::string_view name);
Request create_container_request(uint64_t id, const api::ContainerSpec& s);
Request remove_container_request(uint64_t id, std::string_view name);
Request connect_request(uint64_t id, std::string_view container, const api::Attachment& a);
Request disconnect_request(uint64_t id, std::string_view container, std::string_view network);
Request inspect_request(uint64_t id, std::string_view container);
Request exec_request(uint64_t id, std::string_view container, const std::vector<std::string>& args,
                     std::chrono::milliseconds timeout);
Request reset_request(uint64_t id);
Request shutdown_request(uint64_t id);

}  // namespace nc::runtimes::exec
