// `repeat`'s aggregate verdict from runs' records, without a lab.
#include "harness/engine/repeat_tally.h"

#include <gtest/gtest.h>

namespace nc::engine {
namespace {

using nlohmann::json;

report::StepRecord lookup(std::vector<std::string> answers) {
  report::StepRecord r;
  r.ok = true;
  r.observed = json{{"outcome", "ok"}, {"answers", answers}};
  return r;
}

report::StepRecord connect_to(const std::string& server, bool ok = true) {
  report::StepRecord r;
  r.ok = ok;
  r.message = ok ? "" : "timed out";
  r.observed = ok ? json{{"outcome", "ok"}, {"server", {{"local", server + ":80"}}}} : json{{"outcome", "timeout"}};
  return r;
}

TEST(RepeatTally, CountsDistinctOrdersAndAddressesSeen) {
  RepeatTally t;
  t.add(1, lookup({"10.0.0.2", "10.0.0.3"}), false);
  t.add(2, lookup({"10.0.0.3", "10.0.0.2"}), false);
  t.add(3, lookup({"10.0.0.2", "10.0.0.3"}), false);
  checks::Repeat want{.times = 3, .seen = {}, .min_orders = 2, .outcomes_seen = {}};
  auto rec = lookup({"10.0.0.2", "10.0.0.3"});
  t.judge(rec, want, {"10.0.0.2", "10.0.0.3"});
  EXPECT_TRUE(rec.ok) << rec.message;
  EXPECT_EQ(rec.observed["orders"], 2);
  want.min_orders = 3;
  t.judge(rec, want, {"10.0.0.2", "10.0.0.4"});
  EXPECT_FALSE(rec.ok);
  EXPECT_NE(rec.message.find("10.0.0.4 never seen"), std::string::npos) << rec.message;
  EXPECT_NE(rec.message.find("2 distinct orders"), std::string::npos) << rec.message;
}

TEST(RepeatTally, AConnectCountsTheServerItReachedAndNamesTheFirstFailure) {
  RepeatTally t;
  t.add(1, connect_to("172.30.0.5"), true);
  t.add(2, connect_to("", false), true);
  t.add(3, connect_to("172.30.0.6"), true);
  checks::Repeat want{.times = 3, .seen = {}, .min_orders = 0, .outcomes_seen = {checks::Outcome::kTimeout}};
  auto rec = connect_to("172.30.0.6");
  t.judge(rec, want, {"172.30.0.5", "172.30.0.6"});
  EXPECT_FALSE(rec.ok);
  EXPECT_NE(rec.message.find("1 of 3 runs failed (first: run 2: timed out)"), std::string::npos) << rec.message;
  EXPECT_EQ(rec.message.find("never seen"), std::string::npos) << rec.message;
  EXPECT_EQ(rec.message.find("no run was"), std::string::npos) << rec.message;
  EXPECT_EQ(rec.observed["failures"], 1);
}

}  // namespace
}  // namespace nc::engine
