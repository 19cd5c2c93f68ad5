#include "netimpl/ns/workers.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "netimpl/base/unique_fd.h"

namespace nc::ns_workers {
namespace {

// True on a thread while it runs a job (a worker's or a new thread's): it is not in the
// process's own namespaces, so work it runs elsewhere must inherit from it.
thread_local bool tl_in_job = false;
std::atomic<bool> g_kept{true};

struct Kind {
  int Target::*fd;
  int flag;
  const char* file;
};
constexpr Kind kKinds[] = {{&Target::net, CLONE_NEWNET, "net"}, {&Target::mnt, CLONE_NEWNS, "mnt"}, {&Target::uts, CLONE_NEWUTS, "uts"}};

Result<void> enter(const Target& t, std::string_view what) {
  for (auto& k : kKinds) {
    int fd = t.*k.fd;
    if (fd >= 0 && ::setns(fd, k.flag) != 0) return sys_fail(fmt::format("enter {} namespace of {}", k.file, what));
  }
  return {};
}

// Where a worker stands in its mount namespace. Joining a mount namespace puts a thread at
// that namespace's root, which is not the process's root under a chroot (a build root, a
// fresh Debian root): after going home a worker goes back to the root and the working
// directory it started with, as a new thread would have them.
class Place {
 public:
  static Result<Place> here() {
    if (::unshare(CLONE_FS) != 0) return sys_fail("a kept thread: unshare(CLONE_FS)");
    Place p{UniqueFd(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)), UniqueFd(::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC))};
    if (!p.root_ || !p.cwd_) return sys_fail("a kept thread: open its root and working directory");
    return p;
  }
  bool restore() const { return ::fchdir(root_.get()) == 0 && ::chroot(".") == 0 && ::fchdir(cwd_.get()) == 0; }

 private:
  Place(UniqueFd root, UniqueFd cwd) : root_(std::move(root)), cwd_(std::move(cwd)) {}
  UniqueFd root_, cwd_;
};

// One call of run(), on the caller's stack: the worker signals `done` and then no longer
// touches it.
struct Call {
  const Target& target;
  std::string_view what;
  const std::function<void(Result<void>)>& job;
  std::mutex m;
  std::condition_variable cv;
  bool done = false;

  void run_here() {
    tl_in_job = true;
    job(enter(target, what));
    tl_in_job = false;
  }
  void finish() {
    std::lock_guard lock(m);
    done = true;
    cv.notify_one();
  }
  void wait() {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return done; });
  }
};

struct Worker {
  std::mutex m;
  std::condition_variable cv;
  Call* call = nullptr;
  bool end = false;  // end_idle(): return without a job
  std::thread thread;
};

class Pool {
 public:
  // Never destroyed: idle workers wait until the process ends.
  static Pool& get() {
    static Pool* p = new Pool;
    return *p;
  }

  // A worker for a caller in the process's own namespaces, or null: then the caller
  // needs a new thread (see workers.h).
  Worker* take() {
    if (tl_in_job || !g_kept) return nullptr;
    std::lock_guard lock(m_);
    if (pid_ != ::getpid() && !open_home()) return nullptr;
    if (!idle_.empty()) {
      Worker* w = idle_.back();
      idle_.pop_back();
      return w;
    }
    auto* w = new Worker;
    {
      std::lock_guard wl(w->m);  // serve() waits for it: w->thread is set before it runs
      w->thread = std::thread(&Pool::serve, this, w);
    }
    ++threads_;
    return w;
  }

  void end_idle() {
    std::vector<Worker*> idle;
    {
      std::lock_guard lock(m_);
      if (pid_ == ::getpid()) idle.swap(idle_);
    }
    for (Worker* w : idle) {
      {
        std::lock_guard wl(w->m);
        w->end = true;
      }
      w->cv.notify_one();
      w->thread.join();
      delete w;
    }
  }

  std::atomic<long> jobs_{0}, threads_{0};

 private:
  // The main thread's namespaces, which are every caller's here. A child process that
  // copied this state opens its own and forgets the parent's workers.
  bool open_home() {
    idle_.clear();  // the parent's: no thread of this process serves them
    held_.clear();
    pid_ = ::getpid();
    for (auto& k : kKinds) {
      home_.*k.fd = ::open(fmt::format("/proc/self/ns/{}", k.file).c_str(), O_RDONLY | O_CLOEXEC);
      if (home_.*k.fd < 0) {
        pid_ = 0;
        return false;
      }
      held_.emplace_back(home_.*k.fd);
    }
    return true;
  }

  // A worker's thread. Its own fs struct first: setns into a mount namespace needs it.
  void serve(Worker* w) {
    auto place = Place::here();
    bool healthy = place.has_value();
    while (true) {
      Call* c;
      {
        std::unique_lock lock(w->m);
        w->cv.wait(lock, [&] { return w->call != nullptr || w->end; });
        if (!w->call) return;  // end_idle() joins and deletes it
        c = std::exchange(w->call, nullptr);
      }
      if (healthy) {
        c->run_here();
      } else {
        c->job(std::unexpected(place.error()));
      }
      // Home, whatever the job did; a worker that cannot get there is not kept.
      healthy = healthy && enter(home_, "this process") && place->restore();
      bool keep = healthy && give_back(w);
      c->finish();
      if (!keep) {
        {
          std::lock_guard wl(w->m);
          w->thread.detach();
        }
        delete w;
        return;
      }
    }
  }

  bool give_back(Worker* w) {
    std::lock_guard lock(m_);
    if (pid_ != ::getpid() || idle_.size() >= static_cast<size_t>(kKeptIdle)) return false;
    idle_.push_back(w);
    return true;
  }

  std::mutex m_;
  std::vector<Worker*> idle_;
  pid_t pid_ = 0;
  Target home_;
  std::vector<UniqueFd> held_;
};

}  // namespace

void run(const Target& target, std::string_view what, const std::function<void(Result<void>)>& job) {
  Pool& pool = Pool::get();
  ++pool.jobs_;
  Call call{.target = target, .what = what, .job = job};
  if (Worker* w = pool.take()) {
    {
      std::lock_guard lock(w->m);
      w->call = &call;
    }
    w->cv.notify_one();
    call.wait();
    return;
  }
  // A new thread, which starts in the caller's namespaces. Its own fs struct first, for a
  // mount namespace (in the target, or one the job makes).
  ++pool.threads_;
  std::thread t([&] {
    if (::unshare(CLONE_FS) != 0) return job(sys_fail(fmt::format("enter namespaces of {}: unshare(CLONE_FS)", what)));
    call.run_here();
  });
  t.join();
}

void set_kept(bool kept) { g_kept = kept; }

void end_idle() { Pool::get().end_idle(); }

Counts counts() {
  Pool& pool = Pool::get();
  return {.jobs = pool.jobs_.load(), .threads = pool.threads_.load()};
}

}  // namespace nc::ns_workers
