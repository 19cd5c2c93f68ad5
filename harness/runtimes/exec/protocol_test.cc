#include "harness/runtimes/exec/protocol.h"

#include <fstream>
#include <map>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nc::runtimes::exec {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

template <class T>
T round_trip(const T& v) {
  auto back = from_json<T>(json::parse(to_json(v).dump()), "x");
  EXPECT_TRUE(back) << back.error().message();
  return back ? *back : T{};
}

TEST(ExecProtocol, NetworkSpecRoundTrips) {
  api::NetworkSpec s{.name = "appnet", .driver = "macvlan", .subnet = *Prefix::parse("192.0.2.0/24"),
                     .gateway = ip("192.0.2.1"), .internal = true, .icc = false, .mtu = 1400, .parent = "eth0",
                     .mode = "bridge"};
  auto b = round_trip(s);
  EXPECT_EQ(b.name, "appnet");
  EXPECT_EQ(b.driver, "macvlan");
  EXPECT_EQ(b.subnet, s.subnet);
  EXPECT_EQ(b.gateway, s.gateway);
  EXPECT_TRUE(b.internal);
  EXPECT_FALSE(b.icc);
  EXPECT_EQ(b.mtu, 1400);
  EXPECT_EQ(b.parent, "eth0");
  EXPECT_EQ(b.mode, "bridge");
  auto six = round_trip(api::NetworkSpec{.name = "six", .ipv6 = true, .subnet6 = *Prefix::parse("2001:db8:6::/64"),
                                         .gateway6 = ip("2001:db8:6::1")});
  EXPECT_TRUE(six.ipv6);
  EXPECT_EQ(six.subnet6, Prefix::parse("2001:db8:6::/64").value());
  EXPECT_EQ(six.gateway6, ip("2001:db8:6::1"));
  // Optional fields absent stay absent.
  auto d = round_trip(api::NetworkSpec{.name = "n"});
  EXPECT_FALSE(d.ipv6);
  EXPECT_FALSE(d.subnet6);
  EXPECT_FALSE(d.subnet);
  EXPECT_FALSE(d.gateway);
  EXPECT_TRUE(d.icc);
}

TEST(ExecProtocol, NetworkInfoRoundTripsWithAndWithoutSubnet) {
  api::NetworkInfo i{.name = "bridge", .driver = "bridge", .subnet = *Prefix::parse("172.17.0.0/16"),
                     .gateway = ip("172.17.0.1"), .internal = false, .bridge = "docker0"};
  auto b = round_trip(i);
  EXPECT_EQ(b.subnet, i.subnet);
  EXPECT_EQ(b.gateway, i.gateway);
  EXPECT_EQ(b.bridge, "docker0");
  EXPECT_FALSE(b.subnet6);
  i.subnet6 = *Prefix::parse("fd00:6e63:6e63::/64");
  i.gateway6 = ip("fd00:6e63:6e63::1");
  auto b6 = round_trip(i);
  EXPECT_EQ(b6.subnet6, i.subnet6);
  EXPECT_EQ(b6.gateway6, i.gateway6);
  auto host = round_trip(api::NetworkInfo{.name = "host", .driver = "host"});
  EXPECT_FALSE(to_json(api::NetworkInfo{.name = "host", .driver = "host"}).contains("subnet"));
  EXPECT_EQ(host.subnet, Prefix());
  EXPECT_FALSE(host.gateway);
}

