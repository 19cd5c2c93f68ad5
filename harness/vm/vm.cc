#include "harness/vm/vm.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "netimpl/process/process.h"

namespace nc::vm {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

Result<TempDir> TempDir::make(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) return sys_fail(fmt::format("mkdtemp {}", tmpl));
  return TempDir(tmpl);
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string qemu_missing() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string d; std::getline(dirs, d, ':');)
    if (!d.empty() && ::access((fs::path(d) / "qemu-system-x86_64").c_str(), X_OK) == 0) return "";
  return "qemu-system-x86_64 is missing; run: ci/install-deps --with-kernels";
}

namespace {

// 'text' for sh, with ' inside written as '\''.
std::string sh_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The script the guest's init runs (chrooted into the overlay of the machine's root).
std::string guest_script(const VmSpec& spec) {
  std::string s = "# written by netconform's VM runner (harness/vm/vm.cc)\n";
  for (auto& e : spec.env) {
    auto eq = e.find('=');
    if (eq == std::string::npos) continue;
    s += fmt::format("export {}={}\n", e.substr(0, eq), sh_quote(e.substr(eq + 1)));
  }
  for (auto& m : spec.modules)
    s += fmt::format("if modprobe {0} 2>/dev/null; then echo netconform-guest: loaded module {0};"
                     " else echo netconform-guest: could not load module {0} '(not in this kernel?)'; fi\n",
                     sh_quote(m));
  s += fmt::format("cd {} || exit 2\n", sh_quote(spec.cwd.string()));
  std::vector<std::string> words;
  for (auto& a : spec.argv) words.push_back(sh_quote(a));
  s += fmt::format("{}\n", fmt::join(words, " "));
  return s;
}

// The console line without carriage returns and terminal escape sequences (SeaBIOS
// clears the screen; the guest's netconform colours its verdicts).
std::string clean_line(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\x1b') {
      if (i + 1 < raw.size() && raw[i + 1] == '[') {
        i += 2;
        while (i < raw.size() && !(raw[i] >= '@' && raw[i] <= '~')) ++i;
      } else if (i + 1 < raw.size()) {
        ++i;
      }
      continue;
    }
    if (c == '\r') continue;
    out += c;
  }
  return out;
}

std::string read_small(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// TCG with every vCPU on one host thread (the retry after an int3 Oops, below).
constexpr std::string_view kTcgSingle = "tcg-single";

std::string accel_choice() {
  const char* forced = std::getenv("NETCONFORM_VM_ACCEL");
  for (std::string_view ok : {std::string_view("kvm"), std::string_view("tcg"), kTcgSingle})
    if (forced && forced == ok) return forced;
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return "tcg";
  ::close(fd);
  return "kvm";
}

struct Attempt {
  bool booted = false;
  bool timed_out = false;
  bool int3_oops = false;  // the guest kernel died on a breakpoint trap in its own code
  int qemu_exit = 0;
  std::deque<std::string> tail;  // the last console lines
  std::string qemu_err;
  double boot_ms = 0;
};

constexpr size_t kTailLines = 40;

Result<Attempt> boot_once(const VmSpec& spec, const fs::path& share, const std::string& accel) {
  LaunchSpec ls{.argv = qemu_argv(spec, share, accel)};
  auto proc = NC_TRY(with_context(Process::spawn(ls), "start qemu"));
  Attempt a;
  auto t0 = Clock::now();
  auto take = [&](std::string raw) {
    std::string line = clean_line(raw);
    if (!a.booted && line.find("netconform-init:") != std::string::npos) {
      a.booted = true;
      a.boot_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    }
    if (line.empty()) return;
    // "Oops: int3: 0000 [#1] ..." (6.12; 6.1 prints it without "Oops: ").
    if (line.find("int3: ") != std::string::npos && line.find(" [#") != std::string::npos) a.int3_oops = true;
    a.tail.push_back(line);
    if (a.tail.size() > kTailLines) a.tail.pop_front();
    if (spec.on_line) spec.on_line(line);
  };
  for (;;) {
    if (auto line = proc.read_line(500ms, 1 << 20)) {
      take(std::move(*line));
      continue;
    }
    auto st = NC_TRY(proc.wait_for(0ms));
    if (st) {
      std::string rest = proc.take_stdout();
      std::stringstream lines(rest);
      for (std::string l; std::getline(lines, l);) take(l);
      a.qemu_exit = *st;
      a.qemu_err = proc.take_stderr();
      return a;
    }
    auto elapsed = Clock::now() - t0;
    if ((!a.booted && elapsed > spec.boot_timeout) || elapsed > spec.timeout) {
      (void)proc.terminate(2s);
      a.timed_out = true;
      a.qemu_err = proc.take_stderr();
      return a;
    }
  }
}

std::string tail_text(const Attempt& a) {
  if (a.tail.empty()) return " (the guest printed nothing)";
  return fmt::format("; the guest's last console lines:\n  {}", fmt::join(a.tail, "\n  "));
}

}  // namespace

