#include "harness/cli/run_checks_support.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "netimpl/process/process.h"

namespace nc::testing_support {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

std::map<std::string, json> run_check_files(const std::string& tag, const std::map<std::string, std::string>& files) {
  auto dir = ::testing::TempDir() + "nc-checks-" + tag;
  fs::remove_all(dir);
  fs::create_directories(dir + "/conformance");
  fs::create_directories(dir + "/scenarios");
  for (auto& [name, text] : files) std::ofstream(dir + "/conformance/" + name) << text;
  auto report = dir + "/report.json";
  auto r = run({.argv = {NC_NETCONFORM_PATH, "run", "--checks", dir, "--json", report}}, 300s);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  std::map<std::string, json> out;
  std::ifstream in(report);
  auto j = json::parse(in, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << (r ? r->out + r->err : "");
  if (!j.is_discarded())
    for (auto& res : j["results"]) out[res["id"].get<std::string>()] = res;
  fs::remove_all(dir);
  return out;
}

std::string check_status(const std::map<std::string, json>& results, const std::string& id) {
  auto it = results.find(id);
  return it == results.end() ? "absent" : it->second["status"].get<std::string>();
}

}  // namespace nc::testing_support
