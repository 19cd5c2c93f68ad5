// The probe's stub resolver: follows /etc/resolv.conf as glibc's would (nameservers in
// order, at most 3; search list; ndots; `options timeout:N attempts:N` are ignored — the
// probe's budget bounds everything), retrying over TCP when a UDP reply is truncated.
#pragma once

#include <string>
#include <vector>

#include "harness/probe/dns_client.h"
#include "harness/probe/output.h"

namespace nc::probe {

struct StubConfig {
  std::vector<std::string> nameservers;
  std::vector<std::string> search;
  int ndots = 1;
};

StubConfig parse_stub_config(const std::string& resolv_conf_text);

// The names a stub tries for `name`, in order.
std::vector<std::string> candidate_names(const std::string& name, const StubConfig& cfg);

struct StubRequest {
  std::string name;
  uint16_t type = 1;
  std::vector<std::string> servers;  // empty: from /etc/resolv.conf
  bool tcp = false;
  bool tcp_fallback = true;
  int timeout_ms = 5000;
};

// The JSON result of the resolve action (README.md).
Json stub_resolve(const StubRequest& req);

}  // namespace nc::probe
