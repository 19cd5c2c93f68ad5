#include "netimpl/dns/resolv_conf.h"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace nc::dns {
namespace {

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string options_line(const ResolvConf& host, bool add_ndots) {
  auto opts = host.options;
  bool has_ndots = std::ranges::any_of(opts, [](auto& o) { return o.starts_with("ndots:"); });
  if (add_ndots && !has_ndots) opts.push_back("ndots:0");
  return opts.empty() ? "" : fmt::format("options {}\n", fmt::join(opts, " "));
}

std::string search_line(const ResolvConf& host) {
  return host.search.empty() ? "" : fmt::format("search {}\n", fmt::join(host.search, " "));
}

}  // namespace

ResolvConf parse_resolv_conf(std::string_view text) {
  ResolvConf out;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    auto w = words(line);
    if (w.empty() || w[0].starts_with('#') || w[0].starts_with(';')) continue;
    if (w[0] == "nameserver" && w.size() > 1) {
      if (auto ip = IpAddr::parse(w[1])) out.nameservers.push_back(*ip);
    } else if (w[0] == "search" || w[0] == "domain") {
      out.search.assign(w.begin() + 1, w.end());
    } else if (w[0] == "options") {
      out.options.insert(out.options.end(), w.begin() + 1, w.end());
    }
  }
  return out;
}

std::string_view host_resolv_path(const ResolvConf& etc) {
  static const IpAddr stub = *IpAddr::parse("127.0.0.53");
  return etc.nameservers.size() == 1 && etc.nameservers[0] == stub ? kSystemdResolvPath : kHostResolvPath;
}

std::string user_network_resolv_conf(const ResolvConf& host, const std::vector<IpAddr>& dns) {
  const auto& ext = dns.empty() ? host.nameservers : dns;
  std::vector<std::string> names;
  for (auto& ip : ext) names.push_back(fmt::format("{}({})", dns.empty() ? "host" : "dns", ip));
  return fmt::format("nameserver 127.0.0.11\n{}{}\n# Based on host file: '/etc/resolv.conf' (internal resolver)\n"
                     "# ExtServers: [{}]\n",
                     search_line(host), options_line(host, true), fmt::join(names, " "));
}

std::string default_bridge_resolv_conf(const ResolvConf& host, const std::vector<IpAddr>& dns, bool ipv6) {
  std::vector<IpAddr> servers = dns;
  if (servers.empty())
    for (auto& ip : host.nameservers)
      if (!ip.is_loopback() && (ipv6 || ip.is_v4())) servers.push_back(ip);
  std::string out;
  if (servers.empty()) out = "nameserver 8.8.8.8\nnameserver 8.8.4.4\n";
  for (auto& ip : servers) out += fmt::format("nameserver {}\n", ip);
  return out + search_line(host) + options_line(host, false);
}

std::vector<IpAddr> host_upstreams(const ResolvConf& host) {
  std::vector<IpAddr> out = host.nameservers;
  if (out.size() > 3) out.resize(3);
  return out;
}

std::string hosts_file(std::string_view hostname, std::string_view name, const std::vector<IpAddr>& addrs) {
  std::string out =
      "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
      "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";
  for (auto& ip : addrs)
    out += hostname == name ? fmt::format("{}\t{}\n", ip, hostname) : fmt::format("{}\t{} {}\n", ip, hostname, name);
  return out;
}

}  // namespace nc::dns
