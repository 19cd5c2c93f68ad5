// <sys/pidfd.h> for C++: glibc 2.36 (Debian 12) ships it without extern "C", so its
// declarations get C++ linkage and pidfd_open/pidfd_send_signal fail to link.
#pragma once

#include <signal.h>
#include <sys/types.h>

extern "C" {
#include <sys/pidfd.h>
}
