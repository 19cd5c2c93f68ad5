#include "harness/checks/dns_steps.h"

#include <algorithm>

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
