#include "harness/upstream_dns/upstream_dns.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "harness/upstream_dns/zone.h"
#include "netimpl/dns/message.h"
#include "netimpl/dns/name_table.h"
#include "netimpl/dns/sockets.h"

namespace nc::upstream_dns {
namespace {

using Clock = std::chrono::steady_clock;

struct Mode {
  Fault fault = Fault::kAnswer;
  int delay_ms = 0;
};

struct Served {
  std::string ip;
  std::string server;  // the server's name: its first address (ip, or the IPv4 one of a dual-stack server)
  UniqueFd udp, tcp;
};

struct Delayed {
  Clock::time_point due;
  int fd;
  sockaddr_storage to;
  socklen_t to_len;
  std::vector<uint8_t> wire;
};

struct Conn {
  UniqueFd fd;
  std::string server, source;
  std::vector<uint8_t> in;
  Clock::time_point due = Clock::time_point::max();
  std::vector<uint8_t> out;
};

std::string peer_ip(const sockaddr_storage& sa) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (sa.ss_family == AF_INET) ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&sa)->sin_addr, buf, sizeof buf);
  else ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&sa)->sin6_addr, buf, sizeof buf);
  return buf;
}

std::string type_name(uint16_t t) {
  switch (t) {
    case dns::kTypeA: return "A";
    case dns::kTypeAaaa: return "AAAA";
    case dns::kTypePtr: return "PTR";
    default: return "TYPE" + std::to_string(t);
  }
}

}  // namespace

std::optional<Fault> parse_fault(std::string_view name) {
  auto it = std::ranges::find(kFaultNames, name);
  if (it == std::end(kFaultNames)) return std::nullopt;
  return static_cast<Fault>(it - std::begin(kFaultNames));
}

class UpstreamDns::Impl {
 public:
  std::vector<Served> served;
  UniqueFd wake;
  std::thread thread;
  mutable std::mutex mu;
  std::map<std::string, Mode> modes;  // guarded by mu
  std::vector<QueryLogEntry> entries;  // guarded by mu
  bool stop = false;                   // guarded by mu
  std::vector<Delayed> delayed;
  std::vector<Conn> conns;

  Mode mode_of(const std::string& server) {
    std::lock_guard l(mu);
    return modes[server];
  }

  // The reply to one query, or empty for none. `delay` is set when it must wait.
  std::vector<uint8_t> answer(std::span<const uint8_t> wire, const std::string& server, const std::string& source,
                              bool tcp, int& delay_ms) {
    auto q = dns::parse_query(wire);
    if (!q) return {};
    Mode m = mode_of(server);
    {
      std::lock_guard l(mu);
      entries.push_back({dns::lower(q->qname), type_name(q->qtype), tcp ? "tcp" : "udp", server, source});
    }
    delay_ms = m.fault == Fault::kDelay ? m.delay_ms : 0;
    if (m.fault == Fault::kDrop) return {};
    if (m.fault == Fault::kServFail) return dns::build_reply(*q, dns::kServFail, {}, 65535);
    if (m.fault == Fault::kNxDomain) return dns::build_reply(*q, dns::kNxDomain, {}, 65535);
    auto z = zone_lookup(q->qname, q->qtype);
    size_t limit = tcp ? 65535 : (m.fault == Fault::kTruncate ? 0 : q->udp_size);
    // A real upstream (BIND) leaves an RRset that does not fit out whole: TC, no answers.
    auto out = dns::build_reply(*q, z.rcode, z.answers, limit, dns::Truncation::kDropAll);
    if (out.size() > 2) out[2] |= 0x04;  // AA: this server is the zone's authority
    return out;
  }

