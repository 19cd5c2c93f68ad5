// Kernel tests of the host's resolver in a check: the lab's `host_resolv` (the files a
// runtime starts with), the `host_resolv` step (an administrator's edit while containers
// run), the stub the lab runs for a loopback nameserver, and netimpl doing what Docker does
// with them (moby libnetwork resolvconf Path() and sandbox_dns_unix.go setupDNS). Each check
// passes only if the option or step did its work: were it a no-op, the container would see
// the lab's usual `nameserver 203.0.113.53` (or Google's servers) and the step after it
// fails; the controls run the same checks without it and must fail. Needs root: real labs.
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "harness/cli/run_checks_support.h"

namespace nc {
namespace {

using testing_support::check_status;
using testing_support::run_check_files;

class HostResolv : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: netconform builds labs of namespaces";
  }
};

constexpr const char* kHead = "title: t\nsource: s\nrequires: [netns, veth, bridge, dns, lifecycle, host_resolv]\n";

// The lab key: the files are there before the runtime starts, and the runtime uses them.
std::string lab_check(const std::string& id, const std::string& lab, const std::string& steps) {
  return "id: " + id + "\n" + kHead + lab +
         "networks: { n: {} }\ncontainers:\n  legacy: {}\n  app: { networks: [n] }\nsteps:\n" + steps;
}

TEST_F(HostResolv, TheLabsFilesAreWhatTheRuntimeStartsWith) {
  auto results = run_check_files("host-resolv-lab", {
      // Plain file: the default bridge copies it, the embedded server forwards to it.
      {"dns-901.yaml", lab_check("DNS-901",
                                 "lab:\n  host_resolv: { nameservers: [203.0.113.54], search: [corp.test], options: [\"ndots:3\"] }\n",
                                 "  - { from: legacy, read: /etc/resolv.conf, expect: { contains: [\"nameserver 203.0.113.54\", \"search corp.test\", \"ndots:3\"], not_contains: 203.0.113.53 } }\n"
                                 "  - { from: app, read: /etc/resolv.conf, expect: { contains: [\"search corp.test\", \"ndots:3\"], not_contains: \"ndots:0\" } }\n"
                                 "  - { from: app, resolve: www.example.test., expect: { rcode: noerror, addresses: [192.0.2.80] } }\n"
                                 "  - { dns_log: { name: www.example.test, server: 203.0.113.54 }, expect: { count: 1, source: \"${host.ip}\" } }\n")},
      // systemd-resolved's stub alone: the runtime reads resolved's own file (Path()), the
      // host resolves through the lab's stub on 127.0.0.53.
      {"dns-902.yaml", lab_check("DNS-902",
                                 "lab:\n  host_resolv: { nameservers: [127.0.0.53], search: [example.test], systemd_resolved: [203.0.113.55] }\n",
                                 "  - { from: legacy, read: /etc/resolv.conf, expect: { contains: \"nameserver 203.0.113.55\", not_contains: [\"8.8.8.8\", \"127.0.0.53\"] } }\n"
                                 "  - { from: app, resolve: www.example.test., expect: { rcode: noerror, addresses: [192.0.2.80] } }\n"
                                 "  - { dns_log: { name: www.example.test, server: 203.0.113.55 }, expect: { count: 1 } }\n"
                                 "  - { from: host, resolve: v6only.example.test., expect: { rcode: noerror, addresses: [], answered_by: 127.0.0.53 } }\n"
                                 "  - { dns_log: { name: v6only.example.test, server: 127.0.0.53 }, expect: { count: 1 } }\n")},
      // Not alone: Path() keeps /etc/resolv.conf, whose loopback server the default bridge drops.
      {"dns-903.yaml", lab_check("DNS-903",
                                 "lab:\n  host_resolv: { nameservers: [127.0.0.53, 203.0.113.54], systemd_resolved: [203.0.113.55] }\n",
                                 "  - { from: legacy, read: /etc/resolv.conf, expect: { contains: \"nameserver 203.0.113.54\", not_contains: [\"203.0.113.55\", \"127.0.0.53\"] } }\n")},
      // Resolved's file missing: Google's servers (a missing file reads as empty).
      {"dns-904.yaml", lab_check("DNS-904", "lab:\n  host_resolv: { nameservers: [127.0.0.53] }\n",
                                 "  - { from: legacy, read: /etc/resolv.conf, expect: { contains: [\"nameserver 8.8.8.8\", \"nameserver 8.8.4.4\"] } }\n")},
      // Control: without the lab key the container sees the lab's usual file, and DNS-901's
      // first step fails — so DNS-901 passing means the key was applied.
      {"dns-905.yaml", "id: DNS-905\n" + std::string(kHead) +
                           "containers: { legacy: {} }\nsteps:\n"
                           "  - { from: legacy, read: /etc/resolv.conf, expect: { contains: \"nameserver 203.0.113.54\" } }\n"},
  });
  for (auto id : {"DNS-901", "DNS-902", "DNS-903", "DNS-904"})
    EXPECT_EQ(check_status(results, id), "pass") << id << ": " << results[id].dump();
  EXPECT_EQ(check_status(results, "DNS-905"), "fail") << results["DNS-905"].dump();
}

