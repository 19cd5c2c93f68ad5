// The pure parts of bounded silence waits: which steps may wait shorter, what counts as a
// control's answer, and the proof in words. The kernel side (a control that answers, a
// drop that is believed) runs in every `netconform run` of ISO-001 and friends.
#include "harness/engine/silence.h"

#include <gtest/gtest.h>

namespace nc::engine {
namespace {

using checks::Outcome;
using nlohmann::json;

checks::Step connect_step(std::vector<Outcome> outcomes, int expect_bytes = 0) {
  checks::Step s;
  s.action = checks::Connect{};
  s.timeout = std::chrono::milliseconds(1000);
  s.expect.outcomes = std::move(outcomes);
  s.expect_bytes = expect_bytes;
  return s;
}

const std::vector<std::string> kArgs{"connect", "tcp://172.18.0.2:80", "--timeout-ms", "1000"};

TEST(Silence, OnlyStepsThatAdmitATimeoutAreBounded) {
  SilenceWaits p;
  EXPECT_TRUE(silence_may_be_bounded(connect_step({Outcome::kTimeout}), kArgs, p));
  EXPECT_TRUE(silence_may_be_bounded(connect_step({Outcome::kTimeout, Outcome::kUnreachable}), kArgs, p));
  EXPECT_FALSE(silence_may_be_bounded(connect_step({Outcome::kOk}), kArgs, p));
}

TEST(Silence, BulkTransfersLoopbackAndTheOldPolicyWaitAsDeclared) {
  SilenceWaits p;
  EXPECT_FALSE(silence_may_be_bounded(connect_step({Outcome::kTimeout}, 20000), kArgs, p));
  EXPECT_FALSE(silence_may_be_bounded(connect_step({Outcome::kTimeout}),
                                      {"connect", "udp://127.0.0.11:53", "--timeout-ms", "1000"}, p));
  auto short_step = connect_step({Outcome::kTimeout});
  short_step.timeout = std::chrono::milliseconds(100);
  EXPECT_FALSE(silence_may_be_bounded(short_step, kArgs, p));
  p.bounded = false;
  EXPECT_FALSE(silence_may_be_bounded(connect_step({Outcome::kTimeout}), kArgs, p));
}

// The checklist's own pings and connects (a diagnose step's walk): bounded by kind, address
// and declared timeout, as a step's are.
TEST(Silence, TheChecklistsPingsAndConnectsAreBoundedAsStepsAre) {
  SilenceWaits p;
  checks::Place client{.kind = checks::Place::Kind::kContainer, .container = "client"};
  ProbeCall connect{.from = client, .kind = checks::ActionKind::kConnect, .timeout = std::chrono::milliseconds(1000)};
  ProbeCall ping{.from = client, .kind = checks::ActionKind::kPing, .timeout = std::chrono::milliseconds(1000)};
  EXPECT_TRUE(silence_may_be_bounded(connect, kArgs, p));
  EXPECT_TRUE(silence_may_be_bounded(ping, {"ping", "172.18.0.2", "--timeout-ms", "1000"}, p));
  EXPECT_FALSE(silence_may_be_bounded(ping, {"ping", "127.0.0.1", "--timeout-ms", "1000"}, p));
  ProbeCall resolve{.from = client, .kind = checks::ActionKind::kResolve, .timeout = std::chrono::milliseconds(1000)};
  EXPECT_FALSE(silence_may_be_bounded(resolve, {"resolve", "web", "--timeout-ms", "1000"}, p));
  connect.timeout = std::chrono::milliseconds(100);
  EXPECT_FALSE(silence_may_be_bounded(connect, kArgs, p));
}

TEST(Silence, WithTimeoutReplacesTheLimitOrSaysThereIsNone) {
  auto a = with_timeout(kArgs, std::chrono::milliseconds(100));
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(*a, (std::vector<std::string>{"connect", "tcp://172.18.0.2:80", "--timeout-ms", "100"}));
  auto none = with_timeout({"listeners"}, std::chrono::milliseconds(100));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(), "listeners: no --timeout-ms to bound");
}

TEST(Silence, AControlAnswersWhenTheDestinationDid) {
  EXPECT_EQ(destination_answer_ms(json{{"outcome", "ok"}, {"connect_ms", 0.3}, {"duration_ms", 99.0}}), 0.3);
  EXPECT_EQ(destination_answer_ms(json{{"outcome", "refused"}, {"duration_ms", 0.2}}), 0.2);
  EXPECT_EQ(destination_answer_ms(json{{"outcome", "ok"}, {"duration_ms", 0.4}}), 0.4);  // ping, udp
  EXPECT_EQ(destination_answer_ms(json{{"outcome", "timeout"}, {"duration_ms", 100.0}}), std::nullopt);
  EXPECT_EQ(destination_answer_ms(json{{"outcome", "unreachable"}, {"duration_ms", 0.1}}), std::nullopt);
}

TEST(Silence, TheProofIsInTheDescription) {
  EXPECT_EQ(describe_silence(json{{"waited_ms", 100}, {"control", {{"from", "host"}, {"outcome", "ok"}, {"answer_ms", 0.25}}}}),
            " (silent for 100 ms; host answered the same address in 0.2 ms)");
  EXPECT_EQ(describe_silence(json{{"waited_ms", 100}, {"unproven", true}, {"control", {{"from", "external"}, {"outcome", "timeout"}}}}),
            " (silent for 100 ms, but external did not answer the same address fast enough (timeout): waited as declared)");
  EXPECT_EQ(describe_silence(json{{"waited_ms", 100}, {"control", {{"from", "client"}, {"action", "ping"}, {"outcome", "ok"}, {"answer_ms", 0.31}}}}),
            " (silent for 100 ms; the same address answered a ping from client in 0.3 ms)");
  EXPECT_EQ(describe_silence(json{{"waited_ms", 100}, {"unproven", true},
                                  {"control", {{"from", "client"}, {"action", "ping"}, {"outcome", "timeout"}}}}),
            " (silent for 100 ms, but the same address did not answer a ping from client fast enough (timeout): waited as declared)");
}

}  // namespace
}  // namespace nc::engine
