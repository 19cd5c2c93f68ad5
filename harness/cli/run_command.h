// `netconform run`: load and filter checks, run them in one or more throwaway labs, print
// progress and a summary, write reports. Exit 0 exactly when every result matched
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
};

int run_command(const RunOptions& opts);

}  // namespace nc::cli
