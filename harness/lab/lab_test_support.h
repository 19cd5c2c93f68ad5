// Test support for the lab's kernel tests: finding a lab's processes from outside, and a
// fixture that proves the machine is untouched.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/lab/machine_snapshot.h"
#include "netimpl/base/unique_fd.h"

namespace nc::lab::testing {

// The inode of `pid`'s PID namespace, or 0.
ino_t pidns_of(pid_t pid);
// Every process (as the machine sees it) in the PID namespace with inode `ns`, zombies
// included.
std::set<pid_t> processes_in_pidns(ino_t ns);
std::string comm_of(pid_t pid);
// Bounded waits: every pidfd reports exit / no live process is left in the namespace.
bool all_exit_within(const std::vector<UniqueFd>& pidfds, std::chrono::milliseconds limit);
bool pidns_empty_within(ino_t ns, std::chrono::milliseconds limit);

// A line protocol over a pipe between a lab's body (or its caller) and the test:
// "key value\n". read_reports() stops once `want` distinct keys were seen or at `limit`.
void report(int fd, const std::string& key, const std::string& value = "");
std::map<std::string, std::string> read_reports(int fd, size_t want, std::chrono::milliseconds limit);

// Skips without root; snapshots the machine in SetUp for ExpectMachineUntouched().
class LabKernelTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void ExpectMachineUntouched();
  MachineSnapshot before_;
};

}  // namespace nc::lab::testing
