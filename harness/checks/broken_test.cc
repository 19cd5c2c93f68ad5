// Every file in testdata/broken/ must fail to load with the error its first line predicts:
//   # expect: LINE:COL: substring of the message
// Adding a case is adding a file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness/checks/loader.h"

namespace nc::checks {
namespace {

namespace fs = std::filesystem;

const fs::path kBroken = fs::path(NC_CHECKS_TESTDATA) / "broken";

std::vector<std::string> broken_files() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kBroken))
    if (e.path().extension() == ".yaml") names.push_back(e.path().filename().string());
  std::ranges::sort(names);
  return names;
}

// The first line's "# expect: " payload, or "" when the file has none.
std::string expectation(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  const std::string tag = "# expect: ";
  return line.starts_with(tag) ? line.substr(tag.size()) : "";
}

class Broken : public ::testing::TestWithParam<std::string> {};

TEST_P(Broken, FailsWithThePredictedError) {
  auto file = kBroken / GetParam();
  auto expect = expectation(file);
  ASSERT_FALSE(expect.empty()) << file << " has no '# expect: LINE:COL: text' first line";
  auto colon = expect.find(": ");
  ASSERT_NE(colon, std::string::npos) << "bad expectation: " << expect;
  auto position = expect.substr(0, colon);
  auto text = expect.substr(colon + 2);

  auto check = load_check_file(file);
  ASSERT_FALSE(check) << file << " loaded but should not have";
  const auto& message = check.error().message();
  EXPECT_TRUE(message.starts_with(file.string() + ":" + position + ": ")) << message;
  EXPECT_NE(message.find(text), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(Files, Broken, ::testing::ValuesIn(broken_files()),
                         [](const auto& info) {
                           auto name = info.param.substr(0, info.param.size() - 5);
                           std::ranges::replace(name, '-', '_');
                           return name;
                         });

TEST(BrokenFiles, AtLeastFifteenCases) { EXPECT_GE(broken_files().size(), 15u); }

}  // namespace
}  // namespace nc::checks
