#include "harness/cli/new_command.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "harness/checks/loader.h"
#include "harness/checks/text_chars.h"

namespace nc::cli {

std::string scenario_skeleton(const std::string& id) {
  return fmt::format(R"(# {id}: a production incident, replayed. The schema: conformance/README.md;
# the habits of a story: scenarios/README.md. Run it with
#   build/netconform run --suite scenarios --filter {id} -v
id: {id}
# One line: what goes wrong, as a fact.
title: A client is refused by a service that listens on another port than the one it is reached on
# Where the behaviour comes from: a BEHAVIOUR.md section, a docs page, a source file.
source: >-
  The seed's "debug this" checklist; Docker docs, Networking overview
# What the story needs of the kernel and the runtime (conformance/README.md, Capabilities).
requires: [netns, veth, bridge]
# The incident as it happened: what ran, what someone did, what was seen. Printed with -v.
story: |
  A service was moved to a new image; its clients began to get "connection refused".
  The new image's service listens on 8080, the clients still connect to 80.
networks:
  appnet: {{}}
containers:
  # `run: "serve tcp://0.0.0.0:80 --after-ms 2000"` is a service that starts late.
  api: {{ networks: [appnet], run: "serve tcp://0.0.0.0:8080" }}
  client: {{ networks: [appnet] }}
steps:
  # Act one, the symptom: what the person saw. A step's `name` is its line of the story;
  # a failing step is printed with it.
  - name: the client is refused on the port it knows
    from: client
    connect: "tcp://${{api.ip}}:80"
    expect: refused
  # The diagnosis, printed: a note, or a `diagnose:` step whose text is asserted.
  - name: inside api, nothing listens on 80
    from: api
    diagnose: 80
    expect: {{ contains: "nothing listens on port 80" }}
  # Act two: `fix:` starts it; the steps after it show that the remedy works.
  - fix: "Connect to the port the service listens on (or publish 80 onto 8080)."
  - name: the client reaches the service on its real port
    from: client
    connect: "tcp://${{api.ip}}:8080"
    expect: {{ outcome: ok, peer: "${{client.ip}}" }}
)",
                     fmt::arg("id", id));
}

int new_command(const std::string& kind, const std::string& id, const std::string& checks_root) {
  if (kind != "scenario") {
    fmt::print(stderr, "netconform new: '{}' is not something it writes; write: netconform new scenario SCN-NNN\n", kind);
    return 2;
  }
  static const std::regex pattern("^SCN(-[A-Z]+)*-[0-9]{3}$");
  if (!std::regex_match(id, pattern)) {
    fmt::print(stderr, "netconform new scenario: '{}' is not a scenario ID; write SCN-NNN or SCN-AREA-NNN (SCN-DNS-007)\n",
               checks::detail::printable(id));
    return 2;
  }
  namespace fs = std::filesystem;
  auto existing = checks::load_catalogue(checks_root);
  if (!existing) {
    fmt::print(stderr, "netconform new scenario: the catalogue at {} does not load: {}\n", checks_root, existing.error().message());
    return 2;
  }
  if (auto it = std::ranges::find(*existing, id, &checks::Check::id); it != existing->end()) {
    fmt::print(stderr, "netconform new scenario: {} is taken by {}; IDs are never reused, take the next free number\n", id,
               it->pos.str());
    return 2;
  }
  std::string lower = id;
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto path = fs::path(checks_root) / "scenarios" / (lower + ".yaml");
  // O_EXCL: never overwrite, not even a file created since the check above.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    fmt::print(stderr, "netconform new scenario: {}: {}\n", path.string(),
               errno == EEXIST ? "exists already; it is not overwritten" : std::strerror(errno));
    return 2;
  }
  auto text = scenario_skeleton(id);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    fmt::print(stderr, "netconform new scenario: writing {} failed: {}\n", path.string(), std::strerror(errno));
    fs::remove(path);
    return 2;
  }
  fmt::print("wrote {}\nadd it to scenarios/README.md's table, then run: netconform run --suite scenarios --filter {} -v\n",
             path.string(), id);
  return 0;
}

}  // namespace nc::cli
