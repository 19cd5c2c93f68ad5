#include "harness/probe/ping.h"

#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "harness/probe/io.h"
#include "harness/probe/outcome.h"

namespace nc::probe {
namespace {

constexpr uint16_t kSeq = 1;
constexpr char kPayload[] = "netconform-probe";

struct PingSocket {
  UniqueFd fd;
  bool raw = false;
};

PingSocket open_ping_socket(int family) {
  int proto = family == AF_INET ? int{IPPROTO_ICMP} : int{IPPROTO_ICMPV6};
  UniqueFd fd = open_socket(family, SOCK_DGRAM, proto);
  if (fd || (errno != EACCES && errno != EPERM && errno != EPROTONOSUPPORT)) return {std::move(fd), false};
  fd = open_socket(family, SOCK_RAW, proto);
  if (fd && family == AF_INET6) {
    // Only echo replies reach us; errors still come through sk_err.
    icmp6_filter filter;
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
    ::setsockopt(fd.get(), IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
  }
  return {std::move(fd), true};
}

std::vector<uint8_t> echo_request(int family, uint16_t id) {
  std::vector<uint8_t> pkt(8 + sizeof kPayload);
  pkt[0] = family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
  pkt[4] = static_cast<uint8_t>(id >> 8);
  pkt[5] = static_cast<uint8_t>(id);
  pkt[7] = kSeq;
  std::memcpy(pkt.data() + 8, kPayload, sizeof kPayload);
  // The kernel fills in ICMPv6 checksums; ICMPv4 on a raw socket is ours to compute.
  if (family == AF_INET) {
    uint16_t sum = inet_checksum(pkt);
    std::memcpy(pkt.data() + 2, &sum, 2);
  }
  return pkt;
}

// True when buf (as received on this socket) is the reply to our echo. A raw IPv4
// socket sees the IP header and every ICMP packet of the host (our own request on lo
// too); a ping socket sees only its own replies, with the kernel's id.
bool is_our_reply(const uint8_t* buf, size_t n, int family, bool raw, uint16_t id) {
  if (raw && family == AF_INET) {
    if (n < sizeof(iphdr)) return false;
    size_t ihl = static_cast<size_t>(buf[0] & 0x0f) * 4;
    if (n < ihl) return false;
    buf += ihl;
    n -= ihl;
  }
  if (n < 8) return false;
  uint8_t want = family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY;
  uint16_t got_id = static_cast<uint16_t>(buf[4] << 8 | buf[5]);
  uint16_t got_seq = static_cast<uint16_t>(buf[6] << 8 | buf[7]);
  return buf[0] == want && got_seq == kSeq && (!raw || got_id == id);
}

}  // namespace

uint16_t inet_checksum(std::span<const uint8_t> data) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < data.size(); i += 2) {
    uint16_t word;
    std::memcpy(&word, data.data() + i, 2);
    sum += word;
  }
  if (data.size() % 2) sum += data.back();  // the odd byte, as the low-address half
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

Json ping(const SockAddr& dst, int timeout_ms) {
  Stopwatch sw;
  Json j = result("ping", "error");
  j["target"] = dst.ip();
  auto done = [&](std::string_view outcome, int err) {
    j["outcome"] = outcome;
    j["duration_ms"] = sw.elapsed_ms();
    if (err > 0) j["error"] = errno_text(err);
    return j;
  };
  PingSocket s = open_ping_socket(dst.family());
  if (!s.fd) return done("error", errno);
  j["socket"] = s.raw ? "raw" : "dgram";
  uint16_t id = static_cast<uint16_t>(::getpid());
  if (::connect(s.fd.get(), dst.get(), dst.len()) != 0) return done(outcome_for_errno(errno), errno);
  auto pkt = echo_request(dst.family(), id);
  if (::send(s.fd.get(), pkt.data(), pkt.size(), 0) < 0) return done(outcome_for_errno(errno), errno);
  uint8_t buf[1500];
  for (;;) {
    int ev = wait_fd(s.fd.get(), POLLIN, sw, timeout_ms);
    if (ev == 0) return done("timeout", 0);
    ssize_t n = ::recv(s.fd.get(), buf, sizeof buf, 0);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return done(outcome_for_errno(errno), errno);
    if (n > 0 && is_our_reply(buf, static_cast<size_t>(n), dst.family(), s.raw, id)) return done("ok", 0);
  }
}

}  // namespace nc::probe
