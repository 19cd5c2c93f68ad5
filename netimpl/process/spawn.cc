// Process::spawn: clone, join namespaces, exec. Everything the child needs is prepared
// before the clone; between clone and exec the child makes only async-signal-safe system
// calls, because a child of a multi-threaded process may inherit locks held by threads
// that do not exist in it — and, sharing our memory until it execs, it must not write
// anything of ours (spawn_with_signals_blocked).
#include <fcntl.h>
#include <signal.h>
#include "netimpl/process/pidfd.h"
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string_view>

#include "netimpl/process/process.h"

extern char** environ;

namespace nc {
namespace {

// What the child reports through the CLOEXEC error pipe when it cannot exec.
enum Stage : int { kStageExec, kStageSetup, kStageSetns };
struct ChildError {
  int stage = 0;
  int index = 0;  // kStageSetns: index into Plan::ns_fds
  int err = 0;
};

struct NsJoin {
  int fd;
  int kind;
  const char* what;
};

struct Plan {
  std::vector<std::string> storage;  // owns the strings argv/envp/candidates point into
  std::vector<char*> argv, envp, candidates;
  std::vector<NsJoin> ns;
  // The program, opened in the caller's view of the filesystem. Joining a mount namespace
  // moves the child's root to that namespace's root: inside a chroot that is the real
  // root, where the caller's paths may not exist. Executing this fd runs the program the
  // caller named, whatever namespaces the child joined. -1: not found here; the child
  // tries the candidates and reports why they fail.
  UniqueFd exec_fd;
  pid_t parent = 0;
  int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1, error_fd = -1;
};

std::string_view env_key(std::string_view kv) { return kv.substr(0, kv.find('=')); }

std::vector<std::string> build_env(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    bool replaced = false;
    for (const auto& x : extra) replaced |= env_key(x) == env_key(*e);
    if (!replaced) env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// The paths execve() will try, in order: argv[0] itself when it contains a '/', else each
// PATH entry (an empty entry is the current directory, as for execvp).
std::vector<std::string> exec_candidates(const std::string& prog, const std::vector<std::string>& env) {
  if (prog.find('/') != std::string::npos) return {prog};
  std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const auto& kv : env)
    if (env_key(kv) == "PATH") path = kv.substr(5);
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = std::min(path.find(':', start), path.size());
    std::string dir = path.substr(start, end - start);
    out.push_back((dir.empty() ? std::string(".") : dir) + "/" + prog);
    start = end + 1;
  }
  return out;
}

// Pointers into plan.storage; filled after storage is complete so they stay valid.
void point_into_storage(Plan& p, size_t nargv, size_t nenv) {
  for (size_t i = 0; i < p.storage.size(); ++i) {
    auto& v = i < nargv ? p.argv : i < nargv + nenv ? p.envp : p.candidates;
    v.push_back(p.storage[i].data());
  }
  p.argv.push_back(nullptr);
  p.envp.push_back(nullptr);
}

Plan make_plan(const LaunchSpec& spec) {
  Plan p;
  auto env = build_env(spec.env_extra);
  auto cands = exec_candidates(spec.argv[0], env);
  p.storage = spec.argv;
  p.storage.insert(p.storage.end(), env.begin(), env.end());
  p.storage.insert(p.storage.end(), cands.begin(), cands.end());
  point_into_storage(p, spec.argv.size(), env.size());
  for (const auto& c : cands)
    if (::access(c.c_str(), X_OK) == 0) {
      p.exec_fd.reset(::open(c.c_str(), O_PATH | O_CLOEXEC));
      break;
    }
  if (spec.ns) {
    for (NsJoin j : {NsJoin{spec.ns->fd(kNsNet), kNsNet, "net"}, NsJoin{spec.ns->fd(kNsUts), kNsUts, "uts"},
                     NsJoin{spec.ns->fd(kNsMnt), kNsMnt, "mnt"}})
      if (j.fd >= 0) p.ns.push_back(j);
  }
  p.parent = ::getpid();
  return p;
}

// A pipe whose fds are both above 2, so that dup2() onto 0..2 in the child cannot clobber
// one of them (possible when our own stdio fds are closed).
Result<void> pipe_above_stdio(UniqueFd& rd, UniqueFd& wr) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return sys_fail("pipe");
  for (int i = 0; i < 2; ++i) {
    UniqueFd fd(fds[i]);
    if (fd.get() < 3) {
      fd.reset(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3));
      if (!fd) return sys_fail("dup pipe");
    }
    (i == 0 ? rd : wr) = std::move(fd);
  }
  return {};
}

