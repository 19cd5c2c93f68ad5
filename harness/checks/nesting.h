// How deep a YAML text nests, found without parsing it.
//
// yaml-cpp's scanner queues a token per bracket before it hands the parser a single event
// (ten megabytes of '[' cost it 10.8 s and 1.4 GB), and its parser recurses once per
// level; its event API does not stop that early. So the loader scans the text first and
// refuses a check that nests deeper than a bound, before yaml-cpp sees it.
//
// The scan follows YAML where it decides structure: block collections open by indentation,
// compact entries ("- - x", "- key: v", "? ") and "key:" at the start of a line; flow
// collections open with '[' or '{' where a node may start (anywhere inside a flow
// collection); quoted scalars, comments and the content of block scalars (| and >) hold
// no structure. Where it cannot tell structure from text it counts it as structure, so a
// pathological file may be refused a little early, never late. It does not validate: a
// malformed file that stays within the bound is left to yaml-cpp to reject.
#pragma once

#include <optional>
#include <string_view>

#include "harness/checks/text_chars.h"

namespace nc::checks::detail {

// Where the first collection opens that makes the text nest more than `limit` levels
// deep (the top-level map is level 1), or nullopt when it never does.
std::optional<TextPos> nesting_exceeds(std::string_view yaml, int limit);

}  // namespace nc::checks::detail
