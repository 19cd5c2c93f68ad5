// The loader refuses, before yaml-cpp parses anything, a check file that is too large,
// nests too deep or holds characters YAML does not allow, with a message that names the
// limit or the character, the file and the line:col, and quotes nothing unprintable.
#include "harness/checks/input_limits.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/checks/loader.h"
#include "harness/checks/nesting.h"
#include "harness/checks/text_chars.h"

namespace nc::checks {
namespace {

namespace fs = std::filesystem;
using detail::kMaxCheckBytes;
using detail::kMaxNesting;

constexpr std::string_view kHead = "id: BR-001\ntitle: t\nsource: s\n";

class InputFile : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove(path_); }
  const fs::path& write(const std::string& text) {
    std::ofstream(path_, std::ios::binary) << text;
    return path_;
  }
  fs::path path_ = fs::temp_directory_path() / fmt::format("nc_input_limits_{}.yaml", ::getpid());
};

long peak_rss_kib() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// Everything a terminal would act on is escaped in the message.
void expect_printable(const std::string& message) { EXPECT_EQ(detail::printable(message), message) << message; }

std::string file_error(const fs::path& file) {
  auto c = load_check_file(file);
  if (c) return "(loaded)";
  expect_printable(c.error().message());
  return c.error().message();
}

std::string error_of(std::string_view text) {
  auto c = parse_check(text, "m.yaml", Suite::kConformance);
  if (c) return "(loaded)";
  expect_printable(c.error().message());
  return c.error().message();
}

// ---- size

TEST_F(InputFile, TenMegabytesOfBracketsAreRefusedAtTheSizeLimitWithoutBeingRead) {
  std::string text = std::string(kHead) + "steps: " + std::string(10 << 20, '[');
  auto& file = write(text);
  auto before = peak_rss_kib();
  auto message = file_error(file);
  auto grown_mib = (peak_rss_kib() - before) / 1024;
  // The limit falls on line 4 ("steps: [[[..."), at the byte after the first 256 KiB.
  auto col = kMaxCheckBytes - kHead.size() + 1;  // line 4 starts right after kHead
  EXPECT_EQ(message, fmt::format("{}:4:{}: the file is larger than 256 KiB (262144 bytes), the limit for a check "
                                 "file; the limit is crossed here",
                                 file.string(), col));
  // yaml-cpp took 1.4 GB for this before the bound; reading 256 KiB of it takes nothing.
  EXPECT_LT(grown_mib, 32) << "the loader's peak memory grew by " << grown_mib << " MiB";
}

TEST(InputLimits, TextOverTheSizeLimitIsRefusedEvenWhenHarmless) {
  std::string text = std::string(kHead) + "story: |\n";
  while (text.size() <= kMaxCheckBytes) text += "  a line of the story\n";
  text += "steps: [{ note: x }]\n";
  auto message = error_of(text);
  EXPECT_TRUE(message.starts_with(fmt::format("m.yaml:{}:", detail::position_at(text, kMaxCheckBytes).line))) << message;
  EXPECT_NE(message.find("larger than 256 KiB"), std::string::npos) << message;
}

// ---- nesting

TEST(InputLimits, DeepFlowIsRefusedAtTheBracketThatCrossesTheLimit) {
  // Line 4: "steps: " then brackets from column 8; the top-level map is level 1, so the
  // 64th bracket is level 65.
  std::string text = std::string(kHead) + "steps: " + std::string(1000, '[') + "\n";
  EXPECT_EQ(error_of(text), fmt::format("m.yaml:4:{}: lists and maps nest deeper than 64 levels, the limit for a "
                                        "check file; the limit is crossed here",
                                        8 + 63));
}

TEST(InputLimits, DeepBlockMapsAreRefusedAtTheKeyThatCrossesTheLimit) {
  std::string text;
  for (int level = 0; level < 100; ++level) text += std::string(2 * level, ' ') + "a:\n";
  // Level 65 is the key on line 65, indented by 128.
  EXPECT_TRUE(error_of(text).starts_with("m.yaml:65:129: lists and maps nest deeper than 64 levels")) << error_of(text);
}

TEST(InputLimits, CompactSequencesCountEachDash) {
  std::string text = "steps:\n  ";
  for (int i = 0; i < 100; ++i) text += "- ";
  text += "x\n";
  // The map is level 1, the first dash (column 3) level 2, so the 64th dash is level 65.
  EXPECT_TRUE(error_of(text).starts_with(fmt::format("m.yaml:2:{}: lists and maps nest deeper", 3 + 2 * 63)))
      << error_of(text);
}

TEST(InputLimits, SixtyFourLevelsAreAllowedSixtyFiveAreNot) {
  auto nested = [](int brackets) { return "a: " + std::string(brackets, '[') + std::string(brackets, ']') + "\n"; };
  EXPECT_FALSE(detail::nesting_exceeds(nested(kMaxNesting - 1), kMaxNesting));
  auto at = detail::nesting_exceeds(nested(kMaxNesting), kMaxNesting);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->line, 1);
  EXPECT_EQ(at->col, 4 + kMaxNesting - 1);
}

TEST(InputLimits, BracketsInTextAreNotNesting) {
  std::string many(200, '[');
  std::string text = std::string(kHead) +
                     "story: |\n  " + many + "\n  - " + many + "\n"  // block scalar content
                     "# " + many + "\n"                                // a comment
                     "steps:\n"
                     "  - note: '" + many + "'\n"                      // quoted scalars
                     "  - { note: \"" + many + "\" }\n"
                     "  - note: plain " + many + "\n";                // inside a plain scalar
  auto c = parse_check(text, "m.yaml", Suite::kConformance);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->steps.size(), 3u);
  EXPECT_EQ(c->steps[2].get<Note>()->text, "plain " + many);
}

