#include "harness/lab/lab_test_support.h"

#include <dirent.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include <fmt/format.h>

namespace nc::lab::testing {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

ino_t pidns_of(pid_t pid) {
  struct stat st {};
  return ::stat(fmt::format("/proc/{}/ns/pid", pid).c_str(), &st) == 0 ? st.st_ino : 0;
}

std::set<pid_t> processes_in_pidns(ino_t ns) {
  std::set<pid_t> out;
  DIR* d = ::opendir("/proc");
  while (dirent* e = d ? ::readdir(d) : nullptr) {
    pid_t pid = std::atoi(e->d_name);
    if (pid > 0 && pidns_of(pid) == ns) out.insert(pid);
  }
  if (d) ::closedir(d);
  return out;
}

std::string comm_of(pid_t pid) {
  std::ifstream f(fmt::format("/proc/{}/comm", pid));
  std::string s;
  std::getline(f, s);
  return s;
}

bool all_exit_within(const std::vector<UniqueFd>& pidfds, std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  for (const auto& fd : pidfds) {
    pollfd p{fd.get(), POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 0))) != 1) return false;
  }
  return true;
}

bool pidns_empty_within(ino_t ns, std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  while (!processes_in_pidns(ns).empty()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

std::map<std::string, std::string> read_reports(int fd, size_t want, std::chrono::milliseconds limit) {
  std::map<std::string, std::string> out;
  std::string buf;
  auto deadline = Clock::now() + limit;
  while (out.size() < want) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) != 1) break;
    char tmp[256];
    ssize_t n = ::read(fd, tmp, sizeof tmp);
    if (n <= 0) break;
    buf.append(tmp, static_cast<size_t>(n));
    for (size_t nl; (nl = buf.find('\n')) != std::string::npos; buf.erase(0, nl + 1)) {
      std::string line = buf.substr(0, nl);
      size_t sp = line.find(' ');
      out[line.substr(0, sp)] = sp == std::string::npos ? "" : line.substr(sp + 1);
    }
  }
  return out;
}

void report(int fd, const std::string& key, const std::string& value) {
  std::string line = key + " " + value + "\n";
  [[maybe_unused]] ssize_t n = ::write(fd, line.data(), line.size());
}

void LabKernelTest::SetUp() {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for PID, network and mount namespaces";
  auto s = MachineSnapshot::take();
  ASSERT_TRUE(s) << s.error().message();
  before_ = std::move(*s);
}

void LabKernelTest::ExpectMachineUntouched() {
  auto after = MachineSnapshot::take();
  ASSERT_TRUE(after) << after.error().message();
  EXPECT_EQ(diff(before_, *after), "");
}

}  // namespace nc::lab::testing