TEST(ExecProtocol, ContainerSpecRoundTrips) {
  api::ContainerSpec s{.name = "web", .hostname = "w", .networks = {{.network = "a", .aliases = {"x", "y"}, .ip = ip("10.0.0.5")},
                                                                       {.network = "b", .aliases = {}, .ip = std::nullopt}},
                       .publish = {{.host_ip = ip("::1"), .host_first = 8080, .host_last = 8081, .container_first = 80,
                                    .container_last = 81, .proto = Proto::kUdp}},
                       .dns = {ip("203.0.113.53")},
                       .command = {"serve", "tcp", "0.0.0.0:80"},
                       .host = "host2"};
  auto b = round_trip(s);
  ASSERT_EQ(b.networks.size(), 2u);
  EXPECT_EQ(b.networks[0].aliases, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(b.networks[0].ip, ip("10.0.0.5"));
  EXPECT_FALSE(b.networks[1].ip);
  EXPECT_FALSE(b.networks[0].ip6);
  s.networks[1].ip6 = ip("2001:db8:6::b");
  EXPECT_EQ(round_trip(s).networks[1].ip6, ip("2001:db8:6::b"));
  ASSERT_EQ(b.publish.size(), 1u);
  EXPECT_EQ(b.publish[0].host_ip, ip("::1"));
  EXPECT_EQ(b.publish[0].host_last, 8081);
  EXPECT_EQ(b.publish[0].container_last, 81);
  EXPECT_EQ(b.publish[0].proto, Proto::kUdp);
  EXPECT_EQ(b.dns, s.dns);
  EXPECT_EQ(b.command, s.command);
  EXPECT_EQ(b.host, "host2");
}

TEST(ExecProtocol, ContainerInfoAndExecResultRoundTrip) {
  api::ContainerInfo i{.name = "web", .id = "abc", .hostname = "h",
                       .endpoints = {{.network = "bridge", .ip = ip("172.17.0.2"), .prefix_len = 16,
                                      .gateway = ip("172.17.0.1"), .mac = "02:42:ac:11:00:02", .aliases = {"web"}}},
                       .ports = {{.proto = Proto::kTcp, .host_ip = std::nullopt, .host_port = 49153, .container_port = 80}}};
  auto b = round_trip(i);
  ASSERT_EQ(b.endpoints.size(), 1u);
  EXPECT_EQ(b.endpoints[0].ip, ip("172.17.0.2"));
  EXPECT_EQ(b.endpoints[0].prefix_len, 16);
  EXPECT_EQ(b.endpoints[0].gateway, ip("172.17.0.1"));
  EXPECT_EQ(b.endpoints[0].mac, "02:42:ac:11:00:02");
  EXPECT_FALSE(b.endpoints[0].ip6);
  i.endpoints[0].ip6 = ip("2001:db8:6::2");
  i.endpoints[0].prefix_len6 = 64;
  i.endpoints[0].gateway6 = ip("2001:db8:6::1");
  auto b6 = round_trip(i);
  EXPECT_EQ(b6.endpoints[0].ip6, ip("2001:db8:6::2"));
  EXPECT_EQ(b6.endpoints[0].prefix_len6, 64);
  EXPECT_EQ(b6.endpoints[0].gateway6, ip("2001:db8:6::1"));
  ASSERT_EQ(b.ports.size(), 1u);
  EXPECT_FALSE(b.ports[0].host_ip);
  EXPECT_EQ(b.ports[0].host_port, 49153);
  auto r = round_trip(api::ExecResult{.exit_code = 3, .out = "{\"outcome\":\"ok\"}\n", .err = "é"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "{\"outcome\":\"ok\"}\n");
  EXPECT_EQ(r.err, "é");
}

TEST(ExecProtocol, HelloRoundTrips) {
  auto h = round_trip(Hello{.protocol = 1, .probe = "/p", .probe_image = "/s/probe.tar", .state_dir = "/s"});
  EXPECT_EQ(h.probe_image, "/s/probe.tar");
  auto a = round_trip(HelloAnswer{.protocol = 1, .name = "docker", .version = "20.10.24", .capabilities = {"dns", "nat"}});
  EXPECT_EQ(a.capabilities, (std::set<std::string>{"dns", "nat"}));
}

TEST(ExecProtocol, RequestsAreOneLineWithIdMethodParams) {
  auto r = exec_request(7, "web", {"connect", "tcp://a:1"}, std::chrono::milliseconds(2500));
  auto line = encode(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = json::parse(line);
  EXPECT_EQ(j["id"], 7);
  EXPECT_EQ(j["method"], "exec");
  EXPECT_EQ(j["params"]["timeout_ms"], 2500);
  EXPECT_EQ(j["params"]["args"][1], "tcp://a:1");
  EXPECT_EQ(r.describe(), "exec web connect (request 7)");
  // Invalid UTF-8 in an argument is replaced, not thrown.
  EXPECT_NO_THROW(encode(exec_request(8, "web", {"\xff"}, std::chrono::milliseconds(1))));
  EXPECT_EQ(json::parse(encode(connect_request(2, "web", {.network = "b", .aliases = {}, .ip = std::nullopt})))["params"]
                ["attachment"]["network"],
            "b");
}

TEST(ExecProtocol, AnswerResultAndError) {
  auto req = create_network_request(3, {.name = "appnet"});
  auto ok = decode_answer(R"({"id":3,"result":{"name":"appnet"}})", req);
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_FALSE(ok->error);
  EXPECT_EQ(ok->result["name"], "appnet");
  auto err = decode_answer(R"({"id":3,"error":{"message":"subnet overlaps bridge"}})", req);
  ASSERT_TRUE(err) << err.error().message();
  EXPECT_EQ(err->error, "create_network appnet (request 3): subnet overlaps bridge");
}

// Every malformed answer is an error that names the request it answered.
struct Malformed {
  const char* why;
  std::string line;
  const char* says;
};

TEST(ExecProtocol, MalformedAnswersNameTheRequest) {
  auto req = inspect_request(12, "web");
  std::vector<Malformed> cases = {
      {"not JSON", "hello there", "malformed JSON"},
      {"truncated", R"({"id":12,"result":{)", "malformed JSON"},
      {"empty line", "", "malformed JSON"},
      {"not an object", "[1,2]", "a JSON array, not an object"},
      {"a string", R"("ok")", "a JSON string, not an object"},
      {"no id", R"({"result":{}})", "no numeric id"},
      {"string id", R"({"id":"12","result":{}})", "no numeric id"},
      {"wrong id", R"({"id":11,"result":{}})", "the answer is for request 11"},
      {"neither", R"({"id":12})", "exactly one of result and error"},
      {"both", R"({"id":12,"result":{},"error":{"message":"x"}})", "exactly one of result and error"},
      {"error without message", R"({"id":12,"error":"boom"})", "error: expected an object"},
      {"huge line", std::string(kMaxLine + 1, 'x'), "a line of 1048577 bytes"},
  };
  for (auto& c : cases) {
    auto r = decode_answer(c.line, req);
    ASSERT_FALSE(r) << c.why;
    EXPECT_THAT(r.error().message(), HasSubstr("inspect web (request 12): ")) << c.why;
    EXPECT_THAT(r.error().message(), HasSubstr(c.says)) << c.why;
  }
}

TEST(ExecProtocol, MissingAndMistypedFieldsAreNamed) {
  struct Case {
    json j;
    const char* says;
  };
  std::vector<Case> cases = {
      {json::parse(R"({"name":"w","endpoints":[],"ports":[]})"), ""},
      {json::parse(R"({"name":"w","ports":[]})"), "result.endpoints: missing"},
      {json::parse(R"({"name":"w","endpoints":{},"ports":[]})"), "result.endpoints: expected an array, got {}"},
      {json::parse(R"({"name":"w","endpoints":[{"network":"b","ip":"x","prefix_len":16}],"ports":[]})"),
       "result.endpoints[0].ip: expected an address like \"172.18.0.2\", got \"x\""},
      {json::parse(R"({"name":"w","endpoints":[{"network":"b","ip":"10.0.0.2","prefix_len":"16"}],"ports":[]})"),
       "result.endpoints[0].prefix_len: expected an integer from 0 to 128, got \"16\""},
      {json::parse(R"({"name":7,"endpoints":[],"ports":[]})"), "result.name: expected a string, got 7"},
      {json::parse(R"({"name":"w","endpoints":[],"ports":[{"proto":"tcp","host_port":70000,"container_port":80}]})"),
       "result.ports[0].host_port: expected an integer from 1 to 65535, got 70000"},
      {json::parse(R"({"name":"w","endpoints":[],"ports":[{"proto":"sctp","host_port":80,"container_port":80}]})"),
       "result.ports[0].proto: expected \"tcp\" or \"udp\", got \"sctp\""},
      {json::parse(R"([])"), "result: expected an object, got array"},
  };
  for (auto& c : cases) {
    auto r = from_json<api::ContainerInfo>(c.j, "result");
    if (std::string(c.says).empty()) {
      EXPECT_TRUE(r) << c.j.dump();
      continue;
    }
    ASSERT_FALSE(r) << c.j.dump();
    EXPECT_EQ(r.error().message(), c.says);
  }
  auto net = from_json<api::NetworkInfo>(json::parse(R"({"name":"a","driver":"bridge","subnet":42})"), "result");
  ASSERT_FALSE(net);
  EXPECT_EQ(net.error().message(), "result.subnet: expected a prefix like \"10.0.0.0/8\", got 42");
  auto ex = from_json<api::ExecResult>(json::parse(R"({"exit_code":0,"out":"x"})"), "result");
  ASSERT_FALSE(ex);
  EXPECT_EQ(ex.error().message(), "result.err: missing");
  auto hello = from_json<HelloAnswer>(json::parse(R"({"protocol":1,"name":"d","version":"1","capabilities":"dns"})"), "result");
  ASSERT_FALSE(hello);
  EXPECT_EQ(hello.error().message(), "result.capabilities: expected an array of strings, got \"dns\"");
}

// The JSON messages in PROTOCOL.md's examples: from a line starting with {"id" until the
// text parses (examples may wrap).
std::vector<json> doc_messages() {
  std::ifstream f(NC_REPO_ROOT "/harness/runtimes/exec/PROTOCOL.md");
  std::vector<json> out;
  std::string line, buf;
  while (std::getline(f, line)) {
    for (const char* label : {"request  ", "answer   ", "     or  "})
      if (line.starts_with(label)) line.erase(0, std::string_view(label).size());
    if (buf.empty() && !line.starts_with("{\"id\"")) continue;
    buf += line;
    auto j = json::parse(buf, nullptr, false);
    if (j.is_discarded()) continue;
    out.push_back(std::move(j));
    buf.clear();
  }
  EXPECT_TRUE(buf.empty()) << "unfinished example: " << buf;
  return out;
}

// The codec reads every documented example as the schema does (protocol_schema_test.py).
TEST(ExecProtocol, DecodesEveryExampleOfTheDocument) {
  auto msgs = doc_messages();
  ASSERT_GE(msgs.size(), 24u);
  std::map<uint64_t, Request> asked;
  std::set<std::string> methods;
  std::string method;
  auto ok = [&](auto decoded) { EXPECT_TRUE(decoded) << method << ": " << decoded.error().message(); };
  for (auto& m : msgs) {
    if (m.contains("method")) {
      Request r{.id = m["id"], .method = m["method"], .params = m["params"], .object = ""};
      methods.insert(method = r.method);
      if (r.method == "hello") ok(from_json<Hello>(r.params, "params"));
      if (r.method == "create_network") ok(from_json<api::NetworkSpec>(r.params, "params"));
      if (r.method == "create_container") ok(from_json<api::ContainerSpec>(r.params, "params"));
      asked[r.id] = r;
      continue;
    }
    const Request& r = asked[m["id"]];
    auto a = decode_answer(m.dump(), r);
    ASSERT_TRUE(a) << a.error().message();
    if (a->error) continue;
    method = r.method;
    if (r.method == "hello") ok(from_json<HelloAnswer>(a->result, "result"));
    if (r.method == "create_network" || r.method == "inspect_network") ok(from_json<api::NetworkInfo>(a->result, "result"));
    if (r.method == "create_container" || r.method == "inspect") ok(from_json<api::ContainerInfo>(a->result, "result"));
    if (r.method == "exec") ok(from_json<api::ExecResult>(a->result, "result"));
  }
  EXPECT_EQ(methods.size(), 12u);
}

}  // namespace
}  // namespace nc::runtimes::exec
