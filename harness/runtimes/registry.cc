#include "harness/runtimes/registry.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace nc::runtimes {

const std::vector<RuntimeKind>& runtime_kinds() {
  static const std::vector<RuntimeKind> kinds = [] {
    std::vector<RuntimeKind> k{netimpl_kind()};
    for (auto& h : hosted_kinds()) k.push_back(std::move(h));
    for (auto& r : root_kinds()) k.push_back(std::move(r));
    k.push_back(exec_kind());
    k.push_back(cni_kind());
    return k;
  }();
  return kinds;
}

const RuntimeKind* find_runtime_kind(std::string_view name) {
  for (auto& k : runtime_kinds())
    if (k.matches(name)) return &k;
  return nullptr;
}

std::string unknown_runtime_message(std::string_view name) {
  std::vector<std::string> known;
  for (auto& k : runtime_kinds()) known.push_back(fmt::format("{} ({})", k.name, k.summary));
  return fmt::format("--runtime {}: unknown; known runtimes: {}", name, fmt::join(known, ", "));
}

std::vector<std::string> comparable_runtimes(std::vector<std::string>* left_out) {
  std::vector<std::string> out;
  for (auto& k : runtime_kinds()) {
    if (k.name == "netimpl" || k.name.ends_with(':')) continue;
    std::string why = k.missing ? k.missing() : "";
    if (why.empty()) out.push_back(k.name);
    else if (left_out) left_out->push_back(fmt::format("{}: {}", k.name, why));
  }
  return out;
}

Result<std::vector<std::string>> comparable_runtimes(const std::vector<std::string>& asked,
                                                     std::vector<std::string>* left_out) {
  if (asked.empty()) return comparable_runtimes(left_out);
  std::vector<std::string> out;
  for (auto& name : asked) {
    const RuntimeKind* k = find_runtime_kind(name);
    if (!k) return fail(unknown_runtime_message(name));
    if (k->name.ends_with(':')) return failf("--runtime {}: a benchmark compares runtimes of a plain name only", name);
    if (k->name == "netimpl" || std::find(out.begin(), out.end(), name) != out.end()) continue;
    std::string why = k->missing ? k->missing() : "";
    if (why.empty()) out.push_back(name);
    else if (left_out) left_out->push_back(fmt::format("{}: {}", name, why));
  }
  return out;
}

Result<std::unique_ptr<RuntimeUnderTest>> make_runtime_under_test(std::string_view name, const RunContext& ctx) {
  const RuntimeKind* k = find_runtime_kind(name);
  if (!k) return fail(unknown_runtime_message(name));
  if (k->missing)
    if (auto why = k->missing(); !why.empty()) return failf("--runtime {}: {}", name, why);
  return k->make(name, ctx);
}

}  // namespace nc::runtimes
