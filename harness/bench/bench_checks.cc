#include "harness/bench/bench_checks.h"

#include <fnmatch.h>

#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "harness/bench/bench_stats.h"
#include "harness/checks/loader.h"
#include "harness/engine/engine.h"
#include "harness/engine/skip.h"
#include "harness/kernel/features.h"
#include "harness/runtimes/registry.h"

namespace nc::bench {
namespace {

using Clock = BenchClock;
constexpr auto ms = ms_between;

struct Variant {
  const char* name;
  bool bounded;
};
constexpr Variant kVariants[] = {{"declared", false}, {"bounded", true}};

// One check's samples for one variant.
struct Samples {
  std::vector<double> total, acquire, engine, release;
  std::string trouble;  // the last reason it did not pass ("" when it always did)
};

struct Row {
  const checks::Check* check = nullptr;
  std::string skip;  // why it does not run here
  Samples by_variant[2];
};

Result<std::vector<checks::Check>> load(const BenchOptions& o) {
  auto all = NC_TRY(checks::load_catalogue(o.checks_root));
  if (o.filters.empty()) return all;
  std::vector<checks::Check> out;
  for (auto& c : all)
    for (auto& g : o.filters)
      if (::fnmatch(g.c_str(), c.id.c_str(), 0) == 0) {
        out.push_back(std::move(c));
        break;
      }
  if (out.empty()) return failf("--filter {}: no check matches", fmt::join(o.filters, ","));
  return out;
}

// Runs one check once as `run` would (fresh netimpl), timing each phase.
void run_once(runtimes::RuntimeUnderTest& rut, Row& row, const Variant& v, const std::vector<kernel::Feature>& features,
              const BenchOptions& o) {
  Samples& s = row.by_variant[v.bounded ? 1 : 0];
  const auto& c = *row.check;
  auto t0 = Clock::now();
  auto placed = rut.acquire(runtimes::lab_needs(c));
  auto t1 = Clock::now();
  if (!placed) {
    s.trouble = placed.error().message();
    rut.release();
    return;
  }
  if (auto why = engine::skip_reason(c, *placed->runtime, rut.name(), features); !why.empty()) {
    row.skip = why;
    rut.release();
    return;
  }
  engine::EngineEnv env{.runtime = placed->runtime,
                        .lab = engine::LabPlaces::of(*placed->host),
                        .probe_path = o.probe_path,
                        .silence = {.bounded = v.bounded},
                        .reset_after = !placed->dropped_after_check,
                        .on_step = nullptr};
  auto out = engine::run_check(c, env);
  auto t2 = Clock::now();
  rut.release();
  auto t3 = Clock::now();
  if (out.status != report::Status::kPass) s.trouble = out.reason;
  s.total.push_back(ms(t0, t3));
  s.acquire.push_back(ms(t0, t1));
  s.engine.push_back(ms(t1, t2));
  s.release.push_back(ms(t2, t3));
}

std::vector<double> medians_of(const std::vector<Row>& rows, int variant, std::vector<double> Samples::*field) {
  std::vector<double> out;
  for (auto& r : rows)
    if (r.skip.empty() && !(r.by_variant[variant].*field).empty()) out.push_back(median(r.by_variant[variant].*field));
  return out;
}

void print_table(const std::vector<Row>& rows, const BenchOptions& o, const std::vector<std::vector<double>>& round_sums) {
  fmt::print("\nchecks on netimpl: {} rounds per variant (per-check medians, ms)\n", o.rounds);
  fmt::print("  {:<14} {:>10} {:>10} {:>7}\n", "check", "declared", "bounded", "ratio");
  for (auto& r : rows) {
    if (!r.skip.empty()) {
      fmt::print("  {:<14} skip: {}\n", r.check->id, r.skip);
      continue;
    }
    double a = median(r.by_variant[0].total), b = median(r.by_variant[1].total);
    fmt::print("  {:<14} {:>10.1f} {:>10.1f} {:>6.2f}x", r.check->id, a, b, b > 0 ? a / b : 0.0);
    for (int v = 0; v < 2; ++v)
      if (!r.by_variant[v].trouble.empty()) fmt::print("  [{} did not pass: {}]", kVariants[v].name, r.by_variant[v].trouble);
    fmt::print("\n");
  }
  fmt::print("\n  {:<26} {:>10} {:>10} {:>7}\n", "", "declared", "bounded", "ratio");
  auto line = [](const char* what, double a, double b) {
    fmt::print("  {:<26} {:>10.1f} {:>10.1f} {:>6.2f}x\n", what, a, b, b > 0 ? a / b : 0.0);
  };
  line("median check", median(medians_of(rows, 0, &Samples::total)), median(medians_of(rows, 1, &Samples::total)));
  line("  acquire (lab host, rt)", median(medians_of(rows, 0, &Samples::acquire)), median(medians_of(rows, 1, &Samples::acquire)));
  line("  engine (setup .. reset)", median(medians_of(rows, 0, &Samples::engine)), median(medians_of(rows, 1, &Samples::engine)));
  line("  release", median(medians_of(rows, 0, &Samples::release)), median(medians_of(rows, 1, &Samples::release)));
  line("sum of a round (jobs 1)", median(round_sums[0]), median(round_sums[1]));
}

}  // namespace

int checks_bench(const BenchOptions& o) {
  auto loaded = load(o);
  if (!loaded) {
    fmt::print(stderr, "netconform bench checks: {}\n", loaded.error().message());
    return 2;
  }
  auto rut = runtimes::make_runtime_under_test("netimpl", {.probe_path = o.probe_path, .cgroup_parent = o.cgroup_parent});
  if (!rut) {
    fmt::print(stderr, "netconform bench checks: {}\n", rut.error().message());
    return 1;
  }
  auto features = kernel::probe_kernel();
  std::vector<Row> rows;
  for (auto& c : *loaded) rows.push_back(Row{.check = &c, .skip = "", .by_variant = {}});
  std::vector<std::vector<double>> round_sums(2);
  for (int round = 0; round < o.rounds; ++round) {
    double sums[2] = {0, 0};
    for (size_t i = 0; i < rows.size(); ++i) {
      auto& row = rows[i];
      // Alternate which variant goes first, so neither always runs on a warmer machine.
      for (int k = 0; k < 2 && row.skip.empty(); ++k) {
        const Variant& v = kVariants[(k + round + i) % 2];
        auto& t = row.by_variant[v.bounded ? 1 : 0].total;
        size_t before = t.size();
        run_once(**rut, row, v, features, o);
        if (t.size() > before) sums[v.bounded ? 1 : 0] += t.back();  // this round's run, when it ran
      }
    }
    round_sums[0].push_back(sums[0]);
    round_sums[1].push_back(sums[1]);
    fmt::print("  round {}: declared {:.0f} ms, bounded {:.0f} ms for {} checks\n", round + 1, sums[0], sums[1], rows.size());
    std::fflush(stdout);
  }
  print_table(rows, o, round_sums);
  return 0;
}

}  // namespace nc::bench
