// Test helper: a DNS query on the wire (message.h build_query), with the tests' usual id.
#pragma once

#include <string>
#include <vector>

#include "netimpl/dns/message.h"

namespace nc::dns {

inline std::vector<uint8_t> make_query(const std::string& name, uint16_t type, uint16_t id = 0x1234,
                                       uint16_t edns_size = 0) {
  return build_query(name, type, id, edns_size);
}

}  // namespace nc::dns
