#include "harness/checks/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace nc::checks {
namespace {

namespace fs = std::filesystem;

IpAddr ip(std::string_view s) { return *IpAddr::parse(s); }
Prefix prefix(std::string_view s) { return *Prefix::parse(s); }

class FullFile : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = load_check_file(fs::path(NC_CHECKS_TESTDATA) / "good" / "full.yaml");
    ASSERT_TRUE(loaded) << loaded.error().message();
    c_ = std::move(*loaded);
  }
  Check c_;
};

TEST_F(FullFile, Header) {
  EXPECT_EQ(c_.id, "SCN-DNS-042");
  EXPECT_EQ(c_.title, "Every key once");
  EXPECT_EQ(c_.source, "conformance/README.md");
  EXPECT_EQ(c_.suite, Suite::kConformance);  // inferred: the folder is not "scenarios"
  EXPECT_EQ(c_.requirements, (std::vector<std::string>{"bridge", "nftables", "dns", "ipv6"}));
  EXPECT_EQ(c_.story, "Line one.\nLine two.\n");
  EXPECT_FALSE(c_.lab.ip_forward);
  EXPECT_EQ(c_.pos.line, 2);
  EXPECT_EQ(c_.pos.col, 1);
  EXPECT_TRUE(c_.pos.file.ends_with("good/full.yaml"));
}

TEST_F(FullFile, NetworksInFileOrder) {
  ASSERT_EQ(c_.networks.size(), 3u);
  const auto& n = c_.networks[0];
  EXPECT_EQ(n.name, "appnet");
  EXPECT_EQ(n.driver, "bridge");
  EXPECT_EQ(n.subnet, prefix("172.30.0.0/24"));
  EXPECT_EQ(n.gateway, ip("172.30.0.254"));
  EXPECT_TRUE(n.internal);
  EXPECT_FALSE(n.icc);
  EXPECT_EQ(n.mtu, 1400);
  EXPECT_TRUE(n.ipv6);
  EXPECT_EQ(n.subnet6, prefix("2001:db8:30::/64"));
  EXPECT_EQ(n.gateway6, ip("2001:db8:30::fe"));
  EXPECT_EQ(c_.networks[1].name, "other");
  EXPECT_FALSE(c_.networks[1].subnet);
  EXPECT_FALSE(c_.networks[1].dual_stack());
  EXPECT_TRUE(c_.networks[1].icc);
  EXPECT_EQ(c_.networks[2].driver, "macvlan");
  EXPECT_EQ(c_.networks[2].parent, "eth0");
  EXPECT_EQ(c_.networks[2].mode, "private");
}

