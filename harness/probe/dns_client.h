// The probe's DNS client: one query to one server over UDP or TCP, with ldns for the
// wire format and plain sockets for I/O (no NSS, no ldns resolver: it blocks unbounded).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nc::probe {

struct DnsReply {
  bool answered = false;   // false: timeout or network error (`error` says which)
  std::string error;
  int rcode = -1;
  bool tc = false, aa = false, ra = false;
  long ttl = -1;                     // of the first answer; -1 when none
  std::vector<std::string> answers;  // rdata text of A/AAAA/PTR/others ("172.18.0.2", "web.appnet.")
};

// Parses "A", "AAAA", "PTR", "MX", "TXT", "ANY"...; 0 when unknown.
uint16_t dns_type(const std::string& name);
// "noerror", "servfail", "nxdomain", "refused", "formerr", ... ("rcodeN" otherwise).
std::string rcode_name(int rcode);

// Sends one query for `qname` (absolute: a trailing dot is added when missing) to
// server:53 and waits at most `timeout_ms`.
DnsReply dns_query(const std::string& qname, uint16_t type, const std::string& server, bool tcp, int timeout_ms);

// For a PTR lookup of an address: "172.18.0.2" → "2.0.18.172.in-addr.arpa"; names pass through.
std::string ptr_name(const std::string& name_or_ip);

}  // namespace nc::probe
