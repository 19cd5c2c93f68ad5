// The DNS parts of a check's steps: the resolve, dns_fault and dns_log actions and the
// expect keys of resolve and dns_log. Internal to the loader.
#pragma once

#include "harness/checks/scope.h"

namespace nc::checks::detail {

// resolve: NAME   or   resolve: {name: NAME, type: A, server: IP, tcp: true, fallback: false}
Result<Resolve> parse_resolve(const Reader& r, const Value& v, const Scope& scope);
// dns_fault: {server: 203.0.113.53, mode: delay, delay_ms: 3000}   (server absent: all)
Result<DnsFault> parse_dns_fault(const Reader& r, const Value& v);
// dns_log: NAME   or   dns_log: {name: NAME, server: IP}
Result<DnsLog> parse_dns_log(const Reader& r, const Value& v);

// host_resolv: {nameservers: [127.0.0.53], search: [example.test], options: [ndots:5],
//               systemd_resolved: [203.0.113.53]}   (the lab key and the step alike)
Result<HostResolv> parse_host_resolv(const Reader& r, const Value& v);

// Fills `e` from one expect key of a resolve or dns_log step; other keys are left alone.
Result<void> fill_dns_detail(const Reader& r, const Field& f, const Scope& scope, Expect& e);

}  // namespace nc::checks::detail
