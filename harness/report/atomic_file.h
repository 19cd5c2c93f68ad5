// Writing a file so that readers see either the old content or the new, never a half.
//
// The content goes to a temporary file beside `path` (same directory, so rename() stays on
// one filesystem), is flushed to disk, and is then renamed over `path`. On any failure the
// temporary file is removed, `path` is left as it was, and the error names `path`:
//   "write /nonexistent/dir/x.json: create temporary file in /nonexistent/dir: No such file or directory"
// The new file gets mode 0644 (before the umask).
#pragma once

#include <string>
#include <string_view>

#include "netimpl/base/error.h"

namespace nc::report {

Result<void> write_file_atomic(const std::string& path, std::string_view content);

}  // namespace nc::report
