// Launching a program, optionally inside namespaces, with bounded waits.
//
// A Process owns one child: its pid, a pidfd, and the read ends of its stdout/stderr pipes.
// Every wait is bounded (pidfd_open + poll, then waitpid(pid)); nothing here installs a
// SIGCHLD handler, and nothing ever calls waitpid(-1), so other children of the process are
// left alone. The caller must not ignore SIGCHLD (SIG_IGN makes the kernel reap children
// behind our back).
//
// Why our own clone/exec and not Boost.Process: Boost 1.74's child::wait_for is unreliable
// and its async machinery installs a process-wide SIGCHLD handler (DESIGN.md, Traps); its
// on_exec_setup runs arbitrary C++ between fork and exec; and we need raw pipe fds for
// poll() anyway. What remains of Boost.Process here would be a thin fork/exec, so we write
// that ourselves and keep the child strictly async-signal-safe: argv, envp and the PATH
// candidates are built before the clone; the child only makes system calls. The child
// shares our memory until it execs (CLONE_VM | CLONE_VFORK, like posix_spawn, which cannot
// join namespaces): fork's copy of the page tables and the copy-on-write faults after it
// cost milliseconds per child on a virtual machine (spawn.cc).
//
// The child:
//   - gets PR_SET_PDEATHSIG(SIGKILL): it dies when the *thread* that spawned it exits
//     (the kernel tracks the parent thread, not the process) — spawn from a long-lived
//     thread, not from a Namespaces::run() helper thread;
//   - is the leader of a new process group, so a kill (terminate()'s SIGKILL, the
//     destructor, run()'s timeout) takes its own children (`sh -c ...`) with it;
//   - has stdin on /dev/null (or a pipe, LaunchSpec::pipe_stdin, or a file the caller
//     holds, LaunchSpec::stdin_fd), default signal dispositions, an empty signal mask, and
//     every inherited fd above 2 marked close-on-exec;
//   - joins LaunchSpec::ns (net, uts, then mnt) before exec, by setns() on the held fds —
//     what Namespaces::enter() does, minus its allocations; joining a mount namespace
//     makes "/" of that namespace its cwd, and PATH is searched inside it.
// An exec or setns failure is reported by spawn() as an error naming argv[0] and carrying
// the errno (ENOENT for a missing program), through a CLOEXEC pipe — never as a child that
// silently exits 127.
//
// Output: everything the child writes to captured pipes is collected into buffers whenever
// any method waits (read_line, wait_for, terminate), so a chatty child never blocks on a
// full pipe while we wait for something else. take_stdout()/take_stderr() hand the buffers
// over. A Process is used by one thread at a time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string_view>
#include <optional>
#include <string>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/unique_fd.h"
#include "netimpl/ns/namespaces.h"

namespace nc {

struct LaunchSpec {
  std::vector<std::string> argv;  // argv[0]: a path, or a name looked up in PATH
  const Namespaces* ns = nullptr; // joined in the child before exec; must outlive spawn()
  bool capture_stdout = true;     // false: the child inherits our stdout
  bool capture_stderr = true;
  bool pipe_stdin = false;        // true: stdin is a pipe the caller writes (write_stdin)
  std::vector<std::string> env_extra;  // "KEY=value", added to (or replacing in) our environment
  // The child's stdin: a file the caller owns (e.g. a memfd holding the input, positioned
  // where the child should start reading); -1: /dev/null. Must stay open until spawn() returns.
  int stdin_fd = -1;
};

struct RunResult;

class Process {
 public:
  // Starts the program. Errors: "spawn ip: exec: No such file or directory",
  // "spawn ip: enter net namespace of host: ...". PATH comes from env_extra when it sets
  // one, else from our environment.
  static Result<Process> spawn(const LaunchSpec& spec);

  Process(Process&& o) noexcept;
  Process& operator=(Process&& o) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  // A child that is still running is SIGKILLed (with its process group) and reaped.
  ~Process();

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }

  // The next line of stdout, without its '\n'. Used for readiness signals ("listening").
  // Error, naming the command, when the timeout expires, when stdout ends, when the child
  // exits before completing a line (the error then carries its exit status and the tail
  // of its stderr), or when `max_len` bytes arrived without a '\n'.
  Result<std::string> read_line(std::chrono::milliseconds timeout, size_t max_len = SIZE_MAX);

  // pipe_stdin: writes all of `data` to the child's stdin, collecting its output while
  // the pipe is full. Error when the child closed its stdin or exited (never SIGPIPE), or
  // did not take the data within `timeout`. close_stdin() gives the child end of file.
  Result<void> write_stdin(std::string_view data, std::chrono::milliseconds timeout);
  void close_stdin() { in_.reset(); }

  // The exit code once the child has exited (128+N when killed by signal N), or nullopt if
  // it is still running after `timeout`. Reaps the child; later calls return the same code.
  Result<std::optional<int>> wait_for(std::chrono::milliseconds timeout);

  // Sends `sig` to the child (through its pidfd: never to a recycled pid). No-op once reaped.
  void signal(int sig);
  // SIGTERM, then SIGKILL to the process group after `grace`; returns the exit code.
  Result<int> terminate(std::chrono::milliseconds grace);

  // What was captured so far and not yet returned (read_line consumes stdout lines);
  // drains the pipes without blocking first.
  std::string take_stdout();
  std::string take_stderr();

 private:
  friend Result<RunResult> run(const LaunchSpec&, std::chrono::milliseconds);
  Process() = default;
  void swap(Process& o) noexcept;
  // One round of waiting: up to timeout_ms for output or exit; collects what is ready and
  // reaps the child once it has exited.
  void poll_once(int timeout_ms);
  ssize_t read_chunk(UniqueFd& fd, std::string& buf);
  void drain_now();
  void reap(bool block);
  void kill_group();
  std::string describe_exit() const;

  pid_t pid_ = -1;
  std::string name_;
  UniqueFd pidfd_, out_, err_, in_;
  std::string out_buf_, err_buf_;
  int wait_status_ = 0;
  std::optional<int> exit_code_;  // set once reaped (-1: someone else reaped it)
};

struct RunResult {
  int exit_code = 0;      // 128+N when killed by signal N (a timeout gives 137)
  bool timed_out = false;
  std::string out, err;
  double duration_ms = 0;
};

// Runs the program to completion, collecting stdout and stderr concurrently. When it is
// still running after `timeout` it is SIGKILLed with its process group and timed_out is
// set. Collection ends when the program exits (a daemon it left behind holding the pipes
// neither keeps run() waiting nor is killed). A non-zero exit is not an error; failing
// to start is.
Result<RunResult> run(const LaunchSpec& spec, std::chrono::milliseconds timeout);

}  // namespace nc
