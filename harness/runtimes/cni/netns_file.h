// A container's network namespace as a path, for CNI_NETNS: its nsfs file bind-mounted on a
// file below the runtime's state directory, in the mount namespace the plugins run in (the
// lab host's), as `ip netns add` does under /run/netns.
//
// remove() unmounts and deletes the file: the path is then gone, as after a runtime
// destroyed the namespace (DEL must still succeed, SPEC.md 1.0 Section 2). Dropping the
// owner does the same. Errors name the path.
#pragma once

#include <string>

#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"

namespace nc::cni {

class NetnsFile {
 public:
  // `domain` (the plugins' mount namespace) must outlive this object.
  static Result<NetnsFile> bind(const Namespaces& domain, const Namespaces& container, std::string path);
  NetnsFile(NetnsFile&& o) noexcept : domain_(o.domain_), path_(std::move(o.path_)) { o.path_.clear(); }
  NetnsFile& operator=(NetnsFile&&) = delete;
  ~NetnsFile() { (void)remove(); }

  const std::string& path() const { return path_; }
  Result<void> remove();

 private:
  NetnsFile(const Namespaces& d, std::string p) : domain_(&d), path_(std::move(p)) {}
  const Namespaces* domain_;
  std::string path_;
};

}  // namespace nc::cni
