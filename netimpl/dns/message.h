// DNS messages on the wire, through ldns: parse a query, build an answer.
//
// This layer has no I/O and no std::expected (the fuzz target builds it with any
// compiler): a packet that is not a query we answer comes back as nullopt, whatever is
// wrong with it. ldns objects are owned by unique_ptrs with ldns's free functions.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <ldns/ldns.h>

namespace nc::dns {

inline constexpr uint16_t kTypeA = 1;
inline constexpr uint16_t kTypePtr = 12;
inline constexpr uint16_t kTypeAaaa = 28;
inline constexpr uint8_t kNoError = 0, kServFail = 2, kNxDomain = 3, kRefused = 5;
inline constexpr size_t kClassicUdpSize = 512;

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktFree>;

// A query with exactly one question, QR clear, opcode QUERY.
struct Query {
  PktPtr pkt;
  uint16_t id = 0;
  std::string qname;  // as written, without the trailing dot ("Web.appnet")
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  size_t udp_size = kClassicUdpSize;  // the EDNS0 size the client offered, at least 512
  bool edns = false;
};

// nullopt: malformed, a response, another opcode, or not exactly one question. Such
// packets get no reply (BEHAVIOUR.md: a query with no question gets none).
std::optional<Query> parse_query(std::span<const uint8_t> wire);

// One answer record; `addr` (A/AAAA, 4 or 16 bytes) or `target` (PTR, a name).
struct Answer {
  uint16_t type = kTypeA;
  uint32_t ttl = 600;
  std::vector<uint8_t> addr;
  std::string target;  // "web.appnet." (absolute)
};

// The reply to `q`: its id, RD copied, RA set, AA clear, the question echoed (its case
// kept), `rcode` and `answers`. When the result is longer than `limit`, TC is set and
// answers are dropped from the end until it fits (Docker's truncateResp: the client gets
// the records that fit and may retry over TCP for all) — or, with kDropAll, all of them
// (BIND's way: an RRset that does not fit whole is left out; the lab's upstream does this).
// Empty only if ldns fails.
enum class Truncation { kKeepWhatFits, kDropAll };
std::vector<uint8_t> build_reply(const Query& q, uint8_t rcode, const std::vector<Answer>& answers, size_t limit,
                                 Truncation how = Truncation::kKeepWhatFits);

// The address a reverse name stands for ("2.0.18.172.in-addr.arpa" → 172.18.0.2), as 4 or
// 16 bytes; empty when `qname` is not a complete reverse name.
std::vector<uint8_t> reverse_address(const std::string& qname);

// The rcode of a reply on the wire, or -1 when it is shorter than a header.
int reply_rcode(std::span<const uint8_t> wire);
// The number of answer records a reply's header announces, or -1 when it is shorter than one.
int reply_answer_count(std::span<const uint8_t> wire);

// A query for `name` (absolute or not) of `type`, RD set, with `id`, and an EDNS0 OPT record
// offering `edns_size` when it is not 0. Empty when ldns cannot take the name.
std::vector<uint8_t> build_query(const std::string& name, uint16_t type, uint16_t id, uint16_t edns_size = 0);

}  // namespace nc::dns
