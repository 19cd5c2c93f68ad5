// The repository's own catalogue loads: every file under conformance/ and scenarios/.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "harness/checks/loader.h"

namespace nc::checks {
namespace {

namespace fs = std::filesystem;

TEST(Catalogue, EveryCheckInTheRepositoryLoads) {
  auto checks = load_catalogue(NC_REPO_ROOT);
  ASSERT_TRUE(checks) << checks.error().message();
  auto conformance = std::ranges::count(*checks, Suite::kConformance, &Check::suite);
  auto scenarios = std::ranges::count(*checks, Suite::kScenarios, &Check::suite);
  EXPECT_GE(conformance, 12);
  EXPECT_GE(scenarios, 1);
  for (const auto& c : *checks) {
    EXPECT_FALSE(c.source.empty()) << c.id;
    for (const auto& s : c.steps) EXPECT_FALSE(describe(s).empty()) << c.id;
  }
}

TEST(Catalogue, ScenariosTellTheirStory) {
  auto checks = load_dir(fs::path(NC_REPO_ROOT) / "scenarios", Suite::kScenarios);
  ASSERT_TRUE(checks) << checks.error().message();
  for (const auto& c : *checks) EXPECT_FALSE(c.story.empty()) << c.id;
}

// A scenario is symptom, diagnosis and fix: a printed diagnosis (a checklist or listener
// `diagnose` step, or a note that says "Diagnosis:") before the `fix:` act.
TEST(Catalogue, ScenariosHaveADiagnosisAndAFix) {
  auto checks = load_dir(fs::path(NC_REPO_ROOT) / "scenarios", Suite::kScenarios);
  ASSERT_TRUE(checks) << checks.error().message();
  EXPECT_GE(checks->size(), 25u);
  for (const auto& c : *checks) {
    auto fix = std::ranges::find_if(c.steps, [](auto& s) { return s.kind() == ActionKind::kFix; });
    EXPECT_NE(fix, c.steps.end()) << c.id << " has no fix: act";
    auto says_diagnosis = [](std::string t) {
      std::ranges::transform(t, t.begin(), [](unsigned char ch) { return std::tolower(ch); });
      return t.find("diagnosis") != std::string::npos;
    };
    bool diagnosed = std::any_of(c.steps.begin(), fix, [&](auto& s) {
      if (s.kind() == ActionKind::kDiagnose || says_diagnosis(s.name)) return true;  // an asserted diagnosis
      auto* n = s.template get<Note>();
      return n && says_diagnosis(n->text);
    });
    EXPECT_TRUE(diagnosed) << c.id << " prints no diagnosis before its fix (a diagnose step, a step named "
                                      "\"the diagnosis: ...\" or a \"Diagnosis: ...\" note)";
  }
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The schema documentation names every action, outcome, capability and driver the loader
// accepts, and its catalogue table lists every check with its exact title.
TEST(Catalogue, ReadmeDocumentsTheSchemaAndTheChecks) {
  auto root = fs::path(NC_REPO_ROOT);
  auto readme = slurp(root / "conformance" / "README.md");
  auto scenarios_readme = slurp(root / "scenarios" / "README.md");
  ASSERT_FALSE(readme.empty());
  auto documented = [&](std::string_view word) { return readme.find(fmt::format("`{}`", word)) != std::string::npos; };
  for (auto w : kActionNames) EXPECT_TRUE(documented(w)) << w;
  for (auto w : kOutcomeNames) EXPECT_TRUE(documented(w)) << w;
  for (auto& c : api::kCapabilityTable) EXPECT_TRUE(documented(c.name)) << c.name;
  for (auto w : kDrivers) EXPECT_TRUE(documented(w)) << w;
  auto checks = load_catalogue(root);
  ASSERT_TRUE(checks) << checks.error().message();
  for (const auto& c : *checks) {
    const auto& doc = c.suite == Suite::kScenarios ? scenarios_readme : readme;
    EXPECT_NE(doc.find(fmt::format("| {} | {}", c.id, c.title)), std::string::npos) << c.id << " missing from its README table";
  }
}

class CatalogueRules : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("nc_checks_test_{}", getpid());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& id) {
    std::ofstream(dir_ / name) << "id: " << id << "\ntitle: t\nsource: s\nsteps: [{ note: x }]\n";
  }
  fs::path dir_;
};

TEST_F(CatalogueRules, FileNameIsTheIdInLowerCase) {
  write("br-001.yaml", "BR-002");
  auto checks = load_dir(dir_, Suite::kConformance);
  ASSERT_FALSE(checks);
  EXPECT_NE(checks.error().message().find("id BR-002 belongs in a file named br-002.yaml"), std::string::npos)
      << checks.error().message();
}

TEST_F(CatalogueRules, ScenariosAreScn) {
  write("br-001.yaml", "BR-001");
  auto checks = load_dir(dir_, Suite::kScenarios);
  ASSERT_FALSE(checks);
  EXPECT_NE(checks.error().message().find("scenario IDs start with SCN-"), std::string::npos);
}

TEST_F(CatalogueRules, OnlyYamlFilesSorted) {
  write("iso-001.yaml", "ISO-001");
  write("br-001.yaml", "BR-001");
  std::ofstream(dir_ / "README.md") << "not a check";
  auto checks = load_dir(dir_, Suite::kConformance);
  ASSERT_TRUE(checks) << checks.error().message();
  ASSERT_EQ(checks->size(), 2u);
  EXPECT_EQ((*checks)[0].id, "BR-001");
  EXPECT_EQ((*checks)[1].id, "ISO-001");
}

// A broken file does not hide the next one: each is named with its own first problem, and
// the good files between them are no reason to stop.
TEST_F(CatalogueRules, EveryBrokenFileIsNamed) {
  write("br-001.yaml", "BR-001");
  std::ofstream(dir_ / "br-002.yaml") << "id: BR-002\ntitle: [unclosed\n";
  write("br-003.yaml", "BR-004");
  write("br-005.yaml", "BR-005");
  auto checks = load_dir(dir_, Suite::kConformance);
  ASSERT_FALSE(checks);
  auto m = checks.error().message();
  EXPECT_TRUE(m.starts_with("2 check files have errors:\n")) << m;
  EXPECT_NE(m.find(fmt::format("\n{}:3:1: YAML syntax error", (dir_ / "br-002.yaml").string())), std::string::npos) << m;
  EXPECT_NE(m.find(fmt::format("\n{}:1:1: id BR-004 belongs in a file named br-004.yaml", (dir_ / "br-003.yaml").string())),
            std::string::npos)
      << m;
  EXPECT_EQ(m.find("br-001.yaml"), std::string::npos) << m;
  EXPECT_EQ(m.find("br-005.yaml"), std::string::npos) << m;
}

// Across the two directories too, and a duplicate between them is one more line.
TEST_F(CatalogueRules, CatalogueNamesBrokenFilesOfBothDirectories) {
  fs::create_directories(dir_ / "conformance");
  fs::create_directories(dir_ / "scenarios");
  std::ofstream(dir_ / "conformance" / "br-001.yaml") << "id: BR-001\ntitle: t\nsource: s\nsteps: [{ note: x }]\n";
  std::ofstream(dir_ / "conformance" / "br-002.yaml") << "id: BR-002\n";
  std::ofstream(dir_ / "scenarios" / "scn-001.yaml") << "id: SCN-001\ntitle: t\nsource: s\nsteps: [{ nonsense: x }]\n";
  std::ofstream(dir_ / "scenarios" / "br-001.yaml") << "id: BR-001\ntitle: t\nsource: s\nsteps: [{ note: x }]\n";
  auto checks = load_catalogue(dir_);
  ASSERT_FALSE(checks);
  auto m = checks.error().message();
  EXPECT_TRUE(m.starts_with("3 check files have errors:\n")) << m;
  EXPECT_NE(m.find("conformance/br-002.yaml:"), std::string::npos) << m;
  EXPECT_NE(m.find("scenarios/scn-001.yaml:4:"), std::string::npos) << m;
  EXPECT_NE(m.find("scenarios/br-001.yaml:1:1: duplicate id BR-001"), std::string::npos) << m;
}

TEST(CatalogueRulesDup, DuplicateIdsNameBothFiles) {
  auto dir = fs::path(NC_CHECKS_TESTDATA) / "dup";
  auto checks = load_dir(dir, Suite::kConformance);
  ASSERT_FALSE(checks);
  auto expected = fmt::format("{}:1:1: duplicate id BR-001 (also {}:1:1)", (dir / "br-002.yaml").string(),
                              (dir / "br-001.yaml").string());
  EXPECT_EQ(checks.error().message(), expected);
}

TEST(CatalogueRulesDup, MissingDirectoryIsAnError) {
  auto checks = load_dir("/nonexistent/conformance", Suite::kConformance);
  ASSERT_FALSE(checks);
  EXPECT_NE(checks.error().message().find("/nonexistent/conformance"), std::string::npos);
}

}  // namespace
}  // namespace nc::checks
