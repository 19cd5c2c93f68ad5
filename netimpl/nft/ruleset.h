// A rule set as data: tables of chains of rules, each rule a list of terms.
//
// This is the seam between deciding WHAT the firewall says (render.h, pure, unit-tested)
// and HOW libnftnl encodes it for the kernel (encode.h). Each term maps to a fixed short
// sequence of nf_tables expressions; to_string() prints the set in nft's own syntax, so a
// rendered model reads like `nft list ruleset` and tests compare text.
//
// Payload matches and NAT on IP headers are family-specific. In an `inet` table a payload
// match reads whatever bytes sit at that offset, IPv4 or IPv6, so every rule that has one
// carries an explicit `meta nfproto` guard term first (make_rule() inserts it).
#pragma once

#include <net/if.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "netimpl/base/ip.h"

namespace nc::nft {

// An interface name as the kernel compares it: IFNAMSIZ bytes, zero-padded. Longer
// names are cut (render() rejects them before that can happen).
struct IfName {
  std::array<char, IFNAMSIZ> bytes{};
  IfName() = default;
  explicit IfName(std::string_view name) { name.copy(bytes.data(), bytes.size() - 1); }
  std::string_view str() const { return bytes.data(); }
  bool operator==(const IfName&) const = default;
};
// meta iifname / oifname "<name>"
struct IfnameMatch {
  bool out = false;  // false: input interface, true: output interface
  IfName name;
  bool negate = false;
  bool operator==(const IfnameMatch&) const = default;
};
// meta nfproto ipv4|ipv6
struct NfprotoMatch {
  int family = AF_INET;
  bool operator==(const NfprotoMatch&) const = default;
};
// ct state <states>: matches when any of the bits is set
struct CtStateMatch {
  uint32_t states = 0;  // NF_CT_STATE_BIT(...) bits
  bool operator==(const CtStateMatch&) const = default;
};
// ip|ip6 saddr|daddr [!=] <prefix>  (a full-length prefix prints as a bare address)
struct AddrMatch {
  bool dst = false;
  Prefix prefix;
  bool negate = false;
  bool operator==(const AddrMatch&) const = default;
};
// tcp|udp dport <port>
struct PortMatch {
  uint8_t l4proto = 0;  // IPPROTO_TCP | IPPROTO_UDP
  uint16_t dport = 0;
  bool operator==(const PortMatch&) const = default;
};
// fib daddr type local: the destination is an address of this namespace
struct FibLocalMatch {
  bool operator==(const FibLocalMatch&) const = default;
};
// numgen random mod 100 < <percent>: true for about that share of packets (packet loss)
struct RandomBelowMatch {
  uint32_t percent = 0;  // 1-99
  bool operator==(const RandomBelowMatch&) const = default;
};
enum class Verdict { kAccept, kDrop };
struct VerdictStmt {
  Verdict verdict = Verdict::kAccept;
  bool operator==(const VerdictStmt&) const = default;
};
struct MasqueradeStmt {
  bool operator==(const MasqueradeStmt&) const = default;
};
// dnat ip|ip6 to <addr>:<port>
struct DnatStmt {
  IpAddr addr;
  uint16_t port = 0;
  bool operator==(const DnatStmt&) const = default;
};

using Term = std::variant<IfnameMatch, NfprotoMatch, CtStateMatch, AddrMatch, PortMatch, FibLocalMatch,
                          VerdictStmt, MasqueradeStmt, DnatStmt, RandomBelowMatch>;

struct Rule {
  std::vector<Term> terms;
};

enum class Hook { kPrerouting, kForward, kOutput, kPostrouting };

struct Chain {
  std::string name;
  std::string type;  // "filter" | "nat"
  Hook hook = Hook::kForward;
  int priority = 0;
  Verdict policy = Verdict::kAccept;
  std::vector<Rule> rules;
};

struct Table {
  int family = 0;  // NFPROTO_INET, NFPROTO_BRIDGE, ...
  std::string name;
  std::vector<Chain> chains;
};

// Builds a rule from terms, inserting `meta nfproto <family>` in front when any term is
// family-specific (an address match or a DNAT). All such terms must share one family;
// render() guarantees it.
Rule make_rule(std::vector<Term> terms);

// nft syntax: `oifname "br-a" ct state established,related accept`.
std::string to_string(const Term& t);
std::string to_string(const Rule& r);
std::string family_name(int nfproto);  // "inet", "bridge", "ip", ...
// A whole table, formatted like `nft list table` (tabs, one rule a line).
std::string to_string(const Table& t);

}  // namespace nc::nft
