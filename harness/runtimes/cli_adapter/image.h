// The probe image: a tar archive holding only the static probe, imported into the runtime
// with `import` (no registry is contacted, nothing is pulled).
#pragma once

#include <string>

#include "harness/runtimes/cli_adapter/command.h"
#include "netimpl/base/error.h"

namespace nc::runtimes {

// Writes a POSIX ustar archive at `tar_path` with one regular file, `name_in_tar` (mode
// 0755), holding the bytes of `file`. Errors name the file that could not be read or written.
Result<void> write_single_file_tar(const std::string& file, const std::string& name_in_tar,
                                   const std::string& tar_path);

// Builds the archive in `work_dir` and imports it as `image` with the probe at /probe.
Result<void> import_probe_image(const Cli& cli, const std::string& probe_path, const std::string& work_dir,
                                const std::string& image);

}  // namespace nc::runtimes