TEST_F(FullFile, ContainersInFileOrder) {
  ASSERT_EQ(c_.containers.size(), 3u);
  const auto& api = c_.containers[0];
  EXPECT_EQ(api.name, "api");
  ASSERT_EQ(api.networks.size(), 2u);
  EXPECT_EQ(api.networks[0].network, "appnet");
  EXPECT_EQ(api.networks[0].aliases, (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(api.networks[0].ip, ip("172.30.0.5"));
  EXPECT_EQ(api.networks[0].ip6, ip("2001:db8:30::5"));
  EXPECT_EQ(api.networks[1].network, "other");
  EXPECT_FALSE(api.networks[1].ip);
  EXPECT_FALSE(api.networks[1].ip6);
  EXPECT_EQ(api.hostname, "api-host");
  ASSERT_EQ(api.publish.size(), 3u);
  EXPECT_EQ(api.publish[1].host_ip, ip("127.0.0.1"));
  EXPECT_EQ(api.publish[2].proto, Proto::kUdp);
  EXPECT_EQ(api.dns, std::vector<IpAddr>{ip("203.0.113.53")});
  EXPECT_EQ(api.command, (std::vector<std::string>{"serve", "tcp://0.0.0.0:80"}));
  EXPECT_EQ(c_.containers[1].command, (std::vector<std::string>{"serve", "udp://0.0.0.0:53"}));
  EXPECT_TRUE(c_.containers[1].networks.empty());  // the engine attaches it to "bridge"
  EXPECT_EQ(c_.containers[2].name, "idle");
  EXPECT_TRUE(c_.containers[2].command.empty());
}

TEST_F(FullFile, Services) {
  ASSERT_EQ(c_.services.size(), 1u);
  EXPECT_EQ(c_.services[0].at.kind, Place::Kind::kExternal);
  EXPECT_EQ(c_.services[0].command, (std::vector<std::string>{"serve", "tcp://0.0.0.0:9000"}));
}

TEST_F(FullFile, ProbeSteps) {
  ASSERT_EQ(c_.steps.size(), 15u);
  const auto& s = c_.steps[0];
  EXPECT_EQ(s.kind(), ActionKind::kConnect);
  EXPECT_EQ(s.name, "reach the api");
  EXPECT_EQ(s.from.kind, Place::Kind::kContainer);
  EXPECT_EQ(s.from.container, "web");
  EXPECT_EQ(s.timeout, milliseconds(500));
  EXPECT_EQ(s.pos.line, 30);
  EXPECT_EQ(s.pos.col, 5);
  auto* connect = s.get<Connect>();
  ASSERT_TRUE(connect);
  EXPECT_EQ(connect->proto, Proto::kTcp);
  EXPECT_EQ(connect->host, "${api.ip.appnet}");
  EXPECT_EQ(connect->port, 80);
  EXPECT_EQ(connect->url, "tcp://${api.ip.appnet}:80");
  EXPECT_EQ(s.expect.outcomes, std::vector<Outcome>{Outcome::kOk});
  EXPECT_EQ(s.expect.peer, "${host.ip}");
  EXPECT_EQ(s.expect.within, milliseconds(300));

  const auto& ping = c_.steps[1];
  EXPECT_EQ(ping.from.kind, Place::Kind::kHost);
  EXPECT_EQ(ping.get<Ping>()->address, "${api.ip}");
  EXPECT_EQ(ping.timeout, kDefaultProbeTimeout);
  EXPECT_EQ(ping.expect.outcomes, (std::vector<Outcome>{Outcome::kTimeout, Outcome::kUnreachable}));

  const auto& read = c_.steps[2];
  EXPECT_EQ(read.get<Read>()->path, "/etc/resolv.conf");
  EXPECT_EQ(read.expect.contains, std::vector<std::string>{"nameserver 127.0.0.11"});
  EXPECT_EQ(read.expect.not_contains, (std::vector<std::string>{"8.8.8.8", "8.8.4.4"}));

  const auto& listeners = c_.steps[3];
  EXPECT_EQ(listeners.kind(), ActionKind::kListeners);
  EXPECT_EQ(listeners.expect.listening, std::vector<std::string>{"0.0.0.0:80"});
  EXPECT_EQ(listeners.expect.not_listening.size(), 2u);
}

TEST_F(FullFile, InterfacesExpect) {
  const auto& s = c_.steps[4];
  EXPECT_EQ(s.kind(), ActionKind::kInterfaces);
  EXPECT_EQ(s.from.kind, Place::Kind::kExternal);
  EXPECT_EQ(s.expect.iface_or_default(), "eth1");
  EXPECT_EQ(s.expect.address_in, "${net.appnet.subnet}");
  EXPECT_EQ(s.expect.address, "172.30.0.5");
  EXPECT_EQ(s.expect.no_iface, "eth9");
  EXPECT_FALSE(s.expect.default_via);
  EXPECT_TRUE(s.expect.no_default_route);
}

TEST_F(FullFile, RuntimeSteps) {
  const auto& create = c_.steps[5];
  EXPECT_FALSE(create.from.is_set());
  EXPECT_TRUE(create.expect.outcomes.empty());
  EXPECT_FALSE(create.expect.error);
  EXPECT_EQ(create.get<NetworkCreate>()->spec.subnet, prefix("172.31.0.0/16"));
  EXPECT_EQ(create.get<NetworkCreate>()->spec.subnet6, prefix("2001:db8:31::/64"));

  const auto& refused = c_.steps[6];
  EXPECT_EQ(refused.expect.error, "overlaps");
  EXPECT_EQ(refused.expect.within, milliseconds(1000));
  EXPECT_EQ(refused.get<NetworkCreate>()->spec.name, "n3");

  EXPECT_EQ(c_.steps[7].get<ContainerCreate>()->spec.networks[0].network, "n2");
  const auto* connect = c_.steps[8].get<NetworkConnect>();
  ASSERT_TRUE(connect);
  EXPECT_EQ(connect->container, "web");
  EXPECT_EQ(connect->attachment.network, "n2");
  EXPECT_EQ(connect->attachment.aliases, std::vector<std::string>{"w"});
  EXPECT_EQ(connect->attachment.ip, ip("172.31.0.9"));
  EXPECT_EQ(connect->attachment.ip6, ip("2001:db8:31::9"));

  const auto* v6 = c_.steps[9].get<Connect>();
  EXPECT_EQ(v6->proto, Proto::kUdp);
  EXPECT_EQ(v6->host, "fd00::1");
  EXPECT_EQ(v6->port, 53);
  EXPECT_EQ(c_.steps[9].expect.outcomes, std::vector<Outcome>{Outcome::kRefused});

  EXPECT_EQ(c_.steps[10].kind(), ActionKind::kNote);
  EXPECT_EQ(c_.steps[10].get<Note>()->text, "c3 is ${c3.ip.n2} behind ${c3.gateway.n2} in ${net.n2.gateway}");
  EXPECT_EQ(c_.steps[11].get<NetworkDisconnect>()->network, "n2");
  EXPECT_EQ(c_.steps[12].get<ContainerRemove>()->container, "c3");
  EXPECT_EQ(c_.steps[13].get<NetworkRemove>()->network, "n2");
}

TEST_F(FullFile, Describe) {
  EXPECT_EQ(describe(c_.steps[0]), "web: connect tcp://${api.ip.appnet}:80 → ok");
  EXPECT_EQ(describe(c_.steps[1]), "host: ping ${api.ip} → timeout or unreachable");
  EXPECT_EQ(describe(c_.steps[6]), "runtime: network_create n3 → error containing \"overlaps\"");
  EXPECT_EQ(describe(c_.steps[10]), "note: c3 is ${c3.ip.n2} behind ${c3.gateway.n2} in ${net.n2.gateway}");
}

Result<Check> parse(std::string_view steps, std::string_view extra = "") {
  auto text = fmt::format("id: BR-900\ntitle: t\nsource: s\n{}steps:\n{}", extra, steps);
  return parse_check(text, "mem.yaml", Suite::kScenarios);
}

// A check that requires ipv6, as every dual-stack one must.
Result<Check> parse6(std::string_view steps, std::string_view extra = "") {
  return parse(steps, fmt::format("requires: [ipv6]\n{}", extra));
}

TEST(ParseCheck, DefaultsAndSuite) {
  auto c = parse("  - { from: host, ping: 203.0.113.100, expect: ok }\n");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->suite, Suite::kScenarios);
  EXPECT_TRUE(c->lab.ip_forward);
  EXPECT_TRUE(c->networks.empty());
  EXPECT_EQ(c->steps[0].expect.iface_or_default(), "eth0");
  EXPECT_EQ(c->steps[0].pos.str(), "mem.yaml:5:5");
}

TEST(ParseCheck, MapExpectDefaultsToOk) {
  auto c = parse("  - { from: web, connect: 'tcp://${external.ip}:9000', expect: { peer: '${host.ip}' } }\n",
                 "containers: { web: }\n");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->steps[0].expect.outcomes, std::vector<Outcome>{Outcome::kOk});
}

