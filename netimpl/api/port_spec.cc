#include "netimpl/api/port_spec.h"

namespace nc::api {
namespace {

std::string range(uint16_t first, uint16_t last) {
  return first == last || last == 0 ? fmt::format("{}", first) : fmt::format("{}-{}", first, last);
}

}  // namespace

std::string format_port_spec(const PortSpec& s) {
  std::string out;
  if (s.host_ip) out = s.host_ip->is_v6() ? fmt::format("[{}]:", *s.host_ip) : fmt::format("{}:", *s.host_ip);
  if (s.host_first != 0) out += range(s.host_first, s.host_last) + ":";
  else if (s.host_ip) out += ":";
  return fmt::format("{}{}/{}", out, range(s.container_first, s.container_last), proto_name(s.proto));
}

}  // namespace nc::api
