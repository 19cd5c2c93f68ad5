// Test helper: a DNS query on the wire, built with ldns.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include <ldns/ldns.h>

namespace nc::dns {

inline std::vector<uint8_t> make_query(const std::string& name, uint16_t type, uint16_t id = 0x1234,
                                       uint16_t edns_size = 0) {
  ldns_pkt* p = nullptr;
  ldns_pkt_query_new_frm_str(&p, name.c_str(), static_cast<ldns_rr_type>(type), LDNS_RR_CLASS_IN, LDNS_RD);
  ldns_pkt_set_id(p, id);
  if (edns_size) ldns_pkt_set_edns_udp_size(p, edns_size);
  uint8_t* buf = nullptr;
  size_t n = 0;
  ldns_pkt2wire(&buf, p, &n);
  std::vector<uint8_t> out(buf, buf + n);
  std::free(buf);
  ldns_pkt_free(p);
  return out;
}

}  // namespace nc::dns
