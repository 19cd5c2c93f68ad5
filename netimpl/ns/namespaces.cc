#include "netimpl/ns/namespaces.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <optional>

namespace nc {
namespace {

Result<UniqueFd> open_ns(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_fail(fmt::format("open {}", path));
  return UniqueFd(fd);
}

struct KindPath {
  NsKind kind;
  const char* file;
};
constexpr KindPath kKinds[] = {{kNsNet, "net"}, {kNsMnt, "mnt"}, {kNsUts, "uts"}};

}  // namespace

int Namespaces::fd(NsKind k) const {
  switch (k) {
    case kNsNet: return net_.get();
    case kNsMnt: return mnt_.get();
    case kNsUts: return uts_.get();
  }
  return -1;
}

Result<Namespaces> Namespaces::of_pid(std::string name, int pid, int kinds) {
  Namespaces ns;
  ns.name_ = std::move(name);
  for (auto [kind, file] : kKinds) {
    if (!(kinds & kind)) continue;
    std::string path = pid == 0 ? fmt::format("/proc/thread-self/ns/{}", file)
                                : fmt::format("/proc/{}/ns/{}", pid, file);
    auto fd = NC_TRY_CTX(open_ns(path), "hold namespaces of {}", ns.name_);
    (kind == kNsNet ? ns.net_ : kind == kNsMnt ? ns.mnt_ : ns.uts_) = std::move(fd);
  }
  return ns;
}

Result<Namespaces> Namespaces::current(std::string name, int kinds) {
  return of_pid(std::move(name), 0, kinds);
}

Result<Namespaces> Namespaces::create(std::string name, int kinds) { return create(std::move(name), kinds, {}); }

Result<Namespaces> Namespaces::create(std::string name, int kinds, const std::function<Result<void>()>& inside) {
  // unshare() on another thread: the new namespaces become that thread's, we open them
  // through /proc/thread-self (not /proc/self, which shows the main thread's), and the
  // thread leaves them (workers.h). Nothing in the calling thread changes.
  std::optional<Result<Namespaces>> out;
  ns_workers::run({}, name, [&](Result<void> ready) {
    if (!ready) return void(out.emplace(std::unexpected(std::move(ready).error())));
    int flags = kinds;
    if (kinds & kNsMnt) flags |= CLONE_FS;
    if (::unshare(flags) != 0) return void(out.emplace(sys_fail(fmt::format("create namespaces {}: unshare", name))));
    auto held = current(name, kinds);
    if (held && inside) {
      if (auto r = inside(); !r) held = std::unexpected(std::move(r).error());
    }
    out.emplace(std::move(held));
  });
  return std::move(*out);
}

Result<Namespaces> Namespaces::dup() const {
  Namespaces ns;
  ns.name_ = name_;
  auto dup_one = [&](const UniqueFd& from, UniqueFd& to) -> Result<void> {
    if (!from) return {};
    int fd = ::fcntl(from.get(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return sys_fail(fmt::format("dup namespace fd of {}", name_));
    to.reset(fd);
    return {};
  };
  NC_TRY_VOID(dup_one(net_, ns.net_));
  NC_TRY_VOID(dup_one(mnt_, ns.mnt_));
  NC_TRY_VOID(dup_one(uts_, ns.uts_));
  return ns;
}

Result<void> Namespaces::enter() const {
  if (mnt_ && ::unshare(CLONE_FS) != 0) return sys_fail(fmt::format("enter {}: unshare(CLONE_FS)", name_));
  for (auto [kind, file] : kKinds) {
    int f = fd(kind);
    if (f < 0) continue;
    if (::setns(f, kind) != 0) return sys_fail(fmt::format("enter {} namespace of {}", file, name_));
  }
  return {};
}

}  // namespace nc
