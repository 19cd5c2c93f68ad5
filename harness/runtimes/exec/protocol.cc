// Framing of the exec adapter protocol: requests out, answers in (protocol.h). The api
// types' JSON is in protocol_types.cc.
#include "harness/runtimes/exec/protocol.h"

#include <fmt/format.h>

namespace nc::runtimes::exec {

using nlohmann::json;

namespace {

// What the adapter wrote, cut and escaped for an error message.
std::string excerpt(std::string_view line) {
  constexpr size_t kShown = 120;
  std::string cut(line.substr(0, kShown));
  std::string shown = json(cut).dump(-1, ' ', false, json::error_handler_t::replace);
  return line.size() > kShown ? shown + "..." : shown;
}

Request make(uint64_t id, std::string method, json params, std::string_view object = "") {
  return Request{.id = id, .method = std::move(method), .params = std::move(params), .object = std::string(object)};
}

}  // namespace

std::string Request::describe() const {
  return object.empty() ? fmt::format("{} (request {})", method, id) : fmt::format("{} {} (request {})", method, object, id);
}

std::string encode(const Request& r) {
  json j{{"id", r.id}, {"method", r.method}, {"params", r.params}};
  // Replace, never throw: a probe argument is not guaranteed to be UTF-8.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Answer> decode_answer(std::string_view line, const Request& req) {
  auto bad = [&](std::string what) { return fail(fmt::format("{}: {}", req.describe(), what)); };
  if (line.size() > kMaxLine) return bad(fmt::format("the adapter wrote a line of {} bytes (the limit is {})", line.size(), kMaxLine));
  json j;
  try {
    j = json::parse(line);
  } catch (const json::exception& e) {
    return bad(fmt::format("the adapter wrote malformed JSON ({}): {}", e.what(), excerpt(line)));
  }
  if (!j.is_object()) return bad(fmt::format("the adapter wrote a JSON {}, not an object: {}", j.type_name(), excerpt(line)));
  auto id = j.find("id");
  if (id == j.end() || !id->is_number_unsigned()) return bad(fmt::format("the answer has no numeric id: {}", excerpt(line)));
  if (id->get<uint64_t>() != req.id) return bad(fmt::format("the answer is for request {}", id->get<uint64_t>()));
  auto result = j.find("result"), error = j.find("error");
  if ((result == j.end()) == (error == j.end())) return bad("the answer must have exactly one of result and error");
  if (result != j.end()) return Answer{.result = *result, .error = std::nullopt};
  auto msg = error->is_object() ? error->find("message") : error->end();
  if (!error->is_object() || msg == error->end() || !msg->is_string())
    return bad("error: expected an object {\"message\": string}");
  return Answer{.result = nullptr, .error = fmt::format("{}: {}", req.describe(), msg->get<std::string>())};
}

Request hello_request(uint64_t id, const Hello& h) { return make(id, "hello", to_json(h)); }

Request create_network_request(uint64_t id, const api::NetworkSpec& s) {
  return make(id, "create_network", to_json(s), s.name);
}

Request remove_network_request(uint64_t id, std::string_view name) {
  return make(id, "remove_network", {{"name", name}}, name);
}

Request inspect_network_request(uint64_t id, std::string_view name) {
  return make(id, "inspect_network", {{"name", name}}, name);
}

Request create_container_request(uint64_t id, const api::ContainerSpec& s) {
  return make(id, "create_container", to_json(s), s.name);
}

Request remove_container_request(uint64_t id, std::string_view name) {
  return make(id, "remove_container", {{"name", name}}, name);
}

Request connect_request(uint64_t id, std::string_view container, const api::Attachment& a) {
  return make(id, "connect", {{"container", container}, {"attachment", to_json(a)}},
              fmt::format("{} to {}", container, a.network));
}

Request disconnect_request(uint64_t id, std::string_view container, std::string_view network) {
  return make(id, "disconnect", {{"container", container}, {"network", network}},
              fmt::format("{} from {}", container, network));
}

Request inspect_request(uint64_t id, std::string_view container) {
  return make(id, "inspect", {{"container", container}}, container);
}

Request exec_request(uint64_t id, std::string_view container, const std::vector<std::string>& args,
                     std::chrono::milliseconds timeout) {
  return make(id, "exec", {{"container", container}, {"args", args}, {"timeout_ms", timeout.count()}},
              fmt::format("{} {}", container, args.empty() ? std::string() : args.front()));
}

Request reset_request(uint64_t id) { return make(id, "reset", json::object()); }

Request shutdown_request(uint64_t id) { return make(id, "shutdown", json::object()); }

}  // namespace nc::runtimes::exec
