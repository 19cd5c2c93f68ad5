// Process: bounded waits on a spawned child (pidfd + poll, waitpid(pid)) and output
// collection. See process.h for the contract; spawn.cc starts the child.
#include "netimpl/process/process.h"

#include <poll.h>
#include <signal.h>
#include "netimpl/process/pidfd.h"
#include <sys/wait.h>

#include <utility>

namespace nc {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kAfterKill{10'000};  // only an uninterruptible (D-state) child takes this long
constexpr size_t kStderrTail = 400;

int exit_code_of(int status) {
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

// Milliseconds left until `deadline`, rounded up so we never spin on a 0 ms poll.
int ms_left(Clock::time_point deadline) {
  auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  return static_cast<int>(std::chrono::ceil<milliseconds>(left).count());
}

std::string tail(const std::string& s) {
  if (s.empty()) return "";
  size_t from = s.size() > kStderrTail ? s.size() - kStderrTail : 0;
  return fmt::format("; stderr: {}", s.substr(from));
}

}  // namespace

Process::Process(Process&& o) noexcept { swap(o); }

Process& Process::operator=(Process&& o) noexcept {
  Process tmp(std::move(o));  // tmp ends up with our old child and cleans it up
  swap(tmp);
  return *this;
}

void Process::swap(Process& o) noexcept {
  std::swap(pid_, o.pid_);
  std::swap(name_, o.name_);
  std::swap(pidfd_, o.pidfd_);
  std::swap(out_, o.out_);
  std::swap(err_, o.err_);
  std::swap(in_, o.in_);
  std::swap(out_buf_, o.out_buf_);
  std::swap(err_buf_, o.err_buf_);
  std::swap(wait_status_, o.wait_status_);
  std::swap(exit_code_, o.exit_code_);
}

Process::~Process() {
  if (pid_ <= 0 || exit_code_) return;
  kill_group();
  reap(/*block=*/true);
}

void Process::kill_group() {
  if (exit_code_) return;  // a reaped pid may already belong to someone else
  ::kill(-pid_, SIGKILL);  // the child leads its own group (spawn waits for it to exec)
  signal(SIGKILL);
}

void Process::signal(int sig) {
  if (exit_code_ || !pidfd_) return;
  ::pidfd_send_signal(pidfd_.get(), sig, nullptr, 0);
}

void Process::reap(bool block) {
  if (exit_code_) return;
  int status = 0;
  pid_t r;
  do r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r == pid_) {
    wait_status_ = status;
    exit_code_ = exit_code_of(status);
  } else if (r < 0 && errno == ECHILD) {
    exit_code_ = -1;  // reaped behind our back (SIGCHLD set to SIG_IGN)
  }
}

// >0: bytes read; 0: end of output (fd closed); -1: nothing available right now.
ssize_t Process::read_chunk(UniqueFd& fd, std::string& buf) {
  char tmp[65536];
  ssize_t n = ::read(fd.get(), tmp, sizeof tmp);
  if (n > 0) buf.append(tmp, static_cast<size_t>(n));
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    fd.reset();
    return 0;
  }
  return n > 0 ? n : -1;
}

void Process::drain_now() {
  while (out_ && read_chunk(out_, out_buf_) > 0) {}
  while (err_ && read_chunk(err_, err_buf_) > 0) {}
}

void Process::poll_once(int timeout_ms) {
  pollfd fds[3];
  UniqueFd* pipes[3] = {};
  std::string* bufs[3] = {};
  nfds_t n = 0;
  if (!exit_code_) fds[n++] = {pidfd_.get(), POLLIN, 0};
  for (auto [fd, buf] : {std::pair{&out_, &out_buf_}, std::pair{&err_, &err_buf_}}) {
    if (!*fd) continue;
    pipes[n] = fd;
    bufs[n] = buf;
    fds[n++] = {fd->get(), POLLIN, 0};
  }
  if (n == 0 || ::poll(fds, n, timeout_ms) <= 0) return;  // timeout or EINTR: callers loop
  for (nfds_t i = 0; i < n; ++i) {
    if (!fds[i].revents) continue;
    if (pipes[i]) read_chunk(*pipes[i], *bufs[i]);
    else reap(/*block=*/false);
  }
}

