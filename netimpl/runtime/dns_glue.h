// The runtime's side of the embedded DNS: keeps the DNS server (netimpl/dns) in step with
// networks and containers, and gives every container its /etc/resolv.conf and /etc/hosts.
//
// Networks with name discovery (the runtime tells: all but the default bridge and the
// host and none networks) take part in name resolution; a container on at least one of
// them is served at 127.0.0.11 and gets `nameserver 127.0.0.11`; any other container gets
// the host's servers (resolv_conf.h). As Docker's, the server listens on ephemeral ports
// of 127.0.0.11 and a nat table in the container's namespace sends 127.0.0.11:53 there
// (dns_redirect.h), so the container's own servers can bind 0.0.0.0:53.
//
// The host's resolver, as Docker reads it (moby libnetwork sandbox_dns_unix.go, setupDNS
// and rebuildDNS, 20.10 and 26.1): at start the runtime picks the file once
// (dns::host_resolv_path: systemd-resolved's own file when /etc/resolv.conf names only
// 127.0.0.53); the file is read again whenever a container's sandbox is built — at create
// and at every start (restart) — and that reading becomes the container's resolv.conf and
// the upstreams its embedded server forwards to. A running container keeps what it got:
// a change of the host's file reaches it only at its next start. Files are read in the
// host's mount namespace. Used from the runtime's thread only.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "netimpl/api/runtime.h"
#include "netimpl/dns/bind_file.h"
#include "netimpl/dns/resolv_conf.h"
#include "netimpl/dns/server.h"
#include "netimpl/nft/firewall.h"
#include "netimpl/runtime/container.h"

namespace nc::runtime {

class DnsGlue {
 public:
  // `opts.port` is ignored: the server listens on ephemeral ports (see above).
  static Result<std::unique_ptr<DnsGlue>> start(const Namespaces& host, dns::ServerOptions opts = {});

  // A network with name discovery (the runtime asks its driver; never the default bridge).
  void network_added(const api::NetworkSpec& spec);
  void network_removed(std::string_view name);
  // Binds the container's resolv.conf and hosts and starts serving it if it has names.
  Result<void> container_created(Container& c, const api::ContainerSpec& spec);
  // After a start or restart: the host's resolver is read again (see above).
  Result<void> container_started(Container& c);
  // After connect/disconnect: names, hosts file and serving follow the endpoints.
  Result<void> container_changed(Container& c);
  void container_removed(const std::string& name);
  // A container of another host (multi-host labs): its names, not served here. Withdrawn
  // with container_removed.
  void remote_put(dns::TableContainer c);

 private:
  DnsGlue(std::unique_ptr<dns::Server> server, const Namespaces& host, std::string path)
      : server_(std::move(server)), host_ns_(host), path_(std::move(path)) {}
  dns::TableContainer entry(const Container& c) const;
  dns::ResolvConf read_host() const;
  // Writes the container's resolv.conf from the host's file as it is now and gives its
  // embedded server the host's upstreams as they are now.
  Result<void> set_up_resolver(Container& c);
  bool user_defined(const Container& c) const;

  struct Files {
    dns::BoundFile resolv, hosts;
    std::vector<IpAddr> dns;         // --dns servers
    std::vector<dns::Upstream> own;  // the same, as upstreams
    std::vector<dns::Upstream> host;  // the host's upstreams when its sandbox was last built
    bool served = false;
    std::optional<nft::Firewall> redirect;  // while served: 127.0.0.11:53 to the server's ports
  };
  std::unique_ptr<dns::Server> server_;
  const Namespaces& host_ns_;
  std::string path_;  // the host's resolver file, chosen at start (dns::host_resolv_path)
  std::set<std::string, std::less<>> networks_;  // user-defined
  std::map<std::string, Files, std::less<>> files_;
};

}  // namespace nc::runtime
