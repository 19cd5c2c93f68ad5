// `resolve NAME [--type T] [--server IP]... [--tcp] [--no-tcp-fallback] [--timeout-ms N]`:
// a DNS lookup as a stub resolver (following /etc/resolv.conf) or against one server.
#include "harness/probe/action.h"
#include "harness/probe/dns_client.h"
#include "harness/probe/output.h"
#include "harness/probe/stub_resolver.h"

namespace nc::probe {
namespace {

constexpr OptionSpec kOptions[] = {
    {"--type"}, {"--server"}, {"--tcp", false}, {"--no-tcp-fallback", false}, {"--timeout-ms"}};

int run(const Invocation& inv) {
  StubRequest req;
  req.name = inv.args[0];
  std::string type(inv.option("--type").value_or("A"));
  req.type = dns_type(type);
  if (req.type == 0) return usage_error(inv.spec, "resolve", "--type: unknown record type " + type);
  if (req.type == 12) req.name = ptr_name(req.name);
  if (auto s = inv.option("--server")) req.servers.push_back(std::string(*s));
  req.tcp = inv.has("--tcp");
  req.tcp_fallback = !inv.has("--no-tcp-fallback");
  auto timeout = int_option(inv, "--timeout-ms", 5000, 1, 3'600'000);
  if (!timeout) return usage_error(inv.spec, "resolve", timeout.error());
  req.timeout_ms = static_cast<int>(*timeout);
  Json j = stub_resolve(req);
  j["type"] = type;
  emit(j);
  return kExitOk;
}

}  // namespace

extern const ActionSpec kResolveAction{
    .name = "resolve",
    .synopsis = "resolve NAME [--type A|AAAA|PTR|...] [--server IP] [--tcp] [--no-tcp-fallback] [--timeout-ms N]",
    .options = kOptions,
    .min_args = 1,
    .max_args = 1,
    .run = run,
};

}  // namespace nc::probe
