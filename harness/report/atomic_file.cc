#include "harness/report/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <utility>

#include "netimpl/base/unique_fd.h"

namespace nc::report {
namespace {

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Result<void> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_fail("write temporary file");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

// Everything between creating the temporary file and renaming it; the caller unlinks
// `tmp` when this fails.
Result<void> fill_and_rename(UniqueFd fd, const std::string& tmp, const std::string& path,
                             std::string_view content) {
  NC_TRY_VOID(write_all(fd.get(), content));
  if (::fsync(fd.get()) != 0) return sys_fail("sync temporary file");
  if (::close(fd.release()) != 0) return sys_fail("close temporary file");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return sys_fail(fmt::format("rename {} over it", tmp));
  return {};
}

// A name no other writer uses: pid plus a per-process counter, created with O_EXCL. Not
// mkstemp, whose 0600 mode would need the umask read back (racy with other threads).
Result<std::pair<UniqueFd, std::string>> create_temp(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  for (;;) {
    std::string tmp = fmt::format("{}.tmp.{}.{}", path, ::getpid(), counter++);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) return std::pair{UniqueFd(fd), std::move(tmp)};
    if (errno != EEXIST) return sys_fail(fmt::format("create temporary file in {}", dir_of(path)));
  }
}

}  // namespace

Result<void> write_file_atomic(const std::string& path, std::string_view content) {
  auto created = create_temp(path);
  if (!created) return std::unexpected(std::move(created).error().context(fmt::format("write {}", path)));
  auto& [fd, tmp] = *created;
  auto r = fill_and_rename(std::move(fd), tmp, path, content);
  if (!r) {
    ::unlink(tmp.c_str());
    return std::unexpected(std::move(r).error().context(fmt::format("write {}", path)));
  }
  return {};
}

}  // namespace nc::report
