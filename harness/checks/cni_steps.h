// The cni action of a check's steps and its expect. Internal to the loader.
#pragma once

#include "harness/checks/scope.h"

namespace nc::checks::detail {

// cni: {command: ADD|CHECK|DEL, container: C, network: N, ifname: eth1, netns: gone}
// (netns: gone only with DEL; the container and network must exist at that step).
Result<CniCall> parse_cni(const Reader& r, const Value& v, const Scope& scope);

// expect: ok | error | {error: "text", error_code: N, within_ms: M}
Result<Expect> parse_cni_expect(const Reader& r, const Value& v);

}  // namespace nc::checks::detail
