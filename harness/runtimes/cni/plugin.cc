#include "harness/runtimes/cni/plugin.h"

#include <sys/mman.h>
#include <unistd.h>

#include <ranges>

#include <fmt/format.h>

#include "netimpl/base/unique_fd.h"
#include "netimpl/process/process.h"

namespace nc::cni {
namespace {

// The plugin's stdin: a memfd holding the configuration, read from its start.
nc::Result<UniqueFd> stdin_file(const std::string& text) {
  UniqueFd fd(::memfd_create("cni-config", MFD_CLOEXEC));
  if (!fd) return sys_fail("memfd_create");
  for (size_t off = 0; off < text.size();) {
    ssize_t n = ::write(fd.get(), text.data() + off, text.size() - off);
    if (n < 0) return sys_fail("write the configuration");
    off += static_cast<size_t>(n);
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) return sys_fail("rewind the configuration");
  return fd;
}

std::string tail(std::string s, size_t n = 600) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.size() > n ? "..." + s.substr(s.size() - n) : s;
}

}  // namespace

nc::Result<std::string> find_plugin(std::string_view cni_path, std::string_view type) {
  if (type.empty() || type.find('/') != std::string_view::npos)
    return failf("plugin type '{}' is not a file name", type);
  for (auto part : std::views::split(cni_path, ':')) {
    std::string dir(part.begin(), part.end());
    if (dir.empty()) continue;
    auto path = fmt::format("{}/{}", dir, type);
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return failf("no executable '{}' in CNI_PATH {}", type, cni_path);
}

nc::Result<Outcome> run_plugin(const PluginEnv& env, std::string_view type, const Invocation& inv) {
  auto what = fmt::format("plugin {} {}", type, inv.command);
  auto path = NC_TRY_CTX(find_plugin(env.cni_path, type), "{}", what);
  auto input = NC_TRY_CTX(stdin_file(inv.config.dump()), "{}", what);
  LaunchSpec spec{.argv = {path}, .ns = env.domain, .capture_stdout = true, .capture_stderr = true,
                  .env_extra = {"CNI_COMMAND=" + inv.command, "CNI_PATH=" + env.cni_path}, .stdin_fd = input.get()};
  // The protocol's parameters only: nothing of ours that could be mistaken for one.
  for (auto [key, value] : {std::pair{"CNI_CONTAINERID", &inv.container_id}, {"CNI_NETNS", &inv.netns},
                            {"CNI_IFNAME", &inv.ifname}, {"CNI_ARGS", &inv.args}})
    if (!value->empty()) spec.env_extra.push_back(fmt::format("{}={}", key, *value));
  auto r = NC_TRY_CTX(run(spec, env.timeout), "{}", what);
  if (r.timed_out) return failf("{}: did not finish within {} ms (stderr: {})", what, env.timeout.count(), tail(r.err));
  Outcome out;
  out.err_text = tail(r.err);
  if (r.exit_code != 0) {
    auto e = parse_error(r.out);
    if (!e)
      return failf("{}: exited {} without an error result on stdout ({}; stderr: {})", what, r.exit_code,
                   e.error().message(), out.err_text);
    out.error = std::move(*e);
    return out;
  }
  if (inv.command == "ADD") out.success = NC_TRY_CTX(parse_success(r.out), "{}", what);
  return out;
}

nc::Result<std::vector<std::string>> plugin_versions(const PluginEnv& env, std::string_view type) {
  auto what = fmt::format("plugin {} VERSION", type);
  auto path = NC_TRY_CTX(find_plugin(env.cni_path, type), "{}", what);
  auto input = NC_TRY_CTX(stdin_file(fmt::format(R"({{"cniVersion":"{}"}})", kSpecVersion)), "{}", what);
  LaunchSpec spec{.argv = {path}, .ns = env.domain, .capture_stdout = true, .capture_stderr = true,
                  .env_extra = {"CNI_COMMAND=VERSION", "CNI_PATH=" + env.cni_path}, .stdin_fd = input.get()};
  auto r = NC_TRY_CTX(run(spec, env.timeout), "{}", what);
  if (r.timed_out || r.exit_code != 0) return failf("{}: exited {} (stderr: {})", what, r.exit_code, tail(r.err));
  return NC_TRY_CTX(parse_version(r.out, kSpecVersion), "{}", what);
}

}  // namespace nc::cni
