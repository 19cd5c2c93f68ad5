// Test-only: the nftables ruleset of a namespace as an outside observer sees it, for
// "identical before and after" comparisons.
#pragma once

#include <nlohmann/json.hpp>

#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::nft::testing {

// `nft -j list ruleset` run inside `ns`, without metainfo and rule/table handles (handles
// change whenever Firewall::apply recreates the table, by design). An error when nft cannot
// run or prints no ruleset, so that two failed dumps never compare equal.
Result<nlohmann::json> normalized_ruleset(const Namespaces& ns);

}  // namespace nc::nft::testing
