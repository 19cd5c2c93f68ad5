// The bounds a check file must keep before it is parsed, and reading a file within them.
//
// A check is a few kilobytes (the largest in the repository, 2.4 KB). Anything far beyond
// that is a mistake or an attack on the loader, and yaml-cpp's cost grows with it: 1 MiB of
// flow items takes it 1.6 s and 250 MB. So the loader refuses, before yaml-cpp sees the
// text, a file
//  - larger than kMaxCheckBytes (256 KiB: 0.4 s and 64 MB for yaml-cpp at worst),
//  - nesting collections deeper than kMaxNesting levels (a check needs about six),
//  - holding a character YAML does not allow (text_chars.h: a NUL, bytes that are not
//    UTF-8, control characters),
// each with one error "file:line:col: what is wrong" naming the limit and where it is
// crossed. conformance/README.md documents the limits.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "netimpl/base/error.h"

namespace nc::checks::detail {

inline constexpr size_t kMaxCheckBytes = 256 * 1024;
inline constexpr int kMaxNesting = 64;

// Errors for the first bound `text` crosses, in the order above; `file` names it.
Result<void> check_input(std::string_view text, std::string_view file);

// The file's bytes, reading at most kMaxCheckBytes + 1 of them: a larger file is refused
// by check_input without being read whole.
Result<std::string> read_bounded(const std::filesystem::path& path);

}  // namespace nc::checks::detail
