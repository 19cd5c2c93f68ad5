#include "harness/cli/check_tests.h"

#include <cctype>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness/engine/engine.h"
#include "harness/engine/skip.h"
#include "harness/kernel/features.h"
#include "harness/report/summary.h"

namespace nc::cli {
namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

class CheckTest : public ::testing::Test {
 public:
  CheckTest(const checks::Check& check, runtimes::RuntimeUnderTest& rut, SuiteRun& run)
      : check_(check), rut_(rut), run_(run) {}

  void TestBody() override {
    if (run_.progress && !run_.progress->claim(run_.position++)) return;  // another shard's lab runs it
    auto t0 = std::chrono::steady_clock::now();
    report::CheckResult r{.id = check_.id, .title = check_.title, .suite = std::string(checks::suite_name(check_.suite)),
                          .runtime = rut_.name(), .status = report::Status::kFail, .reason = "", .duration_ms = 0,
                          .steps = {}, .story = check_.story};
    execute(r);
    rut_.release();
    if (auto e = expectation(r)) runtimes::apply(*e, r);
    r.duration_ms = ms_since(t0);
    run_.results.push_back(r);
    if (r.status == report::Status::kSkip) GTEST_SKIP() << r.reason;
    if (r.status == report::Status::kFail || r.status == report::Status::kXpass) ADD_FAILURE() << r.reason;
  }

 private:
  // This check's expectation on this runtime (null: none). The runtime's file is loaded
  // once its version is known; a malformed file fails the check with file:line:col.
  std::optional<const runtimes::Expectation*> expectation(report::CheckResult& r) {
    if (rut_.version().empty() || run_.expectations_dir.empty()) return std::nullopt;
    auto [it, fresh] = run_.expectations.try_emplace(rut_.name());
    if (fresh) {
      auto e = runtimes::load_expectations_for(run_.expectations_dir, rut_.family(), rut_.version());
      if (!e) {
        run_.expectations.erase(it);
        r.status = report::Status::kFail;
        r.reason = fmt::format("expectations: {}", e.error().message());
        return std::nullopt;
      }
      it->second = std::move(*e);
    }
    return it->second.find(check_.id);
  }

  void execute(report::CheckResult& r) {
    auto placed = rut_.acquire(runtimes::lab_needs(check_));
    if (!placed) return void(r.reason = placed.error().message());
    if (auto why = engine::skip_reason(check_, *placed->runtime, rut_.name(), run_.features); !why.empty()) {
      r.status = report::Status::kSkip;
      r.reason = why;
      return;
    }
    if (auto e = expectation(r); e && *e && (*e)->verdict == runtimes::Verdict::kSkip) return void(r.status = report::Status::kSkip);
    if (r.status != report::Status::kFail || !r.reason.empty()) return;  // the expectations file is broken
    run_engine(*placed, r);
  }

  void run_engine(const runtimes::Placement& at, report::CheckResult& r) {
    engine::EngineEnv env{.runtime = at.runtime,
                          .lab = engine::LabPlaces::of(*at.host),
                          .probe_path = run_.probe_path,
                          .reset_after = !at.dropped_after_check,
                          .on_step = nullptr};
    // -v: the story, then each step as it ends. With one lab, live; with several (--jobs),
    // a check's lines are kept and printed together when it ends, so the labs' stories do
    // not interleave.
    std::string kept;
    bool live = run_.progress == nullptr;
    auto say = [&kept, live](const std::string& text) {
      if (!live) return void(kept += text);
      fmt::print("{}", text);
      std::fflush(stdout);
    };
    if (run_.verbose) {
      if (!check_.story.empty()) say(fmt::format("    {} story: {}\n", check_.id, check_.story));
      env.on_step = [&say](const report::StepRecord& s) {
        if (s.action == "fix") say("    ---- the fix ----\n");
        say(fmt::format("    {} {:>2}. {}{}\n", s.ok ? "ok  " : "FAIL", s.index, s.description,
                        s.ok ? "" : fmt::format(" — expected {}; {}", s.expected, s.message)));
      };
    }
    auto out = engine::run_check(check_, env);
    if (!kept.empty()) {
      fmt::print("{}", kept);
      std::fflush(stdout);
    }
    r.status = out.status;
    r.reason = out.reason;
    r.steps = std::move(out.steps);
  }

  const checks::Check& check_;
  runtimes::RuntimeUnderTest& rut_;
  SuiteRun& run_;
};

class ProgressPrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit ProgressPrinter(SuiteRun& run) : run_(run), color_(report::use_color(1)) {}
  void OnTestProgramStart(const ::testing::UnitTest& u) override {
    int repeat = GTEST_FLAG_GET(repeat);  // -1: forever (each pass then counts alone)
    total_ = u.test_to_run_count() * (repeat > 1 ? repeat : 1);
    if (run_.progress) run_.progress->set_total(total_);
  }
  void OnTestEnd(const ::testing::TestInfo&) override {
    if (run_.results.size() == printed_) return;  // another shard ran it
    printed_ = run_.results.size();
    const auto& r = run_.results.back();
    int index = run_.progress ? run_.progress->next() : ++done_;
    fmt::print("{}\n", report::format_progress(index, run_.progress ? run_.progress->total() : total_, r, color_));
    if (r.status == report::Status::kFail && !run_.verbose)
      for (auto& s : r.steps)
        if (!s.ok) {
          // The step's line of the story beside what was observed; in a story, which act.
          fmt::print("      step {}{}: {}\n", s.index, s.act.empty() ? "" : fmt::format(" ({})", s.act),
                     s.story_line.empty() ? s.description : fmt::format("\"{}\"", s.story_line));
          if (!s.story_line.empty()) {
            // The description starts with the story line ("NAME — what ran"): show what ran.
            std::string_view ran = s.description;
            if (std::string prefix = s.story_line + " — "; ran.starts_with(prefix)) ran.remove_prefix(prefix.size());
            fmt::print("        ran {}\n", ran);
          }
          fmt::print("        expected {}; {}\n", s.expected, s.message);
        }
    std::fflush(stdout);
  }

 private:
  SuiteRun& run_;
  bool color_;
  int total_ = 0, done_ = 0;
  size_t printed_ = 0;  // results printed so far
};

}  // namespace

std::string test_name(std::string_view id) {
  std::string n(id);
  for (auto& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

void register_checks(const std::vector<checks::Check>& checks, SuiteRun& run) {
  for (auto& rt : run.runtimes)
    for (auto& c : checks)
      ::testing::RegisterTest(test_name(rt->name()).c_str(), test_name(c.id).c_str(), nullptr, nullptr,
                              c.pos.file.c_str(), c.pos.line,
                              [&c, rut = rt.get(), &run]() -> ::testing::Test* { return new CheckTest(c, *rut, run); });
}

void install_progress_printer(SuiteRun& run) {
  auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
  delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new ProgressPrinter(run));
}

}  // namespace nc::cli