TEST(ParseCheck, NamesFollowTheSteps) {
  // Created by an earlier step: usable. Created by a step that expects an error: not.
  auto ok = parse(
      "  - { network_create: { name: n2 }, expect: ok }\n"
      "  - { container_create: { name: c, networks: [n2] }, expect: ok }\n"
      "  - { from: c, ping: '${c.gateway.n2}', expect: ok }\n");
  ASSERT_TRUE(ok) << ok.error().message();
  auto failed = parse(
      "  - { network_create: { name: n2 }, expect: { error: x } }\n"
      "  - { container_create: { name: c, networks: [n2] }, expect: ok }\n");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message(), "mem.yaml:6:47: unknown network 'n2'; networks at this point: bridge, host, none");
}

TEST(ParseCheck, NetworksOfAContainerFollowTheSteps) {
  // web starts on n1 only; each step's variables see the networks web is on at that step.
  auto ok = parse(
      "  - { network_connect: { container: web, network: n2 }, expect: ok }\n"
      "  - { from: peer, ping: '${web.ip.n2}', expect: ok }\n"
      "  - { network_disconnect: { container: web, network: n1 }, expect: ok }\n"
      "  - { from: peer, ping: '${web.ip}', expect: ok }\n"
      "  - { network_disconnect: { container: web, network: n2 }, expect: ok }\n"
      "  - { network_connect: { container: web, network: n1 }, expect: ok }\n"
      "  - { from: peer, connect: 'tcp://${web.ip.n1}:80', expect: ok }\n"
      "  - { container_remove: peer, expect: ok }\n"
      "  - { network_remove: n2, expect: ok }\n",
      "networks: { n1: {}, n2: {} }\ncontainers: { web: { networks: [n1] }, peer: { networks: [n1, n2] } }\n");
  ASSERT_TRUE(ok) << ok.error().message();
}

