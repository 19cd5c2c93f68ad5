// Reading yaml-cpp nodes into typed values with positioned errors. Internal to the loader.
//
// Every error reads "file:line:col: what is wrong" (1-based), pointing at the offending
// node, or at its key when the value is empty (yaml-cpp marks an empty value at the next
// token, which would mislead). The helpers check a node's type before converting it, so
// yaml-cpp's accessors do not throw here; the loader's boundary catches anything left.
// Messages quote file content through printable() (text_chars.h): nothing unprintable
// reaches a terminal.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/checks/check.h"
#include "netimpl/base/error.h"
#include "netimpl/base/ip.h"

namespace nc::checks::detail {

// A node of the document with where errors about it point and its name in messages.
struct Value {
  YAML::Node node;
  YAML::Mark mark;
  std::string name;  // "title", "subnet", "expect"
};

// One "key: value" entry of a mapping.
struct Field {
  std::string key;
  YAML::Mark key_mark;
  Value value;
};

// The entries of a mapping in document order (yaml-cpp keeps it).
struct Fields {
  YAML::Mark mark;
  std::vector<Field> all;
  const Field* find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }
};

using Keys = std::span<const std::string_view>;

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  SourcePos pos(const YAML::Mark& m) const;
  std::unexpected<Error> error(const YAML::Mark& at, std::string_view message) const;
  template <typename... Args>
  std::unexpected<Error> errorf(const YAML::Mark& at, fmt::format_string<Args...> f, Args&&... args) const {
    return error(at, fmt::format(f, std::forward<Args>(args)...));
  }

  // A mapping whose keys are all in `allowed` (no key twice) and include `required`.
  // `where` completes messages: "unknown key 'expct' in step; expected one of ...".
  Result<Fields> map(const Value& v, std::string_view where, Keys allowed, Keys required = {}) const;
  // A sequence; the elements are named "<name>[i]".
  Result<std::vector<Value>> list(const Value& v) const;
  // A scalar (plain or quoted), as written.
  Result<std::string> string(const Value& v) const;
  // A non-empty scalar.
  Result<std::string> word(const Value& v) const;
  // A string or a list of strings.
  Result<std::vector<std::string>> strings(const Value& v) const;
  Result<bool> boolean(const Value& v) const;                             // true | false
  Result<int64_t> integer(const Value& v, int64_t min, int64_t max) const;  // decimal
  Result<IpAddr> ip(const Value& v) const;
  Result<Prefix> subnet(const Value& v) const;  // "172.18.0.0/16": length given, no host bits

 private:
  std::string file_;
};

// The value of a field: the node, marked at the key when the node is empty.
Value field_value(const YAML::Node& key, const YAML::Node& value, std::string name);

// What kind of node this is, for messages: "a map", "a list", "a string", "nothing".
std::string_view node_kind(const YAML::Node& n);

}  // namespace nc::checks::detail
