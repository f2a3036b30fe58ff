// Error values shared by every module (STYLE §6): expected failures are values, not exceptions.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace fazhi {

// Closed set of error kinds. The HTTP status for each lives only in http/ (STYLE §7).
enum class ErrorCode {
  kInvalidArgument,  // the caller sent something wrong; message says what and how to fix it
  kNotFound,         // the object does not exist or is outside the caller's scope
  kConflict,         // the request is valid but clashes with stored state (duplicate, wrong status)
  kForbidden,        // authenticated, but the role or scope does not allow this
  kUnauthenticated,  // no valid session, or wrong credentials
  kTooManyRequests,  // throttled (login attempts)
  kPayloadTooLarge,  // body or upload over the configured limit
  kInternal,         // a bug or an I/O failure; details go to the log, not to the user
};

// Machine name of a code, e.g. "invalid_argument".
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // 中文, for the person who sees it
  std::string field;    // the input field (or "row 3, column 警号") the error is about; may be empty
  std::string reason;   // more specific machine code, e.g. "csrf_missing"; empty = ErrorCodeName(code)

  // Machine code sent to clients: reason if set, else the code's name.
  std::string MachineCode() const { return reason.empty() ? ErrorCodeName(code) : reason; }
};

template <typename T>
using Result = std::expected<T, Error>;

// Shorthands: return Invalid("警号不能为空", "badge_no");
inline std::unexpected<Error> Fail(ErrorCode code, std::string message, std::string field = {},
                                   std::string reason = {}) {
  return std::unexpected(Error{code, std::move(message), std::move(field), std::move(reason)});
}
inline std::unexpected<Error> Invalid(std::string message, std::string field = {}, std::string reason = {}) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message), std::move(field), std::move(reason));
}
inline std::unexpected<Error> NotFound(std::string message) { return Fail(ErrorCode::kNotFound, std::move(message)); }
inline std::unexpected<Error> Conflict(std::string message, std::string reason = {}) {
  return Fail(ErrorCode::kConflict, std::move(message), {}, std::move(reason));
}
inline std::unexpected<Error> Forbidden(std::string message, std::string reason = {}) {
  return Fail(ErrorCode::kForbidden, std::move(message), {}, std::move(reason));
}
inline std::unexpected<Error> Internal(std::string message) { return Fail(ErrorCode::kInternal, std::move(message)); }

}  // namespace fazhi

// The value of a Result, or return its error from the enclosing function (which returns a Result):
//   auto page = FZ_TRY(ctx.Page({"name"}));
// A GNU statement expression (g++ and clang); the value is moved out of the Result.
#define FZ_TRY(...)                                                                 \
  ({                                                                                \
    auto&& fz_try_result_ = (__VA_ARGS__);                                          \
    if (!fz_try_result_) return std::unexpected(std::move(fz_try_result_).error()); \
    std::move(*fz_try_result_);                                                     \
  })

// Return the error of a Result<void> (or any Result whose value is not needed).
#define FZ_CHECK(...)                                                                   \
  do {                                                                                  \
    auto&& fz_check_result_ = (__VA_ARGS__);                                            \
    if (!fz_check_result_) return std::unexpected(std::move(fz_check_result_).error()); \
  } while (0)
