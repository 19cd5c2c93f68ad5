#include "harness/runtimes/cni/netns_file.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <fmt/format.h>

namespace nc::cni {

Result<NetnsFile> NetnsFile::bind(const Namespaces& domain, const Namespaces& container, std::string path) {
  if (!container.has(kNsNet)) return failf("bind netns {}: the container has no network namespace", path);
  // /proc/self/fd of this process names the container's fd; the thread sees it in `domain`.
  auto source = fmt::format("/proc/self/fd/{}", container.fd(kNsNet));
  NC_TRY_VOID(domain.run([&]() -> Result<void> {
    int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) return sys_fail(fmt::format("bind netns: create {}", path));
    ::close(fd);
    if (::mount(source.c_str(), path.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      int e = errno;
      ::unlink(path.c_str());
      return fail(fmt::format("bind netns: mount on {}", path), e);
    }
    return {};
  }));
  return NetnsFile(domain, std::move(path));
}

Result<void> NetnsFile::remove() {
  if (path_.empty()) return {};
  std::string path = std::move(path_);
  path_.clear();
  return domain_->run([&]() -> Result<void> {
    if (::umount2(path.c_str(), MNT_DETACH) != 0) return sys_fail(fmt::format("unmount netns {}", path));
    if (::unlink(path.c_str()) != 0) return sys_fail(fmt::format("remove netns file {}", path));
    return {};
  });
}

}  // namespace nc::cni
