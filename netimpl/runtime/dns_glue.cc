#include "netimpl/runtime/dns_glue.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

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

// The host's resolv.conf as the host sees it (the lab binds its own over it).
dns::ResolvConf host_resolv_conf(const Namespaces& host) {
  auto reader = [] { return read_text("/etc/resolv.conf"); };
  auto text = host.has(kNsMnt) ? host.run(reader) : reader();
  return dns::parse_resolv_conf(text ? *text : "");
}

}  // namespace

Result<std::unique_ptr<DnsGlue>> DnsGlue::start(const Namespaces& host, dns::ServerOptions opts) {
  auto server = NC_TRY_CTX(dns::Server::start(opts), "start embedded DNS");
  auto rc = host_resolv_conf(host);
  std::vector<dns::Upstream> ups;
  for (auto& ip : dns::host_upstreams(rc)) ups.push_back({ip, 53});
  NC_TRY_VOID_CTX(server->set_host(host.fd(kNsNet), ups), "start embedded DNS");
  return std::unique_ptr<DnsGlue>(new DnsGlue(std::move(server), std::move(rc)));
}

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
  for (auto& ep : c.endpoints) e.endpoints.push_back({.network = ep.network, .ip = ep.ip, .aliases = ep.aliases});
  return e;
}

bool DnsGlue::user_defined(const Container& c) const {
  return std::ranges::any_of(c.endpoints, [&](auto& ep) { return networks_.contains(ep.network); });
}

Result<void> DnsGlue::container_created(Container& c, const api::ContainerSpec& spec) {
  auto ctx = fmt::format("create container {}: DNS", c.name);
  Files f;
  for (auto& ip : spec.dns) f.own.push_back({ip, 53});
  std::string resolv = user_defined(c) ? dns::user_network_resolv_conf(host_, spec.dns)
                                       : dns::default_bridge_resolv_conf(host_, spec.dns, false);
  auto bound = NC_TRY_CTX(dns::BoundFile::bind_all(c.ns, {{"/etc/resolv.conf", resolv}, {"/etc/hosts", ""}}), "{}", ctx);
  f.resolv = std::move(bound[0]);
  f.hosts = std::move(bound[1]);
  files_.insert_or_assign(c.name, std::move(f));
  return with_context(container_changed(c), ctx);
}

Result<void> DnsGlue::container_changed(Container& c) {
  auto it = files_.find(c.name);
  if (it == files_.end()) return {};
  std::vector<IpAddr> addrs;
  for (auto& ep : c.endpoints) addrs.push_back(ep.ip);
  NC_TRY_VOID(it->second.hosts.rewrite(dns::hosts_file(c.hostname, c.name, addrs)));
  server_->edit_table([&](dns::NameTable& t) { t.put(entry(c)); });
  bool want = user_defined(c);
  if (want && !it->second.served) NC_TRY_VOID(server_->add_container(c.name, c.ns.fd(kNsNet), it->second.own));
  if (!want && it->second.served) server_->remove_container(c.name);
  it->second.served = want;
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
