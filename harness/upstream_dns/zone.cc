#include "harness/upstream_dns/zone.h"

#include "netimpl/base/ip.h"
#include "netimpl/dns/name_table.h"

namespace nc::upstream_dns {
namespace {

struct Record {
  const char* name;
  uint16_t type;
  const char* addr;
};

constexpr Record kRecords[] = {
    {"example.test", dns::kTypeA, "192.0.2.1"},
    {"www.example.test", dns::kTypeA, "192.0.2.80"},
    {"www.example.test", dns::kTypeAaaa, "2001:db8::80"},
    {"v6only.example.test", dns::kTypeAaaa, "2001:db8::6"},
};

dns::Answer answer(uint16_t type, const IpAddr& ip) {
  return {.type = type, .ttl = kZoneTtl, .addr = {ip.bytes(), ip.bytes() + ip.size()}, .target = {}};
}

}  // namespace

ZoneAnswer zone_lookup(const std::string& qname, uint16_t qtype) {
  std::string q = dns::lower(qname);
  if (q.ends_with('.')) q.pop_back();
  ZoneAnswer out;
  bool exists = false;
  if (q == "big.example.test") {
    exists = true;
    if (qtype == dns::kTypeA)
      for (uint32_t i = 0; i < 40; ++i) out.answers.push_back(answer(dns::kTypeA, IpAddr::v4(0xc0000264 + i)));
  }
  for (auto& r : kRecords) {
    if (q != r.name) continue;
    exists = true;
    if (r.type == qtype) out.answers.push_back(answer(r.type, *IpAddr::parse(r.addr)));
  }
  if (!exists) out.rcode = dns::kNxDomain;
  return out;
}

}  // namespace nc::upstream_dns