// ---- the child: system calls only ----

[[noreturn]] void child_fail(const Plan& p, Stage stage, int index, int err) {
  ChildError e{stage, index, err};
  [[maybe_unused]] ssize_t n = ::write(p.error_fd, &e, sizeof e);
  ::_exit(127);
}

void child_fd(const Plan& p, int from, int to) {
  if (from < 0) return;
  int r = from == to ? ::fcntl(to, F_SETFD, 0) : ::dup2(from, to);  // dup2(x, x) keeps CLOEXEC
  if (r < 0) child_fail(p, kStageSetup, 0, errno);
}

void child_reset_signals() {
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) ::sigaction(s, &sa, nullptr);  // KILL/STOP/glibc-internal: EINVAL, fine
}

[[noreturn]] void child_exec(const Plan& p) {
  if (p.exec_fd) {
    ::syscall(SYS_execveat, p.exec_fd.get(), "", p.argv.data(), p.envp.data(), AT_EMPTY_PATH);
    // A script through a close-on-exec fd fails with ENOENT (its interpreter would open
    // /dev/fd/N, closed by then; execveat(2)): run it by its path instead.
    if (errno != ENOENT) child_fail(p, kStageExec, 0, errno);
  }
  bool saw_eacces = false;
  for (char* path : p.candidates) {
    ::execve(path, p.argv.data(), p.envp.data());
    int e = errno;
    if (e == EACCES) saw_eacces = true;
    else if (e != ENOENT && e != ENOTDIR && e != ESTALE && e != ENODEV && e != ETIMEDOUT)
      child_fail(p, kStageExec, 0, e);
  }
  child_fail(p, kStageExec, 0, saw_eacces ? EACCES : ENOENT);
}

[[noreturn]] void child_main(const Plan& p, const sigset_t& empty_mask) {
  child_reset_signals();
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) child_fail(p, kStageSetup, 0, errno);
  if (::getppid() != p.parent) ::_exit(127);  // the spawning thread is already gone
  ::setpgid(0, 0);
  child_fd(p, p.stdin_fd, 0);
  child_fd(p, p.stdout_fd, 1);
  child_fd(p, p.stderr_fd, 2);
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  for (size_t i = 0; i < p.ns.size(); ++i)
    if (::setns(p.ns[i].fd, p.ns[i].kind) != 0) child_fail(p, kStageSetns, static_cast<int>(i), errno);
  ::sigprocmask(SIG_SETMASK, &empty_mask, nullptr);
  child_exec(p);
}

// ---- the parent ----

// Reads the child's report: nullopt once exec succeeded (the pipe closed on exec).
std::optional<ChildError> read_child_error(int fd) {
  ChildError e;
  ssize_t n;
  do n = ::read(fd, &e, sizeof e);
  while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof e)) return e;
  return std::nullopt;
}

Error describe_child_error(const ChildError& e, const Plan& p, const LaunchSpec& spec) {
  std::string what = e.stage == kStageExec    ? std::string("exec")
                     : e.stage == kStageSetns ? fmt::format("enter {} namespace of {}", p.ns[e.index].what, spec.ns->name())
                                              : std::string("set up child");
  return sys_fail(what, e.err).error();
}

