// Encodes rule descriptions (ruleset.h) as libnftnl objects, ready for a batch.
//
// Each term becomes a fixed sequence of nf_tables expressions, the same that nft(8)
// emits for the text to_string() prints (see `nft --debug=netlink`), with one difference:
// prefixes are matched with a bitwise mask rather than a shortened payload load. Registers:
// every match loads into NFT_REG_1 and compares at once; DNAT puts the address in
// NFT_REG_1 and the port in NFT_REG_2.
//
// The returned objects own their expressions. Allocation failure throws std::bad_alloc,
// like `new`: it is not an expected failure.
#pragma once

#include <memory>
#include <string_view>

#include "netimpl/nft/ruleset.h"

struct nftnl_table;
struct nftnl_chain;
struct nftnl_rule;

namespace nc::nft {

struct NftnlFree {
  void operator()(nftnl_table* t) const;
  void operator()(nftnl_chain* c) const;
  void operator()(nftnl_rule* r) const;
};
using TablePtr = std::unique_ptr<nftnl_table, NftnlFree>;
using ChainPtr = std::unique_ptr<nftnl_chain, NftnlFree>;
using RulePtr = std::unique_ptr<nftnl_rule, NftnlFree>;

TablePtr encode_table(int family, std::string_view name);
// A base chain: type, hook, priority and policy.
ChainPtr encode_chain(int family, std::string_view table, const Chain& chain);
RulePtr encode_rule(int family, std::string_view table, std::string_view chain, const Rule& rule);

}  // namespace nc::nft
