#include "harness/kernel/br_netfilter.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/kernel/features.h"
#include "harness/kernel/judge.h"
#include "netimpl/netlink/rtnl.h"

namespace nc::kernel {
namespace {

constexpr std::string_view kModule = "br_netfilter";

std::optional<std::string> read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

bool lists_module(std::string_view list, std::string_view module) {
  while (!list.empty()) {
    auto nl = list.find('\n');
    std::string_view line = list.substr(0, nl);
    list = nl == std::string_view::npos ? std::string_view{} : list.substr(nl + 1);
    line = line.substr(0, line.find(':'));  // modules.dep: "path: dependencies"
    auto slash = line.rfind('/');
    std::string_view file = slash == std::string_view::npos ? line : line.substr(slash + 1);
    if (file.starts_with(module) && file.substr(module.size()).starts_with(".ko")) return true;
  }
  return false;
}

Feature judge_br_netfilter(const BrNetfilterFacts& f) {
  const std::string name(kModule);
  if (f.sysctl || f.sysctl.error().sys_errno() != ENOENT) return judge(name, f.sysctl);
  const std::string& why = f.sysctl.error().message();
  if (f.builtin && lists_module(*f.builtin, kModule))
    return {name, false, fmt::format("probe failed (built in per {}/modules.builtin, yet {})", f.modules_dir, why)};
  if (f.module_present)
    return {name, false,
            fmt::format("module {} is not loaded ({}; it is in {}: `modprobe {}` loads it, as Docker's daemon does "
                        "when it starts; netconform loads no modules)",
                        kModule, why, f.modules_dir, kModule)};
  if (!f.modules_dir_exists)
    return {name, false,
            fmt::format("kernel lacks {} ({}; not built in, and no {} to hold it as a module)", config_of(name), why,
                        f.modules_dir)};
  return {name, false,
          fmt::format("kernel lacks {} ({}; neither built in nor a module in {})", config_of(name), why, f.modules_dir)};
}

BrNetfilterFacts br_netfilter_facts(const Namespaces& ns) {
  namespace fs = std::filesystem;
  BrNetfilterFacts f{.sysctl = [&]() -> Result<std::string> {
    auto v = NC_TRY(netlink::read_sysctl(ns, kBrNetfilterSysctl));
    while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
    return fmt::format("bridge-nf-call-iptables={}", v);
  }()};
  fs::path dir = fs::path("/lib/modules") / kernel_release();
  f.modules_dir = dir.string();
  std::error_code ec;
  f.modules_dir_exists = fs::is_directory(dir, ec);
  if (!f.modules_dir_exists) return f;
  f.builtin = read_text(dir / "modules.builtin");
  auto dep = read_text(dir / "modules.dep");
  f.module_present = dep && lists_module(*dep, kModule);
  for (std::string_view ext : {"", ".xz", ".zst", ".gz"})
    if (fs::exists(dir / fmt::format("kernel/net/bridge/{}.ko{}", kModule, ext), ec)) f.module_present = true;
  return f;
}

}  // namespace nc::kernel
