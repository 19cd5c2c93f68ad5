// A runtime kept for a whole shard (Docker, Podman, an exec adapter) as a RuntimeUnderTest.
//
// The runtime-specific part is only how to start one: a ShardStart builds a lab host, starts
// the runtime in it and returns both as a ShardRuntime. This owner does the rest, the same
// for every such runtime (under_test.h): restart when a check needs another initial
// ip_forward, remember a failed start, reset the runtime and the lab host between checks
// (lab/lab_reset.h) and drop both when either reset fails.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "harness/runtimes/under_test.h"

namespace nc::runtimes {

// A started runtime in a lab host of its own.
class ShardRuntime {
 public:
  virtual ~ShardRuntime() = default;
  virtual const lab::LabHost& host() const = 0;
  virtual api::Runtime& runtime() = 0;
};

struct ShardStartArgs {
  bool ip_forward = true;
  // The lab host's resolver files, to be written (lab::write_host_resolv) after the lab
  // host is made and before the runtime starts; absent: the lab's usual ones.
  std::optional<lab::HostResolvFiles> host_resolv;
  std::string state_dir;  // a fresh directory name below /run/ for this start (not created)
  std::optional<Prefix> default_bridge6;  // LabNeeds::default_bridge6
};

using ShardStart = std::function<Result<std::unique_ptr<ShardRuntime>>(const ShardStartArgs&)>;

// `name`: the runtime's name as given; `family`: its expectations family ("docker").
std::unique_ptr<RuntimeUnderTest> make_per_shard(std::string name, std::string family, ShardStart start);

}  // namespace nc::runtimes
