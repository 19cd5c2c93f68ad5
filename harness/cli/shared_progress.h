// The progress of a run whose shards are separate processes: which check runs next, and
// one "[done/total]" sequence.
//
// With --jobs N each shard's lab runs in a child process with its own GoogleTest. Every
// shard registers the same tests in the same order (the same filter, and the same shuffle
// seed: the parent fixes one before it forks), and the counters live in an anonymous
// MAP_SHARED page made before the shards fork.
//
// Which check runs where is decided as the run goes, not up front: a shard about to start
// the k-th test of that common order runs it only when it is the first to claim k. A shard
// whose checks are short therefore takes more of them, and the run ends when the work does,
// not when the shard that drew the long checks does (GoogleTest's static sharding, every
// Nth test, left one lab waiting on the other: 29.8 s against 21.5 s of checks for two
// shards on the catalogue of December 2026). The claim is one compare-and-swap on a cursor:
// every shard walks the same sequence and tries each position once, so when a shard is at
// k every position before k is taken, and the CAS from k to k+1 succeeds for exactly one of
// them. The cursor only grows, so --gtest_repeat keeps counting past the end of a pass.
#pragma once

#include <atomic>
#include <cstdint>

namespace nc::cli {

class SharedProgress {
 public:
  // A fresh page; nullptr when mmap fails (the caller then shards statically).
  static SharedProgress* create();
  static void destroy(SharedProgress* p);  // after every shard has ended

  // The total is the same in every shard (each has the whole list): the first sets it.
  void set_total(int n) {
    int none = 0;
    total_.compare_exchange_strong(none, n);
  }
  int next() { return done_.fetch_add(1) + 1; }
  int total() const { return total_.load(); }

  // True for exactly one shard per position `k` of the common test order; each shard asks
  // for its positions 0, 1, 2, ... in turn.
  bool claim(int64_t k) { return cursor_.compare_exchange_strong(k, k + 1); }

 private:
  SharedProgress() = default;
  std::atomic<int> done_{0}, total_{0};
  std::atomic<int64_t> cursor_{0};
  static_assert(std::atomic<int>::is_always_lock_free, "shared between processes: must be lock-free");
  static_assert(std::atomic<int64_t>::is_always_lock_free, "shared between processes: must be lock-free");
};

}  // namespace nc::cli
