// Every runtime netconform can test, by name: the one place that knows the names.
//
// A runtime kind is a name (or a name prefix such as "exec:") and a function that makes its
// RuntimeUnderTest (under_test.h). `run --runtime`, the benchmarks and `--help` all go
// through here, so adding a runtime is one kind in one file of its own plus its line in
// kinds() (registry.cc).
//
// Nothing is started by make_runtime_under_test(): the runtime starts at the first
// acquire(), inside the lab. A name that is unknown is an error that lists the known ones.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/runtimes/under_test.h"

namespace nc::runtimes {

// The same for every runtime of a run.
struct RunContext {
  std::string probe_path;      // the probe binary (netimpl's containers run it; images carry it)
  std::string cgroup_parent;   // cgroup_gc.h: run_cgroup_name(); hosted runtimes put containers there
  // --docker-host / --podman-url: runtime name → an existing daemon to use instead of a
  // private one in the lab.
  std::map<std::string, std::string> endpoints;
  // netimpl only: false gives containers their network but no process (topology benchmarks).
  bool start_processes = true;
};

struct RuntimeKind {
  std::string name;     // "docker@26.1", or a prefix ending in ':' ("exec:")
  std::string summary;  // one line for --help and the unknown-name error
  std::function<Result<std::unique_ptr<RuntimeUnderTest>>(std::string_view name, const RunContext&)> make;
  // Why it cannot run on this machine ("" when it can): a package not installed, a root not
  // built — with the command that fixes it. Empty function: always available.
  std::function<std::string()> missing;

  bool matches(std::string_view n) const {
    return name.ends_with(':') ? n.starts_with(name) && n.size() > name.size() : n == name;
  }
};

// Every kind, in the order --help lists them.
const std::vector<RuntimeKind>& runtime_kinds();

// Null when `name` is no runtime netconform knows.
const RuntimeKind* find_runtime_kind(std::string_view name);

// "--runtime NAME: unknown; known runtimes: netimpl (...), docker (...), ..., exec:PATH[=NAME] (...)"
std::string unknown_runtime_message(std::string_view name);

// The kind's make(); an unknown name is the error above.
Result<std::unique_ptr<RuntimeUnderTest>> make_runtime_under_test(std::string_view name, const RunContext& ctx);

// The runtimes a benchmark compares with netimpl: every kind with a plain name but netimpl.
// The ones that cannot run here come back in `left_out` with the reason.
std::vector<std::string> comparable_runtimes(std::vector<std::string>* left_out = nullptr);
// The same, limited to `asked` (`bench --runtime`) when it is not empty: an unknown name, or
// one of a prefix kind (exec:), is an error; "netimpl" in it is ignored (netimpl is always
// the base of the comparison).
Result<std::vector<std::string>> comparable_runtimes(const std::vector<std::string>& asked,
                                                     std::vector<std::string>* left_out);

// The kinds, each declared in the file that implements it.
RuntimeKind netimpl_kind();
std::vector<RuntimeKind> hosted_kinds();  // docker, podman (the machine's packages)
std::vector<RuntimeKind> root_kinds();    // docker@26.1, podman@5.4[+iptables] (ci/runtime-root)
RuntimeKind exec_kind();                  // exec:PATH[=NAME] (exec/exec_kind.cc)
RuntimeKind cni_kind();                   // cni/cni_kind.cc

}  // namespace nc::runtimes
