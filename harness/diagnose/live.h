// `netconform diagnose FROM TARGET[:PORT]` against a runtime the user already runs (Docker,
// or Podman with --podman): the checklist (checklist.h) over that runtime's containers.
//
// Read-only: the runtime is asked only `inspect`; the probe is the host's binary, started
// in the container's network namespace (/proc/PID/ns/net, the process found by its cgroup,
// netns_find.h), so nothing is copied into, executed in, created on or removed from the
// runtime. Names resolve through the server the container's own /etc/resolv.conf names
// (read through /proc/PID/root); its search list and ndots are not applied.
// FROM is a container, or `host` for a published port (TARGET:HOST_PORT): then the probe
// runs in the runtime's own network namespace (the one the target's shim or conmon runs in,
// where the runtime maps published ports) and reaches the port through the target's
// gateway, an address of that namespace; the checklist asks whether the port is published
// and where it leads. Traffic goes only to the runtime's containers and that gateway.
#pragma once

#include <string>

namespace nc::diagnose {

struct LiveOptions {
  std::string from, target;   // as on the command line
  bool podman = false;        // false: docker
  std::string endpoint;       // --docker-host / --podman-url; empty: the client's default
  std::string probe_path;
  bool json = false;          // print the diagnosis as JSON
};

// Prints the diagnosis on stdout. Returns the exit status: 0 the path works, 1 a step
// failed (the cause, its evidence and the fix printed), 2 usage error (printed on stderr).
int diagnose_live(const LiveOptions& o);

}  // namespace nc::diagnose
