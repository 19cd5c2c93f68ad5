// The one text form of a port spec: what `docker run -p` / `podman run -p` take and check
// reports show. (Parsing is harness/checks/publish.h; its tests round-trip through this.)
#include <gtest/gtest.h>

#include "netimpl/api/port_spec.h"

namespace nc::api {
namespace {

TEST(PortSpecText, AsDockerRunTakesIt) {
  PortSpec p{.host_ip = std::nullopt, .host_first = 8080, .host_last = 8080, .container_first = 80,
             .container_last = 80, .proto = Proto::kTcp};
  EXPECT_EQ(format_port_spec(p), "8080:80/tcp");
  p.host_first = p.host_last = 0;
  EXPECT_EQ(format_port_spec(p), "80/tcp");
  p.host_ip = *IpAddr::parse("127.0.0.1");
  EXPECT_EQ(format_port_spec(p), "127.0.0.1::80/tcp");
  p.host_first = 8000, p.host_last = 8002, p.container_first = 80, p.container_last = 82, p.proto = Proto::kUdp;
  EXPECT_EQ(format_port_spec(p), "127.0.0.1:8000-8002:80-82/udp");
  p.host_ip = *IpAddr::parse("::1");
  p.host_first = p.host_last = 8080, p.container_first = p.container_last = 80;
  EXPECT_EQ(format_port_spec(p), "[::1]:8080:80/udp");
}

TEST(ProtoWords, OnlyTcpAndUdp) {
  EXPECT_EQ(parse_proto("tcp"), Proto::kTcp);
  EXPECT_EQ(parse_proto("udp"), Proto::kUdp);
  EXPECT_EQ(parse_proto("TCP"), std::nullopt);
  EXPECT_EQ(parse_proto("sctp"), std::nullopt);
  EXPECT_EQ(proto_name(Proto::kUdp), "udp");
  EXPECT_EQ(ip_proto(Proto::kTcp), IPPROTO_TCP);
}

}  // namespace
}  // namespace nc::api
