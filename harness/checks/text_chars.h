// Which characters a check file may hold, and how messages show the others.
//
// yaml-cpp takes bytes as they come: a NUL ends its input early, invalid UTF-8 and control
// characters pass into keys and values, and its own messages quote them raw (a NUL in a
// double-quoted string became "unknown escape character: ^D" on the terminal). The loader
// therefore refuses such text before parsing, saying in words what it found and where,
// and passes every message that may quote file content through printable().
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nc::checks::detail {

// A place in a text: 1-based line and column; the column counts bytes, as yaml-cpp's
// marks do, so positions agree with the parser's own messages about the same file.
struct TextPos {
  int line = 1;
  int col = 1;
};

// The position of byte `offset` of `text` (lines end at '\n').
TextPos position_at(std::string_view text, size_t offset);

// The first character YAML does not allow in a stream (YAML 1.2, 5.1: tab, line feed,
// carriage return, the printable Unicode characters and NEL), or nullopt when there is
// none. `what` says in words what it is, without quoting it:
// "a NUL byte (0x00)", "byte 0xff, which is not UTF-8", "control character 0x1b (ESC)".
struct BadChar {
  size_t offset = 0;
  std::string what;
};
std::optional<BadChar> first_bad_char(std::string_view text);

// `s` with everything a terminal would act on or hide shown as an escape: control
// characters (\n, \t, \x1b), bytes that are not UTF-8 (\xff), C1 controls and invisible
// format characters such as bidirectional overrides (\u202e). Printable text, including
// non-ASCII letters, is unchanged.
std::string printable(std::string_view s);

}  // namespace nc::checks::detail
