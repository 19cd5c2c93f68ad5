#include "harness/runtimes/cni/list.h"

#include <fmt/format.h>

#include "harness/runtimes/cni/config.h"

namespace nc::cni {

using nlohmann::json;

namespace {

Invocation invocation(std::string command, const AttachmentParams& a, json config) {
  return {.command = std::move(command), .container_id = a.container_id, .netns = a.netns, .ifname = a.ifname,
          .args = a.args, .config = std::move(config)};
}

ListOutcome failed(std::string type, Outcome o) {
  return {.result = std::nullopt, .error = std::move(o.error), .failed_plugin = std::move(type),
          .err_text = std::move(o.err_text)};
}

// CHECK and DEL: every plugin (in `order`) with the final ADD result as prevResult.
nc::Result<ListOutcome> run_each(const PluginEnv& env, const json& conflist, const AttachmentParams& a,
                                 const char* command, const Success* added, bool reverse) {
  const auto& plugins = conflist["plugins"];
  for (size_t k = 0; k < plugins.size(); ++k) {
    size_t i = reverse ? plugins.size() - 1 - k : k;
    std::string type = plugins[i]["type"];
    auto config = exec_config(conflist, i, a.capability_args, added ? &added->raw : nullptr);
    auto o = NC_TRY(run_plugin(env, type, invocation(command, a, std::move(config))));
    if (!o.ok()) return failed(type, std::move(o));
  }
  return ListOutcome{};
}

}  // namespace

std::string ListOutcome::describe() const {
  if (!error) return "ok";
  return fmt::format("plugin {}: {}{}", failed_plugin, error->str(), err_text.empty() ? "" : " (stderr: " + err_text + ")");
}

nc::Result<ListOutcome> add_list(const PluginEnv& env, const json& conflist, const AttachmentParams& a) {
  const auto& plugins = conflist["plugins"];
  std::optional<Success> prev;
  for (size_t i = 0; i < plugins.size(); ++i) {
    std::string type = plugins[i]["type"];
    auto config = exec_config(conflist, i, a.capability_args, prev ? &prev->raw : nullptr);
    auto o = NC_TRY(run_plugin(env, type, invocation("ADD", a, std::move(config))));
    if (!o.ok()) return failed(type, std::move(o));
    // A chained plugin must pass prevResult through (or modify it): what it printed is the
    // result from here on.
    prev = std::move(o.success);
  }
  return ListOutcome{.result = std::move(prev), .error = std::nullopt, .failed_plugin = "", .err_text = ""};
}

nc::Result<ListOutcome> check_list(const PluginEnv& env, const json& conflist, const AttachmentParams& a,
                                   const Success& added) {
  if (conflist.value("disableCheck", false)) return ListOutcome{};
  return run_each(env, conflist, a, "CHECK", &added, false);
}

nc::Result<ListOutcome> del_list(const PluginEnv& env, const json& conflist, const AttachmentParams& a,
                                 const Success* added) {
  return run_each(env, conflist, a, "DEL", added, true);
}

}  // namespace nc::cni