void sweep_stale_shares() {
  std::error_code ec;
  for (auto& e : fs::directory_iterator(fs::temp_directory_path(), ec)) {
    std::string name = e.path().filename().string();
    if (!name.starts_with("netconform-vm-")) continue;
    pid_t pid = static_cast<pid_t>(std::atoi(name.c_str() + std::strlen("netconform-vm-")));
    if (pid <= 0 || (::kill(pid, 0) != 0 && errno == ESRCH)) fs::remove_all(e.path(), ec);
  }
}

std::vector<std::string> qemu_argv(const VmSpec& spec, const fs::path& share, const std::string& accel) {
  const KernelChoice& k = spec.kernel;
  std::vector<std::string> a{"qemu-system-x86_64", "-nodefaults", "-no-user-config", "-no-reboot",
                             "-display", "none", "-monitor", "none", "-serial", "stdio", "-nic", "none",
                             "-m", std::to_string(spec.memory_mib), "-smp", std::to_string(spec.cpus)};
  if (accel == "kvm") a.insert(a.end(), {"-accel", "kvm", "-cpu", "host"});
  else if (accel == kTcgSingle) a.insert(a.end(), {"-accel", "tcg,thread=single"});
  else a.insert(a.end(), {"-accel", "tcg"});
  a.insert(a.end(), {"-kernel", k.image().string(), "-initrd", k.initramfs().string(), "-append",
                     fmt::format("console=ttyS0 panic=-1 quiet loglevel=4 netconform.modules={}", k.modules().string())});
  a.insert(a.end(), {"-fsdev", "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap",
                     "-device", "virtio-9p-pci,fsdev=root,mount_tag=root",
                     "-fsdev", fmt::format("local,id=out,path={},security_model=none,multidevs=remap", share.string()),
                     "-device", "virtio-9p-pci,fsdev=out,mount_tag=out"});
  return a;
}

Result<VmResult> run_in_vm(const VmSpec& spec) {
  if (spec.kernel.host) return fail("run_in_vm: the host kernel needs no VM");
  if (auto m = qemu_missing(); !m.empty()) return fail(m);
  sweep_stale_shares();
  auto dir = NC_TRY(TempDir::make(fmt::format("netconform-vm-{}-", ::getpid())));
  fs::path share = dir.path();
  {
    std::ofstream cmd(share / "cmd");
    cmd << guest_script(spec);
    if (!cmd) return failf("write {}", (share / "cmd").string());
  }
  auto t0 = Clock::now();
  std::string accel = accel_choice();
  std::string what = fmt::format("VM with kernel {} ({})", spec.kernel.name, spec.kernel.release);
  auto a = NC_TRY(with_context(boot_once(spec, share, accel), what));
  if (accel == "kvm" && !a.booted && !a.timed_out) {
    // A /dev/kvm that opens is not always one that works (nested hosts): try emulation.
    if (spec.on_line)
      spec.on_line(fmt::format("netconform: KVM did not start the guest (qemu: {}); retrying with TCG",
                               a.qemu_err.empty() ? fmt::format("exit {}", a.qemu_exit)
                                                   : clean_line(a.qemu_err.substr(0, a.qemu_err.find('\n')))));
    accel = "tcg";
    a = NC_TRY(with_context(boot_once(spec, share, accel), what));
  }
  if (accel == "tcg" && a.int3_oops && read_small(share / "exit-code").empty()) {
    // Seen once in CI (6.12, Docker's runc running): the guest kernel stopped on an int3 in
    // __kmalloc, a breakpoint the kernel places while it patches its own code. Emulated
    // vCPUs on threads of their own can see such a patch late; one thread runs them in
    // turn. The verdict is the second run's; the first one's console was shown above.
    if (spec.on_line)
      spec.on_line("netconform: the guest kernel died on a breakpoint trap in its own code (Oops: int3) under "
                   "multi-threaded emulation; running it again once with one TCG thread");
    accel = std::string(kTcgSingle);
    a = NC_TRY(with_context(boot_once(spec, share, accel), what));
  }
  if (a.timed_out)
    return failf("{}: {} within {} s{}", what, a.booted ? "the command did not finish" : "the guest did not boot",
                 (a.booted ? spec.timeout : spec.boot_timeout).count(), tail_text(a));
  VmResult r{.exit_code = 0, .share = std::move(dir), .kernel_log = read_small(share / "dmesg"), .accel = accel,
             .boot_ms = a.boot_ms,
             .total_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count()};
  std::string code = read_small(share / "exit-code");
  if (code.empty() || code.find_first_not_of("0123456789\n") != std::string::npos)
    return failf("{}: the guest ended without an exit code (qemu exit {}{}){}", what, a.qemu_exit,
                 a.qemu_err.empty() ? "" : ": " + clean_line(a.qemu_err), tail_text(a));
  r.exit_code = std::stoi(code);
  return r;
}

}  // namespace nc::vm
