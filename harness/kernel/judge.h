// Turning one probe's outcome into a Feature: what "the kernel lacks it" means.
//
// Only the errnos by which the kernel says "no such thing here" mean absent: EOPNOTSUPP
// (unknown link type or chain type), ENOENT (a sysctl file that does not exist, an
// unknown nft expression), EAFNOSUPPORT, EPROTONOSUPPORT. Such a feature reads
//   "kernel lacks CONFIG_IPVLAN (<the error that showed it>)";
// any other error (EBUSY from a parent already taken, EPERM, ...) is the probe's own
// failure and reads "probe failed (<error>)" — never "kernel lacks".
#pragma once

#include <string>
#include <string_view>

#include "harness/kernel/feature.h"
#include "netimpl/base/error.h"

namespace nc::kernel {

bool means_absent(int err);

// The kernel option behind a feature (api/capability.h), or the name itself.
std::string_view config_of(std::string_view feature);

// A probe's result as the Feature `name`: available with the probe's note, or not with
// "kernel lacks ..." / "probe failed (...)" as above.
Feature judge(std::string_view name, const Result<std::string>& probe);

// Whether an unavailable feature is missing from the kernel (its detail says "kernel
// lacks ..."), rather than not loaded, not probed, or disabled.
bool kernel_lacks(const Feature& f);

}  // namespace nc::kernel
