#include "netimpl/process/process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nc {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

LaunchSpec sh(std::string script) { return LaunchSpec{.argv = {"sh", "-c", std::move(script)}}; }

// 'Z' for a zombie, 0 when the pid does not exist.
char proc_state(pid_t pid) {
  std::ifstream f(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(f, line)) return 0;
  auto close = line.rfind(')');
  return close + 2 < line.size() ? line[close + 2] : 0;
}

// Waits (bounded) until `pid` has exited; it may linger briefly as a zombie of its reaper.
bool gone_within(pid_t pid, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    char s = proc_state(pid);
    if (s == 0 || s == 'Z' || s == 'X') return true;
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

TEST(Process, RunReportsExitCodesAndSignals) {
  auto r = run(sh("exit 3"), 5s);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_FALSE(r->timed_out);
  auto k = run(sh("kill -TERM $$"), 5s);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->exit_code, 128 + SIGTERM);
}

TEST(Process, RunCollectsStdoutAndStderrSeparately) {
  auto r = run(sh("echo out; echo err >&2"), 5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
}

TEST(Process, RunTimeoutKillsTheChildAndItsChildren) {
  // The shell forks sleep, which holds the stdout pipe: unless the whole group is killed,
  // collecting output would wait for sleep to finish.
  auto r = run(sh("sleep 30; echo never"), 200ms);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->exit_code, 128 + SIGKILL);
  EXPECT_LT(r->duration_ms, 3000);
  EXPECT_EQ(r->out, "");
}

TEST(Process, RunDoesNotWaitForABackgroundChildHoldingThePipes) {
  auto r = run(sh("sleep 30 & echo $!"), 10s);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(r->timed_out);
  EXPECT_LT(r->duration_ms, 3000);
  pid_t left_behind = std::stoi(r->out);
  ::kill(left_behind, SIGKILL);  // ours to clean up: run() leaves survivors of a clean exit alone
  EXPECT_TRUE(gone_within(left_behind, 5s));
}

TEST(Process, LargeOutputOnBothPipesDoesNotDeadlock) {
  auto r = run(sh("head -c 3000000 /dev/zero >&2 & head -c 5000000 /dev/zero; wait"), 30s);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(r->out.size(), 5000000u);
  EXPECT_EQ(r->err.size(), 3000000u);
}

TEST(Process, EnvExtraAddsAndReplaces) {
  auto spec = sh("echo \"$NC_A/$HOME\"");
  spec.env_extra = {"NC_A=one", "HOME=/nowhere"};
  auto r = run(spec, 5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->out, "one//nowhere\n");
}

// A script given by its absolute path runs (execveat of a close-on-exec fd cannot run a
// script), and stdin_fd is what it reads.
TEST(Process, AScriptByPathReadsTheStdinItWasGiven) {
  char dir[] = "/tmp/nc_process_test_XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string script = std::string(dir) + "/echo-stdin";
  std::ofstream(script) << "#!/bin/sh\nprintf 'got:'; cat\n";
  ::chmod(script.c_str(), 0755);
  std::string in_path = std::string(dir) + "/in";
  std::ofstream(in_path) << "{\"a\":1}";
  int in = ::open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
  auto r = run({.argv = {script}, .stdin_fd = in}, 5s);
  ::close(in);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->out, "got:{\"a\":1}");
}

TEST(Process, ExecFailureIsAnErrorNamingTheCommand) {
  auto p = Process::spawn({.argv = {"netconform-no-such-command"}});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().sys_errno(), ENOENT);
  EXPECT_THAT(p.error().message(), HasSubstr("spawn netconform-no-such-command: exec"));

  auto q = Process::spawn({.argv = {"/nonexistent/dir/tool"}});
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().sys_errno(), ENOENT);
  EXPECT_THAT(q.error().message(), HasSubstr("/nonexistent/dir/tool"));

  auto r = Process::spawn({.argv = {"/dev/null"}});  // exists, not a regular file
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().sys_errno(), EACCES);
}

TEST(Process, ReadLineReturnsReadinessLines) {
  auto p = Process::spawn(sh("echo starting; echo ready; exec sleep 30"));
  ASSERT_TRUE(p) << p.error().message();
  auto l1 = p->read_line(5s);
  auto l2 = p->read_line(5s);
  ASSERT_TRUE(l1 && l2);
  EXPECT_EQ(*l1, "starting");
  EXPECT_EQ(*l2, "ready");
  auto code = p->terminate(2s);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 128 + SIGTERM);
}

