// AFL++ target for the embedded server's packet handling: parse a query and answer it
// from a small name table, as the event loop does for every datagram (ci/fuzz-dns).
// Reads one input from stdin per run (AFL++'s classic afl-g++ mode: its GCC plugin does not
// load with Debian 12's gcc, and clang 14 cannot compile std::expected, used by nc_base).
#include <unistd.h>

#include <cstdint>
#include <random>
#include <vector>

#include "netimpl/dns/message.h"
#include "netimpl/dns/responder.h"

int main() {
  nc::dns::NameTable table;
  table.set_network("appnet", false);
  table.set_network("inner", true);
  table.put({.name = "web", .hostname = "webhost", .short_id = "0123456789ab",
             .endpoints = {{.network = "appnet", .ip = *nc::IpAddr::parse("172.18.0.2"), .aliases = {"www"}},
                           {.network = "inner", .ip = *nc::IpAddr::parse("fd00::2"), .aliases = {}}}});
  std::mt19937 rng(1);
  std::vector<uint8_t> buf(65536);
  ssize_t n = ::read(0, buf.data(), buf.size());
  if (n <= 0) return 0;
  auto q = nc::dns::parse_query({buf.data(), static_cast<size_t>(n)});
  if (!q) return 0;
  for (auto limit : {size_t(512), q->udp_size, size_t(65535)}) (void)nc::dns::respond(*q, table, "web", limit, rng);
  return 0;
}
