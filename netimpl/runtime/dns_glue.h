// The runtime's side of the embedded DNS: keeps the DNS server (netimpl/dns) in step with
// networks and containers, and gives every container its /etc/resolv.conf and /etc/hosts.
//
// Networks with name discovery (the runtime tells: all but the default bridge and the
// host and none networks) take part in name resolution; a container on at least one of
// them is served at 127.0.0.11 and gets `nameserver 127.0.0.11`; any other container gets
// the host's servers (resolv_conf.h). The host's resolv.conf is read once, at start, in the host's mount
// namespace. Used from the runtime's thread only.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "netimpl/api/runtime.h"
#include "netimpl/dns/bind_file.h"
#include "netimpl/dns/resolv_conf.h"
#include "netimpl/dns/server.h"
#include "netimpl/runtime/container.h"

namespace nc::runtime {

class DnsGlue {
 public:
  static Result<std::unique_ptr<DnsGlue>> start(const Namespaces& host, dns::ServerOptions opts = {});

  // A network with name discovery (the runtime asks its driver; never the default bridge).
  void network_added(const api::NetworkSpec& spec);
  void network_removed(std::string_view name);
  // Binds the container's resolv.conf and hosts and starts serving it if it has names.
  Result<void> container_created(Container& c, const api::ContainerSpec& spec);
  // After connect/disconnect: names, hosts file and serving follow the endpoints.
  Result<void> container_changed(Container& c);
  void container_removed(const std::string& name);
  // A container of another host (multi-host labs): its names, not served here. Withdrawn
  // with container_removed.
  void remote_put(dns::TableContainer c);

 private:
  DnsGlue(std::unique_ptr<dns::Server> server, dns::ResolvConf host) : server_(std::move(server)), host_(std::move(host)) {}
  dns::TableContainer entry(const Container& c) const;
  bool user_defined(const Container& c) const;

  struct Files {
    dns::BoundFile resolv, hosts;
    std::vector<dns::Upstream> own;  // --dns servers
    bool served = false;
  };
  std::unique_ptr<dns::Server> server_;
  dns::ResolvConf host_;
  std::set<std::string, std::less<>> networks_;  // user-defined
  std::map<std::string, Files, std::less<>> files_;
};

}  // namespace nc::runtime
