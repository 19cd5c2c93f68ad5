// The test zone the lab's upstream DNS serves (pure). Names under example.test on
// documentation addresses:
//   example.test        A 192.0.2.1
//   www.example.test    A 192.0.2.80, AAAA 2001:db8::80
//   big.example.test    A 192.0.2.100 … 192.0.2.139 (40 records: more than 512 bytes)
//   v6only.example.test AAAA 2001:db8::6
// Other names under example.test: NXDOMAIN; names elsewhere: NXDOMAIN too (the lab has no
// internet). TTL 300, AA set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netimpl/dns/message.h"

namespace nc::upstream_dns {

inline constexpr uint32_t kZoneTtl = 300;

struct ZoneAnswer {
  uint8_t rcode = dns::kNoError;
  std::vector<dns::Answer> answers;
};

ZoneAnswer zone_lookup(const std::string& qname, uint16_t qtype);

}  // namespace nc::upstream_dns
