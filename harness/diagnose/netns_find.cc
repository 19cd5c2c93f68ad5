#include "harness/diagnose/netns_find.h"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nc::diagnose {

Result<Namespaces> netns_by_link(const std::string& name, const std::string& link) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    std::string pid = it->path().filename();
    if (pid.empty() || !std::isdigit(static_cast<unsigned char>(pid[0]))) continue;
    char buf[64] = {};
    ssize_t n = ::readlink((it->path() / "ns/net").c_str(), buf, sizeof buf - 1);
    if (n <= 0 || std::string(buf, n) != link) continue;
    // The process may exit between readlink and open: try the next one then.
    if (auto ns = Namespaces::of_pid(name, std::stoi(pid), kNsNet)) return ns;
  }
  return failf("find the network namespace of {} ({}): no process of this machine is in it", name, link);
}

namespace {

bool in_cgroup_of(const std::string& pid, const std::string& id) {
  std::ifstream in("/proc/" + pid + "/cgroup");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  return !id.empty() && text.find(id) != std::string::npos;
}

}  // namespace

Result<int> pid_of_container(const std::string& id, int hint) {
  if (hint > 0 && in_cgroup_of(std::to_string(hint), id)) return hint;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    std::string pid = it->path().filename();
    if (!pid.empty() && std::isdigit(static_cast<unsigned char>(pid[0])) && in_cgroup_of(pid, id)) return std::stoi(pid);
  }
  return failf("find a process of container {}: none of this machine's processes is in its cgroup", id.substr(0, 12));
}

std::string first_nameserver(const std::string& resolv_conf) {
  std::istringstream in(resolv_conf);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string key, value;
    if (words >> key >> value && key == "nameserver") return value;
  }
  return "";
}

}  // namespace nc::diagnose
