// The fuzzed work, behind a plain interface: parse one packet and answer it from a small
// name table at the three size limits the server uses, as the event loop does for every
// datagram. Built by g++ (it reaches nc_base, whose std::expected clang 14 cannot
// compile); the AFL++ driver that calls it is built by afl-clang-fast (DESIGN.md).
#pragma once

#include <cstddef>
#include <cstdint>

namespace nc::dns::fuzz {

void setup();                                // builds the table; once, before the loop
void one_input(const uint8_t* data, size_t n);  // never throws; the result is dropped

}  // namespace nc::dns::fuzz
