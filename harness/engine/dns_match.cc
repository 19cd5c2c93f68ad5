#include "harness/engine/dns_match.h"

#include <algorithm>
#include <set>

#include <fmt/ranges.h>

namespace nc::engine {

using nlohmann::json;

namespace {

std::vector<std::string> answers(const json& obs) {
  std::vector<std::string> out;
  if (obs.contains("answers"))
    for (auto& a : obs["answers"]) out.push_back(a.get<std::string>());
  return out;
}

// Addresses compare as parsed (2001:db8::1 == 2001:DB8:0::1); anything else as text.
std::string canonical(const std::string& s) {
  if (auto ip = IpAddr::parse(s)) return ip->str();
  return s;
}

}  // namespace

void match_resolve(const ResolvedExpect& w, const json& obs, Findings& f) {
  const auto& e = *w.expect;
  auto got = answers(obs);
  auto list = fmt::format("[{}]", fmt::join(got, ", "));
  if (e.rcode) {
    f.expected.push_back(fmt::format("rcode {}", *e.rcode));
    auto rc = obs.value("rcode", std::string());
    if (rc != *e.rcode) f.problems.push_back(fmt::format("rcode {} with answers {}", rc, list));
  }
  if (w.addresses) {
    f.expected.push_back(fmt::format("answers exactly [{}]", fmt::join(*w.addresses, ", ")));
    std::set<std::string> want, have;
    for (auto& a : *w.addresses) want.insert(canonical(a));
    for (auto& a : got) have.insert(canonical(a));
    if (want != have) f.problems.push_back(fmt::format("answers {}", list));
  }
  for (auto& a : w.contains_address) {
    f.expected.push_back(fmt::format("an answer {}", a));
    if (std::ranges::none_of(got, [&](auto& g) { return canonical(g) == canonical(a); }))
      f.problems.push_back(fmt::format("{} not among answers {}", a, list));
  }
  if (e.names) {
    f.expected.push_back(fmt::format("names [{}]", fmt::join(*e.names, ", ")));
    if (std::set<std::string>(e.names->begin(), e.names->end()) != std::set<std::string>(got.begin(), got.end()))
      f.problems.push_back(fmt::format("names {}", list));
  }
  if (e.ttl) {
    f.expected.push_back(fmt::format("ttl {}", *e.ttl));
    long ttl = obs.value("ttl", -1L);
    if (ttl != *e.ttl) f.problems.push_back(fmt::format("ttl {}", ttl));
  }
  for (auto& [flag, set] : e.flags) {
    f.expected.push_back(fmt::format("{} {}", flag, set ? "set" : "clear"));
    bool got_flag = obs.contains("flags") && obs["flags"].value(flag, false);
    if (got_flag != set) f.problems.push_back(fmt::format("{} is {}", flag, got_flag ? "set" : "clear"));
  }
  if (w.answered_by) {
    f.expected.push_back(fmt::format("answered by {}", *w.answered_by));
    auto by = obs.value("server", std::string());
    if (by != *w.answered_by) f.problems.push_back(fmt::format("answered by {}", by));
  }
}

void match_dns_log(const ResolvedExpect& w, const json& obs, Findings& f) {
  const auto& e = *w.expect;
  std::vector<std::string> seen;
  size_t n = obs.contains("queries") ? obs["queries"].size() : 0;
  if (obs.contains("queries"))
    for (auto& q : obs["queries"])
      seen.push_back(fmt::format("{} {} {} from {} to {}", q.value("name", ""), q.value("type", ""),
                                 q.value("transport", ""), q.value("source", ""), q.value("server", "")));
  auto list = fmt::format("[{}]", fmt::join(seen, "; "));
  if (e.count) {
    f.expected.push_back(fmt::format("{} queries logged", *e.count));
    if (n != static_cast<size_t>(*e.count)) f.problems.push_back(fmt::format("{} logged: {}", n, list));
  }
  if (e.min_count) {
    f.expected.push_back(fmt::format("at least {} queries logged", *e.min_count));
    if (n < static_cast<size_t>(*e.min_count)) f.problems.push_back(fmt::format("{} logged: {}", n, list));
  }
  if (w.source) {
    f.expected.push_back(fmt::format("every query from {}", *w.source));
    if (obs.contains("queries"))
      for (auto& q : obs["queries"])
        if (q.value("source", "") != *w.source) {
          f.problems.push_back(fmt::format("a query came from {}: {}", q.value("source", ""), list));
          break;
        }
  }
}

}  // namespace nc::engine
