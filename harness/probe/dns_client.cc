#include "harness/probe/dns_client.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>

#include "harness/probe/output.h"
#include "netimpl/base/unique_fd.h"

// Last: ldns's headers define `bool` for C, which breaks <optional> included after them.
#include <ldns/ldns.h>

namespace nc::probe {
namespace {

std::vector<uint8_t> build_query(const std::string& qname, uint16_t type) {
  ldns_pkt* p = nullptr;
  if (ldns_pkt_query_new_frm_str(&p, qname.c_str(), static_cast<ldns_rr_type>(type), LDNS_RR_CLASS_IN, LDNS_RD) !=
      LDNS_STATUS_OK)
    return {};
  ldns_pkt_set_id(p, static_cast<uint16_t>(std::random_device{}()));
  uint8_t* buf = nullptr;
  size_t n = 0;
  std::vector<uint8_t> out;
  if (ldns_pkt2wire(&buf, p, &n) == LDNS_STATUS_OK) out.assign(buf, buf + n);
  std::free(buf);
  ldns_pkt_free(p);
  return out;
}

std::string rdata_text(const ldns_rr* rr) {
  std::string out;
  for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    char* s = ldns_rdf2str(ldns_rr_rdf(rr, i));
    if (!s) continue;
    if (!out.empty()) out += ' ';
    out += s;
    std::free(s);
  }
  return out;
}

void decode(const std::vector<uint8_t>& wire, uint16_t want_id, DnsReply& r) {
  ldns_pkt* p = nullptr;
  if (ldns_wire2pkt(&p, wire.data(), wire.size()) != LDNS_STATUS_OK) {
    r.error = "unparsable reply";
    return;
  }
  if (ldns_pkt_id(p) != want_id) r.error = "reply id does not match";
  r.answered = true;
  r.rcode = ldns_pkt_get_rcode(p);
  r.tc = ldns_pkt_tc(p);
  r.aa = ldns_pkt_aa(p);
  r.ra = ldns_pkt_ra(p);
  auto* an = ldns_pkt_answer(p);
  for (size_t i = 0; i < ldns_rr_list_rr_count(an); ++i) {
    auto* rr = ldns_rr_list_rr(an, i);
    if (r.ttl < 0) r.ttl = ldns_rr_ttl(rr);
    r.answers.push_back(rdata_text(rr));
  }
  ldns_pkt_free(p);
}

bool wait_for(int fd, short events, int ms) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, ms) == 1;
}

// One exchange on a connected socket; false with r.error set on failure.
bool exchange(int fd, bool tcp, const std::vector<uint8_t>& q, int timeout_ms, std::vector<uint8_t>& out, DnsReply& r) {
  Stopwatch sw;
  if (tcp && !wait_for(fd, POLLOUT, timeout_ms)) return r.error = "timeout connecting", false;
  uint8_t len[2] = {static_cast<uint8_t>(q.size() >> 8), static_cast<uint8_t>(q.size() & 0xff)};
  iovec iov[2] = {{len, tcp ? 2u : 0u}, {const_cast<uint8_t*>(q.data()), q.size()}};
  msghdr mh{};
  mh.msg_iov = iov;
  mh.msg_iovlen = 2;
  if (::sendmsg(fd, &mh, MSG_NOSIGNAL) < 0) return r.error = errno_text(errno), false;
  std::vector<uint8_t> buf(65537);
  size_t got = 0;
  for (;;) {
    if (!wait_for(fd, POLLIN, sw.remaining_ms(timeout_ms))) return r.error = "timeout", false;
    ssize_t n = ::recv(fd, buf.data() + got, buf.size() - got, 0);
    if (n < 0) return r.error = errno_text(errno), false;
    if (n == 0) return r.error = "connection closed", false;
    if (!tcp) {
      out.assign(buf.begin(), buf.begin() + n);
      return true;
    }
    got += static_cast<size_t>(n);
    if (got >= 2 && got >= 2 + ((size_t(buf[0]) << 8) | buf[1])) {
      out.assign(buf.begin() + 2, buf.begin() + 2 + static_cast<long>((size_t(buf[0]) << 8) | buf[1]));
      return true;
    }
  }
}

}  // namespace

uint16_t dns_type(const std::string& name) {
  return static_cast<uint16_t>(ldns_get_rr_type_by_name(name.c_str()));
}

std::string rcode_name(int rcode) {
  static const char* names[] = {"noerror", "formerr", "servfail", "nxdomain", "notimp", "refused"};
  if (rcode >= 0 && rcode < 6) return names[rcode];
  return "rcode" + std::to_string(rcode);
}

std::string ptr_name(const std::string& s) {
  in_addr a4{};
  if (::inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    auto* b = reinterpret_cast<const uint8_t*>(&a4);
    return std::to_string(b[3]) + "." + std::to_string(b[2]) + "." + std::to_string(b[1]) + "." +
           std::to_string(b[0]) + ".in-addr.arpa";
  }
  in6_addr a6{};
  if (::inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (int i = 15; i >= 0; --i) {
      out += hex[a6.s6_addr[i] & 0xf];
      out += '.';
      out += hex[a6.s6_addr[i] >> 4];
      out += '.';
    }
    return out + "ip6.arpa";
  }
  return s;
}

DnsReply dns_query(const std::string& qname, uint16_t type, const std::string& server, bool tcp, int timeout_ms) {
  DnsReply r;
  std::string abs = qname.ends_with('.') ? qname : qname + ".";
  auto q = build_query(abs, type);
  if (q.empty()) return r.error = "cannot encode the name " + qname, r;
  sockaddr_storage sa{};
  socklen_t len = 0;
  int family = server.find(':') == std::string::npos ? AF_INET : AF_INET6;
  if (family == AF_INET) {
    auto* s = reinterpret_cast<sockaddr_in*>(&sa);
    s->sin_family = AF_INET;
    s->sin_port = htons(53);
    if (::inet_pton(AF_INET, server.c_str(), &s->sin_addr) != 1) return r.error = "bad server " + server, r;
    len = sizeof *s;
  } else {
    auto* s = reinterpret_cast<sockaddr_in6*>(&sa);
    s->sin6_family = AF_INET6;
    s->sin6_port = htons(53);
    if (::inet_pton(AF_INET6, server.c_str(), &s->sin6_addr) != 1) return r.error = "bad server " + server, r;
    len = sizeof *s;
  }
  UniqueFd fd(::socket(family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return r.error = errno_text(errno), r;
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), len) != 0 && errno != EINPROGRESS)
    return r.error = errno_text(errno), r;
  std::vector<uint8_t> wire;
  if (!exchange(fd.get(), tcp, q, timeout_ms, wire, r)) return r;
  decode(wire, static_cast<uint16_t>((q[0] << 8) | q[1]), r);
  return r;
}

}  // namespace nc::probe