TEST(ParseCheck, ImpossibleAttachmentsLoadWhenTheStepExpectsTheRefusal) {
  auto ok = parse(
      "  - { network_connect: { container: web, network: n1 }, expect: { error: already } }\n"
      "  - { network_disconnect: { container: web, network: n2 }, expect: { error: not connected } }\n"
      "  - { network_remove: n1, expect: { error: active endpoints } }\n"
      "  - { from: web, ping: '${web.ip.n1}', expect: ok }\n",
      "networks: { n1: {}, n2: {} }\ncontainers: { web: { networks: [n1] } }\n");
  ASSERT_TRUE(ok) << ok.error().message();
}

TEST(ParseCheck, PublishedPortVariablesNameAPublishedPort) {
  auto ok = parse("  - { from: host, connect: 'tcp://${host.ip}:${web.port.9005}', expect: ok }\n"
                  "  - { from: host, connect: 'udp://${host.ip}:${web.port.53/udp}', expect: ok }\n",
                  "containers: { web: { publish: ['9000-9010:9000-9010', '53/udp'] } }\n");
  ASSERT_TRUE(ok) << ok.error().message();
  auto bad = parse("  - { from: host, connect: 'tcp://${host.ip}:${web.port.53}', expect: ok }\n",
                   "containers: { web: { publish: ['9000-9010:9000-9010', '53/udp'] } }\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "mem.yaml:6:28: connect: ${web.port.53}: container web does not publish port 53/tcp; "
                                   "it publishes 9000-9010/tcp, 53/udp");
}