std::string Process::describe_exit() const {
  if (!exit_code_) return "still running";
  if (*exit_code_ < 0) return "exited (status unknown)";
  if (WIFSIGNALED(wait_status_)) return fmt::format("killed by signal {}", WTERMSIG(wait_status_));
  return fmt::format("exited with status {}", WEXITSTATUS(wait_status_));
}

Result<std::string> Process::read_line(milliseconds timeout, size_t max_len) {
  if (pid_ <= 0) return fail("read line: no process");
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto nl = out_buf_.find('\n'); nl != std::string::npos) {
      std::string line = out_buf_.substr(0, nl);
      out_buf_.erase(0, nl + 1);
      return line;
    }
    if (!out_ || exit_code_) {
      drain_now();
      if (out_buf_.find('\n') != std::string::npos) continue;
      reap(/*block=*/false);
      return failf("read line from {}: {} before printing a line{}", name_,
                   exit_code_ ? describe_exit() : "stdout closed", tail(err_buf_));
    }
    if (out_buf_.size() > max_len)
      return failf("read line from {}: no end of line in the first {} bytes", name_, out_buf_.size());
    int left = ms_left(deadline);
    poll_once(left);
    if (left == 0 && out_buf_.find('\n') == std::string::npos)
      return failf("read line from {}: no line within {} ms{}", name_, timeout.count(), tail(err_buf_));
  }
}

namespace {

// write(2) without SIGPIPE killing us when the reader is gone: the signal is blocked in
// this thread for the call and a pending one consumed; the caller sees EPIPE.
ssize_t write_no_sigpipe(int fd, std::string_view data) {
  sigset_t pipe_set, old;
  ::sigemptyset(&pipe_set);
  ::sigaddset(&pipe_set, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t n = ::write(fd, data.data(), data.size());
  int err = errno;
  if (n < 0 && err == EPIPE) {
    timespec zero{};
    ::sigtimedwait(&pipe_set, nullptr, &zero);
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = err;
  return n;
}

}  // namespace

Result<void> Process::write_stdin(std::string_view data, milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!data.empty()) {
    if (!in_) return failf("write to {}: its stdin is closed", name_);
    ssize_t n = write_no_sigpipe(in_.get(), data);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EPIPE) {
      in_.reset();
      reap(/*block=*/false);
      return failf("write to {}: it no longer reads its stdin ({}){}", name_, describe_exit(), tail(err_buf_));
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return sys_fail(fmt::format("write to {}", name_));
    int left = ms_left(deadline);
    if (left == 0) return failf("write to {}: stdin not read within {} ms", name_, timeout.count());
    pollfd p{in_.get(), POLLOUT, 0};
    ::poll(&p, 1, std::min(left, 20));
    drain_now();  // a child blocked writing its output would never read
  }
  return {};
}

Result<std::optional<int>> Process::wait_for(milliseconds timeout) {
  if (pid_ <= 0) return fail("wait for process: no process");
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (exit_code_) {
      drain_now();
      return exit_code_;
    }
    int left = ms_left(deadline);
    poll_once(left);
    if (left == 0 && !exit_code_) return std::optional<int>();
  }
}

Result<int> Process::terminate(milliseconds grace) {
  signal(SIGTERM);
  auto code = NC_TRY_CTX(wait_for(grace), "terminate {}", name_);
  if (code) return *code;
  kill_group();
  code = NC_TRY_CTX(wait_for(kAfterKill), "terminate {}", name_);
  if (code) return *code;
  return failf("terminate {}: still running {} ms after SIGKILL", name_, kAfterKill.count());
}

std::string Process::take_stdout() {
  drain_now();
  return std::exchange(out_buf_, {});
}

std::string Process::take_stderr() {
  drain_now();
  return std::exchange(err_buf_, {});
}

Result<RunResult> run(const LaunchSpec& spec, milliseconds timeout) {
  auto start = Clock::now();
  Process p = NC_TRY(Process::spawn(spec));
  RunResult r;
  auto code = NC_TRY(p.wait_for(timeout));
  if (!code) {
    r.timed_out = true;
    p.kill_group();
    code = NC_TRY(p.wait_for(kAfterKill));
    if (!code) return failf("run {}: still running {} ms after SIGKILL", p.name(), kAfterKill.count());
  }
  r.exit_code = *code;
  r.out = p.take_stdout();
  r.err = p.take_stderr();
  r.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return r;
}

}  // namespace nc
