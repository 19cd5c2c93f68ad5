// `listeners`: the listening TCP and bound UDP sockets of the probe's network namespace,
// the diagnosis for "the service listens on 127.0.0.1 only".
#include <netinet/in.h>
#include <unistd.h>

#include "harness/probe/action.h"
#include "harness/probe/io.h"
#include "harness/probe/output.h"
#include "harness/probe/proc_net.h"

namespace nc::probe {
namespace {

constexpr int kTcpListen = 0x0A;
constexpr int kUdpUnconnected = 0x07;  // TCP_CLOSE: bound, not connected

struct Table {
  const char* path;
  const char* proto;
  int family;
  int state;         // the only state reported
  const char* name;  // as printed
};

constexpr Table kTables[] = {
    {"/proc/net/tcp", "tcp", AF_INET, kTcpListen, "listen"},
    {"/proc/net/tcp6", "tcp", AF_INET6, kTcpListen, "listen"},
    {"/proc/net/udp", "udp", AF_INET, kUdpUnconnected, "bound"},
    {"/proc/net/udp6", "udp", AF_INET6, kUdpUnconnected, "bound"},
};

void add_sockets(Json& out, const Table& t) {
  auto text = read_text_file(t.path);
  if (!text) return;  // no IPv6 in this kernel: nothing to list
  for (std::string_view line : split_lines(*text)) {
    auto s = parse_socket_line(line, t.family);
    if (!s || s->state != t.state) continue;
    out.push_back(Json{{"proto", t.proto}, {"local", s->local}, {"state", t.name}});
  }
}

int run(const Invocation&) {
  Json j = result("listeners", "ok");
  Json sockets = Json::array();
  for (const Table& t : kTables) add_sockets(sockets, t);
  j["sockets"] = std::move(sockets);
  // The namespace's identity ("net:[4026532...]", the same number everywhere): how the
  // harness finds this namespace from outside (harness/diagnose/netns_find.h).
  char link[64] = {};
  if (ssize_t n = ::readlink("/proc/self/ns/net", link, sizeof link - 1); n > 0) j["netns"] = std::string(link, n);
  emit(j);
  return kExitOk;
}

}  // namespace

extern const ActionSpec kListenersAction{
    .name = "listeners",
    .synopsis = "listeners",
    .run = run,
};

}  // namespace nc::probe
