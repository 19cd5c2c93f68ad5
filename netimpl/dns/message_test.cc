#include "netimpl/dns/message.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "netimpl/dns/responder.h"
#include "netimpl/dns/test_query.h"

namespace nc::dns {
namespace {

struct Parsed {
  PktPtr pkt;
  std::vector<std::string> answers;  // rdata text
};

Parsed parse_reply(const std::vector<uint8_t>& wire) {
  ldns_pkt* p = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&p, wire.data(), wire.size()), LDNS_STATUS_OK);
  Parsed out{PktPtr(p), {}};
  auto* an = ldns_pkt_answer(p);
  for (size_t i = 0; i < ldns_rr_list_rr_count(an); ++i) {
    char* s = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(an, i), 0));
    out.answers.push_back(s);
    std::free(s);
  }
  return out;
}

NameTable table() {
  NameTable t;
  t.set_network("appnet", false);
  std::vector<TableEndpoint> eps;
  t.put({.name = "web", .hostname = "", .short_id = "", .endpoints = {{.network = "appnet", .ip = *IpAddr::parse("172.18.0.2"), .aliases = {"many"}}}});
  for (int i = 0; i < 60; ++i)
    t.put({.name = fmt::format("m{}", i), .hostname = "", .short_id = "",
           .endpoints = {{.network = "appnet", .ip = IpAddr::v4(0xac120010 + i), .aliases = {"many"}}}});
  return t;
}

TEST(Message, ParsesOneQuestionAndRejectsOthers) {
  auto q = parse_query(make_query("Web.AppNet", kTypeA, 7));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->qname, "Web.AppNet");
  EXPECT_EQ(q->qtype, kTypeA);
  EXPECT_EQ(q->id, 7);
  auto wire = make_query("web", kTypeA);
  wire[5] = 0;  // qdcount 0
  EXPECT_FALSE(parse_query(wire));
  EXPECT_FALSE(parse_query(std::vector<uint8_t>(5, 0)));
}

TEST(Message, LocalAnswerEchoesCaseWithTtl600RaSetAaClear) {
  auto t = table();
  std::mt19937 rng(1);
  auto q = parse_query(make_query("WEB", kTypeA));
  auto d = respond(*q, t, "web", 512, rng);
  ASSERT_FALSE(d.forward);
  auto r = parse_reply(d.reply);
  EXPECT_TRUE(ldns_pkt_ra(r.pkt.get()));
  EXPECT_FALSE(ldns_pkt_aa(r.pkt.get()));
  EXPECT_EQ(r.answers, std::vector<std::string>{"172.18.0.2"});
  auto* rr = ldns_rr_list_rr(ldns_pkt_answer(r.pkt.get()), 0);
  EXPECT_EQ(ldns_rr_ttl(rr), 600u);
  char* owner = ldns_rdf2str(ldns_rr_owner(rr));
  EXPECT_STREQ(owner, "WEB.");
  std::free(owner);
}

