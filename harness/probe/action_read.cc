// `read PATH`: a file's contents (resolv.conf, hosts, /proc files).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "harness/probe/action.h"
#include "harness/probe/output.h"
#include "netimpl/base/unique_fd.h"

namespace nc::probe {
namespace {

constexpr size_t kMaxContent = 64 * 1024;

Json read_file(const std::string& path) {
  Json j = result("read", "ok");
  j["path"] = path;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    int err = errno;
    j["outcome"] = (err == ENOENT || err == ENOTDIR) ? "missing" : "error";
    j["error"] = errno_text(err);
    return j;
  }
  // /proc files report size 0: read until EOF, one byte past the cap to detect more.
  std::string content(kMaxContent + 1, '\0');
  size_t got = 0;
  while (got < content.size()) {
    ssize_t n = ::read(fd.get(), content.data() + got, content.size() - got);
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      j["outcome"] = "error";
      j["error"] = errno_text(err);
      return j;
    }
    got += static_cast<size_t>(n);
  }
  content.resize(std::min(got, kMaxContent));
  j["content"] = content;
  if (got > kMaxContent) j["truncated"] = true;
  return j;
}

int run(const Invocation& inv) {
  emit(read_file(inv.args[0]));
  return kExitOk;
}

}  // namespace

extern const ActionSpec kReadAction{
    .name = "read",
    .synopsis = "read PATH",
    .min_args = 1,
    .max_args = 1,
    .run = run,
};

}  // namespace nc::probe
