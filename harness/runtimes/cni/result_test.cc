// CNI result parsing against SPEC.md 1.0 Section 5, on the output shapes plugins write: the
// bridge plugin's ADD result (host bridge, host veth, container interface), an IPAM plugin's
// abbreviated result, error and version results — and malformed variants of each.
#include "harness/runtimes/cni/result.h"

#include <gtest/gtest.h>

namespace nc::cni {
namespace {

// The shape bridge 1.1.1 prints for an ADD (the spec's Add example has the same layout).
constexpr const char* kBridgeAdd = R"({
  "cniVersion": "1.0.0",
  "interfaces": [
    {"name": "cni0", "mac": "00:11:22:33:44:55"},
    {"name": "veth3243", "mac": "55:44:33:22:11:11"},
    {"name": "eth0", "mac": "99:88:77:66:55:44", "sandbox": "/run/netconform/cni-x/netns/blue"}],
  "ips": [{"address": "10.1.0.5/16", "gateway": "10.1.0.1", "interface": 2}],
  "routes": [{"dst": "0.0.0.0/0"}],
  "dns": {"nameservers": ["10.1.0.1"], "search": ["example.org"]}})";

std::string with(std::string_view from, std::string_view to) {
  std::string s = kBridgeAdd;
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST(CniResult, ParsesABridgeAddResult) {
  auto r = parse_success(kBridgeAdd);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->cni_version, "1.0.0");
  ASSERT_EQ(r->interfaces.size(), 3u);
  EXPECT_EQ(r->interfaces[1].sandbox, "");
  ASSERT_EQ(r->ips.size(), 1u);
  EXPECT_EQ(r->ips[0].address.str(), "10.1.0.5/16");
  EXPECT_EQ(r->ips[0].gateway->str(), "10.1.0.1");
  EXPECT_EQ(*r->ips[0].interface, 2u);
  ASSERT_EQ(r->routes.size(), 1u);
  EXPECT_EQ(r->routes[0].dst.str(), "0.0.0.0/0");
  EXPECT_FALSE(r->routes[0].gw);
  EXPECT_EQ(r->dns.nameservers, std::vector<std::string>{"10.1.0.1"});
  auto addrs = r->addresses_of("eth0", "/run/netconform/cni-x/netns/blue");
  ASSERT_EQ(addrs.size(), 1u);
  EXPECT_EQ(addrs[0].str(), "10.1.0.5/16");
  EXPECT_TRUE(r->addresses_of("eth0", "/elsewhere").empty());
  EXPECT_EQ(r->raw["interfaces"].size(), 3u);  // kept whole for the next plugin's prevResult
  EXPECT_TRUE(check_add_result(*r, "/run/netconform/cni-x/netns/blue", "eth0"));
}

TEST(CniResult, MalformedResultsNameTheField) {
  auto err = [](const std::string& text, bool abbreviated = false) {
    auto r = parse_success(text, abbreviated);
    return r ? std::string("parsed") : r.error().message();
  };
  EXPECT_EQ(err("not json"), "result: not JSON: 'not json'");
  EXPECT_EQ(err("[1]"), "result: expected a JSON object, found array");
  EXPECT_EQ(err(with(R"("cniVersion": "1.0.0",)", "")), "result: missing 'cniVersion'");
  EXPECT_EQ(err(with(R"("interface": 2)", R"("interface": 3)")),
            "ips[0].interface: 3 is not an index into interfaces (3 entries)");
  EXPECT_EQ(err(with(R"("interface": 2)", R"("interface": -1)")), "ips[0].interface: expected an index (uint), found -1");
  EXPECT_EQ(err(with(R"("10.1.0.5/16")", R"("10.1.0.5")")),
            "ips[0].address: '10.1.0.5' is not an address in CIDR notation");
  EXPECT_EQ(err(with(R"("gateway": "10.1.0.1")", R"("gateway": "fd00::1")")),
            "ips[0].gateway: fd00::1 is not of the address family of 10.1.0.5/16");
  EXPECT_EQ(err(with(R"({"dst": "0.0.0.0/0"})", R"({"gw": "10.1.0.1"})")), "routes[0]: missing 'dst'");
  EXPECT_EQ(err(with(R"(["10.1.0.1"])", R"(["dns-server"])")), "dns.nameservers: 'dns-server' is not an IP address");
  EXPECT_EQ(err(with(R"({"name": "cni0", )", R"({"name": 7, )")), "interfaces[0].name: expected a string, found number");
  EXPECT_EQ(err(with(R"("cniVersion": "1.0.0",)", R"("cniVersion": "1.0.0", "code": 7,)")),
            "result: an error result (code 7), not a success");
  // Every ips entry of an interface plugin's result names its interface; an IPAM plugin's
  // abbreviated result has neither interfaces nor `interface`.
  EXPECT_EQ(err(with(R"(, "interface": 2)", "")), "ips[0]: missing 'interface' (the index of the interface it belongs to)");
  EXPECT_EQ(err(R"({"cniVersion":"1.0.0","ips":[{"address":"10.1.0.5/16","gateway":"10.1.0.1"}]})", true), "parsed");
}

