#include "harness/checks/input_limits.h"

#include <fstream>

#include "harness/checks/nesting.h"
#include "harness/checks/text_chars.h"

namespace nc::checks::detail {
namespace {

std::unexpected<Error> refuse(std::string_view file, TextPos at, std::string_view what) {
  return fail(printable(fmt::format("{}:{}:{}: {}", file, at.line, at.col, what)));
}

}  // namespace

Result<void> check_input(std::string_view text, std::string_view file) {
  if (text.size() > kMaxCheckBytes)
    return refuse(file, position_at(text, kMaxCheckBytes),
                  fmt::format("the file is larger than {} KiB ({} bytes), the limit for a check file; "
                              "the limit is crossed here",
                              kMaxCheckBytes / 1024, kMaxCheckBytes));
  if (auto bad = first_bad_char(text)) return refuse(file, position_at(text, bad->offset), bad->what);
  if (auto deep = nesting_exceeds(text, kMaxNesting))
    return refuse(file, *deep,
                  fmt::format("lists and maps nest deeper than {} levels, the limit for a check file; "
                              "the limit is crossed here",
                              kMaxNesting));
  return {};
}

Result<std::string> read_bounded(const std::filesystem::path& path) {
  auto what = printable(fmt::format("read {}", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) return sys_fail(what);
  std::string text(kMaxCheckBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return sys_fail(what);
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

}  // namespace nc::checks::detail