struct ChildArgs {
  const Plan* plan;
  const sigset_t* empty_mask;
};

int child_entry(void* arg) {
  auto* a = static_cast<ChildArgs*>(arg);
  child_main(*a->plan, *a->empty_mask);
}

// The child shares our memory until it execs (CLONE_VM | CLONE_VFORK, as glibc's
// posix_spawn): no page tables are copied and none of ours are made copy-on-write. On a
// virtual machine whose page faults are slow, fork() cost a few milliseconds per child —
// the copy, the child's exec tearing the copy down, and then a fault for every page this
// process wrote afterwards. The spawning thread sleeps until the child has exec'ed or
// exited; other threads run on, and the child touches only its own stack, the Plan and
// the syscalls' results. The child runs on a stack of its own, freed once we resume.
// Its signal handlers are its own (no CLONE_SIGHAND): child_reset_signals() does not
// touch ours; every signal stays blocked until then, so no handler of ours runs in it.
pid_t spawn_with_signals_blocked(const Plan& p, const sigset_t& empty_mask) {
  constexpr size_t kStack = 256 * 1024;
  void* stack = ::mmap(nullptr, kStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return -1;
  sigset_t all, old;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  ChildArgs args{&p, &empty_mask};
  int saved = 0;
  pid_t pid = ::clone(child_entry, static_cast<char*>(stack) + kStack, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  saved = errno;  // the child ran on this thread's errno
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::munmap(stack, kStack);
  errno = saved;
  return pid;
}

}  // namespace

Result<Process> Process::spawn(const LaunchSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) return fail("spawn: empty argv");
  const std::string& prog = spec.argv[0];
  auto ctx = [&](Error e) { return std::unexpected(std::move(e).context(fmt::format("spawn {}", prog))); };

  UniqueFd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!devnull) return ctx(sys_fail("open /dev/null").error());
  UniqueFd out_r, out_w, err_r, err_w, errp_r, errp_w, in_r, in_w;
  if (auto r = pipe_above_stdio(errp_r, errp_w); !r) return ctx(r.error());
  if (spec.pipe_stdin)
    if (auto r = pipe_above_stdio(in_r, in_w); !r) return ctx(r.error());
  if (spec.capture_stdout)
    if (auto r = pipe_above_stdio(out_r, out_w); !r) return ctx(r.error());
  if (spec.capture_stderr)
    if (auto r = pipe_above_stdio(err_r, err_w); !r) return ctx(r.error());

  Plan plan = make_plan(spec);
  plan.stdin_fd = spec.pipe_stdin ? in_r.get() : spec.stdin_fd >= 0 ? spec.stdin_fd : devnull.get();
  plan.stdout_fd = out_w.get();
  plan.stderr_fd = err_w.get();
  plan.error_fd = errp_w.get();
  sigset_t empty;
  ::sigemptyset(&empty);

  pid_t pid = spawn_with_signals_blocked(plan, empty);
  if (pid < 0) return ctx(sys_fail("clone").error());
  ::setpgid(pid, pid);  // also done by the child; whichever runs first wins, both agree
  errp_w.reset();
  out_w.reset();
  err_w.reset();
  in_r.reset();

  if (auto e = read_child_error(errp_r.get())) {
    int st;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return ctx(describe_child_error(*e, plan, spec));
  }

  Process p;
  p.pid_ = pid;
  p.name_ = prog;
  p.pidfd_.reset(::pidfd_open(pid, 0));
  if (!p.pidfd_) return ctx(sys_fail("pidfd_open").error());  // ~Process kills and reaps
  for (UniqueFd* fd : {&out_r, &err_r, &in_w})
    if (*fd) ::fcntl(fd->get(), F_SETFL, O_NONBLOCK);
  p.out_ = std::move(out_r);
  p.err_ = std::move(err_r);
  p.in_ = std::move(in_w);
  return p;
}

}  // namespace nc
