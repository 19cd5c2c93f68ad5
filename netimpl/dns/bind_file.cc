#include "netimpl/dns/bind_file.h"

#include <sys/mman.h>
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
  f.fd_ = UniqueFd(::memfd_create(std::string(target).c_str(), MFD_CLOEXEC));
  if (!f.fd_) return sys_fail(fmt::format("{}: memfd_create", ctx));
  NC_TRY_VOID_CTX(f.rewrite(text), "{}", ctx);
  std::string src = fmt::format("/proc/self/fd/{}", f.fd_.get());
  std::string dst(target);
  NC_TRY_VOID_CTX(ns.run([&]() -> Result<void> {
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return sys_fail("make / private");
    if (::mount(src.c_str(), dst.c_str(), nullptr, MS_BIND, nullptr) != 0) return sys_fail("bind mount");
    return {};
  }),
                  "{}", ctx);
  return f;
}

}  // namespace nc::dns
