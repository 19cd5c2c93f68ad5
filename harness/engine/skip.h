// Why a check cannot run here: a kernel feature or a runtime capability it `requires:` is
// missing. `run` and `bench checks` skip on the same grounds.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/checks/check.h"
#include "harness/kernel/features.h"
#include "netimpl/api/runtime.h"

namespace nc::engine {

// "" when the kernel has every feature the check requires; otherwise the reason, naming the
// kernel it was judged on ("kernel lacks ipvlan (...) [kernel 6.1.0-50-amd64]"), so a skip
// in a run over several kernels (run --kernel) says which one lacked it.
std::string kernel_skip_reason(const checks::Check& c, const std::vector<kernel::Feature>& features,
                               std::string_view release);

// "" when the check can run; otherwise the reason, in words ("runtime podman lacks dns").
std::string skip_reason(const checks::Check& c, const api::Runtime& rt, std::string_view rt_name,
                        const std::vector<kernel::Feature>& features);

}  // namespace nc::engine