TEST(ParseCheck, ClashesOnlyWhenExpectedToSucceed) {
  auto ok = parse("  - { network_create: { name: n1, subnet: 172.17.0.0/16 }, expect: { error: overlaps } }\n",
                  "networks: { n0: { subnet: 172.17.0.0/16 } }\n");
  ASSERT_TRUE(ok) << ok.error().message();
  auto bad = parse("  - { network_create: { name: n1, subnet: 172.17.0.0/16 }, expect: ok }\n",
                   "networks: { n0: { subnet: 172.17.0.0/16 } }\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("overlaps network n0"), std::string::npos) << bad.error().message();
}

TEST(ParseCheck, Subnet6OrGateway6MakeANetworkDualStackWithoutIpv6) {
  auto c = parse6("  - { note: '${net.a.subnet6} ${net.b.gateway6} ${net.c.subnet6} ${web.ip6.a} ${web.gateway6.c}' }\n",
                 "networks:\n"
                 "  a: { ipv6: true }\n"
                 "  b: { subnet6: '2001:db8:1::/64', gateway6: '2001:db8:1::fe' }\n"
                 "  c: { ipv6: true, subnet6: '2001:db8:2::/64' }\n"
                 "  d: { ipv6: false }\n"
                 "containers: { web: { networks: [a, c] } }\n");
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_EQ(c->networks.size(), 4u);
  EXPECT_TRUE(c->networks[0].ipv6);
  EXPECT_FALSE(c->networks[0].subnet6);  // allocated from the runtime's IPv6 pool
  EXPECT_FALSE(c->networks[1].ipv6);     // as written: subnet6 implies it (dual_stack())
  EXPECT_TRUE(c->networks[1].dual_stack());
  EXPECT_EQ(c->networks[1].gateway6, ip("2001:db8:1::fe"));
  EXPECT_TRUE(c->networks[2].dual_stack());
  EXPECT_FALSE(c->networks[3].dual_stack());
}

TEST(ParseCheck, IPv6VariablesNeedADualStackNetworkAtThatStep) {
  auto extra = "networks: { v4: {}, dual: { ipv6: true } }\ncontainers: { web: { networks: [v4, dual] } }\n";
  auto ok = parse6("  - { from: host, ping: '${web.ip6.dual}', expect: ok }\n"
                  "  - { from: web, connect: 'tcp://[${external.ip6}]:9000', expect: { peer: '${host.ip6}' } }\n"
                  "  - { network_disconnect: { container: web, network: v4 }, expect: ok }\n"
                  "  - { from: host, ping: '${web.ip6}', expect: ok }\n",  // dual is its first network now
                  extra);
  ASSERT_TRUE(ok) << ok.error().message();
  auto first = parse6("  - { from: host, ping: '${web.ip6}', expect: ok }\n", extra);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().message(), "mem.yaml:8:25: ping: ${web.ip6}: network v4 is not dual stack at this point: "
                                     "declare it with ipv6: true or a subnet6");
  auto gateway = parse6("  - { from: web, ping: '${web.gateway6.v4}', expect: ok }\n", extra);
  ASSERT_FALSE(gateway);
  EXPECT_NE(gateway.error().message().find("${web.gateway6.v4}: network v4 is not dual stack"), std::string::npos)
      << gateway.error().message();
  auto off = parse6("  - { from: host, ping: '${web.ip6.v4}', expect: ok }\n", extra);
  ASSERT_FALSE(off);  // the container is on it, but the network has no IPv6
  auto not_on = parse6("  - { network_disconnect: { container: web, network: dual }, expect: ok }\n"
                      "  - { from: host, ping: '${web.ip6.dual}', expect: ok }\n",
                      extra);
  ASSERT_FALSE(not_on);
  EXPECT_NE(not_on.error().message().find("container web is not on network dual at this point"), std::string::npos)
      << not_on.error().message();
}

TEST(ParseCheck, NetworkCreateStepsRecordDualStack) {
  auto ok = parse6("  - { network_create: { name: n2, subnet6: '2001:db8:2::/64' }, expect: ok }\n"
                  "  - { note: '${net.n2.subnet6}' }\n"
                  "  - { network_remove: n2, expect: ok }\n"
                  "  - { network_create: { name: n2, ipv6: true }, expect: ok }\n"
                  "  - { container_create: { name: c, networks: [n2] }, expect: ok }\n"
                  "  - { note: '${c.ip6.n2} ${c.gateway6.n2} ${net.n2.gateway6}' }\n");
  ASSERT_TRUE(ok) << ok.error().message();
  auto failed = parse6("  - { network_create: { name: n2, ipv6: true }, expect: { error: x } }\n"
                      "  - { network_create: { name: n2 }, expect: ok }\n"
                      "  - { note: '${net.n2.subnet6}' }\n");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message(), "mem.yaml:8:13: note: ${net.n2.subnet6}: network n2 is not dual stack at this "
                                      "point: declare it with ipv6: true or a subnet6");
}

