// Status and Result<T>: Meridian's one error type.
//
// Every fallible call returns a Status (or a Result<T> that holds either a
// value or a non-OK Status). The code maps one-to-one to an HTTP status so an
// error can travel from the engine to a response unchanged (see HttpStatus()).
// Exceptions are never thrown across module boundaries.
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meridian {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,        // bad user input (HTTP 400)
  kNotFound = 2,               // HTTP 404
  kGone = 3,                   // e.g. a deactivated NPI (HTTP 410)
  kCorruption = 4,             // a file failed verification (HTTP 500)
  kIoError = 5,                // the OS refused (HTTP 500)
  kUnavailable = 6,            // not ready, try again (HTTP 503)
  kInternal = 7,               // a bug (HTTP 500)
  kUnauthenticated = 8,        // no valid credentials (HTTP 401)
  kPermissionDenied = 9,       // credentials or origin not allowed (HTTP 403)
  kMethodNotAllowed = 10,      // the path exists, the method does not (HTTP 405)
  kResourceExhausted = 11,     // a rate limit (HTTP 429)
  kFailedPrecondition = 12,    // well formed, but cannot be done now (HTTP 422)
  kAlreadyExists = 13,         // a second copy of something unique (HTTP 409)
  kNotAcceptable = 14,         // no representation the client accepts (HTTP 406)
  kUnsupportedMediaType = 15,  // a body of a type the route does not take (HTTP 415)
};

// A Status is OK, or a code plus:
//   - message: a sentence a person can act on ("expected a 10-digit NPI");
//   - param: the request parameter or input field at fault ("npi"), or "";
//   - reason: a stable machine word for API clients ("bad_parameter"); when
//     not set, the code's default (see Reason());
//   - suggestions: accepted values close to what was given, best first.
// The API turns a Status into its error body in one place (http/api.h
// ApiError), so these travel from the parser to the response unchanged.
// An OK Status holds nothing and costs one pointer.
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
  static Status Unauthenticated(std::string msg) {
    return Status(StatusCode::kUnauthenticated, std::move(msg));
  }
  static Status PermissionDenied(std::string msg) {
    return Status(StatusCode::kPermissionDenied, std::move(msg));
  }
  static Status MethodNotAllowed(std::string msg) {
    return Status(StatusCode::kMethodNotAllowed, std::move(msg));
  }
  static Status ResourceExhausted(std::string msg) {
    return Status(StatusCode::kResourceExhausted, std::move(msg));
  }
  static Status FailedPrecondition(std::string msg) {
    return Status(StatusCode::kFailedPrecondition, std::move(msg));
  }
  static Status AlreadyExists(std::string msg) {
    return Status(StatusCode::kAlreadyExists, std::move(msg));
  }
  static Status NotAcceptable(std::string msg) {
    return Status(StatusCode::kNotAcceptable, std::move(msg));
  }
  static Status UnsupportedMediaType(std::string msg) {
    return Status(StatusCode::kUnsupportedMediaType, std::move(msg));
  }

  // Copies with one detail set (an OK status stays OK and bare).
  Status WithParam(std::string param) const;
  Status WithReason(std::string reason) const;
  Status WithSuggestions(std::vector<std::string> suggestions) const;
  // The same details under another code or message (e.g. a reload that
  // failed on a corrupt file is the caller's FailedPrecondition).
  Status WithCode(StatusCode code) const;
  Status WithMessage(std::string message) const;

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  const std::string& message() const { return rep_ ? rep_->message : Empty(); }
  const std::string& param() const { return rep_ ? rep_->param : Empty(); }
  const std::vector<std::string>& suggestions() const;
  // The machine word: the one set by WithReason, else the code's default
  // ("bad_parameter", "not_found", "gone", "internal", "not_ready",
  // "unauthorized", "forbidden", "method_not_allowed", "rate_limited",
  // "failed_precondition"); "" when OK.
  std::string Reason() const;

  // The HTTP status this error maps to.
  int HttpStatus() const;
  // "Corruption: bad checksum in section 'hot'" style text for logs and CLI.
  std::string ToString() const;

 private:
  struct Rep {
    StatusCode code;
    std::string message, param, reason;
    std::vector<std::string> suggestions;
  };
  Status(StatusCode code, std::string msg)
      : rep_(std::make_shared<const Rep>(Rep{code, std::move(msg), {}, {}, {}})) {}
  explicit Status(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}
  // A copy with `change` applied to its details (an OK status stays as is).
  template <class Change>
  Status With(Change change) const;
  static const std::string& Empty();
  std::shared_ptr<const Rep> rep_;  // nullptr when OK; never changed once shared
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
