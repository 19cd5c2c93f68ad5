// AFL++ persistent-mode target for the embedded server's packet handling (ci/fuzz-dns).
// Built by afl-clang-fast++: the inputs come through shared memory and one process runs
// many of them (__AFL_LOOP), instead of a fork per input. Built with clang 14, so it
// includes nothing that reaches std::expected; the work is in fuzz_respond.cc.
#include <unistd.h>

#include "netimpl/dns/fuzz/fuzz_respond.h"

__AFL_FUZZ_INIT();

int main() {
  nc::dns::fuzz::setup();
  __AFL_INIT();
  const unsigned char* buf = __AFL_FUZZ_TESTCASE_BUF;
  while (__AFL_LOOP(100000)) nc::dns::fuzz::one_input(buf, static_cast<size_t>(__AFL_FUZZ_TESTCASE_LEN));
  return 0;
}
