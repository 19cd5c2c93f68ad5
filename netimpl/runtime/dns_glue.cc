#include "netimpl/runtime/dns_glue.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "netimpl/runtime/dns_redirect.h"

namespace nc::runtime {
namespace {

Result<std::string> read_text(const char* path) {
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd) return sys_fail(fmt::format("open {}", path));
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

// A resolver file as the host sees it (the lab binds its own over /etc/resolv.conf); a
// file that cannot be read is empty (moby: a missing file means the default servers).
dns::ResolvConf host_resolv_conf(const Namespaces& host, const std::string& path) {
  auto reader = [&] { return read_text(path.c_str()); };
  auto text = host.has(kNsMnt) ? host.run(reader) : reader();
  return dns::parse_resolv_conf(text ? *text : "");
}

std::vector<dns::Upstream> upstreams_of(const dns::ResolvConf& rc) {
  std::vector<dns::Upstream> ups;
  for (auto& ip : dns::host_upstreams(rc)) ups.push_back({ip, 53});
  return ups;
}

}  // namespace

Result<std::unique_ptr<DnsGlue>> DnsGlue::start(const Namespaces& host, dns::ServerOptions opts) {
  opts.port = 0;
  auto server = NC_TRY_CTX(dns::Server::start(opts), "start embedded DNS");
  std::string path(dns::host_resolv_path(host_resolv_conf(host, std::string(dns::kHostResolvPath))));
  NC_TRY_VOID_CTX(server->set_host(host.fd(kNsNet), upstreams_of(host_resolv_conf(host, path))), "start embedded DNS");
  return std::unique_ptr<DnsGlue>(new DnsGlue(std::move(server), host, std::move(path)));
}

dns::ResolvConf DnsGlue::read_host() const { return host_resolv_conf(host_ns_, path_); }

void DnsGlue::network_added(const api::NetworkSpec& spec) {
  networks_.insert(spec.name);
  server_->edit_table([&](dns::NameTable& t) { t.set_network(spec.name, spec.internal); });
}

void DnsGlue::network_removed(std::string_view name) {
  if (auto it = networks_.find(name); it != networks_.end()) networks_.erase(it);
  server_->edit_table([&](dns::NameTable& t) { t.remove_network(name); });
}

dns::TableContainer DnsGlue::entry(const Container& c) const {
  dns::TableContainer e{.name = c.name, .hostname = c.hostname, .short_id = c.id.substr(0, 12), .endpoints = {}};
  for (auto& ep : c.endpoints) {
    e.endpoints.push_back({.network = ep.network, .ip = ep.ip, .aliases = ep.aliases});
    // A dual-stack endpoint answers AAAA (and PTR under ip6.arpa) with the same names.
    if (ep.ip6) e.endpoints.push_back({.network = ep.network, .ip = *ep.ip6, .aliases = ep.aliases});
  }
  return e;
}

bool DnsGlue::user_defined(const Container& c) const {
  return std::ranges::any_of(c.endpoints, [&](auto& ep) { return networks_.contains(ep.network); });
}

Result<void> DnsGlue::container_created(Container& c, const api::ContainerSpec& spec) {
  auto ctx = fmt::format("create container {}: DNS", c.name);
  Files f;
  f.dns = spec.dns;
  for (auto& ip : spec.dns) f.own.push_back({ip, 53});
  auto bound = NC_TRY_CTX(dns::BoundFile::bind_all(c.ns, {{"/etc/resolv.conf", ""}, {"/etc/hosts", ""}}), "{}", ctx);
  f.resolv = std::move(bound[0]);
  f.hosts = std::move(bound[1]);
  files_.insert_or_assign(c.name, std::move(f));
  NC_TRY_VOID_CTX(set_up_resolver(c), "{}", ctx);
  return with_context(container_changed(c), ctx);
}

Result<void> DnsGlue::set_up_resolver(Container& c) {
  auto it = files_.find(c.name);
  if (it == files_.end()) return {};
  auto host = read_host();
  Files& f = it->second;
  NC_TRY_VOID(f.resolv.rewrite(user_defined(c) ? dns::user_network_resolv_conf(host, f.dns)
                                               : dns::default_bridge_resolv_conf(host, f.dns, false)));
  f.host = upstreams_of(host);
  if (f.served) server_->set_container_host(c.name, f.host);
  return {};
}

Result<void> DnsGlue::container_started(Container& c) {
  return with_context(set_up_resolver(c), fmt::format("start container {}: DNS", c.name));
}

Result<void> DnsGlue::container_changed(Container& c) {
  auto it = files_.find(c.name);
  if (it == files_.end()) return {};
  std::vector<IpAddr> addrs;
  for (auto& ep : c.endpoints) addrs.push_back(ep.ip);
  for (auto& ep : c.endpoints)  // Docker lists the IPv6 addresses after the IPv4 ones
    if (ep.ip6) addrs.push_back(*ep.ip6);
  NC_TRY_VOID(it->second.hosts.rewrite(dns::hosts_file(c.hostname, c.name, addrs)));
  server_->edit_table([&](dns::NameTable& t) { t.put(entry(c)); });
  bool want = user_defined(c);
  Files& f = it->second;
  if (want && !f.served) {
    auto ports = NC_TRY(server_->add_container(c.name, c.ns.fd(kNsNet), f.own, f.host));
    auto redirect = redirect_dns(c.ns, ports);
    if (!redirect) {
      server_->remove_container(c.name);
      return std::unexpected(std::move(redirect).error());
    }
    f.redirect = std::move(*redirect);
  }
  if (!want && f.served) {
    server_->remove_container(c.name);
    f.redirect.reset();  // removes its table
  }
  f.served = want;
  return {};
}

void DnsGlue::container_removed(const std::string& name) {
  server_->remove_container(name);
  server_->edit_table([&](dns::NameTable& t) { t.remove(name); });
  if (auto it = files_.find(name); it != files_.end()) files_.erase(it);
}

void DnsGlue::remote_put(dns::TableContainer c) {
  server_->edit_table([&](dns::NameTable& t) { t.put(std::move(c)); });
}

}  // namespace nc::runtime
