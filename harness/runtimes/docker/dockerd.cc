#include "harness/runtimes/docker/dockerd.h"

#include <fstream>
#include <iterator>
#include <thread>

#include <fmt/format.h>

namespace nc::runtimes {

using namespace std::chrono_literals;

std::string log_tail(const std::string& path, size_t bytes) {
  std::ifstream f(path, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

DockerDaemon::~DockerDaemon() {
  // SIGTERM lets dockerd stop its containerd; the lab kills whatever is left anyway.
  if (process.pid() > 0) (void)process.terminate(10s);
}

Result<DockerDaemon> start_dockerd(const Namespaces& host, const std::string& state_dir,
                                   const std::string& cgroup_parent, std::chrono::milliseconds ready_timeout,
                                   const Namespaces* daemon_ns, const std::vector<std::string>& extra_args) {
  std::string sock = "unix://" + state_dir + "/docker.sock";
  std::string log = state_dir + "/dockerd.log";
  LaunchSpec spec;
  // sh only redirects the log to a file and execs: the pid is dockerd's.
  spec.argv = {"/bin/sh", "-c", "exec \"$0\" \"$@\" >>\"$LOG\" 2>&1", std::string(kDockerd),
               "--data-root", state_dir + "/data", "--exec-root", state_dir + "/exec",
               "--pidfile", state_dir + "/dockerd.pid", "-H", sock, "--cgroup-parent", cgroup_parent};
  spec.argv.insert(spec.argv.end(), extra_args.begin(), extra_args.end());
  spec.ns = daemon_ns ? daemon_ns : &host;
  spec.env_extra = {"LOG=" + log};
  auto proc = NC_TRY_CTX(Process::spawn(spec), "start dockerd");
  DockerDaemon d(std::move(proc), sock, log);

  Cli cli("docker", {std::string(kDockerClient), "-H", sock}, &host);
  auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  for (auto pause = 20ms;; pause = std::min(pause * 2, 250ms)) {
    auto exited = NC_TRY(d.process.wait_for(0ms));
    if (exited) return failf("dockerd exited with status {} before it was ready; log: {}", *exited, log_tail(log));
    auto r = cli.raw({"version", "--format", "{{.Server.Version}}"}, 10s);
    if (r && r->exit_code == 0) return d;
    if (std::chrono::steady_clock::now() > deadline)
      return failf("dockerd did not answer on {} within {} ms; log: {}", sock, ready_timeout.count(), log_tail(log));
    std::this_thread::sleep_for(pause);
  }
}

}  // namespace nc::runtimes
