// Kernel tests of the kept threads (workers.h): need root; skip with the reason otherwise.
#include "netimpl/ns/workers.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "netimpl/ns/namespaces.h"

namespace nc {
namespace {

// The namespaces of the calling thread, net, mnt, uts.
using Where = std::array<ino_t, 3>;
Where where() {
  Where w{};
  const char* files[] = {"/proc/thread-self/ns/net", "/proc/thread-self/ns/mnt", "/proc/thread-self/ns/uts"};
  for (size_t i = 0; i < w.size(); ++i) {
    struct stat st {};
    w[i] = ::stat(files[i], &st) == 0 ? st.st_ino : 0;
  }
  return w;
}

Result<Where> where_in(const Namespaces& ns) {
  return ns.run([]() -> Result<Where> { return where(); });
}

class WorkersKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create namespaces";
  }
};

// Sequential work in namespaces starts no thread after the first, and every job runs where
// it was sent.
TEST_F(WorkersKernel, SequentialRunsReuseOneThread) {
  auto a = Namespaces::create("wa", kNsNet | kNsMnt | kNsUts);
  auto b = Namespaces::create("wb", kNsNet);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(where_in(*a));
  auto before = ns_workers::counts();
  Where home = where();
  for (int i = 0; i < 20; ++i) {
    auto in_a = where_in(*a);
    auto in_b = where_in(*b);
    ASSERT_TRUE(in_a && in_b);
    EXPECT_NE((*in_a)[0], home[0]);
    EXPECT_NE((*in_a)[1], home[1]);
    EXPECT_NE((*in_a)[2], home[2]);
    // b holds only a network namespace: the job is in the caller's mount and UTS ones,
    // not in a's, where the same thread was a moment ago.
    EXPECT_NE((*in_b)[0], home[0]);
    EXPECT_NE((*in_b)[0], (*in_a)[0]);
    EXPECT_EQ((*in_b)[1], home[1]);
    EXPECT_EQ((*in_b)[2], home[2]);
  }
  auto after = ns_workers::counts();
  EXPECT_EQ(after.jobs - before.jobs, 40);
  EXPECT_EQ(after.threads, before.threads);
}

// A job that makes namespaces of its own (create) leaves the thread in none of them.
TEST_F(WorkersKernel, ThreadGoesHomeAfterUnshare) {
  auto made = Namespaces::create("wc", kNsNet | kNsMnt | kNsUts, [] { return Result<void>{}; });
  ASSERT_TRUE(made) << made.error().message();
  Namespaces nothing;  // holds no namespace: the job runs in the caller's
  auto w = where_in(nothing);
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, where());
}

// Work sent from inside a job goes on a new thread that inherits the job's namespaces for
// the kinds it does not name, as a thread made there would.
TEST_F(WorkersKernel, NestedRunInheritsTheOuterJobsNamespaces) {
  auto outer = Namespaces::create("wo", kNsNet | kNsMnt);
  auto inner = Namespaces::create("wi", kNsNet);
  ASSERT_TRUE(outer && inner);
  auto outer_where = where_in(*outer);
  auto nested = outer->run([&]() -> Result<Where> { return where_in(*inner); });
  ASSERT_TRUE(outer_where && nested);
  EXPECT_EQ((*nested)[1], (*outer_where)[1]);  // the outer job's mount namespace
  EXPECT_NE((*nested)[0], (*outer_where)[0]);  // the inner one's network namespace
}

// A forked child has a copy of the workers' state and none of their threads: its work in
// a namespace still runs (and does not wait for a thread that is not there).
TEST_F(WorkersKernel, ForkedChildRunsItsOwnWork) {
  auto ns = Namespaces::create("wf", kNsNet);
  ASSERT_TRUE(ns);
  ASSERT_TRUE(where_in(*ns));  // an idle worker exists in this process now
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::alarm(10);
    auto w = where_in(*ns);
    auto again = where_in(*ns);
    ::_exit(w && again && (*w)[0] == (*again)[0] && (*w)[0] != where()[0] ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "child ended by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// Under a chroot a worker that joined a mount namespace (which put it at that namespace's
// root) comes back to the chroot and working directory it had, as a new thread has them.
TEST_F(WorkersKernel, ThreadGoesBackToTheChrootItHad) {
  char dir[] = "/tmp/nc-workers-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string proc = std::string(dir) + "/proc", sub = std::string(dir) + "/sub";
  ASSERT_EQ(::mkdir(proc.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(sub.c_str(), 0755), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::alarm(10);
    // The child's own mount namespace, private: the bind of /proc stays in it.
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("/proc", proc.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0 || ::chroot(dir) != 0 || ::chdir("/sub") != 0)
      ::_exit(2);
    struct stat root {}, cwd {};
    if (::stat("/", &root) != 0 || ::stat(".", &cwd) != 0) ::_exit(3);
    auto mnt = Namespaces::current("own", kNsMnt);  // its root is the machine's, not the chroot
    if (!mnt || !mnt->run([]() -> Result<void> { return {}; })) ::_exit(4);
    Namespaces nothing;
    auto seen = nothing.run([]() -> Result<std::array<ino_t, 2>> {
      struct stat r {}, c {};
      if (::stat("/", &r) != 0 || ::stat(".", &c) != 0) return fail("stat");
      return std::array<ino_t, 2>{r.st_ino, c.st_ino};
    });
    ::_exit(seen && (*seen)[0] == root.st_ino && (*seen)[1] == cwd.st_ino ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ::rmdir(sub.c_str());
  ::rmdir(proc.c_str());
  ::rmdir(dir);
  ASSERT_TRUE(WIFEXITED(status)) << "child ended by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: the next job was not at the chroot; 2-4: set-up failed";
}

// end_idle() leaves the process with the threads it had before any work in a namespace
// (a lab clones a single-threaded caller), and the next work still runs.
TEST_F(WorkersKernel, EndIdleEndsTheKeptThreads) {
  auto count = [] {
    int n = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
    return n;
  };
  ns_workers::end_idle();  // what earlier tests kept
  int before = count();
  auto ns = Namespaces::create("we", kNsNet);
  ASSERT_TRUE(ns);
  EXPECT_EQ(count(), before + 1);  // the worker, kept
  ns_workers::end_idle();
  EXPECT_EQ(count(), before);
  EXPECT_TRUE(where_in(*ns));
}

// A namespace that cannot be entered is the job's error, named, and the worker serves on.
TEST_F(WorkersKernel, EnterFailureIsReported) {
  std::string seen;
  UniqueFd not_a_namespace(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ns_workers::run({.net = not_a_namespace.get()}, "nowhere", [&](Result<void> entered) {
    seen = entered ? "entered" : entered.error().message();
  });
  EXPECT_NE(seen.find("enter net namespace of nowhere"), std::string::npos) << seen;
  auto ns = Namespaces::create("wg", kNsNet);
  ASSERT_TRUE(ns);
  EXPECT_TRUE(where_in(*ns));
}

}  // namespace
}  // namespace nc
