// What a person would see, from what the kernel said.
//
// The mapping from errno to outcome follows the kernel's ICMP translation
// (icmp_err_convert): port unreachable and "administratively prohibited" net/host codes
// become ECONNREFUSED ("refused"); net/host unreachable, host unknown, "packet filtered"
// (nft `reject with icmp admin-prohibited`) become ENETUNREACH/EHOSTUNREACH/EHOSTDOWN
// ("unreachable"). A local route lookup failure is ENETUNREACH at connect() time.
#pragma once

#include <string>
#include <string_view>

namespace nc::probe {

// refused / unreachable / timeout / reset, or "error" for anything else.
std::string_view outcome_for_errno(int err);

// What happened on a connected stream socket after connect() succeeded.
struct StreamRead {
  std::string data;        // bytes received (possibly capped)
  bool eof = false;        // orderly close seen
  int err = 0;             // errno of a failed read, 0 if none
  bool timed_out = false;  // the budget ran out while waiting for more
};

struct StreamOutcome {
  std::string_view outcome;  // ok / empty / reset / error (or another outcome_for_errno value)
  bool silent = false;       // connected, nothing received, nothing closed: the server kept quiet
};

// Data received means "ok" whatever came after it; with no data: orderly close is
// "empty", ECONNRESET is "reset", a timeout is "ok" + silent, other errors follow
// outcome_for_errno.
StreamOutcome classify_stream(const StreamRead& r);

// Whitespace (spaces, tabs, CR, LF) removed from both ends.
std::string_view trim(std::string_view s);

}  // namespace nc::probe
