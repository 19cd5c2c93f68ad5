#include "harness/checks/dns_steps.h"

#include <algorithm>
#include <cctype>

#include <fmt/ranges.h>

namespace nc::checks::detail {
namespace {

constexpr std::string_view kResolveKeys[] = {"name", "type", "server", "tcp", "fallback"};
constexpr std::string_view kResolveRequired[] = {"name"};
constexpr std::string_view kFaultKeys[] = {"server", "mode", "delay_ms"};
constexpr std::string_view kFaultRequired[] = {"mode"};
constexpr std::string_view kLogKeys[] = {"name", "server"};
constexpr std::string_view kFaultModes[] = {"answer", "drop", "delay", "servfail", "nxdomain", "truncate", "refuse_tcp"};
constexpr std::string_view kRcodes[] = {"noerror", "formerr", "servfail", "nxdomain", "notimp", "refused"};
constexpr std::string_view kFlags[] = {"tc", "aa", "ra"};
constexpr std::string_view kHostResolvKeys[] = {"nameservers", "search", "options", "systemd_resolved"};
constexpr std::string_view kHostResolvRequired[] = {"nameservers"};

// A list of addresses (or one), each checked where it is written.
Result<std::vector<IpAddr>> address_list(const Reader& r, const Value& v) {
  std::vector<Value> items;
  if (v.node.IsSequence()) items = NC_TRY(r.list(v));
  else items.push_back(v);
  std::vector<IpAddr> out;
  for (auto& item : items) {
    auto text = NC_TRY(r.word(item));
    auto ip = IpAddr::parse(text);
    if (!ip) return r.errorf(item.mark, "host_resolv: {}: '{}' is not an address", item.name, text);
    out.push_back(*ip);
  }
  if (out.empty()) return r.errorf(v.mark, "host_resolv: {}: name at least one server", v.name);
  // resolv.conf(5): the resolver uses at most 3 (MAXNS); Docker takes at most 3 too.
  if (out.size() > 3) return r.errorf(v.mark, "host_resolv: {}: {} servers; resolv.conf holds at most 3", v.name, out.size());
  return out;
}

// Words a resolv.conf line can carry: no spaces, no comment characters.
Result<std::vector<std::string>> resolv_words(const Reader& r, const Value& v, bool domain) {
  auto words = NC_TRY(r.strings(v));
  for (auto& w : words) {
    bool ok = !w.empty() && std::ranges::all_of(w, [&](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || (!domain && (c == ':' || c == '_'));
    });
    if (!ok)
      return r.errorf(v.mark, "host_resolv: {}: '{}' is not {}", v.name, w,
                      domain ? "a domain (letters, digits, '-', '.')" : "a resolver option (ndots:5, edns0, ...)");
  }
  return words;
}

Result<Template> templ(const Reader& r, const Value& v, const Scope& scope) {
  auto text = NC_TRY(r.word(v));
  NC_TRY_VOID(scope.check_template(r, v, text));
  return text;
}

Result<std::vector<Template>> templ_list(const Reader& r, const Value& v, const Scope& scope) {
  auto texts = NC_TRY(r.strings(v));
  for (auto& t : texts) NC_TRY_VOID(scope.check_template(r, v, t));
  return texts;
}

Result<std::string> upstream_ip(const Reader& r, const Value& v) {
  auto ip = NC_TRY(r.ip(v));
  return ip.str();
}

Result<std::map<std::string, bool>> flags(const Reader& r, const Value& v) {
  auto f = NC_TRY(r.map(v, "flags", kFlags));
  std::map<std::string, bool> out;
  for (auto& field : f.all) out[field.key] = NC_TRY(r.boolean(field.value));
  return out;
}

}  // namespace

Result<Resolve> parse_resolve(const Reader& r, const Value& v, const Scope& scope) {
  Resolve out;
  if (v.node.IsScalar()) {
    out.name = NC_TRY(templ(r, v, scope));
    return out;
  }
  auto f = NC_TRY(r.map(v, "resolve", kResolveKeys, kResolveRequired));
  out.name = NC_TRY(templ(r, f.find("name")->value, scope));
  if (auto* t = f.find("type")) {
    out.type = NC_TRY(r.word(t->value));
    std::ranges::transform(out.type, out.type.begin(), ::toupper);
  }
  if (auto* s = f.find("server")) out.server = NC_TRY(templ(r, s->value, scope));
  if (auto* t = f.find("tcp")) out.tcp = NC_TRY(r.boolean(t->value));
  if (auto* t = f.find("fallback")) out.tcp_fallback = NC_TRY(r.boolean(t->value));
  return out;
}

Result<DnsFault> parse_dns_fault(const Reader& r, const Value& v) {
  auto f = NC_TRY(r.map(v, "dns_fault", kFaultKeys, kFaultRequired));
  DnsFault out;
  auto* m = f.find("mode");
  out.mode = NC_TRY(r.word(m->value));
  if (std::ranges::find(kFaultModes, out.mode) == std::end(kFaultModes))
    return r.errorf(m->value.mark, "dns_fault: unknown mode '{}'; expected one of {}", out.mode, fmt::join(kFaultModes, ", "));
  if (auto* s = f.find("server")) out.server = NC_TRY(upstream_ip(r, s->value));
  auto* d = f.find("delay_ms");
  if (d) out.delay_ms = static_cast<int>(NC_TRY(r.integer(d->value, 0, 600000)));
  if ((out.mode == "delay") != (d != nullptr))
    return r.errorf(m->value.mark, "dns_fault: delay_ms goes with mode delay, and only with it");
  return out;
}

Result<DnsLog> parse_dns_log(const Reader& r, const Value& v) {
  DnsLog out;
  if (v.node.IsScalar()) {
    out.name = NC_TRY(r.word(v));
    return out;
  }
  auto f = NC_TRY(r.map(v, "dns_log", kLogKeys));
  if (auto* n = f.find("name")) out.name = NC_TRY(r.word(n->value));
  if (auto* s = f.find("server")) out.server = NC_TRY(upstream_ip(r, s->value));
  return out;
}

Result<HostResolv> parse_host_resolv(const Reader& r, const Value& v) {
  auto f = NC_TRY(r.map(v, "host_resolv", kHostResolvKeys, kHostResolvRequired));
  HostResolv out;
  out.nameservers = NC_TRY(address_list(r, f.find("nameservers")->value));
  if (auto* x = f.find("search")) out.search = NC_TRY(resolv_words(r, x->value, true));
  if (auto* x = f.find("options")) out.options = NC_TRY(resolv_words(r, x->value, false));
  if (auto* x = f.find("systemd_resolved")) out.systemd_resolved = NC_TRY(address_list(r, x->value));
  return out;
}

Result<void> fill_dns_detail(const Reader& r, const Field& f, const Scope& scope, Expect& e) {
  const auto& k = f.key;
  if (k == "rcode") {
    e.rcode = NC_TRY(r.word(f.value));
    if (std::ranges::find(kRcodes, *e.rcode) == std::end(kRcodes))
      return r.errorf(f.value.mark, "rcode: unknown '{}'; expected one of {}", *e.rcode, fmt::join(kRcodes, ", "));
  }
  if (k == "addresses") e.addresses = NC_TRY(templ_list(r, f.value, scope));
  if (k == "contains_address") e.contains_address = NC_TRY(templ_list(r, f.value, scope));
  if (k == "names") e.names = NC_TRY(r.strings(f.value));
  if (k == "ttl") e.ttl = static_cast<int>(NC_TRY(r.integer(f.value, 0, 2147483647)));
  if (k == "flags") e.flags = NC_TRY(flags(r, f.value));
  if (k == "answered_by") e.answered_by = NC_TRY(templ(r, f.value, scope));
  if (k == "count") e.count = static_cast<int>(NC_TRY(r.integer(f.value, 0, 1000000)));
  if (k == "min_count") e.min_count = static_cast<int>(NC_TRY(r.integer(f.value, 0, 1000000)));
  if (k == "source") e.source = NC_TRY(templ(r, f.value, scope));
  return {};
}

}  // namespace nc::checks::detail
