// The api types as JSON, both ways (protocol.h). Decoders check every field's type and
// name it in errors ("result.endpoints[1].ip: expected an address, got \"x\"").
#include <fmt/format.h>

#include "harness/runtimes/exec/protocol.h"

namespace nc::runtimes::exec {

using nlohmann::json;

namespace {

// One object being decoded; every getter names `where.key` in its errors.
class Fields {
 public:
  static Result<Fields> of(const json& j, std::string_view where) {
    if (!j.is_object()) return failf("{}: expected an object, got {}", where, j.type_name());
    return Fields(j, where);
  }

  // Absent or null: nullptr when optional, an error when required.
  Result<const json*> at(std::string_view key, bool required) const {
    auto it = j_.find(key);
    if (it != j_.end() && !it->is_null()) return &*it;
    if (required) return failf("{}: missing", path(key));
    return nullptr;
  }

  Result<std::string> str(std::string_view key, bool required = true) const {
    auto v = NC_TRY(at(key, required));
    if (!v) return std::string();
    if (!v->is_string()) return wrong(key, "a string", *v);
    return v->get<std::string>();
  }

  Result<Proto> proto(std::string_view key) const {
    auto word = NC_TRY(str(key));
    if (auto p = parse_proto(word)) return *p;
    return failf("{}: expected \"tcp\" or \"udp\", got \"{}\"", path(key), word);
  }

  Result<bool> boolean(std::string_view key, bool fallback) const {
    auto v = NC_TRY(at(key, false));
    if (!v) return fallback;
    if (!v->is_boolean()) return wrong(key, "true or false", *v);
    return v->get<bool>();
  }

  Result<int64_t> integer(std::string_view key, bool required, int64_t lo, int64_t hi) const {
    auto v = NC_TRY(at(key, required));
    if (!v) return 0;
    if (!v->is_number_integer() || v->get<int64_t>() < lo || v->get<int64_t>() > hi)
      return wrong(key, fmt::format("an integer from {} to {}", lo, hi), *v);
    return v->get<int64_t>();
  }

  Result<std::optional<IpAddr>> ip(std::string_view key, bool required = false) const {
    auto v = NC_TRY(at(key, required));
    if (!v) return std::optional<IpAddr>();
    auto a = v->is_string() ? IpAddr::parse(v->get<std::string>()) : fail("");
    if (!a) return wrong(key, "an address like \"172.18.0.2\"", *v);
    return std::optional<IpAddr>(*a);
  }

  Result<std::optional<Prefix>> prefix(std::string_view key, bool required = false) const {
    auto v = NC_TRY(at(key, required));
    if (!v) return std::optional<Prefix>();
    auto p = v->is_string() && v->get<std::string>().find('/') != std::string::npos ? Prefix::parse(v->get<std::string>())
                                                                                     : fail("");
    if (!p) return wrong(key, "a prefix like \"10.0.0.0/8\"", *v);
    return std::optional<Prefix>(*p);
  }

  Result<std::vector<std::string>> strings(std::string_view key, bool required = false) const {
    auto v = NC_TRY(at(key, required));
    std::vector<std::string> out;
    if (!v) return out;
    if (!v->is_array()) return wrong(key, "an array of strings", *v);
    for (auto& s : *v) {
      if (!s.is_string()) return wrong(key, "an array of strings", *v);
      out.push_back(s.get<std::string>());
    }
    return out;
  }

  template <class T>
  Result<std::vector<T>> list(std::string_view key, bool required = false) const {
    auto v = NC_TRY(at(key, required));
    std::vector<T> out;
    if (!v) return out;
    if (!v->is_array()) return wrong(key, "an array", *v);
    for (size_t i = 0; i < v->size(); ++i) out.push_back(NC_TRY(from_json<T>((*v)[i], fmt::format("{}[{}]", path(key), i))));
    return out;
  }

