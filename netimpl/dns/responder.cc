#include "netimpl/dns/responder.h"

#include <algorithm>

namespace nc::dns {
namespace {

std::vector<Answer> address_answers(const Lookup& found, uint16_t type, std::mt19937& rng) {
  std::vector<Answer> out;
  for (auto& ip : found.addrs)
    out.push_back({.type = type, .ttl = kLocalTtl, .addr = {ip.bytes(), ip.bytes() + ip.size()}, .target = {}});
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

std::optional<std::vector<Answer>> ptr_answer(const Query& q, const NameTable& table, std::string_view asker) {
  auto bytes = reverse_address(q.qname);
  if (bytes.empty()) return std::nullopt;
  IpAddr ip;
  if (bytes.size() == 4) {
    in_addr a{};
    std::copy(bytes.begin(), bytes.end(), reinterpret_cast<uint8_t*>(&a));
    ip = IpAddr::from_in(a);
  } else {
    in6_addr a{};
    std::copy(bytes.begin(), bytes.end(), reinterpret_cast<uint8_t*>(&a));
    ip = IpAddr::from_in6(a);
  }
  auto name = table.reverse(asker, ip);
  if (!name) return std::nullopt;
  return std::vector<Answer>{{.type = kTypePtr, .ttl = kLocalTtl, .addr = {}, .target = *name + "."}};
}

}  // namespace

Decision respond(const Query& q, const NameTable& table, std::string_view asker, size_t limit, std::mt19937& rng) {
  if (q.qtype == kTypePtr) {
    if (auto ans = ptr_answer(q, table, asker)) return {false, build_reply(q, kNoError, *ans, limit)};
  } else {
    int family = q.qtype == kTypeA ? AF_INET : q.qtype == kTypeAaaa ? AF_INET6 : -1;
    auto found = table.lookup(asker, q.qname, family == -1 ? 0 : family);
    if (found.found) {
      std::vector<Answer> answers;
      if (family != -1) answers = address_answers(found, q.qtype, rng);
      return {false, build_reply(q, kNoError, answers, limit)};
    }
  }
  if (!table.may_forward(asker)) return {false, build_reply(q, kServFail, {}, limit)};
  return {true, {}};
}

}  // namespace nc::dns
