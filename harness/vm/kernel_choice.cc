#include "harness/vm/kernel_choice.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace nc::vm {

namespace fs = std::filesystem;

const std::vector<std::string>& known_kernel_names() {
  static const std::vector<std::string> names{"debian-6.1", "debian-6.12"};
  return names;
}

fs::path kernels_cache_dir() {
  const char* c = std::getenv("NETCONFORM_CACHE");
  return fs::path(c && *c ? c : "/var/cache/netconform") / "kernels";
}

namespace {

// The one directory under DIR/lib/modules; an error naming what is missing.
Result<std::string> release_in(const fs::path& dir) {
  std::error_code ec;
  fs::path mods = dir / "lib" / "modules";
  std::vector<std::string> found;
  for (auto& e : fs::directory_iterator(mods, ec))
    if (e.is_directory()) found.push_back(e.path().filename().string());
  if (ec || found.empty()) return failf("{} holds no kernel release directory", mods.string());
  if (found.size() > 1) return failf("{} holds {} releases ({}); expected one", mods.string(), found.size(), fmt::join(found, ", "));
  if (!fs::exists(mods / found[0] / "modules.dep"))
    return failf("{} has no modules.dep; run: depmod -b {} {}", (mods / found[0]).string(), dir.string(), found[0]);
  return found[0];
}

Result<KernelChoice> from_dir(std::string name, const fs::path& dir) {
  KernelChoice k{.name = std::move(name), .host = false, .dir = dir, .release = ""};
  if (!fs::is_directory(dir)) return failf("{} is not a directory", dir.string());
  if (!fs::exists(k.image())) return failf("{} is missing (the kernel image)", k.image().string());
  k.release = NC_TRY(release_in(dir));
  if (!fs::exists(k.initramfs()))
    return failf("{} is missing; run: ci/kernel-initramfs {}", k.initramfs().string(), dir.string());
  return k;
}

}  // namespace

// debian-SUITE: a Debian suite's kernel, by the suite's name (letters and dashes:
// debian-bookworm-backports, debian-sid), fetched by `ci/kernels debian-SUITE`.
bool is_suite_name(const std::string& s) {
  if (!s.starts_with("debian-") || s.size() == 7 || !std::islower(static_cast<unsigned char>(s[7]))) return false;
  return std::all_of(s.begin() + 7, s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; });
}

Result<KernelChoice> resolve_kernel(std::string_view item, const fs::path& cache) {
  std::string s(item);
  if (s == "host") return KernelChoice{.name = s, .host = true, .dir = {}, .release = ""};
  if (s.find('/') != std::string::npos) return with_context(from_dir(s, fs::absolute(s)), fmt::format("--kernel {}", s));
  auto& known = known_kernel_names();
  if (std::find(known.begin(), known.end(), s) == known.end() && !is_suite_name(s))
    return failf("--kernel {}: unknown kernel (known: host, {}, debian-SUITE for any Debian suite's kernel, e.g. "
                 "debian-bookworm-backports; or a directory holding vmlinuz, initramfs.cpio.gz and lib/modules/RELEASE{})",
                 s, fmt::join(known, ", "),
                 fs::is_directory(s) ? fmt::format(": for the directory {0} here, write ./{0}", s) : "");
  fs::path dir = cache / s;
  if (!fs::exists(cache / (s + ".stamp")) || !fs::is_directory(dir))
    return failf("--kernel {}: not fetched yet ({} is missing); run: ci/kernels {}", s, dir.string(), s);
  return with_context(from_dir(s, dir), fmt::format("--kernel {}", s));
}

}  // namespace nc::vm
