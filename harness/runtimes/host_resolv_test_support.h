// Test support: the lab host's /etc/resolv.conf as a runtime starting in it reads it.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "netimpl/ns/namespaces.h"

namespace nc::runtimes {

inline std::string etc_resolv_in(const Namespaces& host) {
  auto text = host.run([]() -> Result<std::string> {
    char buf[4096];
    int fd = ::open("/etc/resolv.conf", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return sys_fail("open /etc/resolv.conf");
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    return std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
  });
  return text ? *text : "(unreadable: " + text.error().message() + ")";
}

}  // namespace nc::runtimes