TEST(CniResult, AddResultMustBeOfTheConfiguredVersionAndNameTheInterface) {
  auto old = parse_success(with(R"("cniVersion": "1.0.0")", R"("cniVersion": "0.4.0")"));
  ASSERT_TRUE(old);
  EXPECT_EQ(check_add_result(*old, "/run/netconform/cni-x/netns/blue", "eth0").error().message(),
            "result: cniVersion 0.4.0 is not 1.0.0, the version of the configuration");
  auto r = parse_success(kBridgeAdd);
  EXPECT_EQ(check_add_result(*r, "/run/netconform/cni-x/netns/blue", "eth1").error().message(),
            "result: interfaces lack eth1 with sandbox /run/netconform/cni-x/netns/blue (the interface the ADD created)");
}

TEST(CniResult, ErrorResults) {
  // What bridge 1.1.1 prints for ADD on a taken interface name (skel wraps a plain Go
  // error as code 999, ErrInternal).
  auto e = parse_error(R"({"code":999,"msg":"container veth name provided (eth0) already exists"})");
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ(e->code, 999);
  EXPECT_EQ(e->str(), "CNI error 999 (container veth name provided (eth0) already exists)");
  auto spec = parse_error(R"({"cniVersion":"1.0.0","code":7,"msg":"Invalid Configuration","details":"Network 192.168.0.0/31 too small to allocate from."})");
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->str(), "CNI error 7 (Invalid Configuration): Network 192.168.0.0/31 too small to allocate from.");
  EXPECT_EQ(parse_error(R"({"code":"7","msg":"x"})").error().message(), "error result: 'code' must be an integer, found \"7\"");
  EXPECT_EQ(parse_error(R"({"msg":"x"})").error().message(), "error result: 'code' must be an integer, found nothing");
  EXPECT_EQ(parse_error(R"({"code":7})").error().message(), "error result: missing 'msg'");
  EXPECT_EQ(parse_error(R"({"code":0,"msg":"x"})").error().message(),
            "error result: code 0 is not an error code (1-99 well-known, 100+ plugin-specific)");
  EXPECT_EQ(parse_error("").error().message(), "error result: not JSON: ''");
}

TEST(CniResult, VersionResults) {
  auto v = parse_version(R"({"cniVersion":"1.0.0","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0"]})", "1.0.0");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->size(), 6u);
  EXPECT_EQ(parse_version(R"({"cniVersion":"1.0.0","supportedVersions":["0.3.1","0.4.0"]})", "1.0.0").error().message(),
            "version result: supportedVersions [0.3.1, 0.4.0] lacks 1.0.0");
  EXPECT_EQ(parse_version(R"({"cniVersion":"1.0.0"})", "1.0.0").error().message(),
            "version result: missing 'supportedVersions'");
  EXPECT_EQ(parse_version(R"({"cniVersion":"1.0.0","supportedVersions":[1]})", "1.0.0").error().message(),
            "version result.supportedVersions: expected a list of strings, found a number");
}

}  // namespace
}  // namespace nc::cni
