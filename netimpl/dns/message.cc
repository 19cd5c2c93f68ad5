#include "netimpl/dns/message.h"

#include <arpa/inet.h>

#include <cstdlib>
#include <cstring>

namespace nc::dns {
namespace {

std::string owner_text(const ldns_rdf* owner) {
  char* s = ldns_rdf2str(owner);
  if (!s) return "";
  std::string out(s);
  std::free(s);
  if (out.size() > 1 && out.back() == '.') out.pop_back();
  return out;
}

ldns_rr* answer_rr(const ldns_rdf* owner, uint16_t qclass, const Answer& a) {
  ldns_rdf* data = nullptr;
  if (a.type == kTypePtr) {
    data = ldns_dname_new_frm_str(a.target.c_str());
  } else {
    auto kind = a.addr.size() == 4 ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA;
    data = ldns_rdf_new_frm_data(kind, a.addr.size(), a.addr.data());
  }
  if (!data) return nullptr;
  ldns_rr* rr = ldns_rr_new();
  ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
  ldns_rr_set_type(rr, static_cast<ldns_rr_type>(a.type));
  ldns_rr_set_class(rr, static_cast<ldns_rr_class>(qclass));
  ldns_rr_set_ttl(rr, a.ttl);
  ldns_rr_push_rdf(rr, data);
  return rr;
}

std::vector<uint8_t> to_wire(const ldns_pkt* p) {
  uint8_t* buf = nullptr;
  size_t n = 0;
  if (ldns_pkt2wire(&buf, p, &n) != LDNS_STATUS_OK) return {};
  std::vector<uint8_t> out(buf, buf + n);
  std::free(buf);
  return out;
}

PktPtr reply_header(const Query& q, uint8_t rcode) {
  PktPtr p(ldns_pkt_new());
  ldns_pkt_set_id(p.get(), q.id);
  ldns_pkt_set_qr(p.get(), true);
  ldns_pkt_set_rd(p.get(), ldns_pkt_rd(q.pkt.get()));
  ldns_pkt_set_ra(p.get(), true);
  ldns_pkt_set_rcode(p.get(), rcode);
  ldns_rr* question = ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q.pkt.get()), 0));
  ldns_pkt_push_rr(p.get(), LDNS_SECTION_QUESTION, question);
  if (q.edns) ldns_pkt_set_edns_udp_size(p.get(), 4096);
  return p;
}

std::vector<uint8_t> reply_wire(const Query& q, uint8_t rcode, const std::vector<Answer>& answers, size_t count,
                                bool truncated) {
  PktPtr p = reply_header(q, rcode);
  ldns_pkt_set_tc(p.get(), truncated);
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(q.pkt.get()), 0);
  for (size_t i = 0; i < count; ++i)
    if (ldns_rr* rr = answer_rr(ldns_rr_owner(question), q.qclass, answers[i]))
      ldns_pkt_push_rr(p.get(), LDNS_SECTION_ANSWER, rr);
  return to_wire(p.get());
}

}  // namespace

std::optional<Query> parse_query(std::span<const uint8_t> wire) {
  ldns_pkt* raw = nullptr;
  if (wire.size() < 12 || ldns_wire2pkt(&raw, wire.data(), wire.size()) != LDNS_STATUS_OK) return std::nullopt;
  Query q;
  q.pkt.reset(raw);
  if (ldns_pkt_qr(raw) || ldns_pkt_get_opcode(raw) != LDNS_PACKET_QUERY || ldns_pkt_qdcount(raw) != 1 ||
      ldns_rr_list_rr_count(ldns_pkt_question(raw)) != 1)
    return std::nullopt;
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(raw), 0);
  q.id = ldns_pkt_id(raw);
  q.qname = owner_text(ldns_rr_owner(question));
  q.qtype = static_cast<uint16_t>(ldns_rr_get_type(question));
  q.qclass = static_cast<uint16_t>(ldns_rr_get_class(question));
  q.edns = ldns_pkt_edns(raw);
  if (q.edns) q.udp_size = std::max<size_t>(kClassicUdpSize, ldns_pkt_edns_udp_size(raw));
  return q;
}

std::vector<uint8_t> build_reply(const Query& q, uint8_t rcode, const std::vector<Answer>& answers, size_t limit,
                                 Truncation how) {
  auto wire = reply_wire(q, rcode, answers, answers.size(), false);
  if (wire.size() <= limit) return wire;
  if (how == Truncation::kDropAll) return reply_wire(q, rcode, answers, 0, true);
  // Docker (libnetwork truncateResp) drops answers from the end until the reply fits and
  // sets TC; the answers were shuffled first, so the ones kept vary. Binary search on how
  // many fit: a reply grows with each record.
  size_t lo = 0, hi = answers.size();
  while (lo + 1 < hi) {
    size_t mid = (lo + hi) / 2;
    (reply_wire(q, rcode, answers, mid, true).size() <= limit ? lo : hi) = mid;
  }
  return reply_wire(q, rcode, answers, lo, true);
}

std::vector<uint8_t> reverse_address(const std::string& qname) {
  std::string name = qname;
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::string> labels;
  size_t start = 0;
  for (size_t i = 0; i <= name.size(); ++i)
    if (i == name.size() || name[i] == '.') {
      labels.push_back(name.substr(start, i - start));
      start = i + 1;
    }
  auto ends = [&](const char* a, const char* b) {
    return labels.size() >= 2 && labels[labels.size() - 2] == a && labels.back() == b;
  };
  std::string text;
  if (ends("in-addr", "arpa") && labels.size() == 6) {
    for (int i = 3; i >= 0; --i) text += labels[i] + (i ? "." : "");
    in_addr a{};
    if (inet_pton(AF_INET, text.c_str(), &a) != 1) return {};
    auto* b = reinterpret_cast<const uint8_t*>(&a);
    return {b, b + 4};
  }
  if (ends("ip6", "arpa") && labels.size() == 34) {
    for (int i = 31; i >= 0; --i) {
      if (labels[i].size() != 1) return {};
      text += labels[i];
      if (i % 4 == 0 && i) text += ':';
    }
    in6_addr a{};
    if (inet_pton(AF_INET6, text.c_str(), &a) != 1) return {};
    auto* b = reinterpret_cast<const uint8_t*>(&a);
    return {b, b + 16};
  }
  return {};
}

int reply_rcode(std::span<const uint8_t> wire) {
  if (wire.size() < 12) return -1;
  return wire[3] & 0x0f;
}

int reply_answer_count(std::span<const uint8_t> wire) {
  if (wire.size() < 12) return -1;
  return (wire[6] << 8) | wire[7];
}

std::vector<uint8_t> build_query(const std::string& name, uint16_t type, uint16_t id, uint16_t edns_size) {
  ldns_pkt* raw = nullptr;
  if (ldns_pkt_query_new_frm_str(&raw, name.c_str(), static_cast<ldns_rr_type>(type), LDNS_RR_CLASS_IN, LDNS_RD) !=
      LDNS_STATUS_OK)
    return {};
  PktPtr p(raw);
  ldns_pkt_set_id(p.get(), id);
  if (edns_size) ldns_pkt_set_edns_udp_size(p.get(), edns_size);
  uint8_t* buf = nullptr;
  size_t n = 0;
  if (ldns_pkt2wire(&buf, p.get(), &n) != LDNS_STATUS_OK) return {};
  std::vector<uint8_t> out(buf, buf + n);
  std::free(buf);
  return out;
}

}  // namespace nc::dns
