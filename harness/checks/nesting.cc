#include "harness/checks/nesting.h"

#include <vector>

namespace nc::checks::detail {
namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

// True when s[i] is an indicator such as "- " or ": ": followed by a blank or the line's end.
bool indicator(std::string_view s, size_t i) { return i + 1 >= s.size() || blank(s[i + 1]); }

size_t skip_blanks(std::string_view s, size_t i) {
  while (i < s.size() && blank(s[i])) ++i;
  return i;
}

// The index of a quoted scalar's closing quote on this line (s[i] opens it), or the line's
// last index: a quoted scalar that goes on is scanned as plain text on the next lines,
// where brackets are then counted rather than missed.
size_t skip_quoted(std::string_view s, size_t i) {
  char q = s[i];
  for (size_t k = i + 1; k < s.size(); ++k) {
    if (q == '"' && s[k] == '\\') { ++k; continue; }
    if (s[k] != q) continue;
    if (q == '\'' && k + 1 < s.size() && s[k + 1] == '\'') { ++k; continue; }
    return k;
  }
  return s.size() - 1;
}

// "key:" or "key: value" from s[i]: a mapping entry starts here.
bool starts_key(std::string_view s, size_t i) {
  if (s[i] == '[' || s[i] == '{' || s[i] == '|' || s[i] == '>' || s[i] == '#') return false;
  if (s[i] == '"' || s[i] == '\'') i = skip_quoted(s, i) + 1;
  for (; i < s.size(); ++i) {
    if (s[i] == '#' && i > 0 && blank(s[i - 1])) return false;
    if (s[i] == ':' && indicator(s, i)) return true;
  }
  return false;
}

// "|", ">", with optional indentation and chomping indicators, then nothing but a comment.
bool block_scalar_header(std::string_view s, size_t i) {
  size_t k = i + 1;
  while (k < s.size() && (s[k] == '-' || s[k] == '+' || (s[k] >= '0' && s[k] <= '9'))) ++k;
  k = skip_blanks(s, k);
  return k == s.size() || (s[k] == '#' && blank(s[k - 1]));
}

class Scan {
 public:
  explicit Scan(int limit) : limit_(limit) {}

  std::optional<TextPos> run(std::string_view text) {
    for (size_t start = 0; start <= text.size() && !crossed_;) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      auto line = text.substr(start, end - start);
      if (line.ends_with('\r')) line.remove_suffix(1);
      scan_line(line);
      ++line_;
      start = end + 1;
    }
    return crossed_;
  }

 private:
  struct Block {
    size_t col;
    bool seq;
  };

  int depth() const { return static_cast<int>(blocks_.size()) + flow_; }

  void crossed_at(size_t i) {
    if (!crossed_) crossed_ = TextPos{line_, static_cast<int>(i) + 1};
  }

  // A block collection entry at column `col`: a sibling of the open collection there, or a
  // new collection nested in the one before.
  void block_entry(size_t col, bool seq) {
    if (!blocks_.empty() && blocks_.back().col == col && blocks_.back().seq && !seq) blocks_.pop_back();
    if (!blocks_.empty() && blocks_.back().col == col && blocks_.back().seq == seq) return;
    blocks_.push_back(Block{col, seq});
    if (depth() > limit_) crossed_at(col);
  }

  // Lines of a block scalar's content (more indented than its parent, or blank) are text.
  bool in_block_scalar(std::string_view s, size_t indent) {
    if (!scalar_) return false;
    if (indent == s.size()) return true;
    if (!scalar_indent_ && static_cast<int>(indent) > scalar_parent_) scalar_indent_ = indent;
    if (scalar_indent_ && indent >= *scalar_indent_) return true;
    scalar_ = false;
    return false;
  }

  void scan_line(std::string_view s) {
    size_t indent = 0;
    while (indent < s.size() && s[indent] == ' ') ++indent;
    if (in_block_scalar(s, indent)) return;
    size_t first = skip_blanks(s, indent);
    if (first == s.size() || s[first] == '#') return;  // blank or only a comment
    if (indent == 0 && (s.starts_with("---") || s.starts_with("...")) && indicator(s, 2)) {
      blocks_.clear();
      flow_ = 0;
      node_start_ = true;
      scan_chars(s, 3);
      return;
    }
    if (flow_ > 0) return scan_chars(s, indent);
    while (!blocks_.empty() && blocks_.back().col > indent) blocks_.pop_back();
    // A line more indented than the open collection that no key or entry left waiting for
    // a value continues a plain or quoted scalar: it is text.
    bool continuation = !value_pending_ && !blocks_.empty() && indent > blocks_.back().col;
    node_start_ = !continuation;
    if (!continuation) indent = block_entries(s, indent);
    scan_chars(s, indent);
  }

  // The entries that open at the start of a line: "- ", "? " (possibly several, compact),
  // then "key:". Returns where the rest of the line starts.
  size_t block_entries(std::string_view s, size_t i) {
    while (i < s.size() && (s[i] == '-' || s[i] == '?') && indicator(s, i) && !crossed_) {
      block_entry(i, s[i] == '-');
      i = skip_blanks(s, i + 1);
    }
    if (i < s.size() && starts_key(s, i)) block_entry(i, false);
    return i;
  }

  void open_flow(size_t i) {
    ++flow_;
    if (depth() > limit_) crossed_at(i);
  }

  void scan_chars(std::string_view s, size_t from) {
    for (size_t i = from; i < s.size() && !crossed_; ++i) {
      char c = s[i];
      if (blank(c)) continue;
      if (c == '#' && (i == 0 || blank(s[i - 1]))) break;
      if (node_start_ && (c == '"' || c == '\'')) {
        i = skip_quoted(s, i);
        node_start_ = false;
      } else if (c == '[' || c == '{') {
        if (flow_ > 0 || node_start_) {
          open_flow(i);
          node_start_ = true;
        }
      } else if (flow_ > 0 && (c == ']' || c == '}')) {
        --flow_;
        node_start_ = false;
      } else if (flow_ > 0 && c == ',') {
        node_start_ = true;
      } else if ((c == ':' || c == '?' || c == '-') && indicator(s, i)) {
        node_start_ = node_start_ || c == ':';
      } else if (node_start_ && (c == '&' || c == '!')) {
        while (i + 1 < s.size() && !blank(s[i + 1])) ++i;  // an anchor or tag precedes the node
      } else if (node_start_ && flow_ == 0 && (c == '|' || c == '>') && block_scalar_header(s, i)) {
        scalar_ = true;
        scalar_indent_.reset();
        scalar_parent_ = blocks_.empty() ? -1 : static_cast<int>(blocks_.back().col);
        break;
      } else {
        node_start_ = false;
      }
    }
    value_pending_ = flow_ == 0 && node_start_ && !scalar_;
  }

  int limit_;
  int line_ = 1;
  std::optional<TextPos> crossed_;
  std::vector<Block> blocks_;
  int flow_ = 0;
  bool node_start_ = true;     // a node may begin at the next character
  bool value_pending_ = false;  // the last line ended where a node may begin ("key:", "- ")
  bool scalar_ = false;         // inside a block scalar's content
  int scalar_parent_ = -1;      // the column its content must be indented beyond
  std::optional<size_t> scalar_indent_;  // its content's indentation, from its first line
};

}  // namespace

std::optional<TextPos> nesting_exceeds(std::string_view yaml, int limit) { return Scan(limit).run(yaml); }

}  // namespace nc::checks::detail
