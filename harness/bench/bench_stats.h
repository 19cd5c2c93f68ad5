// Small figures every benchmark prints: elapsed milliseconds and the median of a sample.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace nc::bench {

using BenchClock = std::chrono::steady_clock;

inline double ms_between(BenchClock::time_point a, BenchClock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// The upper median (no averaging of the middle pair); 0 for an empty sample.
inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

}  // namespace nc::bench
