// `netconform run`: load and filter checks, run them in one or more throwaway labs, print
// progress and a summary, write reports. With --kernel, the same selection runs once per
// kernel (in a VM for all but "host"), and the report holds every kernel's results, each
// carrying its kernel's release. GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX in the environment
// (a CI's shards) select every Nth check of the catalogue before anything runs. Exit 0 exactly when every result matched
// expectations; 1 when some did not; 2 for bad input (options, check files) or a lab that
// could not run.
#pragma once

#include <string>
#include <vector>

namespace nc::cli {

struct RunOptions {
  std::vector<std::string> runtimes{"netimpl"};
  std::string suite = "conformance";   // conformance | scenarios | all
  std::vector<std::string> filters;    // globs on check IDs; empty: every check
  int jobs = 1;
  std::string junit, json;
  std::string checks_root;             // holds conformance/ and scenarios/
  std::string probe_path;
  bool verbose = false;
  std::vector<std::string> gtest_args; // --gtest_* passed through
  std::string html;                    // --html FILE: the conformance matrix (report/html_writer.h)
  std::string docker_host, podman_url; // an existing daemon instead of a private one in the lab
  std::string cgroup_parent;           // set by run_command: "netconform-<our pid>"
  // --kernel: the kernels to run the checks on, one after the other (harness/vm/
  // kernel_choice.h): "host" runs here; any other runs in a VM with that kernel
  // (harness/vm/vm.h). Empty: the host's kernel only.
  std::vector<std::string> kernels;
  int vm_timeout_s = 3600;             // --vm-timeout: the bound on one VM's whole run
};

int run_command(const RunOptions& opts);

}  // namespace nc::cli
