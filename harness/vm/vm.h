// Runs one command inside a virtual machine booted with a chosen kernel (qemu-system-x86_64).
//
// The guest sees the machine's own root, read-only over virtio-9p, under a tmpfs overlay
// (so the command finds every binary and file it would find here, and writes go nowhere);
// the kernel's modules directory is bound to /lib/modules/RELEASE so the guest's modprobe
// (kmod, from the machine's root) loads that kernel's modules. A second 9p share, a fresh
// directory on the machine, is the guest's /netconform-out: the command writes its results
// there; the guest's init (ci/kernel-init, packed by ci/kernel-initramfs) writes the
// command's exit code and the tail of the kernel log back, then powers off.
//
// Acceleration: KVM (-accel kvm -cpu host) when /dev/kvm can be opened read-write, else
// TCG (software emulation). When KVM was chosen and qemu fails before the guest's init
// speaks, the VM is started again under TCG (some nested hosts offer a /dev/kvm that does
// not work). NETCONFORM_VM_ACCEL=kvm|tcg forces one.
//
// Bounded time: the guest's init must speak within `boot_timeout`, and the command must end
// within `timeout`; otherwise qemu is killed and the error carries the guest's last console
// lines (its kernel messages and the command's output). qemu is a nc::Process child: it
// gets PR_SET_PDEATHSIG(SIGKILL), so it dies when the thread that started it (or the whole
// netconform) dies, even by SIGKILL — call run_in_vm from the main thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "harness/vm/kernel_choice.h"
#include "netimpl/base/error.h"

namespace nc::vm {

struct VmSpec {
  KernelChoice kernel;                     // not host
  std::vector<std::string> argv;           // the command, run as root in the guest
  std::filesystem::path cwd = "/";         // its working directory (same path in the guest)
  std::vector<std::string> env;            // "KEY=value" exported before it runs
  // Modules modprobe'd in the guest before the command, each reported on the console as
  // loaded or not (a module the kernel lacks is not an error: the command's own probe says
  // what is missing). The guest is thrown away, so loading costs nothing beyond it.
  std::vector<std::string> modules;
  std::chrono::seconds boot_timeout{180};
  std::chrono::seconds timeout{3600};
  int memory_mib = 2048;
  int cpus = 2;
  // Each line the guest's console prints (the command's output, kernel warnings), as it
  // comes; empty: not shown.
  std::function<void(const std::string&)> on_line;
};

// A directory removed with everything in it when the owner goes.
class TempDir {
 public:
  static Result<TempDir> make(const std::string& prefix);
  TempDir(TempDir&& o) noexcept : path_(std::exchange(o.path_, {})) {}
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
};

struct VmResult {
  int exit_code = 0;            // the command's exit code in the guest
  TempDir share;                // the guest's /netconform-out, as the machine sees it
  std::string kernel_log;       // the tail of the guest's kernel log (dmesg)
  std::string accel;            // "kvm", "tcg", or "tcg-single" (the retry after an int3 Oops)
  double boot_ms = 0, total_ms = 0;
};

// The share of a run that was killed (SIGKILL leaves no destructor to remove it) stays in
// the temporary directory as netconform-vm-PID-XXXXXX; run_in_vm removes those whose PID is
// gone before it makes its own.
void sweep_stale_shares();

// The guest path of the writable share.
inline constexpr const char* kGuestShare = "/netconform-out";

// The command line qemu is started with (exposed for tests and for error messages).
std::vector<std::string> qemu_argv(const VmSpec& spec, const std::filesystem::path& share, const std::string& accel);

// Boots, runs, powers off. Errors: qemu missing or failing to start; the guest not
// booting or not finishing in time; the guest ending without an exit code — each with
// the guest's last console lines.
Result<VmResult> run_in_vm(const VmSpec& spec);

// "qemu-system-x86_64 is missing; run: ci/install-deps --with-kernels", or "" when present.
std::string qemu_missing();

}  // namespace nc::vm
