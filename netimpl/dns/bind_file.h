// A text file shown at a path inside a mount namespace (a container's /etc/resolv.conf,
// /etc/hosts, the lab host's /etc/resolv.conf) without writing anywhere on disk.
//
// The text lives in a file on a detached tmpfs that is bind-mounted over `target` inside
// `ns` (which must hold a mount namespace; `target` must exist there). Before the first mount the
// namespace's mounts are made private, so nothing propagates out of it. The mount lives
// as long as the namespace; the returned BoundFile can rewrite the text in place.
#pragma once

#include <string_view>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/base/unique_fd.h"
#include "netimpl/ns/namespaces.h"

namespace nc::dns {

class BoundFile {
 public:
  BoundFile() = default;
  static Result<BoundFile> bind(const Namespaces& ns, std::string_view target, std::string_view text);
  // Several files at once: one thread in `ns`, one scratch mount (a container's
  // resolv.conf and hosts cost one namespace entry and one unmount, not two of each).
  // In the order given; on failure the mounts made so far stay (they go with `ns`).
  struct Spec {
    std::string_view target, text;
  };
  static Result<std::vector<BoundFile>> bind_all(const Namespaces& ns, const std::vector<Spec>& files);
  // Replaces the text; readers see the new text at once.
  Result<void> rewrite(std::string_view text);
  bool valid() const { return fd_.valid(); }

 private:
  UniqueFd fd_;
};

}  // namespace nc::dns
