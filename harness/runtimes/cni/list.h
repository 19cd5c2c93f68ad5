// Executing a network configuration list on an attachment (SPEC.md 1.0, Section 3).
//
//   add:   every plugin in order; the first gets no prevResult, each later one the result
//          of the one before; the first error halts. The final result is the attachment's,
//          kept by the caller for check and del ("the runtime must store the result").
//   check: every plugin in order, each with the final ADD result as prevResult (skipped
//          when the list sets disableCheck).
//   del:   every plugin in REVERSE order, each with the final ADD result as prevResult
//          (none when the add never produced one); the first error halts.
// An attachment is (container id, ifname) plus its netns path, CNI_ARGS and the capability
// arguments (runtimeConfig) — the same for add, check and del of it.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/runtimes/cni/plugin.h"

namespace nc::cni {

struct AttachmentParams {
  std::string container_id;
  std::string netns;
  std::string ifname;
  std::string args;                   // CNI_ARGS
  nlohmann::json capability_args = nlohmann::json::object();  // e.g. {"portMappings": [...]}
};

struct ListOutcome {
  std::optional<Success> result;     // add: the final plugin's result
  std::optional<ErrorResult> error;  // the first plugin that failed...
  std::string failed_plugin;         // ...its type
  std::string err_text;              // ...and its stderr

  bool ok() const { return !error; }
  std::string describe() const;  // "plugin portmap: CNI error 999 (...)"; "ok"
};

nc::Result<ListOutcome> add_list(const PluginEnv& env, const nlohmann::json& conflist, const AttachmentParams& a);
nc::Result<ListOutcome> check_list(const PluginEnv& env, const nlohmann::json& conflist, const AttachmentParams& a,
                                   const Success& added);
nc::Result<ListOutcome> del_list(const PluginEnv& env, const nlohmann::json& conflist, const AttachmentParams& a,
                                 const Success* added);

}  // namespace nc::cni
