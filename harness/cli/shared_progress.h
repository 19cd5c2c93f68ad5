// One "[done/total]" sequence for a run whose shards are separate processes.
//
// With --jobs N each shard's lab runs in a child process with its own GoogleTest, so each
// would count its own checks ("[1/357]" twice). The counters live in an anonymous
// MAP_SHARED page made before the shards fork: every shard adds its share to the total when
// its tests start and takes the next number when a check ends. Shards start together, so
// the total is whole by the first line but for a shard whose lab took longer to build.
#pragma once

#include <atomic>

namespace nc::cli {

class SharedProgress {
 public:
  // A fresh page; nullptr when mmap fails (each shard then counts alone, as before).
  static SharedProgress* create();
  static void destroy(SharedProgress* p);  // after every shard has ended

  void add_total(int n) { total_.fetch_add(n); }
  int next() { return done_.fetch_add(1) + 1; }
  int total() const { return total_.load(); }

 private:
  SharedProgress() = default;
  std::atomic<int> done_{0}, total_{0};
  static_assert(std::atomic<int>::is_always_lock_free, "shared between processes: must be lock-free");
};

}  // namespace nc::cli
