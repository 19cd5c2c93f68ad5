#include "netimpl/drivers/driver.h"

namespace nc::drivers {

std::string derived_mac(const IpAddr& ip) {
  if (!ip.is_v4()) return "";
  auto* b = ip.bytes();
  return fmt::format("02:42:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], b[3]);
}

}  // namespace nc::drivers
