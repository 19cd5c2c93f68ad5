#include "harness/runtimes/cgroup_gc.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace nc::runtimes {
namespace fs = std::filesystem;

std::string run_cgroup_name(pid_t outer_pid) { return fmt::format("{}{}", kCgroupPrefix, outer_pid); }

bool run_alive(pid_t pid) {
  std::ifstream comm(fmt::format("/proc/{}/comm", pid));
  std::string name;
  return comm && std::getline(comm, name) && name == "netconform";
}

namespace {

// The pid in "netconform-1234", or -1.
pid_t run_pid(const std::string& name) {
  if (!name.starts_with(kCgroupPrefix)) return -1;
  auto digits = name.substr(kCgroupPrefix.size());
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) return -1;
  return static_cast<pid_t>(std::stol(digits));
}

// rmdir deepest first; cgroupfs directories hold only control files, which rmdir ignores.
bool remove_tree(const fs::path& dir, SweepResult& out) {
  std::error_code ec;
  std::vector<fs::path> subdirs;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec)) subdirs.push_back(it->path());
  bool ok = true;
  for (auto& d : subdirs) ok &= remove_tree(d, out);
  if (ok && ::rmdir(dir.c_str()) != 0) {
    out.problems.push_back(fmt::format("rmdir {}: {}", dir.string(), std::strerror(errno)));
    return false;
  }
  return ok;
}

void sweep_dir(const fs::path& dir, const std::function<bool(pid_t)>& alive, SweepResult& out) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
    pid_t pid = run_pid(it->path().filename().string());
    if (pid <= 0 || alive(pid)) continue;
    if (remove_tree(it->path(), out)) out.removed.push_back(it->path().string());
  }
}

}  // namespace

SweepResult sweep_dead_run_cgroups(const std::string& root, const std::function<bool(pid_t)>& alive) {
  SweepResult out;
  std::error_code ec;
  sweep_dir(root, alive, out);
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec) && run_pid(it->path().filename().string()) < 0)
      sweep_dir(it->path(), alive, out);
  return out;
}

}  // namespace nc::runtimes