  template <class T>
  Result<T> object(std::string_view key) const {
    auto v = NC_TRY(at(key, true));
    return from_json<T>(*v, path(key));
  }

 private:
  Fields(const json& j, std::string_view where) : j_(j), where_(where) {}
  std::string path(std::string_view key) const { return fmt::format("{}.{}", where_, key); }
  std::unexpected<Error> wrong(std::string_view key, std::string_view expected, const json& got) const {
    std::string shown = got.dump(-1, ' ', false, json::error_handler_t::replace);
    if (shown.size() > 80) shown = shown.substr(0, 80) + "...";
    return failf("{}: expected {}, got {}", path(key), expected, shown);
  }

  const json& j_;
  std::string where_;
};

void put_ip(json& j, const char* key, const std::optional<IpAddr>& a) {
  if (a) j[key] = a->str();
}

uint16_t port(int64_t v) { return static_cast<uint16_t>(v); }

}  // namespace

// ---- encoders ----

json to_json(const Hello& h) {
  return {{"protocol", h.protocol}, {"probe", h.probe}, {"probe_image", h.probe_image}, {"state_dir", h.state_dir},
          {"cgroup_parent", h.cgroup_parent}};
}

json to_json(const HelloAnswer& h) {
  return {{"protocol", h.protocol}, {"name", h.name}, {"version", h.version}, {"capabilities", h.capabilities}};
}

json to_json(const api::NetworkSpec& s) {
  json j{{"name", s.name}, {"driver", s.driver}, {"internal", s.internal}, {"icc", s.icc},
         {"mtu", s.mtu},   {"parent", s.parent}, {"mode", s.mode}};
  if (s.subnet) j["subnet"] = s.subnet->str();
  put_ip(j, "gateway", s.gateway);
  if (s.ipv6) j["ipv6"] = true;
  if (s.subnet6) j["subnet6"] = s.subnet6->str();
  put_ip(j, "gateway6", s.gateway6);
  return j;
}

json to_json(const api::NetworkInfo& i) {
  json j{{"name", i.name}, {"driver", i.driver}, {"internal", i.internal}, {"bridge", i.bridge}};
  if (i.subnet != Prefix()) j["subnet"] = i.subnet.str();
  put_ip(j, "gateway", i.gateway);
  if (i.subnet6) j["subnet6"] = i.subnet6->str();
  put_ip(j, "gateway6", i.gateway6);
  return j;
}

json to_json(const api::Attachment& a) {
  json j{{"network", a.network}, {"aliases", a.aliases}};
  put_ip(j, "ip", a.ip);
  put_ip(j, "ip6", a.ip6);
  return j;
}

json to_json(const api::PortSpec& p) {
  json j{{"host_first", p.host_first},           {"host_last", p.host_last}, {"container_first", p.container_first},
         {"container_last", p.container_last}, {"proto", proto_name(p.proto)}};
  put_ip(j, "host_ip", p.host_ip);
  return j;
}

json to_json(const api::ContainerSpec& s) {
  json nets = json::array(), publish = json::array(), dns = json::array();
  for (auto& a : s.networks) nets.push_back(to_json(a));
  for (auto& p : s.publish) publish.push_back(to_json(p));
  for (auto& d : s.dns) dns.push_back(d.str());
  return {{"name", s.name}, {"hostname", s.hostname}, {"networks", nets}, {"publish", publish},
          {"dns", dns},     {"command", s.command},   {"host", s.host}};
}

json to_json(const api::Endpoint& e) {
  json j{{"network", e.network}, {"ip", e.ip.str()}, {"prefix_len", e.prefix_len}, {"mac", e.mac}, {"aliases", e.aliases}};
  put_ip(j, "gateway", e.gateway);
  put_ip(j, "ip6", e.ip6);
  if (e.ip6) j["prefix_len6"] = e.prefix_len6;
  put_ip(j, "gateway6", e.gateway6);
  return j;
}

json to_json(const api::PublishedPort& p) {
  json j{{"proto", proto_name(p.proto)}, {"host_port", p.host_port}, {"container_port", p.container_port}};
  put_ip(j, "host_ip", p.host_ip);
  return j;
}

json to_json(const api::ContainerInfo& i) {
  json eps = json::array(), ports = json::array();
  for (auto& e : i.endpoints) eps.push_back(to_json(e));
  for (auto& p : i.ports) ports.push_back(to_json(p));
  return {{"name", i.name}, {"id", i.id}, {"hostname", i.hostname}, {"endpoints", eps}, {"ports", ports}};
}

json to_json(const api::ExecResult& r) { return {{"exit_code", r.exit_code}, {"out", r.out}, {"err", r.err}}; }

// ---- decoders ----
// Field by field into a local: a statement expression that returns from inside an
// aggregate initializer may skip destructors of members already built.

template <>
Result<Hello> from_json(const json& j, std::string_view where) {
  auto f = NC_TRY(Fields::of(j, where));
  Hello h;
  h.protocol = static_cast<int>(NC_TRY(f.integer("protocol", true, 1, 1000)));
  h.probe = NC_TRY(f.str("probe"));
  h.probe_image = NC_TRY(f.str("probe_image"));
  h.state_dir = NC_TRY(f.str("state_dir"));
  h.cgroup_parent = NC_TRY(f.str("cgroup_parent", false));
  return h;
}

template <>
Result<HelloAnswer> from_json(const json& j, std::string_view where) {
  auto f = NC_TRY(Fields::of(j, where));
  HelloAnswer h;
  h.protocol = static_cast<int>(NC_TRY(f.integer("protocol", true, 1, 1000)));
  h.name = NC_TRY(f.str("name"));
  h.version = NC_TRY(f.str("version"));
  auto caps = NC_TRY(f.strings("capabilities", true));
  h.capabilities = {caps.begin(), caps.end()};
  return h;
}

template <>
Result<api::NetworkSpec> from_json(const json& j, std::string_view where) {
  auto f = NC_TRY(Fields::of(j, where));
  api::NetworkSpec s;
  s.name = NC_TRY(f.str("name"));
  s.driver = NC_TRY(f.str("driver"));
  s.subnet = NC_TRY(f.prefix("subnet"));
  s.gateway = NC_TRY(f.ip("gateway"));
  s.ipv6 = NC_TRY(f.boolean("ipv6", false));
  s.subnet6 = NC_TRY(f.prefix("subnet6"));
  s.gateway6 = NC_TRY(f.ip("gateway6"));
  s.internal = NC_TRY(f.boolean("internal", false));
  s.icc = NC_TRY(f.boolean("icc", true));
  s.mtu = static_cast<int>(NC_TRY(f.integer("mtu", false, 0, 65535)));
  s.parent = NC_TRY(f.str("parent", false));
  s.mode = NC_TRY(f.str("mode", false));
  return s;
}

template <>
Result<api::NetworkInfo> from_json(const json& j, std::string_view where) {
  auto f = NC_TRY(Fields::of(j, where));
  api::NetworkInfo i;
  i.name = NC_TRY(f.str("name"));
  i.driver = NC_TRY(f.str("driver"));
  i.subnet = NC_TRY(f.prefix("subnet")).value_or(Prefix());  // host, none: no subnet
  i.gateway = NC_TRY(f.ip("gateway"));
  i.subnet6 = NC_TRY(f.prefix("subnet6"));
  i.gateway6 = NC_TRY(f.ip("gateway6"));
  i.internal = NC_TRY(f.boolean("internal", false));
  i.bridge = NC_TRY(f.str("bridge", false));
  return i;
}

template <>
Result<api::Attachment> from_json(const json& j, std::string_view where) {
  auto f = NC_TRY(Fields::of(j, where));
  api::Attachment a;
  a.network = NC_TRY(f.str("network"));
  a.aliases = NC_TRY(f.strings("aliases"));
  a.ip = NC_TRY(f.ip("ip"));
  a.ip6 = NC_TRY(f.ip("ip6"));
  return a;
}

template <>
Result<api::PortSpec> from_json(const json& j, std::string_view where) {
  auto f = NC_TRY(Fields::of(j, where));
  api::PortSpec p;
  p.host_ip = NC_TRY(f.ip("host_ip"));
  p.host_first = port(NC_TRY(f.integer("host_first", false, 0, 65535)));
  p.host_last = port(NC_TRY(f.integer("host_last", false, 0, 65535)));
  p.container_first = port(NC_TRY(f.integer("container_first", true, 1, 65535)));
  p.container_last = port(NC_TRY(f.integer("container_last", false, 0, 65535)));
  p.proto = NC_TRY(f.proto("proto"));
  return p;
}

template <>
Result<api::ContainerSpec> from_json(const json& j, std::string_view where) {
  auto f = NC_TRY(Fields::of(j, where));
  api::ContainerSpec s;
  s.name = NC_TRY(f.str("name"));
  s.hostname = NC_TRY(f.str("hostname", false));
  s.networks = NC_TRY(f.list<api::Attachment>("networks"));
  s.publish = NC_TRY(f.list<api::PortSpec>("publish"));
  auto dns = NC_TRY(f.strings("dns"));
  for (size_t i = 0; i < dns.size(); ++i) s.dns.push_back(NC_TRY_CTX(IpAddr::parse(dns[i]), "{}.dns[{}]", where, i));
  s.command = NC_TRY(f.strings("command"));
  s.host = NC_TRY(f.str("host", false));
  return s;
}

template <>
Result<api::Endpoint> from_json(const json& j, std::string_view where) {
  auto f = NC_TRY(Fields::of(j, where));
  api::Endpoint e;
  e.network = NC_TRY(f.str("network"));
  e.ip = *NC_TRY(f.ip("ip", true));
  e.prefix_len = static_cast<int>(NC_TRY(f.integer("prefix_len", true, 0, 128)));
  e.gateway = NC_TRY(f.ip("gateway"));
  e.ip6 = NC_TRY(f.ip("ip6"));
  e.prefix_len6 = static_cast<int>(NC_TRY(f.integer("prefix_len6", false, 0, 128)));
  e.gateway6 = NC_TRY(f.ip("gateway6"));
  e.mac = NC_TRY(f.str("mac", false));
  e.aliases = NC_TRY(f.strings("aliases"));
  return e;
}

template <>
Result<api::PublishedPort> from_json(const json& j, std::string_view where) {
  auto f = NC_TRY(Fields::of(j, where));
  api::PublishedPort p;
  p.proto = NC_TRY(f.proto("proto"));
  p.host_ip = NC_TRY(f.ip("host_ip"));
  p.host_port = port(NC_TRY(f.integer("host_port", true, 1, 65535)));
  p.container_port = port(NC_TRY(f.integer("container_port", true, 1, 65535)));
  return p;
}

template <>
Result<api::ContainerInfo> from_json(const json& j, std::string_view where) {
  auto f = NC_TRY(Fields::of(j, where));
  api::ContainerInfo i;
  i.name = NC_TRY(f.str("name"));
  i.id = NC_TRY(f.str("id", false));
  i.hostname = NC_TRY(f.str("hostname", false));
  i.endpoints = NC_TRY(f.list<api::Endpoint>("endpoints", true));
  i.ports = NC_TRY(f.list<api::PublishedPort>("ports", true));
  return i;
}

template <>
Result<api::ExecResult> from_json(const json& j, std::string_view where) {
  auto f = NC_TRY(Fields::of(j, where));
  api::ExecResult r;
  r.exit_code = static_cast<int>(NC_TRY(f.integer("exit_code", true, 0, 255)));
  r.out = NC_TRY(f.str("out"));
  r.err = NC_TRY(f.str("err"));
  return r;
}

}  // namespace nc::runtimes::exec
