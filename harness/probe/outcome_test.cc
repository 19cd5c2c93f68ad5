#include "harness/probe/outcome.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace nc::probe {
namespace {

TEST(Outcome, ErrnoMapsToWhatAPersonSees) {
  EXPECT_EQ(outcome_for_errno(ECONNREFUSED), "refused");
  EXPECT_EQ(outcome_for_errno(EHOSTUNREACH), "unreachable");
  EXPECT_EQ(outcome_for_errno(ENETUNREACH), "unreachable");
  EXPECT_EQ(outcome_for_errno(EHOSTDOWN), "unreachable");
  EXPECT_EQ(outcome_for_errno(ETIMEDOUT), "timeout");
  EXPECT_EQ(outcome_for_errno(ECONNRESET), "reset");
  EXPECT_EQ(outcome_for_errno(EPERM), "error");
  EXPECT_EQ(outcome_for_errno(EINVAL), "error");
}

TEST(Outcome, DataMeansOkWhateverFollowed) {
  EXPECT_EQ(classify_stream({.data = "x", .eof = true}).outcome, "ok");
  EXPECT_EQ(classify_stream({.data = "x", .err = ECONNRESET}).outcome, "ok");
  auto r = classify_stream({.data = "x", .timed_out = true});
  EXPECT_EQ(r.outcome, "ok");
  EXPECT_FALSE(r.silent);
}

TEST(Outcome, NoDataIsEmptyResetOrSilent) {
  EXPECT_EQ(classify_stream({.eof = true}).outcome, "empty");
  EXPECT_EQ(classify_stream({.err = ECONNRESET}).outcome, "reset");
  EXPECT_EQ(classify_stream({.err = EHOSTUNREACH}).outcome, "unreachable");
  auto quiet = classify_stream({.timed_out = true});
  EXPECT_EQ(quiet.outcome, "ok");
  EXPECT_TRUE(quiet.silent);
}

TEST(Outcome, Trim) {
  EXPECT_EQ(trim(" \t{\"a\":1}\r\n"), "{\"a\":1}");
  EXPECT_EQ(trim("\n\n"), "");
  EXPECT_EQ(trim("a b"), "a b");
}

}  // namespace
}  // namespace nc::probe
