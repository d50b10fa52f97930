// Status and Result<T>: Meridian's one error type.
//
// Every fallible call returns a Status (or a Result<T> that holds either a
// value or a non-OK Status). The code maps one-to-one to an HTTP status so an
// error can travel from the engine to a response unchanged (see HttpStatus()).
// Exceptions are never thrown across module boundaries.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace meridian {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,  // bad user input (HTTP 400)
  kNotFound = 2,         // HTTP 404
  kGone = 3,             // e.g. a deactivated NPI (HTTP 410)
  kCorruption = 4,       // a file failed verification (HTTP 500)
  kIoError = 5,          // the OS refused (HTTP 500)
  kUnavailable = 6,      // not ready, try again (HTTP 503)
  kInternal = 7,         // a bug (HTTP 500)
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(StatusCode::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
  static Status Gone(std::string msg) { return Status(StatusCode::kGone, std::move(msg)); }
  static Status Corruption(std::string msg) {
    return Status(StatusCode::kCorruption, std::move(msg));
  }
  static Status IoError(std::string msg) { return Status(StatusCode::kIoError, std::move(msg)); }
  static Status Unavailable(std::string msg) {
    return Status(StatusCode::kUnavailable, std::move(msg));
  }
  static Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // The HTTP status this error maps to.
  int HttpStatus() const;
  // "Corruption: bad checksum in section 'hot'" style text for logs and CLI.
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result built from an OK status has no value");
  }
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  // REQUIRES: ok()
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

#define MERIDIAN_RETURN_IF_ERROR(expr) \
  do {                                 \
    ::meridian::Status _st = (expr);   \
    if (!_st.ok()) return _st;         \
  } while (0)

}  // namespace meridian
