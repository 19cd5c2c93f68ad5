#include "netimpl/dns/answer_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "netimpl/dns/responder.h"
#include "netimpl/dns/test_query.h"

namespace nc::dns {
namespace {

NameTable table(int addrs) {
  NameTable t;
  t.set_network("appnet", false);
  for (int i = 0; i < addrs; ++i)
    t.put({.name = fmt::format("m{}", i), .hostname = "", .short_id = "",
           .endpoints = {{.network = "appnet", .ip = IpAddr::v4(0xac120010 + i), .aliases = {"svc"}}}});
  return t;
}

std::vector<uint8_t> answer_of(const std::vector<uint8_t>& query, const NameTable& t, std::mt19937& rng) {
  return respond(*parse_query(query), t, "m0", 512, rng).reply;
}

// The answer records as a sorted list of their bytes: what a shuffle must preserve.
std::vector<std::vector<uint8_t>> records(const std::vector<uint8_t>& reply) {
  std::vector<std::pair<size_t, size_t>> rrs;
  EXPECT_TRUE(answer_records(reply, rrs));
  std::vector<std::vector<uint8_t>> out;
  for (auto [off, len] : rrs) out.emplace_back(reply.begin() + off, reply.begin() + off + len);
  return out;
}

TEST(AnswerCache, HitCarriesTheNewIdAndTheSameRecordsShuffled) {
  auto t = table(5);
  std::mt19937 rng(3);
  AnswerCache cache;
  auto q = make_query("svc", kTypeA, 0x1111);
  auto built = answer_of(q, t, rng);
  cache.store(q, 7, built);
  auto again = make_query("svc", kTypeA, 0x2222);
  std::vector<uint8_t> out;
  std::set<std::vector<std::vector<uint8_t>>> orders;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(cache.lookup(again, 7, rng, out));
    EXPECT_EQ(out[0], 0x22);
    EXPECT_EQ(out[1], 0x22);
    EXPECT_EQ(out.size(), built.size());
    EXPECT_TRUE(std::equal(out.begin() + 2, out.begin() + 12, built.begin() + 2));  // flags and counts
    auto got = records(out);
    orders.insert(got);
    auto want = records(built);
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want);
  }
  EXPECT_GT(orders.size(), 1u);  // shuffled per answer
}

TEST(AnswerCache, MissesOnAnotherQueryTextOrGeneration) {
  auto t = table(1);
  std::mt19937 rng(3);
  AnswerCache cache;
  auto q = make_query("svc", kTypeA);
  cache.store(q, 1, answer_of(q, t, rng));
  std::vector<uint8_t> out;
  EXPECT_FALSE(cache.lookup(q, 2, rng, out));                                  // the table changed
  EXPECT_FALSE(cache.lookup(make_query("SVC", kTypeA), 1, rng, out));          // case is echoed: other text
  EXPECT_FALSE(cache.lookup(make_query("svc", kTypeAaaa), 1, rng, out));
  EXPECT_FALSE(cache.lookup(make_query("svc", kTypeA, 0x1234, 1232), 1, rng, out));  // EDNS
  auto short_query = std::vector<uint8_t>(q.begin(), q.begin() + 5);
  EXPECT_FALSE(cache.lookup(short_query, 1, rng, out));
  EXPECT_TRUE(cache.lookup(q, 1, rng, out));
}

TEST(AnswerCache, KeepsNoTruncatedReplyAndStaysBounded) {
  auto t = table(60);
  std::mt19937 rng(3);
  AnswerCache cache(2);
  auto q = make_query("svc", kTypeA);
  cache.store(q, 1, answer_of(q, t, rng));  // 60 records do not fit 512 bytes: TC
  EXPECT_EQ(cache.size(), 0u);
  for (auto name : {"m1", "m2", "m3"}) {
    auto qq = make_query(name, kTypeA);
    cache.store(qq, 1, answer_of(qq, t, rng));
  }
  EXPECT_LE(cache.size(), 2u);
}

TEST(AnswerCache, WalkRejectsMalformedReplies) {
  std::vector<std::pair<size_t, size_t>> rrs;
  std::vector<uint8_t> bad(12, 0);
  bad[7] = 1;  // one answer, no bytes
  EXPECT_FALSE(answer_records(bad, rrs));
  bad.insert(bad.end(), {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 1, 0, 200});  // rdlength past the end
  EXPECT_FALSE(answer_records(bad, rrs));
}

}  // namespace
}  // namespace nc::dns
