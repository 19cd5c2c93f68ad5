#include "harness/lab/lab_dns.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "netimpl/base/unique_fd.h"
#include "netimpl/dns/bind_file.h"

namespace nc::lab {
namespace {

constexpr const char* kSystemdDir = "/run/systemd/resolve";
constexpr const char* kSystemdFile = "/run/systemd/resolve/resolv.conf";

// Replaces the text of an existing file (flags: O_CREAT to make it).
Result<void> write_in_place(const char* path, std::string_view text, int flags) {
  UniqueFd fd(::open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | flags, 0644));
  if (!fd) return sys_fail(fmt::format("open {}", path));
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0) return sys_fail(fmt::format("write {}", path));
    done += static_cast<size_t>(n);
  }
  return {};
}

// systemd-resolved's directory on a tmpfs of the host's mount namespace's own: mounted
// once, so that a runtime that took a recursive view of /run when it started (a runtime
// root, cli_adapter/host_files.h) sees every file written there later.
Result<void> own_systemd_dir() {
  struct stat dir{}, run{};
  if (::stat(kSystemdDir, &dir) == 0 && ::stat("/run", &run) == 0 && dir.st_dev != run.st_dev) return {};
  for (const char* d : {"/run/systemd", kSystemdDir})
    if (::mkdir(d, 0755) != 0 && errno != EEXIST) return sys_fail(fmt::format("create {}", d));
  if (::mount("tmpfs", kSystemdDir, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755") != 0)
    return sys_fail(fmt::format("mount tmpfs on {}", kSystemdDir));
  return {};
}

}  // namespace

Result<void> setup_lab_dns(const Namespaces& host, netlink::Rtnl& external, bool ipv6) {
  for (auto* ip : {"203.0.113.53/24", "203.0.113.54/24", "203.0.113.55/24"})
    NC_TRY_VOID_CTX(external.add_service_address("eth0", *Prefix::parse(ip)), "upstream DNS address {}", ip);
  for (auto* ip : {"2001:db8:113::53/64", "2001:db8:113::54/64", "2001:db8:113::55/64"})
    if (ipv6) NC_TRY_VOID_CTX(external.add_service_address("eth0", *Prefix::parse(ip)), "upstream DNS address {}", ip);
  if (!host.has(kNsMnt)) return {};
  NC_TRY_VOID(dns::BoundFile::bind(host, "/etc/resolv.conf", kHostResolvConf));
  return {};
}

Result<void> write_host_resolv(const Namespaces& host, const HostResolvFiles& files) {
  if (!host.has(kNsMnt)) return failf("write the resolver files of {}: it has no mount namespace of its own", host.name());
  return with_context(host.run([&]() -> Result<void> {
                        NC_TRY_VOID(write_in_place("/etc/resolv.conf", files.etc, 0));
                        NC_TRY_VOID(own_systemd_dir());
                        if (files.systemd) NC_TRY_VOID(write_in_place(kSystemdFile, *files.systemd, O_CREAT));
                        return {};
                      }),
                      fmt::format("write the resolver files of {}", host.name()));
}

}  // namespace nc::lab
