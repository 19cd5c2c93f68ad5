#include "harness/checks/loader.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>

#include <fmt/ranges.h>

#include "harness/checks/dns_steps.h"
#include "harness/checks/input_limits.h"
#include "harness/checks/specs.h"
#include "harness/checks/steps.h"

namespace nc::checks {
namespace {

using detail::Fields;
using detail::Reader;
using detail::Scope;
using detail::Value;

constexpr std::string_view kTopKeys[] = {"id", "title", "source", "requires", "story", "lab",
                                         "networks", "containers", "services", "steps"};
constexpr std::string_view kRequired[] = {"id", "title", "source", "steps"};
constexpr std::string_view kLabKeys[] = {"ip_forward", "hosts", "underlay_mtu", "host_resolv", "fresh_runtime",
                                         "default_bridge6"};

Result<std::string> parse_id(const Reader& r, const Value& v) {
  static const std::regex pattern("^(BR|ISO|DNS|PORT|DRV|CNI|SCN)(-[A-Z]+)*-[0-9]{3}$");
  auto id = NC_TRY(r.word(v));
  if (!std::regex_match(id, pattern))
    return r.errorf(v.mark, "id: '{}' is not AREA-NNN (areas BR, ISO, DNS, PORT, DRV, CNI, SCN; e.g. BR-001, SCN-DNS-002)", id);
  return id;
}

Result<std::vector<std::string>> parse_requires(const Reader& r, const Value& v) {
  auto caps = NC_TRY(r.strings(v));
  for (const auto& cap : caps)
    if (!api::find_capability(cap)) {
      std::vector<std::string_view> known;
      for (auto& c : api::kCapabilityTable) known.push_back(c.name);
      return r.errorf(v.mark, "requires: unknown capability '{}'; expected any of {}", cap, fmt::join(known, ", "));
    }
  return caps;
}

Result<Lab> parse_lab(const Reader& r, const Value& v) {
  auto f = NC_TRY(r.map(v, "lab", kLabKeys));
  Lab lab;
  if (auto* x = f.find("ip_forward")) lab.ip_forward = NC_TRY(r.boolean(x->value));
  if (auto* x = f.find("hosts")) lab.hosts = static_cast<int>(NC_TRY(r.integer(x->value, 1, 4)));
  if (auto* x = f.find("underlay_mtu")) lab.underlay_mtu = static_cast<int>(NC_TRY(r.integer(x->value, 1280, 9000)));
  if (auto* x = f.find("host_resolv")) lab.host_resolv = NC_TRY(detail::parse_host_resolv(r, x->value));
  if (auto* x = f.find("fresh_runtime")) lab.fresh_runtime = NC_TRY(r.boolean(x->value));
  if (auto* x = f.find("default_bridge6")) {
    auto p = NC_TRY(r.subnet(x->value));
    if (!p.addr().is_v6()) return r.errorf(x->value.mark, "lab: default_bridge6: {} is not an IPv6 subnet", p);
    if (p.len() > 126)
      return r.errorf(x->value.mark, "lab: default_bridge6: {} is too small: it needs room for a gateway and a container (/126 at most)", p);
    lab.default_bridge6 = p;
  }
  return lab;
}

Result<void> fill_header(const Reader& r, const Fields& f, Check& c) {
  c.pos = r.pos(f.find("id")->key_mark);
  c.id = NC_TRY(parse_id(r, f.find("id")->value));
  c.title = NC_TRY(r.word(f.find("title")->value));
  c.source = NC_TRY(r.word(f.find("source")->value));
  if (auto* x = f.find("requires")) c.requirements = NC_TRY(parse_requires(r, x->value));
  if (auto* x = f.find("story")) c.story = NC_TRY(r.string(x->value));
  if (auto* x = f.find("lab")) c.lab = NC_TRY(parse_lab(r, x->value));
  return {};
}

Result<void> fill_topology(const Reader& r, const Fields& f, Check& c, Scope& scope) {
  if (auto* x = f.find("networks")) c.networks = NC_TRY(detail::parse_networks(r, x->value, scope));
  if (auto* x = f.find("containers")) c.containers = NC_TRY(detail::parse_containers(r, x->value, scope));
  if (auto* x = f.find("services")) c.services = NC_TRY(detail::parse_services(r, x->value));
  return {};
}

// Setting the host's resolver files only means something on a runtime that reads them: a
// check that does must say so, so that other runtimes skip it instead of failing it.
Result<void> check_host_resolv_required(const Reader& r, const Fields& f, const Check& c) {
  if (std::ranges::find(c.requirements, "host_resolv") != c.requirements.end()) return {};
  if (c.lab.host_resolv) {
    auto* lab = f.find("lab");
    auto lf = NC_TRY(r.map(lab->value, "lab", kLabKeys));
    return r.errorf(lf.find("host_resolv")->key_mark, "lab: host_resolv needs `requires: [..., host_resolv]` (runtimes that do not read the lab host's resolver files skip the check)");
  }
  for (auto& s : c.steps)
    if (s.kind() == ActionKind::kHostResolv)
      return fail(fmt::format("{}: a host_resolv step needs `requires: [..., host_resolv]` (runtimes that do not read the lab host's resolver files skip the check)", s.pos.str()));
  return {};
}

// A dual-stack default bridge is a setting of the runtime's start that only some runtimes
// have (a daemon of the machine's, or Podman's default network, cannot take it): the check
// must say so, and that it needs IPv6, so that the others skip it.
Result<void> check_default_bridge6_required(const Reader& r, const Fields& f, const Check& c) {
  if (!c.lab.default_bridge6) return {};
  for (std::string_view cap : {"ipv6", "default_bridge_ipv6"})
    if (std::ranges::find(c.requirements, cap) == c.requirements.end()) {
      auto lf = NC_TRY(r.map(f.find("lab")->value, "lab", kLabKeys));
      return r.errorf(lf.find("default_bridge6")->key_mark,
                      "lab: default_bridge6 needs `requires: [..., ipv6, default_bridge_ipv6]` (runtimes that cannot "
                      "make their default bridge dual stack skip the check)");
    }
  return {};
}

Result<Check> parse_root(const Reader& r, const YAML::Node& root, Suite suite) {
  auto f = NC_TRY(r.map(Value{root, root.Mark(), "check"}, "a check", kTopKeys, kRequired));
  Check c;
  c.suite = suite;
  Scope scope;
  NC_TRY_VOID(fill_header(r, f, c));
  scope.set_hosts(c.lab.hosts);
  if (c.lab.default_bridge6) scope.set_default_bridge6(*c.lab.default_bridge6);
  scope.set_requirements(c.requirements);
  NC_TRY_VOID(fill_topology(r, f, c, scope));
  c.steps = NC_TRY(detail::parse_steps(r, f.find("steps")->value, scope));
  NC_TRY_VOID(check_host_resolv_required(r, f, c));
  NC_TRY_VOID(check_default_bridge6_required(r, f, c));
  return c;
}

Result<Check> parse_documents(const Reader& r, std::string_view yaml, Suite suite) {
  auto docs = YAML::LoadAll(std::string(yaml));
  if (docs.empty() || docs[0].IsNull())
    return r.error(YAML::Mark(), "empty file; a check needs id, title, source and steps");
  if (docs.size() > 1) return r.error(docs[1].Mark(), "a second YAML document; write one check per file");
  return parse_root(r, docs[0], suite);
}

Result<std::vector<std::filesystem::path>> yaml_files(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".yaml" && !it->is_directory()) files.push_back(it->path());
  if (ec) return failf("read directory {}: {}", dir.string(), ec.message());
  std::ranges::sort(files);
  return files;
}

std::string lower(std::string s) {
  std::ranges::transform(s, s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

Result<void> check_catalogue_rules(const Check& c, const std::filesystem::path& file) {
  auto where = c.pos.str();
  if (file.filename() != lower(c.id) + ".yaml")
    return failf("{}: id {} belongs in a file named {}.yaml", where, c.id, lower(c.id));
  bool scenario = c.id.starts_with("SCN-");
  if (c.suite == Suite::kScenarios && !scenario) return failf("{}: id {}: scenario IDs start with SCN-", where, c.id);
  if (c.suite == Suite::kConformance && scenario) return failf("{}: id {}: SCN- checks belong in scenarios/", where, c.id);
  return {};
}

// The first problem of every file, one "file:line:col: ..." line each, so that a catalogue
// with several broken files names them all in one run. One problem reads as before.
class Problems {
 public:
  void add(const Error& e) { lines_.push_back(e.message()); }
  Result<void> result() const {
    if (lines_.empty()) return {};
    if (lines_.size() == 1) return fail(lines_[0]);
    return failf("{} check files have errors:\n{}", lines_.size(), fmt::join(lines_, "\n"));
  }

 private:
  std::vector<std::string> lines_;
};

// Every *.yaml file of `dir` into `checks` (IDs unique among all of them), or its problem
// into `problems`. Only a directory that cannot be read is an error.
Result<void> load_files(const std::filesystem::path& dir, Suite suite, std::vector<Check>& checks, Problems& problems) {
  for (const auto& file : NC_TRY(yaml_files(dir))) {
    auto c = load_check_file(file, suite);
    if (!c) {
      problems.add(c.error());
      continue;
    }
    checks.push_back(std::move(*c));
    // Duplicates first: "same id as X" explains more than "wrong file name".
    auto ok = check_unique_ids(checks);
    if (ok) ok = check_catalogue_rules(checks.back(), file);
    if (!ok) {
      problems.add(ok.error());
      checks.pop_back();
    }
  }
  return {};
}

}  // namespace

Result<Check> parse_check(std::string_view yaml, std::string_view file, Suite suite) {
  NC_TRY_VOID(detail::check_input(yaml, file));
  Reader r{std::string(file)};
  try {
    return parse_documents(r, yaml, suite);
  } catch (const YAML::Exception& e) {
    return r.errorf(e.mark, "YAML syntax error: {}", e.msg);
  } catch (const std::exception& e) {
    return r.errorf(YAML::Mark(), "cannot read the check: {}", e.what());
  }
}

Result<Check> load_check_file(const std::filesystem::path& path, std::optional<Suite> suite) {
  auto text = NC_TRY(detail::read_bounded(path));
  bool in_scenarios = path.parent_path().filename() == "scenarios";
  return parse_check(text, path.string(), suite.value_or(in_scenarios ? Suite::kScenarios : Suite::kConformance));
}

Result<std::vector<Check>> load_dir(const std::filesystem::path& dir, Suite suite) {
  std::vector<Check> checks;
  Problems problems;
  NC_TRY_VOID(load_files(dir, suite, checks, problems));
  NC_TRY_VOID(problems.result());
  return checks;
}

Result<std::vector<Check>> load_catalogue(const std::filesystem::path& root) {
  std::vector<Check> checks;
  Problems problems;
  NC_TRY_VOID(load_files(root / "conformance", Suite::kConformance, checks, problems));
  NC_TRY_VOID(load_files(root / "scenarios", Suite::kScenarios, checks, problems));
  NC_TRY_VOID(problems.result());
  return checks;
}

Result<void> check_unique_ids(const std::vector<Check>& checks) {
  std::map<std::string, const Check*> seen;
  for (const auto& c : checks) {
    auto [it, fresh] = seen.emplace(c.id, &c);
    if (!fresh) return failf("{}: duplicate id {} (also {})", c.pos.str(), c.id, it->second->pos.str());
  }
  return {};
}

}  // namespace nc::checks