TEST_F(HostResolv, TheStepChangesTheHostsFileForContainersBuiltAfterIt) {
  auto before = "networks: { n: {} }\ncontainers:\n  old: {}\n  oldn: { networks: [n] }\nsteps:\n"
                "  - { from: oldn, resolve: www.example.test., expect: { rcode: noerror } }\n";
  auto after = "  - { container_create: { name: fresh }, expect: ok }\n"
               // A container built after the edit reads the new file.
               "  - { from: fresh, read: /etc/resolv.conf, expect: { contains: [\"nameserver 203.0.113.55\", \"search changed.test\"] } }\n"
               // Running containers keep what they got: the default bridge's copy and the
               // embedded server's upstream.
               "  - { from: old, read: /etc/resolv.conf, expect: { contains: \"nameserver 203.0.113.53\", not_contains: 203.0.113.55 } }\n"
               "  - { from: oldn, resolve: api.example.test., expect: { rcode: nxdomain } }\n"
               "  - { dns_log: { name: api.example.test, server: 203.0.113.53 }, expect: { count: 1 } }\n"
               // A restart builds the sandbox anew: both follow the new file.
               "  - { restart: old, expect: ok }\n  - { restart: oldn, expect: ok }\n"
               "  - { from: old, read: /etc/resolv.conf, expect: { contains: \"nameserver 203.0.113.55\" } }\n"
               "  - { from: oldn, resolve: { name: big.example.test., tcp: true }, expect: { rcode: noerror } }\n"
               "  - { dns_log: { name: big.example.test, server: 203.0.113.55 }, expect: { count: 1 } }\n";
  auto results = run_check_files("host-resolv-step", {
      {"dns-911.yaml", "id: DNS-911\n" + std::string(kHead) + before +
                           "  - host_resolv: { nameservers: [203.0.113.55], search: [changed.test] }\n" + after},
      // The step writes systemd-resolved's file too; a runtime that picked it at start
      // (127.0.0.53 alone) reads the new servers at the next sandbox.
      {"dns-912.yaml", "id: DNS-912\n" + std::string(kHead) +
                           "lab:\n  host_resolv: { nameservers: [127.0.0.53], systemd_resolved: [203.0.113.54] }\n"
                           "containers: { c: {} }\nsteps:\n"
                           "  - { from: c, read: /etc/resolv.conf, expect: { contains: \"nameserver 203.0.113.54\" } }\n"
                           "  - host_resolv: { nameservers: [127.0.0.53], systemd_resolved: [203.0.113.55] }\n"
                           "  - { restart: c, expect: ok }\n"
                           "  - { from: c, read: /etc/resolv.conf, expect: { contains: \"nameserver 203.0.113.55\", not_contains: 203.0.113.54 } }\n"},
      // Control: the same story with the step replaced by a note fails (the fresh container
      // reads the lab's usual file).
      {"dns-913.yaml", "id: DNS-913\n" + std::string(kHead) + before + "  - note: \"no edit\"\n" + after},
  });
  EXPECT_EQ(check_status(results, "DNS-911"), "pass") << results["DNS-911"].dump();
  EXPECT_EQ(check_status(results, "DNS-912"), "pass") << results["DNS-912"].dump();
  ASSERT_EQ(check_status(results, "DNS-913"), "fail") << results["DNS-913"].dump();
  // The step records what it wrote.
  if (results.contains("DNS-911")) {
    auto& step = results["DNS-911"]["steps"][1];
    EXPECT_EQ(step["action"], "host_resolv") << step.dump();
    EXPECT_EQ(step["observed"]["etc_resolv_conf"], "nameserver 203.0.113.55\nsearch changed.test\n") << step.dump();
  }
}

}  // namespace
}  // namespace nc
