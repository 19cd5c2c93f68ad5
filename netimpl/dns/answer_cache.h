// Local answers remembered in wire form, so a repeated query costs no ldns work.
//
// The embedded server's local answer is a function of the name table, the asker and the
// query's bytes after its 2-byte ID — except for the order of the answer records, which
// is shuffled per answer. This cache keeps, per query text (the bytes after the ID), the
// reply ldns built for it (message.h) and where its answer records are; a hit copies that
// reply with the new query's ID and the answer records shuffled at wire level. ldns stays
// the parser and builder of record: a hit needs a byte-for-byte match with a query ldns
// parsed and answered, at the same table generation.
//
// Only complete replies are kept: a truncated one holds a random subset of the records
// and is built afresh each time. Bounded: past `max_entries` the cache starts empty.
// Not thread-safe: one cache per served container, used by the event loop only.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nc::dns {

class AnswerCache {
 public:
  explicit AnswerCache(size_t max_entries = 1024) : max_(max_entries) {}

  // True when `query` was answered at generation `gen`: `out` holds the reply for it.
  bool lookup(std::span<const uint8_t> query, uint64_t gen, std::mt19937& rng, std::vector<uint8_t>& out);
  // Remembers `reply` (built by ldns for `query` at `gen`); ignored when it is truncated
  // or its answer section cannot be walked.
  void store(std::span<const uint8_t> query, uint64_t gen, std::span<const uint8_t> reply);
  size_t size() const { return map_.size(); }

 private:
  struct Span {
    uint16_t off, len;
  };
  struct Entry {
    std::vector<uint8_t> reply;
    std::vector<Span> answers;  // each answer record's bytes, in the stored order
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  void shuffle_into(const Entry& e, std::mt19937& rng, std::vector<uint8_t>& out);

  size_t max_;
  uint64_t gen_ = 0;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> map_;
  std::vector<uint16_t> order_;  // scratch for shuffles
};

// The answer records of a reply on the wire as (offset, length); false when the reply is
// malformed (the walk never reads past its end).
bool answer_records(std::span<const uint8_t> reply, std::vector<std::pair<size_t, size_t>>& out);

}  // namespace nc::dns
