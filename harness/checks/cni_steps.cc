#include "harness/checks/cni_steps.h"

#include <algorithm>

#include <fmt/ranges.h>

namespace nc::checks::detail {
namespace {

constexpr std::string_view kCniKeys[] = {"command", "container", "network", "ifname", "netns"};
constexpr std::string_view kCniRequired[] = {"command", "container", "network"};
constexpr std::string_view kCniCommands[] = {"ADD", "CHECK", "DEL"};
constexpr std::string_view kCniExpectKeys[] = {"error", "error_code", "within_ms"};

}  // namespace

Result<CniCall> parse_cni(const Reader& r, const Value& v, const Scope& scope) {
  auto f = NC_TRY(r.map(v, "cni", kCniKeys, kCniRequired));
  CniCall c;
  auto& command = f.find("command")->value;
  c.command = NC_TRY(r.word(command));
  if (std::ranges::find(kCniCommands, c.command) == std::end(kCniCommands))
    return r.errorf(command.mark, "cni: unknown command '{}'; expected {} (VERSION runs when the runtime starts)",
                    c.command, fmt::join(kCniCommands, ", "));
  auto& container = f.find("container")->value;
  c.container = NC_TRY(r.word(container));
  NC_TRY_VOID(scope.need_container(r, container.mark, c.container));
  auto& network = f.find("network")->value;
  c.network = NC_TRY(r.word(network));
  NC_TRY_VOID(scope.need_network(r, network.mark, c.network));
  if (auto* i = f.find("ifname")) c.ifname = NC_TRY(r.word(i->value));
  if (auto* n = f.find("netns")) {
    auto what = NC_TRY(r.word(n->value));
    if (what != "gone") return r.errorf(n->value.mark, "cni: netns: '{}'; the only value is gone", what);
    if (c.command != "DEL") return r.errorf(n->key_mark, "cni: netns: gone applies to DEL, not {}", c.command);
    c.netns_gone = true;
  }
  return c;
}

Result<Expect> parse_cni_expect(const Reader& r, const Value& v) {
  Expect e;
  if (v.node.IsScalar()) {
    auto word = NC_TRY(r.word(v));
    if (word == "ok") return e;
    if (word == "error") {
      e.error = "";
      return e;
    }
    return r.errorf(v.mark, "cni: expect ok, error, or {{error: \"text\", error_code: N}}; found '{}'", word);
  }
  auto f = NC_TRY(r.map(v, "expect", kCniExpectKeys));
  if (auto* x = f.find("error")) e.error = NC_TRY(r.word(x->value));
  if (auto* x = f.find("error_code")) {
    e.error_code = static_cast<int>(NC_TRY(r.integer(x->value, 1, 9999)));
    if (!e.error) e.error = "";
  }
  if (auto* x = f.find("within_ms")) e.within = milliseconds(NC_TRY(r.integer(x->value, 1, 600000)));
  return e;
}

}  // namespace nc::checks::detail
