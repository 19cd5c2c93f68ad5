#include "harness/checks/publish.h"

#include <gtest/gtest.h>

namespace nc::checks {
namespace {

struct Case {
  const char* text;
  const char* host_ip;  // "" = none
  uint16_t host_first, host_last, container_first, container_last;
  const char* proto;
};

class PublishGood : public ::testing::TestWithParam<Case> {};

TEST_P(PublishGood, Parses) {
  const auto& c = GetParam();
  auto spec = parse_publish(c.text);
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->host_ip ? spec->host_ip->str() : "", c.host_ip);
  EXPECT_EQ(spec->host_first, c.host_first);
  EXPECT_EQ(spec->host_last, c.host_last);
  EXPECT_EQ(spec->container_first, c.container_first);
  EXPECT_EQ(spec->container_last, c.container_last);
  EXPECT_EQ(proto_name(spec->proto), c.proto);
  // The canonical text parses back to the same spec.
  auto again = parse_publish(api::format_port_spec(*spec));
  ASSERT_TRUE(again) << api::format_port_spec(*spec);
  EXPECT_EQ(api::format_port_spec(*again), api::format_port_spec(*spec));
}

INSTANTIATE_TEST_SUITE_P(
    Forms, PublishGood,
    ::testing::Values(Case{"80", "", 0, 0, 80, 80, "tcp"},
                      Case{"8080:80", "", 8080, 8080, 80, 80, "tcp"},
                      Case{"127.0.0.1:5432:5432/tcp", "127.0.0.1", 5432, 5432, 5432, 5432, "tcp"},
                      Case{"127.0.0.1::80", "127.0.0.1", 0, 0, 80, 80, "tcp"},
                      Case{"53/udp", "", 0, 0, 53, 53, "udp"},
                      Case{"8000-8002:80-82", "", 8000, 8002, 80, 82, "tcp"},
                      Case{"9000-9010:80", "", 9000, 9010, 80, 80, "tcp"},
                      Case{"8000-8002", "", 0, 0, 8000, 8002, "tcp"},
                      Case{"[::1]:8080:80/udp", "::1", 8080, 8080, 80, 80, "udp"},
                      Case{"[fd00::1]::80", "fd00::1", 0, 0, 80, 80, "tcp"},
                      Case{"65535:1", "", 65535, 65535, 1, 1, "tcp"}));

TEST(PublishFormat, Canonical) {
  EXPECT_EQ(api::format_port_spec(*parse_publish("8080:80")), "8080:80/tcp");
  EXPECT_EQ(api::format_port_spec(*parse_publish("127.0.0.1::80/udp")), "127.0.0.1::80/udp");
  EXPECT_EQ(api::format_port_spec(*parse_publish("[::1]:8000-8001:80-81")), "[::1]:8000-8001:80-81/tcp");
}

class PublishBad : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(PublishBad, FailsWithReason) {
  auto [text, reason] = GetParam();
  auto spec = parse_publish(text);
  ASSERT_FALSE(spec) << text;
  EXPECT_NE(spec.error().message().find(reason), std::string::npos) << spec.error().message();
  EXPECT_NE(spec.error().message().find(fmt::format("'{}'", text)), std::string::npos) << spec.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Errors, PublishBad,
    ::testing::Values(std::pair{"", "is not a port number"},
                      std::pair{"0", "port 0 is outside 1-65535"},
                      std::pair{"65536:80", "port 65536 is outside 1-65535"},
                      std::pair{"80/sctp", "protocol 'sctp' is not tcp or udp"},
                      std::pair{"http", "'http' is not a port number"},
                      std::pair{"8080:", "'' is not a port number"},
                      std::pair{":80", "empty host port"},
                      std::pair{"1.2.3.4:8080:80:90", "too many ':'"},
                      std::pair{"::1:8080:80", "too many ':'"},
                      std::pair{"300.1.1.1:80:80", "'300.1.1.1' is not an IP address"},
                      std::pair{"[::1:8080:80", "'[' without ']'"},
                      std::pair{"[::1]8080:80", "expected [IP]:HOST:CONTAINER"},
                      std::pair{"82-80", "range 82-80 runs backwards"},
                      std::pair{"8000-8002:80-81", "differ in length"},
                      std::pair{"8000:80-82", "differ in length"},
                      std::pair{"80-", "'' is not a port number"},
                      std::pair{"8080:80x", "'80x' is not a port number"}));

}  // namespace
}  // namespace nc::checks
