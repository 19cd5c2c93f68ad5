#include "netimpl/dns/server.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "netimpl/dns/loop.h"
#include "netimpl/dns/sockets.h"

namespace nc::dns {
namespace {

Result<UniqueFd> dup_fd(int fd) {
  UniqueFd out(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!out) return sys_fail("dns: dup namespace fd");
  return out;
}

}  // namespace

Server::Server(std::unique_ptr<Loop> loop) : loop_(std::move(loop)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::start(ServerOptions opts) {
  auto loop = std::make_unique<Loop>(opts);
  NC_TRY_VOID(loop->open());
  return std::unique_ptr<Server>(new Server(std::move(loop)));
}

Result<Server::Ports> Server::add_container(const std::string& container, int netns_fd, std::vector<Upstream> own,
                                            std::optional<std::vector<Upstream>> host) {
  auto ip = *IpAddr::parse(kServerIp);
  auto l = NC_TRY_CTX(listen_in(netns_fd, ip, loop_->opts.port), "dns: serve container {}", container);
  Ports ports{.udp = l.udp_port, .tcp = l.tcp_port};
  Served s{.udp = std::move(l.udp), .tcp = std::move(l.tcp), .netns = NC_TRY(dup_fd(netns_fd)), .own = std::move(own),
           .host_ups = std::move(host), .udp_tok = 0, .tcp_tok = 0, .cache = AnswerCache()};
  loop_->run_sync([&] {
    auto* L = loop_.get();
    L->drop(container);
    s.udp_tok = L->watch(s.udp.get(), EPOLLIN, Loop::Kind::kUdp, container);
    s.tcp_tok = L->watch(s.tcp.get(), EPOLLIN, Loop::Kind::kTcpListen, container);
    L->served.emplace(container, std::move(s));
  });
  return ports;
}

void Server::remove_container(const std::string& container) {
  loop_->run_sync([&] { loop_->drop(container); });
}

bool Server::serving(const std::string& container) {
  bool out = false;
  loop_->run_sync([&] { out = loop_->served.contains(container); });
  return out;
}

Result<void> Server::set_host(int netns_fd, std::vector<Upstream> upstreams) {
  UniqueFd ns = NC_TRY(dup_fd(netns_fd));
  loop_->run_sync([&] {
    loop_->host_netns = std::move(ns);
    loop_->host_ups = std::move(upstreams);
  });
  return {};
}

void Server::set_container_host(const std::string& container, std::vector<Upstream> upstreams) {
  loop_->run_sync([&] {
    if (auto it = loop_->served.find(container); it != loop_->served.end()) it->second.host_ups = std::move(upstreams);
  });
}

std::chrono::nanoseconds Server::cpu_time() const { return loop_->cpu_time(); }

void Server::edit_table(const std::function<void(NameTable&)>& fn) {
  std::lock_guard l(loop_->table_mu);
  fn(loop_->table);
  ++loop_->table_gen;
}

}  // namespace nc::dns
