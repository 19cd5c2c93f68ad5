#include "harness/runtimes/cni/result.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace nc::cni {
namespace {

using nlohmann::json;

nc::Result<json> parse_object(std::string_view text, std::string_view what) {
  auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return failf("{}: not JSON: '{}'", what, text.substr(0, 200));
  if (!j.is_object()) return failf("{}: expected a JSON object, found {}", what, j.type_name());
  return j;
}

// A string field; absent is "" unless `required`.
nc::Result<std::string> str(const json& o, std::string_view key, std::string_view where, bool required = false) {
  auto it = o.find(key);
  if (it == o.end()) {
    if (required) return failf("{}: missing '{}'", where, key);
    return std::string();
  }
  if (!it->is_string()) return failf("{}.{}: expected a string, found {}", where, key, it->type_name());
  return it->get<std::string>();
}

nc::Result<std::vector<std::string>> strings(const json& o, std::string_view key, std::string_view where) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end()) return out;
  if (!it->is_array()) return failf("{}.{}: expected a list of strings, found {}", where, key, it->type_name());
  for (auto& v : *it) {
    if (!v.is_string()) return failf("{}.{}: expected a list of strings, found a {}", where, key, v.type_name());
    out.push_back(v.get<std::string>());
  }
  return out;
}

// A list of objects; absent is empty.
nc::Result<std::vector<json>> objects(const json& o, std::string_view key) {
  std::vector<json> out;
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return out;
  if (!it->is_array()) return failf("{}: expected a list, found {}", key, it->type_name());
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_object()) return failf("{}[{}]: expected an object, found {}", key, i, (*it)[i].type_name());
    out.push_back((*it)[i]);
  }
  return out;
}

nc::Result<std::optional<IpAddr>> opt_ip(const json& o, std::string_view key, std::string_view where) {
  auto text = NC_TRY(str(o, key, where));
  if (text.empty()) return std::optional<IpAddr>();
  auto ip = IpAddr::parse(text);
  if (!ip) return failf("{}.{}: '{}' is not an IP address", where, key, text);
  return std::optional<IpAddr>(*ip);
}

nc::Result<Prefix> cidr(const json& o, std::string_view key, std::string_view where) {
  auto text = NC_TRY(str(o, key, where, true));
  auto p = text.find('/') == std::string::npos ? std::nullopt : std::optional(Prefix::parse(text));
  if (!p || !*p) return failf("{}.{}: '{}' is not an address in CIDR notation", where, key, text);
  return **p;
}

nc::Result<Interface> parse_interface(const json& o, std::string_view where) {
  Interface i{.name = NC_TRY(str(o, "name", where, true)), .mac = NC_TRY(str(o, "mac", where)),
              .sandbox = NC_TRY(str(o, "sandbox", where))};
  if (i.name.empty()) return failf("{}.name: empty", where);
  return i;
}

nc::Result<IpConfig> parse_ip(const json& o, std::string_view where, size_t n_ifaces, bool abbreviated) {
  IpConfig ip{.address = NC_TRY(cidr(o, "address", where)), .gateway = NC_TRY(opt_ip(o, "gateway", where)),
              .interface = std::nullopt};
  if (auto it = o.find("interface"); it != o.end()) {
    if (!it->is_number_unsigned()) return failf("{}.interface: expected an index (uint), found {}", where, it->dump());
    auto idx = it->get<size_t>();
    if (idx >= n_ifaces)
      return failf("{}.interface: {} is not an index into interfaces ({} entries)", where, idx, n_ifaces);
    ip.interface = idx;
  } else if (!abbreviated && n_ifaces > 0) {
    // The spec makes `interface` part of every non-IPAM result's ips entry.
    return failf("{}: missing 'interface' (the index of the interface it belongs to)", where);
  }
  if (ip.gateway && ip.gateway->family() != ip.address.addr().family())
    return failf("{}.gateway: {} is not of the address family of {}", where, ip.gateway->str(), ip.address.str());
  return ip;
}

