#include "netimpl/dns/answer_cache.h"

#include <algorithm>
#include <cstring>

namespace nc::dns {
namespace {

constexpr size_t kHeader = 12;

std::string_view key_of(std::span<const uint8_t> query) {
  return {reinterpret_cast<const char*>(query.data()) + 2, query.size() - 2};
}

uint16_t get16(std::span<const uint8_t> w, size_t at) { return static_cast<uint16_t>(w[at] << 8 | w[at + 1]); }

// The offset just past the name at `at`, or 0 when it runs off the end.
size_t skip_name(std::span<const uint8_t> w, size_t at) {
  while (at < w.size()) {
    uint8_t len = w[at];
    if ((len & 0xc0) == 0xc0) return at + 2 <= w.size() ? at + 2 : 0;
    if (len & 0xc0) return 0;
    at += 1 + len;
    if (len == 0) return at;
  }
  return 0;
}

// True when the records can be reordered freely: each an address record whose owner is a
// pointer to a name before the answer section (no record refers into another one).
bool movable(std::span<const uint8_t> w, const std::vector<std::pair<size_t, size_t>>& rrs) {
  for (auto [off, len] : rrs) {
    if (len < 12 || (w[off] & 0xc0) != 0xc0 || (get16(w, off) & 0x3fff) >= rrs.front().first) return false;
    uint16_t type = get16(w, off + 2);
    if (type != 1 && type != 28) return false;
  }
  return true;
}

}  // namespace

bool answer_records(std::span<const uint8_t> w, std::vector<std::pair<size_t, size_t>>& out) {
  out.clear();
  if (w.size() < kHeader) return false;
  size_t at = kHeader;
  for (uint16_t i = get16(w, 4); i > 0; --i) {
    at = skip_name(w, at);
    if (!at || at + 4 > w.size()) return false;
    at += 4;
  }
  for (uint16_t i = get16(w, 6); i > 0; --i) {
    size_t start = at;
    at = skip_name(w, at);
    if (!at || at + 10 > w.size()) return false;
    at += 10 + get16(w, at + 8);
    if (at > w.size()) return false;
    out.emplace_back(start, at - start);
  }
  return true;
}

bool AnswerCache::lookup(std::span<const uint8_t> query, uint64_t gen, std::mt19937& rng, std::vector<uint8_t>& out) {
  if (gen != gen_ || query.size() < kHeader) return false;
  auto it = map_.find(key_of(query));
  if (it == map_.end()) return false;
  shuffle_into(it->second, rng, out);
  out[0] = query[0];
  out[1] = query[1];
  return true;
}

void AnswerCache::store(std::span<const uint8_t> query, uint64_t gen, std::span<const uint8_t> reply) {
  if (query.size() < kHeader || reply.size() < kHeader || reply.size() > 0xffff || (reply[2] & 0x02)) return;
  if (gen != gen_ || map_.size() >= max_) {
    map_.clear();
    gen_ = gen;
  }
  std::vector<std::pair<size_t, size_t>> rrs;
  if (!answer_records(reply, rrs) || (rrs.size() > 1 && !movable(reply, rrs))) return;
  Entry e{{reply.begin(), reply.end()}, {}};
  for (auto [off, len] : rrs) e.answers.push_back({static_cast<uint16_t>(off), static_cast<uint16_t>(len)});
  map_.insert_or_assign(std::string(key_of(query)), std::move(e));
}

void AnswerCache::shuffle_into(const Entry& e, std::mt19937& rng, std::vector<uint8_t>& out) {
  out.assign(e.reply.begin(), e.reply.end());
  if (e.answers.size() < 2) return;
  order_.resize(e.answers.size());
  for (size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<uint16_t>(i);
  std::shuffle(order_.begin(), order_.end(), rng);
  uint8_t* dst = out.data() + e.answers.front().off;
  for (auto i : order_) {
    std::memcpy(dst, e.reply.data() + e.answers[i].off, e.answers[i].len);
    dst += e.answers[i].len;
  }
}

}  // namespace nc::dns
