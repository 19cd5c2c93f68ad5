#include "netimpl/dns/name_table.h"

#include <algorithm>

namespace nc::dns {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

namespace {

// `lowered` (already lower case) equals `text` ignoring ASCII case; no allocation: this
// runs for every name of every endpoint on every query.
bool iequals(std::string_view lowered, std::string_view text) {
  if (lowered.size() != text.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (lowered[i] != c) return false;
  }
  return true;
}

bool name_matches(std::string_view q, std::string_view name, std::string_view network) {
  if (name.empty()) return false;
  if (iequals(q, name)) return true;
  return q.size() == name.size() + 1 + network.size() && iequals(q.substr(0, name.size()), name) &&
         q[name.size()] == '.' && iequals(q.substr(name.size() + 1), network);
}

bool endpoint_matches(std::string_view q, const TableContainer& c, const TableEndpoint& e) {
  if (name_matches(q, c.name, e.network) || name_matches(q, c.hostname, e.network) ||
      name_matches(q, c.short_id, e.network))
    return true;
  return std::ranges::any_of(e.aliases, [&](auto& a) { return name_matches(q, a, e.network); });
}

}  // namespace

void NameTable::set_network(std::string name, bool internal) { networks_[std::move(name)] = internal; }

void NameTable::remove_network(std::string_view name) {
  if (auto it = networks_.find(name); it != networks_.end()) networks_.erase(it);
}

void NameTable::put(TableContainer c) {
  auto key = c.name;
  containers_.insert_or_assign(std::move(key), std::move(c));
}

void NameTable::remove(std::string_view container) {
  if (auto it = containers_.find(container); it != containers_.end()) containers_.erase(it);
}

std::vector<std::string> NameTable::networks_of(std::string_view asker) const {
  std::vector<std::string> out;
  auto it = containers_.find(asker);
  if (it == containers_.end()) return out;
  for (auto& e : it->second.endpoints)
    if (networks_.contains(e.network)) out.push_back(e.network);
  return out;
}

Lookup NameTable::lookup(std::string_view asker, std::string_view qname, int family) const {
  Lookup out;
  std::string q = lower(qname);
  for (auto& net : networks_of(asker))
    for (auto& [_, c] : containers_)
      for (auto& e : c.endpoints) {
        if (e.network != net || !endpoint_matches(q, c, e)) continue;
        out.found = true;
        if (family != 0 && e.ip.family() != family) continue;
        if (std::ranges::find(out.addrs, e.ip) == out.addrs.end()) out.addrs.push_back(e.ip);
      }
  return out;
}

std::optional<std::string> NameTable::reverse(std::string_view asker, const IpAddr& ip) const {
  for (auto& net : networks_of(asker))
    for (auto& [_, c] : containers_)
      for (auto& e : c.endpoints)
        if (e.network == net && e.ip == ip) return c.name + "." + net;
  return std::nullopt;
}

bool NameTable::serves(std::string_view asker) const { return !networks_of(asker).empty(); }

bool NameTable::may_forward(std::string_view asker) const {
  return std::ranges::any_of(networks_of(asker), [&](auto& n) { return !networks_.find(n)->second; });
}

}  // namespace nc::dns
