#include "netimpl/dns/bind_file.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <string>

namespace nc::dns {

Result<void> BoundFile::rewrite(std::string_view text) {
  if (::ftruncate(fd_.get(), 0) != 0) return sys_fail("truncate memfd");
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::pwrite(fd_.get(), text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0) return sys_fail("write memfd");
    done += static_cast<size_t>(n);
  }
  return {};
}

Result<BoundFile> BoundFile::bind(const Namespaces& ns, std::string_view target, std::string_view text) {
  auto all = NC_TRY(bind_all(ns, {{target, text}}));
  return std::move(all.front());
}

Result<std::vector<BoundFile>> BoundFile::bind_all(const Namespaces& ns, const std::vector<Spec>& files) {
  std::string names;
  for (auto& f : files) names += (names.empty() ? "" : ", ") + std::string(f.target);
  auto ctx = fmt::format("show {} in {}", names, ns.name());
  // A memfd cannot be the source of a bind mount (it lives on a kernel-internal mount, not
  // in this namespace): each file is made on a scratch tmpfs mounted over /tmp inside the
  // namespace, bound over its target, and the scratch mount is detached again. The bind
  // mounts keep the files; our fds keep them writable.
  auto fds = NC_TRY_CTX(ns.run([&]() -> Result<std::vector<UniqueFd>> {
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return sys_fail("make / private");
    if (::mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755") != 0)
      return sys_fail("mount scratch tmpfs on /tmp");
    std::vector<UniqueFd> out;
    for (size_t i = 0; i < files.size(); ++i) {
      std::string src = fmt::format("/tmp/file{}", i), dst(files[i].target);
      UniqueFd fd(::open(src.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644));
      int err = errno;
      if (fd && ::mount(src.c_str(), dst.c_str(), nullptr, MS_BIND, nullptr) != 0) {
        err = errno;
        fd = UniqueFd();
      }
      if (!fd) {
        ::umount2("/tmp", MNT_DETACH);
        return sys_fail(fmt::format("bind mount over {}", dst), err);
      }
      out.push_back(std::move(fd));
    }
    ::umount2("/tmp", MNT_DETACH);
    return out;
  }),
                     "{}", ctx);
  std::vector<BoundFile> out(fds.size());
  for (size_t i = 0; i < fds.size(); ++i) {
    out[i].fd_ = std::move(fds[i]);
    NC_TRY_VOID_CTX(out[i].rewrite(files[i].text), "show {} in {}", files[i].target, ns.name());
  }
  return out;
}

}  // namespace nc::dns
