#include "harness/runtimes/expectations.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "harness/checks/yaml_reader.h"

namespace nc::runtimes {
namespace {

using checks::detail::Reader;
using checks::detail::Value;

constexpr std::array<std::string_view, 3> kTop = {"runtime", "version", "expectations"};
constexpr std::array<std::string_view, 3> kItem = {"id", "verdict", "reason"};

Result<Verdict> parse_verdict(const Reader& r, const Value& v) {
  auto text = r.word(v);
  if (!text) return std::unexpected(std::move(text).error());
  for (auto s : {Verdict::kFail, Verdict::kSkip, Verdict::kPass, Verdict::kRace})
    if (*text == to_string(s)) return s;
  return r.errorf(v.mark, "unknown verdict '{}'; expected fail, skip, pass or race", *text);
}

Result<Expectation> parse_item(const Reader& r, const Value& v) {
  auto f = NC_TRY(r.map(v, "an expectation", kItem, kItem));
  Expectation e;
  auto* id = f.find("id");
  e.id = NC_TRY(r.word(id->value));
  e.pos = r.pos(v.mark);
  e.verdict = NC_TRY(parse_verdict(r, f.find("verdict")->value));
  e.reason = NC_TRY(r.word(f.find("reason")->value));
  return e;
}

Result<Expectations> parse_root(const Reader& r, const YAML::Node& root) {
  auto f = NC_TRY(r.map(Value{root, root.Mark(), "expectations file"}, "an expectations file", kTop, kTop));
  Expectations out;
  out.runtime = NC_TRY(r.word(f.find("runtime")->value));
  out.version = NC_TRY(r.word(f.find("version")->value));
  auto items = NC_TRY(r.list(f.find("expectations")->value));
  for (auto& v : items) {
    auto e = NC_TRY(parse_item(r, v));
    if (out.find(e.id)) return r.errorf(v.mark, "{} is listed twice", e.id);
    out.items.push_back(std::move(e));
  }
  return out;
}

std::string major_minor(std::string_view version) {
  auto dot = version.find('.');
  if (dot == std::string_view::npos) return std::string(version);
  auto dot2 = version.find('.', dot + 1);
  return std::string(version.substr(0, dot2));
}

}  // namespace

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::kFail: return "fail";
    case Verdict::kSkip: return "skip";
    case Verdict::kPass: return "pass";
    case Verdict::kRace: return "race";
  }
  return "?";
}

const Expectation* Expectations::find(std::string_view id) const {
  for (auto& e : items)
    if (e.id == id) return &e;
  return nullptr;
}

Result<Expectations> parse_expectations(std::string_view yaml, std::string_view file) {
  Reader r{std::string(file)};
  try {
    auto root = YAML::Load(std::string(yaml));
    if (!root || root.IsNull()) return r.error(YAML::Mark(), "empty file; expected runtime, version and expectations");
    return parse_root(r, root);
  } catch (const YAML::Exception& e) {
    return r.errorf(e.mark, "YAML syntax error: {}", e.msg);
  } catch (const std::exception& e) {
    return r.errorf(YAML::Mark(), "cannot read the expectations: {}", e.what());
  }
}

Result<Expectations> load_expectations_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return sys_fail(fmt::format("read {}", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  auto e = NC_TRY(parse_expectations(text.str(), path.string()));
  auto stem = path.stem().string();
  if (stem != fmt::format("{}-{}", e.runtime, e.version))
    return failf("{}: says runtime {} version {}; the file must be named {}-{}.yaml", path.string(), e.runtime,
                 e.version, e.runtime, e.version);
  return e;
}

std::filesystem::path expectations_path(const std::filesystem::path& dir, std::string_view runtime,
                                        std::string_view version) {
  return dir / fmt::format("{}-{}.yaml", runtime, major_minor(version));
}

Result<Expectations> load_expectations_for(const std::filesystem::path& dir, std::string_view runtime,
                                           std::string_view version) {
  auto p = expectations_path(dir, runtime, version);
  std::error_code ec;
  if (!std::filesystem::exists(p, ec))
    return Expectations{.runtime = std::string(runtime), .version = major_minor(version), .items = {}};
  return load_expectations_file(p);
}

void apply(const Expectation* e, report::CheckResult& r) {
  using report::Status;
  if (!e) return;
  bool may_fail = e->verdict == Verdict::kFail || e->verdict == Verdict::kRace;
  if (e->verdict == Verdict::kSkip) {
    r.status = Status::kSkip;
    r.reason = fmt::format("expected skip on {}: {}", r.runtime, e->reason);
  } else if (may_fail && r.status == Status::kFail) {
    r.status = Status::kXfail;
    r.reason = fmt::format("expected failure{}: {} (observed: {})", e->verdict == Verdict::kRace ? " (a race)" : "",
                           e->reason, r.reason);
  } else if (e->verdict == Verdict::kRace && r.status == Status::kPass) {
    r.reason = fmt::format("passed this time; the outcome is a race on {} ({}): {}", r.runtime, e->pos.str(), e->reason);
  } else if (e->verdict == Verdict::kFail && r.status == Status::kPass) {
    r.status = Status::kXpass;
    r.reason = fmt::format("unexpected pass: expected to fail on {} ({}): {}", r.runtime, e->pos.str(), e->reason);
  }
}

}  // namespace nc::runtimes
