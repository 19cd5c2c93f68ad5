// netconform: does this runtime network containers the way Docker does?
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "harness/bench/bench_command.h"
#include "harness/cli/info_commands.h"
#include "harness/cli/new_command.h"
#include "harness/cli/paths.h"
#include "harness/cli/report_command.h"
#include "harness/cli/run_command.h"
#include "harness/diagnose/live.h"
#include "harness/runtimes/registry.h"

namespace {

std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (auto& item : items) {
    size_t start = 0;
    for (size_t comma; (comma = item.find(',', start)) != std::string::npos; start = comma + 1)
      if (comma > start) out.push_back(item.substr(start, comma - start));
    if (start < item.size()) out.push_back(item.substr(start));
  }
  return out;
}

bool needs_root(const char* what) {
  if (::geteuid() == 0) return false;
  fmt::print(stderr, "netconform {}: must run as root (it creates namespaces, links and nftables rules)\n", what);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "netconform — a kernel-integration test harness and conformance suite for container networking.\n"
      "Runs checks (conformance/, scenarios/) against a runtime inside a throwaway lab of namespaces;\n"
      "the machine's own network is never touched."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "netconform 0.1");

  nc::cli::RunOptions run;
  run.checks_root = nc::cli::default_catalogue_root();
  run.probe_path = nc::cli::default_probe_path();
  std::vector<std::string> runtimes{"netimpl"}, filters;
  auto* cmd_run = app.add_subcommand("run", "Run checks in a throwaway lab and report.\n"
                                            "GoogleTest flags (--gtest_repeat, --gtest_shuffle, ...) pass through;\n"
                                            "tests are named RUNTIME.ID with '_' for '-' (netimpl.BR_001).");
  std::string known;
  for (auto& k : nc::runtimes::runtime_kinds()) known += fmt::format("\n  {:<24} {}", k.name.ends_with(':') ? k.name + "PATH[=NAME]" : k.name, k.summary);
  cmd_run->add_option("--runtime", runtimes, "Runtimes to test, comma-separated:" + known)->delimiter(',')->default_str("netimpl");
  cmd_run->add_option("--suite", run.suite, "conformance, scenarios or all")
      ->check(CLI::IsMember({"conformance", "scenarios", "all"}))
      ->default_str("conformance");
  cmd_run->add_option("--filter", filters, "Glob(s) on check IDs, comma-separated (e.g. 'BR-*,ISO-00?')")->delimiter(',');
  cmd_run->add_option("--jobs,-j", run.jobs, "Labs to run in parallel (each takes the next check when it is free)")->default_str("1");
  cmd_run->add_option("--junit", run.junit, "Write a JUnit XML report to FILE");
  cmd_run->add_option("--json", run.json, "Write the JSON report to FILE (schema: harness/report/report.schema.json)");
  cmd_run->add_option("--checks", run.checks_root, "Directory holding conformance/ and scenarios/")->default_str(run.checks_root);
  cmd_run->add_option("--probe", run.probe_path, "The netconform-probe binary")->default_str(run.probe_path);
  cmd_run->add_flag("--verbose,-v", run.verbose, "Print every step and scenario stories");
  cmd_run->add_option("--html", run.html, "Write the conformance matrix (one self-contained HTML page) to FILE");
  cmd_run->add_option("--docker-host", run.docker_host,
                      "Use this existing Docker daemon (e.g. unix:///run/docker.sock) instead of a private one "
                      "in the lab; touches that host");
  cmd_run->add_option("--podman-url", run.podman_url, "Use this existing Podman service instead of podman in the lab; touches that host");
  std::vector<std::string> kernels;
  cmd_run->add_option("--kernel", kernels,
                      "Kernels to run the checks on, comma-separated, one VM each (qemu; the machine's root "
                      "read-only over 9p):\n  host                     this machine's kernel, no VM\n"
                      "  debian-6.1, debian-6.12  fetched by ci/kernels NAME into $NETCONFORM_CACHE/kernels\n"
                      "  debian-SUITE             any Debian suite's kernel (debian-bookworm-backports), likewise\n"
                      "  PATH                     a directory: vmlinuz, lib/modules/RELEASE (depmod'ed), "
                      "initramfs.cpio.gz (ci/kernel-initramfs PATH)")
      ->delimiter(',');
  cmd_run->add_option("--vm-timeout", run.vm_timeout_s, "Seconds one kernel's VM may run in all before it is killed")
      ->default_str("3600");
  cmd_run->allow_extras();

  bool json = false;
  std::string checks_root = run.checks_root;
  auto* cmd_list = app.add_subcommand("list", "List every check: id, suite, title, requires.");
  cmd_list->add_flag("--json", json, "Print a JSON array of {id, title, suite, requires}");
  cmd_list->add_option("--checks", checks_root, "Directory holding conformance/ and scenarios/");

  auto* cmd_kernel = app.add_subcommand("kernel", "Probe what this kernel offers (in a fresh namespace).");
  cmd_kernel->add_flag("--json", json, "Print JSON");

  nc::bench::BenchOptions bench;
  bench.probe_path = run.probe_path;
  auto* cmd_bench = app.add_subcommand("bench", "Benchmarks, side by side in one run, printing medians and ratios.");
  bench.checks_root = run.checks_root;
  std::vector<std::string> bench_filters;
  cmd_bench->add_option("what", bench.what, "topology | dns | ports | attach | checks")
      ->check(CLI::IsMember({"dns", "topology", "ports", "attach", "checks"}))
      ->default_str("topology");
  cmd_bench->add_option("--containers", bench.containers, "Containers per round")->default_str("20");
  cmd_bench->add_option("--rounds", bench.rounds, "Rounds per variant (attach: attach/detach cycles per runtime)")->default_str("5");
  cmd_bench->add_option("--connections", bench.connections, "ports: connections per latency sample")->default_str("500");
  cmd_bench->add_option("--filter", bench_filters, "checks: glob(s) on check IDs, comma-separated")->delimiter(',');
  cmd_bench->add_option("--checks", bench.checks_root, "checks: directory holding conformance/ and scenarios/")
      ->default_str(bench.checks_root);
  cmd_bench->add_option("--bulk-mib", bench.bulk_mib, "ports: MiB per throughput sample")->default_str("256");
  cmd_bench->add_option("--runtime", bench.runtimes,
                        "dns, ports, attach: the runtimes compared with netimpl, comma-separated (default: every one\n"
                        "installed; netimpl alone: --runtime netimpl)")
      ->delimiter(',');

  std::string html_out;
  std::vector<std::string> report_inputs;
  auto* cmd_report = app.add_subcommand("report", "Merge several runs' JSON reports into one conformance matrix.");
  cmd_report->add_option("--html", html_out, "The HTML matrix to write")->required();
  cmd_report->add_option("reports", report_inputs, "JSON reports written by `netconform run --json`")->required();

  nc::diagnose::LiveOptions diag;
  diag.probe_path = run.probe_path;
  auto* cmd_diag = app.add_subcommand(
      "diagnose",
      "Walk the debugging checklist from container FROM to TARGET[:PORT] on a runtime you run (Docker, or Podman\n"
      "with --podman): running, shared network, ping, name and its server, listener and where it is bound,\n"
      "firewall rules in TARGET's namespace. FROM host with TARGET:HOST_PORT checks a published port: is it\n"
      "mapped, and where does it lead. Stops at the first failing step with its evidence and the likely fix.\n"
      "Read-only: it inspects and probes (from the containers' namespaces), it changes nothing.\n"
      "Exit: 0 the path works, 1 a step failed, 2 usage error.");
  cmd_diag->add_option("FROM", diag.from, "The container that cannot connect, or host (TARGET:HOST_PORT: a published port)")->required();
  cmd_diag->add_option("TARGET", diag.target, "The container it connects to, NAME or NAME:PORT")->required();
  auto* diag_docker = cmd_diag->add_option("--docker-host", diag.endpoint, "The Docker daemon (e.g. unix:///run/docker.sock); default: the client's");
  auto* diag_podman = cmd_diag->add_flag("--podman", diag.podman, "Diagnose Podman containers instead of Docker's");
  cmd_diag->add_option("--podman-url", diag.endpoint, "The Podman service (implies --podman)")->excludes(diag_docker)->excludes(diag_podman);
  cmd_diag->add_option("--probe", diag.probe_path, "The netconform-probe binary")->default_str(diag.probe_path);
  cmd_diag->add_flag("--json", diag.json, "Print the diagnosis as JSON: {cause, steps: [{step, ok, evidence}], diagnosis, fix}");
  diag_docker->excludes(diag_podman);

  std::string new_kind, new_id;
  std::string new_root = run.checks_root;
  auto* cmd_new = app.add_subcommand("new", "Write a commented skeleton: netconform new scenario SCN-AREA-NNN "
                                            "(scenarios/<id>.yaml; never overwrites).");
  cmd_new->add_option("kind", new_kind, "scenario")->required();
  cmd_new->add_option("id", new_id, "the scenario's ID, SCN-NNN or SCN-AREA-NNN, not yet taken")->required();
  cmd_new->add_option("--checks", new_root, "Directory holding conformance/ and scenarios/")->default_str(new_root);

  auto* cmd_gc = app.add_subcommand("gc", "Remove what dead runs left behind (their empty cgroup directories).");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every malformed command line exits 2, as bad input does.
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (cmd_run->parsed()) {
    if (needs_root("run")) return 2;
    for (auto& extra : cmd_run->remaining()) {
      if (!extra.starts_with("--gtest_")) {
        fmt::print(stderr, "netconform run: unknown argument '{}' (see netconform run --help)\n", extra);
        return 2;
      }
      run.gtest_args.push_back(extra);
    }
    run.runtimes = split_commas(runtimes);
    run.filters = split_commas(filters);
    run.kernels = split_commas(kernels);
    return nc::cli::run_command(run);
  }
  if (cmd_diag->parsed()) {
    if (cmd_diag->count("--podman-url")) diag.podman = true;
    return needs_root("diagnose") ? 2 : nc::diagnose::diagnose_live(diag);
  }
  if (cmd_new->parsed()) return nc::cli::new_command(new_kind, new_id, new_root);
  if (cmd_report->parsed()) return nc::cli::report_command(html_out, report_inputs);
  if (cmd_gc->parsed()) return needs_root("gc") ? 2 : nc::cli::gc_command();
  if (cmd_list->parsed()) return nc::cli::list_command(checks_root, json);
  if (cmd_kernel->parsed()) return needs_root("kernel") ? 2 : nc::cli::kernel_command(json);
  if (cmd_bench->parsed()) {
    bench.filters = split_commas(bench_filters);
    return needs_root("bench") ? 2 : nc::bench::bench_command(bench);
  }
  return 2;
}
