#include "harness/engine/diagnose.h"

#include <gtest/gtest.h>

namespace nc::engine {
namespace {

nlohmann::json listeners(std::initializer_list<const char*> locals) {
  nlohmann::json j = {{"outcome", "ok"}, {"sockets", nlohmann::json::array()}};
  for (const char* l : locals) j["sockets"].push_back({{"proto", "tcp"}, {"local", l}, {"state", "LISTEN"}});
  return j;
}

const std::optional<IpAddr> kC = *IpAddr::parse("172.18.0.2");

TEST(Diagnose, LoopbackOnlyListenerSaysBindAllAddresses) {
  EXPECT_EQ(diagnose_listeners(listeners({"127.0.0.1:80", "0.0.0.0:9999"}), 80, kC),
            "listens on 127.0.0.1:80; published traffic arrives at 172.18.0.2:80; bind 0.0.0.0");
}

TEST(Diagnose, WildcardOrTheContainerAddressAnswers) {
  EXPECT_EQ(diagnose_listeners(listeners({"0.0.0.0:80"}), 80, kC),
            "listens on 0.0.0.0:80; published traffic arrives at 172.18.0.2:80; it answers");
  EXPECT_EQ(diagnose_listeners(listeners({"172.18.0.2:80"}), 80, kC),
            "listens on 172.18.0.2:80; published traffic arrives at 172.18.0.2:80; it answers");
  EXPECT_NE(diagnose_listeners(listeners({"[::]:80"}), 80, kC).find("it answers"), std::string::npos);
}

TEST(Diagnose, NoListenerOnThePort) {
  EXPECT_EQ(diagnose_listeners(listeners({"0.0.0.0:8080"}), 80, kC),
            "nothing listens on port 80; published traffic arrives at 172.18.0.2:80; start the service on 0.0.0.0:80");
}

TEST(Diagnose, PortSuffixIsExact) {
  // 127.0.0.1:180 is not port 80.
  EXPECT_NE(diagnose_listeners(listeners({"127.0.0.1:180"}), 80, kC).find("nothing listens"), std::string::npos);
}

}  // namespace
}  // namespace nc::engine
