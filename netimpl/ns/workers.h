// Kept threads for work inside other namespaces: Namespaces::run and ::create, and the
// embedded DNS server's sockets.
//
// Only a thread can join a namespace, and work inside a container's namespaces used to
// get a thread of its own: made, moved in, joined. Making and joining a thread costs about
// 60 µs on this kind of VM and moving one (setns) a few µs; a container's set-up did it
// seven times, more than its netlink requests took. A worker is a kept thread: it enters
// the namespaces of one job, runs it, and then goes back into the process's own
// namespaces — and to the root and working directory it started with, which differ from
// the namespace's root under a chroot — before it takes the next. The way back is setns
// and chroot, whatever the job did meanwhile (unshare, pivot_root in a mount namespace it
// made, a hostname in its UTS namespace), so a job may do what the throwaway thread could.
//
// Kept threads serve only callers in the process's own namespaces — those of the main
// thread, which never moves (namespaces.h), taken when the first worker is made — where a
// new thread would have started too. Those callers are the threads that are not running a
// job here, in the process that made the workers: a thread that moved itself by other
// means (Namespaces::enter, a raw setns) calls none of this, and a child of fork or clone
// without CLONE_VM has a copy of this state and none of its threads. Any other caller (a
// job that sends work into yet another namespace, a child) gets a new thread, which
// inherits the caller's namespaces, as before.
//
// At most kKeptIdle workers wait for work, the others end after their job; end_idle()
// ends those that wait (a process that must be single-threaded again, to clone itself).
// A process a job starts and leaves running lives until its worker ends
// (PR_SET_PDEATHSIG follows the thread, process.h); a throwaway thread's died with the job.
#pragma once

#include <functional>
#include <string_view>

#include "netimpl/base/error.h"

namespace nc::ns_workers {

inline constexpr int kKeptIdle = 4;

// Namespace fds to enter, by kind; -1: that kind stays the caller's.
struct Target {
  int net = -1, mnt = -1, uts = -1;
};

// Runs `job` on a thread inside `target` and returns once it has run. `job` gets the
// result of entering: when that failed it runs in no namespace of `target`'s and should
// only report it. `what` names the target in that error ("enter net namespace of web").
void run(const Target& target, std::string_view what, const std::function<void(Result<void> entered)>& job);

// Ends the workers that wait for work and returns once their threads are gone. Workers
// busy with a job are left alone. The next run() makes a new one.
void end_idle();

// false: every job gets a new thread, as before workers (bench topology compares the
// two). Default true.
void set_kept(bool kept);

// Jobs run so far, and threads started for them (workers and new threads): tests and
// benchmarks.
struct Counts {
  long jobs = 0, threads = 0;
};
Counts counts();

}  // namespace nc::ns_workers
