#include "harness/runtimes/exec/exec_runtime.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "harness/runtimes/cli_adapter/command.h"
#include "harness/runtimes/cli_adapter/host_files.h"
#include "harness/runtimes/cli_adapter/image.h"
#include "netimpl/api/capability.h"

namespace nc::runtimes {

using namespace std::chrono_literals;
using nlohmann::json;
namespace ex = exec;

namespace {

constexpr size_t kStderrKept = 4096;

Result<std::string> executable_path(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return sys_fail(fmt::format("exec adapter {}", path));
  if (!S_ISREG(st.st_mode)) return failf("exec adapter {}: not a regular file", path);
  if (::access(path.c_str(), X_OK) != 0) return failf("exec adapter {}: not executable (chmod +x?)", path);
  return std::filesystem::absolute(path).lexically_normal().string();
}

}  // namespace

std::chrono::milliseconds ExecRuntime::bound(std::string_view method) {
  if (method == "hello") return 180s;  // starts a daemon and imports the probe image
  if (method == "create_container") return 90s;  // waits for a serving probe
  if (method == "reset") return 120s;
  if (method == "shutdown") return 30s;
  return 60s;
}

Result<std::unique_ptr<ExecRuntime>> ExecRuntime::start(const Namespaces& host, ExecOptions o) {
  o.adapter = NC_TRY(executable_path(o.adapter));
  NC_TRY_VOID(isolate_host_files(host, o.state_dir));
  std::string tar = o.state_dir + "/probe-image.tar";
  NC_TRY_VOID_CTX(write_single_file_tar(o.probe_path, "probe", tar), "build the probe image");
  std::unique_ptr<ExecRuntime> rt(new ExecRuntime(host, std::move(o)));
  NC_TRY_VOID(rt->spawn());
  ex::Hello hello{.protocol = ex::kProtocolVersion, .probe = rt->o_.probe_path, .probe_image = tar,
                  .state_dir = rt->o_.state_dir, .cgroup_parent = rt->o_.cgroup_parent};
  rt->hello_ = NC_TRY(rt->call_for<ex::HelloAnswer>(ex::hello_request(rt->next_id_++, hello), bound("hello")));
  if (rt->hello_.protocol != ex::kProtocolVersion)
    return failf("exec adapter {}: speaks protocol {}; netconform speaks {}", rt->o_.adapter, rt->hello_.protocol,
                 ex::kProtocolVersion);
  // A misspelt capability would silently skip every check that needs it.
  for (auto& c : rt->hello_.capabilities)
    if (!api::find_capability(c))
      return failf("exec adapter {}: hello: unknown capability '{}' (netimpl/api/capability.h lists them)", rt->o_.adapter, c);
  for (auto c : ex::kBeyondProtocol) rt->hello_.capabilities.erase(std::string(c));
  NC_TRY_VOID_CTX(rt->reset(), "verify the fresh runtime");
  return rt;
}

Result<void> ExecRuntime::spawn() {
  LaunchSpec spec;
  // Through sh: a script run from an O_PATH descriptor (how spawn executes) cannot open
  // itself, and the adapter may well be a script. The path was made absolute above.
  spec.argv = {"/bin/sh", "-c", "exec \"$0\"", o_.adapter};
  spec.ns = &host_;
  spec.pipe_stdin = true;
  spec.env_extra = {"NETCONFORM_STATE_DIR=" + o_.state_dir, fmt::format("NETCONFORM_PROTOCOL={}", ex::kProtocolVersion)};
  adapter_.emplace(NC_TRY_CTX(Process::spawn(spec), "start exec adapter {}", o_.adapter));
  return {};
}

ExecRuntime::~ExecRuntime() {
  if (!adapter_) return;
  if (broken_.empty() && call(ex::shutdown_request(next_id_++), bound("shutdown"))) {
    adapter_->close_stdin();
    (void)adapter_->wait_for(10s);
  }
  adapter_.reset();  // kills its process group if it is still there
}

std::string ExecRuntime::stderr_tail() {
  if (adapter_) stderr_ += adapter_->take_stderr();
  if (stderr_.size() > kStderrKept) stderr_.erase(0, stderr_.size() - kStderrKept);
  return stderr_;
}

Result<ex::Answer> ExecRuntime::exchange(const ex::Request& req, std::chrono::milliseconds limit) {
  auto t0 = std::chrono::steady_clock::now();
  auto line = [&]() -> Result<std::string> {
    NC_TRY_VOID(adapter_->write_stdin(ex::encode(req) + "\n", limit));
    auto left = std::chrono::ceil<std::chrono::milliseconds>(t0 + limit - std::chrono::steady_clock::now());
    return adapter_->read_line(std::max(left, 1ms), ex::kMaxLine);
  }();
  if (line) return ex::decode_answer(*line, req);
  // Say what happened in the adapter's terms (the Process error names /bin/sh, spawn()).
  // Its stdout closing before the time was up means it is exiting: give it a moment.
  bool timed_out = std::chrono::steady_clock::now() - t0 >= limit;
  auto exited = adapter_->wait_for(timed_out ? 0ms : 1000ms);
  std::string why = line.error().message();
  if (exited && *exited) why = fmt::format("the adapter exited with status {} before answering", **exited);
  else if (timed_out) why = fmt::format("no answer within {} ms", limit.count());
  auto tail = trim(stderr_tail());
  return failf("{}: {}{}", req.describe(), why, tail.empty() ? "" : "; adapter stderr: " + tail);
}

Result<json> ExecRuntime::call(ex::Request req, std::chrono::milliseconds limit) {
  if (!broken_.empty())
    return failf("{}: exec adapter unusable since: {}", req.describe(), broken_);
  auto answer = exchange(req, limit);
  (void)stderr_tail();
  if (!answer) {
    // Out of step or gone: nothing it says can be trusted any more.
    broken_ = answer.error().message();
    adapter_.reset();
    return std::unexpected(std::move(answer).error());
  }
  if (answer->error) return fail(*answer->error);
  return std::move(answer->result);
}

template <class T>
Result<T> ExecRuntime::call_for(ex::Request req, std::chrono::milliseconds limit) {
  auto what = req.describe();
  auto result = NC_TRY(call(std::move(req), limit));
  return with_context(ex::from_json<T>(result, "result"), what);
}

Result<void> ExecRuntime::call_void(ex::Request req) {
  auto method = req.method;
  NC_TRY_VOID(call(std::move(req), bound(method)));
  return {};
}

Result<api::NetworkInfo> ExecRuntime::create_network(const api::NetworkSpec& spec) {
  return call_for<api::NetworkInfo>(ex::create_network_request(next_id_++, spec), bound("create_network"));
}

Result<void> ExecRuntime::remove_network(std::string_view name) {
  return call_void(ex::remove_network_request(next_id_++, name));
}

Result<api::NetworkInfo> ExecRuntime::inspect_network(std::string_view name) {
  return call_for<api::NetworkInfo>(ex::inspect_network_request(next_id_++, name), bound("inspect_network"));
}

Result<api::ContainerInfo> ExecRuntime::create_container(const api::ContainerSpec& spec) {
  return call_for<api::ContainerInfo>(ex::create_container_request(next_id_++, spec), bound("create_container"));
}

Result<void> ExecRuntime::remove_container(std::string_view name) {
  return call_void(ex::remove_container_request(next_id_++, name));
}

Result<void> ExecRuntime::connect(std::string_view container, const api::Attachment& att) {
  return call_void(ex::connect_request(next_id_++, container, att));
}

Result<void> ExecRuntime::disconnect(std::string_view container, std::string_view network) {
  return call_void(ex::disconnect_request(next_id_++, container, network));
}

Result<api::ContainerInfo> ExecRuntime::inspect(std::string_view container) {
  return call_for<api::ContainerInfo>(ex::inspect_request(next_id_++, container), bound("inspect"));
}

Result<api::ExecResult> ExecRuntime::exec_probe(std::string_view container, const std::vector<std::string>& args,
                                                std::chrono::milliseconds timeout) {
  return call_for<api::ExecResult>(ex::exec_request(next_id_++, container, args, timeout), timeout + kExecMargin);
}

Result<void> ExecRuntime::reset() { return call_void(ex::reset_request(next_id_++)); }

}  // namespace nc::runtimes
