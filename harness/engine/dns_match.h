// Matching resolve and dns_log observations (pure; used by matcher.cc).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/engine/matcher.h"

namespace nc::engine {

struct Findings {
  std::vector<std::string> expected, problems;
};

// resolve: rcode, addresses (set equality), contains_address, names, ttl, flags, answered_by.
void match_resolve(const ResolvedExpect& w, const nlohmann::json& obs, Findings& f);
// dns_log: count, min_count, source (every listed query came from it).
void match_dns_log(const ResolvedExpect& w, const nlohmann::json& obs, Findings& f);

}  // namespace nc::engine
