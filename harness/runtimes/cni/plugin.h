// Running one CNI plugin binary as the specification's Execution Protocol says (SPEC.md 1.0,
// Section 2): the parameters in CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME,
// CNI_ARGS and CNI_PATH, the execution configuration as JSON on stdin, in the runtime's
// networking domain (the lab host's namespaces, never the machine's), bounded in time.
//
// What comes back is typed (result.h):
//   - exit 0: ADD must print a Success result (checked; a malformed one is an error);
//     CHECK and DEL print nothing or a result, which is ignored; VERSION prints a Version;
//   - exit non-zero: the plugin must print an Error result (code, msg) — Outcome::error.
// nc::Result errors are for what is not a CNI answer at all, each naming the plugin and
// command: "plugin bridge ADD: no executable 'bridge' in /usr/lib/cni", "... did not
// finish within 10000 ms", "... exited 2 without an error result on stdout (stderr: ...)",
// "... result: ips[0].address: '10.0.0.2' is not an address in CIDR notation".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/runtimes/cni/result.h"
#include "netimpl/ns/namespaces.h"

namespace nc::cni {

struct PluginEnv {
  std::string cni_path = "/usr/lib/cni";  // CNI_PATH: directories separated by ':'
  const Namespaces* domain = nullptr;      // where plugins run (the lab host); null: here
  std::chrono::milliseconds timeout{20000};
};

struct Invocation {
  std::string command;       // ADD | DEL | CHECK | VERSION
  std::string container_id;  // CNI_CONTAINERID
  std::string netns;         // CNI_NETNS; empty: not set
  std::string ifname;        // CNI_IFNAME
  std::string args;          // CNI_ARGS ("IgnoreUnknown=1;IP=10.0.0.5"); empty: not set
  nlohmann::json config;     // the execution configuration (config.h), written to stdin
};

struct Outcome {
  std::optional<Success> success;    // exit 0 of ADD
  std::optional<ErrorResult> error;  // non-zero exit
  std::string err_text;              // the plugin's stderr (logs), trimmed to its tail

  bool ok() const { return !error; }
};

// Where the plugin `type` is: the first directory of CNI_PATH holding an executable of that
// name. A type with '/' in it, or none found, is an error.
nc::Result<std::string> find_plugin(std::string_view cni_path, std::string_view type);

nc::Result<Outcome> run_plugin(const PluginEnv& env, std::string_view type, const Invocation& inv);

// VERSION: the versions the plugin supports; an error when they lack kSpecVersion.
nc::Result<std::vector<std::string>> plugin_versions(const PluginEnv& env, std::string_view type);

}  // namespace nc::cni
