#include "harness/probe/cli.h"

#include <gtest/gtest.h>

namespace nc::probe {
namespace {

constexpr OptionSpec kOpts[] = {{"--timeout-ms"}, {"--send"}, {"--flag", false}};
int noop(const Invocation&) { return 0; }
const ActionSpec kSpec{.name = "test", .synopsis = "test X [Y]", .options = kOpts, .min_args = 1, .max_args = 2, .run = noop};

std::expected<ParsedCommand, std::string> parse(std::initializer_list<std::string_view> args) {
  std::vector<std::string_view> v(args);
  return parse_command(kSpec, v);
}

TEST(Cli, OptionsMayComeAnywhere) {
  auto c = parse({"--send", "hi there", "a", "--timeout-ms=500", "b", "--flag"});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->invocation.args, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c->invocation.option("--send"), "hi there");
  EXPECT_EQ(c->invocation.option("--timeout-ms"), "500");
  EXPECT_TRUE(c->invocation.has("--flag"));
  EXPECT_FALSE(c->help);
}

TEST(Cli, AValueMayLookLikeAnOption) {
  auto c = parse({"a", "--send", "--flag"});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->invocation.option("--send"), "--flag");
  EXPECT_FALSE(c->invocation.has("--flag"));
}

TEST(Cli, DoubleDashEndsOptions) {
  auto c = parse({"--", "--weird"});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->invocation.args, std::vector<std::string>{"--weird"});
}

TEST(Cli, ErrorsNameTheCulprit) {
  EXPECT_EQ(parse({"a", "--bogus"}).error(), "test: unknown option --bogus");
  EXPECT_EQ(parse({"a", "--send"}).error(), "test: option --send needs a value");
  EXPECT_EQ(parse({"a", "--flag=1"}).error(), "test: option --flag takes no value");
  EXPECT_EQ(parse({}).error(), "test: missing argument");
  EXPECT_EQ(parse({"a", "b", "c"}).error(), "test: unexpected argument");
}

TEST(Cli, HelpWinsOverMissingArguments) {
  auto c = parse({"--help"});
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->help);
}

TEST(Cli, IntOption) {
  Invocation inv{.spec = &kSpec, .options = {{"--timeout-ms", "250"}}};
  EXPECT_EQ(int_option(inv, "--timeout-ms", 2000, 1, 1000), 250);
  EXPECT_EQ(int_option(inv, "--other", 2000, 1, 1000), 2000);
  inv.options["--timeout-ms"] = "0";
  EXPECT_FALSE(int_option(inv, "--timeout-ms", 2000, 1, 1000));
  inv.options["--timeout-ms"] = "12ms";
  auto bad = int_option(inv, "--timeout-ms", 2000, 1, 1000);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("'12ms'"), std::string::npos);
}

TEST(Cli, EveryActionIsFoundByNameAndDocumented) {
  for (const char* name : {"serve", "connect", "ping", "read", "listeners", "interfaces", "idle"}) {
    const ActionSpec* a = find_action(name);
    ASSERT_NE(a, nullptr) << name;
    EXPECT_TRUE(a->synopsis.starts_with(name)) << a->synopsis;
    EXPECT_NE(usage_text().find(a->synopsis), std::string::npos);
  }
  EXPECT_EQ(find_action("resolve-nope"), nullptr);
}

}  // namespace
}  // namespace nc::probe