  void on_udp(Served& s) {
    uint8_t buf[4096];
    Delayed d{};
    d.to_len = sizeof d.to;
    ssize_t n = ::recvfrom(s.udp.get(), buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&d.to), &d.to_len);
    if (n <= 0) return;
    int delay = 0;
    d.wire = answer({buf, static_cast<size_t>(n)}, s.ip, peer_ip(d.to), false, delay);
    if (d.wire.empty()) return;
    d.fd = s.udp.get();
    d.due = Clock::now() + std::chrono::milliseconds(delay);
    delayed.push_back(std::move(d));
  }

  void on_accept(Served& s) {
    sockaddr_storage sa{};
    socklen_t len = sizeof sa;
    UniqueFd fd(::accept4(s.tcp.get(), reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) return;
    if (mode_of(s.ip).fault == Fault::kRefuseTcp) {
      linger lg{1, 0};  // close with RST
      ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      return;
    }
    conns.push_back({std::move(fd), s.ip, peer_ip(sa), {}, Clock::time_point::max(), {}});
  }

  bool on_conn(Conn& c) {
    uint8_t buf[4096];
    ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) return false;
    c.in.insert(c.in.end(), buf, buf + n);
    if (c.in.size() < 2) return true;
    size_t len = (size_t(c.in[0]) << 8) | c.in[1];
    if (c.in.size() < 2 + len) return true;
    int delay = 0;
    auto wire = answer({c.in.data() + 2, len}, c.server, c.source, true, delay);
    c.in.erase(c.in.begin(), c.in.begin() + 2 + static_cast<long>(len));
    if (wire.empty()) return true;
    c.out = {static_cast<uint8_t>(wire.size() >> 8), static_cast<uint8_t>(wire.size() & 0xff)};
    c.out.insert(c.out.end(), wire.begin(), wire.end());
    c.due = Clock::now() + std::chrono::milliseconds(delay);
    return true;
  }

  void send_due() {
    auto now = Clock::now();
    std::erase_if(delayed, [&](Delayed& d) {
      if (d.due > now) return false;
      ::sendto(d.fd, d.wire.data(), d.wire.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&d.to), d.to_len);
      return true;
    });
    for (auto& c : conns)
      if (c.due <= now) {
        (void)::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        c.due = Clock::time_point::max();
      }
  }

  int timeout_ms() {
    auto first = Clock::time_point::max();
    for (auto& d : delayed) first = std::min(first, d.due);
    for (auto& c : conns) first = std::min(first, c.due);
    if (first == Clock::time_point::max()) return -1;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(first - Clock::now()).count();
    return static_cast<int>(std::max<long>(0, ms));
  }

  void run() {
    for (;;) {
      std::vector<pollfd> fds{{wake.get(), POLLIN, 0}};
      for (auto& s : served) {
        fds.push_back({s.udp.get(), POLLIN, 0});
        fds.push_back({s.tcp.get(), POLLIN, 0});
      }
      for (auto& c : conns) fds.push_back({c.fd.get(), POLLIN, 0});
      ::poll(fds.data(), fds.size(), timeout_ms());
      {
        std::lock_guard l(mu);
        if (stop) return;
      }
      for (size_t i = 0; i < served.size(); ++i) {
        if (fds[1 + 2 * i].revents) on_udp(served[i]);
        if (fds[2 + 2 * i].revents) on_accept(served[i]);
      }
      size_t base = 1 + 2 * served.size();
      std::vector<bool> keep(conns.size(), true);
      for (size_t i = 0; i + base < fds.size() && i < keep.size(); ++i)
        if (fds[base + i].revents) keep[i] = on_conn(conns[i]);
      for (size_t i = keep.size(); i-- > 0;)
        if (!keep[i]) conns.erase(conns.begin() + static_cast<long>(i));
      send_due();
    }
  }
};

UpstreamDns::UpstreamDns(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

UpstreamDns::~UpstreamDns() {
  {
    std::lock_guard l(impl_->mu);
    impl_->stop = true;
  }
  uint64_t one = 1;
  (void)!::write(impl_->wake.get(), &one, sizeof one);
  impl_->thread.join();
}

Result<std::unique_ptr<UpstreamDns>> UpstreamDns::start(const Namespaces& external, const std::vector<IpAddr>& addrs) {
  std::vector<std::vector<IpAddr>> servers;
  for (auto& ip : addrs) servers.push_back({ip});
  return start(external, servers);
}

Result<std::unique_ptr<UpstreamDns>> UpstreamDns::start(const Namespaces& external,
                                                        const std::vector<std::vector<IpAddr>>& servers) {
  auto impl = std::make_unique<Impl>();
  for (auto& addrs : servers)
    for (auto& ip : addrs) {
      auto l = NC_TRY_CTX(dns::listen_in(external.fd(kNsNet), ip, 53), "start upstream DNS on {}", ip);
      impl->served.push_back({ip.str(), addrs.front().str(), std::move(l.udp), std::move(l.tcp)});
    }
  impl->wake = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!impl->wake) return sys_fail("start upstream DNS: eventfd");
  auto* raw = impl.get();
  impl->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<UpstreamDns>(new UpstreamDns(std::move(impl)));
}

void UpstreamDns::set_fault(const std::string& server, Fault mode, int delay_ms) {
  std::lock_guard l(impl_->mu);
  // Any address names its server; the fault holds on every address of that server.
  std::string name = server;
  for (auto& s : impl_->served)
    if (s.ip == server) name = s.server;
  for (auto& s : impl_->served)
    if (server.empty() || s.server == name) impl_->modes[s.ip] = {mode, delay_ms};
}

std::vector<QueryLogEntry> UpstreamDns::log() const {
  std::lock_guard l(impl_->mu);
  return impl_->entries;
}

}  // namespace nc::upstream_dns
