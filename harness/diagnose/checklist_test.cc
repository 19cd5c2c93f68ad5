// The checklist over a fake Observations: each cause from the observations that show it,
// the order of the steps, and what is (not) asked once a step fails.
#include "harness/diagnose/checklist.h"

#include <map>

#include <gtest/gtest.h>

namespace nc::diagnose {
namespace {

api::Endpoint ep(std::string net, const char* ip) { return api::Endpoint{.network = std::move(net), .ip = *IpAddr::parse(ip)}; }

// A world of containers, each with answers; anything not set is the healthy answer.
struct Fake : Observations {
  std::map<std::string, ContainerState> containers;
  std::string ping_out = "ok";
  Resolution res{.outcome = "ok", .rcode = "noerror", .server = "127.0.0.11", .addresses = {"172.18.0.3"}};
  std::vector<Listener> ls{{"tcp", "0.0.0.0", 80}};
  std::string connect_out = "ok";
  std::vector<std::string> rules;
  std::vector<std::string> asked;

  Fake() {
    containers["client"] = {.exists = true, .running = true, .status = "running", .endpoints = {ep("appnet", "172.18.0.2")}};
    containers["web"] = {.exists = true, .running = true, .status = "running", .endpoints = {ep("appnet", "172.18.0.3")}};
  }
  Result<ContainerState> container(const std::string& n) override {
    asked.push_back("container " + n);
    if (!containers.contains(n)) return ContainerState{.status = "no such container"};
    return containers[n];
  }
  Result<std::string> ping(const std::string& from, const IpAddr& to) override {
    asked.push_back(fmt::format("ping {} {}", from, to));
    return ping_out;
  }
  Result<Resolution> resolve(const std::string&, const std::string& n) override {
    asked.push_back("resolve " + n);
    return res;
  }
  Result<std::vector<Listener>> listeners(const std::string&) override {
    asked.push_back("listeners");
    return ls;
  }
  Result<std::string> connect(const std::string&, const IpAddr& to, uint16_t port) override {
    asked.push_back(fmt::format("connect {}:{}", to, port));
    return connect_out;
  }
  Result<std::vector<std::string>> blocking_rules(const std::string&, uint16_t) override {
    asked.push_back("rules");
    return rules;
  }
  std::optional<IpAddr> host_address(const std::string&) override { return *IpAddr::parse("198.51.100.2"); }
};

Diagnosis diag(Fake& f, const char* target = "web:80", std::string from = "client") {
  auto t = parse_target(target);
  EXPECT_TRUE(t);
  bool c = from != "host" && from != "external";
  return run_checklist(f, Request{from, c, t->first, t->second});
}

TEST(Checklist, AHealthyPathWorksAndWalksEveryStep) {
  Fake f;
  auto d = diag(f);
  EXPECT_EQ(d.cause, Cause::kPathWorks) << d.text();
  std::vector<std::string> steps;
  for (auto& s : d.steps) steps.push_back(s.step);
  EXPECT_EQ(steps, (std::vector<std::string>{"running", "network", "reachable", "resolves", "listening", "connects"}));
  EXPECT_EQ(f.asked.back(), "connect 172.18.0.3:80");
}

TEST(Checklist, NotRunningStopsBeforeAnyProbe) {
  Fake f;
  f.containers["web"].running = false;
  f.containers["web"].status = "exited (137)";
  auto d = diag(f);
  EXPECT_EQ(d.cause, Cause::kNotRunning);
  EXPECT_EQ(d.steps.back().evidence, "web: exited (137)");
  EXPECT_EQ(f.asked, (std::vector<std::string>{"container client", "container web"}));
  Fake g;
  EXPECT_EQ(diag(g, "nosuch:80").steps.back().evidence, "nosuch: no such container");
}

TEST(Checklist, NoSharedNetworkNamesBoth) {
  Fake f;
  f.containers["web"].endpoints = {ep("backnet", "172.19.0.3")};
  auto d = diag(f);
  EXPECT_EQ(d.cause, Cause::kNoSharedNetwork);
  EXPECT_EQ(d.steps.back().evidence, "client is on appnet; web is on backnet");
  EXPECT_NE(d.fix.find("docker network connect backnet client"), std::string::npos) << d.fix;
}

TEST(Checklist, UnreachableShowsThePing) {
  Fake f;
  f.ping_out = "timeout";
  auto d = diag(f);
  EXPECT_EQ(d.cause, Cause::kUnreachable);
  EXPECT_EQ(d.steps.back().evidence, "ping 172.18.0.3 from client: timeout");
}

TEST(Checklist, NameThatDoesNotResolveNamesTheServer) {
  Fake f;
  f.res = {.outcome = "ok", .rcode = "nxdomain", .server = "192.0.2.53"};
  auto d = diag(f);
  EXPECT_EQ(d.cause, Cause::kNameDoesNotResolve);
  EXPECT_EQ(d.steps.back().evidence, "web at client: nxdomain from 192.0.2.53");
  f.res = {.outcome = "ok", .rcode = "noerror", .server = "127.0.0.11", .addresses = {"172.18.0.9"}};
  EXPECT_EQ(diag(f).cause, Cause::kNameResolvesElsewhere);
}

// How the lookup failed decides the fix: a silent resolver points at the upstream and the
// search list, a send that failed at a rule in the asker's namespace, an answer at names.
TEST(Checklist, AnUnansweredLookupPointsAtTheResolverNotAtNetworks) {
  Fake f;
  f.res = {.outcome = "timeout", .rcode = "", .server = "127.0.0.11"};
  auto d = diag(f);
  EXPECT_EQ(d.cause, Cause::kNameDoesNotResolve);
  EXPECT_NE(d.fix.find("ndots"), std::string::npos) << d.fix;
  EXPECT_NE(d.fix.find("web."), std::string::npos) << d.fix;
  f.res = {.outcome = "error", .rcode = "", .server = "127.0.0.11", .error = "Operation not permitted"};
  EXPECT_NE(diag(f).fix.find("rule in client's network namespace"), std::string::npos) << diag(f).fix;
  f.res = {.outcome = "ok", .rcode = "nxdomain", .server = "127.0.0.11"};
  EXPECT_NE(diag(f).fix.find("user-defined networks"), std::string::npos) << diag(f).fix;
}

// A target on two networks that listens on its address on the other one: traffic from the
// shared network arrives where nothing listens.
TEST(Checklist, ABindingOnTheTargetsOtherNetworkIsElsewhere) {
  Fake f;
  f.containers["web"].endpoints.push_back(ep("backnet", "172.19.0.3"));
  f.ls = {{"tcp", "172.19.0.3", 80}};
  auto d = diag(f);
  EXPECT_EQ(d.cause, Cause::kBoundElsewhere);
  EXPECT_EQ(d.steps.back().evidence, "web listens on 172.19.0.3:80 only; traffic arrives at 172.18.0.3:80");
  f.ls = {{"tcp", "172.18.0.3", 80}};
  EXPECT_EQ(diag(f).cause, Cause::kPathWorks);
}

TEST(Checklist, LoopbackBindingIsNamed) {
  Fake f;
  f.ls = {{"tcp", "127.0.0.1", 80}};
  auto d = diag(f);
  EXPECT_EQ(d.cause, Cause::kBoundToLoopback);
  EXPECT_EQ(d.steps.back().evidence, "web listens on 127.0.0.1:80 only; traffic arrives at 172.18.0.3:80");
  f.ls = {{"tcp", "10.9.9.9", 80}};
  EXPECT_EQ(diag(f).cause, Cause::kBoundElsewhere);
  f.ls = {{"tcp", "172.18.0.3", 80}};
  EXPECT_EQ(diag(f).cause, Cause::kPathWorks);
}

TEST(Checklist, WrongPortNamesTheRealPort) {
  Fake f;
  f.ls = {{"tcp", "127.0.0.1", 9000}, {"udp", "0.0.0.0", 80}, {"tcp", "0.0.0.0", 8080}};
  auto d = diag(f);
  EXPECT_EQ(d.cause, Cause::kWrongPort);
  EXPECT_EQ(d.steps.back().evidence, "nothing listens on port 80 in web; it listens on 0.0.0.0:8080");
  EXPECT_NE(d.fix.find("(8080)"), std::string::npos) << d.fix;
  f.ls = {};
  EXPECT_EQ(diag(f).cause, Cause::kNothingListening);
}

TEST(Checklist, WrongPortThatIsTheHostPortSaysSo) {
  Fake f;
  f.containers["web"].ports = {{.proto = Proto::kTcp, .host_port = 8080, .container_port = 80}};
  auto d = diag(f, "web:8080");
  EXPECT_EQ(d.cause, Cause::kWrongPort);
  EXPECT_EQ(d.steps.back().evidence, "nothing listens on port 8080 in web; it listens on 0.0.0.0:80 "
                                     "(8080 is the host port published for web's port 80: containers use 80)");
}

TEST(Checklist, AFailedConnectWithARuleIsTheFirewall) {
  Fake f;
  f.connect_out = "timeout";
  f.rules = {"table inet incident chain input (hook input): tcp dport 80 drop"};
  auto d = diag(f);
  EXPECT_EQ(d.cause, Cause::kFirewall);
  EXPECT_NE(d.steps.back().evidence.find("tcp dport 80 drop"), std::string::npos);
  f.rules = {};
  EXPECT_EQ(diag(f).cause, Cause::kConnectFails);
}

TEST(Checklist, APassingConnectNeverReadsTheRules) {
  Fake f;
  f.rules = {"a rule that does not matter"};
  EXPECT_EQ(diag(f).cause, Cause::kPathWorks);
  EXPECT_EQ(std::count(f.asked.begin(), f.asked.end(), "rules"), 0);
}

TEST(Checklist, FromOutsideThePublishedMappingLeadsToTheContainerPort) {
  Fake f;
  f.containers["web"].ports = {{.proto = Proto::kTcp, .host_port = 8081, .container_port = 80}};
  auto d = diag(f, "web:8080", "external");
  EXPECT_EQ(d.cause, Cause::kNotPublished);
  EXPECT_EQ(d.steps.back().evidence, "web publishes 8081->80/tcp; nothing maps host port 8080");
  d = diag(f, "web:8081", "external");
  EXPECT_EQ(d.cause, Cause::kPathWorks) << d.text();
  EXPECT_EQ(f.asked.back(), "connect 198.51.100.2:8081");  // through the host, not to the private address
  EXPECT_EQ(d.steps[1].evidence, "host port 8081 leads to web:80 (172.18.0.3:80)");
}

TEST(Checklist, WithoutAPortItStopsAfterTheName) {
  Fake f;
  auto d = diag(f, "web");
  EXPECT_EQ(d.cause, Cause::kPathWorks);
  EXPECT_EQ(d.steps.back().step, "resolves");
}

TEST(Checklist, TargetsAndCausesParse) {
  EXPECT_FALSE(parse_target("web:0"));
  EXPECT_FALSE(parse_target("web:http"));
  EXPECT_FALSE(parse_target(":80"));
  EXPECT_EQ(parse_target("web:80")->second, 80);
  for (auto n : kCauseNames) EXPECT_EQ(cause_name(*parse_cause(n)), n);
  EXPECT_FALSE(parse_cause("bogus"));
}

}  // namespace
}  // namespace nc::diagnose