TEST(Process, ReadLineTimesOutNamingTheCommand) {
  auto p = Process::spawn({.argv = {"sleep", "30"}});
  ASSERT_TRUE(p);
  auto start = std::chrono::steady_clock::now();
  auto l = p->read_line(100ms);
  ASSERT_FALSE(l);
  EXPECT_THAT(l.error().message(), HasSubstr("read line from sleep: no line within 100 ms"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(Process, ReadLineReportsAnEarlyExitWithStderr) {
  auto p = Process::spawn(sh("printf partial; echo 'bad config' >&2; exit 2"));
  ASSERT_TRUE(p);
  auto l = p->read_line(5s);
  ASSERT_FALSE(l);
  EXPECT_THAT(l.error().message(), HasSubstr("before printing a line"));
  EXPECT_THAT(l.error().message(), HasSubstr("bad config"));
  EXPECT_EQ(p->take_stdout(), "partial");
}

TEST(Process, ReadLineStopsAtMaxLen) {
  auto p = Process::spawn(sh("head -c 100000 /dev/zero | tr '\\0' x; exec sleep 30"));
  ASSERT_TRUE(p);
  auto l = p->read_line(5s, 4096);
  ASSERT_FALSE(l);
  EXPECT_THAT(l.error().message(), HasSubstr("read line from sh: no end of line in the first"));
}

TEST(Process, StdinPipeCarriesLinesBothWays) {
  auto p = Process::spawn({.argv = {"cat"}, .pipe_stdin = true});
  ASSERT_TRUE(p) << p.error().message();
  for (std::string line : {"one", "two"}) {
    ASSERT_TRUE(p->write_stdin(line + "\n", 5s));
    auto back = p->read_line(5s);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, line);
  }
  // More than a pipe holds, while cat echoes it back: write_stdin keeps reading.
  std::string big(1 << 20, 'x');
  ASSERT_TRUE(p->write_stdin(big + "\n", 10s));
  auto back = p->read_line(10s);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->size(), big.size());
  p->close_stdin();
  auto code = p->wait_for(5s);
  ASSERT_TRUE(code && *code);
  EXPECT_EQ(**code, 0);
}

TEST(Process, WriteToAChildThatStoppedReadingIsAnErrorNotSigpipe) {
  auto p = Process::spawn({.argv = {"sh", "-c", "exec 0<&-; echo closed; exec sleep 30"}, .pipe_stdin = true});
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->read_line(5s));
  auto w = p->write_stdin("hello\n", 5s);
  ASSERT_FALSE(w);
  EXPECT_THAT(w.error().message(), HasSubstr("write to sh: it no longer reads its stdin"));
}

TEST(Process, WaitForTimesOutThenReturnsTheCode) {
  auto p = Process::spawn(sh("read x; exit 5"));  // stdin is /dev/null: read fails at once
  ASSERT_TRUE(p);
  auto c = p->wait_for(5s);
  ASSERT_TRUE(c && *c);
  EXPECT_EQ(**c, 5);

  auto s = Process::spawn({.argv = {"sleep", "30"}});
  ASSERT_TRUE(s);
  auto none = s->wait_for(50ms);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  s->signal(SIGKILL);
  auto killed = s->wait_for(5s);
  ASSERT_TRUE(killed && *killed);
  EXPECT_EQ(**killed, 128 + SIGKILL);
  EXPECT_EQ(**s->wait_for(0ms), 128 + SIGKILL);  // stays reaped, same answer
}

TEST(Process, TerminateEscalatesToSigkill) {
  auto p = Process::spawn(sh("trap '' TERM; echo armed; while :; do sleep 1; done"));
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->read_line(5s));
  auto code = p->terminate(100ms);
  ASSERT_TRUE(code) << code.error().message();
  EXPECT_EQ(*code, 128 + SIGKILL);
}

TEST(Process, DestructorKillsAndReapsChildAndGrandchild) {
  pid_t pid, grandchild;
  {
    auto p = Process::spawn(sh("sleep 30 & echo $!; wait"));
    ASSERT_TRUE(p);
    pid = p->pid();
    auto line = p->read_line(5s);
    ASSERT_TRUE(line);
    grandchild = std::stoi(*line);
  }
  errno = 0;
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);  // already reaped: no zombie left
  EXPECT_EQ(errno, ECHILD);
  EXPECT_TRUE(gone_within(grandchild, 5s));
}

TEST(Process, MoveTransfersOwnership) {
  auto p = Process::spawn({.argv = {"sleep", "30"}});
  ASSERT_TRUE(p);
  pid_t pid = p->pid();
  Process q = std::move(*p);
  EXPECT_EQ(q.pid(), pid);
  auto other = Process::spawn({.argv = {"true"}});
  ASSERT_TRUE(other);
  q = std::move(*other);  // the sleep is killed and reaped here
  errno = 0;
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  EXPECT_EQ(**q.wait_for(5s), 0);
}

TEST(Process, UncapturedOutputIsInherited) {
  auto r = run({.argv = {"true"}, .capture_stdout = false, .capture_stderr = false}, 5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exit_code, 0);
}

}  // namespace
}  // namespace nc
