// One error type for the whole project.
//
// An Error is a message plus the errno that started it (0 when none). Context is
// prepended as the error travels up, so the final text reads from the outermost
// operation inward:  "setup network appnet: create bridge br-appnet in netns host: File exists".
//
// Functions that can fail return Result<T> (std::expected<T, Error>). Library code never
// logs errors and never throws for expected failures; the caller decides what to report.
#pragma once

#include <cerrno>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace nc {

class Error {
 public:
  Error() = default;
  explicit Error(std::string message, int sys_errno = 0)
      : message_(std::move(message)), errno_(sys_errno) {}

  const std::string& message() const { return message_; }
  // The errno behind the failure, or 0. Lets callers treat e.g. EEXIST or ENOENT specially.
  int sys_errno() const { return errno_; }

  // Returns this error with "what: " in front of the message.
  Error context(std::string_view what) const& { return Error(fmt::format("{}: {}", what, message_), errno_); }
  Error context(std::string_view what) && {
    message_ = fmt::format("{}: {}", what, message_);
    return std::move(*this);
  }

 private:
  std::string message_;
  int errno_ = 0;
};

template <class T = void>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message, int sys_errno = 0) {
  return std::unexpected(Error(std::move(message), sys_errno));
}

template <typename... Args>
std::unexpected<Error> failf(fmt::format_string<Args...> f, Args&&... args) {
  return std::unexpected(Error(fmt::format(f, std::forward<Args>(args)...)));
}

// Prepends context to a failed result; a success passes through unchanged. (g++ 12's
// std::expected<void, E> has no transform_error, so this is the one way we add context.)
template <class T>
Result<T> with_context(Result<T> r, std::string_view what) {
  if (!r) return std::unexpected(std::move(r).error().context(what));
  return r;
}

// "what: strerror(err)", carrying err. Call right after the failing system call.
std::unexpected<Error> sys_fail(std::string_view what, int err = errno);

}  // namespace nc

// NC_TRY(expr): evaluates a Result; on error returns it from the enclosing function,
// otherwise yields the value. NC_TRY_VOID for Result<void>. NC_TRY_CTX adds context.
#define NC_TRY(expr)                                                     \
  ({                                                                     \
    auto nc_try_r_ = (expr);                                             \
    if (!nc_try_r_) return std::unexpected(std::move(nc_try_r_).error()); \
    std::move(*nc_try_r_);                                               \
  })
#define NC_TRY_VOID(expr)                                                \
  do {                                                                   \
    auto nc_try_r_ = (expr);                                             \
    if (!nc_try_r_) return std::unexpected(std::move(nc_try_r_).error()); \
  } while (0)
#define NC_TRY_CTX(expr, ...)                                                       \
  ({                                                                                \
    auto nc_try_r_ = (expr);                                                        \
    if (!nc_try_r_)                                                                 \
      return std::unexpected(std::move(nc_try_r_).error().context(fmt::format(__VA_ARGS__))); \
    std::move(*nc_try_r_);                                                          \
  })
#define NC_TRY_VOID_CTX(expr, ...)                                                  \
  do {                                                                              \
    auto nc_try_r_ = (expr);                                                        \
    if (!nc_try_r_)                                                                 \
      return std::unexpected(std::move(nc_try_r_).error().context(fmt::format(__VA_ARGS__))); \
  } while (0)
