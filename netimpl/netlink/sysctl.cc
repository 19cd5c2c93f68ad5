// write_sysctl / read_sysctl: /proc/sys/net shows the netns of the task that opens it, so
// the file is opened (and used) on a thread inside the namespace.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "netimpl/base/unique_fd.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::netlink {
namespace {

// "net.ipv4.ip_forward" or "net/ipv4/ip_forward" -> "/proc/sys/net/ipv4/ip_forward".
// A key with a slash is taken as a path, so interface names with dots work ("eth0.10").
Result<std::string> sysctl_path(std::string_view key) {
  std::string k(key);
  if (k.empty() || k.front() == '/' || k.find("..") != std::string::npos)
    return fail(fmt::format("invalid sysctl key '{}'", key), EINVAL);
  if (k.find('/') == std::string::npos) std::replace(k.begin(), k.end(), '.', '/');
  return "/proc/sys/" + k;
}

Result<void> need_netns(const Namespaces& ns) {
  if (!ns.has(kNsNet)) return fail("no network namespace held", EINVAL);
  return {};
}

}  // namespace

Result<void> write_sysctl(const Namespaces& ns, std::string_view key, std::string_view value) {
  auto ctx = [&] { return fmt::format("write sysctl {}={} in netns {}", key, value, ns.name()); };
  NC_TRY_VOID_CTX(need_netns(ns), "{}", ctx());
  std::string path = NC_TRY_CTX(sysctl_path(key), "{}", ctx());
  std::string text(value);
  auto r = ns.run([&]() -> Result<void> {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) return sys_fail(fmt::format("open {}", path));
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) return sys_fail("write");
    return {};
  });
  if (!r) return std::unexpected(std::move(r).error().context(ctx()));
  return {};
}

Result<std::string> read_sysctl(const Namespaces& ns, std::string_view key) {
  auto ctx = [&] { return fmt::format("read sysctl {} in netns {}", key, ns.name()); };
  NC_TRY_VOID_CTX(need_netns(ns), "{}", ctx());
  std::string path = NC_TRY_CTX(sysctl_path(key), "{}", ctx());
  auto r = ns.run([&]() -> Result<std::string> {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return sys_fail(fmt::format("open {}", path));
    std::string out;
    char buf[512];
    for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) != 0;) {
      if (n < 0) return sys_fail("read");
      out.append(buf, static_cast<size_t>(n));
    }
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  });
  if (!r) return std::unexpected(std::move(r).error().context(ctx()));
  return r;
}

}  // namespace nc::netlink
