// run_in_lab(): the outer half — clone the lab's init, forward signals, wait for it.
#include "harness/lab/lab.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <utility>

#include "harness/lab/lab_init.h"
#include "netimpl/base/unique_fd.h"
#include "netimpl/ns/workers.h"
#include "netimpl/process/pidfd.h"

namespace nc::lab {
namespace {

// init runs on this stack, and so does the runner (a fork of init), so it is the body's
// main stack: generous, reserved lazily, with a guard page below it.
constexpr size_t kStackSize = 32 << 20;
constexpr size_t kGuard = 4096;

class CloneStack {
 public:
  static Result<CloneStack> allocate() {
    void* p = ::mmap(nullptr, kStackSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (p == MAP_FAILED) return sys_fail("allocate the init stack");
    CloneStack s(p);
    if (::mprotect(static_cast<char*>(p) + kGuard, kStackSize - kGuard, PROT_READ | PROT_WRITE) != 0)
      return sys_fail("allocate the init stack");
    return s;
  }
  CloneStack(CloneStack&& o) noexcept : base_(std::exchange(o.base_, nullptr)) {}
  ~CloneStack() {
    if (base_) ::munmap(base_, kStackSize);
  }
  void* top() const { return static_cast<char*>(base_) + kStackSize; }

 private:
  explicit CloneStack(void* base) : base_(base) {}
  void* base_;
};

// Restores the caller's signal mask on every way out of run_in_lab().
struct MaskGuard {
  sigset_t old;
  ~MaskGuard() { ::sigprocmask(SIG_SETMASK, &old, nullptr); }
};

Result<void> check_state_dir(const std::string& dir) {
  bool below_run = dir.starts_with("/run/") && dir.size() > 5;
  if (!below_run || dir.find("/..") != std::string::npos || dir.find("/./") != std::string::npos)
    return failf("state directory {} is not a plain path below /run/ (the lab's tmpfs)", dir);
  return {};
}

Result<int> count_threads() {
  DIR* d = ::opendir("/proc/self/task");
  if (!d) return sys_fail("list /proc/self/task");
  int threads = 0;
  while (dirent* e = ::readdir(d)) threads += e->d_name[0] != '.';
  ::closedir(d);
  return threads;
}

// pthread_join() returns when the kernel clears the thread's tid, a moment before the
// thread leaves /proc/self/task: a thread joined just now may still be listed, briefly.
Result<void> check_single_threaded() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  for (;;) {
    int threads = NC_TRY(count_threads());
    if (threads == 1) return {};
    if (std::chrono::steady_clock::now() > deadline)
      return failf("the caller has {} threads; a lab must be started from a single-threaded process", threads);
    ::usleep(1000);
  }
}

int exit_code_of(int status) { return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status); }

void forward_signals(int sigfd, int init_pidfd) {
  signalfd_siginfo si;
  while (::read(sigfd, &si, sizeof si) == static_cast<ssize_t>(sizeof si))
    ::pidfd_send_signal(init_pidfd, static_cast<int>(si.ssi_signo), nullptr, 0);
}

// Waits as long as the lab lives (the body bounds its own work), forwarding SIGINT and
// SIGTERM to init; then reaps it.
Result<int> wait_for_init(pid_t pid, int init_pidfd, int sigfd) {
  for (;;) {
    pollfd fds[2] = {{init_pidfd, POLLIN, 0}, {sigfd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return sys_fail("wait for the lab's init");
    }
    if (fds[1].revents) forward_signals(sigfd, init_pidfd);
    if (!fds[0].revents) continue;
    int status;
    pid_t r;
    do r = ::waitpid(pid, &status, 0);
    while (r < 0 && errno == EINTR);
    if (r < 0) return sys_fail("reap the lab's init");
    return exit_code_of(status);
  }
}

// init's report of a failed setup ("<errno> <message>"), or nullopt.
std::optional<Error> read_setup_error(int fd) {
  std::string text;
  char buf[1024];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  if (text.empty()) return std::nullopt;
  size_t sp = text.find(' ');
  int err = std::atoi(text.substr(0, sp).c_str());
  return Error(sp == std::string::npos ? text : text.substr(sp + 1), err);
}

Result<int> clone_and_wait(const LabOptions& opts, std::function<int()>& body) {
  UniqueFd caller(::pidfd_open(::getpid(), 0));
  if (!caller) return sys_fail("pidfd_open of the caller");
  int p[2];
  if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) return sys_fail("pipe");
  UniqueFd status_r(p[0]), status_w(p[1]);
  auto stack = NC_TRY(CloneStack::allocate());

  sigset_t fwd;
  ::sigemptyset(&fwd);
  ::sigaddset(&fwd, SIGINT);
  ::sigaddset(&fwd, SIGTERM);
  MaskGuard mask;
  ::sigprocmask(SIG_BLOCK, &fwd, &mask.old);  // blocked before clone: nothing is lost
  UniqueFd sigfd(::signalfd(-1, &fwd, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!sigfd) return sys_fail("signalfd");

  detail::InitArgs args{.opts = &opts, .body = &body, .caller_pidfd = caller.get(), .status_fd = status_w.get(),
                        .caller_sigfd = sigfd.get(), .runner_mask = mask.old};
  std::fflush(nullptr);  // or the lab inherits unflushed output and prints it again
  pid_t pid = ::clone(detail::init_main, stack.top(), CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | SIGCHLD, &args);
  if (pid < 0) return sys_fail("clone the lab's init");
  status_w.reset();
  UniqueFd init_fd(::pidfd_open(pid, 0));
  if (!init_fd) {
    auto e = sys_fail("pidfd_open of the lab's init");
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return e;
  }
  if (opts.on_started) opts.on_started(pid);
  int code = NC_TRY(wait_for_init(pid, init_fd.get(), sigfd.get()));
  if (auto e = read_setup_error(status_r.get())) return std::unexpected(*e);
  return code;
}

}  // namespace

Result<int> run_in_lab(const LabOptions& opts, std::function<int()> body) {
  NC_TRY_VOID_CTX(check_state_dir(opts.state_dir), "run lab");
  ns_workers::end_idle();  // work in namespaces before the lab kept threads waiting
  NC_TRY_VOID_CTX(check_single_threaded(), "run lab");
  return NC_TRY_CTX(clone_and_wait(opts, body), "run lab");
}

}  // namespace nc::lab
