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
  auto ctx = fmt::format("show {} in {}", target, ns.name());
  BoundFile f;
  std::string dst(target);
  // A memfd cannot be the source of a bind mount (it lives on a kernel-internal mount, not
  // in this namespace): the file is made on a scratch tmpfs mounted over /tmp inside the
  // namespace, bound over the target, and the scratch mount is detached again. The bind
  // mount keeps the file; our fd keeps it writable.
  f.fd_ = NC_TRY_CTX(ns.run([&]() -> Result<UniqueFd> {
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return sys_fail("make / private");
    if (::mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755") != 0)
      return sys_fail("mount scratch tmpfs on /tmp");
    UniqueFd fd(::open("/tmp/file", O_CREAT | O_RDWR | O_CLOEXEC, 0644));
    int err = errno;
    if (fd && ::mount("/tmp/file", dst.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      err = errno;
      fd = UniqueFd();
    }
    ::umount2("/tmp", MNT_DETACH);
    if (!fd) return sys_fail("bind mount", err);
    return fd;
  }),
                     "{}", ctx);
  NC_TRY_VOID_CTX(f.rewrite(text), "{}", ctx);
  return f;
}

}  // namespace nc::dns
