// The lab: a throwaway PID + network + mount namespace in which all work happens.
//
// run_in_lab() clones the lab's init, PID 1 of fresh PID, network and mount namespaces.
// Init, before anything else runs in the lab:
//   - arms PR_SET_PDEATHSIG(SIGKILL), then checks that the caller is still alive (it may
//     have died before the prctl; getppid() cannot tell, it is 0 across PID namespaces);
//   - makes "/" recursively private (Debian's "/" is a shared mount: without this the
//     lab's mounts would appear on the machine);
//   - under a chroot, pivots the mount namespace onto the chroot, so that a thread or child
//     that joins it (or a namespace cloned from it) with setns() stays inside the chroot;
//   - mounts a fresh proc on /proc (PIDs are the lab's), tmpfs over /run and /var/tmp, and
//     creates the state directory on that tmpfs — it never creates anything outside it;
//   - if the root has no /etc/hosts (debootstrap's minbase), shows /etc through an overlay
//     whose upper layer on that tmpfs holds an empty one (netimpl binds hosts files over it).
// Then init forks the runner (PID 2), which brings lo up in the lab's network namespace,
// calls body() and exits with its return value (0..255). Init only reaps, until the runner has exited, and then exits with the
// runner's status. SIGTERM or SIGINT to init is teardown: it SIGKILLs everything in the
// lab and exits with 128+signal.
//
// When init exits — normally, on teardown, or killed because the caller died — the
// kernel kills every process of the lab, and with them go the namespaces, links,
// nftables tables, mounts and the tmpfs. Nothing a body creates inside the lab can
// outlive it.
//
// The caller must be single-threaded: the lab is a clone (without CLONE_VM) of the caller,
// and a clone of a multi-threaded process can inherit locks that no thread will release.
// Threads kept for work in namespaces (netimpl/ns/workers.h) that wait for work are ended
// first; any other thread is the caller's to end.
// The runner is a copy of the caller: every fd is inherited (results travel back through
// files or pipes the caller opened), as are globals, but nothing flows back except the
// exit status. While the lab runs, SIGINT and SIGTERM sent to the caller are forwarded to
// the lab's init (so Ctrl-C tears the lab down and run_in_lab returns 130).
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "netimpl/base/error.h"

namespace nc::lab {

struct LabOptions {
  // The lab's state directory, created on the lab's tmpfs; must be below /run/.
  std::string state_dir = "/run/netconform";
  // Called in the caller's process once init has started, with init's pid as the caller
  // sees it (e.g. to record it, or to signal it later from another process).
  std::function<void(pid_t)> on_started;
};

// Runs body() as PID 2 of a fresh lab and returns its exit code (128+N when the runner
// was killed by signal N, 128+SIGTERM/SIGINT on teardown, 137 when init was SIGKILLed).
// An error when the lab could not be started: "run lab: mount tmpfs on /run: ...".
Result<int> run_in_lab(const LabOptions& opts, std::function<int()> body);

}  // namespace nc::lab
