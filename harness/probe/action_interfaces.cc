// `interfaces`: links, their addresses and the main routing table, as the probe's netns
// sees them. getifaddrs talks netlink (no NSS), the MTU comes from SIOCGIFMTU, routes
// from /proc/net/route and /proc/net/ipv6_route.
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <bit>
#include <cstring>
#include <string>
#include <vector>

#include "harness/probe/action.h"
#include "harness/probe/io.h"
#include "harness/probe/output.h"
#include "harness/probe/proc_net.h"
#include "harness/probe/sockaddr.h"

namespace nc::probe {
namespace {

struct Link {
  std::string name;
  unsigned flags = 0;
  std::vector<std::string> addresses;
};

int prefix_len(const sockaddr* mask) {
  if (!mask) return 0;
  const uint8_t* b;
  size_t n;
  if (mask->sa_family == AF_INET) {
    b = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(mask)->sin_addr);
    n = 4;
  } else {
    b = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr);
    n = 16;
  }
  int len = 0;
  for (size_t i = 0; i < n; ++i) len += std::popcount(b[i]);
  return len;
}

Link& link_named(std::vector<Link>& links, const char* name) {
  for (Link& l : links)
    if (l.name == name) return l;
  return links.emplace_back(Link{name});
}

// getifaddrs lists every link once as AF_PACKET (in index order), then each address.
std::vector<Link> collect_links(const ifaddrs* list) {
  std::vector<Link> links;
  for (const ifaddrs* i = list; i; i = i->ifa_next) {
    Link& l = link_named(links, i->ifa_name);
    l.flags = i->ifa_flags;
    if (!i->ifa_addr) continue;
    int fam = i->ifa_addr->sa_family;
    if (fam != AF_INET && fam != AF_INET6) continue;
    SockAddr a(i->ifa_addr, fam == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    l.addresses.push_back(a.ip() + "/" + std::to_string(prefix_len(i->ifa_netmask)));
  }
  return links;
}

std::optional<int> mtu_of(int sock, const std::string& name) {
  ifreq r{};
  std::strncpy(r.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (sock < 0 || ::ioctl(sock, SIOCGIFMTU, &r) != 0) return std::nullopt;
  return r.ifr_mtu;
}

Json link_json(const Link& l, int sock) {
  Json j = Json::object();
  j["name"] = l.name;
  j["up"] = (l.flags & IFF_UP) != 0;
  j["running"] = (l.flags & IFF_RUNNING) != 0;
  if (auto mtu = mtu_of(sock, l.name)) j["mtu"] = *mtu;
  j["addresses"] = l.addresses;
  return j;
}

template <class Parse>
void add_routes(Json& out, const char* path, Parse parse) {
  auto text = read_text_file(path);
  if (!text) return;
  for (std::string_view line : split_lines(*text)) {
    auto r = parse(line);
    if (!r) continue;
    Json j = Json{{"dst", r->dst}};
    if (!r->via.empty()) j["via"] = r->via;
    if (!r->dev.empty()) j["dev"] = r->dev;
    out.push_back(std::move(j));
  }
}

int run(const Invocation&) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) {
    Json j = result("interfaces", "error");
    j["error"] = "getifaddrs: " + errno_text(errno);
    emit(j);
    return kExitOk;
  }
  std::vector<Link> links = collect_links(list);
  ::freeifaddrs(list);
  UniqueFd sock = open_socket(AF_INET, SOCK_DGRAM, 0);
  Json j = result("interfaces", "ok");
  j["interfaces"] = Json::array();
  for (const Link& l : links) j["interfaces"].push_back(link_json(l, sock.get()));
  j["routes"] = Json::array();
  add_routes(j["routes"], "/proc/net/route", parse_route_line);
  add_routes(j["routes"], "/proc/net/ipv6_route", parse_ipv6_route_line);
  emit(j);
  return kExitOk;
}

}  // namespace

extern const ActionSpec kInterfacesAction{
    .name = "interfaces",
    .synopsis = "interfaces",
    .run = run,
};

}  // namespace nc::probe
