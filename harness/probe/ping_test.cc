#include "harness/probe/ping.h"

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace nc::probe {
namespace {

uint16_t checksum_of(std::vector<uint8_t> bytes) { return inet_checksum(bytes); }

TEST(Ping, ChecksumOfABareEchoRequest) {
  // type 8, code 0, id 0, seq 0: the sum is 0x0800, its complement 0xf7ff on the wire.
  std::vector<uint8_t> pkt{8, 0, 0, 0, 0, 0, 0, 0};
  uint16_t sum = inet_checksum(pkt);
  std::memcpy(pkt.data() + 2, &sum, 2);
  EXPECT_EQ(pkt[2], 0xf7);
  EXPECT_EQ(pkt[3], 0xff);
}

TEST(Ping, ChecksummedPacketVerifiesToZero) {
  std::vector<uint8_t> pkt{8, 0, 0, 0, 0x12, 0x34, 0, 1, 'a', 'b', 'c'};  // odd length
  uint16_t sum = inet_checksum(pkt);
  std::memcpy(pkt.data() + 2, &sum, 2);
  EXPECT_EQ(checksum_of(pkt), 0);
}

}  // namespace
}  // namespace nc::probe
