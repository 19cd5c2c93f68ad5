#include "netimpl/base/error.h"

#include <cstring>

namespace nc {

std::unexpected<Error> sys_fail(std::string_view what, int err) {
  return std::unexpected(Error(fmt::format("{}: {}", what, std::strerror(err)), err));
}

}  // namespace nc
