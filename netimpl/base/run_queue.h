// Work handed to an event loop's thread by other threads, each waited for.
//
// The loop thread watches fd() for EPOLLIN and calls drain() when it is readable;
// run_sync(fn), from any other thread, queues fn, wakes the loop and returns once fn has run
// there. So fn may touch everything the loop thread owns without a lock. Never call
// run_sync from the loop thread itself (it would wait for itself). Used by the embedded DNS
// server's loop and the userland proxy's.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <functional>
#include <future>
#include <mutex>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/unique_fd.h"

namespace nc {

class RunQueue {
 public:
  Result<void> open() {
    wake_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!wake_) return sys_fail("eventfd");
    return {};
  }
  int fd() const { return wake_.get(); }

  void run_sync(const std::function<void()>& fn) {
    std::promise<void> done;
    auto fut = done.get_future();
    {
      std::lock_guard l(mu_);
      queued_.push_back([&] {
        fn();
        done.set_value();
      });
    }
    uint64_t one = 1;
    (void)!::write(wake_.get(), &one, sizeof one);
    fut.wait();
  }

  // Loop thread: runs what was queued, in order.
  void drain() {
    uint64_t v;
    (void)!::read(wake_.get(), &v, sizeof v);
    std::vector<std::function<void()>> work;
    {
      std::lock_guard l(mu_);
      work.swap(queued_);
    }
    for (auto& w : work) w();
  }

 private:
  UniqueFd wake_;
  std::mutex mu_;
  std::vector<std::function<void()>> queued_;
};

}  // namespace nc
