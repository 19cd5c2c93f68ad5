#include "harness/checks/yaml_reader.h"

#include <algorithm>
#include <charconv>

#include <fmt/ranges.h>

#include "harness/checks/text_chars.h"

namespace nc::checks::detail {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t next = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = row[j];
      row[j] = next;
    }
  }
  return row[b.size()];
}

// " (did you mean 'expect'?)" when one allowed key is a likely typo target.
std::string suggestion(std::string_view key, Keys allowed) {
  for (auto k : allowed)
    if (edit_distance(key, k) <= 2 && key.size() > 2) return fmt::format(" (did you mean '{}'?)", k);
  return "";
}

Result<void> check_required(const Reader& r, const Fields& f, std::string_view where, Keys required) {
  for (auto k : required)
    if (!f.has(k)) return r.errorf(f.mark, "missing required key '{}' in {}", k, where);
  return {};
}

}  // namespace

const Field* Fields::find(std::string_view key) const {
  auto it = std::ranges::find(all, key, &Field::key);
  return it == all.end() ? nullptr : &*it;
}

SourcePos Reader::pos(const YAML::Mark& m) const {
  // yaml-cpp marks are 0-based; -1 when unknown (an empty document).
  return SourcePos{file_, std::max(m.line, 0) + 1, std::max(m.column, 0) + 1};
}

std::unexpected<Error> Reader::error(const YAML::Mark& at, std::string_view message) const {
  return std::unexpected(Error(printable(fmt::format("{}: {}", pos(at).str(), message))));
}

Value field_value(const YAML::Node& key, const YAML::Node& value, std::string name) {
  bool empty = value.IsNull() || value.Mark().line < 0;
  return Value{value, empty ? key.Mark() : value.Mark(), std::move(name)};
}

std::string_view node_kind(const YAML::Node& n) {
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsScalar()) return "a string";
  return "nothing";
}

Result<Fields> Reader::map(const Value& v, std::string_view where, Keys allowed, Keys required) const {
  if (!v.node.IsMap()) return errorf(v.mark, "{}: expected a map, found {}", v.name, node_kind(v.node));
  Fields fields{v.mark, {}};
  for (const auto& kv : v.node) {
    if (!kv.first.IsScalar()) return errorf(kv.first.Mark(), "keys in {} must be plain words", where);
    std::string key = kv.first.Scalar();
    if (std::ranges::find(allowed, key) == allowed.end())
      return errorf(kv.first.Mark(), "unknown key '{}' in {}; expected one of {}{}", key, where,
                    fmt::join(allowed, ", "), suggestion(key, allowed));
    if (fields.has(key)) return errorf(kv.first.Mark(), "duplicate key '{}' in {}", key, where);
    fields.all.push_back(Field{key, kv.first.Mark(), field_value(kv.first, kv.second, key)});
  }
  NC_TRY_VOID(check_required(*this, fields, where, required));
  return fields;
}

Result<std::vector<Value>> Reader::list(const Value& v) const {
  if (!v.node.IsSequence()) return errorf(v.mark, "{}: expected a list, found {}", v.name, node_kind(v.node));
  std::vector<Value> out;
  for (const auto& item : v.node) {
    auto mark = item.IsNull() || item.Mark().line < 0 ? v.mark : item.Mark();
    out.push_back(Value{item, mark, fmt::format("{}[{}]", v.name, out.size())});
  }
  return out;
}

Result<std::string> Reader::string(const Value& v) const {
  if (!v.node.IsScalar()) return errorf(v.mark, "{}: expected a string, found {}", v.name, node_kind(v.node));
  return v.node.Scalar();
}

Result<std::string> Reader::word(const Value& v) const {
  auto s = NC_TRY(string(v));
  if (s.empty()) return errorf(v.mark, "{}: must not be empty", v.name);
  return s;
}

Result<std::vector<std::string>> Reader::strings(const Value& v) const {
  if (v.node.IsScalar()) return std::vector<std::string>{v.node.Scalar()};
  if (!v.node.IsSequence())
    return errorf(v.mark, "{}: expected a string or a list of strings, found {}", v.name, node_kind(v.node));
  std::vector<std::string> out;
  for (const auto& item : NC_TRY(list(v))) out.push_back(NC_TRY(string(item)));
  return out;
}

Result<bool> Reader::boolean(const Value& v) const {
  auto s = v.node.IsScalar() ? v.node.Scalar() : "";
  if (s == "true") return true;
  if (s == "false") return false;
  return errorf(v.mark, "{}: expected true or false, found {}", v.name,
                v.node.IsScalar() ? fmt::format("'{}'", s) : std::string(node_kind(v.node)));
}

Result<int64_t> Reader::integer(const Value& v, int64_t min, int64_t max) const {
  auto s = NC_TRY(string(v));
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    return errorf(v.mark, "{}: '{}' is not a whole number", v.name, s);
  if (value < min || value > max) return errorf(v.mark, "{}: {} is outside {}-{}", v.name, value, min, max);
  return value;
}

Result<IpAddr> Reader::ip(const Value& v) const {
  auto s = NC_TRY(string(v));
  auto ip = IpAddr::parse(s);
  if (!ip) return errorf(v.mark, "{}: {}", v.name, ip.error().message());
  return *ip;
}

Result<Prefix> Reader::subnet(const Value& v) const {
  auto s = NC_TRY(string(v));
  if (s.find('/') == std::string::npos)
    return errorf(v.mark, "{}: '{}' has no prefix length (write {}/{})", v.name, s, s, s.find(':') == std::string::npos ? 24 : 64);
  auto p = Prefix::parse(s);
  if (!p) return errorf(v.mark, "{}: {}", v.name, p.error().message());
  if (p->network() != *p) return errorf(v.mark, "{}: '{}' has host bits set; write {}", v.name, s, p->network().str());
  return *p;
}

}  // namespace nc::checks::detail

