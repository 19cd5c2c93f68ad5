#include "harness/probe/stub_resolver.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

namespace nc::probe {
namespace {

std::string read_all(const char* path) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

// One name against the servers in order: the first server that answers with anything but
// SERVFAIL/REFUSED wins; a truncated UDP reply is retried over TCP.
DnsReply ask_servers(const std::string& qname, const StubRequest& req, const std::vector<std::string>& servers,
                     const Stopwatch& sw, Json& tried, std::string& answered_by, std::string& transport) {
  DnsReply last;
  last.error = "no nameserver";
  for (size_t i = 0; i < servers.size(); ++i) {
    int left = sw.remaining_ms(req.timeout_ms);
    if (left <= 0) break;
    // Leave time for the servers after this one, as a stub's per-server timeout does.
    int slice = std::max(1, left / static_cast<int>(servers.size() - i));
    bool tcp = req.tcp;
    DnsReply r = dns_query(qname, req.type, servers[i], tcp, slice);
    if (r.answered && r.tc && !tcp && req.tcp_fallback) {
      tcp = true;
      r = dns_query(qname, req.type, servers[i], true, std::max(1, sw.remaining_ms(req.timeout_ms)));
    }
    tried.push_back({{"name", qname}, {"server", servers[i]}, {"transport", tcp ? "tcp" : "udp"},
                     {"result", r.answered ? rcode_name(r.rcode) : r.error}});
    last = r;
    answered_by = servers[i];
    transport = tcp ? "tcp" : "udp";
    if (r.answered && r.rcode != 2 && r.rcode != 5) return r;
  }
  return last;
}

}  // namespace

StubConfig parse_stub_config(const std::string& text) {
  StubConfig cfg;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream ws(line);
    std::string key;
    ws >> key;
    if (key == "nameserver") {
      std::string ip;
      if (ws >> ip && cfg.nameservers.size() < 3) cfg.nameservers.push_back(ip);
    } else if (key == "search" || key == "domain") {
      cfg.search.clear();
      for (std::string d; ws >> d;) cfg.search.push_back(d);
    } else if (key == "options") {
      for (std::string o; ws >> o;)
        if (o.starts_with("ndots:")) cfg.ndots = std::clamp(std::atoi(o.c_str() + 6), 0, 15);
    }
  }
  return cfg;
}

std::vector<std::string> candidate_names(const std::string& name, const StubConfig& cfg) {
  if (name.ends_with('.')) return {name};
  auto dots = static_cast<int>(std::ranges::count(name, '.'));
  std::vector<std::string> out;
  if (dots >= cfg.ndots) out.push_back(name);
  for (auto& d : cfg.search) out.push_back(name + "." + d);
  if (dots < cfg.ndots) out.push_back(name);
  return out;
}

Json stub_resolve(const StubRequest& req) {
  Stopwatch sw;
  Json j = result("resolve", "ok");
  j["name"] = req.name;
  std::vector<std::string> servers = req.servers;
  std::vector<std::string> names{req.name};
  if (servers.empty()) {
    auto cfg = parse_stub_config(read_all("/etc/resolv.conf"));
    servers = cfg.nameservers.empty() ? std::vector<std::string>{"127.0.0.1"} : cfg.nameservers;
    names = candidate_names(req.name, cfg);
  }
  Json tried = Json::array();
  DnsReply best, nodata;
  std::string by, transport, final_name;
  bool have_nodata = false;
  for (auto& n : names) {
    std::string who, how;
    auto r = ask_servers(n, req, servers, sw, tried, who, how);
    best = r;
    by = who;
    transport = how;
    final_name = n;
    // Like glibc: a search name that does not exist (or has no data) moves on to the next.
    if (!r.answered || (r.rcode != 3 && !(r.rcode == 0 && r.answers.empty()))) break;
    if (r.rcode == 0 && !have_nodata) nodata = r, have_nodata = true;
  }
  if (best.answered && best.rcode == 3 && have_nodata) best = nodata;
  j["qname"] = final_name;
  j["duration_ms"] = sw.elapsed_ms();
  j["tried"] = tried;
  if (!best.answered) {
    j["outcome"] = best.error.starts_with("timeout") ? "timeout" : best.error == "Connection refused" ? "refused" : "error";
    j["error"] = best.error;
    return j;
  }
  j["rcode"] = rcode_name(best.rcode);
  j["flags"] = {{"tc", best.tc}, {"aa", best.aa}, {"ra", best.ra}};
  if (best.ttl >= 0) j["ttl"] = best.ttl;
  j["answers"] = best.answers;
  j["server"] = by;
  j["transport"] = transport;
  return j;
}

}  // namespace nc::probe
