// What the embedded server does with one parsed query from one container: answer it from
// the name table, or forward it. Pure (the random generator is passed in).
//
// A/AAAA for a known name: every address of that family, shuffled, TTL 600; NODATA when
// the name has none of that family; any other type for a known name: NODATA. PTR for an
// address of a visible container: "<name>.<network>.". Anything else is forwarded, unless
// the container may not forward (only internal networks): then SERVFAIL.
#pragma once

#include <random>
#include <string_view>
#include <vector>

#include "netimpl/dns/message.h"
#include "netimpl/dns/name_table.h"

namespace nc::dns {

inline constexpr uint32_t kLocalTtl = 600;

struct Decision {
  bool forward = false;
  std::vector<uint8_t> reply;  // when !forward
};

Decision respond(const Query& q, const NameTable& table, std::string_view asker, size_t limit, std::mt19937& rng);

}  // namespace nc::dns
