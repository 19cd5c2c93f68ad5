#include "harness/checks/expect.h"

#include <algorithm>
#include <charconv>

#include <fmt/ranges.h>

#include "harness/checks/dns_steps.h"
#include "harness/diagnose/checklist.h"

namespace nc::checks::detail {
namespace {

constexpr std::string_view kExpectKeys[] = {
    "outcome", "peer", "contains", "not_contains", "listening", "not_listening", "address_in",
    "address", "iface", "no_iface", "default_via", "error", "within_ms", "slower_than_ms", "rcode", "addresses", "contains_address", "names", "ttl", "flags",
    "answered_by", "count", "min_count", "source", "mtu", "cause"};

// The detail keys each probe action takes, besides `outcome` and `within_ms`.
std::vector<std::string_view> detail_keys(ActionKind kind) {
  switch (kind) {
    case ActionKind::kConnect: return {"peer"};
    case ActionKind::kRead: return {"contains", "not_contains"};
    case ActionKind::kDiagnose: return {"contains", "not_contains", "cause"};
    case ActionKind::kListeners: return {"listening", "not_listening"};
    case ActionKind::kResolve: return {"rcode", "addresses", "contains_address", "names", "ttl", "flags", "answered_by"};
    case ActionKind::kDnsLog: return {"count", "min_count", "source"};
    case ActionKind::kInterfaces: return {"address_in", "address", "iface", "no_iface", "default_via", "mtu"};
    default: return {};
  }
}

std::vector<std::string_view> allowed_keys(ActionKind kind) {
  if (is_runtime(kind)) return {"error", "within_ms", "slower_than_ms"};
  auto keys = detail_keys(kind);
  keys.insert(keys.begin(), {"outcome", "within_ms", "slower_than_ms"});
  return keys;
}

bool has_variables(std::string_view text) { return text.find("${") != std::string_view::npos; }

Result<Outcome> outcome(const Reader& r, const Value& v) {
  auto name = NC_TRY(r.string(v));
  if (auto o = parse_outcome(name)) return *o;
  return r.errorf(v.mark, "unknown outcome '{}'; expected one of {}", name, fmt::join(kOutcomeNames, ", "));
}

Result<std::vector<Outcome>> outcomes(const Reader& r, const Value& v) {
  if (v.node.IsScalar()) return std::vector<Outcome>{NC_TRY(outcome(r, v))};
  std::vector<Outcome> out;
  for (const auto& item : NC_TRY(r.list(v))) out.push_back(NC_TRY(outcome(r, item)));
  if (out.empty()) return r.errorf(v.mark, "{}: empty list of outcomes", v.name);
  return out;
}

// A literal (variable-free) value must already parse; a template is checked after expansion.
Result<void> check_literal(const Reader& r, const Value& v, const std::string& text, std::string_view key) {
  if (has_variables(text)) return {};
  bool ok = true;
  if (key == "peer" || key == "address" || key == "default_via") ok = IpAddr::parse(text).has_value();
  if (key == "default_via") ok = ok || text == "none" || text == "direct";
  if (key == "address_in") ok = text.find('/') != std::string::npos && Prefix::parse(text).has_value();
  if (ok) return {};
  return r.errorf(v.mark, "{}: '{}' is not {}", key, text, key == "address_in" ? "a prefix (ADDRESS/LEN)" : "an IP address");
}

Result<void> check_socket(const Reader& r, const Value& v, const std::string& text) {
  auto colon = text.rfind(':');
  auto port_text = colon == std::string::npos ? std::string_view() : std::string_view(text).substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  bool port_ok = !port_text.empty() && ec == std::errc() && end == port_text.data() + port_text.size() && port <= 65535;
  if (!port_ok) return r.errorf(v.mark, "{}: '{}' is not ADDRESS:PORT", v.name, text);
  auto addr = std::string_view(text).substr(0, colon);
  if (addr.starts_with('[') && addr.ends_with(']')) addr = addr.substr(1, addr.size() - 2);
  if (has_variables(addr) || IpAddr::parse(addr)) return {};
  return r.errorf(v.mark, "{}: '{}' is not ADDRESS:PORT (IPv6 in brackets: [::]:80)", v.name, text);
}

Result<Template> one_template(const Reader& r, const Field& f, const Scope& scope) {
  auto text = NC_TRY(r.word(f.value));
  NC_TRY_VOID(scope.check_template(r, f.value, text));
  NC_TRY_VOID(check_literal(r, f.value, text, f.key));
  return text;
}

Result<std::vector<Template>> template_list(const Reader& r, const Field& f, const Scope& scope) {
  auto texts = NC_TRY(r.strings(f.value));
  for (const auto& text : texts) {
    NC_TRY_VOID(scope.check_template(r, f.value, text));
    if (f.key.find("listening") != std::string::npos) NC_TRY_VOID(check_socket(r, f.value, text));
  }
  return texts;
}

Result<void> check_applies(const Reader& r, const Field& f, ActionKind kind) {
  auto keys = allowed_keys(kind);
  if (std::ranges::find(keys, f.key) != keys.end()) return {};
  if (is_runtime(kind) && f.key == "outcome")
    return r.errorf(f.key_mark, "{} is a runtime action: expect ok, or {{error: \"text\"}} when it must fail", action_name(kind));
  return r.errorf(f.key_mark, "'{}' does not apply to {}; its expect takes {}", f.key, action_name(kind), fmt::join(keys, ", "));
}

Result<void> fill_detail(const Reader& r, const Field& f, const Scope& scope, Expect& e) {
  const auto& k = f.key;
  if (k == "peer") e.peer = NC_TRY(one_template(r, f, scope));
  if (k == "cause") {
    auto name = NC_TRY(r.word(f.value));
    if (!diagnose::parse_cause(name))
      return r.errorf(f.value.mark, "cause: unknown cause '{}'; expected one of {}", name, fmt::join(diagnose::kCauseNames, ", "));
    e.cause = name;
  }
  if (k == "contains") e.contains = NC_TRY(template_list(r, f, scope));
  if (k == "not_contains") e.not_contains = NC_TRY(template_list(r, f, scope));
  if (k == "listening") e.listening = NC_TRY(template_list(r, f, scope));
  if (k == "not_listening") e.not_listening = NC_TRY(template_list(r, f, scope));
  if (k == "address_in") e.address_in = NC_TRY(one_template(r, f, scope));
  if (k == "address") e.address = NC_TRY(one_template(r, f, scope));
  if (k == "iface") e.iface = NC_TRY(r.word(f.value));
  if (k == "no_iface") e.no_iface = NC_TRY(r.word(f.value));
  if (k == "mtu") e.mtu = static_cast<int>(NC_TRY(r.integer(f.value, 68, 65535)));
  NC_TRY_VOID(fill_dns_detail(r, f, scope, e));
  if (k == "default_via") e.default_via = NC_TRY(one_template(r, f, scope));
  if (e.default_via == "none") {
    e.default_via.reset();
    e.no_default_route = true;
  }
  return {};
}

Result<void> fill_field(const Reader& r, const Field& f, const Scope& scope, Expect& e) {
  if (f.key == "outcome") return {};  // read first, see parse_map
  if (f.key == "within_ms") {
    e.within = milliseconds(NC_TRY(r.integer(f.value, 1, 600000)));
    return {};
  }
  if (f.key == "slower_than_ms") {
    e.slower_than = milliseconds(NC_TRY(r.integer(f.value, 1, 600000)));
    return {};
  }
  if (f.key == "error") {
    e.error = NC_TRY(r.word(f.value));
    return {};
  }
  if (e.outcomes != std::vector<Outcome>{Outcome::kOk})
    return r.errorf(f.key_mark, "'{}' is checked only when the outcome is ok", f.key);
  return fill_detail(r, f, scope, e);
}

Result<Expect> parse_map(const Reader& r, const Value& v, ActionKind kind, const Scope& scope) {
  auto fields = NC_TRY(r.map(v, "expect", kExpectKeys));
  Expect e;
  if (is_probe(kind) || kind == ActionKind::kDnsLog) e.outcomes = {Outcome::kOk};
  for (const auto& f : fields.all) NC_TRY_VOID(check_applies(r, f, kind));
  if (auto* f = fields.find("outcome")) e.outcomes = NC_TRY(outcomes(r, f->value));
  for (const auto& f : fields.all) NC_TRY_VOID(fill_field(r, f, scope, e));
  if (e.within && e.slower_than && *e.slower_than >= *e.within)
    return r.errorf(fields.find("slower_than_ms")->value.mark, "slower_than_ms {} is not below within_ms {}: no duration meets both",
                    e.slower_than->count(), e.within->count());
  return e;
}

Result<Expect> parse_runtime_word(const Reader& r, const Value& v, ActionKind kind) {
  if (v.node.IsScalar() && v.node.Scalar() == "ok") return Expect{};
  return r.errorf(v.mark, "{} is a runtime action: expect ok, or {{error: \"text\"}} when it must fail", action_name(kind));
}

}  // namespace

Result<Expect> parse_expect(const Reader& r, const Value& v, ActionKind kind, const Scope& scope) {
  if (v.node.IsMap()) return parse_map(r, v, kind, scope);
  if (is_runtime(kind)) return parse_runtime_word(r, v, kind);
  if (!v.node.IsScalar() && !v.node.IsSequence())
    return r.errorf(v.mark, "expect: expected an outcome, a list of outcomes or a map, found {}", node_kind(v.node));
  Expect e;
  e.outcomes = NC_TRY(outcomes(r, v));
  return e;
}

}  // namespace nc::checks::detail
