#include "harness/engine/repeat_tally.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/engine/matcher.h"

namespace nc::engine {

using nlohmann::json;

void RepeatTally::add(int run, const report::StepRecord& rec, bool is_connect) {
  if (!rec.ok && failures_++ == 0) first_failure_ = fmt::format("run {}: {}", run, rec.message);
  const json& o = rec.observed;
  if (!o.is_object()) return void(orders_.insert({}));
  outcomes_.insert(o.value("outcome", std::string()));
  std::vector<std::string> order;
  if (o.contains("answers"))
    for (auto& a : o["answers"]) order.push_back(a.is_string() ? a.get<std::string>() : a.dump());
  if (is_connect && o.contains("server") && o["server"].is_object())
    order.push_back(host_part(o["server"].value("local", std::string())));
  seen_.insert(order.begin(), order.end());
  orders_.insert(std::move(order));
}

void RepeatTally::judge(report::StepRecord& rec, const checks::Repeat& want, const std::vector<std::string>& seen) const {
  if (!rec.observed.is_object()) rec.observed = json::object();
  rec.observed["seen"] = seen_;
  rec.observed["orders"] = orders_.size();
  rec.observed["failures"] = failures_;
  rec.observed["outcomes"] = outcomes_;
  std::vector<std::string> problems, wanted{fmt::format("{} runs without a failure", want.times)};
  if (failures_) problems.push_back(fmt::format("{} of {} runs failed (first: {})", failures_, want.times, first_failure_));
  for (auto& address : seen) {
    wanted.push_back(fmt::format("{} seen", address));
    if (!seen_.contains(address))
      problems.push_back(fmt::format("{} never seen (seen: {})", address, fmt::join(seen_, ", ")));
  }
  for (auto o : want.outcomes_seen) {
    auto name = std::string(checks::outcome_name(o));
    wanted.push_back(fmt::format("some run {}", name));
    if (!outcomes_.contains(name)) problems.push_back(fmt::format("no run was {} (outcomes: {})", name, fmt::join(outcomes_, ", ")));
  }
  if (want.min_orders > 0) {
    wanted.push_back(fmt::format("at least {} distinct orders", want.min_orders));
    if (static_cast<int>(orders_.size()) < want.min_orders)
      problems.push_back(fmt::format("{} distinct order{}", orders_.size(), orders_.size() == 1 ? "" : "s"));
  }
  rec.ok = problems.empty();
  rec.expected = fmt::format("{}", fmt::join(wanted, ", "));
  rec.message = fmt::format("{}", fmt::join(problems, "; "));
  rec.description += fmt::format(" (repeat: {} runs, seen {}, {} order{})", want.times, fmt::join(seen_, " "), orders_.size(),
                                 orders_.size() == 1 ? "" : "s");
}

}  // namespace nc::engine