TEST(InputLimits, EveryCheckInTheRepositoryNestsFarBelowTheLimit) {
  int files = 0;
  for (auto dir : {"conformance", "scenarios"})
    for (const auto& e : fs::directory_iterator(fs::path(NC_REPO_ROOT) / dir)) {
      if (e.path().extension() != ".yaml") continue;
      std::ifstream in(e.path());
      std::string text(std::istreambuf_iterator<char>(in), {});
      EXPECT_FALSE(detail::nesting_exceeds(text, 8)) << e.path();
      ++files;
    }
  EXPECT_GT(files, 12);
}

// ---- characters

struct BadBytes {
  std::string name;
  std::string text;
  std::string where;  // "LINE:COL"
  std::string says;
};

class Characters : public ::testing::TestWithParam<BadBytes> {};

TEST_P(Characters, AreRefusedInWordsWithoutTheRawByte) {
  const auto& p = GetParam();
  auto message = error_of(p.text);
  EXPECT_TRUE(message.starts_with("m.yaml:" + p.where + ": ")) << message;
  EXPECT_NE(message.find(p.says), std::string::npos) << message;
}

std::string head_with(std::string_view title) { return fmt::format("{}title: {}\nsteps: [{{ note: x }}]\n", kHead, title); }

INSTANTIATE_TEST_SUITE_P(
    Files, Characters,
    ::testing::Values(
        BadBytes{"Nul", head_with(std::string("a\0b", 3)), "4:9", "a NUL byte (0x00)"},
        BadBytes{"NulInDoubleQuotes", head_with(std::string("\"a\\\0b\"", 6)), "4:11", "a NUL byte (0x00)"},
        BadBytes{"NulFirst", std::string("\0", 1) + head_with("x"), "1:1", "a NUL byte (0x00)"},
        BadBytes{"Latin1", head_with("caf\xe9"), "4:11", "byte 0xe9, which is not UTF-8"},
        BadBytes{"TruncatedUtf8", head_with("caf\xc3"), "4:11", "byte 0xc3, which is not UTF-8"},
        BadBytes{"Overlong", head_with("\xc0\xaf"), "4:8", "byte 0xc0, which is not UTF-8"},
        BadBytes{"Surrogate", head_with("\xed\xa0\x80"), "4:8", "byte 0xed, which is not UTF-8"},
        BadBytes{"EscapeSequenceInAKey", std::string(kHead) + "\x1b[31mtitle: x\n", "4:1", "control character 0x1b (ESC)"},
        BadBytes{"Bell", head_with("a\x07"), "4:9", "control character 0x07 (BEL)"},
        BadBytes{"Delete", head_with("a\x7f"), "4:9", "control character 0x7f (DEL)"},
        BadBytes{"C1Control", head_with("a\xc2\x9b"), "4:9", "control character U+009B"},
        BadBytes{"NonCharacter", head_with("a\xef\xbf\xbf"), "4:9", "U+FFFF, which is not a character"}),
    [](const auto& info) { return info.param.name; });

TEST(Characters, TextYamlAllowsLoads) {
  // Tabs, CR LF line ends, NEL, letters beyond ASCII and a byte order mark are YAML text.
  auto c = parse_check("\xef\xbb\xbfid: BR-001\r\ntitle: \"caf\xc3\xa9\tdone\xc2\x85\"\r\nsource: s\r\nsteps: [{ note: x }]\r\n",
                       "m.yaml", Suite::kConformance);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->title.substr(0, 5), "caf\xc3\xa9");
}

TEST(Characters, MessagesQuotingContentEscapeInvisibleCharacters) {
  // U+202E (right-to-left override) is YAML text, so it reaches the loader's messages,
  // which show it escaped rather than let it reorder the terminal's line.
  auto message = error_of(std::string(kHead) + "\xe2\x80\xaetitel: x\nsteps: [{ note: x }]\n");
  EXPECT_EQ(message, "m.yaml:4:1: unknown key '\\u202etitel' in a check; expected one of id, title, source, requires, "
                     "story, lab, networks, containers, services, steps");
  // Escapes in double quotes make control characters YAML text too.
  message = error_of(std::string(kHead) + "\"a\\eb\\0\": x\nsteps: [{ note: x }]\n");
  EXPECT_NE(message.find("unknown key 'a\\x1bb\\x00'"), std::string::npos) << message;
}

TEST(Characters, PrintableEscapesOnlyWhatATerminalWouldActOn) {
  using detail::printable;
  EXPECT_EQ(printable("caf\xc3\xa9 [::]:80"), "caf\xc3\xa9 [::]:80");
  EXPECT_EQ(printable(std::string("a\0b\x1b[31m\n\t\x7f", 11)), "a\\x00b\\x1b[31m\\n\\t\\x7f");
  EXPECT_EQ(printable("\xff\xc3"), "\\xff\\xc3");
  EXPECT_EQ(printable("\xc2\x9b\xe2\x80\xae\xef\xbb\xbf"), "\\u009b\\u202e\\ufeff");
}

TEST(InputLimits, TheFileNameInAMessageIsEscapedToo) {
  auto c = load_check_file(fs::temp_directory_path() / "no\x1bsuch.yaml");
  ASSERT_FALSE(c);
  expect_printable(c.error().message());
}

}  // namespace
}  // namespace nc::checks
