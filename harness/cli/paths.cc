#include "harness/cli/paths.h"

#include <unistd.h>

namespace nc::cli {

std::string default_catalogue_root() { return NC_SOURCE_DIR; }
std::string default_probe_path() { return NC_PROBE_PATH; }

Result<void> require_probe(const std::string& path) {
  if (::access(path.c_str(), X_OK) != 0)
    return sys_fail(fmt::format("probe agent {} (build it, or name it with --probe)", path));
  return {};
}

}  // namespace nc::cli
