// The `expect:` of a step. Internal to the loader.
#pragma once

#include "harness/checks/scope.h"

namespace nc::checks::detail {

// Parses `expect` for a step whose action is `kind`; accepts only the keys that apply to
// that action, and checks its templates' variables against `scope`.
//   probe actions:   an outcome name, a list of outcome names, or a map
//   runtime actions: `ok`, or a map with `error` and/or `within_ms`
Result<Expect> parse_expect(const Reader& r, const Value& v, ActionKind kind, const Scope& scope);

}  // namespace nc::checks::detail
