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

// The first `nameserver` of a resolv.conf text ("" when it names none).
std::string first_nameserver(const std::string& resolv_conf);

}  // namespace nc::diagnose
