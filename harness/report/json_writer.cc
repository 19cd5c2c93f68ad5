#include "harness/report/json_writer.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness/report/atomic_file.h"

namespace nc::kernel {

void to_json(nlohmann::json& j, const Feature& f) {
  j = {{"name", f.name}, {"available", f.available}, {"detail", f.detail}};
}

void from_json(const nlohmann::json& j, Feature& f) {
  j.at("name").get_to(f.name);
  j.at("available").get_to(f.available);
  f.detail = j.value("detail", "");
}

}  // namespace nc::kernel

namespace nc::report {

using nlohmann::json;

void to_json(json& j, const RuntimeInfo& r) { j = {{"name", r.name}, {"version", r.version}}; }

void from_json(const json& j, RuntimeInfo& r) {
  j.at("name").get_to(r.name);
  j.at("version").get_to(r.version);
}

void to_json(json& j, const KernelInfo& k) { j = {{"release", k.release}, {"features", k.features}}; }

void from_json(const json& j, KernelInfo& k) {
  j.at("release").get_to(k.release);
  k.features = j.value("features", std::vector<kernel::Feature>{});
}

void to_json(json& j, const StepRecord& s) {
  j = {{"index", s.index},       {"description", s.description}, {"from", s.from},
       {"action", s.action},     {"observed", s.observed},       {"expected", s.expected},
       {"ok", s.ok},             {"message", s.message},         {"duration_ms", s.duration_ms}};
  if (!s.act.empty()) j["act"] = s.act;
  if (!s.story_line.empty()) j["story_line"] = s.story_line;
  if (s.attempts != 1) j["attempts"] = s.attempts;
}

void from_json(const json& j, StepRecord& s) {
  j.at("index").get_to(s.index);
  j.at("description").get_to(s.description);
  s.from = j.value("from", "");
  s.action = j.value("action", "");
  s.observed = j.value("observed", json());
  s.expected = j.value("expected", "");
  j.at("ok").get_to(s.ok);
  s.message = j.value("message", "");
  s.duration_ms = j.value("duration_ms", 0.0);
  s.act = j.value("act", "");
  s.story_line = j.value("story_line", "");
  s.attempts = j.value("attempts", 1);
}

void to_json(json& j, const CheckResult& r) {
  j = {{"id", r.id},           {"title", r.title},   {"suite", r.suite},
       {"runtime", r.runtime}, {"status", to_string(r.status)}, {"reason", r.reason},
       {"duration_ms", r.duration_ms}, {"steps", r.steps}};
  if (!r.story.empty()) j["story"] = r.story;
  if (!r.kernel.empty()) j["kernel"] = r.kernel;
}

void from_json(const json& j, CheckResult& r) {
  j.at("id").get_to(r.id);
  j.at("title").get_to(r.title);
  j.at("suite").get_to(r.suite);
  r.runtime = j.value("runtime", "");
  auto status = parse_status(j.at("status").get<std::string>());
  if (!status) throw std::invalid_argument(status.error().message());
  r.status = *status;
  j.at("reason").get_to(r.reason);
  j.at("duration_ms").get_to(r.duration_ms);
  j.at("steps").get_to(r.steps);
  r.story = j.value("story", "");
  r.kernel = j.value("kernel", "");
}

void to_json(json& j, const Summary& s) {
  j = json::object();
  for (Status st : kAllStatuses) j[std::string(to_string(st))] = s.count(st);
}

namespace {

// nlohmann prefixes every message with "[json.exception.type_error.302] ".
std::string clean(std::string_view what) {
  if (what.starts_with("[json.exception.")) {
    auto end = what.find("] ");
    if (end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  return std::string(what);
}

void check_version(const json& j) {
  int v = j.at("schema_version").get<int>();
  if (v < 1 || v > kSchemaVersion)
    throw std::invalid_argument(
        fmt::format("schema_version {} is not one this build understands (1..{})", v, kSchemaVersion));
}

std::vector<CheckResult> results_from_json(const json& arr) {
  if (!arr.is_array()) throw std::invalid_argument("results: not an array");
  std::vector<CheckResult> out(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    try {
      from_json(arr[i], out[i]);
    } catch (const std::exception& e) {
      std::string where = fmt::format("results[{}]", i);
      if (arr[i].is_object() && arr[i].contains("id") && arr[i]["id"].is_string())
        where += fmt::format(" ({})", arr[i]["id"].get<std::string>());
      throw std::invalid_argument(fmt::format("{}: {}", where, clean(e.what())));
    }
  }
  return out;
}

void check_summary(const json& j, const Summary& computed) {
  if (!j.contains("summary")) return;
  json want = computed;
  if (j["summary"] != want)
    throw std::invalid_argument(fmt::format("summary {} disagrees with the results, which count {}",
                                            j["summary"].dump(), want.dump()));
}

}  // namespace

void to_json(json& j, const RunReport& r) {
  j = {{"schema_version", r.schema_version},
       {"runtime", r.runtime},
       {"kernel", r.kernel},
       {"started_at", r.started_at},
       {"duration_ms", r.duration_ms},
       {"results", r.results},
       {"summary", r.summary()}};
  if (!r.runtimes.empty()) j["runtimes"] = r.runtimes;
  if (!r.kernels.empty()) j["kernels"] = r.kernels;
}

void from_json(const json& j, RunReport& r) {
  check_version(j);
  j.at("schema_version").get_to(r.schema_version);
  j.at("runtime").get_to(r.runtime);
  r.runtimes = j.value("runtimes", std::vector<RuntimeInfo>{});
  j.at("kernel").get_to(r.kernel);
  r.kernels = j.value("kernels", std::vector<KernelInfo>{});
  r.started_at = j.value("started_at", "");
  r.duration_ms = j.value("duration_ms", 0.0);
  r.results = results_from_json(j.at("results"));
  check_summary(j, r.summary());
}

std::string to_json_text(const RunReport& r) {
  return json(r).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<RunReport> report_from_json(const json& j) {
  try {
    return j.get<RunReport>();
  } catch (const std::exception& e) {
    return fail(clean(e.what()));
  }
}

Result<RunReport> report_from_json_text(std::string_view text) {
  try {
    return report_from_json(json::parse(text));
  } catch (const json::parse_error& e) {
    return fail(clean(e.what()));
  }
}

Result<void> write_json_report(const std::string& path, const RunReport& r) {
  return write_file_atomic(path, to_json_text(r));
}

Result<RunReport> read_json_report(const std::string& path) {
  std::ifstream in(path);
  if (!in) return sys_fail(fmt::format("read report {}", path));
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return sys_fail(fmt::format("read report {}", path));
  auto r = report_from_json_text(buf.str());
  if (!r) return std::unexpected(std::move(r).error().context(fmt::format("read report {}", path)));
  return r;
}

}  // namespace nc::report
