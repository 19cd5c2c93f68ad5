#include "netimpl/nft/testing/ruleset.h"

#include <chrono>

#include "netimpl/process/process.h"

namespace nc::nft::testing {

Result<nlohmann::json> normalized_ruleset(const Namespaces& ns) {
  auto r = NC_TRY_CTX(nc::run({.argv = {"nft", "-j", "list", "ruleset"}, .ns = &ns}, std::chrono::seconds(10)),
                      "nft -j list ruleset in {}", ns.name());
  if (r.exit_code != 0) return fail(fmt::format("nft -j list ruleset in {}: {}", ns.name(), r.err));
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  if (!j.is_object() || !j.contains("nftables"))
    return fail(fmt::format("nft -j list ruleset in {}: no ruleset in its output", ns.name()));
  nlohmann::json out = nlohmann::json::array();
  for (auto& item : j["nftables"]) {
    if (item.contains("metainfo")) continue;
    for (auto& [kind, obj] : item.items()) obj.erase("handle");
    out.push_back(item);
  }
  return out;
}

}  // namespace nc::nft::testing
