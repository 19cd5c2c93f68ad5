#include "harness/probe/target.h"

#include <gtest/gtest.h>

namespace nc::probe {
namespace {

TEST(Target, ParsesIpv4) {
  auto t = parse_target("tcp://172.18.0.2:8080");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->proto, Proto::kTcp);
  EXPECT_EQ(t->addr.family(), AF_INET);
  EXPECT_EQ(t->addr.port(), 8080);
  EXPECT_EQ(t->addr.ip(), "172.18.0.2");
  EXPECT_EQ(t->url(), "tcp://172.18.0.2:8080");
}

TEST(Target, ParsesBracketedIpv6AndCanonicalises) {
  auto t = parse_target("udp://[fd00:0::1]:53");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->proto, Proto::kUdp);
  EXPECT_TRUE(t->addr.is_v6());
  EXPECT_EQ(t->addr.port(), 53);
  EXPECT_EQ(t->url(), "udp://[fd00::1]:53");
  EXPECT_EQ(parse_target("tcp://[::]:0")->url(), "tcp://[::]:0");
}

TEST(Target, AcceptsAZoneForLinkLocal) {
  auto t = parse_target("tcp://[fe80::1%lo]:80");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(reinterpret_cast<const sockaddr_in6*>(t->addr.get())->sin6_scope_id, 1u);
  EXPECT_FALSE(parse_target("tcp://[fe80::1%nosuchdev0]:80"));
}

TEST(Target, PortBounds) {
  EXPECT_EQ(parse_target("tcp://0.0.0.0:0")->addr.port(), 0);
  EXPECT_EQ(parse_target("tcp://0.0.0.0:65535")->addr.port(), 65535);
  EXPECT_FALSE(parse_target("tcp://0.0.0.0:65536"));
  EXPECT_FALSE(parse_target("tcp://0.0.0.0:-1"));
  EXPECT_FALSE(parse_target("tcp://0.0.0.0:8o"));
  EXPECT_FALSE(parse_target("tcp://0.0.0.0:"));
  EXPECT_FALSE(parse_target("tcp://0.0.0.0: 80"));
}

TEST(Target, RejectsMalformedInputWithAReason) {
  struct Case {
    const char* text;
    const char* words;  // must appear in the error
  } cases[] = {
      {"http://1.2.3.4:80", "expected tcp://HOST:PORT"},
      {"1.2.3.4:80", "expected tcp://HOST:PORT"},
      {"tcp://api:80", "not a numeric IP address"},
      {"tcp://1.2.3:80", "not a numeric IP address"},
      {"tcp://1.2.3.4", "missing :PORT"},
      {"tcp://:80", "missing host"},
      {"tcp://fd00::1:80", "IPv6 address must be in brackets"},
      {"tcp://[fd00::1:80", "unclosed '['"},
      {"tcp://[fd00::1]80", "missing :PORT"},
      {"tcp://[1.2.3.4]:80", "brackets are for IPv6"},
      {"TCP://1.2.3.4:80", "expected tcp://HOST:PORT"},
  };
  for (const auto& c : cases) {
    auto t = parse_target(c.text);
    ASSERT_FALSE(t) << c.text;
    EXPECT_NE(t.error().find(c.words), std::string::npos) << c.text << " -> " << t.error();
  }
}

TEST(NamedTarget, TakesHostNamesAndRefusesWhatIsNeither) {
  auto web = parse_named_target("udp://web.example.:53");
  ASSERT_TRUE(web) << web.error();
  EXPECT_EQ(web->proto, Proto::kUdp);
  EXPECT_EQ(web->name, "web.example.");
  EXPECT_EQ(web->port, 53);
  EXPECT_EQ(web->at("10.0.0.2")->url(), "udp://10.0.0.2:53");
  EXPECT_EQ(parse_named_target("tcp://my_db-1:5432")->name, "my_db-1");
  EXPECT_FALSE(web->at("not-an-ip"));
  struct Case {
    const char* text;
    const char* words;
  } cases[] = {
      {"tcp://1.2.3.4:80", "names an address"},
      {"tcp://a b:80", "neither a numeric IP address nor a host name"},
      {"tcp://-web:80", "does not start with '-'"},
      {"tcp://web..x:80", "1 to 63 bytes"},
      {"tcp://1.2.3.999:80", "not a numeric IP address"},
      {"tcp://[web]:80", "not a numeric IP address"},
      {"tcp://web:99999", "bad port '99999'"},
      {"tcp://web", "missing :PORT"},
      {"tcp://:80", "missing host"},
      {"http://web:80", "expected tcp://HOST:PORT"},
  };
  for (const auto& c : cases) {
    auto t = parse_named_target(c.text);
    ASSERT_FALSE(t) << c.text;
    EXPECT_NE(t.error().find(c.words), std::string::npos) << c.text << " -> " << t.error();
  }
  EXPECT_FALSE(parse_named_target("tcp://" + std::string(64, 'a') + ":80"));
}

TEST(SockAddr, ParseIpAcceptsBareAndBracketedAddresses) {
  EXPECT_EQ(SockAddr::parse_ip("127.0.0.1")->str(), "127.0.0.1:0");
  EXPECT_EQ(SockAddr::parse_ip("::1", 80)->str(), "[::1]:80");
  EXPECT_EQ(SockAddr::parse_ip("[fd00::1]")->ip(), "fd00::1");
  EXPECT_FALSE(SockAddr::parse_ip("localhost"));
  EXPECT_FALSE(SockAddr::parse_ip(""));
}

}  // namespace
}  // namespace nc::probe
