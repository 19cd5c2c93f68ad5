// Which kernel a `netconform run --kernel ITEM` runs on, and where its files are.
//
// ITEM is one of
//   host           the machine's own kernel: no virtual machine
//   debian-6.1     a kernel fetched by `ci/kernels NAME` into
//   debian-6.12      ${NETCONFORM_CACHE:-/var/cache/netconform}/kernels/NAME/
//   debian-SUITE     (any Debian suite by name: debian-bookworm-backports, debian-sid)
//   PATH           (anything holding a '/') a directory laid out the same way:
//                    PATH/vmlinuz                 the kernel image
//                    PATH/lib/modules/RELEASE/    its modules, indexed (depmod -b PATH RELEASE)
//                    PATH/initramfs.cpio.gz       built by `ci/kernel-initramfs PATH`
// resolve_kernel checks the layout up front, so a run never starts a VM that cannot boot.
// Errors (the caller exits 2): an unknown name lists the known ones; a known name not yet
// fetched names the ci command that fetches it; a directory missing a part names the part.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "netimpl/base/error.h"

namespace nc::vm {

struct KernelChoice {
  std::string name;            // as given: "host", "debian-6.1", or the PATH
  bool host = false;           // true: run here, no VM (the rest is empty)
  std::filesystem::path dir;   // holds vmlinuz, initramfs.cpio.gz and lib/modules/RELEASE
  std::string release;         // RELEASE (uname -r inside the guest)

  std::filesystem::path image() const { return dir / "vmlinuz"; }
  std::filesystem::path initramfs() const { return dir / "initramfs.cpio.gz"; }
  std::filesystem::path modules() const { return dir / "lib" / "modules" / release; }
};

// The names ci/kernels knows, in order.
const std::vector<std::string>& known_kernel_names();
// ${NETCONFORM_CACHE:-/var/cache/netconform}/kernels
std::filesystem::path kernels_cache_dir();

Result<KernelChoice> resolve_kernel(std::string_view item, const std::filesystem::path& cache = kernels_cache_dir());

}  // namespace nc::vm
