// Test-only: start a program (the probe, `ip`, `sh`) in a network namespace and bound
// every wait. A Child that goes out of scope still running is SIGKILLed and reaped, so a
// failing test leaves no process behind. (A shared launcher lives in netimpl/process;
// these tests keep their own so they do not depend on it.)
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "netimpl/base/unique_fd.h"

namespace nc::probe::testing {

class Child {
 public:
  // Forks; the child joins the network namespace `netns_fd` (when >= 0), gets stdout and
  // stderr as pipes and execs argv[0] (searched in PATH).
  static Child start(int netns_fd, const std::vector<std::string>& argv) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) return Child();
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
      if (netns_fd >= 0 && ::setns(netns_fd, CLONE_NEWNET) != 0) ::_exit(126);
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(err[1], STDERR_FILENO);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    Child c;
    c.pid_ = pid;
    c.out_ = UniqueFd(out[0]);
    c.err_ = UniqueFd(err[0]);
    c.pidfd_ = UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    return c;
  }

  Child() = default;
  Child(Child&& o) noexcept { *this = std::move(o); }
  Child& operator=(Child&& o) noexcept {
    kill_and_reap();
    pid_ = std::exchange(o.pid_, -1);
    out_ = std::move(o.out_);
    err_ = std::move(o.err_);
    pidfd_ = std::move(o.pidfd_);
    return *this;
  }
  ~Child() { kill_and_reap(); }

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }
  void signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
  }

  // One line of stdout (without '\n'), or "" when none came within the timeout.
  std::string read_line(int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (out_buf_.find('\n') == std::string::npos) {
      if (!fill(out_, out_buf_, deadline)) return "";
    }
    size_t nl = out_buf_.find('\n');
    std::string line = out_buf_.substr(0, nl);
    out_buf_.erase(0, nl + 1);
    return line;
  }

  // Waits for the exit within the timeout: the exit status, 128+signal, or -1 on timeout
  // (the child is then killed and reaped).
  int wait(int timeout_ms) {
    if (pid_ <= 0) return -1;
    pollfd p{pidfd_.get(), POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) {
      kill_and_reap();
      return -1;
    }
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  // Everything left on stdout / stderr until EOF (call after the child exited).
  std::string rest_of_stdout() { return drain(out_, out_buf_); }
  std::string rest_of_stderr() { return drain(err_, err_buf_); }

 private:
  static bool fill(const UniqueFd& fd, std::string& buf, std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd.get(), POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) return false;
    char tmp[4096];
    ssize_t n = ::read(fd.get(), tmp, sizeof tmp);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
    return true;
  }
  static std::string drain(const UniqueFd& fd, std::string& buf) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (fill(fd, buf, deadline)) {
    }
    return std::exchange(buf, "");
  }
  void kill_and_reap() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  pid_t pid_ = -1;
  UniqueFd out_, err_, pidfd_;
  std::string out_buf_, err_buf_;
};

// Runs argv to completion in the netns (bounded): {exit status, stdout, stderr}.
struct Ran {
  int status = -1;
  std::string out, err;
};
inline Ran run(int netns_fd, const std::vector<std::string>& argv, int timeout_ms = 10000) {
  Child c = Child::start(netns_fd, argv);
  Ran r;
  // Read while it runs: a full pipe would otherwise block the child.
  r.out = c.read_line(timeout_ms);
  if (!r.out.empty()) r.out += "\n";
  r.status = c.wait(timeout_ms);
  r.out += c.rest_of_stdout();
  r.err = c.rest_of_stderr();
  return r;
}

}  // namespace nc::probe::testing