TEST(ParseCheck, IPv6ClashesOnlyWhenExpectedToSucceed) {
  auto extra = "networks: { n0: { subnet: 172.17.0.0/16, subnet6: '2001:db8::/48' } }\ncontainers: { c: { networks: [n0] } }\n";
  auto ok = parse6("  - { network_create: { name: n1, subnet6: '2001:db8:0:1::/64' }, expect: { error: overlaps } }\n"
                  "  - { network_create: { name: n2, subnet: 172.18.0.0/16, subnet6: '2001:db9::/64' }, expect: ok }\n"
                  "  - { network_connect: { container: c, network: n2, ip6: '2001:db8::9' }, expect: { error: range } }\n",
                  extra);
  ASSERT_TRUE(ok) << ok.error().message();
  auto overlap = parse6("  - { network_create: { name: n1, subnet6: '2001:db8:0:1::/64' }, expect: ok }\n", extra);
  ASSERT_FALSE(overlap);
  EXPECT_EQ(overlap.error().message(), "mem.yaml:8:44: subnet6 2001:db8:0:1::/64 overlaps network n0; to assert that the "
                                       "runtime refuses it, use a network_create step expecting an error");
  // An address of the wrong family is wrong whatever the step expects.
  auto family = parse6("  - { network_create: { name: n1, subnet6: 172.30.0.0/24 }, expect: { error: x } }\n", extra);
  ASSERT_FALSE(family);
  EXPECT_NE(family.error().message().find("subnet6: 172.30.0.0/24 is IPv4"), std::string::npos) << family.error().message();
  auto ip6 = parse6("  - { network_connect: { container: c, network: bridge, ip6: 172.17.0.9 }, expect: { error: x } }\n",
                   extra);
  ASSERT_FALSE(ip6);
  EXPECT_NE(ip6.error().message().find("ip6: 172.17.0.9 is IPv4"), std::string::npos) << ip6.error().message();
}

TEST(ParseCheck, NeverThrows) {
  for (std::string_view text : {"", "\t", "{", "[", ": :", "id: [", "&a [*a]", "!!binary x", "id: *nope",
                                "- - -", "\"", "steps: {", "%YAML 9.9\n---\n", "? [a]\n: b\n"}) {
    auto c = parse_check(text, "junk.yaml", Suite::kConformance);
    ASSERT_FALSE(c) << text;
    EXPECT_TRUE(c.error().message().starts_with("junk.yaml:")) << c.error().message();
  }
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Whatever the bytes, the loader answers with a check or one positioned error.
void expect_graceful(std::string_view text) {
  auto c = parse_check(text, "m.yaml", Suite::kConformance);
  if (!c) {
    ASSERT_TRUE(c.error().message().starts_with("m.yaml:")) << c.error().message() << "\n" << text;
  }
}

TEST(ParseCheck, EveryTruncationAndMutationIsHandled) {
  auto text = slurp(fs::path(NC_CHECKS_TESTDATA) / "good" / "full.yaml");
  ASSERT_FALSE(text.empty());
  // Strides keep this near a second: yaml-cpp alone takes most of a millisecond per parse.
  for (size_t n = 0; n < text.size(); n += 3) expect_graceful(std::string_view(text).substr(0, n));
  for (size_t i = 0; i < text.size(); i += 7) {
    for (char ch : {'{', ':', '-', '"', '\n', '[', '*', '$'}) {
      auto mutated = text;
      mutated[i] = ch;
      expect_graceful(mutated);
    }
  }
}

TEST(LoadCheckFile, MissingFile) {
  auto c = load_check_file("/nonexistent/br-001.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message(), "read /nonexistent/br-001.yaml: No such file or directory");
}

}  // namespace
}  // namespace nc::checks