nc::Result<Dns> parse_dns(const json& o) {
  auto it = o.find("dns");
  if (it == o.end()) return Dns{};
  if (!it->is_object()) return failf("dns: expected an object, found {}", it->type_name());
  Dns d{.nameservers = NC_TRY(strings(*it, "nameservers", "dns")), .search = NC_TRY(strings(*it, "search", "dns")),
        .options = NC_TRY(strings(*it, "options", "dns")), .domain = NC_TRY(str(*it, "domain", "dns"))};
  for (auto& ns : d.nameservers)
    if (!IpAddr::parse(ns)) return failf("dns.nameservers: '{}' is not an IP address", ns);
  return d;
}

}  // namespace

std::vector<Prefix> Success::addresses_of(std::string_view ifname, std::string_view sandbox) const {
  std::vector<Prefix> out;
  for (auto& ip : ips)
    if (ip.interface && interfaces[*ip.interface].name == ifname && interfaces[*ip.interface].sandbox == sandbox)
      out.push_back(ip.address);
  return out;
}

std::string ErrorResult::str() const {
  return fmt::format("CNI error {} ({}){}", code, msg, details.empty() ? "" : ": " + details);
}

nc::Result<Success> parse_success_json(const json& j, bool abbreviated) {
  if (!j.is_object()) return failf("result: expected a JSON object, found {}", j.type_name());
  Success s;
  s.raw = j;
  s.cni_version = NC_TRY(str(j, "cniVersion", "result", true));
  if (j.contains("code")) return failf("result: an error result (code {}), not a success", j["code"].dump());
  auto ifaces = NC_TRY(objects(j, "interfaces"));
  for (size_t i = 0; i < ifaces.size(); ++i)
    s.interfaces.push_back(NC_TRY(parse_interface(ifaces[i], fmt::format("interfaces[{}]", i))));
  auto ips = NC_TRY(objects(j, "ips"));
  for (size_t i = 0; i < ips.size(); ++i)
    s.ips.push_back(NC_TRY(parse_ip(ips[i], fmt::format("ips[{}]", i), s.interfaces.size(), abbreviated)));
  auto routes = NC_TRY(objects(j, "routes"));
  for (size_t i = 0; i < routes.size(); ++i) {
    auto where = fmt::format("routes[{}]", i);
    s.routes.push_back({.dst = NC_TRY(cidr(routes[i], "dst", where)), .gw = NC_TRY(opt_ip(routes[i], "gw", where))});
  }
  s.dns = NC_TRY(parse_dns(j));
  return s;
}

nc::Result<Success> parse_success(std::string_view text, bool abbreviated) {
  return parse_success_json(NC_TRY(parse_object(text, "result")), abbreviated);
}

nc::Result<void> check_add_result(const Success& r, std::string_view netns, std::string_view ifname) {
  if (r.cni_version != kSpecVersion)
    return failf("result: cniVersion {} is not {}, the version of the configuration", r.cni_version, kSpecVersion);
  for (auto& i : r.interfaces)
    if (i.name == ifname && i.sandbox == netns) return {};
  return failf("result: interfaces lack {} with sandbox {} (the interface the ADD created)", ifname, netns);
}

nc::Result<ErrorResult> parse_error(std::string_view text) {
  auto j = NC_TRY(parse_object(text, "error result"));
  auto code = j.find("code");
  if (code == j.end() || !code->is_number_integer())
    return failf("error result: 'code' must be an integer, found {}", code == j.end() ? "nothing" : code->dump());
  ErrorResult e{.cni_version = NC_TRY(str(j, "cniVersion", "error result")), .code = code->get<int>(),
                .msg = NC_TRY(str(j, "msg", "error result", true)), .details = NC_TRY(str(j, "details", "error result"))};
  if (e.code < 1) return failf("error result: code {} is not an error code (1-99 well-known, 100+ plugin-specific)", e.code);
  return e;
}

nc::Result<std::vector<std::string>> parse_version(std::string_view text, std::string_view want) {
  auto j = NC_TRY(parse_object(text, "version result"));
  NC_TRY_VOID(str(j, "cniVersion", "version result", true));
  if (!j.contains("supportedVersions")) return fail("version result: missing 'supportedVersions'");
  auto versions = NC_TRY(strings(j, "supportedVersions", "version result"));
  if (std::ranges::find(versions, want) == versions.end())
    return failf("version result: supportedVersions [{}] lacks {}", fmt::join(versions, ", "), want);
  return versions;
}

}  // namespace nc::cni