TEST(Message, NoDataPtrAndForward) {
  auto t = table();
  std::mt19937 rng(1);
  auto d = respond(*parse_query(make_query("web", kTypeAaaa)), t, "web", 512, rng);
  ASSERT_FALSE(d.forward);
  EXPECT_EQ(ldns_pkt_get_rcode(parse_reply(d.reply).pkt.get()), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(parse_reply(d.reply).answers.empty());
  d = respond(*parse_query(make_query("2.0.18.172.in-addr.arpa", kTypePtr)), t, "web", 512, rng);
  EXPECT_EQ(parse_reply(d.reply).answers, std::vector<std::string>{"web.appnet."});
  EXPECT_TRUE(respond(*parse_query(make_query("example.test", kTypeA)), t, "web", 512, rng).forward);
}

// netimpl's networks are IPv4 only so far; the server already answers for endpoints that
// have IPv6 addresses (Docker: A and AAAA from the same name, PTR under ip6.arpa).
TEST(Message, AaaaAnswersNoDataForAAndIp6Ptr) {
  NameTable t;
  t.set_network("v6net", false);
  t.put({.name = "six", .hostname = "", .short_id = "", .endpoints = {{.network = "v6net", .ip = *IpAddr::parse("fd00:1::2"), .aliases = {}}}});
  std::mt19937 rng(1);
  auto d = respond(*parse_query(make_query("six", kTypeAaaa)), t, "six", 512, rng);
  ASSERT_FALSE(d.forward);
  EXPECT_EQ(parse_reply(d.reply).answers, std::vector<std::string>{"fd00:1::2"});
  d = respond(*parse_query(make_query("six", kTypeA)), t, "six", 512, rng);
  ASSERT_FALSE(d.forward);
  EXPECT_EQ(ldns_pkt_get_rcode(parse_reply(d.reply).pkt.get()), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(parse_reply(d.reply).answers.empty());
  std::string rev;
  std::string nibbles = "fd000001000000000000000000000002";  // fd00:1::2 in full
  for (auto c = nibbles.rbegin(); c != nibbles.rend(); ++c) rev += std::string(1, *c) + ".";
  d = respond(*parse_query(make_query(rev + "ip6.arpa", kTypePtr)), t, "six", 512, rng);
  EXPECT_EQ(parse_reply(d.reply).answers, std::vector<std::string>{"six.v6net."});
}

TEST(Message, TruncatesOverTheUdpLimitAndShuffles) {
  auto t = table();
  std::mt19937 rng(1);
  auto q = parse_query(make_query("many", kTypeA));
  auto cut_wire = respond(*q, t, "web", 512, rng).reply;
  auto cut = parse_reply(cut_wire);
  EXPECT_TRUE(ldns_pkt_tc(cut.pkt.get()));
  // As many as fit, as Docker's truncateResp: 12 header + 10 question + 30 × 16 = 502.
  EXPECT_LE(cut_wire.size(), 512u);
  EXPECT_EQ(cut.answers.size(), 30u);
  auto full = parse_reply(respond(*q, t, "web", 65535, rng).reply);
  for (auto& a : cut.answers) EXPECT_NE(std::find(full.answers.begin(), full.answers.end(), a), full.answers.end());
  EXPECT_FALSE(ldns_pkt_tc(full.pkt.get()));
  EXPECT_EQ(full.answers.size(), 61u);
  std::vector<Answer> many(61, Answer{.type = kTypeA, .ttl = 600, .addr = {192, 0, 2, 1}, .target = {}});
  auto bind_style = parse_reply(build_reply(*q, kNoError, many, 512, Truncation::kDropAll));
  EXPECT_TRUE(ldns_pkt_tc(bind_style.pkt.get()));
  EXPECT_TRUE(bind_style.answers.empty());
  auto again = parse_reply(respond(*q, t, "web", 65535, rng).reply);
  EXPECT_NE(full.answers, again.answers);
}

TEST(Message, ReverseAddress) {
  EXPECT_EQ(reverse_address("2.0.18.172.in-addr.arpa"), (std::vector<uint8_t>{172, 18, 0, 2}));
  EXPECT_TRUE(reverse_address("0.18.172.in-addr.arpa").empty());
  EXPECT_TRUE(reverse_address("example.test").empty());
}

}  // namespace
}  // namespace nc::dns

namespace nc::dns {
namespace {

TEST(BuildQuery, ParsesBackAsTheQueryAskedFor) {
  auto wire = build_query("target.dns.podman", kTypeAaaa, 0x4e43, 1232);
  auto q = parse_query(wire);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->id, 0x4e43);
  EXPECT_EQ(q->qname, "target.dns.podman");
  EXPECT_EQ(q->qtype, kTypeAaaa);
  EXPECT_TRUE(q->edns);
  EXPECT_EQ(q->udp_size, 1232u);
  EXPECT_FALSE(parse_query(build_query("target", kTypeA, 1))->edns);
  EXPECT_TRUE(build_query(std::string(64, 'a') + ".example", kTypeA, 1).empty());  // a label over 63 bytes
}

TEST(ReplyHeader, CountsTheAnswersAReplyAnnounces) {
  auto q = parse_query(build_query("web", kTypeA, 7));
  ASSERT_TRUE(q);
  std::vector<Answer> two = {{.type = kTypeA, .ttl = 600, .addr = {172, 18, 0, 2}, .target = {}},
                             {.type = kTypeA, .ttl = 600, .addr = {172, 18, 0, 3}, .target = {}}};
  EXPECT_EQ(reply_answer_count(build_reply(*q, kNoError, two, kClassicUdpSize)), 2);
  EXPECT_EQ(reply_answer_count(build_reply(*q, kNxDomain, {}, kClassicUdpSize)), 0);
  EXPECT_EQ(reply_rcode(build_reply(*q, kNxDomain, {}, kClassicUdpSize)), kNxDomain);
  std::vector<uint8_t> short_header(11, 0);
  EXPECT_EQ(reply_answer_count(short_header), -1);
}

}  // namespace
}  // namespace nc::dns
