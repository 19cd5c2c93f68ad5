// Finding a container's network namespace from outside, without the runtime's help.
//
// A namespace's identity is its nsfs inode, printed by readlink as "net:[4026532310]" the
// same in every PID namespace. The probe reports it (`listeners` → "netns"); the harness,
// as root in the machine's PID namespace, sees every process (a lab's and a daemon's
// included) and holds the namespace through the first process found in it. A namespace
// with no process in it (none can be exec'd into either) is not found: an error.
#pragma once

#include <string>

#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::diagnose {

// Holds the network namespace whose /proc/PID/ns/net link reads `link` ("net:[N]").
// `name` is for errors and logs.
Result<Namespaces> netns_by_link(const std::string& name, const std::string& link);

// The PID, in this machine's PID namespace, of a process of the container whose full ID
// is `id`: found by its cgroup (every runtime puts a container's processes in a cgroup
// named after its ID: docker-ID.scope, /docker/ID, libpod-ID.scope). `hint` (the runtime's
// State.Pid) is tried first; it is only right when the daemon shares our PID namespace.
Result<int> pid_of_container(const std::string& id, int hint);

// The first `nameserver` of a resolv.conf text ("" when it names none).
std::string first_nameserver(const std::string& resolv_conf);

}  // namespace nc::diagnose
