// The cni step: one CNI operation through the runtime's api::CniControl, and its match.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "harness/checks/check.h"
#include "harness/engine/matcher.h"
#include "netimpl/api/runtime.h"

namespace nc::engine {

// {"ok": true, "ips": [...]} or {"ok": false, "code": N, "msg": "...", "error": "..."}; a
// request the runtime could not make at all (or a runtime that drives no CNI plugins) is
// {"ok": false, "error": "..."} without a code. `description` gets the step's words.
nlohmann::json cni_step(const checks::CniCall& a, api::Runtime& rt, std::string& description);

// Adds the cni expectation's words and problems: ok, or an Error result (code, msg).
void match_cni(const checks::Expect& e, const nlohmann::json& obs, std::vector<std::string>& expected,
               std::vector<std::string>& problems);

}  // namespace nc::engine
