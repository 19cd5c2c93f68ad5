// Running a runtime's command-line client (docker, podman) with a bound on its time.
//
// A Cli holds the client's fixed argv prefix ("/usr/bin/docker -H unix:///run/...") and the
// namespaces it runs in (the lab host's: podman *is* the runtime, so it must see the host's
// network, mount and UTS namespaces; docker only needs the socket path, and running it
// there too keeps the two alike).
//
// Why netimpl/process and not Boost.Process (which the issue names): Boost 1.74's
// child::wait_for is unreliable and its async machinery installs a process-wide SIGCHLD
// handler (DESIGN.md, Traps). Bounding a child cleanly needs pidfd_open + poll + waitpid
// on raw pipe fds, which is exactly what nc::run() already does (tested, kills the whole
// process group on timeout, never reaps other children). Boost.Process would be a wrapper
// around that with nothing left for it to do.
//
// Errors name the command and carry its stderr:
//   "docker network create appnet: exit 1: Error response from daemon: ..."
//   "podman inspect web: timed out after 30000 ms"
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "netimpl/base/error.h"
#include "netimpl/ns/namespaces.h"
#include "netimpl/process/process.h"

namespace nc::runtimes {

inline constexpr std::chrono::milliseconds kCliTimeout{60000};

class Cli {
 public:
  // `name` is how errors call the client ("docker"); `prefix` its argv up to the
  // subcommand; `ns` must outlive the Cli (it may be null: our own namespaces).
  Cli(std::string name, std::vector<std::string> prefix, const Namespaces* ns, std::vector<std::string> env = {})
      : name_(std::move(name)), prefix_(std::move(prefix)), ns_(ns), env_(std::move(env)) {}

  // Runs `prefix + args`; stdout on exit 0, otherwise an error as above.
  Result<std::string> out(const std::vector<std::string>& args,
                          std::chrono::milliseconds timeout = kCliTimeout) const;
  // Runs it for its effect: success exactly on exit 0.
  Result<void> ok(const std::vector<std::string>& args, std::chrono::milliseconds timeout = kCliTimeout) const;
  // Runs it and returns everything, a non-zero exit included; an error only when the
  // client could not start or timed out.
  Result<RunResult> raw(const std::vector<std::string>& args, std::chrono::milliseconds timeout) const;
  // The words of stdout, one per line, blank lines dropped ("ps -aq", "network ls").
  Result<std::vector<std::string>> lines(const std::vector<std::string>& args) const;

  const std::string& name() const { return name_; }

 private:
  std::string describe(const std::vector<std::string>& args) const;

  std::string name_;
  std::vector<std::string> prefix_;
  const Namespaces* ns_;
  std::vector<std::string> env_;
};

// The text trimmed of surrounding whitespace.
std::string trim(std::string_view s);

}  // namespace nc::runtimes
