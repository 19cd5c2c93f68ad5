#include "netimpl/dns/fuzz/fuzz_respond.h"

#include <random>
#include <vector>

#include "netimpl/dns/answer_cache.h"
#include "netimpl/dns/message.h"
#include "netimpl/dns/responder.h"

namespace nc::dns::fuzz {
namespace {

NameTable& table() {
  static NameTable t;
  return t;
}

std::mt19937& rng() {
  static std::mt19937 r(1);
  return r;
}

}  // namespace

void setup() {
  NameTable& t = table();
  t.set_network("appnet", false);
  t.set_network("inner", true);
  t.put({.name = "web", .hostname = "webhost", .short_id = "0123456789ab",
         .endpoints = {{.network = "appnet", .ip = *IpAddr::parse("172.18.0.2"), .aliases = {"www"}},
                       {.network = "inner", .ip = *IpAddr::parse("fd00::2"), .aliases = {}}}});
  for (int i = 0; i < 40; ++i)
    t.put({.name = "m" + std::to_string(i), .hostname = "", .short_id = "",
           .endpoints = {{.network = "appnet", .ip = IpAddr::v4(0xac120010 + i), .aliases = {"many"}}}});
}

void one_input(const uint8_t* data, size_t n) {
  std::vector<std::pair<size_t, size_t>> rrs;
  (void)answer_records({data, n}, rrs);  // the cache's wire walker on raw bytes
  auto q = parse_query({data, n});
  if (!q) return;
  AnswerCache cache;
  for (auto limit : {size_t(512), q->udp_size, size_t(65535)}) {
    auto d = respond(*q, table(), "web", limit, rng());
    cache.store({data, n}, 1, d.reply);
  }
  std::vector<uint8_t> out;
  (void)cache.lookup({data, n}, 1, rng(), out);
}

}  // namespace nc::dns::fuzz
