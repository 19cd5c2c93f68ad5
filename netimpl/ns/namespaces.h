// Namespaces held open by file descriptors.
//
// A Namespaces object owns fds for one or more namespaces (network, mount, UTS) that were
// created together, for example a container's or the lab host's. The kernel keeps a
// namespace alive while any fd or process holds it; the destructor closes the fds, so when
// the last holder goes the kernel tears the namespace down together with every link,
// address, route and nftables table in it. Teardown is therefore "drop the owner", never
// link-by-link deletes.
//
// The calling thread's namespaces are never changed. Work inside a namespace happens either
// on another thread (run(), a kept one: workers.h) — typically to open a netlink socket
// there and use it from anywhere — or in a forked child between fork and exec (enter()).
#pragma once

#include <sched.h>

#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "netimpl/base/error.h"
#include "netimpl/base/unique_fd.h"
#include "netimpl/ns/workers.h"

namespace nc {

enum NsKind : int {
  kNsNet = CLONE_NEWNET,
  kNsMnt = CLONE_NEWNS,
  kNsUts = CLONE_NEWUTS,
};

class Namespaces {
 public:
  Namespaces() = default;
  Namespaces(Namespaces&&) = default;
  Namespaces& operator=(Namespaces&&) = default;

  // Creates fresh namespaces of the given kinds (a mask of NsKind). A new network
  // namespace has only `lo`, down. A new mount namespace starts as a copy of the caller's.
  // `name` is used only in error messages and logs.
  static Result<Namespaces> create(std::string name, int kinds);
  // The same, and runs `inside` on the creating thread while it is still in the new
  // namespaces (set the hostname, open a netlink socket there, ...): one thread instead
  // of one per step. An error from `inside` fails the creation.
  static Result<Namespaces> create(std::string name, int kinds, const std::function<Result<void>()>& inside);
  // Holds the calling thread's current namespaces of the given kinds.
  static Result<Namespaces> current(std::string name, int kinds);
  // Holds the namespaces of process `pid` (e.g. a daemon's container).
  static Result<Namespaces> of_pid(std::string name, int pid, int kinds);
  // Another owner of the same namespaces (dup'ed fds).
  Result<Namespaces> dup() const;

  const std::string& name() const { return name_; }
  bool has(NsKind k) const { return fd(k) >= 0; }
  // The fd for that kind, or -1 when not held.
  int fd(NsKind k) const;

  // Moves the *calling thread* into every held namespace. Only for a thread made for the
  // purpose (a server's loop) or for a child between fork and exec: a thread that joined a
  // namespace cannot be trusted by others, and must not call run() (workers.h). Joining a
  // mount namespace unshares CLONE_FS first, as the kernel requires for a thread.
  Result<void> enter() const;

  // Runs fn() on a thread inside these namespaces and returns its result: a kept one for
  // a caller in the process's own namespaces, else a new one, which for kinds not held
  // here stays in the caller's (workers.h). fn must return a Result<...>; if entering
  // fails, that error is returned instead.
  template <class F>
  auto run(F&& fn) const -> std::invoke_result_t<F> {
    using R = std::invoke_result_t<F>;
    std::optional<R> out;
    ns_workers::run(target(), name_, [&](Result<void> entered) {
      if (!entered) return void(out.emplace(std::unexpected(std::move(entered).error())));
      out.emplace(fn());
    });
    return std::move(*out);
  }

 private:
  ns_workers::Target target() const { return {.net = net_.get(), .mnt = mnt_.get(), .uts = uts_.get()}; }

  std::string name_;
  UniqueFd net_, mnt_, uts_;
};

}  // namespace nc
